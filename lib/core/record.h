/* record.h - JSON Lines records (mpf(7), RECORDS).
 *
 * A record is one JSON object per line. Applets add or change the fields
 * they own through the mpf_rec_* setters, which mark the record dirty; a
 * record nobody changed is written back byte for byte as it was read, so
 * pass-through is exact. A changed record keeps every other field, in order.
 *
 * Reading is a push parser over buffers (mpf_jsonl_*), so files, pipes and
 * sockets share one code path and tests can feed bytes directly. It copes
 * with long lines, CRLF, blank lines and a last line without '\n'; a bad
 * line is reported with its line number and parsing goes on.
 */
#ifndef MPF_RECORD_H
#define MPF_RECORD_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"

struct mpf_record {
	json_t *obj;		/* the object (owned) */
	char *raw;		/* the line as read, without "\r\n"; NULL if made here */
	size_t raw_len;
	unsigned long lineno;	/* input line number, 0 if made here */
	int dirty;		/* changed since read: write obj, not raw */
	unsigned long seq;	/* place in the applet's input: tables and JSON
				 * arrays are printed in this order */
};

/* Longest line accepted; longer ones are reported and skipped. */
#define MPF_JSONL_MAX_LINE (64u << 20)

struct mpf_jsonl {
	struct mpf_buf buf;	/* unparsed bytes */
	size_t scan;		/* bytes of buf known to hold no '\n' */
	unsigned long lineno;	/* lines consumed so far */
	const char *name;	/* "stdin" or a file name, for messages */
	int finished;		/* no more input will come */
	int skipping;		/* inside an over-long line */
};

void mpf_jsonl_init(struct mpf_jsonl *p, const char *name);
void mpf_jsonl_feed(struct mpf_jsonl *p, const void *data, size_t len);
/* End of input: a final line without '\n' becomes a record too. */
void mpf_jsonl_finish(struct mpf_jsonl *p);
/* 1: a record was stored in rec (initialised here; release it).
 * 0: need more input, or the end after finish.
 * MPF_ERR_FORMAT: a bad line, message "NAME:LINE: ..." in err; call again. */
int mpf_jsonl_next(struct mpf_jsonl *p, struct mpf_record *rec, struct mpf_buf *err);
void mpf_jsonl_release(struct mpf_jsonl *p);

/* A new, empty record (obj = {}). */
void mpf_record_init(struct mpf_record *rec);
/* Take ownership of obj (must be an object). */
void mpf_record_from(struct mpf_record *rec, json_t *obj);
void mpf_record_release(struct mpf_record *rec);
/* The line to write, without '\n' (malloc'ed; *len set). */
char *mpf_record_dump(const struct mpf_record *rec, size_t *len);

/* json_dumps, with the numbers jansson could not hold (a record's
 * 123456789012345678901234567890 or 1e400) written back as they came. */
char *mpf_json_dumps(const json_t *v, size_t flags);
/* Such a number's text, or NULL when v is not one. */
const char *mpf_json_number(const json_t *v);

/* Field access. Paths may be dotted: "firmware.file". */
json_t *mpf_rec_get(const struct mpf_record *rec, const char *path);
const char *mpf_rec_str(const struct mpf_record *rec, const char *path);
/* Integer value, or dflt when absent or not a number. */
long long mpf_rec_int(const struct mpf_record *rec, const char *path, long long dflt);
/* true/false, or dflt when absent or not a boolean. */
int mpf_rec_bool(const struct mpf_record *rec, const char *path, int dflt);

/* Setters mark the record dirty. mpf_rec_set steals the reference;
 * NULL values delete the key. */
void mpf_rec_set(struct mpf_record *rec, const char *key, json_t *val);
void mpf_rec_set_str(struct mpf_record *rec, const char *key, const char *s);
void mpf_rec_set_int(struct mpf_record *rec, const char *key, long long v);
void mpf_rec_set_bool(struct mpf_record *rec, const char *key, int v);
void mpf_rec_del(struct mpf_record *rec, const char *key);

/* Set "error": {"applet": mpf.prog, "code": code, "message": ...}. */
void mpf_rec_set_error(struct mpf_record *rec, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int mpf_rec_has_error(const struct mpf_record *rec);

#endif
