/* err.c - error names and the err-buffer helper. */
#include "err.h"
#include "buf.h"

static const char *const names[] = {
	[-MPF_OK] = "ok",
	[-MPF_ERR_ARG] = "argument",
	[-MPF_ERR_FAIL] = "error",
	[-MPF_ERR_MEM] = "memory",
	[-MPF_ERR_SUPP] = "unsupported",
	[-MPF_ERR_TIMEOUT] = "timeout",
	[-MPF_ERR_PROTO] = "protocol",
	[-MPF_ERR_IO] = "io",
	[-MPF_ERR_BUSY] = "busy",
	[-MPF_ERR_PERM] = "permission",
	[-MPF_ERR_NODEV] = "no-device",
	[-MPF_ERR_AGAIN] = "again",
	[-MPF_ERR_FORMAT] = "format",
	[-MPF_ERR_MISMATCH] = "mismatch",
	[-MPF_ERR_INTR] = "interrupted",
};

const char *mpf_err_name(int err)
{
	if (err > 0 || -err >= (int)(sizeof(names) / sizeof(names[0])))
		return "error";
	return names[-err];
}

static int mpf_verrf(struct mpf_buf *err, int code, const char *fmt, va_list ap)
{
	if (err) {
		mpf_buf_reset(err);
		mpf_buf_vaddf(err, fmt, ap);
	}
	return code;
}

int mpf_errf(struct mpf_buf *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mpf_verrf(err, code, fmt, ap);
	va_end(ap);
	return code;
}
