/* test-lib.h - a TAP micro-library for C unit tests (after git's
 * t/unit-tests/test-lib.h).
 *
 *   static void t_encode(void) { check_int(slip_encode(...), ==, 14); }
 *   int main(void) { TEST(t_encode(), "slip encodes a READ_REG frame");
 *                    return test_done(); }
 *
 * Each TEST prints "ok N - desc" or "not ok N - desc"; a failing check
 * prints a "# check ... failed at file:line" diagnostic with both values.
 * Checks return true when they pass, so a test can stop early:
 *   if (!check(p != NULL)) return;
 * A test that makes no check fails ("# BUG: test has no checks"), unless
 * it calls test_skip("why"), which prints "ok N - desc # SKIP why".
 */
#ifndef TEST_LIB_H
#define TEST_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TEST_LOCATION() __FILE__, __LINE__

#define TEST(t, ...) \
	test__run_end((test__run_begin(), (t), 1), TEST_LOCATION(), __VA_ARGS__)

#define check(x) check_bool_loc(TEST_LOCATION(), #x, (x))
/* Each operand is evaluated exactly once (through the test__ temporaries,
 * as git does), so checks may call functions with side effects. */
#define check_int(a, op, b) \
	(test__ia = (intmax_t)(a), test__ib = (intmax_t)(b), \
	 check_int_loc(TEST_LOCATION(), #a " " #op " " #b, test__ia op test__ib, \
		       test__ia, test__ib))
#define check_uint(a, op, b) \
	(test__ua = (uintmax_t)(a), test__ub = (uintmax_t)(b), \
	 check_uint_loc(TEST_LOCATION(), #a " " #op " " #b, test__ua op test__ub, \
			test__ua, test__ub))
#define check_str(a, b) check_str_loc(TEST_LOCATION(), #a " == " #b, (a), (b))
#define check_mem(a, b, n) check_mem_loc(TEST_LOCATION(), #a " == " #b, (a), (b), (n))

extern intmax_t test__ia, test__ib;
extern uintmax_t test__ua, test__ub;

void test__run_begin(void);
int test__run_end(int, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int check_bool_loc(const char *file, int line, const char *expr, int ok);
int check_int_loc(const char *file, int line, const char *expr, int ok,
		  intmax_t a, intmax_t b);
int check_uint_loc(const char *file, int line, const char *expr, int ok,
		   uintmax_t a, uintmax_t b);
int check_str_loc(const char *file, int line, const char *expr,
		  const char *a, const char *b);
int check_mem_loc(const char *file, int line, const char *expr,
		  const void *a, const void *b, size_t n);
/* Mark the running test skipped: it passes without a check. */
void test_skip(const char *why);
/* Print a TAP diagnostic line ("# ..."). */
void test_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Path of a file under tests/fixtures (uses $MPF_SRC when set). */
const char *test_fixture(const char *name);
/* Print "1..N" and return the exit status for main(). */
int test_done(void);

#endif
