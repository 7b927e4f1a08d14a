/* t-opt.c - option tables: the parsing every applet's command line gets. */
#include "test-lib.h"
#include "opt.h"
#include "buf.h"
#include "err.h"

#include <string.h>
#include <strings.h>

static int flag, count, num;
static double secs;
static const char *str, *choice;
static unsigned set;
static struct mpf_strlist list;

static const struct mpf_opt opts[] = {
	OPT_BOOL('f', "flag", &flag, "a flag"),
	OPT_COUNT('v', "verbose", &count, "more"),
	OPT_INT('j', "jobs", &num, "N", 1, 16, "jobs"),
	OPT_DOUBLE(0, "timeout", &secs, "SEC", 0.1, 60, "seconds"),
	OPT_STRING('s', "str", &str, "S", "a string"),
	OPT_CHOICE('o', "output", &choice, "F", "jsonl|table|json", "format"),
	OPT_SET('k', "kind", &set, "K", "serial,dfu,uf2,probe", "kinds"),
	OPT_LIST('i', "ignore", &list, "GLOB", "globs"),
	OPT_END(),
};

static int parse(struct mpf_buf *err, int argc, char **argv)
{
	const struct mpf_opt *tables[] = { opts, NULL };

	flag = count = num = 0;
	secs = 0;
	str = choice = NULL;
	set = 0;
	mpf_strlist_clear(&list);
	return mpf_opt_parse(tables, argc, argv, err);
}

static void t_good(void)
{
	char *argv[] = { "prog", "a", "-vvf", "--jobs=4", "-j5", "b", "--timeout", "1.5",
			 "-s", "x", "--output", "json", "-kdfu,probe", "-i", "g1", "--ignore=g2",
			 "--", "-c", NULL };
	struct mpf_buf err = MPF_BUF_INIT;
	int n = parse(&err, 18, argv);

	if (!check_int(n, ==, 3))
		test_msg("%s", mpf_buf_str(&err));
	check_str(argv[0], "a");
	check_str(argv[1], "b");
	check_str(argv[2], "-c");
	check(argv[3] == NULL);
	check_int(flag, ==, 1);
	check_int(count, ==, 2);
	check_int(num, ==, 5);
	check(secs == 1.5);
	check_str(str, "x");
	check_str(choice, "json");
	check_uint(set, ==, 0xA);
	check_uint(list.n, ==, 2);
	check_str(list.v[1], "g2");
	check(mpf_strlist_match(&list, "g1"));
	mpf_buf_release(&err);
}

static void bad(const char *a, const char *b, const char *msg)
{
	char *argv[] = { "prog", (char *)a, (char *)b, NULL };
	struct mpf_buf err = MPF_BUF_INIT;

	check_int(parse(&err, b ? 3 : 2, argv), ==, MPF_ERR_ARG);
	if (!check(strstr(mpf_buf_str(&err), msg) != NULL))
		test_msg("got: %s", mpf_buf_str(&err));
	mpf_buf_release(&err);
}

static void t_bad(void)
{
	bad("--nope", NULL, "unknown option '--nope'");
	bad("-x", NULL, "unknown option '-x'");
	bad("--jobs", NULL, "requires a value");
	bad("--jobs", "0", "out of range");
	bad("--jobs", "many", "expects a number");
	bad("--output", "xml", "takes one of");
	bad("--kind", "serial,usb", "not 'usb'");
	bad("--flag=1", NULL, "takes no value");
}

static void t_negate(void)
{
	char *argv[] = { "prog", "--flag", "--no-flag", NULL };
	struct mpf_buf err = MPF_BUF_INIT;

	check_int(parse(&err, 3, argv), ==, 0);
	check_int(flag, ==, 0);
	mpf_buf_release(&err);
}

static void t_split(void)
{
	struct mpf_strlist l = { 0 };

	mpf_strlist_split(&l, "  /dev/ttyS*  ttyAMA0\t");
	check_uint(l.n, ==, 2);
	check_str(l.v[0], "/dev/ttyS*");
	check(mpf_strlist_match(&l, "/dev/ttyS4"));
	check(!mpf_strlist_match(&l, "/dev/ttyACM0"));
	mpf_strlist_split(&l, NULL);
	check_uint(l.n, ==, 2);
	mpf_strlist_clear(&l);
}

/* Each parser on the spellings the applets have taken, and the ones that
 * used to slip through one of the five private parsers they replace.
 * want < 0: refused, and the value left alone. */
struct num_case {
	const char *s;
	double want;
};

static const struct num_case addrs[] = {
	{ "0x08000000", 0x08000000 }, { "0XfFfFfFfF", 0xffffffff }, { "4096", 4096 },
	{ "010", 10 } /* decimal, not octal */, { "0", 0 },
	{ "0x100000000", -1 }, { "4294967296", -1 }, { "-1", -1 } /* strtoul: 2^64-1 */,
	{ " 1", -1 }, { "", -1 }, { "0x", -1 }, { "1M", -1 } /* no suffix */, { "0x1g", -1 },
};

static const struct num_case sizes[] = {
	{ "1M", 1048576 }, { "1m", 1048576 }, { "64K", 65536 }, { "4k", 4096 },
	{ "0x100000", 0x100000 }, { "4095M", 4095.0 * 1048576 },
	{ "4096M", -1 }, { "4194304K", -1 }, { "1MB", -1 }, { "1G", -1 }, { "M", -1 },
	{ "1.5M", -1 },
};

static const struct num_case hzs[] = {
	{ "4M", 4e6 }, { "1800k", 1.8e6 }, { "1.8MHz", 1.8e6 }, { "400khz", 4e5 },
	{ "100000", 1e5 }, { "4m", 4e6 } /* as esptool and OpenOCD users write it */,
	{ "fast", -1 }, { "4MH", -1 }, { "1e6", -1 }, { "-4M", -1 }, { "5000M", -1 },
};

static const struct num_case durations[] = {
	{ "1.5", 1.5 }, { "500ms", 0.5 }, { "2s", 2 }, { ".25", 0.25 }, { "0", 0 },
	{ "1.2.3", -1 }, { ".", -1 }, { "nan", -1 }, { "inf", -1 }, { "-1", -1 },
	{ "1e3", -1 }, { "5m", -1 }, { "5 s", -1 },
};

static void check_u32(int (*fn)(const char *, uint32_t *), const struct num_case *c,
		      size_t n)
{
	uint32_t v;

	for (; n--; c++) {
		v = 7;
		if (!check_int(fn(c->s, &v), ==, c->want < 0 ? -1 : 0) ||
		    !check_uint(v, ==, c->want < 0 ? 7 : (uint32_t)c->want))
			test_msg("input '%s'", c->s);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void t_addr(void)
{
	check_u32(mpf_parse_addr, addrs, N(addrs));
}

static void t_size(void)
{
	check_u32(mpf_parse_size, sizes, N(sizes));
}

static void t_hz(void)
{
	check_u32(mpf_parse_hz, hzs, N(hzs));
}

static void t_duration(void)
{
	const struct num_case *c;
	double v;

	for (c = durations; c < durations + N(durations); c++) {
		v = 7;
		if (!check_int(mpf_parse_duration(c->s, &v), ==, c->want < 0 ? -1 : 0) ||
		    !check(v == (c->want < 0 ? 7 : c->want)))
			test_msg("input '%s'", c->s);
	}
}

static struct mpf_u32 addr, size, freq;
static double wait_s;
static const char *family;

static const char *family_word(int i)
{
	static const char *const w[] = { "RP2040", "SAMD51", NULL };

	return i < 2 ? w[i] : NULL;
}

static int family_accept(const char *arg)
{
	uint32_t v;

	return !strcasecmp(arg, "samd51") || !mpf_parse_addr(arg, &v);
}

static const struct mpf_opt typed[] = {
	OPT_ADDR('a', "address", &addr, "ADDR", "an address"),
	OPT_SIZE(0, "size", &size, "SIZE", 1, 0xffffffff, "a size"),
	OPT_FREQ('f', "frequency", &freq, "HZ", 1000, 100e6, "a clock"),
	OPT_DURATION(0, "wait", &wait_s, "SEC", 0, 60, "a wait"),
	OPT_CHOICE_FN(0, "family", &family, "NAME", family_word, family_accept, "a family"),
	OPT_END(),
};

static int parse_typed(struct mpf_buf *err, int argc, char **argv)
{
	const struct mpf_opt *tables[] = { typed, NULL };

	addr = size = freq = (struct mpf_u32){ 0, 0 };
	wait_s = 0;
	family = NULL;
	mpf_buf_reset(err);
	return mpf_opt_parse(tables, argc, argv, err);
}

static void t_typed(void)
{
	char *good[] = { "prog", "--address", "0x08000000", "--size=1M", "-f", "1800k",
			 "--wait", "250ms", "--family", "samd51", NULL };
	char *by_id[] = { "prog", "--family", "0x5ee21073", NULL };
	struct mpf_buf err = MPF_BUF_INIT;
	char *b[4] = { "prog", NULL, NULL, NULL };
	static const char *const refused[][3] = {
		{ "--address", "1M", "expects an address" },
		{ "--address", "-1", "expects an address" },
		{ "--size", "0", "out of range" },
		{ "--size", "4096M", "expects a size" },
		{ "--frequency", "100", "out of range" },
		{ "--frequency", "fast", "expects a frequency" },
		{ "--wait", "61", "out of range" },
		{ "--wait", "soon", "expects a duration" },
		{ "--family", "Z80", "takes one of 'RP2040|SAMD51', not 'Z80'" },
	};
	size_t i;

	check_int(parse_typed(&err, 10, good), ==, 0);
	check_uint(addr.v, ==, 0x08000000);
	check_int(addr.given, ==, 1);
	check_uint(size.v, ==, 1048576);
	check_uint(freq.v, ==, 1800000);
	check(wait_s == 0.25);
	check_str(family, "samd51");
	check_int(parse_typed(&err, 3, by_id), ==, 0);
	check_str(family, "0x5ee21073");
	check_int(addr.given, ==, 0);
	for (i = 0; i < N(refused); i++) {
		b[1] = (char *)refused[i][0];
		b[2] = (char *)refused[i][1];
		check_int(parse_typed(&err, 3, b), ==, MPF_ERR_ARG);
		if (!check(strstr(mpf_buf_str(&err), refused[i][2]) != NULL))
			test_msg("%s %s: %s", b[1], b[2], mpf_buf_str(&err));
	}
	mpf_buf_release(&err);
}

static void t_words(void)
{
	char w[16];

	check_int(mpf_opt_word(&typed[4], 1, w, sizeof(w)), ==, 6);
	check_str(w, "SAMD51");
	check_int(mpf_opt_word(&typed[4], 2, w, sizeof(w)), ==, -1);
	check_int(mpf_opt_word(&opts[5], 2, w, sizeof(w)), ==, 4);
	check_str(w, "json");
	check_int(mpf_opt_word(&opts[0], 0, w, sizeof(w)), ==, -1);
}

int main(void)
{
	TEST(t_good(), "long, short, clustered, =value, operands mixed and after --");
	TEST(t_bad(), "bad options give one clear message each");
	TEST(t_negate(), "--no-FLAG clears a flag");
	TEST(t_split(), "MPF_IGNORE-style space-separated globs");
	TEST(t_addr(), "addresses: 0x hex or decimal, 32 bits, nothing else");
	TEST(t_size(), "sizes: an address or K/M multiples, 32 bits");
	TEST(t_hz(), "frequencies: k/M and an optional Hz");
	TEST(t_duration(), "durations: seconds, fractions, ms and s");
	TEST(t_typed(), "typed options parse and refuse with one message each");
	TEST(t_words(), "choice words from a list or from a table function");
	mpf_strlist_clear(&list);
	return test_done();
}
