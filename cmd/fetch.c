/* fetch.c - mpf-fetch: keep the firmware catalogue (lib/board/db.h) up to date
 * from micropython.org or a mirror, download firmware files into the
 * cache, and register local builds. */
#define _DEFAULT_SOURCE		/* realpath(3) */
#include "applet.h"
#include "boards.h"
#include "db.h"
#include "err.h"
#include "exitcode.h"
#include "filter.h"
#include "fsutil.h"
#include "http.h"
#include "log.h"
#include "mirror.h"
#include "ports.h"
#include "progress.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static int o_update, o_list, o_force, o_retries = 3, o_custom;
static struct mpf_strlist o_ports, o_boards;
static const char *o_mirror, *o_add, *o_variant, *o_version;

static const struct mpf_opt fetch_opts[] = {
	OPT_BOOL('u', "update", &o_update, "refresh the catalogue from the mirror"),
	OPT_LIST_HINT('p', "port", &o_ports, "PORT", MPF_CATALOG_PORTS,
		      "with --update or --list: only this port (repeatable)"),
	OPT_LIST('b', "board", &o_boards, "BOARD",
		 "with --update or --list: only this board (repeatable); with --add: the board"),
	OPT_STRING(0, "mirror", &o_mirror, "URL",
		   "firmware site (default MPF_MIRROR, else https://micropython.org/); file:// allowed"),
	OPT_FILE(0, "add", &o_add, "FILE", "register a local or custom firmware build"),
	OPT_STRING(0, "variant", &o_variant, "VARIANT", "with --add: the board variant"),
	OPT_STRING(0, "version", &o_version, "X.Y.Z",
		   "with --add: the firmware version; with --list: only this version"),
	OPT_BOOL(0, "custom", &o_custom, "with --add: register as a custom build even if the name looks official"),
	OPT_BOOL('l', "list", &o_list, "print the catalogue (filtered by --board, --port, --version)"),
	OPT_BOOL('f', "force", &o_force, "download again even when the cached file is intact"),
	OPT_INT(0, "retries", &o_retries, "N", 0, 20, "retries after network errors and 5xx replies (default 3)"),
	OPT_END(),
};

struct ctx {
	struct mpf_db *db;
	char *fw_dir;
	char *mirror;
	pthread_mutex_t lock;
	struct mpf_http_stats stats;
};

static struct mpf_http_opts http_opts(struct mpf_http_stats *st)
{
	struct mpf_http_opts o = {
		.parallel = mpf.jobs > 0 ? mpf.jobs : 1,
		.timeout_ms = mpf_timeout_ms(),
		.retries = o_retries,
		.backoff_ms = 250,
		.stats = st,
	};
	return o;
}

/* The mirror base URL, ending in '/'. */
static char *mirror_base(void)
{
	const char *m = o_mirror ? o_mirror : getenv("MPF_MIRROR");
	size_t n;

	if (!m || !*m)
		m = MPF_MIRROR_DEFAULT;
	if (strncmp(m, "http://", 7) && strncmp(m, "https://", 8) && strncmp(m, "file:///", 8))
		mpf_usage_error("mirror %s is not an http://, https:// or file:/// URL", m);
	n = strlen(m);
	return mpf_xasprintf("%s%s", m, m[n - 1] == '/' ? "" : "/");
}

static void open_db(struct ctx *c)
{
	struct mpf_buf err = MPF_BUF_INIT;
	char *path = NULL;
	int r = mpf_db_paths(&path, &c->fw_dir, &err);

	if (!r)
		r = mpf_db_open(path, &c->db, &err);
	if (r)
		mpf_die(mpf_exit_for_err(r), "%s", mpf_buf_str(&err));
	free(path);
	mpf_buf_release(&err);
}

/* ---- --update ---------------------------------------------------------- */

struct names {
	char **v;
	size_t n;
};

static void names_add(void *ctx, const char *s)
{
	struct names *l = ctx;

	l->v = mpf_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = mpf_xstrdup(s);
}

static void names_add_v(const char *s, void *ctx)
{
	names_add(ctx, s);
}

static void names_free(struct names *l)
{
	while (l->n)
		free(l->v[--l->n]);
	free(l->v);
	l->v = NULL;
}

/* Is board (listed for port) the board req names, or a former name of it? */
static int board_matches(const char *req, const char *board, const char *port)
{
	char al[16][64];
	size_t j, n, bl = strlen(board);

	if (!strcmp(req, board))
		return 1;
	n = mpf_board_aliases(req, port, al, 16);
	for (j = 0; j < n; j++)
		if (!strncmp(al[j], board, bl) && (!al[j][bl] || al[j][bl] == '-'))
			return 1;
	return 0;
}

static int board_wanted(const char *board, const char *port)
{
	size_t i;

	for (i = 0; i < o_boards.n; i++)
		if (board_matches(o_boards.v[i], board, port))
			return 1;
	return !o_boards.n;
}

/* The ports to read: --port, else those of the --board boards, else all. */
static void pick_ports(struct ctx *c, struct names *ports)
{
	size_t i, k;

	for (i = 0; i < o_ports.n; i++) {
		if (!mpf_mirror_valid_id(o_ports.v[i], 1))
			mpf_usage_error("bad port name '%s'", o_ports.v[i]);
		names_add(ports, o_ports.v[i]);
	}
	for (i = 0; !o_ports.n && i < o_boards.n; i++) {
		struct mpf_db_board b;

		if (!mpf_db_board_get(c->db, o_boards.v[i], "", &b) || !b.port[0]) {
			names_free(ports);	/* unknown board: look everywhere */
			break;
		}
		for (k = 0; k < ports->n && strcmp(ports->v[k], b.port); k++)
			;
		if (k == ports->n)
			names_add(ports, b.port);
	}
	if (!ports->n)
		for (i = 0; mpf_ports[i].name; i++)
			if (mpf_ports[i].catalog)
				names_add(ports, mpf_ports[i].name);
}

static void conditional(struct ctx *c, struct mpf_http_req *r, const char *url)
{
	struct mpf_db_page p;

	mpf_http_req_init(r);
	r->url = url;
	if (mpf_db_page_get(c->db, url, &p)) {
		r->etag = *p.etag ? mpf_xstrdup(p.etag) : NULL;
		r->last_modified = *p.last_modified ? mpf_xstrdup(p.last_modified) : NULL;
	}
}

/* Is the page what we read last time? A 304 says so; a server that sends
 * no validators answers 200, and the body's sha256 tells. now gets what to
 * remember of the page. */
static int unchanged(struct ctx *c, const struct mpf_http_req *r, struct mpf_db_page *now)
{
	struct mpf_db_page old;
	int same;

	if (r->status == 304)
		return 1;
	snprintf(now->etag, sizeof(now->etag), "%s", r->etag_out);
	snprintf(now->last_modified, sizeof(now->last_modified), "%s", r->lm_out);
	mpf_sha256_buf(r->body.buf ? r->body.buf : "", r->body.len, now->sha256);
	same = mpf_db_page_get(c->db, r->url, &old) && !strcmp(old.sha256, now->sha256);
	if (same && (strcmp(old.etag, now->etag) || strcmp(old.last_modified, now->last_modified)))
		mpf_db_page_put(c->db, r->url, now, NULL);	/* new validators, same page */
	return same;
}

static void req_free(struct mpf_http_req *r)
{
	free((char *)r->url);
	free((char *)r->etag);
	free((char *)r->last_modified);
	mpf_http_req_release(r);
}

/* Save a changed port index; fills boards. */
static int save_index(struct ctx *c, const char *port, struct mpf_http_req *r,
		      const struct mpf_db_page *now, struct names *boards)
{
	struct mpf_buf err = MPF_BUF_INIT;
	size_t i;
	int rc;

	mpf_mirror_index_boards(r->body.buf ? r->body.buf : "", r->body.len, names_add, boards);
	if (!boards->n)
		mpf_warn("%s lists no boards for port %s", r->url, port);
	rc = mpf_db_begin(c->db, &err);
	if (!rc)
		rc = mpf_db_listing_set(c->db, port, (const char *const *)boards->v, boards->n, &err);
	for (i = 0; !rc && i < boards->n; i++)
		rc = mpf_db_board_learn(c->db, boards->v[i], port, &err);
	if (!rc)
		rc = mpf_db_page_put(c->db, r->url, now, &err);
	if (!rc)
		rc = mpf_db_commit(c->db, &err);
	else
		mpf_db_rollback(c->db);
	if (rc)
		mpf_error("%s", mpf_buf_str(&err));
	mpf_buf_release(&err);
	return rc;
}

struct page_job {
	struct ctx *c;
	const char *port, *board, *url;
	int64_t gen;
	int files, skipped;
	struct mpf_buf err;
	int rc;
};

static void save_file(void *ctx, const char *name)
{
	struct page_job *j = ctx;
	struct mpf_fwname n;
	struct mpf_fw fw;
	char *url;

	if (j->rc)
		return;
	if (mpf_mirror_parse_name(name, j->board, &n)) {
		j->skipped++;
		return;
	}
	memset(&fw, 0, sizeof(fw));
	snprintf(fw.board_id, sizeof(fw.board_id), "%s", n.board);
	snprintf(fw.variant, sizeof(fw.variant), "%s", n.variant);
	snprintf(fw.version, sizeof(fw.version), "%s", n.version);
	fw.preview = n.v.preview;
	fw.build = n.v.build;
	snprintf(fw.port, sizeof(fw.port), "%s", j->port);
	snprintf(fw.format, sizeof(fw.format), "%s", n.format);
	url = mpf_mirror_file_url(j->c->mirror, name);
	snprintf(fw.url, sizeof(fw.url), "%s", url);
	free(url);
	fw.size = -1;
	snprintf(fw.date, sizeof(fw.date), "%s", n.date);
	snprintf(fw.source, sizeof(fw.source), "download");
	j->rc = mpf_db_fw_listed(j->c->db, &fw, j->url, j->gen, &j->err);
	j->files++;
}

/* Save a changed board page: its files replace the page's old rows. */
static int save_board(struct page_job *j, struct mpf_http_req *r, const struct mpf_db_page *now)
{
	struct mpf_db *db = j->c->db;
	int pruned = 0;

	j->rc = mpf_db_begin(db, &j->err);
	if (!j->rc)
		mpf_mirror_board_files(r->body.buf ? r->body.buf : "", r->body.len, save_file, j);
	if (!j->rc && (pruned = mpf_db_fw_prune(db, j->url, j->gen, &j->err)) < 0)
		j->rc = pruned;
	if (!j->rc)
		j->rc = mpf_db_page_put(db, j->url, now, &j->err);
	if (!j->rc)
		j->rc = mpf_db_commit(db, &j->err);
	else
		mpf_db_rollback(db);
	if (j->rc)
		mpf_error("%s", mpf_buf_str(&j->err));
	else
		mpf_debug("%s: %d files (%d other links, %d gone)", j->board, j->files, j->skipped,
			  pruned);
	return j->rc;
}

static int64_t now_gen(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

struct update_result {
	int failed, pages, changed, unchanged, files;
};

struct page_progress {
	struct mpf_progress *p;
	uint64_t n;
};

static void page_done(void *ctx, const struct mpf_http_req *r)
{
	struct page_progress *pp = ctx;

	mpf_progress_update(pp->p, ++pp->n);
}

/* Read the index of each port; collect (port, board) pairs to visit. */
static void read_indexes(struct ctx *c, struct names *ports, struct names *pb,
			 struct update_result *res)
{
	struct mpf_http_req *reqs = mpf_xcalloc(ports->n, sizeof(*reqs));
	struct mpf_http_opts o = http_opts(&c->stats);
	size_t i, k;

	struct page_progress pp = { mpf_progress_begin("mirror", "index", ports->n), 0 };

	o.done = page_done;
	o.done_ctx = &pp;
	for (i = 0; i < ports->n; i++)
		conditional(c, &reqs[i], mpf_mirror_index_url(c->mirror, ports->v[i]));
	mpf_http_run(reqs, ports->n, &o);
	mpf_progress_end(pp.p, !mpf_interrupted);
	for (i = 0; i < ports->n; i++) {
		struct names boards = { NULL, 0 };
		struct mpf_http_req *r = &reqs[i];
		struct mpf_db_page now;

		res->pages++;
		if (r->result) {
			mpf_error("port %s: %s", ports->v[i], mpf_buf_str(&r->err));
			res->failed++;
		} else if (unchanged(c, r, &now)) {
			res->unchanged++;
			mpf_db_listing_each(c->db, ports->v[i], names_add_v, &boards);
		} else {
			res->changed++;
			if (save_index(c, ports->v[i], r, &now, &boards))
				res->failed++;
		}
		for (k = 0; k < boards.n; k++)
			if (board_wanted(boards.v[k], ports->v[i])) {
				names_add(pb, ports->v[i]);
				names_add(pb, boards.v[k]);
			}
		names_free(&boards);
		req_free(r);
	}
	free(reqs);
}

static void read_boards(struct ctx *c, struct names *pb, struct update_result *res)
{
	size_t n = pb->n / 2, i;
	struct mpf_http_req *reqs = mpf_xcalloc(n ? n : 1, sizeof(*reqs));
	struct mpf_http_opts o = http_opts(&c->stats);
	int64_t gen = now_gen();

	struct page_progress pp = { mpf_progress_begin("mirror", "boards", n), 0 };

	o.done = page_done;
	o.done_ctx = &pp;
	for (i = 0; i < n; i++)
		conditional(c, &reqs[i], mpf_mirror_board_url(c->mirror, pb->v[2 * i + 1]));
	mpf_http_run(reqs, n, &o);
	mpf_progress_end(pp.p, !mpf_interrupted);
	for (i = 0; i < n; i++) {
		struct mpf_http_req *r = &reqs[i];
		struct page_job j = { c, pb->v[2 * i], pb->v[2 * i + 1], r->url, gen, 0, 0,
				      MPF_BUF_INIT, 0 };
		struct mpf_db_page now;

		res->pages++;
		if (r->result) {
			mpf_error("board %s: %s", j.board, mpf_buf_str(&r->err));
			res->failed++;
		} else if (unchanged(c, r, &now)) {
			res->unchanged++;
		} else {
			res->changed++;
			if (save_board(&j, r, &now))
				res->failed++;
			res->files += j.files;
		}
		mpf_buf_release(&j.err);
		req_free(r);
	}
	free(reqs);
}

/* Every --board must be listed by some port index read. */
static int check_boards_found(struct names *pb)
{
	size_t i, k;
	int missing = 0;

	for (i = 0; i < o_boards.n; i++) {
		for (k = 0; k < pb->n / 2; k++)
			if (board_matches(o_boards.v[i], pb->v[2 * k + 1], pb->v[2 * k]))
				break;
		if (k == pb->n / 2) {
			mpf_error("board %s is not listed by the mirror for the ports read",
				  o_boards.v[i]);
			missing++;
		}
	}
	return missing;
}

static int update(struct ctx *c)
{
	struct names ports = { NULL, 0 }, pb = { NULL, 0 };
	struct update_result res = { 0 };
	int64_t t0 = mpf_now_ms();
	size_t i;
	int missing;

	for (i = 0; i < o_boards.n; i++)
		if (!mpf_mirror_valid_id(o_boards.v[i], 1))
			mpf_usage_error("bad board name '%s'", o_boards.v[i]);
	pick_ports(c, &ports);
	read_indexes(c, &ports, &pb, &res);
	if (!mpf_interrupted)
		read_boards(c, &pb, &res);
	missing = !res.failed && check_boards_found(&pb);
	mpf_info("%zu port%s, %zu board%s: %d requests, %d unchanged, %d changed (%d files), "
		 "%d failed, %lld ms", ports.n, ports.n == 1 ? "" : "s", pb.n / 2,
		 pb.n / 2 == 1 ? "" : "s", c->stats.requests, res.unchanged, res.changed,
		 res.files, res.failed, (long long)(mpf_now_ms() - t0));
	names_free(&ports);
	names_free(&pb);
	if (mpf_interrupted)
		return mpf_interrupted == 2 ? MPF_EXIT_SIGINT : MPF_EXIT_SIGTERM;
	if (res.failed)
		return res.failed == res.pages ? MPF_EXIT_UNAVAILABLE : MPF_EXIT_FAIL;
	return missing ? MPF_EXIT_FAIL : 0;
}

/* ---- downloads (the filter) -------------------------------------------- */

/* Set firmware.file, sha256 and size in the record. */
static void set_file(struct mpf_record *rec, const char *path, const char *sha, int64_t size)
{
	json_t *fw = json_deep_copy(mpf_rec_get(rec, "firmware"));

	json_object_set_new(fw, "file", json_string(path));
	json_object_set_new(fw, "sha256", json_string(sha));
	json_object_set_new(fw, "size", json_integer(size));
	mpf_rec_set(rec, "firmware", fw);
}

/* A record whose firmware has no url: check the named file. */
static int check_local(struct mpf_record *rec)
{
	const char *file = mpf_rec_str(rec, "firmware.file");
	const char *want = mpf_rec_str(rec, "firmware.sha256");
	struct mpf_buf err = MPF_BUF_INIT;
	char sha[65];
	int64_t size;
	int r;

	if (!file) {
		mpf_rec_set_error(rec, "argument", "firmware has neither a url nor a file");
		return MPF_ERR_ARG;
	}
	if ((r = mpf_sha256_file(file, sha, &size, &err))) {
		mpf_rec_set_error(rec, "no-device", "%s", mpf_buf_str(&err));
		mpf_buf_release(&err);
		return r;
	}
	if (want && strcasecmp(want, sha)) {
		mpf_rec_set_error(rec, "mismatch", "%s: sha256 %s, expected %s", file, sha, want);
		return MPF_ERR_MISMATCH;
	}
	set_file(rec, file, sha, size);
	return 0;
}

/* What to download and where: from the catalogue row of url, or from the
 * file name and the record. */
static int describe(struct ctx *c, struct mpf_record *rec, const char *url, struct mpf_fw *fw)
{
	const char *base = strrchr(url, '/'), *port = mpf_rec_str(rec, "port");
	struct mpf_fwname n;

	if (mpf_db_fw_by_url(c->db, url, fw))
		return 0;
	memset(fw, 0, sizeof(*fw));
	fw->size = -1;
	if (!base || mpf_mirror_parse_name(base + 1, mpf_rec_str(rec, "firmware.board_id"), &n)) {
		mpf_rec_set_error(rec, "argument", "%s is not a MicroPython firmware file name", url);
		return MPF_ERR_ARG;
	}
	if (!port || !mpf_mirror_valid_id(port, 1)) {
		mpf_rec_set_error(rec, "argument", "%s: the record names no port (run mpf-pick, or "
				  "mpf-fetch --update first)", url);
		return MPF_ERR_ARG;
	}
	snprintf(fw->board_id, sizeof(fw->board_id), "%s", n.board);
	snprintf(fw->variant, sizeof(fw->variant), "%s", n.variant);
	snprintf(fw->version, sizeof(fw->version), "%s", n.version);
	fw->preview = n.v.preview;
	fw->build = n.v.build;
	snprintf(fw->port, sizeof(fw->port), "%s", port);
	snprintf(fw->format, sizeof(fw->format), "%s", n.format);
	snprintf(fw->url, sizeof(fw->url), "%s", url);
	return 0;
}

static int download(struct ctx *c, struct mpf_record *rec, const char *url)
{
	struct mpf_http_req r;
	struct mpf_http_stats st = { 0 };
	struct mpf_http_opts o = http_opts(&st);
	struct mpf_fw fw;
	struct mpf_version v = { 0 };
	struct mpf_buf err = MPF_BUF_INIT;
	char rel[512], *dest, sha[65];
	const char *want = mpf_rec_str(rec, "firmware.sha256");
	int64_t size = mpf_rec_int(rec, "firmware.size", -1), have;
	int rc;

	if ((rc = describe(c, rec, url, &fw)))
		return rc;
	if (!want && !o_force && fw.sha256[0]) {
		want = fw.sha256;	/* known from an earlier download */
		size = fw.size;
	}
	mpf_version_parse(fw.version, &v);
	v.build = fw.build;
	mpf_mirror_cache_name(fw.port, fw.board_id, fw.variant, &v, fw.format, rel, sizeof(rel));
	dest = mpf_xasprintf("%s/%s", c->fw_dir, rel);
	if (!o_force && !access(dest, F_OK) && !mpf_sha256_file(dest, sha, &have, NULL)) {
		if ((!want || !strcasecmp(want, sha)) && (size < 0 || size == have))
			goto done;
		mpf_warn("%s is damaged (sha256 %s): downloading it again", dest, sha);
		unlink(dest);
	}
	if ((rc = mpf_mkdir_parents(dest, &err))) {
		mpf_rec_set_error(rec, "io", "%s", mpf_buf_str(&err));
		goto out;
	}
	mpf_http_req_init(&r);
	r.url = url;
	r.path = dest;
	r.expect_sha256 = want;
	r.expect_size = size;
	r.progress_id = strrchr(dest, '/') + 1;
	o.parallel = 1;
	mpf_http_run(&r, 1, &o);
	pthread_mutex_lock(&c->lock);
	c->stats.requests += st.requests;
	c->stats.retries += st.retries;
	c->stats.bytes += st.bytes;
	pthread_mutex_unlock(&c->lock);
	if ((rc = r.result)) {
		mpf_rec_set_error(rec, mpf_err_name(rc), "%s", mpf_buf_str(&r.err));
		mpf_http_req_release(&r);
		goto out;
	}
	if (r.resumed_at)
		mpf_debug("%s: resumed at %lld", url, (long long)r.resumed_at);
	snprintf(sha, sizeof(sha), "%s", r.sha256);
	have = r.size;
	mpf_http_req_release(&r);
done:
	if (fw.id && (rc = mpf_db_fw_set_file(c->db, url, rel, sha, have, &err)))
		mpf_warn("%s", mpf_buf_str(&err));
	rc = 0;
	set_file(rec, dest, sha, have);
out:
	mpf_buf_release(&err);
	free(dest);
	return rc;
}

static int fetch_wants(const struct mpf_record *rec, void *ctx)
{
	if (!json_is_object(mpf_rec_get(rec, "firmware")))
		return 0;
	/* mpf-pick found the board already runs this firmware */
	return o_force || !mpf_rec_bool(rec, "up_to_date", 0);
}

static int fetch_run(struct mpf_record *rec, void *vctx)
{
	const char *url = mpf_rec_str(rec, "firmware.url");

	if (!url)
		return check_local(rec);
	return download(vctx, rec, url);
}

/* ---- --add and --list -------------------------------------------------- */

/* The version MicroPython's banner string carries inside the image:
 * "MicroPython v1.24.1 on 2024-11-29" (or a preview "v1.25.0-preview.1.gabc"). */
static int version_in_file(const char *path, struct mpf_version *v)
{
	static const char key[] = "MicroPython v";
	FILE *f = fopen(path, "rb");
	char buf[65536 + 64];
	size_t have = 0, n, i;
	int found = 0;

	if (!f)
		return 0;
	while (!found && (n = fread(buf + have, 1, sizeof(buf) - have - 1, f)) > 0) {
		have += n;
		for (i = 0; i + sizeof(key) + 8 < have && !found; i++) {
			char ver[48];
			size_t k = 0;

			if (memcmp(buf + i, key, sizeof(key) - 1))
				continue;
			for (const char *p = buf + i + sizeof(key) - 2;
			     p < buf + have && k < sizeof(ver) - 1 && *p > ' ' && *p < 127; p++)
				ver[k++] = *p;
			ver[k] = '\0';
			found = !mpf_version_parse(ver, v);
		}
		if (have > 64) {	/* keep a tail so a banner across reads is found */
			memmove(buf, buf + have - 64, 64);
			have = 64;
		}
	}
	fclose(f);
	return found;
}

/* .../ports/<port>/build-<BOARD[-VARIANT]>/firmware.<ext> */
static void infer_from_path(const char *path, struct mpf_fw *fw)
{
	const char *p = strstr(path, "/ports/"), *b;
	char bv[128];
	size_t n;

	if (!p)
		return;
	p += 7;
	n = strcspn(p, "/");
	if (!p[n] || strncmp(p + n, "/build-", 7))
		return;
	snprintf(fw->port, sizeof(fw->port), "%.*s", (int)n, p);
	b = p + n + 7;
	snprintf(bv, sizeof(bv), "%.*s", (int)strcspn(b, "/"), b);
	n = strcspn(bv, "-");
	snprintf(fw->board_id, sizeof(fw->board_id), "%.*s", (int)n, bv);
	snprintf(fw->variant, sizeof(fw->variant), "%s", bv[n] ? bv + n + 1 : "");
}

static int add_fill(struct ctx *c, const char *file, struct mpf_fw *fw)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file, *dot;
	struct mpf_fwname n;
	struct mpf_version v;
	struct mpf_db_board b;
	int official = !mpf_mirror_parse_name(base, o_boards.n ? o_boards.v[0] : NULL, &n);

	memset(fw, 0, sizeof(*fw));
	if (official) {
		snprintf(fw->board_id, sizeof(fw->board_id), "%s", n.board);
		snprintf(fw->variant, sizeof(fw->variant), "%s", n.variant);
		snprintf(fw->date, sizeof(fw->date), "%s", n.date);
		v = n.v;
	}
	infer_from_path(file, fw);
	if (o_boards.n)
		snprintf(fw->board_id, sizeof(fw->board_id), "%s", o_boards.v[0]);
	if (o_variant)
		snprintf(fw->variant, sizeof(fw->variant), "%s", o_variant);
	if (o_ports.n)
		snprintf(fw->port, sizeof(fw->port), "%s", o_ports.v[0]);
	if (o_version && mpf_version_parse(o_version, &v))
		mpf_usage_error("bad version '%s' (want X.Y.Z or X.Y.Z-preview.N)", o_version);
	if (!o_version && !official && !version_in_file(file, &v))
		mpf_die(MPF_EXIT_DATAERR, "cannot tell the MicroPython version of %s: give --version",
			file);
	if (!fw->board_id[0])
		mpf_die(MPF_EXIT_DATAERR, "cannot tell the board of %s: give --board", file);
	if (!mpf_mirror_valid_id(fw->board_id, 0) ||
	    (fw->variant[0] && !mpf_mirror_valid_id(fw->variant, 0)))
		mpf_usage_error("bad board or variant name '%s' '%s'", fw->board_id, fw->variant);
	if (!fw->port[0] && mpf_db_board_get(c->db, fw->board_id, "", &b))
		snprintf(fw->port, sizeof(fw->port), "%s", b.port);
	if (!fw->port[0])
		mpf_die(MPF_EXIT_DATAERR, "cannot tell the port of board %s: give --port", fw->board_id);
	mpf_version_format(&v, fw->version, sizeof(fw->version));
	fw->preview = v.preview;
	fw->build = v.build;
	dot = strrchr(base, '.');
	snprintf(fw->format, sizeof(fw->format), "%s", dot ? dot + 1 : "");
	snprintf(fw->source, sizeof(fw->source), "%s", official && !o_custom ? "local" : "custom");
	return 0;
}

static int add(struct ctx *c, struct mpf_record **recs, size_t *nrec)
{
	static const char *const formats[] = { "uf2", "bin", "dfu", "hex", "elf", NULL };
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_fw fw;
	char real[PATH_MAX];
	struct stat st;
	int i, r;

	if (stat(o_add, &st) || !S_ISREG(st.st_mode))
		mpf_die(MPF_EXIT_NOINPUT, "%s: %s", o_add, errno ? strerror(errno) : "not a file");
	if (!realpath(o_add, real))
		mpf_die(MPF_EXIT_NOINPUT, "%s: %s", o_add, strerror(errno));
	add_fill(c, real, &fw);
	for (i = 0; formats[i] && strcmp(formats[i], fw.format); i++)
		;
	if (!formats[i])
		mpf_die(MPF_EXIT_DATAERR, "%s: format '%s' is not a firmware image mpf flashes "
			"(uf2, bin, dfu, hex, elf)", o_add, fw.format);
	snprintf(fw.file, sizeof(fw.file), "%s", real);
	if ((r = mpf_sha256_file(real, fw.sha256, &fw.size, &err)) ||
	    (r = mpf_db_fw_add(c->db, &fw, &err)))
		mpf_die(mpf_exit_for_err(r), "%s", mpf_buf_str(&err));
	*recs = mpf_xcalloc(1, sizeof(**recs));
	mpf_record_init(*recs);
	mpf_rec_set_str(*recs, "port", fw.port);
	mpf_rec_set(*recs, "firmware", mpf_fw_json(&fw, c->fw_dir));
	*nrec = 1;
	mpf_info("registered %s as %s%s%s %s (%s)", real, fw.board_id, fw.variant[0] ? "-" : "",
		 fw.variant, fw.version, fw.source);
	return 0;
}

struct list_ctx {
	struct ctx *c;
	struct mpf_record *recs;
	size_t n;
	struct mpf_version want;
	int want_set, want_preview;	/* want_preview: 1 previews, 0 releases, -1 any */
};

static int list_one(const struct mpf_fw *fw, void *vctx)
{
	struct list_ctx *l = vctx;
	struct mpf_version v;
	size_t i;

	if (l->want_preview >= 0 && fw->preview != l->want_preview)
		return 0;
	if (l->want_set && (mpf_version_parse(fw->version, &v) || v.major != l->want.major ||
			    v.minor != l->want.minor || v.patch != l->want.patch ||
			    v.preview != l->want.preview ||
			    (l->want.build && fw->build != l->want.build)))
		return 0;
	for (i = 0; i < o_boards.n && strcmp(o_boards.v[i], fw->board_id); i++)
		;
	if (o_boards.n && i == o_boards.n)
		return 0;
	for (i = 0; i < o_ports.n && strcmp(o_ports.v[i], fw->port); i++)
		;
	if (o_ports.n && i == o_ports.n)
		return 0;
	l->recs = mpf_xrealloc(l->recs, (l->n + 1) * sizeof(*l->recs));
	mpf_record_init(&l->recs[l->n]);
	mpf_rec_set_str(&l->recs[l->n], "port", fw->port);
	mpf_rec_set(&l->recs[l->n], "firmware", mpf_fw_json(fw, l->c->fw_dir));
	l->n++;
	return 0;
}

static int list(struct ctx *c, struct mpf_record **recs, size_t *n)
{
	struct list_ctx l = { c, NULL, 0, { 0 }, 0, -1 };
	struct mpf_db_query q = { 0 };
	struct mpf_buf err = MPF_BUF_INIT;
	int r;

	if (o_version && !strcmp(o_version, "preview"))
		l.want_preview = 1;
	else if (o_version && !strcmp(o_version, "stable"))
		l.want_preview = 0;
	else if (o_version && mpf_version_parse(o_version, &l.want))
		mpf_usage_error("bad version '%s' (want X.Y.Z, X.Y.Z-preview[.N], stable or preview)",
				o_version);
	else if (o_version)
		l.want_set = 1;
	if ((r = mpf_db_fw_each(c->db, &q, list_one, &l, &err)) < 0)
		mpf_die(mpf_exit_for_err(r), "%s", mpf_buf_str(&err));
	*recs = l.recs;
	*n = l.n;
	return 0;
}

static int nothing(struct mpf_record *rec, void *ctx)
{
	return 0;
}

static const struct mpf_column columns[] = {
	{ "Board", "firmware.board_id", NULL },
	{ "Variant", "firmware.variant", NULL },
	{ "Version", "firmware.version", NULL },
	{ "Build", "firmware.build", NULL },
	{ "Port", "port", NULL },
	{ "Format", "firmware.format", NULL },
	{ "Date", "firmware.date", NULL },
	{ "Source", "firmware.source", NULL },
	{ "File", "firmware.file", NULL },
	{ NULL, NULL, NULL },
};

static int fetch_main(int argc, char **argv)
{
	struct ctx c = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct mpf_filter f = { fetch_wants, fetch_run, &c, columns };
	struct mpf_record *recs = NULL;
	size_t n = 0;
	int r;

	if (argc > 0)
		mpf_usage_error("unexpected argument '%s'", argv[0]);
	if (o_update + o_list + !!o_add > 1)
		mpf_usage_error("--update, --list and --add are separate jobs: give one");
	if (!o_update && !o_list && !o_add && isatty(STDIN_FILENO))
		mpf_usage_error("nothing to do: give --update, --list or --add FILE, or pipe "
				"records from mpf-pick");
	if (o_add && o_boards.n > 1)
		mpf_usage_error("--add takes one --board");
	mpf_http_global_init();
	c.mirror = mirror_base();
	open_db(&c);
	if (o_update) {
		r = update(&c);
	} else if (o_list || o_add) {
		f.wants = NULL;
		f.run = nothing;
		if (o_list)
			list(&c, &recs, &n);
		else
			add(&c, &recs, &n);
		r = mpf_filter_list(&f, recs, n);
		free(recs);
	} else {
		r = mpf_filter_fd(&f, STDIN_FILENO, "stdin");
	}
	if (c.stats.requests)
		mpf_debug("%d requests, %d retries, %lld bytes", c.stats.requests,
			  c.stats.retries, (long long)c.stats.bytes);
	mpf_db_close(c.db);
	free(c.fw_dir);
	free(c.mirror);
	mpf_strlist_clear(&o_ports);
	mpf_strlist_clear(&o_boards);
	return r;
}

const struct mpf_applet fetch_applet = {
	.name = "fetch",
	.summary = "keep the firmware catalogue and download firmware files",
	.usage = "mpf-fetch --update [--port PORT]... [--board BOARD]...\n"
		 "mpf-pick ... | mpf-fetch [--force]\n"
		 "mpf-fetch --list [--board BOARD] [--port PORT] [--version X]\n"
		 "mpf-fetch --add FILE [--board B] [--variant V] [--version X] [--port P]",
	.description =
		"mpf-fetch keeps the firmware catalogue, an sqlite database shared with "
		"mpf-pick and mpf-info ($MPF_HOME/mpf.db, else $XDG_DATA_HOME/mpf/mpf.db), "
		"and the firmware cache ($MPF_HOME/firmware, else $XDG_CACHE_HOME/mpf/firmware).\n"
		"\n"
		"--update reads the mirror's download pages: the index of each port "
		"(download/?port=PORT) and the page of each board it lists, in parallel (-j), "
		"with conditional requests, so a page that has not changed costs one "
		"304 reply. Network errors and server errors are retried with backoff; TLS "
		"certificates are always verified. Boards the mirror lists that mpf's board "
		"table lacks are learned, so a new MicroPython release needs no new mpf. "
		"Stable and preview versions are derived from the files present.\n"
		"\n"
		"As a filter, mpf-fetch downloads the firmware.url of each record into the "
		"cache as PORT/BOARD[-VARIANT]-vX.Y.Z[-preview.N].EXT, resuming a partial "
		"download, writing atomically, and sets firmware.file, sha256 and size. A "
		"cached file that is intact is used as is (--force downloads it again); a "
		"file whose size or sha256 differs from what the record or the catalogue "
		"knows is an error. Records with \"up_to_date\": true pass untouched.\n"
		"\n"
		"--add registers a firmware you built (make -C ports/rp2 BOARD=..., mpbuild): "
		"port, board and variant come from its ports/PORT/build-BOARD[-VARIANT]/ path "
		"and the version from the image's banner, unless given. --list prints the "
		"catalogue; its records pipe into mpf-fetch to download them.\n"
		"\n"
		"The mirror is --mirror, else MPF_MIRROR, else https://micropython.org/. A "
		"file:/// mirror is a copy made with wget -r (download/index.html?port=PORT, "
		"download/BOARD/index.html, resources/firmware/).",
	.examples =
		"$ mpf-fetch --update --port rp2 --port esp32\n"
		"Refresh the catalogue for two ports.\n"
		"\n"
		"$ mpf-scan | mpf-info | mpf-pick --version stable | mpf-fetch\n"
		"Download the newest release for every attached board.\n"
		"\n"
		"$ mpf-fetch --list --board RPI_PICO_W --version 1.24.1 | mpf-fetch\n"
		"Download one firmware from the catalogue.\n"
		"\n"
		"$ mpf-fetch --add ports/rp2/build-RPI_PICO_W/firmware.uf2\n"
		"Register a local build; mpf-pick --custom prefers it.",
	.opts = fetch_opts,
	.flags = MPF_APPLET_FILTER,
	.default_timeout = 30,
	.default_jobs = 4,
	.main = fetch_main,
};
