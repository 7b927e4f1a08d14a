/* log.h - messages on stderr, prefixed with the program name.
 *
 * Levels: error and warning always show (unless -q hides warnings), info
 * shows by default, debug with -v, trace with -vv. Every call writes one
 * whole line under a lock, so messages from parallel jobs do not mix.
 */
#ifndef MPF_LOG_H
#define MPF_LOG_H

enum mpf_log_level { MPF_LOG_ERROR, MPF_LOG_WARN, MPF_LOG_INFO, MPF_LOG_DEBUG, MPF_LOG_TRACE };

void mpf_log(enum mpf_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int mpf_log_enabled(enum mpf_log_level level);

#define mpf_error(...) mpf_log(MPF_LOG_ERROR, __VA_ARGS__)
#define mpf_warn(...) mpf_log(MPF_LOG_WARN, __VA_ARGS__)
#define mpf_info(...) mpf_log(MPF_LOG_INFO, __VA_ARGS__)
#define mpf_debug(...) mpf_log(MPF_LOG_DEBUG, __VA_ARGS__)
#define mpf_trace(...) mpf_log(MPF_LOG_TRACE, __VA_ARGS__)

/* Print "prog: message" and exit with code, running the cleanups. */
_Noreturn void mpf_die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print "prog: message" and "(see 'prog --help')", exit 2. */
_Noreturn void mpf_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Cleanups that must run however the program ends (termios, DTR/RTS,
 * claimed USB interfaces): on return from main, mpf_die, and SIGINT /
 * SIGTERM / SIGHUP. They run in reverse order of registration and must be
 * safe to call from a signal handler (close, tcsetattr, ioctl, unlink).
 * Returns a handle for mpf_cleanup_pop, which removes one without running it. */
int mpf_cleanup_push(void (*fn)(void *), void *arg);
void mpf_cleanup_pop(int handle);
void mpf_cleanup_run(void);

/* Set once SIGINT or SIGTERM arrived (the signal number); long operations
 * poll it and stop with MPF_ERR_INTR. A second signal exits at once. */
extern volatile int mpf_interrupted;
void mpf_signals_init(void);

#endif
