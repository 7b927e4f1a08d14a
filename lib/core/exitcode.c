/* exitcode.c - map lib errors to sysexits-style exit statuses. */
#include "exitcode.h"
#include "err.h"

int mpf_exit_for_err(int err)
{
	switch (err) {
	case MPF_OK:
		return MPF_EXIT_OK;
	case MPF_ERR_ARG:
		return MPF_EXIT_USAGE;
	case MPF_ERR_FORMAT:
		return MPF_EXIT_DATAERR;
	case MPF_ERR_NODEV:
	case MPF_ERR_SUPP:
	case MPF_ERR_TIMEOUT:
		return MPF_EXIT_UNAVAILABLE;
	case MPF_ERR_IO:
		return MPF_EXIT_IOERR;
	case MPF_ERR_BUSY:
		return MPF_EXIT_TEMPFAIL;
	case MPF_ERR_PROTO:
	case MPF_ERR_MISMATCH:
		return MPF_EXIT_PROTOCOL;
	case MPF_ERR_PERM:
		return MPF_EXIT_NOPERM;
	case MPF_ERR_INTR:
		return MPF_EXIT_SIGINT;
	default:
		return MPF_EXIT_SOFTWARE;
	}
}
