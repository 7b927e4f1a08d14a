/* t-clock.c - the one monotonic clock, sleep and poll-until-deadline. */
#include "test-lib.h"
#include "clock.h"
#include "err.h"
#include "log.h"

static int calls;

static int done_on_third(void *ctx)
{
	return ++calls >= 3;
}

static int never(void *ctx)
{
	calls++;
	return 0;
}

static int fails(void *ctx)
{
	return MPF_ERR_IO;
}

static void t_sleep(void)
{
	int64_t t0 = mpf_now_ms();

	check_int(mpf_sleep_ms(30), ==, 0);
	check_int(mpf_now_ms() - t0, >=, 30);
	check_int(mpf_now_us() / 1000 - mpf_now_ms(), <=, 1);
}

static void t_poll(void)
{
	int64_t t0;

	calls = 0;
	check_int(mpf_poll_until(done_on_third, NULL, 1000, 1), ==, 0);
	check_int(calls, ==, 3);
	calls = 0;
	t0 = mpf_now_ms();
	check_int(mpf_poll_until(never, NULL, 50, 10), ==, MPF_ERR_TIMEOUT);
	check_int(mpf_now_ms() - t0, >=, 50);
	check_int(calls, >=, 2);
	check_int(calls, <=, 7);
	check_int(mpf_poll_until(fails, NULL, 50, 10), ==, MPF_ERR_IO);
	calls = 0;
	check_int(mpf_poll_until(never, NULL, 0, 10), ==, MPF_ERR_TIMEOUT);
	check_int(calls, ==, 1);
}

static void t_poll_stopped(void)
{
	calls = 0;
	mpf_interrupted = 1;
	check_int(mpf_poll_until(never, NULL, 1000, 10), ==, MPF_ERR_INTR);
	check_int(calls, ==, 1);
	mpf_interrupted = 0;
}

int main(void)
{
	TEST(t_sleep(), "mpf_sleep_ms sleeps at least that long on the monotonic clock");
	TEST(t_poll(), "mpf_poll_until: done, timeout, the question's own error");
	TEST(t_poll_stopped(), "mpf_poll_until stops when a signal asked mpf to stop");
	return test_done();
}
