/* err.h - error codes returned by lib/ functions.
 *
 * lib/ never exits. A function that can fail returns MPF_OK (0) or a
 * non-negative count on success and a negative enum mpf_err on failure.
 * Where the caller needs context it passes a struct mpf_buf *err (may be
 * NULL) which receives one complete, lowercase message without a trailing
 * period: "no reply to SYNC within 3000 ms".
 */
#ifndef MPF_ERR_H
#define MPF_ERR_H

#include <stdarg.h>

struct mpf_buf;

enum mpf_err {
	MPF_OK = 0,
	MPF_ERR_ARG = -1,	/* bad argument: a bug in the caller or bad user input */
	MPF_ERR_FAIL = -2,	/* generic failure, message in err */
	MPF_ERR_MEM = -3,	/* out of memory */
	MPF_ERR_SUPP = -4,	/* not supported by this device, ROM or OS */
	MPF_ERR_TIMEOUT = -5,	/* a wait ran out */
	MPF_ERR_PROTO = -6,	/* the peer broke the protocol or replied with an error */
	MPF_ERR_IO = -7,	/* read/write/open failed (errno-style) */
	MPF_ERR_BUSY = -8,	/* resource held by someone else (port, database) */
	MPF_ERR_PERM = -9,	/* permission denied */
	MPF_ERR_NODEV = -10,	/* device vanished or was never there */
	MPF_ERR_AGAIN = -11,	/* need more input (parsers over partial buffers) */
	MPF_ERR_FORMAT = -12,	/* a file or record is malformed */
	MPF_ERR_MISMATCH = -13,	/* verify or identity check failed */
	MPF_ERR_INTR = -14,	/* interrupted by a signal */
};

/* Short, stable name of an error for the "code" field of error records:
 * "timeout", "protocol", ... Unknown values give "error". */
const char *mpf_err_name(int err);

/* Set err (when not NULL) to the formatted message and return code, so
 * that failing paths read: return mpf_errf(err, MPF_ERR_TIMEOUT, "..."). */
int mpf_errf(struct mpf_buf *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
