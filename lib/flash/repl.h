/* repl.h - the MicroPython raw REPL client: drives a board through a
 * transport (the exchange and its pure parsing: repl_parse.h).
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

#include <stdint.h>

#include "buf.h"
#include "repl_parse.h"
#include "transport.h"

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
