/* info.c - mpf-info: identify MicroPython boards over the raw REPL, all
 * ports at once, each result written when its board answered (the fields of mpf(7), RECORDS: family,
 * version, build, preview, port, board, cpu, arch, mpy, board_id, variant,
 * and description / ignore from board_info.toml). */
#include "applet.h"
#include "clock.h"
#include "err.h"
#include "filter.h"
#include "ident.h"
#include "log.h"
#include "repl.h"
#include "scan.h"
#include "transport.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int o_reset, o_no_raw_paste, o_baud = 115200, o_script;
static struct mpf_strlist o_ignore;

static const struct mpf_opt info_opts[] = {
	OPT_BOOL(0, "reset", &o_reset,
		 "soft-reset the board (Ctrl-D) before identifying it; by default it is left as found"),
	OPT_INT(0, "baud", &o_baud, "N", 300, 4000000, "serial speed (default 115200; USB ports ignore it)"),
	OPT_BOOL(0, "no-raw-paste", &o_no_raw_paste,
		 "send code in plain raw mode even where the board offers raw-paste mode"),
	OPT_BOOL(0, "script", &o_script,
		 "print the identification script mpf-info runs on each board, and exit"),
	OPT_LIST_HINT('i', "ignore", &o_ignore, "GLOB", "@serial",
		      "when scanning for ports itself, leave out those matching GLOB (adds to MPF_IGNORE)"),
	OPT_END(),
};

/* ---- one board ---- */

static const char *err_code(int r)
{
	return r == MPF_ERR_FAIL ? "script" : mpf_err_name(r);
}

static void set_fields(struct mpf_record *rec, json_t *fields)
{
	const char *k;
	json_t *v;

	json_object_foreach(fields, k, v)
		mpf_rec_set(rec, k, json_incref(v));
}

/* After a flash, keep what the board ran before ("previous": {version,
 * build}), so the identification that ends a flash pipeline can show
 * before and after side by side (mpf-update's table). */
static void remember_previous(struct mpf_record *rec)
{
	json_t *ver = mpf_rec_get(rec, "version"), *build = mpf_rec_get(rec, "build");

	if (!mpf_rec_get(rec, "flashed") || !json_is_string(ver))
		return;
	mpf_rec_set(rec, "previous", json_pack("{s:O}", "version", ver));
	if (build)
		json_object_set(mpf_rec_get(rec, "previous"), "build", build);
}

/* Open, enter the raw REPL, run the script, leave. On success *out holds
 * the script's stdout. */
static int exchange(struct mpf_transport *t, struct mpf_record *rec, struct mpf_buf *out,
		    const char *port)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_repl r;
	int tmo = mpf_timeout_ms(), x;

	mpf_repl_init(&r, t);
	r.use_paste = !o_no_raw_paste;
	x = mpf_repl_enter(&r, tmo, &err);
	if (x == MPF_ERR_TIMEOUT) {
		mpf_rec_set_error(rec, "no-repl", "%s: %s (waited %lld ms)", port, err.buf,
				  (long long)r.waited_ms);
		json_object_set_new(mpf_rec_get(rec, "error"), "waited_ms", json_integer(r.waited_ms));
		goto out;
	}
	if (x >= 0 && o_reset)
		x = mpf_repl_soft_reset(&r, tmo, &err);
	if (x >= 0)
		x = mpf_repl_exec(&r, mpf_ident_script, out, NULL, tmo, &err);
	/* Our script catches every exception a board may raise: one that
	 * escapes means the board lost bytes of it (plain raw mode has no
	 * flow control), a SyntaxError, or a NameError or AttributeError when
	 * one letter of a name went missing (seen on QEMU's micro:bit under
	 * load: 'implementatin'). Once more, gently. */
	if (x == MPF_ERR_FAIL && r.paste != 1) {
		mpf_debug("%s: %s: the board lost bytes, sending again more slowly", port, err.buf);
		mpf_buf_reset(out);
		r.chunk = 8;
		r.chunk_gap_ms = 5;
		x = mpf_repl_exec(&r, mpf_ident_script, out, NULL, tmo, &err);
	}
	if (x == MPF_ERR_FAIL || x == MPF_ERR_NODEV || x == MPF_ERR_TIMEOUT || x == MPF_ERR_PROTO)
		mpf_repl_leave(&r, 500, NULL);	/* best effort; the error is what matters */
	else if (x >= 0 && mpf_repl_leave(&r, 1000, &err) < 0)
		/* The identification is complete: a board slow to show its
		 * friendly prompt (or gone after answering) does not undo it. */
		mpf_warn("%s: identified, but leaving the raw REPL: %s", port, mpf_buf_str(&err));
	if (x < 0)
		mpf_rec_set_error(rec, err_code(x), "%s: %s%s", port,
				  x == MPF_ERR_FAIL ? "identification script failed on the board: " : "",
				  mpf_buf_str(&err));
out:
	mpf_repl_release(&r);
	mpf_buf_release(&err);
	return x;
}

static int info_run(struct mpf_record *rec, void *ctx)
{
	const char *port = mpf_rec_str(rec, "serial");
	struct mpf_buf err = MPF_BUF_INIT, out = MPF_BUF_INIT, warn = MPF_BUF_INIT;
	struct mpf_transport *t;
	int64_t t0 = mpf_now_ms();
	json_t *fields;
	int x;

	x = mpf_transport_open(port, o_baud, &t, &err);
	if (x < 0) {
		mpf_rec_set_error(rec, mpf_err_name(x), "%s", err.buf);
		goto out;
	}
	/* DTR and RTS asserted together, as pyserial and mpremote leave
	 * them: TinyUSB CDC ports (rp2, samd, esp32-s3) send nothing until
	 * DTR is set, and on ESP32 auto-reset circuits both asserted (or
	 * both released) means run, never reset or download mode. */
	mpf_tr_set_lines(t, 1, 1);
	x = exchange(t, rec, &out, port);
	mpf_tr_close(t);
	if (x < 0)
		goto out;
	fields = mpf_ident_parse(out.buf ? out.buf : "", out.len, &warn, &err);
	if (!fields) {
		mpf_rec_set_error(rec, "protocol", "%s: %s", port, err.buf);
		x = MPF_ERR_PROTO;
		goto out;
	}
	if (warn.len)
		mpf_warn("%s: board_info.toml ignored: %s", port, warn.buf);
	remember_previous(rec);
	set_fields(rec, fields);
	json_decref(fields);
	mpf_debug("%s: identified in %lld ms", port, (long long)(mpf_now_ms() - t0));
out:
	mpf_buf_release(&err);
	mpf_buf_release(&out);
	mpf_buf_release(&warn);
	return x < 0 ? x : 0;
}

/* Serial ports only: records of other kinds (a UF2 drive, a DFU device)
 * pass through untouched. */
static int info_wants(const struct mpf_record *rec, void *ctx)
{
	const char *kind = mpf_rec_str(rec, "kind");

	return mpf_rec_str(rec, "serial") && (!kind || !strcmp(kind, "serial"));
}

/* ---- table ---- */

static const char *board_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	const char *id = mpf_rec_str(r, "board_id"), *var = mpf_rec_str(r, "variant");

	if (!id)
		return mpf_rec_str(r, "board");
	mpf_buf_addf(out, "%s%s%s", id, var && *var ? "-" : "", var && *var ? var : "");
	return out->buf;
}

static const char *build_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	if (!mpf_rec_get(r, "build"))
		return NULL;
	mpf_buf_addf(out, "%lld", mpf_rec_int(r, "build", 0));
	return out->buf;
}

/* After a flash pipeline: what ran before (the same version when the
 * board was up to date), and how the flash went. */
static const char *before_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	const char *v = mpf_rec_str(r, "previous.version");

	if (!v && (mpf_rec_get(r, "up_to_date") || mpf_rec_get(r, "firmware")))
		v = mpf_rec_str(r, "version");
	return v;
}

static const char *result_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	json_t *f = mpf_rec_get(r, "flashed"), *s = mpf_rec_get(r, "flashed.seconds");

	if (f) {
		mpf_buf_addf(out, "%s %s", mpf_rec_str(r, "flashed.method") ?
			     mpf_rec_str(r, "flashed.method") : "", mpf_rec_bool(r, "flashed.ok", 0) ?
			     "ok" : "failed");
		if (json_is_number(s))
			mpf_buf_addf(out, " %.1fs", json_number_value(s));
		return out->buf;
	}
	if (mpf_rec_bool(r, "up_to_date", 0))
		return "up to date";
	return NULL;
}

/* After a write that stopped part way nobody knows what the board runs. */
static const char *version_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	if (!mpf_rec_get(r, "version") && mpf_rec_get(r, "flashed.complete") &&
	    !mpf_rec_bool(r, "flashed.complete", 1))
		return "unknown: flash again";
	return mpf_rec_str(r, "version");
}

static const struct mpf_column columns[] = {
	{ "Serial", "serial", NULL, 0 },
	{ "Family", "family", NULL, 0 },
	{ "Port", "port", NULL, 0 },
	{ "Board", NULL, board_cell, 0 },
	{ "CPU", "cpu", NULL, 0 },
	{ "Before", NULL, before_cell, 1 },
	{ "Version", NULL, version_cell, 0 },
	{ "Build", NULL, build_cell, 0 },
	{ "Flashed", NULL, result_cell, 1 },
	{ NULL, NULL, NULL, 0 },
};

/* ---- main ---- */

static int is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* The records for the ports named as arguments, in argument order: a
 * path is looked up in the scan (for its USB details) and is a bare
 * record when the scan does not have it, so a missing port gives an
 * error record rather than silence; a glob gives every port it matches. */
static size_t pick_ports(int argc, char **argv, struct mpf_record *found, size_t nfound,
			 struct mpf_record *out)
{
	size_t n = 0, i;
	int a;

	for (a = 0; a < argc; a++) {
		int hit = 0;

		for (i = 0; i < nfound; i++) {
			const char *s = mpf_rec_str(&found[i], "serial");

			if (!found[i].obj || !s)
				continue;
			if (is_glob(argv[a]) ? !fnmatch(argv[a], s, 0) : !strcmp(argv[a], s)) {
				out[n++] = found[i];
				found[i].obj = NULL;
				hit = 1;
			}
		}
		if (!hit && !is_glob(argv[a])) {
			mpf_record_init(&out[n]);
			mpf_rec_set_str(&out[n], "kind", "serial");
			mpf_rec_set_str(&out[n], "serial", argv[a]);
			n++;
		}
	}
	return n;
}

static int info_scan(const struct mpf_filter *f, int argc, char **argv)
{
	struct mpf_scan_opts so = { .kinds = MPF_SCAN_SERIAL };
	struct mpf_record *recs = NULL, *mine;
	size_t n = 0, i, m;
	int a, r;

	for (a = 0; a < argc; a++)
		mpf_strlist_add(&so.serial, argv[a]);
	so.ignore = o_ignore;
	mpf_strlist_split(&so.ignore, getenv("MPF_IGNORE"));
	mpf_scan(&so, &recs, &n);
	mpf_strlist_clear(&so.serial);
	if (!argc) {
		if (!n)
			mpf_info("no serial ports found");
		r = mpf_filter_list(f, recs, n);
		free(recs);
		return r;
	}
	mine = mpf_xcalloc(n + (size_t)argc, sizeof(*mine));
	m = pick_ports(argc, argv, recs, n, mine);
	for (i = 0; i < n; i++)
		if (recs[i].obj)
			mpf_record_release(&recs[i]);
	free(recs);
	r = mpf_filter_list(f, mine, m);
	free(mine);
	return r;
}

static int info_main(int argc, char **argv)
{
	struct mpf_filter f = { .wants = info_wants, .run = info_run, .columns = columns };
	int r;

	if (o_script) {
		fputs(mpf_ident_script, stdout);
		return 0;
	}
	if (argc > 0 || isatty(STDIN_FILENO))
		r = info_scan(&f, argc, argv);
	else
		r = mpf_filter_fd(&f, STDIN_FILENO, "stdin");
	mpf_strlist_clear(&o_ignore);
	return r;
}

const struct mpf_applet info_applet = {
	.name = "info",
	.summary = "identify MicroPython boards over the raw REPL, all ports at once",
	.usage = "mpf-info [options] [PORT...]\nmpf-scan | mpf-info [options]",
	.description =
		"mpf-info talks to each serial port's MicroPython (or CircuitPython) over the "
		"raw REPL and adds what the board says about itself to its record: family, "
		"version, build, preview, port, board (the board's own description), cpu, "
		"arch, mpy, board_id and variant. board_id and variant come from "
		"sys.implementation._build on MicroPython 1.25 and later; before that from the "
		"board's description through the board table compiled into mpf (base boards "
		"only: a variant cannot be seen before 1.25), and stay absent when the table "
		"has no such description. A board_info.toml on the board's file system adds "
		"description and, in an [mpflash] or [mpf] table, ignore (later applets leave "
		"such a board alone) and a board_id that overrides the rest.\n"
		"\n"
		"Each board is interrupted with Ctrl-C twice (a busy main.py stops), the raw "
		"REPL is entered, one short script runs (in raw-paste mode where the board "
		"offers it), and Ctrl-B leaves the board at its friendly REPL, as it was found: "
		"no soft reset unless --reset is given. Every port is handled at once (-j, up "
		"to 16 by default) and each record is written as soon as its board is done "
		"(--keep-order: in input order; a table is in input order). --timeout bounds each "
		"wait per board (default 3 s): a port with no REPL gives an error record with "
		"code no-repl and how long it waited, a port another program holds gives code "
		"busy.\n"
		"\n"
		"Records come from mpf-scan on stdin, or ports are named as arguments, or, with "
		"neither and stdin a terminal, mpf-info scans the serial ports itself. Records "
		"that are not serial ports pass through untouched.",
	.examples =
		"$ mpf-info\n"
		"Identify every board on every serial port, as a table.\n"
		"\n"
		"$ mpf-info /dev/ttyACM0 -o json\n"
		"One board, as JSON.\n"
		"\n"
		"$ mpf-scan | mpf-info | jq -r 'select(.port == \"rp2\") | .serial'\n"
		"The ports of all RP2040/RP2350 boards.\n"
		"\n"
		"$ mpf-info --reset --timeout 6 /dev/ttyUSB0\n"
		"Soft-reset a slow ESP32 first and give it longer to answer.\n"
		"\n"
		"$ mpf-info --script > ident.py && mpremote run ident.py\n"
		"See for yourself what mpf-info asks a board.",
	.opts = info_opts,
	.flags = MPF_APPLET_FILTER,
	.default_timeout = 3.0,
	.default_jobs = 16,
	.main = info_main,
};
