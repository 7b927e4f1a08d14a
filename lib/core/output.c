/* output.c - write records as JSON Lines, a table or a JSON array. */
#include "output.h"
#include "applet.h"
#include "exitcode.h"
#include "log.h"
#include "table.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

enum mode { JSONL, TABLE, JSON };

/* The sink is per process, like stdout itself; a lock keeps lines whole. */
static struct {
	pthread_mutex_t lock;
	enum mode mode;
	const struct mpf_column *cols;
	json_t *kept;		/* TABLE/JSON: array of records, by seq */
	unsigned long *seq;	/* the seq of each kept record */
	size_t cap;
	int gone;		/* stdout closed (EPIPE) */
	int failed;		/* a write failed otherwise */
} out = { PTHREAD_MUTEX_INITIALIZER, JSONL, NULL, NULL, NULL, 0, 0, 0 };

void mpf_output_begin(const struct mpf_column *cols)
{
	const char *o = mpf.output;

	if (!o)
		o = isatty(STDOUT_FILENO) ? "table" : "jsonl";
	out.mode = !strcmp(o, "table") ? TABLE : !strcmp(o, "json") ? JSON : JSONL;
	out.cols = cols;
	if (out.mode != JSONL && !out.kept)
		out.kept = json_array();
}

static void write_failed(void)
{
	if (errno == EPIPE) {
		if (!out.gone)
			mpf_debug("stdout closed; records from now on are dropped");
		out.gone = 1;
	} else if (!out.failed) {
		out.failed = 1;
		mpf_error("cannot write records to stdout: %s", strerror(errno));
	}
}

/* Keep rec in input order: records end in any order, mostly close to
 * it, so the place is looked for from the end. */
static void keep(const struct mpf_record *rec)
{
	size_t n = json_array_size(out.kept), i = n;

	if (n == out.cap) {
		out.cap = out.cap ? 2 * out.cap : 64;
		out.seq = mpf_xrealloc(out.seq, out.cap * sizeof(*out.seq));
	}
	while (i && out.seq[i - 1] > rec->seq)
		i--;
	memmove(out.seq + i + 1, out.seq + i, (n - i) * sizeof(*out.seq));
	out.seq[i] = rec->seq;
	json_array_insert(out.kept, i, rec->obj);
}

int mpf_output_record(const struct mpf_record *rec)
{
	size_t len;
	char *line;

	pthread_mutex_lock(&out.lock);
	if (out.mode != JSONL) {
		keep(rec);
	} else if (!out.gone && !out.failed) {
		line = mpf_record_dump(rec, &len);
		line = mpf_xrealloc(line, len + 1);
		line[len] = '\n';
		if (fwrite(line, 1, len + 1, stdout) != len + 1 || fflush(stdout))
			write_failed();
		free(line);
	}
	pthread_mutex_unlock(&out.lock);
	return out.gone ? -1 : 0;
}

/* Text of one field for a table cell ("-" style NULL for absent). */
static const char *mpf_output_cell(const struct mpf_record *rec, const struct mpf_column *col,
				   struct mpf_buf *tmp)
{
	json_t *v;

	mpf_buf_reset(tmp);
	if (col->cell)
		return col->cell(rec, tmp);
	v = mpf_rec_get(rec, col->path);
	if (!v || json_is_null(v))
		return NULL;
	if (mpf_json_number(v))
		return mpf_json_number(v);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_boolean(v))
		return json_is_true(v) ? "yes" : "no";
	if (json_is_integer(v))
		mpf_buf_addf(tmp, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		mpf_buf_addf(tmp, "%g", json_real_value(v));
	else {
		char *s = mpf_json_dumps(v, JSON_COMPACT);

		mpf_buf_addstr(tmp, s ? s : "");
		free(s);
	}
	return mpf_buf_str(tmp);
}

static size_t terminal_width(void)
{
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	return 0;
}

/* The columns to show: every column, less optional ones no record fills. */
static size_t pick_columns(const struct mpf_column **show, size_t ncols, int errors)
{
	static const struct mpf_column errcol = { "Error", "error.message", NULL, 0 };
	struct mpf_buf tmp = MPF_BUF_INIT;
	size_t c, i, n = 0, nrec = json_array_size(out.kept);

	for (c = 0; c < ncols; c++) {
		int used = !out.cols[c].optional;

		for (i = 0; i < nrec && !used; i++) {
			struct mpf_record r = { json_array_get(out.kept, i), NULL, 0, 0, 1 };

			used = mpf_output_cell(&r, &out.cols[c], &tmp) != NULL;
		}
		if (used)
			show[n++] = &out.cols[c];
	}
	if (errors)
		show[n++] = &errcol;
	mpf_buf_release(&tmp);
	return n;
}

static void render_table(struct mpf_buf *text)
{
	struct mpf_table t;
	struct mpf_buf tmp = MPF_BUF_INIT;
	size_t ncols = 0, nshow, i, c, nrec = json_array_size(out.kept);
	const struct mpf_column **show;
	const char **row;
	int errors = 0;

	while (out.cols && out.cols[ncols].header)
		ncols++;
	for (i = 0; i < nrec; i++)
		if (json_object_get(json_array_get(out.kept, i), "error"))
			errors = 1;
	show = mpf_xcalloc(ncols + 1, sizeof(*show));
	nshow = pick_columns(show, ncols, errors);
	row = mpf_xcalloc(nshow + 1, sizeof(*row));
	mpf_table_init(&t, nshow);
	for (c = 0; c < nshow; c++)
		row[c] = show[c]->header;
	mpf_table_add(&t, row);
	for (i = 0; i < nrec; i++) {
		struct mpf_record r = { json_array_get(out.kept, i), NULL, 0, 0, 1 };

		for (c = 0; c < nshow; c++) {
			const char *s = mpf_output_cell(&r, show[c], &tmp);

			row[c] = s ? mpf_xstrdup(s) : NULL;
		}
		mpf_table_add(&t, row);
		for (c = 0; c < nshow; c++)
			free((char *)row[c]);
	}
	/* Very wide cells (long paths) would wrap every line of a narrow
	 * terminal: cut them at half the width, the table stays readable. */
	mpf_table_render(&t, terminal_width() / 2, text);
	mpf_table_release(&t);
	mpf_buf_release(&tmp);
	free(show);
	free(row);
}

int mpf_output_end(void)
{
	struct mpf_buf text = MPF_BUF_INIT;
	char *s;

	pthread_mutex_lock(&out.lock);
	if (out.mode == TABLE && json_array_size(out.kept)) {
		render_table(&text);
	} else if (out.mode == JSON) {
		s = mpf_json_dumps(out.kept, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
		mpf_buf_addstr(&text, s ? s : "[]");
		mpf_buf_addch(&text, '\n');
		free(s);
	}
	if (text.len && !out.gone &&
	    (fwrite(text.buf, 1, text.len, stdout) != text.len || fflush(stdout)))
		write_failed();
	json_decref(out.kept);
	out.kept = NULL;
	free(out.seq);
	out.seq = NULL;
	out.cap = 0;
	mpf_buf_release(&text);
	pthread_mutex_unlock(&out.lock);
	return out.failed ? MPF_EXIT_IOERR : 0;
}
