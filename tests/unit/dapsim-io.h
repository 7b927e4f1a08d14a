/* dapsim-io.h - an in-process CMSIS-DAP backend for unit tests: commands go
 * straight to the probe model, replies queue up to the packet count (as in
 * the probe's buffers), and every packet is counted. */
#ifndef DAPSIM_IO_H
#define DAPSIM_IO_H

#include <string.h>
#include <time.h>

#include "../sim/dap/probe.h"
#include "cmsis_dap.h"
#include "err.h"

struct dapsim_io {
	struct dapsim_probe probe;
	uint8_t q[64][1024];
	size_t qlen[64];
	unsigned head, count, max_inflight;
	int unplug_after;	/* > 0: fail every packet after this many */
	unsigned long sent, reads;
	/* > 0: the read with this number fails with a timeout, the reply
	 * left in the probe (or, with lose_reply, gone with the transfer) */
	unsigned long fail_read;
	int lose_reply;
};

static uint64_t dapsim_io_clock(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* simulated time runs 1000 times faster: a 1 s erase takes 1 ms */
	return ((uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u) * 1000u;
}

static int dapsim_io_write(void *ctx, const uint8_t *pkt, size_t len, int timeout_ms,
			   struct mpf_buf *err)
{
	struct dapsim_io *io = ctx;
	unsigned slot;

	if (io->unplug_after && io->sent >= (unsigned long)io->unplug_after)
		return mpf_errf(err, MPF_ERR_NODEV, "probe disconnected");
	if (io->count >= io->probe.packet_count)
		return mpf_errf(err, MPF_ERR_PROTO, "more than packet count commands in flight");
	slot = (io->head + io->count) % 64;
	io->qlen[slot] = dapsim_probe_command(&io->probe, pkt, len, io->q[slot]);
	io->count++;
	io->sent++;
	if (io->count > io->max_inflight)
		io->max_inflight = io->count;
	return MPF_OK;
}

static int dapsim_io_read(void *ctx, uint8_t *pkt, size_t cap, int timeout_ms, struct mpf_buf *err)
{
	struct dapsim_io *io = ctx;
	size_t n;

	if (++io->reads == io->fail_read && io->count && io->lose_reply) {
		io->head = (io->head + 1) % 64;
		io->count--;
	}
	if (!io->count || io->reads == io->fail_read)
		return mpf_errf(err, MPF_ERR_TIMEOUT, "no reply within %d ms", timeout_ms);
	n = io->qlen[io->head] < cap ? io->qlen[io->head] : cap;
	memcpy(pkt, io->q[io->head], n);
	io->head = (io->head + 1) % 64;
	io->count--;
	return (int)n;
}

static inline void dapsim_io_init(struct dapsim_io *io, struct mpf_dap *d, struct dapsim_target *t,
				  unsigned psize, unsigned pcount)
{
	struct mpf_dap_io dio = { dapsim_io_write, dapsim_io_read, io };

	memset(io, 0, sizeof(*io));
	dapsim_probe_init(&io->probe, t, 2, psize, pcount);
	io->probe.clock = dapsim_io_clock;
	mpf_dap_init(d, &dio, 2);
}

#endif
