/* stlink.h - the ST-LINK/V2, V2-1 and V3 debug probes' own USB protocol
 * (doc/protocols.md 4.6-4.7).
 *
 * Every command is a 16-byte block on the probe's bulk OUT endpoint,
 * followed by a data stage: bytes to the probe on the same endpoint
 * (memory writes) or a reply of a length the command fixes on the bulk IN
 * endpoint. Unlike CMSIS-DAP the probe does memory access itself: the
 * host names an address and a length, the firmware drives CSW, TAR and
 * DRW. Raw DP and AP register access exists from V2 firmware J24 and on
 * every V3 ("dapdirect").
 *
 * Pure: the bytes travel through the same small pipe as CMSIS-DAP's
 * (struct mpf_dap_io), so this layer runs against a simulator or a probe.
 */
#ifndef MPF_STLINK_H
#define MPF_STLINK_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cmsis_dap.h"

#define STLINK_CMD_SIZE		16
#define STLINK_DATA_MAX		6144	/* largest 16/32-bit memory transfer */
#define STLINK_DP_PORT		0xFFFF	/* "port" of the DP in DAP register commands */

/* What the firmware can do, from its version (doc/protocols.md 4.7). */
#define STLINK_F_VOLTAGE	0x01	/* V2 J13+, V3 */
#define STLINK_F_RWSTATUS2	0x02	/* 12-byte last-R/W status: V2 J15+, V3 */
#define STLINK_F_SWD_FREQ	0x04	/* clock divisor: V2 J22+ (V3: frequency table) */
#define STLINK_F_DAP_REG	0x08	/* raw DP/AP registers: V2 J24+, V3 */
#define STLINK_F_MEM16		0x10	/* 16-bit memory access: V2 J26+, V3 */
#define STLINK_F_AP_INIT	0x20	/* an AP other than 0 must be opened first: V2 J28+, V3 */
#define STLINK_F_AP_MEM		0x40	/* memory access through any AP: V2 J32+, V3 J2+ */

struct mpf_stlink {
	struct mpf_dap_io io;
	int version;		/* 2 or 3 (V2-1 and V2 both report 2) */
	int jtag;		/* firmware "J" number */
	int swim, msd;
	uint16_t vid, pid;
	unsigned flags;		/* STLINK_F_* */
	unsigned rw8_max;	/* 8-bit transfers: 64 bytes, V3 J6+ 512 */
	uint32_t hz;		/* SWD clock set */
	uint32_t ap_open;	/* APs 0..31 opened with INIT_AP */
	int timeout_ms;
	unsigned long commands;	/* USB round trips */
};

void mpf_stlink_init(struct mpf_stlink *st, const struct mpf_dap_io *io);
/* GET_VERSION (and V3's extended one): version, firmware, flags. */
int mpf_stlink_version(struct mpf_stlink *st, struct mpf_buf *err);
/* "V2J37S7", "V3J7M3B2" (cap >= 24). */
void mpf_stlink_version_str(const struct mpf_stlink *st, char *out, size_t cap);
/* Target voltage in millivolts (MPF_ERR_SUPP on old firmware). */
int mpf_stlink_voltage(struct mpf_stlink *st, int *mv, struct mpf_buf *err);
/* Leave the mode the probe is in (DFU, SWIM or debug from an earlier
 * session); then enter SWD, which runs the line reset. */
int mpf_stlink_leave_mode(struct mpf_stlink *st, struct mpf_buf *err);
int mpf_stlink_enter_swd(struct mpf_stlink *st, struct mpf_buf *err);
int mpf_stlink_exit(struct mpf_stlink *st, struct mpf_buf *err);
/* The fastest SWD clock not above hz that the probe offers (V2: the
 * divisor table, V3: the probe's frequency list); the one set in st->hz. */
int mpf_stlink_clock(struct mpf_stlink *st, uint32_t hz, struct mpf_buf *err);
int mpf_stlink_dpidr(struct mpf_stlink *st, uint32_t *dpidr, struct mpf_buf *err);
/* nRESET: 0 drive low, 1 release. */
int mpf_stlink_nrst(struct mpf_stlink *st, int level, struct mpf_buf *err);

/* Memory through MEM-AP ap in accesses of size 1, 2 or 4 bytes; addr and
 * len aligned to size. Split into commands the firmware takes (8-bit at
 * most rw8_max bytes, others STLINK_DATA_MAX and never across a 1 KiB TAR
 * window). A fault comes back as MPF_ERR_PROTO naming the status. */
int mpf_stlink_read(struct mpf_stlink *st, uint8_t ap, uint32_t addr, uint8_t *buf,
		    uint32_t len, int size, struct mpf_buf *err);
int mpf_stlink_write(struct mpf_stlink *st, uint8_t ap, uint32_t addr, const uint8_t *buf,
		     uint32_t len, int size, struct mpf_buf *err);
/* DP (port STLINK_DP_PORT) or AP register reg; opens the AP when needed. */
int mpf_stlink_reg_read(struct mpf_stlink *st, uint16_t port, uint16_t reg, uint32_t *v,
			struct mpf_buf *err);
int mpf_stlink_reg_write(struct mpf_stlink *st, uint16_t port, uint16_t reg, uint32_t v,
			 struct mpf_buf *err);

/* "SWD AP FAULT", ... for a status byte. */
const char *mpf_stlink_status_name(uint8_t status);
/* The clock a V2 reaches for hz: its divisor table (0 below 5 kHz). */
uint32_t mpf_stlink_v2_clock(uint32_t hz, uint16_t *divisor);
/* The fastest of n frequencies (kHz, as V3 lists them) not above hz. */
uint32_t mpf_stlink_pick_khz(const uint32_t *khz, unsigned n, uint32_t hz);

#endif
