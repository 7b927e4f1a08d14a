/* fetch.c - mpf-fetch: keep the firmware catalogue (lib/board/db.h) up to date
 * from micropython.org or a mirror, download firmware files into the
 * cache, and register local builds. */
#define _DEFAULT_SOURCE		/* realpath(3) */
#include "applet.h"
#include "catalog.h"
#include "clock.h"
#include "db.h"
#include "err.h"
#include "exitcode.h"
#include "filter.h"
#include "http.h"
#include "log.h"
#include "mirror.h"
#include "ports.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int o_update, o_list, o_force, o_retries = 3, o_custom, o_dirty;
static struct mpf_strlist o_ports, o_boards;
static const char *o_mirror, *o_add, *o_remove, *o_variant, *o_version, *o_commit;

static const struct mpf_opt fetch_opts[] = {
	OPT_BOOL('u', "update", &o_update, "refresh the catalogue from the mirror"),
	OPT_LIST_HINT('p', "port", &o_ports, "PORT", MPF_CATALOG_PORTS,
		      "with --update or --list: only this port (repeatable)"),
	OPT_LIST('b', "board", &o_boards, "BOARD",
		 "with --update or --list: only this board (repeatable); with --add: the board"),
	OPT_STRING(0, "mirror", &o_mirror, "URL",
		   "firmware site (default MPF_MIRROR, else https://micropython.org/); file:// allowed"),
	OPT_FILE(0, "add", &o_add, "FILE", "register a local or custom firmware build"),
	OPT_STRING(0, "remove", &o_remove, "FILE",
		   "unregister a build registered with --add (downloads stay)"),
	OPT_STRING(0, "variant", &o_variant, "VARIANT", "with --add: the board variant"),
	OPT_STRING(0, "version", &o_version, "X.Y.Z",
		   "with --add: the firmware version; with --list: only this version"),
	OPT_BOOL(0, "custom", &o_custom, "with --add: register as a custom build even if the name looks official"),
	OPT_STRING(0, "commit", &o_commit, "COMMIT",
		   "with --add: a build from a source tree at COMMIT (source \"build\"; '-': not a git tree)"),
	OPT_BOOL(0, "dirty", &o_dirty, "with --commit: the tree had uncommitted changes"),
	OPT_BOOL('l', "list", &o_list, "print the catalogue (filtered by --board, --port, --version)"),
	OPT_BOOL('f', "force", &o_force, "download again even when the cached file is intact"),
	OPT_INT(0, "retries", &o_retries, "N", 0, 20, "retries after network errors and 5xx replies (default 3)"),
	OPT_END(),
};

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

static void open_db(struct mpf_catalog *c)
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

/* The exit status after SIGINT or SIGTERM stopped the work, else 0. */
static int interrupted_exit(void)
{
	if (!mpf_interrupted)
		return 0;
	return mpf_interrupted == 2 ? MPF_EXIT_SIGINT : MPF_EXIT_SIGTERM;
}

/* ---- --update ---------------------------------------------------------- */

static void check_ids(const struct mpf_strlist *l, const char *what)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!mpf_mirror_valid_id(l->v[i], 1))
			mpf_usage_error("bad %s name '%s'", what, l->v[i]);
}

static int update(struct mpf_catalog *c)
{
	struct mpf_catalog_update res;
	int64_t t0 = mpf_now_ms();

	check_ids(&o_boards, "board");
	check_ids(&o_ports, "port");
	mpf_catalog_update(c, &o_ports, &o_boards, &res);
	mpf_info("%zu port%s, %zu board%s: %d requests, %d unchanged, %d changed (%d files), "
		 "%d failed, %lld ms", res.ports, res.ports == 1 ? "" : "s", res.boards,
		 res.boards == 1 ? "" : "s", c->stats.requests, res.unchanged, res.changed,
		 res.files, res.failed, (long long)(mpf_now_ms() - t0));
	if (mpf_interrupted)
		return interrupted_exit();
	if (res.failed)
		return res.failed == res.pages ? MPF_EXIT_UNAVAILABLE : MPF_EXIT_FAIL;
	return res.missing ? MPF_EXIT_FAIL : 0;
}

/* ---- downloads (the filter) -------------------------------------------- */

static int fetch_wants(const struct mpf_record *rec, void *ctx)
{
	if (!json_is_object(mpf_rec_get(rec, "firmware")))
		return 0;
	/* mpf-pick found the board already runs this firmware */
	return o_force || !mpf_rec_bool(rec, "up_to_date", 0);
}

static int fetch_run(struct mpf_record *rec, void *c)
{
	return mpf_catalog_fetch(c, rec);
}

/* ---- --add and --list -------------------------------------------------- */

static int add(struct mpf_catalog *c, struct mpf_record **recs, size_t *nrec)
{
	struct mpf_catalog_build b = { .variant = o_variant, .version = o_version,
				       .custom = o_custom, .dirty = o_dirty };
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_fw fw;
	char real[PATH_MAX];
	struct stat st;
	int r;

	if (stat(o_add, &st) || !S_ISREG(st.st_mode))
		mpf_die(MPF_EXIT_NOINPUT, "%s: %s", o_add, errno ? strerror(errno) : "not a file");
	if (!realpath(o_add, real))
		mpf_die(MPF_EXIT_NOINPUT, "%s: %s", o_add, strerror(errno));
	if (o_commit)
		b.commit = strcmp(o_commit, "-") ? o_commit : "";
	b.board = o_boards.n ? o_boards.v[0] : NULL;
	b.port = o_ports.n ? o_ports.v[0] : NULL;
	r = mpf_catalog_add(c, real, &b, &fw, &err);
	if (r == MPF_ERR_ARG)
		mpf_usage_error("%s", mpf_buf_str(&err));
	if (r)
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

/* The file need not exist any more: its row is what goes. */
static int remove_build(struct mpf_catalog *c)
{
	struct mpf_buf err = MPF_BUF_INIT;
	char real[PATH_MAX];
	const char *f = realpath(o_remove, real) ? real : o_remove;
	int r;

	if (*f != '/')
		mpf_usage_error("%s: %s (give the path it was registered as)", o_remove,
				strerror(errno));
	r = mpf_db_fw_remove(c->db, f, &err);
	if (r < 0)
		mpf_die(mpf_exit_for_err(r), "%s", mpf_buf_str(&err));
	if (r)
		mpf_info("unregistered %s", f);
	else
		mpf_info("%s was not registered", f);
	return 0;
}

/* A catalogue row's record goes out as it is read (nothing to run on it,
 * so no job and no thread); stop once stdout is gone or on a signal. */
static int emit(struct mpf_record *rec, void *ctx)
{
	return mpf_output_record(rec) < 0 || mpf_interrupted;
}

static int list(struct mpf_catalog *c, const struct mpf_column *cols)
{
	struct mpf_buf err = MPF_BUF_INIT;
	int r;

	mpf_output_begin(cols);
	r = mpf_catalog_list(c, &o_boards, &o_ports, o_version, emit, NULL, &err);
	if (r == MPF_ERR_ARG)
		mpf_usage_error("%s", mpf_buf_str(&err));
	if (r)
		mpf_die(mpf_exit_for_err(r), "%s", mpf_buf_str(&err));
	r = mpf_output_end();
	return r ? r : interrupted_exit();
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
	struct mpf_catalog c = { .lock = PTHREAD_MUTEX_INITIALIZER, .retries = o_retries };
	struct mpf_filter f = { fetch_wants, fetch_run, &c, columns };
	struct mpf_record *recs = NULL;
	size_t n = 0;
	int r;

	if (argc > 0)
		mpf_usage_error("unexpected argument '%s'", argv[0]);
	if (o_update + o_list + !!o_add + !!o_remove > 1)
		mpf_usage_error("--update, --list, --add and --remove are separate jobs: give one");
	if (!o_update && !o_list && !o_add && !o_remove && isatty(STDIN_FILENO))
		mpf_usage_error("nothing to do: give --update, --list or --add FILE, or pipe "
				"records from mpf-pick");
	if (o_add && o_boards.n > 1)
		mpf_usage_error("--add takes one --board");
	if ((o_commit || o_dirty) && !o_add)
		mpf_usage_error("--commit and --dirty go with --add");
	if (o_dirty && !o_commit)
		mpf_usage_error("--dirty goes with --commit");
	if (o_commit && strcmp(o_commit, "-") && (!*o_commit || strlen(o_commit) > 40 ||
						   o_commit[strspn(o_commit, "0123456789abcdef")]))
		mpf_usage_error("bad --commit '%s' (a git commit in hex, or '-')", o_commit);
	mpf_http_global_init();
	c.mirror = mirror_base();
	c.jobs = mpf.jobs;
	c.timeout_ms = mpf_timeout_ms();
	c.force = o_force;
	open_db(&c);
	if (o_update) {
		r = update(&c);
	} else if (o_list) {
		r = list(&c, columns);
	} else if (o_remove) {
		r = remove_build(&c);
	} else if (o_add) {
		f.wants = NULL;
		f.run = nothing;
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
		 "mpf-fetch --add FILE [--board B] [--variant V] [--version X] [--port P] [--commit C]\n"
		 "mpf-fetch --remove FILE",
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
		"knows, or whose content is not the format its name says for the board's "
		"port, is an error. A partial download is resumed only when the server "
		"confirms the file is unchanged (If-Range), else fetched whole. Names from "
		"records and pages become file names only as plain ids, so nothing is "
		"written outside the cache. Records with \"up_to_date\": true pass untouched.\n"
		"\n"
		"--add registers a firmware you built (make -C ports/rp2 BOARD=..., mpbuild): "
		"port, board and variant come from its ports/PORT/build-BOARD[-VARIANT]/ path "
		"and the version from the image's banner, unless given; the file must be a "
		"firmware image for that port (a UF2 of its family, an ESP image...). With --commit "
		"it is a build from a source tree (source \"build\", as mpf-build registers "
		"them), and the record's firmware carries commit and dirty. --remove FILE "
		"unregisters such a build (the file itself is left alone; it need not exist "
		"any more); the catalogue's downloads are never removed this way. --list prints the "
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
