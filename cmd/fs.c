/* fs.c - mpf-fs: a board's own files over the raw REPL (the session of
 * mpf-info): back them up, restore them, list them, make the file system
 * afresh (doc/boards.md section 10).
 * Every file is read or written in chunks and checked on the board and on
 * disk (doc/protocols.md section 6.1); a backup is complete when its
 * manifest exists, and only then does the record claim it. */
#define _XOPEN_SOURCE 700	/* nftw */
#include "applet.h"
#include "clock.h"
#include "err.h"
#include "exitcode.h"
#include "filter.h"
#include "fsutil.h"
#include "log.h"
#include "repl.h"
#include "repl_fs.h"
#include "scan.h"
#include "transport.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int o_yes, o_no_raw_paste, o_any_board, o_baud = 115200;

static const struct mpf_opt fs_opts[] = {
	OPT_BOOL(0, "yes", &o_yes, "format: really make the boards' file systems afresh"),
	OPT_INT(0, "baud", &o_baud, "N", 300, 4000000, "serial speed (default 115200; USB ports ignore it)"),
	OPT_BOOL(0, "no-raw-paste", &o_no_raw_paste,
		 "send code in plain raw mode even where the board offers raw-paste mode"),
	OPT_BOOL(0, "any-board", &o_any_board,
		 "restore: write the backup onto the board the record names even when it is not "
		 "the board backed up, or onto several boards from one backup"),
	OPT_END(),
};

enum fs_op { FS_LS, FS_BACKUP, FS_RESTORE, FS_FORMAT };

static enum fs_op fs_op;
static const char *fs_dir;	/* the DIR operand of backup and restore */
static size_t fs_nboards;	/* restore from DIR itself: the boards it goes to */

#define MANIFEST "manifest.json"
#define MANIFEST_MAX ((size_t)64 << 20)

/* One board's session: what its helper reported and the buffers reused
 * by every call. */
struct sess {
	struct mpf_repl r;
	const char *port;
	int tree, sha, b64;	/* directories; hashlib.sha256; binascii */
	int tmo;
	struct mpf_buf out, code, err;
	long long files, bytes;
	char uid[80], usb[128];	/* machine.unique_id(), USB serial number; "" */
	json_t *ident;		/* restore: what was checked */
};

/* Bytes per line and lines per call when reading; bytes per call when
 * writing. The micro:bit (bytes literals, up to 4 characters a byte) has
 * about 5 KB of heap left once the helper is defined. */
static void chunk_sizes(const struct sess *s, size_t *rd_n, int *rd_k, size_t *wr_n)
{
	*rd_n = s->b64 ? 1536 : 128;
	*rd_k = s->b64 ? 8 : 12;
	*wr_n = s->b64 ? 6144 : 256;
}

/* ---- the session ---- */

/* Failures in plain raw mode (no flow control) after which nothing of
 * the code ran: bytes lost on the way (a name cut short, a literal's
 * length, the final Ctrl-D, so the board never took it), or the
 * micro:bit's small heap too fragmented to compile it. */
static int before_run(int x, const char *err)
{
	if (x == MPF_ERR_TIMEOUT)
		return strstr(err, "did not take the code") != NULL;
	return x == MPF_ERR_FAIL &&
	       (strstr(err, "SyntaxError") || strstr(err, "NameError") ||
		strstr(err, "mpf-fs: bytes lost") || strstr(err, "MemoryError: parser"));
}

static int exec_code(struct sess *s, const char *code)
{
	mpf_buf_reset(&s->out);
	mpf_buf_reset(&s->err);
	return mpf_repl_exec(&s->r, code, &s->out, NULL, s->tmo, &s->err);
}

/* Run code; its stdout in s->out. Code that never ran: once more,
 * slowly (and slowly from then on), after a fresh raw prompt (Ctrl-C
 * drops a half-received line; the helper stays defined) and a collection. */
static int run(struct sess *s, const char *code)
{
	int x = exec_code(s, code);

	if (s->r.paste == 1 || !before_run(x, mpf_buf_str(&s->err)))
		return x;
	mpf_debug("%s: %s: sending the code again more slowly", s->port, s->err.buf);
	s->r.chunk = 8;
	s->r.chunk_gap_ms = 5;
	x = x == MPF_ERR_TIMEOUT ? mpf_repl_enter(&s->r, s->tmo, &s->err) : 0;
	if (x >= 0)
		x = exec_code(s, "__import__('gc').collect()");
	return x < 0 ? x : exec_code(s, code);
}

/* code = fn(b'path'[, more]) */
static const char *call_path(struct sess *s, const char *fn, const char *path, size_t plen)
{
	mpf_buf_reset(&s->code);
	mpf_buf_addf(&s->code, "%s(", fn);
	mpf_pylit_encode(path, plen, &s->code);
	mpf_buf_addch(&s->code, ')');
	return s->code.buf;
}

static int parse_id(struct sess *s)
{
	char layout[8], check[8], enc[8], self[9], want[9];
	unsigned char b[512];
	int i;

	for (i = 0; i < 512; i++)
		b[i] = (unsigned char)i;
	snprintf(want, sizeof(want), "%08x", (unsigned)mpf_adler32(1, b, sizeof(b)));
	if (sscanf(mpf_buf_str(&s->out), "mpf-fs %7s %7s %7s %8s", layout, check, enc, self) != 4 ||
	    strcmp(self, want))
		return mpf_repl_bad_reply(&s->err, "the file helper did not arrive whole",
					  s->out.buf, s->out.len);
	s->tree = !strcmp(layout, "tree");
	s->sha = !strcmp(check, "sha256");
	s->b64 = !strcmp(enc, "b64");
	return 0;
}

/* Define the helper, learn what the board has. */
static int define_helper(struct sess *s)
{
	int i, x = run(s, mpf_fs_cleanup_script);	/* an earlier session's, if any */

	for (i = 0; x >= 0 && mpf_fs_script[i]; i++)
		x = run(s, mpf_fs_script[i]);
	if (x >= 0)
		x = run(s, "_mpf_id()");
	return x < 0 ? x : parse_id(s);
}

/* Enter the raw REPL and define the helper: a helper that lost bytes
 * in plain raw mode, once more slowly. */
static int sess_open(struct sess *s, struct mpf_transport *t, const char *port)
{
	int x;

	memset(s, 0, sizeof(*s));
	s->port = port;
	s->tmo = mpf_timeout_ms();
	mpf_repl_init(&s->r, t);
	s->r.use_paste = !o_no_raw_paste;
	x = mpf_repl_enter(&s->r, s->tmo, &s->err);
	if (x >= 0)
		x = define_helper(s);
	if (x == MPF_ERR_PROTO && s->r.paste != 1 && s->r.chunk > 8) {
		mpf_debug("%s: %s, sending it again more slowly", port, s->err.buf);
		s->r.chunk = 8;
		s->r.chunk_gap_ms = 5;
		x = define_helper(s);
	}
	return x;
}

/* The board's machine.unique_id() into s->uid ("" where it has none); a
 * reply that lost bytes on the way, once more slowly. */
static int read_uid(struct sess *s)
{
	int i, x = 0;

	for (i = 0; i < 2; i++) {
		if ((x = run(s, mpf_fs_uid_script)) < 0)
			return x;
		x = mpf_fs_parse_uid(mpf_buf_str(&s->out), s->uid, sizeof(s->uid), &s->err);
		if (x >= 0 || s->r.paste == 1)
			break;
		mpf_debug("%s: %s, asking again more slowly", s->port, s->err.buf);
		s->r.chunk = 8;
		s->r.chunk_gap_ms = 5;
	}
	return x < 0 ? x : 0;
}

static void sess_close(struct sess *s, int failed)
{
	struct mpf_buf e = MPF_BUF_INIT;

	if (!failed)
		run(s, mpf_fs_cleanup_script);
	if (mpf_repl_leave(&s->r, failed ? 500 : 1000, &e) < 0 && !failed)
		mpf_warn("%s: leaving the raw REPL: %s", s->port, mpf_buf_str(&e));
	mpf_buf_release(&e);
	mpf_repl_release(&s->r);
	mpf_buf_release(&s->out);
	mpf_buf_release(&s->code);
	mpf_buf_release(&s->err);
	json_decref(s->ident);
}

static int list_board(struct sess *s, struct mpf_fs_entry **e, size_t *n)
{
	int x = run(s, "_mpf_ls()");

	return x < 0 ? x : mpf_fs_parse_ls(s->out.buf, s->out.len, e, n, &s->err);
}

/* ---- checks on the host ---- */

struct check {
	EVP_MD_CTX *sha;
	uint32_t adler;
	char sha_hex[65], adler_hex[9];
};

static void check_start(struct check *c)
{
	c->sha = EVP_MD_CTX_new();
	if (!c->sha || EVP_DigestInit_ex(c->sha, EVP_sha256(), NULL) != 1)
		mpf_die(MPF_EXIT_SOFTWARE, "sha256: cannot start");
	c->adler = 1;
}

static void check_update(struct check *c, const void *d, size_t n)
{
	EVP_DigestUpdate(c->sha, d, n);
	c->adler = mpf_adler32(c->adler, d, n);
}

static void check_end(struct check *c)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0, i;

	EVP_DigestFinal_ex(c->sha, md, &len);
	EVP_MD_CTX_free(c->sha);
	c->sha = NULL;
	for (i = 0; i < len && i < 32; i++)
		snprintf(c->sha_hex + 2 * i, 3, "%02x", md[i]);
	snprintf(c->adler_hex, sizeof(c->adler_hex), "%08x", (unsigned)c->adler);
}

/* Both checks of a file on disk, and its size. */
static int check_file(const char *path, struct check *c, long long *size, struct mpf_buf *err)
{
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return mpf_errf(err, MPF_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
	check_start(c);
	*size = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		check_update(c, buf, (size_t)n);
		*size += n;
	}
	check_end(c);
	close(fd);
	if (n < 0)
		return mpf_errf(err, MPF_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
	return 0;
}

static const char *board_check(const struct sess *s, const struct check *c)
{
	return s->sha ? c->sha_hex : c->adler_hex;
}

static const char *check_name(const struct sess *s)
{
	return s->sha ? "sha256" : "adler32";
}

/* ---- paths on disk ---- */

/* A board path as a path under root: every part a plain name (no "",
 * "." or ".."), so a board cannot make mpf write outside root. */
static char *disk_path(const char *root, const char *bpath, struct mpf_buf *err)
{
	const char *p = bpath[0] == '/' ? bpath + 1 : bpath, *part = p;

	for (;;) {
		size_t l = strcspn(part, "/");

		if (!l || (l == 1 && part[0] == '.') || (l == 2 && !strncmp(part, "..", 2))) {
			mpf_errf(err, MPF_ERR_PROTO, "refusing the file name '%s'", bpath);
			return NULL;
		}
		if (!part[l])
			break;
		part += l + 1;
	}
	return mpf_xasprintf("%s/files/%s", root, p);
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* rm -r: a backup that did not complete leaves nothing behind. */
static void remove_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The USB serial number of the device behind the record's port as the
 * OS sees it now (a record may be older than the last replug), else the
 * record's (a port over the network); "" for none. */
static void usb_serial(const struct mpf_record *rec, char *out, size_t cap)
{
	const char *port = mpf_rec_str(rec, "serial"), *r = mpf_rec_str(rec, "usb_serial");
	char loc[64];

	if (!port || strstr(port, "://") ||
	    !mpf_tty_usb_identity(getenv("MPF_TEST_SYSFS"), port, out, cap, loc, sizeof(loc)))
		snprintf(out, cap, "%s", r ? r : "");
}

/* The folder of this board's backup under DIR: the USB serial number
 * (it survives a flash), else the port's name; [A-Za-z0-9._-] only. */
static char *board_key(const struct mpf_record *rec)
{
	char usb[128];
	const char *k = usb;
	char *s, *c;

	usb_serial(rec, usb, sizeof(usb));
	if (!*k)
		k = mpf_rec_str(rec, "serial");
	if (!strncmp(k, "/dev/", 5))
		k += 5;
	s = mpf_xstrdup(k);
	for (c = s; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *c) ||
		    (c == s && *c == '.'))
			*c = '_';
	return s;
}

/* ---- backup ---- */

/* The lines of one _mpf_rd: data appended to data, "E <check>" ends the
 * file (*board gets the check). */
static int take_lines(struct sess *s, struct mpf_buf *data, char *board, size_t cap, int *done)
{
	const char *p = s->out.buf ? s->out.buf : "", *end = p + s->out.len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)((nl ? nl : end) - p);
		int x = 0;

		if (l && p[l - 1] == '\r')
			l--;
		if (l > 2 && !strncmp(p, "E ", 2)) {
			snprintf(board, cap, "%.*s", (int)(l - 2), p + 2);
			*done = 1;
		} else if (s->b64) {
			x = mpf_b64_decode(p, l, data);
		} else if (mpf_pylit_decode(p, l, data) != (long)l) {
			x = MPF_ERR_PROTO;
		}
		if (x < 0)
			return mpf_repl_bad_reply(&s->err, "unreadable file data", p, l);
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* Copy the board's file to dst (created, never replaced), chunk by
 * chunk; the board's check of what it read in *board. */
static int fetch_file(struct sess *s, const struct mpf_fs_entry *e, const char *dst,
		      char *board, size_t cap)
{
	struct mpf_buf data = MPF_BUF_INIT;
	char call[32];
	size_t n, wr_n;
	int k, x, fd, done = 0;

	chunk_sizes(s, &n, &k, &wr_n);
	snprintf(call, sizeof(call), "_mpf_rd(%d,%zu)", k, n);
	fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return mpf_errf(&s->err, MPF_ERR_IO, "cannot create '%s': %s", dst, strerror(errno));
	x = run(s, call_path(s, "_mpf_ro", e->path, e->plen));
	while (x >= 0 && !done) {
		x = run(s, call);
		if (x >= 0)
			x = take_lines(s, &data, board, cap, &done);
		if (x >= 0 && mpf_write_all(fd, data.buf, data.len) < 0)
			x = mpf_errf(&s->err, MPF_ERR_IO, "cannot write '%s': %s", dst, strerror(errno));
		mpf_buf_reset(&data);
	}
	if (x >= 0 && fsync(fd) < 0)
		x = mpf_errf(&s->err, MPF_ERR_IO, "cannot write '%s': %s", dst, strerror(errno));
	close(fd);
	mpf_buf_release(&data);
	return x;
}

/* One entry into root/files and the manifest: a file is checked as the
 * board read it against the copy as it is on disk. */
static int backup_entry(struct sess *s, const struct mpf_fs_entry *e, const char *root,
			json_t *list)
{
	char *dp = disk_path(root, e->path, &s->err), board[80] = "";
	struct check c;
	long long size;
	json_t *j;
	int x;

	if (!dp)
		return MPF_ERR_PROTO;
	x = mpf_mkdir_parents(dp, &s->err);
	if (x >= 0 && e->dir && mkdir(dp, 0777) < 0 && errno != EEXIST)
		x = mpf_errf(&s->err, MPF_ERR_IO, "cannot create '%s': %s", dp, strerror(errno));
	if (x >= 0 && !e->dir)
		x = fetch_file(s, e, dp, board, sizeof(board));
	if (x >= 0 && !e->dir)
		x = check_file(dp, &c, &size, &s->err);
	if (x >= 0 && !e->dir && strcmp(board, board_check(s, &c)))
		x = mpf_errf(&s->err, MPF_ERR_MISMATCH, "'%s': the board's %s is %s, the copy's %s",
			     e->path, check_name(s), board, board_check(s, &c));
	if (x >= 0) {
		j = json_pack("{s:s%,s:s}", "path", e->path, e->plen, "type", e->dir ? "dir" : "file");
		if (!j)
			x = mpf_errf(&s->err, MPF_ERR_PROTO, "file name not UTF-8: '%s'", e->path);
		else if (!e->dir)
			json_object_update_new(j, json_pack("{s:I,s:s,s:s}", "size", size, "sha256",
							    c.sha_hex, "adler32", c.adler_hex));
		json_array_append_new(list, j);
		s->files += !e->dir;
		s->bytes += e->dir ? 0 : size;
	}
	free(dp);
	return x;
}

/* What the board backed up is known by, for restore to compare: its
 * unique_id and USB serial number, and what its record says of it
 * (mpf(7), RECORDS). */
static json_t *identity_json(const struct sess *s, const struct mpf_record *rec)
{
	static const char *const fields[] = { "vid", "pid", "board", "board_id", "variant", "port",
					      "version", NULL };
	const char *const *f;
	json_t *j = json_object();

	if (s->uid[0])
		json_object_set_new(j, "unique_id", json_string(s->uid));
	if (s->usb[0])
		json_object_set_new(j, "usb_serial", json_string(s->usb));
	for (f = fields; *f; f++)
		if (mpf_rec_get(rec, *f))
			json_object_set_new(j, *f, json_deep_copy(mpf_rec_get(rec, *f)));
	return j;
}

static json_t *utc_now(void)
{
	char b[32];
	time_t t = time(NULL);
	struct tm tm;

	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	return json_string(b);
}

static int write_manifest(struct sess *s, const struct mpf_record *rec, const char *root,
			  json_t *list)
{
	json_t *m = json_pack("{s:s,s:s,s:o,s:o,s:s,s:s,s:o}", "format", "mpf-fs 1", "serial",
			      s->port, "time", utc_now(), "identity", identity_json(s, rec),
			      "layout", s->tree ? "tree" : "flat", "check", check_name(s),
			      "entries", json_incref(list));
	char *text = json_dumps(m, JSON_INDENT(1)), *path = mpf_xasprintf("%s/" MANIFEST, root);
	int x = mpf_write_file(path, text, strlen(text), &s->err);

	free(path);
	free(text);
	json_decref(m);
	return x;
}

/* "'PATH': " before a message that does not name the file yet. */
static void name_file(struct mpf_buf *err, const char *path)
{
	char *m = mpf_buf_detach(err);

	mpf_buf_addf(err, "'%s': %s", path, m);
	free(m);
}

/* Every entry into DIR/.KEY.partial, the manifest last, then renamed to
 * DIR/KEY: a backup that stopped part way is removed, never claimed. */
static int backup(struct sess *s, struct mpf_record *rec, const char *final)
{
	char *tmp = mpf_xasprintf("%s/.%s.partial", fs_dir, strrchr(final, '/') + 1);
	struct mpf_fs_entry *e = NULL;
	json_t *list = json_array();
	size_t n = 0, i;
	int x = list_board(s, &e, &n);

	remove_tree(tmp);
	if (x >= 0 && mkdir(tmp, 0777) < 0)
		x = mpf_errf(&s->err, MPF_ERR_IO, "cannot create '%s': %s", tmp, strerror(errno));
	for (i = 0; x >= 0 && i < n; i++)
		if ((x = backup_entry(s, &e[i], tmp, list)) < 0 && !strstr(s->err.buf, e[i].path))
			name_file(&s->err, e[i].path);
	if (x >= 0)
		x = write_manifest(s, rec, tmp, list);
	if (x >= 0 && rename(tmp, final) < 0)
		x = mpf_errf(&s->err, MPF_ERR_IO, "cannot rename '%s': %s", tmp, strerror(errno));
	if (x < 0)
		remove_tree(tmp);
	else
		mpf_fsync_dir(final);
	mpf_fs_entries_free(e, n);
	json_decref(list);
	free(tmp);
	return x;
}

/* ---- restore ---- */

/* Where a backup was found: the one the record names, DIR itself, DIR/KEY. */
enum via { VIA_RECORD, VIA_DIR, VIA_KEY };

/* The manifest of a backup, its root, and each file's checks on disk. */
struct plan {
	char *root;
	enum via via;
	json_t *man, *entries;
	struct check *c;
	long long bytes;
};

static void plan_release(struct plan *p)
{
	free(p->root);
	free(p->c);
	json_decref(p->man);
}

static int has_manifest(const char *dir)
{
	char *m = mpf_xasprintf("%s/" MANIFEST, dir);
	int r = access(m, F_OK) == 0;

	free(m);
	return r;
}

/* Where this board's backup is: the one its record names (mpf-fs backup
 * upstream), DIR itself, or DIR/KEY (*via says which). NULL when there is
 * none. */
static char *find_backup(const struct mpf_record *rec, enum via *via)
{
	const char *named = mpf_rec_str(rec, "backup.dir");
	char *key, *d;

	*via = named && has_manifest(named) ? VIA_RECORD : has_manifest(fs_dir) ? VIA_DIR : VIA_KEY;
	if (*via != VIA_KEY)
		return mpf_xstrdup(*via == VIA_RECORD ? named : fs_dir);
	key = board_key(rec);
	d = mpf_xasprintf("%s/%s", fs_dir, key);
	free(key);
	if (has_manifest(d))
		return d;
	free(d);
	return NULL;
}

static const char *entry_str(json_t *e, const char *k)
{
	return json_string_value(json_object_get(e, k));
}

/* Load the manifest and check every file of the backup on disk against
 * it, before the board is touched: a damaged backup writes nothing. */
static int plan_load(struct plan *p, struct mpf_buf *err)
{
	struct mpf_buf text = MPF_BUF_INIT;
	char *m = mpf_xasprintf("%s/" MANIFEST, p->root);
	size_t i;
	json_t *e;
	int x = mpf_load_file(m, MANIFEST_MAX, &text, err);

	if (x >= 0)
		p->man = json_loadb(text.buf, text.len, 0, NULL);
	p->entries = json_object_get(p->man, "entries");
	if (x >= 0 && (!json_is_array(p->entries) || !entry_str(p->man, "layout")))
		x = mpf_errf(err, MPF_ERR_FORMAT, "'%s' is not an mpf-fs manifest", m);
	if (x >= 0)
		p->c = mpf_xcalloc(json_array_size(p->entries) + 1, sizeof(*p->c));
	json_array_foreach(x >= 0 ? p->entries : NULL, i, e) {
		const char *path = entry_str(e, "path"), *sha = entry_str(e, "sha256");
		char *dp = path ? disk_path(p->root, path, err) : NULL;
		long long size = -1;

		if (!dp)
			x = mpf_errf(err, MPF_ERR_FORMAT, "'%s': an entry without a usable path", m);
		else if (sha && (x = check_file(dp, &p->c[i], &size, err)) >= 0 &&
			 (strcmp(sha, p->c[i].sha_hex) ||
			  size != json_integer_value(json_object_get(e, "size"))))
			x = mpf_errf(err, MPF_ERR_MISMATCH, "'%s' differs from its manifest", dp);
		p->bytes += size > 0 ? size : 0;
		free(dp);
		if (x < 0)
			break;
	}
	free(m);
	mpf_buf_release(&text);
	return x;
}

/* Write one file in calls of wr_n bytes, then have the board read it
 * back: its size and check must be the backup's. */
static int put_file(struct sess *s, const char *path, const char *dp, const struct check *c)
{
	char buf[6144], sum[80] = "";
	size_t rd_n, wr_n;
	long long size = 0, got = -1;
	ssize_t n = 0;
	int k, x, fd = open(dp, O_RDONLY | O_CLOEXEC);

	chunk_sizes(s, &rd_n, &k, &wr_n);
	if (fd < 0)
		return mpf_errf(&s->err, MPF_ERR_IO, "cannot read '%s': %s", dp, strerror(errno));
	x = run(s, call_path(s, "_mpf_wo", path, strlen(path)));
	while (x >= 0 && (n = read(fd, buf, wr_n)) > 0) {
		mpf_buf_reset(&s->code);
		mpf_buf_addstr(&s->code, s->b64 ? "_mpf_wa('" : "_mpf_w(");
		(s->b64 ? mpf_b64_encode : mpf_pylit_encode)(buf, (size_t)n, &s->code);
		mpf_buf_addf(&s->code, "%s,%zd)", s->b64 ? "'" : "", n);
		x = run(s, s->code.buf);
		size += n;
	}
	close(fd);
	if (x >= 0 && n < 0)
		x = mpf_errf(&s->err, MPF_ERR_IO, "cannot read '%s': %s", dp, strerror(errno));
	if (x >= 0)
		x = run(s, "_mpf_wc()");
	if (x >= 0)
		x = run(s, call_path(s, "_mpf_sum", path, strlen(path)));
	if (x >= 0 && (sscanf(mpf_buf_str(&s->out), "S %lld %79s", &got, sum) != 2 ||
		       got != size || strcmp(sum, board_check(s, c))))
		x = mpf_errf(&s->err, MPF_ERR_MISMATCH,
			     "'%s' read back from the board: %lld bytes, %s %s; the backup's: "
			     "%lld bytes, %s %s", path, got, check_name(s), sum, size,
			     check_name(s), board_check(s, c));
	return x;
}

static int is_dir(json_t *e)
{
	const char *t = entry_str(e, "type");

	return t && !strcmp(t, "dir");
}

/* Is the board in hand the one backed up? Its unique_id, else its USB
 * serial number, where the backup and the board both have it: a board
 * that differs is refused before anything is written, unless --any-board.
 * Where neither can be compared, a backup found for this board (its
 * record's, DIR/KEY) goes on with a warning, and DIR itself only when
 * it goes to one board. s->ident says what was compared. */
static int check_identity(struct sess *s, const struct plan *p)
{
	static const char *const kinds[] = { "unique_id", "usb_serial" };
	const char *mine[] = { s->uid, s->usb }, *theirs;
	json_t *id = json_object_get(p->man, "identity");
	int i, same;

	for (i = 0; i < 2; i++) {
		theirs = json_string_value(json_object_get(id, kinds[i]));
		if (!theirs || !*theirs || !*mine[i])
			continue;
		same = !strcmp(theirs, mine[i]);
		s->ident = json_pack("{s:s,s:s,s:s,s:b}", "checked", kinds[i], "board", mine[i],
				     "backup", theirs, "same", same);
		if (!same && !o_any_board)
			return mpf_errf(&s->err, MPF_ERR_MISMATCH, "not the board backed up: its %s "
					"is %s, the backup's is %s; nothing written (--any-board "
					"restores it all the same)", kinds[i], mine[i], theirs);
		if (!same)
			mpf_warn("%s: --any-board: restoring a backup of another board (its %s is %s, "
				 "the backup's is %s)", s->port, kinds[i], mine[i], theirs);
		return 0;
	}
	s->ident = json_pack("{s:s}", "checked", "none");
	if (p->via == VIA_DIR && fs_nboards > 1 && !o_any_board)
		return mpf_errf(&s->err, MPF_ERR_ARG, "cannot tell which of the %zu boards is the "
				"one backed up (no unique_id or USB serial number known on both "
				"sides): name its port, or say --any-board to restore it onto each",
				fs_nboards);
	mpf_warn("%s: could not check that this is the board backed up in '%s': no unique_id or "
		 "USB serial number known on both sides", s->port, p->root);
	return 0;
}

static int restore(struct sess *s, const struct plan *p)
{
	const char *layout = entry_str(p->man, "layout");
	size_t i;
	json_t *e;
	int x = 0;

	if (strcmp(layout, s->tree ? "tree" : "flat"))
		return mpf_errf(&s->err, MPF_ERR_MISMATCH, "the backup is of a %s file system, the "
				"board's is a %s", layout, s->tree ? "tree" : "flat");
	json_array_foreach(p->entries, i, e) {
		const char *path = entry_str(e, "path");
		char *dp = disk_path(p->root, path, &s->err);

		if (!dp)
			x = MPF_ERR_FORMAT;
		else if (is_dir(e))
			x = run(s, call_path(s, "_mpf_md", path, strlen(path)));
		else
			x = put_file(s, path, dp, &p->c[i]);
		s->files += x >= 0 && !is_dir(e);
		free(dp);
		if (x < 0)
			break;
	}
	s->bytes = p->bytes;
	return x;
}

/* ---- ls and format ---- */

static json_t *entries_json(const struct mpf_fs_entry *e, size_t n, long long *files,
			    long long *bytes)
{
	json_t *a = json_array(), *j;
	size_t i;

	for (i = 0; i < n; i++) {
		j = e[i].dir ? json_pack("{s:s%,s:b}", "path", e[i].path, e[i].plen, "dir", 1) :
			json_pack("{s:s%,s:I}", "path", e[i].path, e[i].plen, "size", e[i].size);
		if (j)		/* a name that is not UTF-8 cannot be JSON */
			json_array_append_new(a, j);
		*files += !e[i].dir;
		*bytes += e[i].dir ? 0 : e[i].size;
	}
	return a;
}

static int ls(struct sess *s, struct mpf_record *rec)
{
	struct mpf_fs_entry *e;
	size_t n;
	json_t *a;
	int x = list_board(s, &e, &n);

	if (x < 0)
		return x;
	a = entries_json(e, n, &s->files, &s->bytes);
	mpf_rec_set(rec, "fs", json_pack("{s:s,s:s,s:I,s:I,s:o}", "layout", s->tree ? "tree" : "flat",
					 "check", check_name(s), "files", s->files, "bytes",
					 s->bytes, "entries", a));
	mpf_fs_entries_free(e, n);
	return 0;
}

/* The entries format is to remove: every one under mount m (all of them
 * for "/"), or with no m every one but the mount points, the directories
 * at the top of a tree (removing one would only unmount it). */
static size_t to_remove(const struct mpf_fs_entry *e, size_t n, const char *m)
{
	size_t i, k = 0, ml = m ? strlen(m) : 0;

	for (i = 0; i < n; i++)
		if (!m)
			k += !e[i].dir || strchr(e[i].path + 1, '/');
		else
			k += ml == 1 || (!strncmp(e[i].path, m, ml) && e[i].path[ml] == '/');
	return k;
}

static int count_entries(struct sess *s, const char *m, size_t *k)
{
	struct mpf_fs_entry *e;
	size_t n;
	int x = list_board(s, &e, &n);

	if (x >= 0) {
		*k = to_remove(e, n, m);
		mpf_fs_entries_free(e, n);
	}
	return x;
}

/* The table's block device on the board: 1, or 0 when the board lacks
 * it (an error before anything changed: format then removes every
 * file), or an error. */
static int find_bdev(struct sess *s, const struct mpf_fs_mkfs *p)
{
	int x;

	mpf_buf_reset(&s->code);
	mpf_buf_addf(&s->code, "_mpf_bd=%s", p->bdev);
	x = run(s, s->code.buf);
	if (x != MPF_ERR_FAIL)
		return x < 0 ? x : 1;
	mpf_debug("%s: no block device for a fresh file system (%s): removing every file",
		  s->port, mpf_buf_str(&s->err));
	return 0;
}

/* Which way: 1 a fresh file system where the port's table (or the
 * board's flashbdev module) gives its block device, 0 every file
 * removed, or an error. */
static int format_how(struct sess *s, struct mpf_fs_mkfs *p)
{
	int x = run(s, mpf_fs_format_script);

	memset(p, 0, sizeof(*p));
	if (x >= 0 && s->tree)
		x = run(s, mpf_fs_mkfs_script);
	if (x >= 0 && s->tree && (x = run(s, "_mpf_mnt()")) >= 0 &&
	    mpf_fs_mkfs_plan(mpf_buf_str(&s->out), p))
		x = find_bdev(s, p);
	return x;
}

/* Recreate the file system, or remove every file, then list again:
 * "format" is claimed only when nothing is left of it. */
static int format(struct sess *s, struct mpf_record *rec)
{
	struct mpf_fs_mkfs p;
	size_t before = 0, after = 0;
	int mk = format_how(s, &p), x = mk;
	const char *m = mk > 0 ? p.mount : NULL;

	if (x >= 0)
		x = count_entries(s, m, &before);
	if (mk > 0) {
		mpf_buf_reset(&s->code);
		mpf_buf_addf(&s->code, "_mpf_mkfs('%s',_mpf_bd,'%s',{%s})", p.mount, p.fs, p.args);
	}
	if (x >= 0)
		x = run(s, mk > 0 ? s->code.buf : "_mpf_fmt()");
	if (x >= 0)
		x = count_entries(s, m, &after);
	if (x >= 0 && after)
		x = mpf_errf(&s->err, MPF_ERR_MISMATCH, "%zu entries are left after %s", after,
			     m ? "making a fresh file system" : "removing them");
	if (x >= 0)
		mpf_rec_set(rec, "format", json_pack("{s:s,s:s?,s:s?,s:I}", "how",
			    m ? "mkfs" : "files-deleted", "fs", m ? p.fs : p.seen[0] ?
			    p.seen : s->tree ? NULL : "flat", "mount", m, "removed", (json_int_t)before));
	return x;
}

/* ---- one board ---- */

static const char *err_code(int x)
{
	return x == MPF_ERR_FAIL ? "script" : mpf_err_name(x);
}

static void claim(struct sess *s, struct mpf_record *rec, const char *what, const char *dir,
		  int64_t t0)
{
	mpf_rec_set(rec, what, json_pack("{s:s,s:I,s:I,s:s,s:f}", "dir", dir, "files", s->files,
					 "bytes", s->bytes, "check", check_name(s), "seconds",
					 (double)(mpf_now_ms() - t0) / 1000.0));
}

/* The unique_id a backup's manifest records, or NULL; *man holds it. */
static const char *manifest_uid(const char *dir, json_t **man)
{
	struct mpf_buf text = MPF_BUF_INIT, err = MPF_BUF_INIT;
	char *m = mpf_xasprintf("%s/" MANIFEST, dir);

	*man = NULL;
	if (mpf_load_file(m, MANIFEST_MAX, &text, &err) >= 0)
		*man = json_loadb(text.buf, text.len, 0, NULL);
	free(m);
	mpf_buf_release(&text);
	mpf_buf_release(&err);
	return json_string_value(json_object_get(json_object_get(*man, "identity"), "unique_id"));
}

/* The one backup in DIR of the board with this unique_id: a board keyed
 * by its port's name that sits on another port now. NULL when there is
 * none, or more than one (which is meant is then unknown). */
static char *find_by_uid(const char *uid)
{
	DIR *d = opendir(fs_dir);
	struct dirent *e;
	char *found = NULL, *dir;
	const char *u;
	json_t *man;
	int n = 0;

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;	/* ".", "..", a backup under way */
		dir = mpf_xasprintf("%s/%s", fs_dir, e->d_name);
		u = manifest_uid(dir, &man);
		if (u && !strcmp(u, uid) && ++n == 1)
			found = mpf_xstrdup(dir);
		json_decref(man);
		free(dir);
	}
	if (d)
		closedir(d);
	if (n > 1)
		mpf_warn("%s holds %d backups of the board %s: name the one to restore", fs_dir, n, uid);
	if (n == 1)
		return found;
	free(found);
	return NULL;
}

/* Restore after the identity check; where DIR/KEY holds another board's
 * backup, or a port named has none there, this board's own backup in DIR
 * (by its unique_id), when it has one, instead. */
static int restore_checked(struct sess *s, struct plan *p)
{
	int x = p->root ? check_identity(s, p) : 0;
	char *own = NULL;

	if (s->uid[0] && (!p->root || (p->via == VIA_KEY &&
				       json_is_false(json_object_get(s->ident, "same")))))
		own = find_by_uid(s->uid);
	if (!p->root && !own)
		return mpf_errf(&s->err, MPF_ERR_ARG, "no backup for this board in '%s' (by its "
				"port's name, USB serial number or unique_id%s%s)", fs_dir,
				s->uid[0] ? " " : "", s->uid);
	if (own) {
		mpf_info("%s: this board's backup, by its unique_id: %s%s%s", s->port, own,
			 p->root ? "; another board's is in " : "", p->root ? p->root : "");
		plan_release(p);
		memset(p, 0, sizeof(*p));
		p->root = own;
		p->via = VIA_KEY;
		json_decref(s->ident);
		s->ident = NULL;
		mpf_buf_reset(&s->err);
		if ((x = plan_load(p, &s->err)) >= 0)
			x = check_identity(s, p);
	}
	return x < 0 ? x : restore(s, p);
}

static int session(struct mpf_transport *t, struct mpf_record *rec, const char *port,
		   struct plan *p, const char *final)
{
	struct sess s;
	int64_t t0 = mpf_now_ms();
	int x = sess_open(&s, t, port);

	if (x >= 0 && (fs_op == FS_BACKUP || fs_op == FS_RESTORE)) {
		usb_serial(rec, s.usb, sizeof(s.usb));
		x = read_uid(&s);
	}
	if (x >= 0 && fs_op == FS_LS)
		x = ls(&s, rec);
	else if (x >= 0 && fs_op == FS_FORMAT)
		x = format(&s, rec);
	else if (x >= 0 && fs_op == FS_BACKUP && (x = backup(&s, rec, final)) >= 0)
		claim(&s, rec, "backup", final, t0);
	else if (x >= 0 && fs_op == FS_RESTORE && (x = restore_checked(&s, p)) >= 0) {
		claim(&s, rec, "restore", p->root, t0);
		json_object_set(mpf_rec_get(rec, "restore"), "identity", s.ident);
	}
	if (x < 0)
		mpf_rec_set_error(rec, err_code(x), "%s: %s%s%s", port, mpf_buf_str(&s.err),
				  fs_op == FS_RESTORE && p->root ? "; the backup is kept in " : "",
				  fs_op == FS_RESTORE && p->root ? p->root : "");
	sess_close(&s, x < 0);
	return x;
}

/* What must hold before the port is opened: a backup not there yet (one
 * is never replaced), a restore's backup found whole. */
static int prepare(struct mpf_record *rec, struct plan *p, char **final, int named)
{
	struct mpf_buf err = MPF_BUF_INIT;
	char *key;
	int x = 0;

	if (fs_op == FS_BACKUP) {
		key = board_key(rec);
		*final = mpf_xasprintf("%s/%s", fs_dir, key);
		free(key);
		if (access(*final, F_OK) == 0)
			x = mpf_errf(&err, MPF_ERR_ARG, "'%s' exists: back up into another DIR",
				     *final);
		else
			x = mpf_mkdir_parents(*final, &err);
	} else if (fs_op == FS_RESTORE) {
		p->root = find_backup(rec, &p->via);
		if (p->root)
			x = plan_load(p, &err);
		else if (!named)	/* a port named: its unique_id may find one */
			x = mpf_errf(&err, MPF_ERR_ARG, "no backup for this board in '%s'", fs_dir);
	}
	if (x < 0)
		mpf_rec_set_error(rec, mpf_err_name(x), "%s: %s", mpf_rec_str(rec, "serial"),
				  mpf_buf_str(&err));
	mpf_buf_release(&err);
	return x;
}

static int fs_run(struct mpf_record *rec, void *ctx)
{
	const char *port = mpf_rec_str(rec, "serial");
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_transport *t;
	struct plan p = { 0 };
	char *final = NULL;
	int x = prepare(rec, &p, &final, ctx != NULL);

	if (x >= 0 && (x = mpf_transport_open(port, o_baud, &t, &err)) < 0)
		mpf_rec_set_error(rec, mpf_err_name(x), "%s", err.buf);
	if (x >= 0) {
		mpf_tr_set_lines(t, 1, 1);	/* as mpf-info: run, never reset */
		x = session(t, rec, port, &p, final);
		mpf_tr_close(t);
	}
	plan_release(&p);
	free(final);
	mpf_buf_release(&err);
	return x < 0 ? x : 0;
}

/* Serial ports; a restore over records takes only those with a backup
 * (mpf-update restores the boards it backed up and passes the rest on),
 * a restore of ports named on the command line every one. */
static int fs_wants(const struct mpf_record *rec, void *ctx)
{
	const char *kind = mpf_rec_str(rec, "kind");
	enum via via;
	char *found;

	if (!mpf_rec_str(rec, "serial") || (kind && strcmp(kind, "serial")))
		return 0;
	if (fs_op != FS_RESTORE || ctx)
		return 1;
	found = find_backup(rec, &via);
	free(found);
	return found != NULL;
}

/* ---- table and commands ---- */

/* The first of fields the record has, as a number. */
static const char *first_int(const struct mpf_record *r, const char *const *fields,
			     struct mpf_buf *out)
{
	for (; *fields; fields++)
		if (mpf_rec_get(r, *fields)) {
			mpf_buf_addf(out, "%lld", mpf_rec_int(r, *fields, 0));
			return out->buf;
		}
	return NULL;
}

static const char *count_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	static const char *const fields[] = { "backup.files", "restore.files", "fs.files",
					      "format.removed", NULL };

	return first_int(r, fields, out);
}

static const char *bytes_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	static const char *const fields[] = { "backup.bytes", "restore.bytes", "fs.bytes", NULL };

	return first_int(r, fields, out);
}

static const char *dir_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	const char *d = mpf_rec_str(r, "backup.dir");

	return d ? d : mpf_rec_str(r, "restore.dir");
}

static const struct mpf_column columns[] = {
	{ "Serial", "serial", NULL, 0 },
	{ "Files", NULL, count_cell, 0 },
	{ "Bytes", NULL, bytes_cell, 0 },
	{ "Check", "backup.check", NULL, 1 },
	{ "Backup", NULL, dir_cell, 1 },
	{ NULL, NULL, NULL, 0 },
};

/* Restore from DIR itself over records: all of them read first, so the
 * boards the backup would go to are counted before any is written. */
static int filter_counted(const struct mpf_filter *f)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_record *recs = NULL;
	struct mpf_jsonl p;
	char buf[65536];
	size_t n = 0;
	ssize_t k;
	int r, st = 0;

	mpf_jsonl_init(&p, "stdin");
	while ((k = read(STDIN_FILENO, buf, sizeof(buf))) != 0)
		if (k > 0)
			mpf_jsonl_feed(&p, buf, (size_t)k);
		else if (errno != EINTR)
			mpf_die(MPF_EXIT_IOERR, "cannot read stdin: %s", strerror(errno));
	mpf_jsonl_finish(&p);
	recs = mpf_xrealloc(recs, sizeof(*recs));
	while ((r = mpf_jsonl_next(&p, &recs[n], &err)) != 0) {
		if (r < 0) {
			mpf_error("%s", err.buf);
			mpf_buf_reset(&err);
			st = MPF_EXIT_FAIL;
			continue;
		}
		fs_nboards += fs_wants(&recs[n], NULL);
		recs = mpf_xrealloc(recs, (++n + 1) * sizeof(*recs));
	}
	mpf_jsonl_release(&p);
	mpf_buf_release(&err);
	r = mpf_filter_list(f, recs, n);
	free(recs);
	return r ? r : st;
}

/* The boards: the ports named (their USB identity from the OS), else
 * records on stdin. */
static int fs_boards(int argc, char **argv)
{
	struct mpf_filter f = { .wants = fs_wants, .run = fs_run, .columns = columns };
	struct mpf_record *recs;
	int i;

	if (!argc) {
		if (isatty(STDIN_FILENO))
			mpf_usage_error("name the boards' ports, or pipe records (mpf-scan | mpf-fs ...)");
		if (fs_op == FS_RESTORE && has_manifest(fs_dir))
			return filter_counted(&f);
		return mpf_filter_fd(&f, STDIN_FILENO, "stdin");
	}
	fs_nboards = (size_t)argc;
	f.ctx = recs = mpf_xcalloc((size_t)argc, sizeof(*recs));
	for (i = 0; i < argc; i++)
		mpf_scan_port(argv[i], &recs[i]);
	i = mpf_filter_list(&f, recs, (size_t)argc);
	free(recs);
	return i;
}

static int cmd_ls(int argc, char **argv)
{
	fs_op = FS_LS;
	return fs_boards(argc, argv);
}

static int cmd_format(int argc, char **argv)
{
	if (!o_yes)
		mpf_usage_error("format loses every file on the board: say --yes");
	fs_op = FS_FORMAT;
	return fs_boards(argc, argv);
}

static int cmd_backup(int argc, char **argv)
{
	fs_op = FS_BACKUP;
	fs_dir = argv[0];
	return fs_boards(argc - 1, argv + 1);
}

static int cmd_restore(int argc, char **argv)
{
	fs_op = FS_RESTORE;
	fs_dir = argv[0];
	return fs_boards(argc - 1, argv + 1);
}

static int fs_main(int argc, char **argv)
{
	mpf_usage_error("say what to do: backup, restore, ls or format");
}

static const struct mpf_subcmd fs_subcmds[] = {
	SUBCMD("backup", "DIR [PORT...]", 1, -1, cmd_backup,
	       "copy every file and directory of each board into DIR/KEY, checked, with a manifest"),
	SUBCMD("restore", "DIR [PORT...]", 1, -1, cmd_restore,
	       "write a backup back to each board, then check every file as the board reads it"),
	SUBCMD("ls", "[PORT...]", 0, -1, cmd_ls, "list every file and directory of each board"),
	SUBCMD("format", "[PORT...]", 0, -1, cmd_format,
	       "make each board's file system afresh, or remove every file (needs --yes)"),
	SUBCMD_END(),
};

const struct mpf_applet fs_applet = {
	.name = "fs",
	.summary = "back up, restore, list and empty MicroPython boards' file systems over the raw REPL",
	.usage = "mpf-scan | mpf-fs [options] backup DIR",
	.description =
		"mpf-fs works on the files a MicroPython board keeps on its own file systems "
		"(main.py, libraries, data), through the raw REPL, as mpf-info does: Ctrl-C "
		"twice, Ctrl-A, short code (raw-paste mode where the board offers it), Ctrl-B "
		"leaves the board at its friendly REPL, never reset. Every file system mounted "
		"under / is walked (not /rom, MicroPython's read-only ROM file system); the "
		"micro:bit's flat file system (MicroPython 1.9) too.\n"
		"\n"
		"backup copies every file and directory into DIR/KEY, where KEY is the board's "
		"USB serial number as the OS reports it now (it survives a flash), else its "
		"port's name. Files are read "
		"in chunks (the board never holds a whole file), and each is checked twice: the "
		"board computes a check of what it read, mpf computes the same over the copy "
		"as it is on disk, and they must agree. The check is SHA-256 where the board "
		"has hashlib.sha256; elsewhere (the micro:bit has no hashlib) it is Adler-32 "
		"(RFC 1950) computed in Python on the board, and the record says which "
		"(backup.check). The manifest DIR/KEY/manifest.json lists every entry with "
		"its size, SHA-256 and Adler-32 as on disk; it is written last and the folder "
		"takes its name only then, so a backup that stopped part way (a board that "
		"reset, a port that went away) leaves nothing and claims nothing. An existing "
		"DIR/KEY is never replaced. The manifest also says when (time, UTC) and which "
		"board: identity {unique_id: machine.unique_id() read on the board, in hex "
		"(none where the board lacks it, as MicroPython on QEMU's mps2-an385); "
		"usb_serial; and vid, pid, board, board_id, variant, port and version as the "
		"record has them}. The record gains backup {dir, files, bytes, check, "
		"seconds}.\n"
		"\n"
		"restore takes the backup a record names (backup.dir, from mpf-fs backup "
		"upstream), else DIR when it holds a manifest, else DIR/KEY. Every file of the "
		"backup is first checked on disk against its manifest (a damaged backup writes "
		"nothing). Then the board is checked to be the one backed up: its unique_id, "
		"read on it, where the board and the manifest both have one, else its USB "
		"serial number (as the OS reports it now, not as an older record says). A board "
		"that differs is refused before anything is written, with an error naming both "
		"(code mismatch), unless DIR/KEY held it and DIR holds one backup whose "
		"manifest records this board's unique_id (a board keyed by a port name that "
		"sits on another port now): that one is restored instead, as it is for a port "
		"named that has no DIR/KEY. --any-board writes the backup there all the same. "
		"Where "
		"neither can be compared (a backup made before mpf-fs recorded identities, a "
		"board with neither), the restore goes on with a warning, except DIR itself "
		"given to several boards (ports named, or records on stdin, all read first), "
		"which is refused for each unless --any-board. Then directories are made, "
		"files written in chunks and each read "
		"back by the board: its size and check must be the backup's. Files the backup "
		"does not hold are left alone. The record gains restore {dir, files, bytes, "
		"check, seconds, identity {checked: \"unique_id\", \"usb_serial\" or \"none\", "
		"board, backup, same}}; a failed restore's error names the backup, which is "
		"kept.\n"
		"\n"
		"ls adds fs {layout, check, files, bytes, entries}.\n"
		"\n"
		"format (only with --yes) makes the board's flash file system afresh, as its "
		"port's boot does on a blank flash: the block device from the port's module "
		"(rp2.Flash(), esp32's vfs partition, esp8266's flashbdev, pyb.Flash() for FAT "
		"and pyb.Flash(start=0) for littlefs on a pyboard, samd.Flash(), mimxrt.Flash(), "
		"nrf.Flash(), renesas.Flash()), or on any other board the block device a "
		"flashbdev module exposes; the class of the file system mounted there (FAT or "
		"littlefs, with the port's littlefs arguments; the port's own where its boot "
		"mounts nothing else); unmounted, mkfs, mounted again where it was. Other file "
		"systems (an SD card) are left alone. Where no block device is known (the "
		"micro:bit's flat file system, a board without such a module) every file and "
		"directory is removed instead (mount points stay). Either way the board is "
		"listed again and the record gains format {how: \"mkfs\" or \"files-deleted\", "
		"fs, mount, removed} only when nothing is left.\n"
		"\n"
		"Boards are the ports named after the command, or serial records on stdin "
		"(others pass through), all at once (-j). --timeout bounds each exchange with "
		"a board (default 10 s).",
	.examples =
		"$ mpf-fs backup ~/boards /dev/ttyACM0\n"
		"Copy the board's files into ~/boards/KEY, checked, with a manifest.\n"
		"\n"
		"$ mpf-scan | mpf-info | mpf-fs backup ~/boards -o table\n"
		"Back up every board at once.\n"
		"\n"
		"$ mpf-fs restore ~/boards/e6614c311b3c8a2b /dev/ttyACM0\n"
		"Put a backup back on the board it came from.\n"
		"\n"
		"$ mpf-fs --any-board restore ~/boards/e6614c311b3c8a2b /dev/ttyACM1\n"
		"Put it on another board (a replacement).\n"
		"\n"
		"$ mpf-fs ls /dev/ttyACM0 | jq -r '.fs.entries[].path'\n"
		"Every file and directory of a board.\n"
		"\n"
		"$ mpf-fs --yes format /dev/ttyACM0\n"
		"Make a board's file system afresh (as mpflash's erase).\n"
		"\n"
		"$ mpf-update --keep-files\n"
		"Flash every board, its files backed up before and restored after.",
	.opts = fs_opts,
	.subcmds = fs_subcmds,
	.flags = MPF_APPLET_FILTER,
	.default_timeout = 10.0,
	.default_jobs = 8,
	.main = fs_main,
};
