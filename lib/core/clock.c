/* clock.c - monotonic time, sleep and poll (clock.h). */
#include "clock.h"
#include "err.h"
#include "log.h"

#include <errno.h>
#include <time.h>

int64_t mpf_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t mpf_now_ms(void)
{
	return mpf_now_us() / 1000;
}

int mpf_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0)
		if (errno != EINTR || mpf_interrupted)
			return MPF_ERR_INTR;
	return 0;
}

int mpf_poll_until(int (*done)(void *ctx), void *ctx, int timeout_ms, int every_ms)
{
	int64_t end = mpf_now_ms() + timeout_ms;
	int r;

	while (!(r = done(ctx))) {
		if (mpf_interrupted)
			return MPF_ERR_INTR;
		if (mpf_now_ms() >= end)
			return MPF_ERR_TIMEOUT;
		if (mpf_sleep_ms(every_ms) < 0)
			return MPF_ERR_INTR;
	}
	return r < 0 ? r : 0;
}
