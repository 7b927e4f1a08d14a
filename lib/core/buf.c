/* buf.c - growable buffer and aborting allocators. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
	fprintf(stderr, "mpf: out of memory allocating %zu bytes\n", n);
	abort();
}

void *mpf_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *mpf_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom(n * size);
	return p;
}

void *mpf_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

char *mpf_xstrdup(const char *s)
{
	return mpf_xstrndup(s, strlen(s));
}

char *mpf_xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = mpf_xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *mpf_xasprintf(const char *fmt, ...)
{
	struct mpf_buf b = MPF_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	mpf_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return mpf_buf_detach(&b);
}

void mpf_buf_grow(struct mpf_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->alloc)
		return;
	if (need < b->alloc * 2)
		need = b->alloc * 2;
	if (need < 64)
		need = 64;
	b->buf = mpf_xrealloc(b->buf, need);
	b->alloc = need;
}

void mpf_buf_add(struct mpf_buf *b, const void *data, size_t len)
{
	mpf_buf_grow(b, len);
	if (len)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
}

void mpf_buf_addstr(struct mpf_buf *b, const char *s)
{
	mpf_buf_add(b, s, strlen(s));
}

void mpf_buf_addch(struct mpf_buf *b, int c)
{
	char ch = (char)c;

	mpf_buf_add(b, &ch, 1);
}

void mpf_buf_vaddf(struct mpf_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	mpf_buf_grow(b, 64);
	va_copy(cp, ap);
	n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= b->alloc - b->len) {
		mpf_buf_grow(b, (size_t)n);
		vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void mpf_buf_addf(struct mpf_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mpf_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void mpf_buf_consume(struct mpf_buf *b, size_t n)
{
	if (n >= b->len) {
		mpf_buf_reset(b);
		return;
	}
	memmove(b->buf, b->buf + n, b->len - n);
	b->len -= n;
	b->buf[b->len] = '\0';
}

void mpf_buf_reset(struct mpf_buf *b)
{
	b->len = 0;
	if (b->buf)
		b->buf[0] = '\0';
}

void mpf_buf_release(struct mpf_buf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->alloc = 0;
}

char *mpf_buf_detach(struct mpf_buf *b)
{
	char *s = b->buf ? b->buf : mpf_xstrdup("");

	b->buf = NULL;
	b->len = b->alloc = 0;
	return s;
}

const char *mpf_buf_str(const struct mpf_buf *b)
{
	return b->buf ? b->buf : "";
}
