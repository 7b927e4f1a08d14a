/* opt.h - declarative option tables (after git's parse-options).
 *
 * One table per applet declares every option once; the same table drives
 * parsing, --help, the man page's OPTIONS section and the shell completions.
 *
 *   static int erase; static const char *baud_s; static struct mpf_strlist ign;
 *   static const struct mpf_opt opts[] = {
 *           OPT_BOOL(0, "erase", &erase, "erase the whole flash first"),
 *           OPT_LIST(0, "ignore", &ign, "GLOB", "skip ports matching GLOB"),
 *           OPT_END(),
 *   };
 *
 * The "values" field lists the accepted words of a CHOICE or SET option
 * ("jsonl|table|json") and otherwise holds a completion hint: "@file",
 * "@dir", "@serial" (device paths), "@hex" (an address), or NULL.
 */
#ifndef MPF_OPT_H
#define MPF_OPT_H

#include <stddef.h>

enum mpf_opt_type {
	MPF_OPT_END = 0,
	MPF_OPT_BOOL,	/* int *: set to 1 (--no-NAME sets 0) */
	MPF_OPT_COUNT,	/* int *: incremented each time */
	MPF_OPT_STRING,	/* const char **: the argument */
	MPF_OPT_INT,	/* int *: checked against lo..hi */
	MPF_OPT_DOUBLE,	/* double *: checked against lo..hi */
	MPF_OPT_LIST,	/* struct mpf_strlist *: appended each time */
	MPF_OPT_CHOICE,	/* const char **: one of values ("a|b|c") */
	MPF_OPT_SET,	/* unsigned *: comma-separated words of values, bit i = word i */
};

struct mpf_opt {
	enum mpf_opt_type type;
	char short_name;	/* 0 for none */
	const char *long_name;	/* without "--" */
	void *dest;
	const char *argname;	/* "SEC", "GLOB"; NULL for flags */
	const char *help;	/* one line, lowercase, no full stop */
	double lo, hi;		/* INT/DOUBLE range (inclusive) */
	const char *values;	/* CHOICE/SET words or a completion hint */
};

struct mpf_strlist {
	char **v;
	size_t n;
};

#define OPT_BOOL(s, l, d, h)		{ MPF_OPT_BOOL, s, l, d, NULL, h, 0, 0, NULL }
#define OPT_COUNT(s, l, d, h)		{ MPF_OPT_COUNT, s, l, d, NULL, h, 0, 0, NULL }
#define OPT_STRING(s, l, d, a, h)	{ MPF_OPT_STRING, s, l, d, a, h, 0, 0, NULL }
#define OPT_FILE(s, l, d, a, h)		{ MPF_OPT_STRING, s, l, d, a, h, 0, 0, "@file" }
#define OPT_DIR(s, l, d, a, h)		{ MPF_OPT_STRING, s, l, d, a, h, 0, 0, "@dir" }
#define OPT_HINT(s, l, d, a, hint, h)	{ MPF_OPT_STRING, s, l, d, a, h, 0, 0, hint }
#define OPT_INT(s, l, d, a, lo, hi, h)	{ MPF_OPT_INT, s, l, d, a, h, lo, hi, NULL }
#define OPT_DOUBLE(s, l, d, a, lo, hi, h) { MPF_OPT_DOUBLE, s, l, d, a, h, lo, hi, NULL }
#define OPT_LIST(s, l, d, a, h)		{ MPF_OPT_LIST, s, l, d, a, h, 0, 0, NULL }
#define OPT_LIST_HINT(s, l, d, a, hint, h) { MPF_OPT_LIST, s, l, d, a, h, 0, 0, hint }
#define OPT_CHOICE(s, l, d, a, v, h)	{ MPF_OPT_CHOICE, s, l, d, a, h, 0, 0, v }
#define OPT_SET(s, l, d, a, v, h)	{ MPF_OPT_SET, s, l, d, a, h, 0, 0, v }
#define OPT_END()			{ MPF_OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL }

/* Parse argv[1..argc-1] against the tables (NULL-terminated array of
 * OPT_END-terminated tables, searched in order). Options and operands may
 * be mixed; "--" ends options. Operands are moved to the front of argv in
 * order and their count is returned; on error a message (without the
 * program name) is put in err and MPF_ERR_ARG returned. */
struct mpf_buf;
int mpf_opt_parse(const struct mpf_opt *const *tables, int argc, char **argv,
		  struct mpf_buf *err);

/* Word i of a "a|b|c" or "a,b,c" list into out (size cap); returns its
 * length, or -1 past the end. */
int mpf_opt_word(const char *values, int i, char *out, size_t cap);

/* "--long, -s ARG" spelled the way --help and man pages show it. */
void mpf_opt_spell(const struct mpf_opt *o, struct mpf_buf *out);

void mpf_strlist_add(struct mpf_strlist *l, const char *s);
/* Add each space-separated word of s. */
void mpf_strlist_split(struct mpf_strlist *l, const char *s);
void mpf_strlist_clear(struct mpf_strlist *l);
/* 1 if s matches any fnmatch(3) pattern of l. */
int mpf_strlist_match(const struct mpf_strlist *l, const char *s);

#endif
