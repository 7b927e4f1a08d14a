/* repl_parse.h - the MicroPython raw REPL: parsing what a board sends (pure;
 * the client that drives a board is repl.h).
 *
 * The exchange (MicroPython shared/runtime/pyexec.c, docs "raw mode";
 * doc/protocols.md 6):
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
#ifndef MPF_REPL_PARSE_H
#define MPF_REPL_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* The byte strings of the protocol. */
#define MPF_REPL_RAW_BANNER "raw REPL; CTRL-B to exit\r\n"
#define MPF_REPL_RAW_PROMPT MPF_REPL_RAW_BANNER ">"
#define MPF_REPL_FRIENDLY_PROMPT ">>> "
/* CircuitPython after Ctrl-C in code.py waits for a key first. */
#define MPF_REPL_CP_ANYKEY "Press any key to enter the REPL"

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

/* Raw prompts at the start of a reply: late answers to an earlier Ctrl-A
 * (a slow board interrupted more than once answers each in turn, and the
 * last may come after the next request). Returns the bytes they take (0
 * for none), or MPF_ERR_AGAIN while what follows them is empty or could
 * still be the start of one. */
long mpf_repl_late_prompts(const char *buf, size_t len);

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

/* Offset just past the last end of a reply ("\x04>"), or -1. */
long mpf_repl_find_reply_end(const char *buf, size_t len);
/* Set err to MPF_ERR_PROTO "what, got \"...\"" with the start of buf
 * quoted; returns MPF_ERR_PROTO. */
int mpf_repl_bad_reply(struct mpf_buf *err, const char *what, const char *buf, size_t len);

#endif
