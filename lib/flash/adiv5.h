/* adiv5.h - ARM Debug Interface v5 through a debug probe: SWD line setup,
 * the debug port, access ports and MEM-AP memory access (doc/protocols.md
 * 4.3-4.4), the interface every layer above the probe uses. An ADIv6 debug
 * port (the RP2350's) is taken the same way: only how an AP register is
 * addressed differs (mpf_adiv5_ap_select).
 *
 * Two kinds of probe sit behind it (struct mpf_adiv5_ops). A CMSIS-DAP
 * probe moves raw DP/AP transfers: memory transfers are planned around the
 * MEM-AP auto-increment window (TAR only increments within 1 KiB, or 4 KiB
 * on the Cortex-M3/M4 AHB-AP) and queued on the dap, so a whole range goes
 * out as full, pipelined packets with one TAR write per window. An ST-LINK
 * does memory access itself (adiv5_stlink.c): the queue calls run at once,
 * the first failure is kept and mpf_adiv5_run reports it.
 */
#ifndef MPF_ADIV5_H
#define MPF_ADIV5_H

#include <stdint.h>

#include "cmsis_dap.h"

/* DP registers (A[3:2]) */
#define DP_DPIDR	0x0
#define DP_ABORT	0x0
#define DP_CTRL_STAT	0x4
#define DP_SELECT	0x8
#define DP_RDBUFF	0xC

#define ABORT_CLEAR_ALL	0x1E	/* STKCMPCLR | STKERRCLR | WDERRCLR | ORUNERRCLR */
#define CS_STICKYORUN	(1u << 1)
#define CS_STICKYCMP	(1u << 4)
#define CS_STICKYERR	(1u << 5)
#define CS_WDATAERR	(1u << 7)
#define CS_CDBGPWRUPREQ	(1u << 28)
#define CS_CDBGPWRUPACK	(1u << 29)
#define CS_CSYSPWRUPREQ	(1u << 30)
#define CS_CSYSPWRUPACK	(1u << 31)

/* MEM-AP registers */
#define AP_CSW	0x00
#define AP_TAR	0x04
#define AP_DRW	0x0C
#define AP_BD0	0x10
#define AP_CFG	0xF4
#define AP_BASE	0xF8
#define AP_IDR	0xFC

#define CSW_SIZE16	0x1
#define CSW_SIZE32	0x2
#define CSW_ADDRINC_SINGLE 0x10
#define CSW_DEVICEEN	(1u << 6)
#define CSW_SDEVICEEN	(1u << 23)	/* ADIv6 AHB5 MEM-AP: Secure access allowed */
/* HPROT1 (privileged) | MasterType debug | DbgSwEnable: what the AHB-AP of
 * a Cortex-M expects from a debugger (OpenOCD's default). */
#define CSW_AHB_DEFAULT	0xA2000000u

struct mpf_adiv5;
struct mpf_stlink;

/* What a probe does under this layer; every mpf_adiv5_* call goes through
 * these. q_* queue (or run and latch a failure), run reports. */
struct mpf_adiv5_ops {
	const char *name;
	/* probe set up for SWD at (at most) hz */
	int (*setup)(struct mpf_adiv5 *a, uint32_t hz, struct mpf_buf *err);
	int (*connect)(struct mpf_adiv5 *a, struct mpf_buf *err);
	int (*recover)(struct mpf_adiv5 *a, struct mpf_buf *err);
	/* AP register: a read into *rd, or a write of wv when rd is NULL */
	void (*q_ap)(struct mpf_adiv5 *a, uint8_t ap, uint8_t reg, uint32_t *rd, uint32_t wv);
	void (*q_ap_poll)(struct mpf_adiv5 *a, uint8_t ap, uint8_t reg, uint32_t mask,
			  uint32_t match);
	void (*q_mem)(struct mpf_adiv5 *a, uint32_t addr, uint32_t *words, uint32_t n, int rd);
	void (*q_poll32)(struct mpf_adiv5 *a, uint32_t addr, uint32_t mask, uint32_t match);
	void (*q_write16)(struct mpf_adiv5 *a, uint32_t addr, uint16_t v);
	int (*run)(struct mpf_adiv5 *a, struct mpf_buf *err);
	/* nRESET: 0 held low, 1 released */
	int (*nreset)(struct mpf_adiv5 *a, int level, struct mpf_buf *err);
	void (*disconnect)(struct mpf_adiv5 *a);
};

struct mpf_adiv5 {
	const struct mpf_adiv5_ops *ops;
	struct mpf_dap *dap;		/* CMSIS-DAP probes */
	struct mpf_stlink *st;		/* ST-LINK probes */
	int q_rc;			/* ST-LINK: first failure since the last run */
	char q_msg[256];
	uint32_t match_mask;		/* CMSIS-DAP: the value-match mask set, ~0 unknown */
	uint32_t dpidr;
	uint32_t targetsel;	/* multidrop: the DP selected (TARGETSEL), 0 single-drop */
	uint32_t select;	/* cached SELECT, ~0 when unknown */
	uint32_t csw;		/* cached CSW of the MEM-AP, ~0 when unknown */
	uint32_t tar;		/* cached TAR, ~0 when unknown */
	uint8_t ap;		/* the MEM-AP in use */
	/* ADIv6 (a DPv3): where AP n sits in the debug address space (aps[n],
	 * nap of them), from the part's datasheet; NULL on ADIv5 */
	const uint32_t *aps;
	unsigned nap;
	uint32_t wrap;		/* auto-increment window of that AP */
	uint32_t ap_idr;
};

/* The SELECT value that reaches register reg (A[3:2] its bits 3:2) of
 * an AP: on ADIv5 APSEL in bits 31:24 and the register's bank in 7:4; on
 * ADIv6 (v6, ap the AP's base address) the register's address bits 31:4,
 * where a MEM-AP keeps the ADIv5 registers at 0xD00-0xDFF (ADIv6.0
 * chapters B2 and C2; doc/protocols.md 4.3). DPBANKSEL (bits 3:0) is 0 in both. */
uint32_t mpf_adiv5_ap_select(int v6, uint32_t ap, uint8_t reg);

/* Caches unknown, 1 KiB window, the probe's operations (for backends). */
void mpf_adiv5_init_ops(struct mpf_adiv5 *a, const struct mpf_adiv5_ops *ops);
void mpf_adiv5_init(struct mpf_adiv5 *a, struct mpf_dap *dap);
/* The same over an ST-LINK (adiv5_stlink.c). */
void mpf_adiv5_init_stlink(struct mpf_adiv5 *a, struct mpf_stlink *st);
/* The probe: SWD mode, clock at most hz, retries; nRESET; let go. */
int mpf_adiv5_setup(struct mpf_adiv5 *a, uint32_t hz, struct mpf_buf *err);
int mpf_adiv5_nreset(struct mpf_adiv5 *a, int level, struct mpf_buf *err);
void mpf_adiv5_disconnect(struct mpf_adiv5 *a);
/* Line reset, JTAG-to-SWD, line reset, idle, DPIDR; then clear sticky
 * errors and power up the debug domain. */
int mpf_adiv5_connect(struct mpf_adiv5 *a, struct mpf_buf *err);
/* After a failed transfer: read CTRL/STAT, clear sticky errors, forget
 * the caches. Describes the state in err (appended). */
int mpf_adiv5_recover(struct mpf_adiv5 *a, struct mpf_buf *err);

int mpf_adiv5_ap_read(struct mpf_adiv5 *a, uint8_t ap, uint8_t reg, uint32_t *v,
		      struct mpf_buf *err);
int mpf_adiv5_ap_write(struct mpf_adiv5 *a, uint8_t ap, uint8_t reg, uint32_t v,
		       struct mpf_buf *err);
/* ADIv6: write the AP register at debug address addr (one outside a
 * MEM-AP's register block, such as the RP2350's RP-AP CTRL). */
int mpf_adiv5_v6_write(struct mpf_adiv5 *a, uint32_t addr, uint32_t v, struct mpf_buf *err);
/* Queue form (run with mpf_adiv5_run). */
void mpf_adiv5_q_ap_write(struct mpf_adiv5 *a, uint8_t ap, uint8_t reg, uint32_t v);
/* Queue reads of an AP register until (value & mask) == match. */
void mpf_adiv5_q_ap_poll(struct mpf_adiv5 *a, uint8_t ap, uint8_t reg, uint32_t mask,
			 uint32_t match);
int mpf_adiv5_run(struct mpf_adiv5 *a, struct mpf_buf *err);

/* Select ap as the MEM-AP: read its IDR, set the auto-increment window. */
int mpf_adiv5_mem_ap(struct mpf_adiv5 *a, uint8_t ap, struct mpf_buf *err);

/* Word access to target memory (addresses 4-byte aligned). */
void mpf_adiv5_q_write32(struct mpf_adiv5 *a, uint32_t addr, uint32_t v);
void mpf_adiv5_q_read32(struct mpf_adiv5 *a, uint32_t addr, uint32_t *v);
/* Queue a read that the probe repeats until (value & mask) == match. */
void mpf_adiv5_q_poll32(struct mpf_adiv5 *a, uint32_t addr, uint32_t mask, uint32_t match);
void mpf_adiv5_q_write(struct mpf_adiv5 *a, uint32_t addr, uint32_t *words, uint32_t n);
/* One half-word access (addr 2-byte aligned): the MEM-AP at CSW size 16,
 * the value in the byte lanes of its address (ADIv5 C2.2.4). For flash
 * controllers that take half-words only (STM32F0/F1/F3). */
void mpf_adiv5_q_write16(struct mpf_adiv5 *a, uint32_t addr, uint16_t v);
/* MPF_OK when the probe can make 16-bit accesses, else MPF_ERR_SUPP
 * saying why (asked before anything is erased). */
int mpf_adiv5_mem16(struct mpf_adiv5 *a, struct mpf_buf *err);
int mpf_adiv5_read32(struct mpf_adiv5 *a, uint32_t addr, uint32_t *v, struct mpf_buf *err);
int mpf_adiv5_write32(struct mpf_adiv5 *a, uint32_t addr, uint32_t v, struct mpf_buf *err);
int mpf_adiv5_read(struct mpf_adiv5 *a, uint32_t addr, uint32_t *words, uint32_t n,
		   struct mpf_buf *err);
int mpf_adiv5_write(struct mpf_adiv5 *a, uint32_t addr, uint32_t *words, uint32_t n,
		    struct mpf_buf *err);
/* Read the word at addr every millisecond until (value & mask) == want,
 * for at most ms; the last value read in *last (may be NULL). Returns 0,
 * the read's error, MPF_ERR_INTR, or MPF_ERR_TIMEOUT without a message
 * (the caller says what did not finish). */
int mpf_adiv5_wait32(struct mpf_adiv5 *a, uint32_t addr, uint32_t mask, uint32_t want,
		     unsigned ms, uint32_t *last, struct mpf_buf *err);

#endif
