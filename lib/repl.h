/* repl.h - the MicroPython raw REPL: parsing what a board sends (pure) and a
 * client that drives a board through a transport.
 *
 * The exchange (MicroPython shared/runtime/pyexec.c, docs "raw mode"):
 *
 *   host: "\r\x03\x03"      Ctrl-C twice: stop main.py or whatever runs
 *   host: "\r\x01"          Ctrl-A: enter the raw REPL
 *   board: "raw REPL; CTRL-B to exit\r\n>"
 *   host: "\x05A\x01"       ask for raw-paste mode (MicroPython >= 1.14)
 *   board: "R\x01" + window (u16 little endian) [+ "\x01" on >= 1.20]
 *                           supported: send at most the window, each "\x01"
 *                           from the board grants one more window
 *          "R\x00" ">"      understood but not supported: plain raw mode
 *          "raw REPL; CTRL-B to exit\r\n>"   too old to know (1.9 - 1.13)
 *   host: code "\x04"       board (raw-paste): "\x04" acknowledges the end
 *                           board (plain raw): "OK"
 *   board: stdout "\x04" stderr "\x04" ">"
 *   host: "\x02"            Ctrl-B: back to the friendly REPL, banner, ">>> "
 *
 * A traceback arrives between the two 0x04 bytes; its last line
 * ("ZeroDivisionError: division by zero") becomes the error message.
 *
 *   struct mpf_repl r;
 *   mpf_repl_init(&r, t);
 *   if (mpf_repl_enter(&r, 3000, &err) < 0) ...       MPF_ERR_TIMEOUT: no REPL
 *   r = mpf_repl_exec(&r, "print(1)", &out, &tb, 3000, &err);
 *   mpf_repl_leave(&r, 1000, NULL);
 *   mpf_repl_release(&r);                               does not close t
 *
 * Code that never returns (machine.bootloader()) uses mpf_repl_start alone:
 * it returns once the board has taken the whole script ("OK" in plain raw
 * mode, the end acknowledgement in raw paste). The board then resets and
 * its port goes away: later reads give MPF_ERR_NODEV, which for a
 * bootloader activator is the expected outcome, not a failure. Test such
 * code against tests/sim/mpy-repl by adding a handler to its table.
 *
 * Thread safety: one struct mpf_repl per board and thread; no globals.
 */
#ifndef MPF_REPL_H
#define MPF_REPL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "transport.h"

/* The byte strings of the protocol. */
#define MPF_REPL_RAW_BANNER "raw REPL; CTRL-B to exit\r\n"
#define MPF_REPL_RAW_PROMPT MPF_REPL_RAW_BANNER ">"
#define MPF_REPL_FRIENDLY_PROMPT ">>> "
/* CircuitPython after Ctrl-C in code.py waits for a key first. */
#define MPF_REPL_CP_ANYKEY "Press any key to enter the REPL"

/* ---- pure parsing (no I/O) ---- */

/* Offset just past the last complete raw REPL prompt (banner + ">") in
 * buf, or -1 when there is none. */
long mpf_repl_find_raw_prompt(const char *buf, size_t len);
/* Offset just past the last friendly prompt ">>> " in buf, or -1. */
long mpf_repl_find_friendly_prompt(const char *buf, size_t len);
/* 1 when buf holds CircuitPython's "Press any key to enter the REPL". */
int mpf_repl_wants_key(const char *buf, size_t len);

/* The board's answer to "\x05A\x01", starting at buf:
 *   1  raw paste offered: *window set, *used bytes consumed (the "R\x01"
 *      and the two window bytes; a following "\x01" is left to the flow
 *      control)
 *   0  not offered ("R\x00" then ">", or the raw banner again from boards
 *      that do not know the command); *used bytes consumed
 *   MPF_ERR_AGAIN  need more bytes
 *   MPF_ERR_PROTO  anything else (message in err) */
int mpf_repl_paste_reply(const char *buf, size_t len, unsigned *window, size_t *used,
			 struct mpf_buf *err);

/* Split a reply "stdout \x04 stderr \x04 >" (the part after "OK" or after
 * the raw-paste end acknowledgement). On a complete reply: stdout goes to
 * out, stderr to errout (either may be NULL), returns the bytes used.
 * MPF_ERR_AGAIN when incomplete. */
long mpf_repl_split(const char *buf, size_t len, struct mpf_buf *out, struct mpf_buf *errout);

/* The last non-empty line of a traceback, without "\r\n", into msg
 * (replacing its contents). Returns msg's length. */
size_t mpf_repl_exception(const char *tb, size_t len, struct mpf_buf *msg);

/* Raw-paste flow control on the sender's side. */
struct mpf_repl_window {
	unsigned size;		/* window the board announced */
	unsigned remain;	/* bytes we may still send */
};
/* Account for board bytes during raw-paste sending: each 0x01 grants a
 * window; 0x04 means the board stopped reading (a syntax error, Ctrl-C).
 * Returns 1 when the board ended the transfer, 0 to go on, MPF_ERR_PROTO
 * on any other byte. */
int mpf_repl_window_feed(struct mpf_repl_window *w, const char *buf, size_t len,
			 struct mpf_buf *err);

/* ---- the client ---- */

struct mpf_repl {
	struct mpf_transport *t;
	struct mpf_buf rx;	/* received, not yet consumed */
	int raw;		/* in the raw REPL */
	int paste;		/* raw paste: -1 not asked yet, 0 no, 1 yes */
	int use_paste;		/* 0 to never ask (default 1) */
	int chunk;		/* plain raw mode: bytes per write (default 32) */
	int chunk_gap_ms;	/* pause between chunks (default 3) */
	int running;		/* code started and its result not read yet */
	int64_t waited_ms;	/* how long the last mpf_repl_enter waited */
	struct mpf_buf seen;	/* what came before the raw prompt (banner, chatter) */
};

void mpf_repl_init(struct mpf_repl *r, struct mpf_transport *t);
/* Stop what runs, enter the raw REPL. MPF_ERR_TIMEOUT ("no REPL prompt
 * within N ms") when the board never answered as a REPL;
 * MPF_ERR_NODEV when the port went away. */
int mpf_repl_enter(struct mpf_repl *r, int timeout_ms, struct mpf_buf *err);
/* Soft reset from the raw REPL (Ctrl-D on an empty line); back in the raw
 * REPL afterwards. */
int mpf_repl_soft_reset(struct mpf_repl *r, int timeout_ms, struct mpf_buf *err);
/* Send code (raw paste where offered, else plain raw mode) and wait until
 * the board has accepted it. */
int mpf_repl_start(struct mpf_repl *r, const char *code, size_t len, int timeout_ms,
		   struct mpf_buf *err);
/* Wait for the result of mpf_repl_start: stdout to out, stderr to errout
 * (either may be NULL). A Python exception returns MPF_ERR_FAIL with the
 * traceback's last line in err. */
int mpf_repl_finish(struct mpf_repl *r, struct mpf_buf *out, struct mpf_buf *errout,
		    int timeout_ms, struct mpf_buf *err);
/* mpf_repl_start + mpf_repl_finish. */
int mpf_repl_exec(struct mpf_repl *r, const char *code, struct mpf_buf *out,
		  struct mpf_buf *errout, int timeout_ms, struct mpf_buf *err);
/* Ctrl-B: back to the friendly REPL, as the board was found. Code still
 * running (a finish that timed out) is interrupted with Ctrl-C first. */
int mpf_repl_leave(struct mpf_repl *r, int timeout_ms, struct mpf_buf *err);
/* Free buffers (the transport stays open: the caller owns it). */
void mpf_repl_release(struct mpf_repl *r);

#endif
