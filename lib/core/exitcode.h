/* exitcode.h - the exit statuses of every applet (documented in mpf(7)).
 * Values above 2 are <sysexits.h> codes for failures before any record. */
#ifndef MPF_EXITCODE_H
#define MPF_EXITCODE_H

enum mpf_exit {
	MPF_EXIT_OK = 0,		/* every record handled succeeded */
	MPF_EXIT_FAIL = 1,		/* at least one record failed; its error says why */
	MPF_EXIT_USAGE = 2,		/* bad command line */
	MPF_EXIT_DATAERR = 65,		/* EX_DATAERR: bad input data (a file, not a record) */
	MPF_EXIT_NOINPUT = 66,		/* EX_NOINPUT: an input file is missing */
	MPF_EXIT_UNAVAILABLE = 69,	/* EX_UNAVAILABLE: device or service unavailable */
	MPF_EXIT_SOFTWARE = 70,		/* EX_SOFTWARE: internal error */
	MPF_EXIT_CANTCREAT = 73,	/* EX_CANTCREAT: cannot create an output file */
	MPF_EXIT_IOERR = 74,		/* EX_IOERR: I/O error */
	MPF_EXIT_TEMPFAIL = 75,		/* EX_TEMPFAIL: busy, try again */
	MPF_EXIT_PROTOCOL = 76,		/* EX_PROTOCOL: the device broke the protocol */
	MPF_EXIT_NOPERM = 77,		/* EX_NOPERM: permission denied */
	MPF_EXIT_SIGINT = 130,		/* interrupted by SIGINT (128 + 2) */
	MPF_EXIT_SIGTERM = 143,		/* terminated by SIGTERM (128 + 15) */
};

/* The exit status that fits a lib error (enum mpf_err) raised before any
 * record was produced. */
int mpf_exit_for_err(int err);

#endif
