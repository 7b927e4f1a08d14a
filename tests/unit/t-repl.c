/* t-repl.c - the raw REPL on recorded bytes.
 *
 * The micro:bit bytes are what QEMU's microbit machine running Debian's
 * firmware-microbit-micropython (MicroPython 1.9.2) sent, recorded on its
 * pty; the raw-paste replies follow MicroPython's shared/runtime/pyexec.c
 * (1.14+: "R\x01", window as u16 LE, then 0x01). The client tests replay
 * them from a scripted peer on a socketpair. */
/* memmem is a GNU extension */
#define _GNU_SOURCE
#include "test-lib.h"
#include "repl.h"
#include "err.h"

#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define S(s) s, sizeof(s) - 1

/* QEMU micro:bit, MicroPython 1.9.2 */
static const char mb_enter[] = "\r\n>>> \r\n>>> \r\n>>> \r\n>>> \r\nraw REPL; CTRL-B to exit\r\n>";
static const char mb_paste[] = "raw REPL; CTRL-B to exit\r\n>";
static const char mb_print[] = "OKhi\r\n\x04\x04>";
static const char mb_exc[] = "OK\x04Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, "
			     "in <module>\r\nZeroDivisionError: division by zero\r\n\x04>";
static const char mb_leave[] = "\r\nMicroPython v1.9.2-34-gd64154c73 on 2017-09-01; micro:bit v1.0.1 "
			       "with nRF51822\r\nType \"help()\" for more information.\r\n>>> ";
static const char mb_reset[] = "OK\r\nsoft reboot\r\nraw REPL; CTRL-B to exit\r\n>";

static void t_prompts(void)
{
	check_int(mpf_repl_find_raw_prompt(S(mb_enter)), ==, (long)sizeof(mb_enter) - 1);
	check_int(mpf_repl_find_raw_prompt(S("raw REPL; CTRL-B to exit\r\n")), ==, -1);
	check_int(mpf_repl_find_raw_prompt(S("")), ==, -1);
	check_int(mpf_repl_find_friendly_prompt(S(mb_leave)), ==, (long)sizeof(mb_leave) - 1);
	check_int(mpf_repl_find_friendly_prompt(S(mb_enter)), ==, 24);
	check(mpf_repl_wants_key(S("Code done running.\r\n\r\nPress any key to enter the REPL. Use CTRL-D to reload.\r\n")));
	check(!mpf_repl_wants_key(S(mb_enter)));
}

static void t_paste_reply(void)
{
	struct mpf_buf err = MPF_BUF_INIT;
	unsigned w = 0;
	size_t used;

	/* 1.9.2 does not know the command: the raw banner again */
	check_int(mpf_repl_paste_reply(S(mb_paste), &w, &used, &err), ==, 0);
	check_int(used, ==, sizeof(mb_paste) - 1);
	check_int(mpf_repl_paste_reply(mb_paste, 10, &w, &used, &err), ==, MPF_ERR_AGAIN);
	/* supported: window 128, then the 0x01 stays for the flow control */
	check_int(mpf_repl_paste_reply(S("R\x01\x80\x00\x01"), &w, &used, &err), ==, 1);
	check_int(w, ==, 128);
	check_int(used, ==, 4);
	check_int(mpf_repl_paste_reply(S("R\x01\x80"), &w, &used, &err), ==, MPF_ERR_AGAIN);
	/* built without it */
	check_int(mpf_repl_paste_reply("R\0>", 3, &w, &used, &err), ==, 0);
	check_int(used, ==, 3);
	check_int(mpf_repl_paste_reply("R", 1, &w, &used, &err), ==, MPF_ERR_AGAIN);
	check_int(mpf_repl_paste_reply(S("Traceback"), &w, &used, &err), ==, MPF_ERR_PROTO);
	check(strstr(mpf_buf_str(&err), "Traceback") != NULL);
	check_int(mpf_repl_paste_reply(S("R\x01\x00\x00"), &w, &used, &err), ==, MPF_ERR_PROTO);
	mpf_buf_release(&err);
}

static void t_late_prompts(void)
{
	check_int(mpf_repl_late_prompts(S("OK\x04\x04>")), ==, 0);
	check_int(mpf_repl_late_prompts(S("raw REPL; CTRL-B to exit\r\n>OK")), ==, 27);
	check_int(mpf_repl_late_prompts(S("raw REPL; CTRL-B to exit\r\n>raw REPL; CTRL-B to exit\r\n>R\x01")),
		  ==, 54);
	check_int(mpf_repl_late_prompts(S("R\x01\x80\x00")), ==, 0);
	/* nothing yet, or what could still be one */
	check_int(mpf_repl_late_prompts(S("")), ==, MPF_ERR_AGAIN);
	check_int(mpf_repl_late_prompts(S("raw REPL; CTR")), ==, MPF_ERR_AGAIN);
	check_int(mpf_repl_late_prompts(S("raw REPL; CTRL-B to exit\r\n>")), ==, MPF_ERR_AGAIN);
	check_int(mpf_repl_late_prompts(S("raw REPL; CTRL-B to exit\r\n>ra")), ==, MPF_ERR_AGAIN);
	check_int(mpf_repl_late_prompts(S("rax")), ==, 0);
}

static void t_split(void)
{
	struct mpf_buf out = MPF_BUF_INIT, tb = MPF_BUF_INIT, msg = MPF_BUF_INIT;

	check_int(mpf_repl_split(mb_print + 2, sizeof(mb_print) - 3, &out, &tb), ==, (long)sizeof(mb_print) - 3);
	check_str(out.buf, "hi\r\n");
	check_int(tb.len, ==, 0);
	mpf_buf_reset(&out);
	check_int(mpf_repl_split(mb_exc + 2, sizeof(mb_exc) - 3, &out, &tb), ==, (long)sizeof(mb_exc) - 3);
	check_int(out.len, ==, 0);
	check_int(mpf_repl_exception(tb.buf, tb.len, &msg), ==, 35);
	check_str(msg.buf, "ZeroDivisionError: division by zero");
	/* every prefix is incomplete, never an error */
	for (size_t i = 0; i < sizeof(mb_exc) - 3; i++)
		if (!check_int(mpf_repl_split(mb_exc + 2, i, NULL, NULL), ==, MPF_ERR_AGAIN))
			break;
	check_int(mpf_repl_split(S("x\x04\x04!"), NULL, NULL), ==, MPF_ERR_PROTO);
	check_int(mpf_repl_exception(S("\r\n"), &msg), ==, 0);
	mpf_buf_release(&out);
	mpf_buf_release(&tb);
	mpf_buf_release(&msg);
}

static void t_window(void)
{
	struct mpf_repl_window w = { 128, 0 };
	struct mpf_buf err = MPF_BUF_INIT;

	check_int(mpf_repl_window_feed(&w, S("\x01\x01"), &err), ==, 0);
	check_int(w.remain, ==, 256);
	check_int(mpf_repl_window_feed(&w, S("\x01\x04"), &err), ==, 1);
	check_int(mpf_repl_window_feed(&w, S("x"), &err), ==, MPF_ERR_PROTO);
	mpf_buf_release(&err);
}

/* ---- the client against a scripted peer ---- */

struct step {
	const char *expect;	/* the host must have sent this (a substring) */
	const char *reply;
	size_t reply_len;
	int pause_ms;		/* before the reply: a slow board */
};

struct peer {
	int fd;
	const struct step *steps;
	char got[8192];
	size_t len;
	int failed_step;	/* -1: all steps seen */
};

static void *peer_main(void *arg)
{
	struct peer *p = arg;
	const struct step *s;

	p->failed_step = -1;
	for (s = p->steps; s->expect; s++) {
		size_t start = p->len;

		for (;;) {
			ssize_t n;

			p->got[p->len] = 0;
			if (memmem(p->got + start, p->len - start, s->expect, strlen(s->expect)))
				break;
			n = read(p->fd, p->got + p->len, sizeof(p->got) - 1 - p->len);
			if (n <= 0) {
				p->failed_step = (int)(s - p->steps);
				return NULL;
			}
			p->len += (size_t)n;
		}
		if (s->pause_ms)
			usleep((useconds_t)s->pause_ms * 1000);
		if (s->reply_len && write(p->fd, s->reply, s->reply_len) < 0)
			break;
	}
	/* keep the line open until the host is done */
	while (read(p->fd, p->got + p->len, 1) > 0 && p->len < sizeof(p->got) - 2)
		p->len++;
	return NULL;
}

static struct mpf_transport *start_peer(struct peer *p, pthread_t *th, const struct step *steps)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->fd = sv[1];
	p->steps = steps;
	pthread_create(th, NULL, peer_main, p);
	return mpf_transport_from_fd(sv[0], "peer");
}

static void stop_peer(struct peer *p, pthread_t th, struct mpf_transport *t)
{
	mpf_tr_close(t);
	pthread_join(th, NULL);
	close(p->fd);
}

/* Ctrl-A answered at once by a 1.14+ board */
#define RAW_BANNER { "\x01", S("\r\n>>> \r\nraw REPL; CTRL-B to exit\r\n>") }

/* A client on one end, the scripted peer on the other. */
struct session {
	struct peer p;
	pthread_t th;
	struct mpf_transport *t;
	struct mpf_repl r;
	struct mpf_buf out, tb, err;
};

static bool session_start(struct session *s, const struct step *steps)
{
	s->out = s->tb = s->err = (struct mpf_buf)MPF_BUF_INIT;
	s->t = start_peer(&s->p, &s->th, steps);
	if (!check(s->t != NULL))
		return false;
	mpf_repl_init(&s->r, s->t);
	return true;
}

/* ... and asked into raw mode, which must work */
static bool session_enter(struct session *s, const struct step *steps)
{
	if (!session_start(s, steps))
		return false;
	check_int(mpf_repl_enter(&s->r, 2000, &s->err), ==, 0);
	return true;
}

/* The line closed and the peer gone: s->p keeps what the host sent. */
static void session_end(struct session *s)
{
	stop_peer(&s->p, s->th, s->t);
	mpf_repl_release(&s->r);
	mpf_buf_release(&s->out);
	mpf_buf_release(&s->tb);
	mpf_buf_release(&s->err);
}

static void t_client_microbit(void)
{
	static const struct step steps[] = {
		{ "\x03\x03\r\x01", S(mb_enter) },
		{ "\x05" "A\x01", S(mb_paste) },
		{ "print('hi')\x04", S(mb_print) },
		{ "1/0\x04", S(mb_exc) },
		{ "\x04", S(mb_reset) },
		{ "\x02", S(mb_leave) },
		{ NULL, NULL, 0 },
	};
	struct session s;
	struct mpf_repl *r = &s.r;

	if (!session_enter(&s, steps))
		return;
	check(strstr(mpf_buf_str(&r->seen), ">>> ") != NULL);
	check_int(mpf_repl_exec(r, "print('hi')", &s.out, &s.tb, 2000, &s.err), ==, 0);
	check_str(mpf_buf_str(&s.out), "hi\r\n");
	check_int(r->paste, ==, 0);	/* asked once, remembered */
	check_int(mpf_repl_exec(r, "1/0", &s.out, &s.tb, 2000, &s.err), ==, MPF_ERR_FAIL);
	check_str(mpf_buf_str(&s.err), "ZeroDivisionError: division by zero");
	check(strstr(mpf_buf_str(&s.tb), "Traceback") != NULL);
	check_int(mpf_repl_soft_reset(r, 2000, &s.err), ==, 0);
	check_int(mpf_repl_leave(r, 2000, &s.err), ==, 0);
	check_int(r->rx.len, ==, 0);
	session_end(&s);
	check_int(s.p.failed_step, ==, -1);
	/* the whole exchange, no soft reset in it but the one asked for */
	check_int(memchr(s.p.got, 2, s.p.len) == s.p.got + s.p.len - 1, ==, 1);
}

static void t_client_paste(void)
{
	/* window 8: the 20 bytes of code must go in windows of 8, each
	 * granted by a 0x01 after the peer has seen the data before it */
	static const struct step steps[] = {
		RAW_BANNER,
		{ "\x05" "A\x01", S("R\x01\x08\x00\x01") },
		{ "print(123+4)#xxx", S("\x01") },	/* two windows in: one more */
		{ "x\x04", S("\x04" "127\r\n\x04\x04>") },
		{ NULL, NULL, 0 },
	};
	struct session s;

	if (!session_enter(&s, steps))
		return;
	check_int(mpf_repl_exec(&s.r, "print(123+4)#xxxx", &s.out, NULL, 2000, &s.err), ==, 0);
	check_str(mpf_buf_str(&s.out), "127\r\n");
	check_int(s.r.paste, ==, 1);
	session_end(&s);
	if (!check_int(s.p.failed_step, ==, -1))
		test_msg("host sent %zu bytes: %.*s", s.p.len, (int)s.p.len, s.p.got);
}

static void t_client_late_prompt(void)
{
	/* a slow board answers an earlier Ctrl-A after we sent the code */
	static const struct step steps[] = {
		RAW_BANNER,
		{ "\x05" "A\x01", S("raw REPL; CTRL-B to exit\r\n>") },
		{ "x=1\x04", S("raw REPL; CTRL-B to exit\r\n>OK\x04\x04>") },
		{ NULL, NULL, 0 },
	};
	struct session s;

	if (!session_enter(&s, steps))
		return;
	if (!check_int(mpf_repl_exec(&s.r, "x=1", &s.out, NULL, 2000, &s.err), ==, 0))
		test_msg("%s", mpf_buf_str(&s.err));
	check_int(s.out.len, ==, 0);
	session_end(&s);
}

/* Enter (and soft-reset), run "x=1" in raw paste, leave: nothing else
 * on the wire. */
static void run_x1(const struct step *steps, int soft_reset)
{
	struct session s;

	if (!session_start(&s, steps))
		return;
	/* exactly 0, not some other non-negative number */
	if (!check_int(mpf_repl_enter(&s.r, 3000, &s.err), ==, 0))
		test_msg("enter: %s", mpf_buf_str(&s.err));
	if (soft_reset && !check_int(mpf_repl_soft_reset(&s.r, 3000, &s.err), ==, 0))
		test_msg("soft reset: %s", mpf_buf_str(&s.err));
	if (!check_int(mpf_repl_exec(&s.r, "x=1", &s.out, NULL, 3000, &s.err), ==, 0))
		test_msg("exec: %s", mpf_buf_str(&s.err));
	check_int(s.r.paste, ==, 1);
	check_int(mpf_repl_leave(&s.r, 3000, &s.err), ==, 0);
	session_end(&s);
	if (!check_int(s.p.failed_step, ==, -1))
		test_msg("host sent %zu bytes: %.*s", s.p.len, (int)s.p.len, s.p.got);
}

#define RAW_PROMPT "raw REPL; CTRL-B to exit\r\n>"

static void t_client_late_paste(void)
{
	/* Slow to answer the first Ctrl-A, so interrupted again; each Ctrl-A
	 * gets its prompt, the second well after the first (modern
	 * MicroPython on QEMU mps2-an385, stopped for a while). The second
	 * must not pass for the reply to the raw-paste request. */
	static const struct step steps[] = {
		{ "\x03\x03\r\x01", NULL, 0 },
		{ "\x03\r\x01", S("\r\n>>> \r\n>>> \r\n>>> \r\n>>> \r\n" RAW_PROMPT) },
		{ "pass\x04", S(RAW_PROMPT "OK"), 400 },
		{ "", S("\x04\x04>"), 100 },	/* the result read while waiting: 0, not a count */
		{ "\x05" "A\x01", S("R\x01\x80\x00\x01") },
		{ "x=1\x04", S("\x04") },
		{ "", S("\x04\x04>"), 100 },
		{ "\x02", S("\r\nMicroPython v1.29.0-preview on 2026-08-18; mps2-an385 with Cortex-M3\r\n>>> ") },
		{ NULL, NULL, 0 },
	};

	run_x1(steps, 0);
}

static void t_client_late_reset(void)
{
	/* A late prompt arrives after Ctrl-D: the soft reset is not done
	 * until "OK", the reboot and the prompt after it. */
	static const struct step steps[] = {
		{ "\x03\x03\r\x01", S("\r\n>>> \r\n" RAW_PROMPT) },
		{ "\x04", S(RAW_PROMPT) },
		{ "", S("OK\r\nMPY: soft reboot\r\n" RAW_PROMPT), 300 },
		{ "\x05" "A\x01", S("R\x01\x80\x00\x01") },
		{ "x=1\x04", S("\x04\x04\x04>") },
		{ "\x02", S("\r\n>>> ") },
		{ NULL, NULL, 0 },
	};

	run_x1(steps, 1);
}

static void t_client_vanish(void)
{
	/* the board resets (machine.bootloader(), a crash) mid-exchange */
	static const struct step steps[] = {
		RAW_BANNER,
		{ "\x05" "A\x01", S("R\x01\x80\x00\x01") },
		{ "\x04", S("\x04") },
		{ NULL, NULL, 0 },
	};
	struct session s;

	if (!session_enter(&s, steps))
		return;
	/* start returns once the board took the code, as a bootloader
	 * activator needs; then the line goes dead */
	check_int(mpf_repl_start(&s.r, "import machine;machine.bootloader()", 35, 2000, &s.err), ==, 0);
	shutdown(s.p.fd, SHUT_RDWR);
	check_int(mpf_repl_finish(&s.r, NULL, NULL, 2000, &s.err), ==, MPF_ERR_NODEV);
	session_end(&s);
}

static void t_client_silent(void)
{
	static const struct step steps[] = { { "never sent", NULL, 0 }, { NULL, NULL, 0 } };
	struct session s;

	if (!session_start(&s, steps))
		return;
	check_int(mpf_repl_enter(&s.r, 300, &s.err), ==, MPF_ERR_TIMEOUT);
	check(strstr(mpf_buf_str(&s.err), "no REPL prompt within 300 ms") != NULL);
	check_int(s.r.waited_ms, >=, 300);
	session_end(&s);
}

int main(void)
{
	TEST(t_prompts(), "prompts found in recorded micro:bit bytes");
	TEST(t_paste_reply(), "raw paste replies: offered, refused, unknown (1.9.2), garbage");
	TEST(t_late_prompts(), "late raw prompts at the start of a reply");
	TEST(t_split(), "stdout/stderr split at 0x04 and the exception's last line");
	TEST(t_window(), "raw paste flow control window");
	TEST(t_client_microbit(), "client replays a micro:bit 1.9.2 session (plain raw mode)");
	TEST(t_client_paste(), "client keeps to the raw paste window");
	TEST(t_client_late_prompt(), "a late raw prompt before OK is skipped");
	TEST(t_client_late_paste(), "prompts for every Ctrl-A, one after the raw-paste request: skipped");
	TEST(t_client_late_reset(), "a late prompt after Ctrl-D does not end the soft reset");
	TEST(t_client_vanish(), "start returns once the code is taken; a vanished board is no-device");
	TEST(t_client_silent(), "client gives up on a silent port with how long it waited");
	return test_done();
}
