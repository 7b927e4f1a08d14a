/* catalog.c - the firmware catalogue engine (catalog.h). */
#define _DEFAULT_SOURCE		/* realpath(3) */
#include "catalog.h"
#include "boards.h"
#include "buf.h"
#include "err.h"
#include "fsutil.h"
#include "fwcheck.h"
#include "log.h"
#include "mirror.h"
#include "ports.h"
#include "progress.h"
#include "version.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <unistd.h>

static struct mpf_http_opts http_opts(const struct mpf_catalog *c, struct mpf_http_stats *st)
{
	struct mpf_http_opts o = {
		.parallel = c->jobs > 0 ? c->jobs : 1,
		.timeout_ms = c->timeout_ms,
		.retries = c->retries,
		.backoff_ms = 250,
		.stats = st,
	};
	return o;
}

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

	if (!strcasecmp(req, board))	/* board ids in any case, as mpflash takes them */
		return 1;
	n = mpf_board_aliases(req, port, al, 16);
	for (j = 0; j < n; j++)
		if (!strncasecmp(al[j], board, bl) && (!al[j][bl] || al[j][bl] == '-'))
			return 1;
	return 0;
}

static int board_wanted(const struct mpf_strlist *boards, const char *board, const char *port)
{
	size_t i;

	for (i = 0; i < boards->n; i++)
		if (board_matches(boards->v[i], board, port))
			return 1;
	return !boards->n;
}

/* The ports to read: those asked for, else those of the boards asked
 * for, else every port the catalogue carries. */
static void pick_ports(struct mpf_catalog *c, const struct mpf_strlist *want,
		       const struct mpf_strlist *boards, struct names *ports)
{
	size_t i, k;

	for (i = 0; i < want->n; i++)
		names_add(ports, want->v[i]);
	for (i = 0; !want->n && i < boards->n; i++) {
		struct mpf_db_board b;

		if (!mpf_db_board_get(c->db, boards->v[i], "", &b) || !b.port[0]) {
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

static void conditional(struct mpf_catalog *c, struct mpf_http_req *r, const char *url)
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
static int unchanged(struct mpf_catalog *c, const struct mpf_http_req *r, struct mpf_db_page *now)
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
static int save_index(struct mpf_catalog *c, const char *port, struct mpf_http_req *r,
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
	struct mpf_catalog *c;
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
static void read_indexes(struct mpf_catalog *c, struct names *ports,
			 const struct mpf_strlist *want, struct names *pb,
			 struct mpf_catalog_update *res)
{
	struct mpf_http_req *reqs = mpf_xcalloc(ports->n, sizeof(*reqs));
	struct mpf_http_opts o = http_opts(c, &c->stats);
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
			if (board_wanted(want, boards.v[k], ports->v[i])) {
				names_add(pb, ports->v[i]);
				names_add(pb, boards.v[k]);
			}
		names_free(&boards);
		req_free(r);
	}
	free(reqs);
}

static void read_boards(struct mpf_catalog *c, struct names *pb, struct mpf_catalog_update *res)
{
	size_t n = pb->n / 2, i;
	struct mpf_http_req *reqs = mpf_xcalloc(n ? n : 1, sizeof(*reqs));
	struct mpf_http_opts o = http_opts(c, &c->stats);
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

/* Every board asked for must be listed by some port index read. */
static int check_boards_found(const struct mpf_strlist *boards, struct names *pb)
{
	size_t i, k;
	int missing = 0;

	for (i = 0; i < boards->n; i++) {
		for (k = 0; k < pb->n / 2; k++)
			if (board_matches(boards->v[i], pb->v[2 * k + 1], pb->v[2 * k]))
				break;
		if (k == pb->n / 2) {
			mpf_error("board %s is not listed by the mirror for the ports read",
				  boards->v[i]);
			missing++;
		}
	}
	return missing;
}

void mpf_catalog_update(struct mpf_catalog *c, const struct mpf_strlist *ports,
			const struct mpf_strlist *boards, struct mpf_catalog_update *res)
{
	struct names pl = { NULL, 0 }, pb = { NULL, 0 };

	memset(res, 0, sizeof(*res));
	pick_ports(c, ports, boards, &pl);
	read_indexes(c, &pl, boards, &pb, res);
	if (!mpf_interrupted)
		read_boards(c, &pb, res);
	res->missing = !res->failed && check_boards_found(boards, &pb);
	res->ports = pl.n;
	res->boards = pb.n / 2;
	names_free(&pl);
	names_free(&pb);
}

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
static int describe(struct mpf_catalog *c, struct mpf_record *rec, const char *url, struct mpf_fw *fw)
{
	const char *base = strrchr(url, '/'), *port = mpf_rec_str(rec, "port");
	const char *board = mpf_rec_str(rec, "firmware.board_id");
	struct mpf_fwname n;

	if (mpf_db_fw_by_url(c->db, url, fw))
		return 0;
	memset(fw, 0, sizeof(*fw));
	fw->size = -1;
	if (board && !mpf_mirror_valid_id(board, 1)) {
		mpf_rec_set_error(rec, "argument", "bad board name '%s'", board);
		return MPF_ERR_ARG;
	}
	if (!base || mpf_mirror_parse_name(base + 1, board, &n)) {
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

/* 1 if path's folder, with every symlink resolved, is dir or below it:
 * the last word on where a download may land. */
static int inside(const char *dir, const char *path)
{
	char top[PATH_MAX], real[PATH_MAX], *parent = mpf_xstrdup(path), *slash;
	size_t n;
	int ok;

	if ((slash = strrchr(parent, '/')))
		*slash = '\0';
	ok = realpath(dir, top) && realpath(parent, real);
	n = ok ? strlen(top) : 0;
	ok = ok && !strncmp(top, real, n) && (real[n] == '/' || !real[n] || !strcmp(top, "/"));
	free(parent);
	return ok;
}

/* The cache path of fw (malloc'ed), its folders made; NULL with the
 * record's error set when a name is not fit for a path. */
static char *cache_path(struct mpf_catalog *c, struct mpf_record *rec, const struct mpf_fw *fw,
			char *rel, size_t cap)
{
	struct mpf_version v = { 0 };
	struct mpf_buf err = MPF_BUF_INIT;
	char *dest;

	mpf_version_parse(fw->version, &v);
	v.build = fw->build;
	if (mpf_mirror_cache_name(fw->port, fw->board_id, fw->variant, &v, fw->format, rel, cap)) {
		mpf_rec_set_error(rec, "argument", "port '%s', board '%s', variant '%s', format '%s': "
				  "not names a file in the cache may have", fw->port, fw->board_id,
				  fw->variant, fw->format);
		return NULL;
	}
	dest = mpf_xasprintf("%s/%s", c->fw_dir, rel);
	if (mpf_mkdir_parents(dest, &err)) {
		mpf_rec_set_error(rec, "io", "%s", mpf_buf_str(&err));
	} else if (!inside(c->fw_dir, dest)) {
		mpf_rec_set_error(rec, "argument", "%s is not inside the firmware cache %s", dest,
				  c->fw_dir);
	} else {
		mpf_buf_release(&err);
		return dest;
	}
	mpf_buf_release(&err);
	free(dest);
	return NULL;
}

/* A finished download is checked against its format and port before it
 * takes its name in the cache. */
static int check_download(const char *part, void *fw, struct mpf_buf *err)
{
	const struct mpf_fw *f = fw;

	return mpf_fw_check_file(part, f->format, f->port, err);
}

static int download(struct mpf_catalog *c, struct mpf_record *rec, const char *url)
{
	struct mpf_http_req r;
	struct mpf_http_stats st = { 0 };
	struct mpf_http_opts o = http_opts(c, &st);
	struct mpf_fw fw;
	struct mpf_buf err = MPF_BUF_INIT;
	char rel[512], *dest, sha[65];
	const char *want = mpf_rec_str(rec, "firmware.sha256");
	int64_t size = mpf_rec_int(rec, "firmware.size", -1), have;
	int rc;

	if ((rc = describe(c, rec, url, &fw)))
		return rc;
	if (!want && !c->force && fw.sha256[0]) {
		want = fw.sha256;	/* known from an earlier download */
		size = fw.size;
	}
	if (!(dest = cache_path(c, rec, &fw, rel, sizeof(rel))))
		return MPF_ERR_ARG;
	if (!c->force && !access(dest, F_OK) && !mpf_sha256_file(dest, sha, &have, NULL)) {
		if ((!want || !strcasecmp(want, sha)) && (size < 0 || size == have))
			goto done;
		mpf_warn("%s is damaged (sha256 %s): downloading it again", dest, sha);
		unlink(dest);
	}
	mpf_http_req_init(&r);
	r.url = url;
	r.path = dest;
	r.expect_sha256 = want;
	r.expect_size = size;
	r.check = check_download;
	r.check_ctx = &fw;
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

int mpf_catalog_fetch(struct mpf_catalog *c, struct mpf_record *rec)
{
	const char *url = mpf_rec_str(rec, "firmware.url");

	return url ? download(c, rec, url) : check_local(rec);
}

struct list_ctx {
	struct mpf_catalog *c;
	int (*fn)(struct mpf_record *rec, void *ctx);
	void *ctx;
	struct mpf_version want;
	int want_set, want_preview;	/* want_preview: 1 previews, 0 releases, -1 any */
	const struct mpf_strlist *boards, *ports;
};

static int list_one(const struct mpf_fw *fw, void *vctx)
{
	struct list_ctx *l = vctx;
	struct mpf_record rec;
	struct mpf_version v;
	size_t i;
	int stop;

	if (l->want_preview >= 0 && fw->preview != l->want_preview)
		return 0;
	if (l->want_set && (mpf_version_parse(fw->version, &v) || v.major != l->want.major ||
			    v.minor != l->want.minor || v.patch != l->want.patch ||
			    v.preview != l->want.preview ||
			    (l->want.build && fw->build != l->want.build)))
		return 0;
	for (i = 0; i < l->boards->n && strcasecmp(l->boards->v[i], fw->board_id); i++)
		;
	if (l->boards->n && i == l->boards->n)
		return 0;
	for (i = 0; i < l->ports->n && strcmp(l->ports->v[i], fw->port); i++)
		;
	if (l->ports->n && i == l->ports->n)
		return 0;
	mpf_record_init(&rec);
	mpf_rec_set_str(&rec, "port", fw->port);
	mpf_rec_set(&rec, "firmware", mpf_fw_json(fw, l->c->fw_dir));
	stop = l->fn(&rec, l->ctx);
	mpf_record_release(&rec);
	return stop;
}

int mpf_catalog_list(struct mpf_catalog *c, const struct mpf_strlist *boards,
		     const struct mpf_strlist *ports, const char *version,
		     int (*fn)(struct mpf_record *rec, void *ctx), void *ctx, struct mpf_buf *err)
{
	struct list_ctx l = { c, fn, ctx, { 0 }, 0, -1, boards, ports };
	struct mpf_db_query q = { 0 };
	int r;

	if (version && !strcmp(version, "preview"))
		l.want_preview = 1;
	else if (version && !strcmp(version, "stable"))
		l.want_preview = 0;
	else if (version && mpf_version_parse(version, &l.want))
		return mpf_errf(err, MPF_ERR_ARG, "bad version '%s' (want X.Y.Z, "
				"X.Y.Z-preview[.N], stable or preview)", version);
	else if (version)
		l.want_set = 1;
	r = mpf_db_fw_each(c->db, &q, list_one, &l, err);
	return r < 0 ? r : 0;
}

/* ---- registering builds ------------------------------------------------- */

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

/* .../ports/<port>/build-<BOARD[-VARIANT]>/firmware.<ext>: the last such
 * part of the path, as the checkout may itself lie below a folder named
 * ports. */
static void infer_from_path(const char *path, struct mpf_fw *fw)
{
	const char *p = NULL, *q, *b;
	char bv[128];
	size_t n = 0;

	for (q = strstr(path, "/ports/"); q; q = strstr(q + 1, "/ports/")) {
		size_t k = strcspn(q + 7, "/");

		if (!strncmp(q + 7 + k, "/build-", 7)) {
			p = q + 7;
			n = k;
		}
	}
	if (!p)
		return;
	snprintf(fw->port, sizeof(fw->port), "%.*s", (int)n, p);
	b = p + n + 7;
	snprintf(bv, sizeof(bv), "%.*s", (int)strcspn(b, "/"), b);
	n = strcspn(bv, "-");
	snprintf(fw->board_id, sizeof(fw->board_id), "%.*s", (int)n, bv);
	snprintf(fw->variant, sizeof(fw->variant), "%s", bv[n] ? bv + n + 1 : "");
}

/* What the build's name, path and banner tell, b's fields first. */
static int describe_build(struct mpf_catalog *c, const char *file,
			  const struct mpf_catalog_build *b, struct mpf_fw *fw, struct mpf_buf *err)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file, *dot;
	struct mpf_fwname n;
	struct mpf_version v;
	struct mpf_db_board row;
	int official = !mpf_mirror_parse_name(base, b->board, &n);

	memset(fw, 0, sizeof(*fw));
	if (official) {
		snprintf(fw->board_id, sizeof(fw->board_id), "%s", n.board);
		snprintf(fw->variant, sizeof(fw->variant), "%s", n.variant);
		snprintf(fw->date, sizeof(fw->date), "%s", n.date);
		v = n.v;
	}
	infer_from_path(file, fw);
	if (b->board)
		snprintf(fw->board_id, sizeof(fw->board_id), "%s", b->board);
	if (b->variant)
		snprintf(fw->variant, sizeof(fw->variant), "%s", b->variant);
	if (b->port)
		snprintf(fw->port, sizeof(fw->port), "%s", b->port);
	if (b->version && mpf_version_parse(b->version, &v))
		return mpf_errf(err, MPF_ERR_ARG, "bad version '%s' (want X.Y.Z or "
				"X.Y.Z-preview.N)", b->version);
	if (!b->version && !official && !version_in_file(file, &v))
		return mpf_errf(err, MPF_ERR_FORMAT, "cannot tell the MicroPython version of %s: "
				"give --version", file);
	if (!fw->board_id[0])
		return mpf_errf(err, MPF_ERR_FORMAT, "cannot tell the board of %s: give --board",
				file);
	if (!mpf_mirror_valid_id(fw->board_id, 0) ||
	    (fw->variant[0] && !mpf_mirror_valid_id(fw->variant, 0)))
		return mpf_errf(err, MPF_ERR_ARG, "bad board or variant name '%s' '%s'",
				fw->board_id, fw->variant);
	if (!fw->port[0] && mpf_db_board_get(c->db, fw->board_id, "", &row))
		snprintf(fw->port, sizeof(fw->port), "%s", row.port);
	if (!fw->port[0])
		return mpf_errf(err, MPF_ERR_FORMAT, "cannot tell the port of board %s: give --port",
				fw->board_id);
	if (!mpf_mirror_valid_id(fw->port, 1))
		return mpf_errf(err, MPF_ERR_ARG, "bad port name '%s'", fw->port);
	mpf_version_format(&v, fw->version, sizeof(fw->version));
	fw->preview = v.preview;
	fw->build = v.build;
	dot = strrchr(base, '.');
	snprintf(fw->format, sizeof(fw->format), "%s", dot ? dot + 1 : "");
	snprintf(fw->source, sizeof(fw->source), "%s", b->commit ? "build" :
		 official && !b->custom ? "local" : "custom");
	if (b->commit)
		snprintf(fw->commit, sizeof(fw->commit), "%s", b->commit);
	fw->dirty = b->commit && b->dirty;
	return 0;
}

int mpf_catalog_add(struct mpf_catalog *c, const char *file, const struct mpf_catalog_build *b,
		    struct mpf_fw *fw, struct mpf_buf *err)
{
	struct mpf_buf formats = MPF_BUF_INIT;
	int r = describe_build(c, file, b, fw, err);

	if (r)
		return r;
	if (!mpf_format_flashable(fw->format)) {
		mpf_flashable_formats(&formats);
		r = mpf_errf(err, MPF_ERR_FORMAT, "%s: format '%s' is not a firmware image mpf "
			     "flashes (%s)", file, fw->format, mpf_buf_str(&formats));
		mpf_buf_release(&formats);
		return r;
	}
	if ((r = mpf_fw_check_file(file, fw->format, fw->port, err)))
		return r;
	snprintf(fw->file, sizeof(fw->file), "%s", file);
	if ((r = mpf_sha256_file(file, fw->sha256, &fw->size, err)))
		return r;
	return mpf_db_fw_add(c->db, fw, err);
}
