/* clock.h - time for timeouts: a monotonic clock, a sleep, a poll.
 *
 * Every wait in mpf is measured with mpf_now_ms and ends early when a
 * signal asked mpf to stop (mpf_interrupted, log.h).
 */
#ifndef MPF_CLOCK_H
#define MPF_CLOCK_H

#include <stdint.h>

/* Milliseconds on the monotonic clock (CLOCK_MONOTONIC: never set back);
 * mpf_now_us in microseconds, for rates. */
int64_t mpf_now_ms(void);
int64_t mpf_now_us(void);

/* Sleep ms milliseconds. Returns 0, or MPF_ERR_INTR when a signal that
 * asks mpf to stop (mpf_interrupted) arrives during the sleep, which then
 * ends; other signals do not shorten it. */
int mpf_sleep_ms(int ms);

/* Call done(ctx) every every_ms until it returns non-zero, for at most
 * timeout_ms (it is called at least once).
 * Returns 0 when done returned > 0, done's own negative error, or
 * MPF_ERR_TIMEOUT or MPF_ERR_INTR (no message: the caller knows what it
 * waited for). */
int mpf_poll_until(int (*done)(void *ctx), void *ctx, int timeout_ms, int every_ms);

#endif
