/* http.h - fetch pages and files over HTTP(S) (libcurl multi) or file://.
 *
 * A batch of requests runs with at most opts.parallel transfers at once.
 * Every transfer has a connect timeout and a stall timeout (no byte for
 * timeout_ms); network errors and 5xx replies are retried with exponential
 * backoff, a download resuming where it stopped (Range). TLS peers are
 * always verified. Only http, https and file URLs are accepted, redirects
 * included.
 *
 * Pages (path == NULL) land in req.body; with etag/last_modified set the
 * GET is conditional and an unchanged page answers 304 with no body.
 * Files (path set) are written to "<path>.part" (locked against a second
 * writer in this or another process; never opened through a symlink, and
 * replaced when it is not a regular file of ours), checked against the
 * expected size and sha256 when given and by req.check, fsync'ed and
 * renamed onto path; a failure leaves path untouched (and a .part that the
 * next attempt resumes, unless the data proved wrong). A .part is resumed
 * only with the validator the response that began it gave (its ETag, else
 * its Last-Modified, kept in "<path>.part.meta") sent as If-Range, so a
 * file changed on the server meanwhile is fetched whole (RFC 9110 13.1.5);
 * without one it is fetched again from the start.
 */
#ifndef MPF_HTTP_H
#define MPF_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct mpf_http_stats {
	int requests;		/* attempts made (each retry counts) */
	int not_modified;	/* 304 replies */
	int retries;
	int64_t bytes;		/* body bytes received */
};

struct mpf_http_req {
	/* in */
	const char *url;
	const char *etag, *last_modified;	/* validators from the last fetch */
	const char *path;			/* download to this file, else body */
	int64_t expect_size;			/* -1: unknown */
	const char *expect_sha256;		/* NULL: unknown */
	const char *progress_id;		/* show progress (NULL: none) */
	/* A download's last check, on the complete .part before it is
	 * renamed onto path: 0, or a negative mpf_err with err set (the
	 * .part is then removed). NULL: none. */
	int (*check)(const char *part, void *ctx, struct mpf_buf *err);
	void *check_ctx;
	/* out */
	int result;		/* MPF_OK or a negative mpf_err (message in err) */
	long status;		/* last HTTP status (200, 206, 304, 404...); 0 if none */
	struct mpf_buf body;	/* the page */
	char etag_out[256], lm_out[64];
	int64_t size;		/* file size */
	char sha256[65];	/* file checksum, lowercase hex */
	int64_t resumed_at;	/* a download continued from this offset (0: none) */
	int attempts;
	struct mpf_buf err;
	void *priv;
};

struct mpf_http_opts {
	int parallel;		/* transfers at once (>= 1) */
	int timeout_ms;		/* connect and stall timeout */
	int retries;		/* further attempts after a retryable failure */
	int backoff_ms;		/* first retry delay; doubles each time */
	struct mpf_http_stats *stats;	/* may be NULL */
	/* Called as each request ends (for progress); may be NULL. */
	void (*done)(void *ctx, const struct mpf_http_req *r);
	void *done_ctx;
};

/* Once per process, before threads start. */
void mpf_http_global_init(void);

/* Initialise reqs before filling in the "in" fields. */
void mpf_http_req_init(struct mpf_http_req *r);
void mpf_http_req_release(struct mpf_http_req *r);

/* Run n requests; returns how many failed (their result and err say why). */
int mpf_http_run(struct mpf_http_req *reqs, size_t n, const struct mpf_http_opts *o);

/* sha256 (lowercase hex) of a buffer. */
void mpf_sha256_buf(const void *data, size_t len, char out[65]);
/* sha256 (lowercase hex) and size of a file. */
int mpf_sha256_file(const char *path, char out[65], int64_t *size, struct mpf_buf *err);

#endif
