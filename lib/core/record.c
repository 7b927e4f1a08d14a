/* record.c - JSON Lines push parser and record field helpers. */
#include "record.h"
#include "applet.h"
#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void mpf_jsonl_init(struct mpf_jsonl *p, const char *name)
{
	memset(p, 0, sizeof(*p));
	p->name = name ? name : "stdin";
}

void mpf_jsonl_feed(struct mpf_jsonl *p, const void *data, size_t len)
{
	mpf_buf_add(&p->buf, data, len);
}

void mpf_jsonl_finish(struct mpf_jsonl *p)
{
	p->finished = 1;
}

void mpf_jsonl_release(struct mpf_jsonl *p)
{
	mpf_buf_release(&p->buf);
}

static int is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strchr(" \t\r", s[i]))
			return 0;
	return 1;
}

/* Numbers jansson cannot hold as written (an integer past 64 bits, -0,
 * 1e400, digits past a double's) travel as strings carrying the number's
 * text after a prefix, and go back to the text on output, so a record
 * passes every JSON number on as it came, changed or not. The prefix holds
 * a NUL and a random key drawn once per process, so no string a record
 * brings in can pass for a number (and so change the output's shape); the
 * output side also unmarks only what is a number. */
static char number_mark[24], number_mark_json[32];
static size_t number_mark_len;
static pthread_once_t number_mark_once = PTHREAD_ONCE_INIT;

static void number_mark_init(void)
{
	uint64_t key = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, &key, sizeof(key)) != (ssize_t)sizeof(key))
		key = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	if (fd >= 0)
		close(fd);
	number_mark[0] = '\0';
	snprintf(number_mark + 1, sizeof(number_mark) - 1, "n%016llx:", (unsigned long long)key);
	number_mark_len = 1 + strlen(number_mark + 1);
	snprintf(number_mark_json, sizeof(number_mark_json), "\"\\u0000%s", number_mark + 1);
}

static const char *mark_json(void)
{
	pthread_once(&number_mark_once, number_mark_init);
	return number_mark_json;
}

/* Does jansson give back the number tok[0..n) as written? */
static int number_exact(const char *tok, size_t n)
{
	char text[64], *s, *end;
	json_t *real;
	int exact;

	if (n >= sizeof(text))
		return 0;
	memcpy(text, tok, n);
	text[n] = '\0';
	if (!strpbrk(text, ".eE")) {
		char back[32];
		long long v;

		errno = 0;
		v = strtoll(text, &end, 10);
		snprintf(back, sizeof(back), "%lld", v);
		return !errno && !strcmp(back, text);
	}
	real = json_real(strtod(text, &end));
	s = json_dumps(real, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
	exact = s && !strcmp(s, text);
	free(s);
	json_decref(real);
	return exact;
}

static size_t digits(const char *t, size_t i, size_t n)
{
	size_t j = i;

	while (j < n && t[j] >= '0' && t[j] <= '9')
		j++;
	return j - i;
}

/* Is t[0..n) a number as RFC 8259 section 6 spells one? (Anything else
 * is left for jansson to refuse.) */
static int json_number(const char *t, size_t n)
{
	size_t i = t[0] == '-', d = digits(t, i, n);

	if (!d || (d > 1 && t[i] == '0'))
		return 0;
	i += d;
	if (i < n && t[i] == '.') {
		if (!(d = digits(t, ++i, n)))
			return 0;
		i += d;
	}
	if (i < n && (t[i] == 'e' || t[i] == 'E')) {
		i += i + 1 < n && (t[i + 1] == '+' || t[i + 1] == '-') ? 2 : 1;
		if (!(d = digits(t, i, n)))
			return 0;
		i += d;
	}
	return i == n;
}

/* line with each number jansson would change as a marked string, into
 * out (NULL: only count them); returns how many there were. */
static int mark_numbers(const char *line, size_t len, struct mpf_buf *out)
{
	size_t i = 0, n;
	int in_str = 0, marked = 0;

	while (i < len) {
		char c = line[i];

		if (in_str || c == '"' || (c != '-' && (c < '0' || c > '9'))) {
			/* an escape and the byte it escapes go together */
			size_t k = in_str && c == '\\' && i + 1 < len ? 2 : 1;

			if (c == '"')
				in_str = !in_str;
			if (out)
				mpf_buf_add(out, line + i, k);
			i += k;
			continue;
		}
		n = strspn(line + i, "+-0123456789.eE");
		if (i + n > len)
			n = len - i;
		if (!json_number(line + i, n) || number_exact(line + i, n)) {
			if (out)
				mpf_buf_add(out, line + i, n);
		} else {
			if (out)
				mpf_buf_addf(out, "%s%.*s\"", mark_json(), (int)n, line + i);
			marked++;
		}
		i += n;
	}
	return marked;
}

const char *mpf_json_number(const json_t *v)
{
	const char *s = json_string_value(v);

	mark_json();
	return s && json_string_length(v) > number_mark_len &&
	       !memcmp(s, number_mark, number_mark_len) &&
	       json_number(s + number_mark_len, strlen(s + number_mark_len)) ?
	       s + number_mark_len : NULL;
}

char *mpf_json_dumps(const json_t *v, size_t flags)
{
	char *s = json_dumps(v, flags), *p, *q;
	const char *m = mark_json();
	size_t mark = strlen(m);

	/* "\u0000nKEY:1e400" -> 1e400, in place (the text only shrinks) */
	for (p = s; p && (p = strstr(p, m)); ) {
		q = strchr(p + mark, '"');
		if (!q || !json_number(p + mark, (size_t)(q - p - mark))) {
			p += mark;
			continue;
		}
		memmove(p, p + mark, (size_t)(q - p - mark));
		memmove(p + (q - p - mark), q + 1, strlen(q + 1) + 1);
		p += q - p - mark;
	}
	return s;
}

/* Parse one line (without its newline) into rec. */
static int parse_line(struct mpf_jsonl *p, const char *line, size_t len,
		      struct mpf_record *rec, struct mpf_buf *err)
{
	struct mpf_buf marked = MPF_BUF_INIT;
	json_error_t je;
	json_t *obj;

	if (len && line[len - 1] == '\r')
		len--;
	/* Most lines hold no such number: they are read as they are. */
	if (mark_numbers(line, len, NULL) && mark_numbers(line, len, &marked))
		obj = json_loadb(marked.buf, marked.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	else
		obj = json_loadb(line, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	mpf_buf_release(&marked);
	if (!obj)
		return mpf_errf(err, MPF_ERR_FORMAT, "%s:%lu: invalid JSON: %s",
				p->name, p->lineno, je.text);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return mpf_errf(err, MPF_ERR_FORMAT, "%s:%lu: not a JSON object",
				p->name, p->lineno);
	}
	rec->obj = obj;
	rec->raw = mpf_xstrndup(line, len);
	rec->raw_len = len;
	rec->lineno = p->lineno;
	rec->dirty = 0;
	return 1;
}

int mpf_jsonl_next(struct mpf_jsonl *p, struct mpf_record *rec, struct mpf_buf *err)
{
	for (;;) {
		char *nl = memchr(p->buf.buf ? p->buf.buf + p->scan : "", '\n',
				  p->buf.len - p->scan);
		size_t len;
		int r;

		if (!nl) {
			p->scan = p->buf.len;
			if (p->buf.len > MPF_JSONL_MAX_LINE && !p->skipping) {
				p->skipping = 1;
				mpf_buf_reset(&p->buf);
				p->scan = 0;
				return mpf_errf(err, MPF_ERR_FORMAT,
						"%s:%lu: line longer than %u MiB skipped",
						p->name, p->lineno + 1, MPF_JSONL_MAX_LINE >> 20);
			}
			if (p->skipping) {
				mpf_buf_reset(&p->buf);
				p->scan = 0;
			}
			if (!p->finished || !p->buf.len)
				return 0;
			nl = p->buf.buf + p->buf.len;	/* last line, no '\n' */
		}
		len = (size_t)(nl - p->buf.buf);
		p->lineno++;
		if (p->skipping) {
			p->skipping = 0;
			r = 0;
		} else if (is_blank(p->buf.buf, len)) {
			r = 0;
		} else {
			r = parse_line(p, p->buf.buf, len, rec, err);
		}
		mpf_buf_consume(&p->buf, len + (len < p->buf.len));
		p->scan = 0;
		if (r)
			return r;
	}
}

void mpf_record_init(struct mpf_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->obj = json_object();
	rec->dirty = 1;
}

void mpf_record_from(struct mpf_record *rec, json_t *obj)
{
	memset(rec, 0, sizeof(*rec));
	rec->obj = obj;
	rec->dirty = 1;
}

void mpf_record_release(struct mpf_record *rec)
{
	json_decref(rec->obj);
	free(rec->raw);
	memset(rec, 0, sizeof(*rec));
}

char *mpf_record_dump(const struct mpf_record *rec, size_t *len)
{
	char *s;

	if (!rec->dirty && rec->raw) {
		*len = rec->raw_len;
		return mpf_xstrndup(rec->raw, rec->raw_len);
	}
	/* 15 significant digits print 22.4 and 0.07 as such, not 22.399999999999999
	 * or 0.07000000000000001; untouched records keep their own digits. */
	s = mpf_json_dumps(rec->obj, JSON_COMPACT | JSON_REAL_PRECISION(15));
	if (!s)
		s = mpf_xstrdup("{}");
	*len = strlen(s);
	return s;
}

json_t *mpf_rec_get(const struct mpf_record *rec, const char *path)
{
	json_t *v = rec->obj;
	const char *p = path, *dot;
	char key[128];

	while (v && (dot = strchr(p, '.'))) {
		size_t n = (size_t)(dot - p);

		if (n >= sizeof(key) || !json_is_object(v))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		v = json_object_get(v, key);
		p = dot + 1;
	}
	return json_is_object(v) ? json_object_get(v, p) : NULL;
}

const char *mpf_rec_str(const struct mpf_record *rec, const char *path)
{
	return json_string_value(mpf_rec_get(rec, path));
}

long long mpf_rec_int(const struct mpf_record *rec, const char *path, long long dflt)
{
	json_t *v = mpf_rec_get(rec, path);

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v))
		return (long long)json_real_value(v);
	return dflt;
}

int mpf_rec_bool(const struct mpf_record *rec, const char *path, int dflt)
{
	json_t *v = mpf_rec_get(rec, path);

	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

void mpf_rec_set(struct mpf_record *rec, const char *key, json_t *val)
{
	rec->dirty = 1;
	if (val)
		json_object_set_new(rec->obj, key, val);
	else
		json_object_del(rec->obj, key);
}

void mpf_rec_set_str(struct mpf_record *rec, const char *key, const char *s)
{
	mpf_rec_set(rec, key, s ? json_string(s) : NULL);
}

void mpf_rec_set_int(struct mpf_record *rec, const char *key, long long v)
{
	mpf_rec_set(rec, key, json_integer(v));
}

void mpf_rec_set_bool(struct mpf_record *rec, const char *key, int v)
{
	mpf_rec_set(rec, key, json_boolean(v));
}

void mpf_rec_del(struct mpf_record *rec, const char *key)
{
	mpf_rec_set(rec, key, NULL);
}

void mpf_rec_set_error(struct mpf_record *rec, const char *code, const char *fmt, ...)
{
	struct mpf_buf msg = MPF_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	mpf_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	mpf_rec_set(rec, "error", json_pack("{s:s, s:s, s:s}",
					    "applet", mpf.prog ? mpf.prog : "mpf",
					    "code", code ? code : "error",
					    "message", mpf_buf_str(&msg)));
	mpf_buf_release(&msg);
}

int mpf_rec_has_error(const struct mpf_record *rec)
{
	json_t *e = json_object_get(rec->obj, "error");

	return e && !json_is_null(e);
}
