/* buf.h - a growable, always NUL-terminated byte buffer (like git's strbuf).
 *
 * struct mpf_buf b = MPF_BUF_INIT;   allocates nothing
 * mpf_buf_addf(&b, "%d", n);         appends; aborts on out-of-memory
 * mpf_buf_release(&b);               frees contents, back to MPF_BUF_INIT
 *
 * b.buf is NULL until something is added; mpf_buf_str() never returns NULL.
 */
#ifndef MPF_BUF_H
#define MPF_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct mpf_buf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define MPF_BUF_INIT { NULL, 0, 0 }

void mpf_buf_grow(struct mpf_buf *b, size_t extra);
void mpf_buf_add(struct mpf_buf *b, const void *data, size_t len);
void mpf_buf_addstr(struct mpf_buf *b, const char *s);
void mpf_buf_addch(struct mpf_buf *b, int c);
void mpf_buf_addf(struct mpf_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mpf_buf_vaddf(struct mpf_buf *b, const char *fmt, va_list ap);
/* Remove the first n bytes, keeping the rest. */
void mpf_buf_consume(struct mpf_buf *b, size_t n);
void mpf_buf_reset(struct mpf_buf *b);		/* len = 0, keeps memory */
void mpf_buf_release(struct mpf_buf *b);	/* frees memory */
/* Hand the string to the caller (who frees it); b is reset to empty. */
char *mpf_buf_detach(struct mpf_buf *b);
const char *mpf_buf_str(const struct mpf_buf *b);

/* Allocation that aborts with a message on exhaustion: running out of
 * memory in a flashing tool is not a condition worth recovering from. */
void *mpf_xmalloc(size_t n);
void *mpf_xcalloc(size_t n, size_t size);
void *mpf_xrealloc(void *p, size_t n);
char *mpf_xstrdup(const char *s);
char *mpf_xstrndup(const char *s, size_t n);
/* malloc'ed printf */
char *mpf_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
