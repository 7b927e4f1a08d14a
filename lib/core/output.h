/* output.h - where records go: JSON Lines, a table or one JSON array.
 *
 * -o jsonl writes each record at once, one line, flushed. -o table and
 * -o json keep the records and print them at mpf_output_end(). The default
 * is table when stdout is a terminal, jsonl otherwise. stdout carries
 * records only.
 */
#ifndef MPF_OUTPUT_H
#define MPF_OUTPUT_H

#include "buf.h"
#include "record.h"

/* One table column: a header and a dotted field path, or a function that
 * writes the cell text into out (return NULL for "-"). */
struct mpf_column {
	const char *header;
	const char *path;
	const char *(*cell)(const struct mpf_record *rec, struct mpf_buf *out);
	int optional;	/* left out when no record has a value for it */
};

/* Choose the mode from mpf.output (or the terminal) with these columns
 * (NULL-header terminated). A record with an error adds an Error column. */
void mpf_output_begin(const struct mpf_column *cols);
/* Write or keep rec (copied as needed). Returns 0, or -1 once stdout is
 * gone (EPIPE): later records are dropped, the work goes on. */
int mpf_output_record(const struct mpf_record *rec);
/* Print what was kept; returns 0 or MPF_EXIT_IOERR when stdout failed. */
int mpf_output_end(void);

#endif
