/* filter.h - run an applet over a stream of records, in parallel.
 *
 * Records come from a file descriptor (stdin) or from a list the applet
 * made itself (ports given as arguments, a scan of its own). Each record
 * the applet wants is handed to .run on a worker thread of its own, up to
 * mpf.jobs at once (mpf.jobs < 1: no cap), and written as soon as its job
 * ends. Records the applet does not want, records that carry an "error"
 * (unless --retry-errors) and records marked "ignore": true go on at once,
 * untouched, so the next stage of a pipeline starts on them while this
 * one is busy. The order of records across boards is therefore not kept;
 * --keep-order (mpf.keep_order) writes them in input order instead. Tables
 * and JSON arrays are printed in input order either way.
 */
#ifndef MPF_FILTER_H
#define MPF_FILTER_H

#include "output.h"
#include "record.h"

struct mpf_filter {
	/* 1 if the applet acts on rec; NULL means every record. */
	int (*wants)(const struct mpf_record *rec, void *ctx);
	/* Do the work, changing rec through the mpf_rec_* setters. Return 0,
	 * or a negative mpf_err after mpf_rec_set_error(). Runs on a worker
	 * thread: touch nothing shared without a lock. */
	int (*run)(struct mpf_record *rec, void *ctx);
	void *ctx;
	const struct mpf_column *columns;	/* for -o table */
	/* The device rec's job works on, as a key into out ("serial:/dev/
	 * ttyACM0"), or NULL for none. Two jobs with one key never run at
	 * once: the later waits, jobs of other devices go by it. NULL: every
	 * job is a device of its own. */
	const char *(*device)(const struct mpf_record *rec, struct mpf_buf *out, void *ctx);
};

/* Read records from fd until end of input and process them. Returns the
 * exit status: 0 when no record written carries an error, 1 when one does
 * (failed here or upstream) or an input line was invalid (reported,
 * skipped), 74 when stdout failed. */
int mpf_filter_fd(const struct mpf_filter *f, int fd, const char *name);
/* The same over records the applet made (ownership passes to the filter). */
int mpf_filter_list(const struct mpf_filter *f, struct mpf_record *recs, size_t n);

#endif
