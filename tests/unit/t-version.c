/* t-version.c - version strings as boards and firmware names carry them
 * (doc/boards.md 1: mpflash gets the preview build number wrong). */
#include "test-lib.h"
#include "version.h"
#include "err.h"

static void parses(const char *s, int maj, int min, int pat, int preview, int build,
		   const char *hash, const char *formatted)
{
	struct mpf_version v;
	char out[32];

	if (!check_int(mpf_version_parse(s, &v), ==, 0))
		return;
	check_int(v.major, ==, maj);
	check_int(v.minor, ==, min);
	check_int(v.patch, ==, pat);
	check_int(v.preview, ==, preview);
	check_int(v.build, ==, build);
	check_str(v.hash, hash);
	mpf_version_format(&v, out, sizeof(out));
	check_str(out, formatted);
}

static void t_forms(void)
{
	parses("v1.23.0-preview.236.g2c8dab7ab", 1, 23, 0, 1, 236, "2c8dab7ab", "1.23.0-preview");
	parses("v1.22.2", 1, 22, 2, 0, 0, "", "1.22.2");
	parses("v1.19.1-123-gabcdef", 1, 19, 1, 1, 123, "abcdef", "1.19.1");
	parses("1.9.2", 1, 9, 2, 0, 0, "", "1.9.2");
	parses("1.24.0-preview", 1, 24, 0, 1, 0, "", "1.24.0-preview");
	parses("1.20", 1, 20, 0, 0, 0, "", "1.20.0");
}

static void t_bad(void)
{
	struct mpf_version v;

	check_int(mpf_version_parse("", &v), ==, MPF_ERR_FORMAT);
	check_int(mpf_version_parse("latest", &v), ==, MPF_ERR_FORMAT);
	check_int(mpf_version_parse("v1", &v), ==, MPF_ERR_FORMAT);
	check_int(mpf_version_parse("1.x", &v), ==, MPF_ERR_FORMAT);
}

static int cmp(const char *a, const char *b)
{
	struct mpf_version x, y;

	mpf_version_parse(a, &x);
	mpf_version_parse(b, &y);
	return mpf_version_cmp(&x, &y);
}

static void t_order(void)
{
	check_int(cmp("1.24.1", "1.24.0"), >, 0);
	check_int(cmp("1.9.2", "1.10.0"), <, 0);
	check_int(cmp("1.25.0-preview.10", "1.25.0"), <, 0);
	check_int(cmp("1.25.0-preview.10", "1.24.1"), >, 0);
	check_int(cmp("1.25.0-preview.10", "1.25.0-preview.9"), >, 0);
	check_int(cmp("v1.19.1-123-gabc", "1.19.1"), >, 0);
	check_int(cmp("v1.22.2", "1.22.2"), ==, 0);
}

int main(void)
{
	TEST(t_forms(), "release, preview, git-describe and short forms parse");
	TEST(t_bad(), "non-versions are refused");
	TEST(t_order(), "previews sort before their release, numbers numerically");
	return test_done();
}
