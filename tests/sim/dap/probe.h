/* probe.h - a CMSIS-DAP probe's firmware as a function: one command packet
 * in, one reply packet out, driving a dapsim target (ARM CMSIS-DAP
 * ref_dap.txt; doc/protocols.md 4.1-4.2). It does what DAPLink does for the
 * host: WAIT retries, value-match retries, posted reads hidden.
 * Commands that break the protocol (short, too long, unknown) are logged
 * on stderr as "dapsim: probe: ..." and answered with DAP_ERROR or 0xFF.
 */
#ifndef DAPSIM_PROBE_H
#define DAPSIM_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "target.h"

struct dapsim_probe {
	struct dapsim_target *target;
	unsigned packet_size, packet_count;
	int version;			/* 1 HID, 2 bulk */
	const char *serial, *product;
	int no_execute;			/* firmware without DAP_ExecuteCommands */
	/* state set by the host */
	int connected;
	uint32_t clock_hz;
	uint8_t idle;
	uint16_t wait_retry, match_retry;
	uint32_t match_mask;
	uint8_t swd_turnaround;
	/* microseconds now: wall clock scaled, or a test's fake clock */
	uint64_t (*clock)(void *ctx);
	void *clock_ctx;
	uint64_t swd_us;		/* wire time of this command so far */
	/* called after each command with its wire time (SWCLK cycles at the
	 * set clock, WAIT retries included): a model paced at real rates
	 * sleeps it. Without it the wire time just adds to the clock. */
	void (*pace)(void *ctx, uint64_t wire_us);
	/* counters */
	unsigned long commands, transfers, waits, violations;
};

void dapsim_probe_init(struct dapsim_probe *p, struct dapsim_target *t, int version,
		       unsigned packet_size, unsigned packet_count);
/* Handle one command; returns the reply length (<= packet_size). */
size_t dapsim_probe_command(struct dapsim_probe *p, const uint8_t *req, size_t len,
			    uint8_t *resp);

#endif
