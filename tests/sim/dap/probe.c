/* probe.c - the CMSIS-DAP command processor (see probe.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "probe.h"

void dapsim_violation(unsigned long *count, const char *who, const char *fmt, ...)
{
	va_list ap;

	(*count)++;
	fprintf(stderr, "dapsim: %s: ", who);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

#define violation(p, ...) dapsim_violation(&(p)->violations, "probe", __VA_ARGS__)

static uint32_t get16(const uint8_t *b) { return b[0] | (uint32_t)b[1] << 8; }
static uint32_t get32(const uint8_t *b) { return get16(b) | get16(b + 2) << 16; }
static void put16(uint8_t *b, uint32_t v) { b[0] = v; b[1] = v >> 8; }
static void put32(uint8_t *b, uint32_t v) { put16(b, v); put16(b + 2, v >> 16); }

void dapsim_probe_init(struct dapsim_probe *p, struct dapsim_target *t, int version,
		       unsigned packet_size, unsigned packet_count)
{
	memset(p, 0, sizeof(*p));
	p->target = t;
	p->version = version;
	p->packet_size = packet_size;
	p->packet_count = packet_count;
	p->serial = "DAPSIM0001";
	p->product = version == 1 ? "DAPSim CMSIS-DAP v1" : "DAPSim CMSIS-DAP v2";
	p->clock_hz = 1000000;
	p->wait_retry = 100;
	p->swd_turnaround = 1;
}

static uint64_t now(struct dapsim_probe *p)
{
	return (p->clock ? p->clock(p->clock_ctx) : 0) + p->swd_us;
}

/* One transaction on the wire, with the WAIT retries the host configured.
 * Each try costs ~46 SWCLK cycles plus the idle cycles. */
static int xfer(struct dapsim_probe *p, uint8_t req, uint32_t *data)
{
	unsigned tries = 0;
	int ack;

	for (;;) {
		p->swd_us += (46u + p->idle) * 1000000ull / (p->clock_hz ? p->clock_hz : 1000000) + 1;
		ack = dapsim_transfer(p->target, req & 0x0F, data, now(p));
		p->transfers++;
		if (ack != 2 || tries++ >= p->wait_retry)
			return ack;
		p->waits++;
	}
}

static size_t info(struct dapsim_probe *p, uint8_t id, uint8_t *r)
{
	const char *s = NULL;

	r[0] = 0x00;
	r[1] = 0;
	switch (id) {
	case 0x01: s = "Simulated"; break;
	case 0x02: s = p->product; break;
	case 0x03: s = p->serial; break;
	case 0x04: s = p->version == 1 ? "1.10" : "2.1.0"; break;
	case 0x09: s = "0255"; break;
	case 0xF0: r[1] = 1; r[2] = 0x01; return 3;	/* SWD only */
	case 0xFE: r[1] = 1; r[2] = (uint8_t)p->packet_count; return 3;
	case 0xFF: r[1] = 2; put16(r + 2, p->packet_size); return 4;
	default: return 2;	/* not available */
	}
	r[1] = (uint8_t)(strlen(s) + 1);
	memcpy(r + 2, s, strlen(s) + 1);
	return 2 + r[1];
}

/* DAP_Transfer: returns the reply length. */
static size_t transfer(struct dapsim_probe *p, const uint8_t *q, size_t len, uint8_t *r)
{
	unsigned count, done = 0;
	size_t pos = 3, out = 3;
	uint8_t resp = 0;

	if (len < 3) {
		violation(p, "short DAP_Transfer");
		r[1] = 0; r[2] = 0;
		return 3;
	}
	if (!p->connected)
		violation(p, "DAP_Transfer before DAP_Connect");
	count = q[2];
	for (; done < count; done++) {
		uint8_t rq;
		uint32_t v = 0;
		int ack;

		if (pos >= len) {
			violation(p, "DAP_Transfer announces %u transfers, carries %u", count, done);
			resp = 0;
			break;
		}
		rq = q[pos++];
		if (rq & 0x80)
			violation(p, "DAP_Transfer timestamps are not supported");
		if (!(rq & 0x02) || (rq & 0x10)) {
			if (pos + 4 > len) {
				violation(p, "DAP_Transfer write without its data");
				resp = 0;
				break;
			}
			v = get32(q + pos);
			pos += 4;
		}
		if (!(rq & 0x02) && (rq & 0x20)) {	/* match mask: no wire transaction */
			p->match_mask = v;
			resp = 1;
			continue;
		}
		if ((rq & 0x02) && (rq & 0x10)) {	/* read until it matches */
			unsigned tries = 0;
			uint32_t got = 0;

			do {
				ack = xfer(p, rq, &got);
			} while (ack == 1 && (got & p->match_mask) != v && tries++ < p->match_retry);
			resp = ack;
			if (ack == 1 && (got & p->match_mask) != v)
				resp |= 0x10;
			if (resp != 1)
				break;
			continue;
		}
		ack = xfer(p, rq, &v);
		resp = ack;
		if (ack != 1)
			break;
		if (rq & 0x02) {
			if (out + 4 > p->packet_size) {
				violation(p, "DAP_Transfer reply exceeds the packet size %u", p->packet_size);
				break;
			}
			put32(r + out, v);
			out += 4;
		}
	}
	r[1] = (uint8_t)done;
	r[2] = resp;
	return out;
}

static size_t transfer_block(struct dapsim_probe *p, const uint8_t *q, size_t len, uint8_t *r)
{
	unsigned count, done = 0;
	size_t out = 4;
	uint8_t rq, resp = 0;

	if (len < 5) {
		violation(p, "short DAP_TransferBlock");
		put16(r + 1, 0); r[3] = 0;
		return 4;
	}
	count = get16(q + 2);
	rq = q[4];
	if (rq & 0x30)
		violation(p, "DAP_TransferBlock with match bits 0x%02x", rq);
	if (rq & 0x02) {
		if (4 + 4 * count > p->packet_size) {
			violation(p, "DAP_TransferBlock read of %u words exceeds the packet size %u",
				  count, p->packet_size);
			count = (p->packet_size - 4) / 4;
		}
	} else if (5 + 4 * (size_t)count > len) {
		violation(p, "DAP_TransferBlock write of %u words carries %zu bytes", count, len - 5);
		count = (unsigned)((len - 5) / 4);
	}
	for (; done < count; done++) {
		uint32_t v = (rq & 0x02) ? 0 : get32(q + 5 + 4 * done);
		int ack = xfer(p, rq, &v);

		resp = ack;
		if (ack != 1)
			break;
		if (rq & 0x02) {
			put32(r + out, v);
			out += 4;
		}
	}
	put16(r + 1, done);
	r[3] = resp;
	return out;
}

/* Bytes a command occupies in a request (for DAP_ExecuteCommands, which
 * strings several together); 0 when it cannot be told. */
static size_t request_len(const uint8_t *q, size_t len)
{
	static const uint8_t fixed[0x14] = {
		[0x00] = 2, [0x01] = 3, [0x02] = 2, [0x03] = 1, [0x04] = 6, [0x07] = 1,
		[0x08] = 6, [0x09] = 3, [0x0A] = 1, [0x10] = 7, [0x11] = 5, [0x13] = 2,
	};
	size_t pos, k;

	if (!len)
		return 0;
	switch (q[0]) {
	case 0x05:
		if (len < 3)
			return 0;
		for (pos = 3, k = 0; k < q[2]; k++) {
			if (pos >= len)
				return 0;
			pos += 1 + ((!(q[pos] & 0x02) || (q[pos] & 0x10)) ? 4 : 0);
		}
		return pos <= len ? pos : 0;
	case 0x06:
		if (len < 5)
			return 0;
		pos = 5 + ((q[4] & 0x02) ? 0 : 4 * (size_t)get16(q + 2));
		return pos <= len ? pos : 0;
	case 0x12:
		if (len < 2)
			return 0;
		pos = 2 + ((q[1] ? q[1] : 256) + 7) / 8;
		return pos <= len ? pos : 0;
	}
	return q[0] < sizeof(fixed) && fixed[q[0]] && fixed[q[0]] <= len ? fixed[q[0]] : 0;
}

static size_t status(uint8_t *r, int ok)
{
	r[1] = ok ? 0x00 : 0xFF;
	return 2;
}

static size_t command(struct dapsim_probe *p, const uint8_t *q, size_t len, uint8_t *r);

/* DAP_SWD_Sequence: [0x1D, count, (info, output data)...] -> [0x1D,
 * status, input data...]; info bits 0-5 cycles (0: 64), bit 7 input. */
static size_t swd_sequence(struct dapsim_probe *p, const uint8_t *q, size_t len, uint8_t *r)
{
	size_t at = 2, out = 2;
	unsigned k;

	if (len < 2)
		return violation(p, "short DAP_SWD_Sequence"), status(r, 0);
	for (k = 0; k < q[1]; k++) {
		unsigned n = at < len ? (q[at] & 0x3F ? q[at] & 0x3F : 64) : 0;
		int input = at < len && (q[at] & 0x80);

		if (!n || (!input && at + 1 + (n + 7) / 8 > len) || out + (n + 7) / 8 > p->packet_size)
			return violation(p, "DAP_SWD_Sequence %u of %u is malformed", k + 1, q[1]),
			       status(r, 0);
		if (input) {
			dapsim_swd_sequence(p->target, NULL, n, r + out);
			out += (n + 7) / 8;
			at++;
		} else {
			dapsim_swd_sequence(p->target, q + at + 1, n, NULL);
			at += 1 + (n + 7) / 8;
		}
	}
	r[1] = 0;
	return out;
}

/* DAP_ExecuteCommands: [0x7F, n, command...] -> [0x7F, n, reply...] */
static size_t execute(struct dapsim_probe *p, const uint8_t *q, size_t len, uint8_t *r)
{
	uint8_t tmp[1024];
	size_t pos = 2, out = 2, n, m;
	unsigned k;

	r[1] = q[1];
	for (k = 0; k < q[1]; k++) {
		if (!(n = request_len(q + pos, len - pos)) || q[pos] == 0x7F) {
			violation(p, "DAP_ExecuteCommands: command %u of %u is malformed", k + 1, q[1]);
			break;
		}
		m = command(p, q + pos, n, tmp);
		if (out + m > p->packet_size) {
			violation(p, "DAP_ExecuteCommands reply exceeds the packet size %u", p->packet_size);
			break;
		}
		memcpy(r + out, tmp, m);
		out += m;
		pos += n;
	}
	return out;
}

size_t dapsim_probe_command(struct dapsim_probe *p, const uint8_t *q, size_t len, uint8_t *r)
{
	size_t n = command(p, q, len, r);

	if (p->pace) {
		p->pace(p->clock_ctx, p->swd_us);
		p->swd_us = 0;
	}
	return n;
}

static size_t command(struct dapsim_probe *p, const uint8_t *q, size_t len, uint8_t *r)
{
	p->commands++;
	memset(r, 0, p->packet_size);
	dapsim_run(p->target, now(p), DAPSIM_SLICE);
	if (!len) {
		violation(p, "empty command packet");
		r[0] = 0xFF;
		return 1;
	}
	if (len > p->packet_size)
		violation(p, "command of %zu bytes exceeds the packet size %u", len, p->packet_size);
	r[0] = q[0];
	switch (q[0]) {
	case 0x00:
		return len < 2 ? (violation(p, "short DAP_Info"), status(r, 0)) : info(p, q[1], r);
	case 0x01: return status(r, len >= 3);
	case 0x02:
		if (len < 2 || q[1] > 1) {	/* no JTAG here */
			r[1] = 0;
			return 2;
		}
		p->connected = 1;
		r[1] = 1;
		return 2;
	case 0x03: p->connected = 0; return status(r, 1);
	case 0x04:
		if (len < 6)
			return violation(p, "short DAP_TransferConfigure"), status(r, 0);
		p->idle = q[1];
		p->wait_retry = (uint16_t)get16(q + 2);
		p->match_retry = (uint16_t)get16(q + 4);
		return status(r, 1);
	case 0x05: return transfer(p, q, len, r);
	case 0x06: return transfer_block(p, q, len, r);
	case 0x07: return 1;	/* TransferAbort: nothing is ever in progress here */
	case 0x08: {
		uint32_t v = len >= 6 ? get32(q + 2) : 0;

		if (len < 6)
			return violation(p, "short DAP_WriteABORT"), status(r, 0);
		return status(r, xfer(p, 0x00, &v) == 1);
	}
	case 0x09: return status(r, 1);
	case 0x0A: r[1] = 0; r[2] = 0; return 3;	/* no device-specific reset */
	case 0x10:
		if (len < 7)
			return violation(p, "short DAP_SWJ_Pins"), status(r, 0);
		if (q[2] & 0x80)
			dapsim_set_nreset(p->target, !!(q[1] & 0x80));
		r[1] = 0x03 | 0x80;	/* SWCLK, SWDIO high, nRESET as driven */
		return 2;
	case 0x11:
		if (len < 5 || !get32(q + 1))
			return violation(p, "bad DAP_SWJ_Clock"), status(r, 0);
		p->clock_hz = get32(q + 1);
		return status(r, 1);
	case 0x12: {
		unsigned bits = len >= 2 ? (q[1] ? q[1] : 256) : 0;

		if (len < 2 || len < 2 + (bits + 7) / 8)
			return violation(p, "short DAP_SWJ_Sequence"), status(r, 0);
		dapsim_swj_sequence(p->target, q + 2, bits);
		return status(r, 1);
	}
	case 0x1D: return swd_sequence(p, q, len, r);
	case 0x13:
		if (len < 2)
			return violation(p, "short DAP_SWD_Configure"), status(r, 0);
		p->swd_turnaround = (q[1] & 3) + 1;
		return status(r, 1);
	}
	if (q[0] == 0x7F && len >= 2 && !p->no_execute)
		return execute(p, q, len, r);
	if (q[0] == 0x7F) {	/* answered as unknown by firmware without it: not a violation */
		r[0] = 0xFF;
		return 1;
	}
	violation(p, "command 0x%02x not implemented", q[0]);
	r[0] = 0xFF;
	return 1;
}
