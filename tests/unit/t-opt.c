/* t-opt.c - option tables: the parsing every applet's command line gets. */
#include "test-lib.h"
#include "opt.h"
#include "buf.h"
#include "err.h"

#include <string.h>

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

int main(void)
{
	TEST(t_good(), "long, short, clustered, =value, operands mixed and after --");
	TEST(t_bad(), "bad options give one clear message each");
	TEST(t_negate(), "--no-FLAG clears a flag");
	TEST(t_split(), "MPF_IGNORE-style space-separated globs");
	mpf_strlist_clear(&list);
	return test_done();
}
