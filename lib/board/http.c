/* http.c - pages and files over HTTP(S) with libcurl multi, and file://. */
#define _DEFAULT_SOURCE		/* flock(2) for the .part lock */
#include "http.h"
#include "clock.h"
#include "err.h"
#include "fault.h"
#include "fsutil.h"
#include "log.h"
#include "progress.h"

#include <curl/curl.h>
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PAGE (32u << 20)	/* a download page larger than this is not one */

struct xfer {
	struct mpf_http_req *req;
	const struct mpf_http_opts *o;
	CURL *h;
	struct curl_slist *hdrs;
	int fd;			/* .part of a download, -1 for pages */
	char *part, *meta;	/* "<path>.part" and its validator's "<path>.part.meta" */
	int64_t offset;		/* bytes in .part when this attempt started */
	int64_t written;
	long code;		/* status of the current response */
	int restart;		/* the server ignored Range: start over */
	int werr;		/* errno of a failed write, -1: page too large,
				 * -2: injected connection drop (MPF_FAULT=http:N) */
	int64_t next_ms;	/* when a retry may start */
	enum { ST_NEW, ST_WAIT, ST_RUN, ST_DONE } state;
	struct mpf_progress *prog;
	uint64_t total;
};

/* libcurl is loaded when the first applet that downloads starts, not with
 * the binary: it pulls in some 30 libraries (TLS, LDAP, Kerberos, SSH...)
 * whose loading took 4 of the 6 ms every mpf start-up cost, mpf-scan's
 * included. file:// URLs work without it. */
static struct curl_api {
	CURLcode (*global_init)(long);
	CURL *(*easy_init)(void);
	void (*easy_reset)(CURL *);
	void (*easy_cleanup)(CURL *);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_cleanup)(CURLM *);
	CURLMcode (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode (*multi_perform)(CURLM *, int *);
	CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned, int, int *);
	CURLMsg *(*multi_info_read)(CURLM *, int *);
} libcurl;

#define SYM(f) { "curl_" #f, offsetof(struct curl_api, f) }
static const struct { const char *name; size_t off; } libcurl_syms[] = {
	SYM(global_init), SYM(easy_init), SYM(easy_reset), SYM(easy_cleanup),
	SYM(easy_setopt), SYM(easy_getinfo), SYM(easy_strerror), SYM(slist_append),
	SYM(slist_free_all), SYM(multi_init), SYM(multi_cleanup), SYM(multi_add_handle),
	SYM(multi_remove_handle), SYM(multi_perform), SYM(multi_poll), SYM(multi_info_read),
};
#undef SYM

/* The sonames of Debian's OpenSSL and GnuTLS builds: same ABI. */
static const char *const libcurl_names[] = { "libcurl.so.4", "libcurl-gnutls.so.4" };

static char libcurl_err[512];	/* why it is not loaded; "" once it is */

static int libcurl_load(void)
{
	const char *want = getenv("MPF_LIBCURL");	/* a libcurl of one's own */
	const char *const *names = libcurl_names;
	size_t i, n = sizeof(libcurl_names) / sizeof(libcurl_names[0]);
	void *h = NULL;

	if (want && *want)
		names = &want, n = 1;
	for (i = 0; i < n && !h; i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(libcurl_err, sizeof(libcurl_err),
			 "cannot load libcurl (install libcurl4, or libcurl4-openssl-dev to build): %s",
			 dlerror());
		return -1;
	}
	for (i = 0; i < sizeof(libcurl_syms) / sizeof(libcurl_syms[0]); i++) {
		void *f = dlsym(h, libcurl_syms[i].name);

		if (!f) {
			snprintf(libcurl_err, sizeof(libcurl_err), "libcurl too old: no %s",
				 libcurl_syms[i].name);
			dlclose(h);
			return -1;
		}
		/* POSIX: a dlsym result converts to the function pointer it is */
		memcpy((char *)&libcurl + libcurl_syms[i].off, &f, sizeof(f));
	}
	if (libcurl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(libcurl_err, sizeof(libcurl_err), "libcurl failed to initialise");
		return -1;
	}
	libcurl_err[0] = '\0';
	return 0;
}

void mpf_http_global_init(void)
{
	static int done;

	if (!done++ && libcurl_load() < 0)
		mpf_debug("%s", libcurl_err);
}

void mpf_http_req_init(struct mpf_http_req *r)
{
	memset(r, 0, sizeof(*r));
	r->expect_size = -1;
}

void mpf_http_req_release(struct mpf_http_req *r)
{
	mpf_buf_release(&r->body);
	mpf_buf_release(&r->err);
}

void mpf_sha256_buf(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
}

int mpf_sha256_file(const char *path, char out[65], int64_t *size, struct mpf_buf *err)
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	EVP_MD_CTX *c;
	int64_t total = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return mpf_errf(err, MPF_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	c = EVP_MD_CTX_new();
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		EVP_DigestUpdate(c, buf, (size_t)n);
		total += n;
	}
	if (n < 0)
		r = mpf_errf(err, MPF_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	close(fd);
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	if (size)
		*size = total;
	return r;
}

static int is_file_url(const char *url)
{
	return !strncasecmp(url, "file://", 7);
}

/* "file:///a/b%20c" -> "/a/b c" (malloc'ed), NULL if not a local path. */
static char *file_path(const char *url)
{
	const char *p = url + 7;
	char *out, *o;

	if (!strncasecmp(p, "localhost/", 10))
		p += 9;
	if (*p != '/')
		return NULL;
	out = o = mpf_xmalloc(strlen(p) + 1);
	for (; *p; p++) {
		if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
			char hex[3] = { p[1], p[2], 0 };

			*o++ = (char)strtol(hex, NULL, 16);
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

/* Open part as a regular file of ours with one link, never through a
 * symlink: anything else under that name (a link planted to make the
 * download land in another file, a fifo, another user's file) is removed
 * and the file created afresh. Returns the fd, or -1 with errno set. */
static int open_regular(const char *part)
{
	struct stat st;
	int fd, tries;

	for (tries = 0; tries < 3; tries++) {
		fd = open(part, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
		if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
		    st.st_nlink == 1)
			return fd;
		if (fd >= 0)
			close(fd);
		else if (errno != ELOOP && errno != ENXIO && errno != EISDIR)
			return -1;
		mpf_warn("%s is not a regular file of ours: replacing it", part);
		if (unlink(part) < 0 && errno != ENOENT)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

/* Open and lock "<path>.part". Another writer holding it finishes first;
 * if it renamed the file meanwhile (the download is complete) returns 1. */
static int open_part(struct xfer *x, struct mpf_buf *err)
{
	struct stat a, b;

	for (;;) {
		x->fd = open_regular(x->part);
		if (x->fd < 0)
			return mpf_errf(err, errno == EACCES ? MPF_ERR_PERM : MPF_ERR_IO,
					"cannot create %s: %s", x->part, strerror(errno));
		if (flock(x->fd, LOCK_EX) < 0) {
			close(x->fd);
			x->fd = -1;
			return mpf_errf(err, MPF_ERR_IO, "cannot lock %s: %s", x->part,
					strerror(errno));
		}
		if (!fstat(x->fd, &a) && !lstat(x->part, &b) && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			return 0;
		close(x->fd);	/* the other writer renamed or removed it */
		x->fd = -1;
		if (!access(x->req->path, F_OK))
			return 1;
	}
}

/* The .part is complete: check it and move it into place. */
static int finish_file(struct xfer *x)
{
	struct mpf_http_req *r = x->req;
	int rc;

	if (fsync(x->fd) < 0)
		return mpf_errf(&r->err, MPF_ERR_IO, "cannot write %s: %s", x->part, strerror(errno));
	if (mpf_sha256_file(x->part, r->sha256, &r->size, &r->err))
		return MPF_ERR_IO;
	if ((r->expect_size >= 0 && r->size != r->expect_size) ||
	    (r->expect_sha256 && *r->expect_sha256 && strcasecmp(r->sha256, r->expect_sha256))) {
		unlink(x->part);	/* wrong data: do not resume from it */
		unlink(x->meta);
		if (r->expect_size >= 0 && r->size != r->expect_size)
			return mpf_errf(&r->err, MPF_ERR_MISMATCH,
					"%s: got %lld bytes, expected %lld", r->url,
					(long long)r->size, (long long)r->expect_size);
		return mpf_errf(&r->err, MPF_ERR_MISMATCH, "%s: sha256 %s, expected %s", r->url,
				r->sha256, r->expect_sha256);
	}
	if (r->check && (rc = r->check(x->part, r->check_ctx, &r->err))) {
		unlink(x->part);
		unlink(x->meta);
		return rc;
	}
	unlink(x->meta);
	if (rename(x->part, r->path) < 0)
		return mpf_errf(&r->err, MPF_ERR_IO, "cannot rename %s: %s", x->part,
				strerror(errno));
	mpf_fsync_dir(r->path);
	return 0;
}

/* A file:// request, done at once (no validators but mtime and size). */
static void run_file(struct xfer *x)
{
	struct mpf_http_req *r = x->req;
	char *src = file_path(r->url), tag[64], buf[65536];
	struct stat st;
	ssize_t n;
	int fd;

	r->attempts = 1;
	if (!src || (fd = open(src, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
		r->status = 404;
		r->result = mpf_errf(&r->err, MPF_ERR_NODEV, "%s: %s", r->url,
				     src ? strerror(errno) : "not a local path");
		free(src);
		return;
	}
	free(src);
	snprintf(tag, sizeof(tag), "\"%llx-%llx\"", (long long)st.st_mtime, (long long)st.st_size);
	snprintf(r->etag_out, sizeof(r->etag_out), "%s", tag);
	r->status = 200;
	if (!r->path && r->etag && !strcmp(r->etag, tag)) {
		r->status = 304;
		close(fd);
		return;
	}
	if (r->path && ftruncate(x->fd, 0) < 0)
		r->result = mpf_errf(&r->err, MPF_ERR_IO, "%s: %s", x->part, strerror(errno));
	while (!r->result && (n = read(fd, buf, sizeof(buf))) > 0) {
		if (mpf_fault("http"))
			r->result = mpf_errf(&r->err, MPF_ERR_IO, "%s: injected http fault",
					     r->url);
		else if (!r->path)
			mpf_buf_add(&r->body, buf, (size_t)n);
		else if (mpf_write_all(x->fd, buf, (size_t)n) < 0)
			r->result = mpf_errf(&r->err, MPF_ERR_IO, "cannot write %s: %s", x->part,
					     strerror(errno));
	}
	close(fd);
	if (!r->result && r->path)
		r->result = finish_file(x);
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct xfer *x = ctx;
	size_t len = size * n, k;
	char *dst = NULL;
	size_t cap = 0;

	if (len > 5 && !strncmp(p, "HTTP/", 5)) {
		x->req->etag_out[0] = x->req->lm_out[0] = '\0';
		return len;
	}
	if (len > 5 && !strncasecmp(p, "ETag:", 5)) {
		dst = x->req->etag_out, cap = sizeof(x->req->etag_out), k = 5;
	} else if (len > 14 && !strncasecmp(p, "Last-Modified:", 14)) {
		dst = x->req->lm_out, cap = sizeof(x->req->lm_out), k = 14;
	} else {
		return len;
	}
	while (k < len && (p[k] == ' ' || p[k] == '\t'))
		k++;
	while (len > k && isspace((unsigned char)p[len - 1]))
		len--;
	snprintf(dst, cap, "%.*s", (int)(len - k), p + k);
	return size * n;
}

/* Keep what identifies the version of the file this .part holds: a
 * strong ETag, else Last-Modified (a weak ETag cannot be used with
 * If-Range, RFC 9110 13.1.5). None: the .part cannot be resumed. */
static void save_validator(struct xfer *x)
{
	const struct mpf_http_req *r = x->req;
	const char *v = r->etag_out[0] == '"' ? r->etag_out : r->lm_out;
	int fd;

	unlink(x->meta);	/* whatever was there, a planted link included */
	if (!*v || (fd = open(x->meta, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			      0644)) < 0)
		return;
	/* not synced: a validator lost in a crash only means a fetch from 0 */
	if (mpf_write_all(fd, v, strlen(v)) < 0)
		unlink(x->meta);
	close(fd);
}

/* The validator kept beside the .part, if it is one a header may carry. */
static int load_validator(const struct xfer *x, char *out, size_t cap)
{
	size_t i;

	if (!mpf_read_line(x->meta, out, cap) || !*out)
		return 0;
	for (i = 0; out[i]; i++)
		if ((unsigned char)out[i] < ' ' || out[i] == 127)
			return 0;
	return 1;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct xfer *x = ctx;
	struct mpf_http_req *r = x->req;
	size_t len = size * n;

	if (!x->code)
		libcurl.easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->code);
	if (mpf_fault("http")) {
		x->werr = -2;		/* as if the connection dropped here */
		return 0;
	}
	if (x->o->stats)
		x->o->stats->bytes += (int64_t)len;
	if (x->fd < 0 || (x->code != 200 && x->code != 206)) {
		if (r->body.len + len > MAX_PAGE) {
			x->werr = -1;
			return 0;	/* aborts the transfer */
		}
		if (x->fd < 0 || r->body.len < 4096)
			mpf_buf_add(&r->body, p, len);
		return len;
	}
	if (x->code == 200 && x->offset && !x->written) {
		/* asked for a range, got the whole file (changed, or no
		 * ranges): start over */
		if (ftruncate(x->fd, 0) < 0 || lseek(x->fd, 0, SEEK_SET) < 0) {
			x->werr = errno;
			return 0;
		}
		x->offset = 0;
		r->resumed_at = 0;
	}
	if (x->code == 200 && !x->written)
		save_validator(x);
	if (mpf_write_all(x->fd, p, len) < 0) {
		x->werr = errno ? errno : ENOSPC;
		return 0;
	}
	x->written += (int64_t)len;
	return len;
}

static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ult,
		       curl_off_t ulnow)
{
	struct xfer *x = ctx;

	if (mpf_interrupted)
		return 1;
	if (!x->req->progress_id || dltotal <= 0 || (x->code && x->code != 200 && x->code != 206))
		return 0;
	if (!x->prog) {
		x->total = (uint64_t)(dltotal + x->offset);
		x->prog = mpf_progress_begin(x->req->progress_id, "download", x->total);
	}
	mpf_progress_update(x->prog, (uint64_t)(dlnow + x->offset));
	return 0;
}

static void set_common(struct xfer *x)
{
	const struct mpf_http_opts *o = x->o;
	long secs = (o->timeout_ms + 999) / 1000;
	CURL *h = x->h;

	libcurl.easy_setopt(h, CURLOPT_URL, x->req->url);
	libcurl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	libcurl.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	libcurl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	libcurl.easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	libcurl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	libcurl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	libcurl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)o->timeout_ms);
	libcurl.easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	libcurl.easy_setopt(h, CURLOPT_LOW_SPEED_TIME, secs > 0 ? secs : 1L);
	libcurl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	libcurl.easy_setopt(h, CURLOPT_USERAGENT, "mpf/" MPF_VERSION);
	if (!x->req->path)
		libcurl.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	libcurl.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	libcurl.easy_setopt(h, CURLOPT_HEADERDATA, x);
	libcurl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	libcurl.easy_setopt(h, CURLOPT_WRITEDATA, x);
	libcurl.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	libcurl.easy_setopt(h, CURLOPT_XFERINFODATA, x);
	libcurl.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
}

/* Prepare an attempt; returns 0 to go, 1 done without a transfer. */
static int setup(struct xfer *x)
{
	struct mpf_http_req *r = x->req;
	struct stat st;
	char line[400], v[256];

	x->code = 0;
	x->written = 0;
	x->werr = 0;
	mpf_buf_reset(&r->body);
	if (!x->h)
		x->h = libcurl.easy_init();
	else
		libcurl.easy_reset(x->h);
	set_common(x);
	libcurl.slist_free_all(x->hdrs);
	x->hdrs = NULL;
	if (!r->path) {
		if (r->etag && *r->etag) {
			snprintf(line, sizeof(line), "If-None-Match: %s", r->etag);
			x->hdrs = libcurl.slist_append(x->hdrs, line);
		}
		if (r->last_modified && *r->last_modified) {
			snprintf(line, sizeof(line), "If-Modified-Since: %s", r->last_modified);
			x->hdrs = libcurl.slist_append(x->hdrs, line);
		}
		libcurl.easy_setopt(x->h, CURLOPT_HTTPHEADER, x->hdrs);
		return 0;
	}
	x->offset = fstat(x->fd, &st) ? 0 : st.st_size;
	/* resume only what we can prove is the same file */
	if (x->offset > 0 && (x->restart || !load_validator(x, v, sizeof(v)))) {
		if (ftruncate(x->fd, 0) < 0)
			return -1;
		x->offset = 0;
	}
	x->restart = 0;
	if (lseek(x->fd, 0, SEEK_END) < 0)
		return -1;
	if (x->offset > 0) {
		r->resumed_at = x->offset;
		snprintf(line, sizeof(line), "If-Range: %s", v);
		x->hdrs = libcurl.slist_append(x->hdrs, line);
		libcurl.easy_setopt(x->h, CURLOPT_HTTPHEADER, x->hdrs);
		libcurl.easy_setopt(x->h, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)x->offset);
	}
	return 0;
}

static int retryable(CURLcode c, long code)
{
	switch (c) {
	case CURLE_OK:
		return code >= 500 && code <= 599;
	case CURLE_COULDNT_CONNECT: case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_PARTIAL_FILE: case CURLE_RECV_ERROR: case CURLE_SEND_ERROR:
	case CURLE_OPERATION_TIMEDOUT: case CURLE_GOT_NOTHING: case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

static void fail_curl(struct xfer *x, CURLcode c, const char *ebuf)
{
	struct mpf_http_req *r = x->req;
	int code = c == CURLE_OPERATION_TIMEDOUT ? MPF_ERR_TIMEOUT :
		   c == CURLE_PEER_FAILED_VERIFICATION || c == CURLE_SSL_CACERT_BADFILE ?
		   MPF_ERR_PERM : MPF_ERR_IO;

	if (c == CURLE_WRITE_ERROR && x->werr > 0)
		mpf_errf(&r->err, code, "cannot write %s: %s", x->part, strerror(x->werr));
	else if (c == CURLE_WRITE_ERROR && x->werr < 0)
		mpf_errf(&r->err, MPF_ERR_FORMAT, "%s: larger than %u MiB, not a download page",
			 r->url, MAX_PAGE >> 20);
	else if (c == CURLE_OPERATION_TIMEDOUT)
		mpf_errf(&r->err, code, "%s: no data for %d ms", r->url, x->o->timeout_ms);
	else if (c == CURLE_ABORTED_BY_CALLBACK && mpf_interrupted)
		mpf_errf(&r->err, MPF_ERR_INTR, "%s: interrupted", r->url);
	else
		mpf_errf(&r->err, code, "%s: %s", r->url, *ebuf ? ebuf : libcurl.easy_strerror(c));
	r->result = mpf_interrupted ? MPF_ERR_INTR : code;
}

/* One attempt ended: decide done, retry or fail. Returns 1 to retry. */
static int attempt_done(struct xfer *x, CURLcode c, const char *ebuf)
{
	struct mpf_http_req *r = x->req;
	long code = 0;

	libcurl.easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &code);
	r->status = code;
	if (c == CURLE_WRITE_ERROR && x->werr == -2) {
		c = CURLE_RECV_ERROR;	/* injected: retried like a real drop */
		ebuf = "injected http fault (connection dropped)";
	}
	if (c == CURLE_RANGE_ERROR || (c == CURLE_OK && code == 416)) {
		x->restart = 1;		/* the .part is unusable: fetch it whole */
		return r->attempts <= x->o->retries + 1;
	}
	if (retryable(c, code) && r->attempts <= x->o->retries && !mpf_interrupted) {
		x->next_ms = mpf_now_ms() + ((int64_t)x->o->backoff_ms << (r->attempts - 1));
		if (x->o->stats)
			x->o->stats->retries++;
		mpf_debug("%s: %s, retrying (attempt %d)", r->url,
			  c ? libcurl.easy_strerror(c) : "server error", r->attempts + 1);
		return 1;
	}
	if (c != CURLE_OK) {
		fail_curl(x, c, ebuf);
	} else if (code == 304) {
		if (x->o->stats)
			x->o->stats->not_modified++;
	} else if (code != 200 && code != 206) {
		r->result = mpf_errf(&r->err, code == 404 || code == 410 ? MPF_ERR_NODEV :
				     code == 401 || code == 403 ? MPF_ERR_PERM : MPF_ERR_PROTO,
				     "%s: HTTP %ld", r->url, code);
	} else if (r->path) {
		r->result = finish_file(x);
	}
	return 0;
}

static void xfer_end(struct xfer *x)
{
	if (x->o->done)
		x->o->done(x->o->done_ctx, x->req);
	if (x->prog)
		mpf_progress_end(x->prog, !x->req->result);
	x->prog = NULL;
	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
	if (x->h)
		libcurl.easy_cleanup(x->h);
	x->h = NULL;
	if (x->hdrs)
		libcurl.slist_free_all(x->hdrs);
	x->hdrs = NULL;
	free(x->part);
	free(x->meta);
	x->part = x->meta = NULL;
	x->state = ST_DONE;
}

/* Before the first attempt: locks, file:// and sanity. Returns 1 if done. */
static int prepare(struct xfer *x)
{
	struct mpf_http_req *r = x->req;
	int rc;

	x->fd = -1;
	if (strncasecmp(r->url, "http://", 7) && strncasecmp(r->url, "https://", 8) &&
	    !is_file_url(r->url)) {
		r->result = mpf_errf(&r->err, MPF_ERR_ARG,
				     "%s: not an http, https or file URL", r->url);
		return 1;
	}
	if (r->path) {
		x->part = mpf_xasprintf("%s.part", r->path);
		x->meta = mpf_xasprintf("%s.part.meta", r->path);
		rc = open_part(x, &r->err);
		if (rc < 0) {
			r->result = rc;
			return 1;
		}
		if (rc == 1) {	/* someone else downloaded it meanwhile */
			r->status = 200;
			r->result = mpf_sha256_file(r->path, r->sha256, &r->size, &r->err);
			return 1;
		}
	}
	if (is_file_url(r->url)) {
		run_file(x);
		return 1;
	}
	if (!libcurl.easy_init) {
		r->result = mpf_errf(&r->err, MPF_ERR_FAIL, "%s: %s", r->url,
				     *libcurl_err ? libcurl_err : "mpf_http_global_init not called");
		return 1;
	}
	return 0;
}

struct batch {
	struct xfer *x;
	size_t n, next;
	int active;
	CURLM *m;
	const struct mpf_http_opts *o;
	char (*ebuf)[CURL_ERROR_SIZE];
};

static void start(struct batch *b, size_t i)
{
	struct xfer *x = &b->x[i];

	if (setup(x) < 0) {
		x->req->result = mpf_errf(&x->req->err, MPF_ERR_IO, "%s: %s", x->part,
					  strerror(errno));
		xfer_end(x);
		return;
	}
	b->ebuf[i][0] = '\0';
	libcurl.easy_setopt(x->h, CURLOPT_ERRORBUFFER, b->ebuf[i]);
	libcurl.easy_setopt(x->h, CURLOPT_PRIVATE, x);
	x->state = ST_RUN;
	x->req->attempts++;
	if (b->o->stats)
		b->o->stats->requests++;
	libcurl.multi_add_handle(b->m, x->h);
	b->active++;
}

/* Start whatever may start now; returns ms until the next retry is due. */
static long start_more(struct batch *b)
{
	int64_t now = mpf_now_ms(), wait = 1000;
	size_t i;

	for (i = 0; i < b->n; i++) {
		struct xfer *x = &b->x[i];

		if (x->state == ST_NEW) {
			if (b->active >= b->o->parallel)
				break;
			x->state = ST_WAIT;
			if (prepare(x)) {
				xfer_end(x);
				continue;
			}
		}
		if (x->state != ST_WAIT)
			continue;
		if (x->next_ms > now) {
			wait = wait < x->next_ms - now ? wait : x->next_ms - now;
			continue;
		}
		if (b->active < b->o->parallel)
			start(b, i);
	}
	return (long)wait;
}

static void collect(struct batch *b)
{
	CURLMsg *msg;
	int left;

	while ((msg = libcurl.multi_info_read(b->m, &left))) {
		struct xfer *x = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		libcurl.easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		libcurl.multi_remove_handle(b->m, x->h);
		b->active--;
		x->next_ms = 0;
		if (attempt_done(x, msg->data.result, b->ebuf[x - b->x]))
			x->state = ST_WAIT;
		else
			xfer_end(x);
	}
}

static int pending(const struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->x[i].state != ST_DONE)
			return 1;
	return 0;
}

int mpf_http_run(struct mpf_http_req *reqs, size_t n, const struct mpf_http_opts *o)
{
	struct batch b = { mpf_xcalloc(n ? n : 1, sizeof(struct xfer)), n, 0, 0, NULL, o, NULL };
	size_t i;
	int failed = 0, running;

	b.ebuf = mpf_xcalloc(n ? n : 1, CURL_ERROR_SIZE);
	b.m = libcurl.multi_init ? libcurl.multi_init() : NULL;
	for (i = 0; i < n; i++) {
		b.x[i].req = &reqs[i];
		b.x[i].o = o;
		b.x[i].fd = -1;
		reqs[i].result = 0;
		reqs[i].attempts = 0;
	}
	while (pending(&b)) {
		long wait = start_more(&b);

		if (mpf_interrupted && !b.active)
			break;	/* running transfers end through on_progress */
		if (!b.m)
			continue;	/* no libcurl: only file:// URLs ran */
		libcurl.multi_perform(b.m, &running);
		collect(&b);
		/* start what the finished transfers made room for before
		 * sleeping, or an idle batch would wait for the timeout */
		wait = start_more(&b);
		if (pending(&b))
			libcurl.multi_poll(b.m, NULL, 0, (int)(b.active ? (wait < 100 ? wait : 100) :
							     wait), NULL);
	}
	for (i = 0; i < n; i++) {
		if (b.x[i].state != ST_DONE) {
			reqs[i].result = mpf_errf(&reqs[i].err, MPF_ERR_INTR, "%s: interrupted",
						  reqs[i].url);
			if (b.x[i].state == ST_RUN)
				libcurl.multi_remove_handle(b.m, b.x[i].h);
			xfer_end(&b.x[i]);
		}
		failed += reqs[i].result != 0;
	}
	if (b.m)
		libcurl.multi_cleanup(b.m);
	free(b.ebuf);
	free(b.x);
	return failed;
}
