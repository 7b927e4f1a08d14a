/* stlink.h - an ST-LINK's firmware as a function (doc/protocols.md 4.6-4.7):
 * 16-byte command blocks and data stages in, replies out, driving a dapsim
 * target over SWD the way the probe does: it enters SWD with a line reset
 * and powers the debug domain up, does memory access through a MEM-AP
 * (CSW, TAR, DRW, posted reads, the 1 KiB auto-increment window), reads
 * and writes core registers through DCRSR/DCRDR, raw DP/AP registers, the
 * "RW_MISC" batches, nRESET, and keeps the status of the last memory
 * command for the host to ask.
 *
 * The firmware version decides which commands exist (V2 J13..J45, V3
 * J1..J12); a command the claimed firmware lacks, a length over its limits
 * or a data stage of the wrong size is logged on stderr as "dapsim:
 * stlink: ..." (a protocol violation by the host) and answered with a
 * fault status.
 */
#ifndef DAPSIM_STLINK_H
#define DAPSIM_STLINK_H

#include <stddef.h>
#include <stdint.h>

#include "target.h"

struct dapsim_stlink {
	struct dapsim_target *t;
	int version;		/* 2 (V2 and V2-1) or 3 */
	int v21;		/* V2-1 (reports J and M) */
	int jtag, msd, swim, bridge;
	uint16_t pid;
	int mode;		/* 0 DFU, 1 mass storage, 2 debug */
	int connected;		/* SWD up, debug domain powered */
	uint8_t last_rw;	/* status of the last memory command */
	uint32_t fault_addr;
	uint32_t ap_open;
	uint32_t select;	/* SELECT as last written, ~0 unknown */
	uint32_t khz;		/* SWD clock */
	uint32_t misc_items;	/* RW_MISC_OUT done, replies waiting */
	uint8_t misc[2 * 4 * 1300];
	/* a command waiting for its data stage */
	uint8_t cmd[16];
	uint32_t want;
	/* time: microseconds now (scaled like the target's flash), and the
	 * wire time of this command, paced by the caller */
	uint64_t (*clock)(void *ctx);
	void *clock_ctx;
	uint64_t swd_us;
	void (*pace)(void *ctx, uint64_t wire_us);
	unsigned long commands, violations, transfers;
};

/* version 2 (v21: a V2-1) or 3, firmware jtag; pid as the probe reports. */
void dapsim_stlink_init(struct dapsim_stlink *s, struct dapsim_target *t, int version,
			int v21, int jtag, uint16_t pid);
/* Whether the firmware is old enough to lack this command byte (for the
 * model's own option checks). */
int dapsim_stlink_has(const struct dapsim_stlink *s, uint8_t cmd0, uint8_t cmd1);
/* One OUT transfer (a command block or its data stage). The reply, when
 * the command is complete and has one, goes to reply (*rlen bytes, up to
 * 65536). Returns 0, or -1 for a violation (already logged). */
int dapsim_stlink_out(struct dapsim_stlink *s, const uint8_t *data, size_t len, uint8_t *reply,
		      size_t *rlen);

#endif
