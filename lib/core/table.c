/* table.c - aligned text tables. */
#include "table.h"

#include <stdlib.h>
#include <string.h>

void mpf_table_init(struct mpf_table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
}

void mpf_table_add(struct mpf_table *t, const char *const *row)
{
	size_t i;

	t->cells = mpf_xrealloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(char *));
	for (i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = mpf_xstrdup(row[i] ? row[i] : "-");
	t->nrows++;
}

/* Display width in characters: count UTF-8 lead bytes. */
static size_t width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Byte length of the first w characters of s. */
static size_t prefix_bytes(const char *s, size_t w)
{
	size_t i = 0, n = 0;

	while (s[i]) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (n == w)
				break;
			n++;
		}
		i++;
	}
	return i;
}

static void add_cell(struct mpf_buf *out, const char *s, size_t w, size_t colw, int last)
{
	size_t sw = width(s);

	if (sw > w) {
		mpf_buf_add(out, s, prefix_bytes(s, w - 1));
		mpf_buf_addch(out, '~');
		sw = w;
	} else {
		mpf_buf_addstr(out, s);
	}
	if (!last)
		for (; sw < colw + 2; sw++)
			mpf_buf_addch(out, ' ');
}

void mpf_table_render(const struct mpf_table *t, size_t max_width, struct mpf_buf *out)
{
	size_t *w = calloc(t->ncols ? t->ncols : 1, sizeof(*w));
	size_t r, c;

	if (!w)
		return;
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t cw = width(t->cells[r * t->ncols + c]);

			if (cw > w[c])
				w[c] = cw;
		}
	for (c = 0; c < t->ncols; c++)
		if (max_width && w[c] > max_width)
			w[c] = max_width < 2 ? 2 : max_width;
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++)
			add_cell(out, t->cells[r * t->ncols + c], w[c], w[c], c + 1 == t->ncols);
		mpf_buf_addch(out, '\n');
	}
	free(w);
}

void mpf_table_release(struct mpf_table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
