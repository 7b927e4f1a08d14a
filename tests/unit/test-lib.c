/* test-lib.c - TAP output for C unit tests; see test-lib.h. */
#include "test-lib.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int count, failed_tests, cur_failed, cur_checks;
static const char *cur_skip;
intmax_t test__ia, test__ib;
uintmax_t test__ua, test__ub;

void test__run_begin(void)
{
	cur_failed = cur_checks = 0;
	cur_skip = NULL;
}

void test_skip(const char *why)
{
	cur_skip = why;
}

/* A test that checked nothing proves nothing: it fails (as in git's
 * test-lib) unless it said why it was skipped. */
int test__run_end(int ran, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	(void)ran;
	count++;
	if (!cur_checks && !cur_skip) {
		printf("# BUG: test has no checks at %s:%d\n", file, line);
		cur_failed = 1;
	}
	printf("%sok %d - ", cur_failed ? "not " : "", count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (cur_skip && !cur_failed)
		printf(" # SKIP %s", cur_skip);
	printf("\n");
	fflush(stdout);
	if (cur_failed)
		failed_tests++;
	return !cur_failed;
}

static int pass(void)
{
	cur_checks++;
	return 1;
}

static int fail(const char *file, int line, const char *expr)
{
	cur_checks++;
	cur_failed = 1;
	printf("# check \"%s\" failed at %s:%d\n", expr, file, line);
	return 0;
}

int check_bool_loc(const char *file, int line, const char *expr, int ok)
{
	return ok ? pass() : fail(file, line, expr);
}

int check_int_loc(const char *file, int line, const char *expr, int ok,
		  intmax_t a, intmax_t b)
{
	if (ok)
		return pass();
	fail(file, line, expr);
	printf("#    left: %" PRIdMAX "\n#   right: %" PRIdMAX "\n", a, b);
	return 0;
}

int check_uint_loc(const char *file, int line, const char *expr, int ok,
		   uintmax_t a, uintmax_t b)
{
	if (ok)
		return pass();
	fail(file, line, expr);
	printf("#    left: %" PRIuMAX " (0x%" PRIxMAX ")\n#   right: %" PRIuMAX
	       " (0x%" PRIxMAX ")\n", a, a, b, b);
	return 0;
}

int check_str_loc(const char *file, int line, const char *expr,
		  const char *a, const char *b)
{
	if (a == b || (a && b && !strcmp(a, b)))
		return pass();
	fail(file, line, expr);
	printf("#    left: %s%s%s\n", a ? "\"" : "", a ? a : "NULL", a ? "\"" : "");
	printf("#   right: %s%s%s\n", b ? "\"" : "", b ? b : "NULL", b ? "\"" : "");
	return 0;
}

static void dump(const char *label, const unsigned char *p, size_t n, size_t at)
{
	size_t i, start = at > 8 ? at - 8 : 0;

	printf("#   %s @%zu:", label, start);
	for (i = start; i < n && i < start + 24; i++)
		printf(" %02x", p[i]);
	printf("\n");
}

int check_mem_loc(const char *file, int line, const char *expr,
		  const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	size_t i;

	for (i = 0; i < n; i++)
		if (x[i] != y[i])
			break;
	if (i == n)
		return pass();
	fail(file, line, expr);
	printf("#   first difference at byte %zu of %zu\n", i, n);
	dump(" left", x, n, i);
	dump("right", y, n, i);
	return 0;
}

void test_msg(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

const char *test_fixture(const char *name)
{
	static char path[4096];
	const char *src = getenv("MPF_SRC");

	snprintf(path, sizeof(path), "%s/tests/fixtures/%s", src ? src : ".", name);
	return path;
}

int test_done(void)
{
	printf("1..%d\n", count);
	return failed_tests ? 1 : 0;
}
