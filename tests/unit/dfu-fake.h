/* dfu-fake.h - a scripted DFU transport for unit tests: each expected
 * control request with the reply the device gives (after dfu-util's and
 * pydfu's exchanges with an STM32 ROM, doc/protocols.md 2.1-2.2). The clock
 * only moves when the protocol code sleeps, plus each step's "takes". */
#ifndef DFU_FAKE_H
#define DFU_FAKE_H

#include "dfu.h"
#include "err.h"
#include "test-lib.h"

#include <string.h>

struct step {
	uint8_t type, req;
	uint16_t value;
	uint16_t len;		/* wLength the host must send */
	int result;		/* bytes, or a negative mpf_err */
	uint8_t reply[8];	/* IN data (GETSTATUS: status, poll[3], state, 0) */
	unsigned takes;		/* ms the request takes (a NAKed request) */
	uint8_t out0;		/* first OUT data byte expected (0 = not checked) */
};

struct fake {
	const struct step *s;
	size_t n, at;
	int64_t now;
	unsigned slept;
	int bad;
	struct mpf_dfu_io io;
	struct mpf_dfu d;	/* the device under test, behind the script */
};

#define ST(status, poll, state) { status, (poll) & 0xff, ((poll) >> 8) & 0xff, 0, state, 0 }
#define GETSTATUS(status, poll, state) { 0xa1, 3, 0, 6, 6, ST(status, poll, state), 0, 0 }
/* a GETSTATUS that fails with the mpf_err e (a NAK that times out, a stall) */
#define GETSTATUS_FAILS(e) { 0xa1, 3, 0, 6, e, { 0 }, 0, 0 }
/* DNLOAD of len bytes whose first one is first (0: not checked) */
#define DNLOAD(block, len, first) { 0x21, 1, block, len, len, { 0 }, 0, first }
/* ... programmed while the GETSTATUS after it says busy for poll ms */
#define DNLOAD_BUSY(block, len, first, poll) DNLOAD(block, len, first), \
	GETSTATUS(0, poll, MPF_DFU_DNBUSY), GETSTATUS(0, 0, MPF_DFU_DNLOAD_IDLE)
/* UPLOAD asked for len bytes, answered with the bytes that follow */
#define UPLOAD(block, len, got, ...) { 0xa1, 2, block, len, got, { __VA_ARGS__ }, 0, 0 }
#define CLRSTATUS { 0x21, 4, 0, 0, 0, { 0 }, 0, 0 }
#define ABORT { 0x21, 6, 0, 0, 0, { 0 }, 0, 0 }

static int fake_control(void *ctx, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
			uint8_t *data, uint16_t len, unsigned timeout_ms, struct mpf_buf *err)
{
	struct fake *f = ctx;
	const struct step *s;

	if (f->at >= f->n) {
		test_msg("unexpected request %02x/%u value %u after the script", type, req, value);
		f->bad = 1;
		return mpf_errf(err, MPF_ERR_PROTO, "script over");
	}
	s = &f->s[f->at++];
	if (s->type != type || s->req != req || s->value != value || s->len != len ||
	    (s->out0 && (!data || data[0] != s->out0))) {
		test_msg("step %zu: got %02x/%u value %u len %u, want %02x/%u value %u len %u",
			 f->at - 1, type, req, value, len, s->type, s->req, s->value, s->len);
		f->bad = 1;
	}
	f->now += s->takes;
	if (s->result == MPF_ERR_TIMEOUT)
		f->now += timeout_ms;
	if (s->result < 0)
		return mpf_errf(err, s->result, "scripted failure");
	if (type & 0x80)
		memcpy(data, s->reply, (size_t)s->result);
	return s->result;
}

static void fake_sleep(void *ctx, unsigned ms)
{
	struct fake *f = ctx;

	f->now += ms;
	f->slept += ms;
}

static int64_t fake_now(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

/* f->d: an STM32F4 ROM that answers with the script s */
static struct mpf_dfu *fake_setup(struct fake *f, const struct step *s, size_t n)
{
	memset(f, 0, sizeof(*f));
	f->s = s;
	f->n = n;
	f->io = (struct mpf_dfu_io){ fake_control, fake_sleep, fake_now, f };
	mpf_dfu_init(&f->d, &f->io, 0);
	f->d.interrupted_check = 0;
	f->d.func.transfer_size = 2048;
	f->d.func.version = 0x011a;
	f->d.func.attributes = 0x0b;
	return &f->d;
}

/* every step used, none out of order */
#define fake_done(f) do { check_int((f)->at, ==, (f)->n); check_int((f)->bad, ==, 0); } while (0)

#endif
