/* opt.h - declarative option tables (after git's parse-options).
 *
 * One table per applet declares every option once; the same table drives
 * parsing, --help, the man page's OPTIONS section and the shell completions.
 *
 *   static int o_erase_all; static struct mpf_u32 o_address;
 *   static struct mpf_strlist o_ignore;
 *   static const struct mpf_opt opts[] = {
 *           OPT_BOOL(0, "erase-all", &o_erase_all, "erase the whole flash first"),
 *           OPT_ADDR(0, "address", &o_address, "ADDR", "where a .bin goes"),
 *           OPT_LIST(0, "ignore", &o_ignore, "GLOB", "skip ports matching GLOB"),
 *           OPT_END(),
 *   };
 *
 * Naming rule for the variables an option fills: a file-scope static in
 * the applet, "o_" and the long name with '-' as '_' (--erase-all:
 * o_erase_all); a LIST may take the plural (--board: o_boards). A library's
 * options struct is filled from them after parsing, not pointed into.
 *
 * Numbers are typed, so that a bad value is a usage error (exit 2) before
 * anything is opened, and every applet reads "0x08000000" or "1M" alike:
 * ADDR and SIZE fill a struct mpf_u32, FREQ too, DURATION a double of
 * seconds. The same parsers serve subcommand operands (mpf_parse_*).
 *
 * The "values" field lists the accepted words of a CHOICE or SET option
 * ("jsonl|table|json") and otherwise holds a completion hint: "@file",
 * "@dir", "@serial" (device paths), "@hex" (an address), or NULL. A CHOICE
 * whose words come from a driver table names a function instead
 * (OPT_CHOICE_FN): word(i) is the i-th word, NULL past the end, and
 * accept(arg), if not NULL, admits other spellings (a number, a loose name).
 */
#ifndef MPF_OPT_H
#define MPF_OPT_H

#include <stddef.h>
#include <stdint.h>

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
	MPF_OPT_ADDR,	/* struct mpf_u32 *: mpf_parse_addr */
	MPF_OPT_SIZE,	/* struct mpf_u32 *: mpf_parse_size, checked against lo..hi */
	MPF_OPT_FREQ,	/* struct mpf_u32 *: mpf_parse_hz, checked against lo..hi */
	MPF_OPT_DURATION, /* double *: seconds, mpf_parse_duration, checked against lo..hi */
};

/* A 32-bit number option and whether it was given. */
struct mpf_u32 {
	uint32_t v;
	int given;
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
	const char *(*word)(int i);	/* CHOICE words from a table */
	int (*accept)(const char *arg);	/* CHOICE: 1 for another spelling it takes */
};

struct mpf_strlist {
	char **v;
	size_t n;
};

#define OPT_(t, s, l, d, a, h, lo, hi, v)	{ t, s, l, d, a, h, lo, hi, v, NULL, NULL }
#define OPT_BOOL(s, l, d, h)		OPT_(MPF_OPT_BOOL, s, l, d, NULL, h, 0, 0, NULL)
#define OPT_COUNT(s, l, d, h)		OPT_(MPF_OPT_COUNT, s, l, d, NULL, h, 0, 0, NULL)
#define OPT_STRING(s, l, d, a, h)	OPT_(MPF_OPT_STRING, s, l, d, a, h, 0, 0, NULL)
#define OPT_FILE(s, l, d, a, h)		OPT_(MPF_OPT_STRING, s, l, d, a, h, 0, 0, "@file")
#define OPT_DIR(s, l, d, a, h)		OPT_(MPF_OPT_STRING, s, l, d, a, h, 0, 0, "@dir")
#define OPT_HINT(s, l, d, a, hint, h)	OPT_(MPF_OPT_STRING, s, l, d, a, h, 0, 0, hint)
#define OPT_INT(s, l, d, a, lo, hi, h)	OPT_(MPF_OPT_INT, s, l, d, a, h, lo, hi, NULL)
#define OPT_DOUBLE(s, l, d, a, lo, hi, h) OPT_(MPF_OPT_DOUBLE, s, l, d, a, h, lo, hi, NULL)
#define OPT_ADDR(s, l, d, a, h)		OPT_(MPF_OPT_ADDR, s, l, d, a, h, 0, 0, "@hex")
#define OPT_SIZE(s, l, d, a, lo, hi, h)	OPT_(MPF_OPT_SIZE, s, l, d, a, h, lo, hi, NULL)
#define OPT_FREQ(s, l, d, a, lo, hi, h)	OPT_(MPF_OPT_FREQ, s, l, d, a, h, lo, hi, NULL)
#define OPT_DURATION(s, l, d, a, lo, hi, h) OPT_(MPF_OPT_DURATION, s, l, d, a, h, lo, hi, NULL)
#define OPT_LIST(s, l, d, a, h)		OPT_(MPF_OPT_LIST, s, l, d, a, h, 0, 0, NULL)
#define OPT_LIST_HINT(s, l, d, a, hint, h) OPT_(MPF_OPT_LIST, s, l, d, a, h, 0, 0, hint)
#define OPT_CHOICE(s, l, d, a, v, h)	OPT_(MPF_OPT_CHOICE, s, l, d, a, h, 0, 0, v)
#define OPT_CHOICE_FN(s, l, d, a, word, accept, h) \
	{ MPF_OPT_CHOICE, s, l, d, a, h, 0, 0, NULL, word, accept }
#define OPT_SET(s, l, d, a, v, h)	OPT_(MPF_OPT_SET, s, l, d, a, h, 0, 0, v)
#define OPT_END()			OPT_(MPF_OPT_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL)

/* Parse argv[1..argc-1] against the tables (NULL-terminated array of
 * OPT_END-terminated tables, searched in order). Options and operands may
 * be mixed; "--" ends options. Operands are moved to the front of argv in
 * order and their count is returned; on error a message (without the
 * program name) is put in err and MPF_ERR_ARG returned. */
struct mpf_buf;
int mpf_opt_parse(const struct mpf_opt *const *tables, int argc, char **argv,
		  struct mpf_buf *err);

/* Options that cannot go together, each pair "LONG LONG" ("all address"),
 * NULL-terminated: the first pair both given on the command line of the
 * last mpf_opt_parse is put in err ("--all and --address cannot go
 * together") and MPF_ERR_ARG returned; 0 when none is. */
int mpf_opt_conflicts(const char *const *pairs, struct mpf_buf *err);

/* Word i of a CHOICE or SET option (its "a|b|c" or "a,b,c" values, or its
 * word function) into out (size cap); returns its length, or -1 past the end. */
int mpf_opt_word(const struct mpf_opt *o, int i, char *out, size_t cap);

/* The number parsers behind the typed options; each returns 0, or -1 and
 * leaves *v alone. No sign, no leading blank, nothing after the number.
 *   addr:     "0x08000000" (hex after 0x) or "4096" (decimal, even "010")
 *   size:     an addr, or decimal with K or M (x1024, x1048576): "1M", "64k"
 *   hz:       decimal, maybe a fraction, with k or M (x1000, x1000000) and
 *             an optional "Hz": "4M", "1.8MHz", "400k"
 *   duration: seconds, maybe a fraction, "s" or "ms" after it: "1.5",
 *             "500ms", "2s" */
int mpf_parse_addr(const char *s, uint32_t *v);
int mpf_parse_size(const char *s, uint32_t *v);
int mpf_parse_hz(const char *s, uint32_t *v);
int mpf_parse_duration(const char *s, double *seconds);

/* "--long, -s ARG" spelled the way --help and man pages show it. */
void mpf_opt_spell(const struct mpf_opt *o, struct mpf_buf *out);

void mpf_strlist_add(struct mpf_strlist *l, const char *s);
/* Add each space-separated word of s. */
void mpf_strlist_split(struct mpf_strlist *l, const char *s);
void mpf_strlist_clear(struct mpf_strlist *l);
/* 1 if s matches any fnmatch(3) pattern of l. */
int mpf_strlist_match(const struct mpf_strlist *l, const char *s);

#endif
