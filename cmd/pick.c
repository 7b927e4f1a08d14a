/* pick.c - mpf-pick: choose the firmware, the flash method and the
 * bootloader activation order for each board (doc/boards.md 5). */
#define _DEFAULT_SOURCE		/* realpath(3) */
#include "applet.h"
#include "boards.h"
#include "db.h"
#include "err.h"
#include "esp_chip.h"
#include "exitcode.h"
#include "filter.h"
#include "log.h"
#include "mirror.h"
#include "ports.h"
#include "version.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *o_version = "stable", *o_variant, *o_port, *o_method, *o_as, *o_from;
static struct mpf_strlist o_boards;
static int o_custom, o_force, o_explain;

static const struct mpf_opt pick_opts[] = {
	OPT_STRING('V', "version", &o_version, "VERSION",
		   "stable (default), preview, latest, or X.Y.Z[-preview[.N]]"),
	OPT_LIST('b', "board", &o_boards, "BOARD",
		 "pick for this board instead of records on stdin (repeatable)"),
	OPT_STRING(0, "as", &o_as, "BOARD",
		   "treat every board on stdin as BOARD[-VARIANT] (one mpf-info could not tell)"),
	OPT_STRING(0, "variant", &o_variant, "VARIANT",
		   "this variant instead of the board's own ('-' for none)"),
	OPT_STRING('p', "port", &o_port, "PORT", "the MicroPython port of --board (default: from the board table)"),
	OPT_CHOICE_FN('m', "method", &o_method, "METHOD", mpf_method_name, NULL,
		   "flash method (default: the port's own; swd takes .hex/.elf/.bin)"),
	OPT_BOOL(0, "custom", &o_custom, "prefer builds registered with mpf-fetch --add"),
	OPT_DIR(0, "from", &o_from, "DIR",
		"only files registered from DIR (a build's output, as mpf-build keeps them)"),
	OPT_BOOL('f', "force", &o_force, "pick firmware even for boards already running it"),
	OPT_BOOL(0, "explain", &o_explain, "tell on stderr why each candidate won or lost"),
	OPT_END(),
};

struct ctx {
	struct mpf_db *db;
	char *fw_dir;
	char *from;		/* --from, absolute, ending in '/' */
	int kw;			/* KW_* */
	struct mpf_version want;
};

enum { KW_STABLE, KW_PREVIEW, KW_LATEST, KW_VERSION };

/* Rank of a format for a method (lower is better), -1 if it does not fit. */
static int format_rank(const struct mpf_method *mf, const char *format)
{
	int i;

	for (i = 0; i < 4 && mf->formats[i]; i++)
		if (!strcmp(mf->formats[i], format))
			return i;
	return -1;
}

struct cand {
	struct mpf_fw fw;
	struct mpf_version v;
	int exists;
};

struct cands {
	struct cand *v;
	size_t n;
	struct ctx *c;
};

static int collect(const struct mpf_fw *fw, void *vctx)
{
	struct cands *l = vctx;
	struct cand *c;
	char *path;

	if (!o_custom && !o_from && (!strcmp(fw->source, "custom") || !strcmp(fw->source, "build")))
		return 0;	/* own builds only when asked for */
	path = mpf_fw_path(fw, l->c->fw_dir);
	if (l->c->from && (!path || strncmp(path, l->c->from, strlen(l->c->from)))) {
		free(path);
		return 0;
	}
	l->v = mpf_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	c = &l->v[l->n++];
	c->fw = *fw;
	if (mpf_version_parse(fw->version, &c->v))
		memset(&c->v, 0, sizeof(c->v));
	c->v.build = fw->build;
	c->exists = path && !access(path, R_OK);
	free(path);
	return 0;
}

/* The rows of board (or a former name of it) with variant on port. */
static void candidates(struct ctx *c, const char *board, const char *variant, const char *port,
		       struct cands *l)
{
	char names[17][64], b[64];
	size_t n, i;
	struct mpf_buf err = MPF_BUF_INIT;

	snprintf(names[0], sizeof(names[0]), "%s", board);
	n = 1 + mpf_board_aliases(board, port, names + 1, 16);
	for (i = 0; i < n && !l->n; i++) {
		const char *v = variant, *dash = strchr(names[i], '-');
		struct mpf_db_query q = { b, NULL, port, NULL, NULL };

		snprintf(b, sizeof(b), "%.*s", (int)(dash ? dash - names[i] : 63), names[i]);
		if (dash && !*variant)
			v = dash + 1;	/* GENERIC_SPIRAM became ESP32_GENERIC-SPIRAM */
		q.variant = v;
		if (mpf_db_fw_each(c->db, &q, collect, l, &err) < 0)
			mpf_warn("%s", mpf_buf_str(&err));
		if (l->n && i)
			mpf_log(o_explain ? MPF_LOG_INFO : MPF_LOG_DEBUG,
				"%s: using the firmware of %s (renamed board)", board, names[i]);
	}
	mpf_buf_release(&err);
}

static int cmp_ver(const struct cand *a, const struct cand *b)
{
	return mpf_version_cmp(&a->v, &b->v);
}

/* Does candidate x have the version asked for? */
static int version_fits(const struct ctx *c, const struct cand *x, const struct cand *best)
{
	switch (c->kw) {
	case KW_STABLE:
		return !x->v.preview && (!best || !cmp_ver(x, best));
	case KW_PREVIEW:
		return x->v.preview && (!best || !cmp_ver(x, best));
	case KW_LATEST:
		return !best || !cmp_ver(x, best);
	default:
		return x->v.major == c->want.major && x->v.minor == c->want.minor &&
		       x->v.patch == c->want.patch && x->v.preview == c->want.preview &&
		       (!c->want.build || x->v.build == c->want.build) &&
		       (!best || !cmp_ver(x, best));
	}
}

/* Better of two candidates of the same version: --custom builds, a file
 * already on disk, the newer build date, the method's preferred format. */
static int better(const struct cand *a, const struct cand *b, const struct mpf_method *mf)
{
	int ca = strcmp(a->fw.source, "download") != 0, cb = strcmp(b->fw.source, "download") != 0;

	if ((o_custom || o_from) && ca != cb)
		return ca > cb;
	if (a->exists != b->exists)
		return a->exists > b->exists;
	if (strcmp(a->fw.date, b->fw.date))
		return strcmp(a->fw.date, b->fw.date) > 0;
	return format_rank(mf, a->fw.format) < format_rank(mf, b->fw.format);
}

static void version_text(const struct cand *x, char *out, size_t cap)
{
	if (x->v.preview)
		snprintf(out, cap, "%s.%d", x->fw.version, x->fw.build);
	else
		snprintf(out, cap, "%s", x->fw.version);
}

/* "1.24.0, 1.24.1, 1.25.0" and the newest preview of what fits the method. */
static void available(const struct cands *l, const struct mpf_method *mf, struct mpf_buf *out)
{
	const struct cand *prev = NULL, *newest_pre = NULL;
	size_t i;
	char t[48];

	for (i = l->n; i-- > 0;) {	/* rows come newest first */
		const struct cand *x = &l->v[i];

		if (format_rank(mf, x->fw.format) < 0)
			continue;
		if (x->v.preview) {
			if (!newest_pre || cmp_ver(x, newest_pre) > 0)
				newest_pre = x;
			continue;
		}
		if (prev && !cmp_ver(prev, x))
			continue;
		version_text(x, t, sizeof(t));
		mpf_buf_addf(out, "%s%s", out->len ? ", " : "", t);
		prev = x;
	}
	if (newest_pre) {
		version_text(newest_pre, t, sizeof(t));
		mpf_buf_addf(out, "%spreview %s", out->len ? "; " : "", t);
	}
}

static void explain(const char *board, const struct cand *x, const char *verdict)
{
	char t[48];

	if (!o_explain)
		return;
	version_text(x, t, sizeof(t));
	mpf_log(MPF_LOG_INFO, "%s: %s%s%s %s .%s (%s%s%s): %s", board, x->fw.board_id,
		x->fw.variant[0] ? "-" : "", x->fw.variant, t, x->fw.format, x->fw.source,
		x->fw.date[0] ? ", " : "", x->fw.date, verdict);
}

/* Choose among the candidates; NULL when none fits. */
static const struct cand *choose(struct ctx *c, const char *board, const struct cands *l,
				 const struct mpf_method *mf)
{
	const struct cand *best = NULL;
	size_t i;

	/* the version first: the newest that fits the keyword or number */
	for (i = 0; i < l->n; i++) {
		const struct cand *x = &l->v[i];

		if (format_rank(mf, x->fw.format) < 0 || !version_fits(c, x, NULL))
			continue;
		if (!best || cmp_ver(x, best) > 0)
			best = x;
	}
	for (i = 0; best && i < l->n; i++) {
		const struct cand *x = &l->v[i];

		if (x != best && format_rank(mf, x->fw.format) >= 0 && version_fits(c, x, best) &&
		    better(x, best, mf))
			best = x;
	}
	for (i = 0; o_explain && i < l->n; i++) {
		const struct cand *x = &l->v[i];

		if (x == best)
			explain(board, x, "chosen");
		else if (format_rank(mf, x->fw.format) < 0)
			explain(board, x, "lost: the method does not take this format");
		else if (!version_fits(c, x, NULL))
			explain(board, x, c->kw == KW_STABLE ? "lost: not a release" :
				c->kw == KW_PREVIEW ? "lost: not a preview" :
				"lost: not the version asked for");
		else if (cmp_ver(x, best))
			explain(board, x, "lost: older");
		else
			explain(board, x, "lost: same version, the chosen file ranks higher "
				"(custom build, on disk, newer, preferred format)");
	}
	return best;
}

/* Is the board already running x? (info's version, preview, build, and
 * the same variant: another variant of one version must be flashed) */
static int running(const struct mpf_record *rec, const struct cand *x)
{
	const char *ver = mpf_rec_str(rec, "version"), *var = mpf_rec_str(rec, "variant");
	struct mpf_version v;

	if (!ver || mpf_version_parse(ver, &v) || strcmp(var ? var : "", x->fw.variant))
		return 0;
	if (mpf_rec_bool(rec, "preview", v.preview))
		v.preview = 1;
	v.build = (int)mpf_rec_int(rec, "build", v.build);
	return v.major == x->v.major && v.minor == x->v.minor && v.patch == x->v.patch &&
	       v.preview == x->v.preview && (!v.preview || v.build == x->v.build);
}

static int set_firmware(struct ctx *c, struct mpf_record *rec, const struct cand *x,
			const char *port, const char *method, const char *mcu)
{
	json_t *fw = mpf_fw_json(&x->fw, c->fw_dir), *bl;
	const char *const *order = mpf_port_activators(port, method);

	if (!strcmp(method, "esp")) {
		const struct mpf_esp_chip *ch = mpf_esp_chip_by_name(mcu);

		if (!ch) {
			json_decref(fw);
			mpf_rec_set_error(rec, "unsupported", "cannot tell the ESP chip of %s%s%s "
					  "(no cpu in the record, none in the board table): "
					  "run mpf-info on it", x->fw.board_id, mcu ? ": " : "",
					  mcu ? mcu : "");
			return MPF_ERR_SUPP;
		}
		json_object_set_new(fw, "chip", json_string(ch->key));
		json_object_set_new(fw, "offset", json_integer(ch->boot_offset));
	}
	mpf_rec_set(rec, "firmware", fw);
	if (!mpf_rec_str(rec, "port"))
		mpf_rec_set_str(rec, "port", x->fw.port);
	if (running(rec, x) && !o_force) {
		mpf_rec_set_bool(rec, "up_to_date", 1);
		return 0;	/* no method: nothing downstream flashes it */
	}
	if (mpf_rec_get(rec, "up_to_date"))
		mpf_rec_set_bool(rec, "up_to_date", 0);
	mpf_rec_set_str(rec, "method", method);
	bl = json_array();
	for (; *order; order++)
		json_array_append_new(bl, json_string(*order));
	mpf_rec_set(rec, "bootloader", bl);
	return 0;
}

/* Board and variant of a record, with --variant applied. */
static void board_of(const struct mpf_record *rec, char *board, char *variant)
{
	const char *b = o_as ? o_as : mpf_rec_str(rec, "board_id");
	const char *v = o_as ? NULL : mpf_rec_str(rec, "variant");
	const char *dash = b ? strchr(b, '-') : NULL;
	size_t n = b ? strlen(b) : 0;

	if (dash && !v)
		v = dash + 1;	/* "BOARD-VARIANT" */
	snprintf(board, 64, "%.*s", (int)(dash ? dash - b : (int)n), b ? b : "");
	snprintf(variant, 64, "%s", v ? v : "");
	if (o_variant)
		snprintf(variant, 64, "%s", strcmp(o_variant, "-") && strcmp(o_variant, "none") ?
			 o_variant : "");
	n = strlen(board);
	if (n && board[n - 1] == '-')
		board[n - 1] = '\0';
}

static int pick_run(struct mpf_record *rec, void *vctx)
{
	struct ctx *c = vctx;
	struct cands l = { NULL, 0, c };
	struct mpf_db_board db_board;
	struct mpf_buf avail = MPF_BUF_INIT;
	char board[64], variant[64], name[140];
	const char *port = mpf_rec_str(rec, "port"), *method = o_method, *mcu;
	const struct mpf_port *pt;
	const struct mpf_method *mf;
	const struct cand *x;
	int found = 0, r = 0;

	board_of(rec, board, variant);
	found = mpf_db_board_get(c->db, board, variant, &db_board) ||
		mpf_db_board_get(c->db, board, "", &db_board);
	if (!port && found && db_board.port[0])
		port = db_board.port;
	mcu = mpf_rec_str(rec, "cpu") ? mpf_rec_str(rec, "cpu") : found && db_board.mcu[0] ?
	      db_board.mcu : NULL;
	snprintf(name, sizeof(name), "%s%s%s", board, *variant ? "-" : "", variant);
	if (!port && !o_method) {
		mpf_rec_set_error(rec, "not-found", "%s: unknown board and the record names no "
				  "port: give --port, or run mpf-fetch --update to learn new boards",
				  name);
		return MPF_ERR_NODEV;
	}
	pt = mpf_port_find(port);
	if (!method && !(pt && pt->method)) {
		mpf_rec_set_error(rec, "unsupported", "%s: port %s has no flash method in mpf: "
				  "give --method swd for a debug probe", name, port);
		return MPF_ERR_SUPP;
	}
	if (!method)
		method = pt->method;
	if (!strcmp(method, "swd") && mpf_bootdev_for(NULL, port) == MPF_BOOTDEV_ESP_ROM) {
		mpf_rec_set_error(rec, "unsupported", "%s: ESP chips are not flashed over SWD", name);
		return MPF_ERR_SUPP;
	}
	mf = mpf_method_find(method);
	candidates(c, board, variant, port, &l);
	x = choose(c, name, &l, mf);
	if (!x) {
		available(&l, mf, &avail);
		if (!l.n)
			mpf_rec_set_error(rec, "not-found", "no firmware for %s%s%s in the catalogue: "
					  "run mpf-fetch --update --board %s", name,
					  port ? " on port " : "", port ? port : "", board);
		else if (!avail.len)
			mpf_rec_set_error(rec, "not-found", "%s has no %s firmware for the %s method",
					  name, mf->formats[0], method);
		else
			mpf_rec_set_error(rec, "not-found", "%s has no %s firmware; available: %s",
					  name, o_version, mpf_buf_str(&avail));
		r = MPF_ERR_NODEV;
	} else {
		r = set_firmware(c, rec, x, port, method, mcu);
	}
	mpf_buf_release(&avail);
	free(l.v);
	return r;
}

static int pick_wants(const struct mpf_record *rec, void *ctx)
{
	const char *b = mpf_rec_str(rec, "board_id");

	/* --as takes every MicroPython board mpf-info saw, known or not */
	if (o_as)
		return mpf_rec_str(rec, "family") != NULL;
	return b && *b;
}

static const struct mpf_column columns[] = {
	{ "Board", "board_id", NULL },
	{ "Port", "port", NULL },
	{ "Version", "firmware.version", NULL },
	{ "Build", "firmware.build", NULL },
	{ "Method", "method", NULL },
	{ "Up to date", "up_to_date", NULL },
	{ "URL or file", "firmware.url", NULL },
	{ NULL, NULL, NULL },
};

static void parse_version(struct ctx *c)
{
	static const char *const kws[] = { "stable", "preview", "latest" };
	int i;

	for (i = 0; i < 3; i++)
		if (!strcmp(o_version, kws[i])) {
			c->kw = i;
			return;
		}
	c->kw = KW_VERSION;
	if (mpf_version_parse(o_version, &c->want))
		mpf_usage_error("bad --version '%s' (want stable, preview, latest, X.Y.Z or "
				"X.Y.Z-preview[.N])", o_version);
	c->want.build = c->want.preview ? c->want.build : 0;
}

/* The option values beyond their types, before anything is read. */
static void pick_check(void)
{
	struct ctx c = { 0 };
	size_t i;

	for (i = 0; i < o_boards.n; i++)
		if (!mpf_mirror_valid_id(o_boards.v[i], 1))
			mpf_usage_error("bad board name '%s'", o_boards.v[i]);
	if (o_variant && strcmp(o_variant, "-") && !mpf_mirror_valid_id(o_variant, 0))
		mpf_usage_error("bad variant name '%s'", o_variant);
	if (o_port && !mpf_mirror_valid_id(o_port, 1))
		mpf_usage_error("bad port name '%s'", o_port);
	parse_version(&c);
}

/* --from as an absolute path ending in '/' (the catalogue keeps a
 * registered file's real path), NULL without it. */
static char *from_dir(void)
{
	char real[PATH_MAX];

	if (!o_from)
		return NULL;
	if (!realpath(o_from, real))
		mpf_die(MPF_EXIT_NOINPUT, "--from %s: %s", o_from, strerror(errno));
	return mpf_xasprintf("%s%s", real, strcmp(real, "/") ? "/" : "");
}

static int pick_main(int argc, char **argv)
{
	struct ctx c = { 0 };
	struct mpf_filter f = { pick_wants, pick_run, &c, columns };
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_record *recs;
	char *path = NULL;
	size_t i;
	int r;

	if (argc > 0)
		mpf_usage_error("unexpected argument '%s'", argv[0]);
	if (!o_boards.n && isatty(STDIN_FILENO))
		mpf_usage_error("no boards: give --board BOARD, or pipe records from mpf-info");
	parse_version(&c);
	c.from = from_dir();
	if ((r = mpf_db_paths(&path, &c.fw_dir, &err)) || (r = mpf_db_open(path, &c.db, &err)))
		mpf_die(mpf_exit_for_err(r), "%s", mpf_buf_str(&err));
	free(path);
	if (o_boards.n) {
		recs = mpf_xcalloc(o_boards.n, sizeof(*recs));
		for (i = 0; i < o_boards.n; i++) {
			mpf_record_init(&recs[i]);
			mpf_rec_set_str(&recs[i], "board_id", o_boards.v[i]);
			if (o_port)
				mpf_rec_set_str(&recs[i], "port", o_port);
		}
		r = mpf_filter_list(&f, recs, o_boards.n);
		free(recs);
	} else {
		r = mpf_filter_fd(&f, STDIN_FILENO, "stdin");
	}
	mpf_db_close(c.db);
	free(c.fw_dir);
	free(c.from);
	mpf_strlist_clear(&o_boards);
	return r;
}

static const char *const pick_conflicts[] = { "board as", NULL };

const struct mpf_applet pick_applet = {
	.name = "pick",
	.summary = "choose the firmware and flash method for each board",
	.usage = "mpf-pick [--version stable|preview|latest|X.Y.Z] [options] <RECORDS\n"
		 "mpf-pick --board BOARD [--variant V] [--port P] [--version ...]",
	.description =
		"mpf-pick chooses, for each board record (from mpf-info) or for each --board, "
		"the firmware to flash from the catalogue mpf-fetch keeps: the newest release "
		"(--version stable, the default), the newest preview build (preview), the "
		"newest of either (latest), or a given version. The board's own variant is "
		"kept unless --variant says otherwise; boards renamed upstream (PICO, GENERIC, "
		"GENERIC_SPIRAM...) find the firmware of their new names. --custom prefers "
		"builds registered with mpf-fetch --add; --from DIR chooses only among the "
		"files registered from DIR (one build's output: mpf-build uses it to give "
		"each board the format its method takes from the build it made).\n"
		"\n"
		"It sets firmware (board_id, variant, version, preview, build, format, url or "
		"file, and for ESP boards the chip and the flash offset: 0x1000 on the ESP32 "
		"and ESP32-S2, 0x0 on the S3, C2, C3, C6, H2 and ESP8266, 0x2000 on the C5 and "
		"P4), method (uf2 for rp2, samd, nrf and mimxrt; esp for esp32 and esp8266; dfu for "
		"stm32; swd with --method swd, taking .hex, .elf or .bin) and bootloader, the "
		"order in which mpf-bootloader tries to start the bootloader (rp2: mpy, "
		"touch1200, manual; samd, nrf and mimxrt: touch1200, mpy, manual; stm32: mpy, touch1200, manual "
		"(its MicroPython rarely honours the 1200-baud touch); esp and swd: "
		"none).\n"
		"\n"
		"A board already running the chosen version gets \"up_to_date\": true and no "
		"method, so nothing downstream flashes it, unless --force. When nothing fits, "
		"the record's error says what the catalogue has; --explain tells on stderr "
		"why each candidate won or lost.",
	.examples =
		"$ mpf-scan | mpf-info | mpf-pick | mpf-fetch\n"
		"Pick and download the newest release for every attached board.\n"
		"\n"
		"$ mpf-pick --board RPI_PICO2_W --version 1.24.1 --explain\n"
		"Pick a given version for a board that is not attached.\n"
		"\n"
		"$ mpf-info /dev/ttyUSB0 | mpf-pick --version preview --variant SPIRAM\n"
		"The newest preview of another variant.",
	.opts = pick_opts,
	.conflicts = pick_conflicts,
	.check = pick_check,
	.flags = MPF_APPLET_FILTER,
	.main = pick_main,
};
