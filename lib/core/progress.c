/* progress.c - progress bars and JSON progress events on stderr. */
#include "progress.h"
#include "applet.h"
#include "buf.h"
#include "clock.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum mode { NONE, BAR, JSON };

struct mpf_progress {
	char *id, *phase;
	uint64_t total, done;
	int64_t start, last;
	enum mode mode;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static enum mode mode_now(void)
{
	const char *m = mpf.progress ? mpf.progress : "auto";

	if (!strcmp(m, "json"))
		return JSON;
	if (!strcmp(m, "bar") || (!strcmp(m, "auto") && !mpf.quiet && isatty(STDERR_FILENO)))
		return BAR;
	return NONE;
}

static void emit_json(const struct mpf_progress *p, const char *event, int ok)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "event", event,
			      "applet", mpf.prog ? mpf.prog : "mpf",
			      "id", p->id, "phase", p->phase);
	char *s;

	if (strcmp(event, "begin"))
		json_object_set_new(o, "done", json_integer((json_int_t)p->done));
	if (p->total)
		json_object_set_new(o, "total", json_integer((json_int_t)p->total));
	if (!strcmp(event, "end"))
		json_object_set_new(o, "ok", json_boolean(ok));
	s = json_dumps(o, JSON_COMPACT);
	fprintf(stderr, "%s\n", s);
	fflush(stderr);
	free(s);
	json_decref(o);
}

/* Bars on a terminal are one display, a line per running job (-j), below
 * everything else printed on stderr; the cursor waits on the line after
 * it. Each change redraws the display: up to its first line, clear to the
 * end of the screen, one line per bar. A finished bar's last line and a log
 * line (mpf_progress_print) go above the display, which is redrawn below. */
#define MAX_BARS 32
static struct mpf_progress *bars[MAX_BARS];
static int nbars, drawn;

static void bar_line(const struct mpf_progress *p, struct mpf_buf *b, int final, int ok)
{
	int pct = p->total ? (int)(p->done * 100 / p->total) : 0, i, fill = pct / 5;
	double secs = (double)(mpf_now_ms() - p->start) / 1000.0;

	mpf_buf_addf(b, "%s %s [", p->id, p->phase);
	for (i = 0; i < 20; i++)
		mpf_buf_addch(b, i < fill ? '#' : ' ');
	if (p->total)
		mpf_buf_addf(b, "] %3d%% %llu/%llu KiB %.1fs", pct,
			     (unsigned long long)(p->done >> 10),
			     (unsigned long long)(p->total >> 10), secs);
	else
		mpf_buf_addf(b, "] %llu KiB %.1fs", (unsigned long long)(p->done >> 10), secs);
	if (final)
		mpf_buf_addstr(b, ok ? " done" : " failed");
	mpf_buf_addstr(b, "\033[K\n");
}

static void erase_display(struct mpf_buf *b)
{
	if (drawn)
		mpf_buf_addf(b, "\r\033[%dA\033[J", drawn);
	drawn = 0;
}

static void draw_display(struct mpf_buf *b)
{
	int i;

	for (i = 0; i < nbars; i++)
		bar_line(bars[i], b, 0, 1);
	drawn = nbars;
	fwrite(b->buf, 1, b->len, stderr);
	fflush(stderr);
	mpf_buf_release(b);
}

/* Caller holds lock. */
static void bars_change(struct mpf_progress *add, struct mpf_progress *done, int ok)
{
	struct mpf_buf b = MPF_BUF_INIT;
	int i;

	if (add && nbars < MAX_BARS)
		bars[nbars++] = add;
	erase_display(&b);
	for (i = 0; done && i < nbars; i++)
		if (bars[i] == done) {
			memmove(bars + i, bars + i + 1, (size_t)(nbars - i - 1) * sizeof(*bars));
			nbars--;
			bar_line(done, &b, 1, ok);
		}
	draw_display(&b);
}

void mpf_progress_print(const char *text, size_t len)
{
	struct mpf_buf b = MPF_BUF_INIT;

	pthread_mutex_lock(&lock);
	erase_display(&b);
	mpf_buf_add(&b, text, len);
	draw_display(&b);
	pthread_mutex_unlock(&lock);
}

struct mpf_progress *mpf_progress_begin(const char *id, const char *phase, uint64_t total)
{
	struct mpf_progress *p = mpf_xcalloc(1, sizeof(*p));

	p->id = mpf_xstrdup(id ? id : "-");
	p->phase = mpf_xstrdup(phase ? phase : "");
	p->total = total;
	p->start = p->last = mpf_now_ms();
	p->mode = mode_now();
	pthread_mutex_lock(&lock);
	if (p->mode == JSON)
		emit_json(p, "begin", 1);
	else if (p->mode == BAR)
		bars_change(p, NULL, 1);
	pthread_mutex_unlock(&lock);
	return p;
}

void mpf_progress_update(struct mpf_progress *p, uint64_t done)
{
	int64_t now = mpf_now_ms();

	p->done = done;
	if (p->mode == NONE || now - p->last < 100)
		return;
	p->last = now;
	pthread_mutex_lock(&lock);
	if (p->mode == JSON)
		emit_json(p, "progress", 1);
	else
		bars_change(NULL, NULL, 1);
	pthread_mutex_unlock(&lock);
}

void mpf_progress_end(struct mpf_progress *p, int ok)
{
	if (!p)
		return;
	pthread_mutex_lock(&lock);
	if (p->mode == JSON)
		emit_json(p, "end", ok);
	else if (p->mode == BAR)
		bars_change(NULL, p, ok);
	pthread_mutex_unlock(&lock);
	free(p->id);
	free(p->phase);
	free(p);
}
