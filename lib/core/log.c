/* log.c - stderr messages, cleanups that survive every exit path, signals. */
#include "log.h"
#include "applet.h"
#include "buf.h"
#include "exitcode.h"
#include "progress.h"

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

volatile int mpf_interrupted;

int mpf_log_enabled(enum mpf_log_level level)
{
	switch (level) {
	case MPF_LOG_ERROR:
		return 1;
	case MPF_LOG_WARN:
	case MPF_LOG_INFO:
		return !mpf.quiet;
	case MPF_LOG_DEBUG:
		return mpf.verbose >= 1;
	default:
		return mpf.verbose >= 2;
	}
}

static void vlog(enum mpf_log_level level, const char *fmt, va_list ap)
{
	static const char *const tag[] = { "", "warning: ", "", "debug: ", "trace: " };
	struct mpf_buf b = MPF_BUF_INIT;

	mpf_buf_addf(&b, "%s: %s", mpf.prog ? mpf.prog : "mpf", tag[level]);
	mpf_buf_vaddf(&b, fmt, ap);
	mpf_buf_addch(&b, '\n');
	mpf_progress_print(b.buf, b.len);
	mpf_buf_release(&b);
}

void mpf_log(enum mpf_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (!mpf_log_enabled(level))
		return;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void mpf_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(MPF_LOG_ERROR, fmt, ap);
	va_end(ap);
	mpf_cleanup_run();
	fflush(stdout);
	exit(code);
}

void mpf_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(MPF_LOG_ERROR, fmt, ap);
	va_end(ap);
	fprintf(stderr, "(see '%s --help')\n", mpf.prog ? mpf.prog : "mpf");
	exit(MPF_EXIT_USAGE);
}

/* A fixed table: cleanups are few (a port, a USB interface per job) and a
 * signal handler must not walk memory that malloc may be changing. */
#define MAX_CLEANUPS 256
static struct {
	void (*fn)(void *);
	void *arg;
} cleanups[MAX_CLEANUPS];
static pthread_mutex_t cleanup_lock = PTHREAD_MUTEX_INITIALIZER;

int mpf_cleanup_push(void (*fn)(void *), void *arg)
{
	int i;

	pthread_mutex_lock(&cleanup_lock);
	for (i = 0; i < MAX_CLEANUPS; i++)
		if (!cleanups[i].fn) {
			cleanups[i].arg = arg;
			cleanups[i].fn = fn;
			break;
		}
	pthread_mutex_unlock(&cleanup_lock);
	return i < MAX_CLEANUPS ? i : -1;
}

void mpf_cleanup_pop(int handle)
{
	if (handle < 0 || handle >= MAX_CLEANUPS)
		return;
	pthread_mutex_lock(&cleanup_lock);
	cleanups[handle].fn = NULL;
	pthread_mutex_unlock(&cleanup_lock);
}

void mpf_cleanup_run(void)
{
	int i;

	for (i = MAX_CLEANUPS - 1; i >= 0; i--) {
		void (*fn)(void *) = cleanups[i].fn;

		cleanups[i].fn = NULL;
		if (fn)
			fn(cleanups[i].arg);
	}
}

static void on_signal(int sig)
{
	if (!mpf_interrupted && sig != SIGHUP) {
		/* First signal: ask running work to stop and report. */
		mpf_interrupted = sig;
		return;
	}
	mpf_cleanup_run();
	_exit(128 + sig);
}

static void on_wake(int sig)
{
	(void)sig;
}

void mpf_signals_init(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocking read returns EINTR so the loop sees the flag. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* nohup: an ignored SIGHUP stays ignored */
	if (sigaction(SIGHUP, NULL, &old) || old.sa_handler != SIG_IGN)
		sigaction(SIGHUP, &sa, NULL);
	/* SIGURG only wakes a worker thread out of a blocking call (EINTR). */
	sa.sa_handler = on_wake;
	sigaction(SIGURG, &sa, NULL);
	/* A closed pipe is reported by write() as EPIPE and ends us quietly. */
	signal(SIGPIPE, SIG_IGN);
	/* A file size limit (ulimit -f) must fail the write with EFBIG, which
	 * the writer reports, not kill us before a record is out. */
	signal(SIGXFSZ, SIG_IGN);
}
