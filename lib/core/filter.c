/* filter.c - parallel record processing; each record written when done. */
#include "filter.h"
#include "applet.h"
#include "err.h"
#include "exitcode.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
	int written;
	int result;
	char *device;		/* the key of f->device, or NULL */
	pthread_t thread;
	struct runner *rn;
	struct job *next;
};

struct runner {
	const struct mpf_filter *f;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *head, *tail;	/* in input order */
	unsigned long seq;	/* records taken so far */
	int running, jobs, status;
	int woken;		/* workers were told about an interrupt */
	int wake[2];		/* a byte when a job ends: the reader's poll returns */
};

static int passes_through(const struct mpf_filter *f, const struct mpf_record *rec)
{
	if (mpf_rec_has_error(rec) && !mpf.retry_errors)
		return 1;
	if (mpf_rec_bool(rec, "ignore", 0))
		return 1;
	return f->wants && !f->wants(rec, f->ctx);
}

/* Write j's record. Called with the lock held, once per job. */
static void emit(struct runner *rn, struct job *j)
{
	/* A record that failed here or upstream makes the exit status 1,
	 * so the last applet of a pipeline tells the shell the truth. */
	if ((j->work && j->result < 0) || mpf_rec_has_error(&j->rec))
		rn->status = MPF_EXIT_FAIL;
	mpf_output_record(&j->rec);
	mpf_record_release(&j->rec);
	j->written = 1;
}

static void job_free(struct job *j)
{
	if (j->thread_made)
		pthread_join(j->thread, NULL);
	free(j->device);
	free(j);
}

/* A job ended: written now unless input order is kept. Lock held. */
static void finish(struct runner *rn, struct job *j)
{
	j->done = 1;
	if (!mpf.keep_order)
		emit(rn, j);
	pthread_cond_broadcast(&rn->cond);
	/* a full pipe (EAGAIN) wakes the reader all the same */
	if (rn->wake[1] >= 0 && write(rn->wake[1], "", 1) < 0 && errno != EAGAIN)
		mpf_debug("cannot wake the reader: %s", strerror(errno));
}

static void *worker(void *arg)
{
	struct job *j = arg;
	struct runner *rn = j->rn;
	int r = rn->f->run(&j->rec, rn->f->ctx);

	pthread_mutex_lock(&rn->lock);
	j->result = r;
	rn->running--;
	finish(rn, j);
	pthread_mutex_unlock(&rn->lock);
	return NULL;
}

static void set_device(struct runner *rn, struct job *j)
{
	struct mpf_buf key = MPF_BUF_INIT;
	const char *k;

	if (rn->f->device && (k = rn->f->device(&j->rec, &key, rn->f->ctx)))
		j->device = mpf_xstrdup(k);
	mpf_buf_release(&key);
}

/* Take rec: a record nothing is done for goes on at once (in input order
 * only with --keep-order), the others wait for a worker. Lock held. */
static void enqueue(struct runner *rn, struct mpf_record *rec)
{
	struct job *j = mpf_xcalloc(1, sizeof(*j));

	j->rec = *rec;
	j->rec.seq = rn->seq++;
	j->rn = rn;
	if (mpf.retry_errors && mpf_rec_has_error(&j->rec) && !mpf_rec_bool(&j->rec, "ignore", 0))
		mpf_rec_del(&j->rec, "error");
	j->work = rn->f->run && !passes_through(rn->f, &j->rec);
	if (!j->work && !mpf.keep_order) {
		emit(rn, j);
		free(j);
		return;
	}
	j->done = !j->work;
	if (j->work)
		set_device(rn, j);
	if (rn->tail)
		rn->tail->next = j;
	else
		rn->head = j;
	rn->tail = j;
}

/* After SIGINT/SIGTERM nothing new starts: each waiting record goes on
 * with an error saying so, so the output still holds every record. */
static void cancel(struct runner *rn, struct job *j)
{
	mpf_rec_set_error(&j->rec, "interrupted", "not started: interrupted by %s",
			  mpf_interrupted == SIGTERM ? "SIGTERM" : "SIGINT");
	j->started = 1;
	j->result = MPF_ERR_INTR;
	finish(rn, j);
}

/* 1 if a running job works on j's device. Lock held. */
static int device_busy(const struct runner *rn, const struct job *j)
{
	const struct job *o;

	for (o = rn->head; j->device && o; o = o->next)
		if (o->started && !o->done && o->device && !strcmp(o->device, j->device))
			return 1;
	return 0;
}

/* Start queued jobs while fewer than rn->jobs run, each on a device no
 * running job holds. Lock held. */
static void start_jobs(struct runner *rn)
{
	struct job *j;

	for (j = rn->head; j && (rn->running < rn->jobs || mpf_interrupted); j = j->next) {
		if (!j->work || j->started)
			continue;
		if (mpf_interrupted) {
			cancel(rn, j);
			continue;
		}
		if (device_busy(rn, j))
			continue;
		j->started = 1;
		rn->running++;
		if (pthread_create(&j->thread, NULL, worker, j)) {
			j->started = 0;
			rn->running--;
			break;	/* tried again when a running job ends */
		}
		j->thread_made = 1;
	}
}

/* Free finished jobs: with --keep-order write the done ones at the head,
 * otherwise (written when they ended) every done one. Lock held. */
static void reap(struct runner *rn)
{
	struct job **p = &rn->head, *j;

	rn->tail = NULL;
	while ((j = *p)) {
		if (j->done && !j->written && mpf.keep_order && p == &rn->head)
			emit(rn, j);
		if (!j->written) {
			rn->tail = j;
			p = &j->next;
			continue;
		}
		*p = j->next;
		job_free(j);
	}
}

static void runner_init(struct runner *rn, const struct mpf_filter *f, int poll_wake)
{
	memset(rn, 0, sizeof(*rn));
	rn->f = f;
	pthread_mutex_init(&rn->lock, NULL);
	pthread_cond_init(&rn->cond, NULL);
	rn->jobs = mpf.jobs > 0 ? mpf.jobs : INT_MAX;
	rn->wake[0] = rn->wake[1] = -1;
	if (poll_wake && pipe(rn->wake) == 0) {
		fcntl(rn->wake[0], F_SETFL, O_NONBLOCK);
		fcntl(rn->wake[1], F_SETFL, O_NONBLOCK);
	}
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
		reap(rn);
		if (!rn->head)
			break;
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
	if (rn->wake[0] >= 0) {
		close(rn->wake[0]);
		close(rn->wake[1]);
	}
	return r ? r : rn->status;
}

int mpf_filter_list(const struct mpf_filter *f, struct mpf_record *recs, size_t n)
{
	struct runner rn;
	size_t i;

	runner_init(&rn, f, 0);
	pthread_mutex_lock(&rn.lock);
	for (i = 0; i < n; i++)
		enqueue(&rn, &recs[i]);
	pthread_mutex_unlock(&rn.lock);
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
		start_jobs(rn);
		pthread_mutex_unlock(&rn->lock);
	}
	mpf_buf_release(&err);
}

/* Start what may start, free what ended; 1 while jobs are queued. */
static int step(struct runner *rn)
{
	char junk[64];
	int busy;

	while (rn->wake[0] >= 0 && read(rn->wake[0], junk, sizeof(junk)) > 0)
		;
	pthread_mutex_lock(&rn->lock);
	start_jobs(rn);
	reap(rn);
	busy = rn->head != NULL;
	if (mpf_interrupted)
		wake_workers(rn);
	pthread_mutex_unlock(&rn->lock);
	return busy;
}

int mpf_filter_fd(const struct mpf_filter *f, int fd, const char *name)
{
	struct runner rn;
	struct mpf_jsonl p;
	char buf[65536];
	ssize_t n;

	runner_init(&rn, f, 1);
	mpf_jsonl_init(&p, name);
	for (;;) {
		struct pollfd pfd[2] = { { fd, POLLIN, 0 }, { rn.wake[0], POLLIN, 0 } };
		int busy = step(&rn);

		if (mpf_interrupted)
			break;
		/* Block on input and on jobs ending; while jobs run, wake up
		 * now and then to notice an interrupt taken by a worker. */
		if (poll(pfd, 2, busy ? 100 : -1) <= 0 || !pfd[0].revents)
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
