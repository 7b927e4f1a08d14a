/* filter.c - parallel, order-keeping record processing. */
#include "filter.h"
#include "applet.h"
#include "err.h"
#include "exitcode.h"
#include "log.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct job {
	struct mpf_record rec;
	int work;		/* needs .run */
	int started;
	int thread_made;
	int done;
	int result;
	pthread_t thread;
	const struct mpf_filter *f;
	struct runner *rn;
	struct job *next;
};

struct runner {
	const struct mpf_filter *f;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *head, *tail;	/* in input order */
	int running, jobs, status;
	int woken;		/* workers were told about an interrupt */
};

static int passes_through(const struct mpf_filter *f, const struct mpf_record *rec)
{
	if (mpf_rec_has_error(rec) && !mpf.retry_errors)
		return 1;
	if (mpf_rec_bool(rec, "ignore", 0))
		return 1;
	return f->wants && !f->wants(rec, f->ctx);
}

static void *worker(void *arg)
{
	struct job *j = arg;
	int r = j->f->run(&j->rec, j->f->ctx);

	pthread_mutex_lock(&j->rn->lock);
	j->result = r;
	j->done = 1;
	j->rn->running--;
	pthread_cond_broadcast(&j->rn->cond);
	pthread_mutex_unlock(&j->rn->lock);
	return NULL;
}

static void enqueue(struct runner *rn, struct mpf_record *rec)
{
	struct job *j = mpf_xcalloc(1, sizeof(*j));

	j->rec = *rec;
	j->f = rn->f;
	j->rn = rn;
	if (mpf.retry_errors && mpf_rec_has_error(&j->rec) && !mpf_rec_bool(&j->rec, "ignore", 0))
		mpf_rec_del(&j->rec, "error");
	j->work = rn->f->run && !passes_through(rn->f, &j->rec);
	j->done = !j->work;
	if (rn->tail)
		rn->tail->next = j;
	else
		rn->head = j;
	rn->tail = j;
}

/* After SIGINT/SIGTERM nothing new starts: each waiting record goes on
 * with an error saying so, so the output still holds every record. */
static void cancel(struct job *j)
{
	mpf_rec_set_error(&j->rec, "interrupted", "not started: interrupted by %s",
			  mpf_interrupted == SIGTERM ? "SIGTERM" : "SIGINT");
	j->started = 1;
	j->done = 1;
	j->result = MPF_ERR_INTR;
}

/* Start queued jobs while fewer than mpf.jobs run. Called with lock held. */
static void start_jobs(struct runner *rn)
{
	struct job *j;

	for (j = rn->head; j && (rn->running < rn->jobs || mpf_interrupted); j = j->next) {
		if (!j->work || j->started)
			continue;
		if (mpf_interrupted) {
			cancel(j);
			continue;
		}
		j->started = 1;
		rn->running++;
		if (rn->jobs == 1) {
			/* One job at a time: run inline, simpler to debug. */
			pthread_mutex_unlock(&rn->lock);
			j->result = rn->f->run(&j->rec, rn->f->ctx);
			pthread_mutex_lock(&rn->lock);
			j->done = 1;
			rn->running--;
			break;	/* let the caller write it before the next starts */
		} else if (pthread_create(&j->thread, NULL, worker, j)) {
			j->started = 0;
			rn->running--;
			break;
		} else {
			j->thread_made = 1;
		}
	}
}

/* Write and free finished jobs at the head. Called with lock held. */
static void flush_done(struct runner *rn)
{
	struct job *j;

	while ((j = rn->head) && j->done) {
		if (j->started && j->thread_made)
			pthread_join(j->thread, NULL);
		/* A record that failed here or upstream makes the exit status 1,
		 * so the last applet of a pipeline tells the shell the truth. */
		if ((j->work && j->result < 0) || mpf_rec_has_error(&j->rec))
			rn->status = MPF_EXIT_FAIL;
		mpf_output_record(&j->rec);
		mpf_record_release(&j->rec);
		rn->head = j->next;
		if (!rn->head)
			rn->tail = NULL;
		free(j);
	}
}

static void runner_init(struct runner *rn, const struct mpf_filter *f)
{
	memset(rn, 0, sizeof(*rn));
	rn->f = f;
	pthread_mutex_init(&rn->lock, NULL);
	pthread_cond_init(&rn->cond, NULL);
	rn->jobs = mpf.jobs > 0 ? mpf.jobs : 1;
	mpf_output_begin(f->columns);
}

/* Signals land on one thread; workers blocked in poll() on another are
 * woken with SIGURG (a no-op handler, see mpf_signals_init) so their
 * reads return EINTR, see mpf_interrupted and end with an error. */
static void wake_workers(struct runner *rn)
{
	struct job *j;

	if (rn->woken)
		return;
	rn->woken = 1;
	for (j = rn->head; j; j = j->next)
		if (j->thread_made && !j->done)
			pthread_kill(j->thread, SIGURG);
}

/* Wait for a job to finish, at most 100 ms (a condition wait is not
 * interrupted by signals, so an interrupt must be noticed by polling). */
static void wait_some(struct runner *rn)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 100000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&rn->cond, &rn->lock, &ts);
	if (mpf_interrupted)
		wake_workers(rn);
}

/* Run everything queued to completion. */
static void drain(struct runner *rn)
{
	pthread_mutex_lock(&rn->lock);
	for (;;) {
		start_jobs(rn);
		flush_done(rn);
		if (!rn->head)
			break;
		/* with -j 1 the job ran inline: nothing to wait for */
		if (rn->running)
			wait_some(rn);
	}
	pthread_mutex_unlock(&rn->lock);
}

static int runner_end(struct runner *rn)
{
	int r;

	drain(rn);
	r = mpf_output_end();
	pthread_mutex_destroy(&rn->lock);
	pthread_cond_destroy(&rn->cond);
	return r ? r : rn->status;
}

int mpf_filter_list(const struct mpf_filter *f, struct mpf_record *recs, size_t n)
{
	struct runner rn;
	size_t i;

	runner_init(&rn, f);
	for (i = 0; i < n; i++)
		enqueue(&rn, &recs[i]);
	return runner_end(&rn);
}

/* Take every complete record out of the parser. */
static void take_records(struct runner *rn, struct mpf_jsonl *p)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_record rec;
	int r;

	while ((r = mpf_jsonl_next(p, &rec, &err)) != 0) {
		if (r < 0) {
			mpf_error("%s", err.buf);
			rn->status = MPF_EXIT_FAIL;
			continue;
		}
		pthread_mutex_lock(&rn->lock);
		enqueue(rn, &rec);
		pthread_mutex_unlock(&rn->lock);
	}
	mpf_buf_release(&err);
}

int mpf_filter_fd(const struct mpf_filter *f, int fd, const char *name)
{
	struct runner rn;
	struct mpf_jsonl p;
	char buf[65536];
	ssize_t n;

	runner_init(&rn, f);
	mpf_jsonl_init(&p, name);
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int busy;

		pthread_mutex_lock(&rn.lock);
		start_jobs(&rn);
		flush_done(&rn);
		busy = rn.head != NULL;
		if (mpf_interrupted)
			wake_workers(&rn);
		pthread_mutex_unlock(&rn.lock);
		if (mpf_interrupted)
			break;
		/* While work is in flight wake up now and then to write what
		 * finished; otherwise block on input. */
		if (poll(&pfd, 1, busy ? 20 : -1) == 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			if (mpf_interrupted)
				break;
			continue;
		}
		if (n < 0) {
			mpf_error("cannot read %s: %s", name, strerror(errno));
			rn.status = MPF_EXIT_IOERR;
			break;
		}
		if (n == 0)
			break;
		mpf_jsonl_feed(&p, buf, (size_t)n);
		take_records(&rn, &p);
	}
	mpf_jsonl_finish(&p);
	take_records(&rn, &p);
	mpf_jsonl_release(&p);
	return runner_end(&rn);
}
