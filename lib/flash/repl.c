/* repl.c - the MicroPython raw REPL client: drives a board through a
 * transport, keeping unconsumed input in r->rx so nothing read ahead is
 * lost between steps (the bytes are judged by repl_parse.c). */
#include "repl.h"
#include "clock.h"
#include "err.h"
#include "log.h"

#include <string.h>

/* Longest stretch of output kept while looking for a prompt: a busy
 * main.py may print for as long as we wait. */
#define RX_KEEP (64 * 1024)

void mpf_repl_init(struct mpf_repl *r, struct mpf_transport *t)
{
	memset(r, 0, sizeof(*r));
	r->t = t;
	r->paste = -1;
	r->use_paste = 1;
	/* Plain raw mode has no flow control: a board whose REPL loop falls
	 * behind its UART interrupt drops bytes (seen on QEMU's micro:bit).
	 * 32 bytes every 3 ms is about what a 115200-baud UART delivers
	 * anyway, so boards on real UARTs lose no time to it. */
	r->chunk = 32;
	r->chunk_gap_ms = 3;
}

void mpf_repl_release(struct mpf_repl *r)
{
	mpf_buf_release(&r->rx);
	mpf_buf_release(&r->seen);
}

static int left_ms(int64_t deadline)
{
	int64_t l = deadline - mpf_now_ms();

	return l > 0 ? (int)l : 0;
}

static int tr_fail(struct mpf_repl *r, int code, struct mpf_buf *err)
{
	return mpf_errf(err, code, "%s", r->t->err.len ? r->t->err.buf : mpf_err_name(code));
}

/* -vv shows every byte exchanged, quoted. */
static void trace_bytes(struct mpf_repl *r, const char *dir, const char *buf, size_t len)
{
	struct mpf_buf q = MPF_BUF_INIT;
	size_t i;

	if (!mpf_log_enabled(MPF_LOG_TRACE))
		return;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			mpf_buf_addch(&q, c);
		else
			mpf_buf_addf(&q, "\\x%02x", c);
	}
	mpf_trace("%s %s %s", r->t->name, dir, mpf_buf_str(&q));
	mpf_buf_release(&q);
}

/* Read what is there (waiting up to ms) into r->rx: >0 bytes, 0 nothing. */
static int fill(struct mpf_repl *r, int ms, struct mpf_buf *err)
{
	char tmp[512];
	int n = mpf_tr_read(r->t, tmp, sizeof(tmp), ms);

	if (n < 0)
		return tr_fail(r, n, err);
	if (n > 0) {
		trace_bytes(r, "<", tmp, (size_t)n);
		mpf_buf_add(&r->rx, tmp, (size_t)n);
		if (r->rx.len > RX_KEEP)
			mpf_buf_consume(&r->rx, r->rx.len - RX_KEEP / 2);
	}
	return n;
}

static int send(struct mpf_repl *r, const char *s, size_t len, int64_t deadline,
		struct mpf_buf *err)
{
	int x;

	trace_bytes(r, ">", s, len);
	x = mpf_tr_write(r->t, s, len, left_ms(deadline) + 100);

	return x < 0 ? tr_fail(r, x, err) : 0;
}

/* Ctrl-C twice stops main.py (a program that catches the first
 * KeyboardInterrupt too); Ctrl-A enters the raw REPL. The fast path sends
 * all at once and costs one round trip. A board that was booting, busy
 * reading stdin or asking CircuitPython's "press any key" gets the
 * sequence again, with growing pauses, until the deadline. */
static const char interrupt_seq[] = "\r\x03\x03\r\x01";

static int raw_send(struct mpf_repl *r, const char *code, size_t len, int64_t deadline,
		    struct mpf_buf *err);

/* Every Ctrl-A sent is answered by a raw prompt, and a slow board
 * interrupted more than once may send some after the one we took, where
 * they would pass for the reply to what we send next (the raw-paste
 * request, which a board before 1.14 answers with that very prompt; the
 * soft reset). No wait for quiet tells them apart from a board that is
 * merely slow: a line of code does. Its "OK" comes after all of them. */
static int settle(struct mpf_repl *r, int64_t deadline, struct mpf_buf *err)
{
	int x;

	r->running = 1;
	x = raw_send(r, "pass", 4, deadline, err);
	return x < 0 ? x : mpf_repl_finish(r, NULL, NULL, left_ms(deadline), err);
}

static int enter_done(struct mpf_repl *r, long at, int retried, int64_t deadline,
		      struct mpf_buf *err)
{
	mpf_buf_reset(&r->seen);
	mpf_buf_add(&r->seen, r->rx.buf, (size_t)at - strlen(MPF_REPL_RAW_PROMPT));
	mpf_buf_consume(&r->rx, (size_t)at);
	r->raw = 1;
	return retried ? settle(r, deadline, err) : 0;
}

int mpf_repl_enter(struct mpf_repl *r, int timeout_ms, struct mpf_buf *err)
{
	int64_t start = mpf_now_ms(), deadline = start + timeout_ms, next;
	int step = 400, retried = 0, keyed = 0, x;
	long at;

	mpf_tr_flush_input(r->t);
	mpf_buf_reset(&r->rx);
	x = send(r, interrupt_seq, sizeof(interrupt_seq) - 1, deadline, err);
	next = start + step;
	while (x >= 0) {
		at = mpf_repl_find_raw_prompt(r->rx.buf, r->rx.len);
		if (at >= 0) {
			r->waited_ms = mpf_now_ms() - start;
			return enter_done(r, at, retried, deadline, err);
		}
		if (!keyed && mpf_repl_wants_key(r->rx.buf, r->rx.len)) {
			keyed = retried = 1;
			x = send(r, "\r", 1, deadline, err);
			mpf_sleep_ms(50);
			x = x < 0 ? x : send(r, "\r\x01", 2, deadline, err);
			continue;
		}
		if (mpf_now_ms() >= deadline)
			break;
		if (mpf_now_ms() >= next) {
			mpf_debug("%s: no raw REPL prompt yet, interrupting again", r->t->name);
			retried = 1;
			keyed = 0;
			x = send(r, "\r\x03", 2, deadline, err);
			mpf_sleep_ms(50);
			x = x < 0 ? x : send(r, interrupt_seq + 2, sizeof(interrupt_seq) - 3,
					     deadline, err);
			step = step * 2 > 1600 ? 1600 : step * 2;
			next = mpf_now_ms() + step;
			continue;
		}
		x = fill(r, left_ms(next < deadline ? next : deadline), err);
	}
	r->waited_ms = mpf_now_ms() - start;
	if (x < 0)
		return x;
	return mpf_errf(err, MPF_ERR_TIMEOUT, "no REPL prompt within %d ms%s", timeout_ms,
			r->rx.len ? ": the port sent data, but no prompt" : ": the port was silent");
}

/* Read until pred finds what it wants in r->rx or the deadline passes. */
static int wait_for(struct mpf_repl *r, long (*find)(const char *, size_t),
		    int64_t deadline, const char *what, struct mpf_buf *err)
{
	long at;
	int x;

	for (;;) {
		at = find(r->rx.buf, r->rx.len);
		if (at >= 0) {
			mpf_buf_consume(&r->rx, (size_t)at);
			return 0;
		}
		if (!left_ms(deadline))
			return mpf_errf(err, MPF_ERR_TIMEOUT, "timed out waiting for %s", what);
		x = fill(r, left_ms(deadline), err);
		if (x < 0)
			return x;
	}
}

/* Wait for "OK", the board's receipt of a raw line (code, or the empty
 * line of a soft reset), skipping late raw prompts before it. */
static int await_ok(struct mpf_repl *r, int64_t deadline, const char *what, struct mpf_buf *err)
{
	long late;
	int x;

	for (;;) {
		late = mpf_repl_late_prompts(r->rx.buf, r->rx.len);
		if (late > 0)
			mpf_buf_consume(&r->rx, (size_t)late);
		if (late >= 0 && r->rx.len >= 2)
			break;
		if (!left_ms(deadline))
			return mpf_errf(err, MPF_ERR_TIMEOUT, "%s", what);
		x = fill(r, left_ms(deadline), err);
		if (x < 0)
			return x;
	}
	if (memcmp(r->rx.buf, "OK", 2))
		return mpf_repl_bad_reply(err, "expected OK from the raw REPL", r->rx.buf, r->rx.len);
	mpf_buf_consume(&r->rx, 2);
	return 0;
}

int mpf_repl_soft_reset(struct mpf_repl *r, int timeout_ms, struct mpf_buf *err)
{
	int64_t deadline = mpf_now_ms() + timeout_ms;
	int x;

	if (!r->raw)
		return mpf_errf(err, MPF_ERR_ARG, "soft reset needs the raw REPL");
	/* Ctrl-D on an empty raw line: "OK\r\n", a soft reboot (boot.py
	 * runs, main.py does not in raw mode), then the raw prompt again. */
	x = send(r, "\x04", 1, deadline, err);
	if (x >= 0)
		x = await_ok(r, deadline, "the board did not take the soft reset", err);
	if (x < 0)
		return x;
	return wait_for(r, mpf_repl_find_raw_prompt, deadline, "the raw REPL after soft reset", err);
}

static int ask_paste(struct mpf_repl *r, unsigned *window, int64_t deadline, struct mpf_buf *err)
{
	size_t used;
	int x = send(r, "\x05" "A\x01", 3, deadline, err);

	while (x >= 0) {
		x = mpf_repl_paste_reply(r->rx.buf, r->rx.len, window, &used, err);
		if (x != MPF_ERR_AGAIN) {
			if (x >= 0)
				mpf_buf_consume(&r->rx, used);
			break;
		}
		if (!left_ms(deadline))
			return mpf_errf(err, MPF_ERR_TIMEOUT, "no reply to the raw paste request");
		x = fill(r, left_ms(deadline), err);
	}
	return x;
}

/* Credit the flow-control bytes in r->rx: 1 when the board sent its end
 * (0x04, consumed; what follows is output), 0 to go on, <0 error. */
static int credit(struct mpf_repl *r, struct mpf_repl_window *w, struct mpf_buf *err)
{
	int x = mpf_repl_window_feed(w, r->rx.buf, r->rx.len, err);
	const char *e;

	if (x == 1) {
		e = memchr(r->rx.buf, 4, r->rx.len);
		mpf_buf_consume(&r->rx, (size_t)(e - r->rx.buf) + 1);
	} else if (x == 0) {
		mpf_buf_reset(&r->rx);
	}
	return x;
}

static int paste_send(struct mpf_repl *r, const char *code, size_t len, unsigned window,
		      int64_t deadline, struct mpf_buf *err)
{
	struct mpf_repl_window w = { window, window };
	size_t off = 0, n;
	int x, ended = 0;

	while (off < len) {
		/* the first 0x01 may have come with the window itself */
		ended = credit(r, &w, err);
		if (ended < 0)
			return ended;
		if (ended)
			break;
		if (!w.remain) {
			x = fill(r, left_ms(deadline), err);
			if (x < 0)
				return x;
			if (!x && !left_ms(deadline))
				return mpf_errf(err, MPF_ERR_TIMEOUT, "raw paste: board stopped reading");
			continue;
		}
		n = len - off < w.remain ? len - off : w.remain;
		x = send(r, code + off, n, deadline, err);
		if (x < 0)
			return x;
		off += n;
		w.remain -= (unsigned)n;
		x = fill(r, 0, err);	/* early flow-control bytes, no waiting */
		if (x < 0)
			return x;
	}
	if (ended) {
		/* The board stopped reading early (a syntax error, Ctrl-C):
		 * end our side too; its error output follows. */
		return send(r, "\x04", 1, deadline, err);
	}
	x = send(r, "\x04", 1, deadline, err);
	while (x >= 0 && (x = credit(r, &w, err)) == 0) {
		x = fill(r, left_ms(deadline), err);
		if (x == 0 && !left_ms(deadline))
			return mpf_errf(err, MPF_ERR_TIMEOUT, "raw paste: end not acknowledged");
	}
	return x < 0 ? x : 0;
}

static int raw_send(struct mpf_repl *r, const char *code, size_t len, int64_t deadline,
		    struct mpf_buf *err)
{
	size_t off = 0, chunk = r->chunk > 0 ? (size_t)r->chunk : len;
	int x = 0;

	while (off < len && x >= 0) {
		size_t n = len - off < chunk ? len - off : chunk;

		if (off && r->chunk_gap_ms)
			mpf_sleep_ms(r->chunk_gap_ms);
		x = send(r, code + off, n, deadline, err);
		off += n;
	}
	x = x < 0 ? x : send(r, "\x04", 1, deadline, err);
	return x < 0 ? x : await_ok(r, deadline, "the board did not take the code", err);
}

int mpf_repl_start(struct mpf_repl *r, const char *code, size_t len, int timeout_ms,
		   struct mpf_buf *err)
{
	int64_t deadline = mpf_now_ms() + timeout_ms;
	unsigned window = 0;
	int x;

	if (!r->raw)
		return mpf_errf(err, MPF_ERR_ARG, "not in the raw REPL");
	if (len == 0)
		return mpf_errf(err, MPF_ERR_ARG, "no code to run (an empty raw line soft-resets)");
	if (r->use_paste && r->paste != 0) {
		x = ask_paste(r, &window, deadline, err);
		if (x < 0)
			return x;
		r->paste = x;
	}
	r->running = 1;
	if (r->paste == 1)
		return paste_send(r, code, len, window, deadline, err);
	return raw_send(r, code, len, deadline, err);
}

int mpf_repl_finish(struct mpf_repl *r, struct mpf_buf *out, struct mpf_buf *errout,
		    int timeout_ms, struct mpf_buf *err)
{
	int64_t deadline = mpf_now_ms() + timeout_ms;
	struct mpf_buf tb = MPF_BUF_INIT;
	long used;
	int x = 0;

	while ((used = mpf_repl_split(r->rx.buf ? r->rx.buf : "", r->rx.len, out, &tb))
	       == MPF_ERR_AGAIN) {
		if (!left_ms(deadline)) {
			mpf_buf_release(&tb);
			return mpf_errf(err, MPF_ERR_TIMEOUT, "the code did not finish within %d ms",
					timeout_ms);
		}
		x = fill(r, left_ms(deadline), err);
		if (x < 0) {
			mpf_buf_release(&tb);
			return x;
		}
	}
	r->running = 0;
	x = 0;		/* not the count of the last read */
	if (used < 0) {
		x = mpf_repl_bad_reply(err, "bad reply framing from the raw REPL", r->rx.buf, r->rx.len);
	} else {
		mpf_buf_consume(&r->rx, (size_t)used);
		if (tb.len) {
			struct mpf_buf msg = MPF_BUF_INIT;

			mpf_repl_exception(tb.buf, tb.len, &msg);
			x = mpf_errf(err, MPF_ERR_FAIL, "%s", mpf_buf_str(&msg));
			mpf_buf_release(&msg);
		}
		if (errout)
			mpf_buf_add(errout, tb.buf ? tb.buf : "", tb.len);
	}
	mpf_buf_release(&tb);
	return x;
}

int mpf_repl_exec(struct mpf_repl *r, const char *code, struct mpf_buf *out,
		  struct mpf_buf *errout, int timeout_ms, struct mpf_buf *err)
{
	int64_t deadline = mpf_now_ms() + timeout_ms;
	int x = mpf_repl_start(r, code, strlen(code), timeout_ms, err);

	if (x < 0)
		return x;
	x = mpf_repl_finish(r, out, errout, left_ms(deadline), err);
	if (x == MPF_ERR_TIMEOUT && r->running)	/* the whole budget, not what was left */
		return mpf_errf(err, x, "the code did not finish within %d ms", timeout_ms);
	return x;
}

int mpf_repl_leave(struct mpf_repl *r, int timeout_ms, struct mpf_buf *err)
{
	int64_t deadline = mpf_now_ms() + timeout_ms;
	int x;

	if (!r->raw)
		return 0;
	if (r->running) {
		/* Stop our code (KeyboardInterrupt) and let its end go by;
		 * Ctrl-B follows whatever happens. */
		x = send(r, "\x03", 1, deadline, err);
		if (x < 0)
			return x;
		wait_for(r, mpf_repl_find_reply_end, mpf_now_ms() + left_ms(deadline) / 2, "", NULL);
		r->running = 0;
	}
	x = send(r, "\x02", 1, deadline, err);
	r->raw = 0;
	if (x < 0)
		return x;
	return wait_for(r, mpf_repl_find_friendly_prompt, deadline, "the friendly REPL prompt", err);
}
