/* t-test-lib.c - the unit-test library keeps its promises: a test that
 * makes no check fails, a skipped one passes and says so.
 *
 * Run with the argument "demo", it runs one test of each kind; run plain,
 * it runs itself that way and checks the TAP it printed and its exit. */
#include "test-lib.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static void t_nothing(void)
{
}

static void t_skipped(void)
{
	test_skip("nothing to see");
}

static void t_one_check(void)
{
	check_int(1 + 1, ==, 2);
}

static int demo(void)
{
	TEST(t_nothing(), "a test with no check");
	TEST(t_skipped(), "a skipped test");
	TEST(t_one_check(), "a test with one check");
	return test_done();
}

static char out[4096];
static int status = -1;

static void run_demo(const char *self)
{
	char cmd[1200];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "'%s' demo", self);
	p = popen(cmd, "r");
	if (!check(p != NULL))
		return;
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	status = pclose(p);
}

static void t_no_check_fails(void)
{
	check(strstr(out, "# BUG: test has no checks at ") != NULL);
	check(strstr(out, "\nnot ok 1 - a test with no check\n") != NULL);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 1);
}

static void t_skip_passes(void)
{
	check(strstr(out, "\nok 2 - a skipped test # SKIP nothing to see\n") != NULL);
	check(strstr(out, "\nok 3 - a test with one check\n") != NULL);
	check(strstr(out, "\n1..3\n") != NULL);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "demo"))
		return demo();
	run_demo(argv[0]);
	TEST(t_no_check_fails(), "a test that makes no check fails the run");
	TEST(t_skip_passes(), "a skipped test and a checked one pass");
	return test_done();
}
