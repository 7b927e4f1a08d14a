/* table.h - render rows of text cells as aligned columns (for -o table). */
#ifndef MPF_TABLE_H
#define MPF_TABLE_H

#include <stddef.h>

#include "buf.h"

struct mpf_table {
	size_t ncols, nrows;
	char **cells;		/* nrows * ncols, row-major, owned */
};

void mpf_table_init(struct mpf_table *t, size_t ncols);
/* Append a row of ncols strings (copied; NULL shows as "-"). */
void mpf_table_add(struct mpf_table *t, const char *const *row);
/* The first row is the header. Columns are separated by two spaces, cells
 * longer than max_width (0 = no limit) are cut with "~"; UTF-8 aware. */
void mpf_table_render(const struct mpf_table *t, size_t max_width, struct mpf_buf *out);
void mpf_table_release(struct mpf_table *t);

#endif
