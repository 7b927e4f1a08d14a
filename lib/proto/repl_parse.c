/* repl_parse.c - the MicroPython raw REPL, the pure half: it looks at
 * bytes a board sent (see repl_parse.h for the exchange). */
#include "repl_parse.h"
#include "err.h"

#include <string.h>

static long find_last(const char *buf, size_t len, const char *pat)
{
	size_t n = strlen(pat), i;

	if (len < n)
		return -1;
	for (i = len - n + 1; i-- > 0;)
		if (!memcmp(buf + i, pat, n))
			return (long)(i + n);
	return -1;
}

long mpf_repl_find_raw_prompt(const char *buf, size_t len)
{
	return find_last(buf, len, MPF_REPL_RAW_PROMPT);
}

long mpf_repl_find_friendly_prompt(const char *buf, size_t len)
{
	return find_last(buf, len, MPF_REPL_FRIENDLY_PROMPT);
}

int mpf_repl_wants_key(const char *buf, size_t len)
{
	return find_last(buf, len, MPF_REPL_CP_ANYKEY) >= 0;
}

static void quote(struct mpf_buf *out, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < 48; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			mpf_buf_addch(out, c);
		else
			mpf_buf_addf(out, "\\x%02x", c);
	}
	if (i < len)
		mpf_buf_addstr(out, "...");
}

int mpf_repl_bad_reply(struct mpf_buf *err, const char *what, const char *buf, size_t len)
{
	struct mpf_buf q = MPF_BUF_INIT;
	int r;

	quote(&q, buf, len);
	r = mpf_errf(err, MPF_ERR_PROTO, "%s, got \"%s\"", what, mpf_buf_str(&q));
	mpf_buf_release(&q);
	return r;
}

int mpf_repl_paste_reply(const char *buf, size_t len, unsigned *window, size_t *used,
			 struct mpf_buf *err)
{
	static const char banner[] = MPF_REPL_RAW_PROMPT;
	size_t bl = sizeof(banner) - 1;

	*used = 0;
	if (len == 0)
		return MPF_ERR_AGAIN;
	if (buf[0] == 'R') {
		if (len < 2)
			return MPF_ERR_AGAIN;
		if (buf[1] == 0) {
			/* pyexec resets the raw line and prompts again */
			if (len < 3)
				return MPF_ERR_AGAIN;
			if (buf[2] != '>')
				return mpf_repl_bad_reply(err, "raw paste refused without a prompt", buf, len);
			*used = 3;
			return 0;
		}
		if (buf[1] != 1)
			return mpf_repl_bad_reply(err, "bad raw paste reply", buf, len);
		if (len < 4)
			return MPF_ERR_AGAIN;
		*window = (unsigned char)buf[2] | (unsigned)(unsigned char)buf[3] << 8;
		if (*window == 0)
			return mpf_repl_bad_reply(err, "raw paste window of 0 bytes", buf, len);
		*used = 4;
		return 1;
	}
	/* Boards before 1.14 take Ctrl-E 'A' as line input, and Ctrl-A
	 * restarts the raw REPL: the banner again. */
	if (memcmp(buf, banner, len < bl ? len : bl))
		return mpf_repl_bad_reply(err, "unexpected reply to the raw paste request", buf, len);
	if (len < bl)
		return MPF_ERR_AGAIN;
	*used = bl;
	return 0;
}

long mpf_repl_late_prompts(const char *buf, size_t len)
{
	static const char p[] = MPF_REPL_RAW_PROMPT;
	size_t n = sizeof(p) - 1, at = 0;

	while (len - at >= n && !memcmp(buf + at, p, n))
		at += n;
	if (len == at || (len - at < n && !memcmp(buf + at, p, len - at)))
		return MPF_ERR_AGAIN;
	return (long)at;
}

long mpf_repl_split(const char *buf, size_t len, struct mpf_buf *out, struct mpf_buf *errout)
{
	const char *e1 = memchr(buf, 4, len), *e2;
	size_t rest;

	if (!e1)
		return MPF_ERR_AGAIN;
	rest = len - (size_t)(e1 + 1 - buf);
	e2 = memchr(e1 + 1, 4, rest);
	if (!e2 || (size_t)(e2 - buf) + 1 >= len)
		return MPF_ERR_AGAIN;
	if (e2[1] != '>')
		return MPF_ERR_PROTO;
	if (out)
		mpf_buf_add(out, buf, (size_t)(e1 - buf));
	if (errout)
		mpf_buf_add(errout, e1 + 1, (size_t)(e2 - e1 - 1));
	return (long)(e2 + 2 - buf);
}

size_t mpf_repl_exception(const char *tb, size_t len, struct mpf_buf *msg)
{
	size_t end = len, start;

	while (end > 0 && (tb[end - 1] == '\r' || tb[end - 1] == '\n' || tb[end - 1] == ' '))
		end--;
	start = end;
	while (start > 0 && tb[start - 1] != '\n' && tb[start - 1] != '\r')
		start--;
	mpf_buf_reset(msg);
	mpf_buf_add(msg, tb + start, end - start);
	return msg->len;
}

int mpf_repl_window_feed(struct mpf_repl_window *w, const char *buf, size_t len,
			 struct mpf_buf *err)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] == 1)
			w->remain += w->size;
		else if (buf[i] == 4)
			return 1;
		else
			return mpf_repl_bad_reply(err, "unexpected byte during raw paste", buf + i, len - i);
	}
	return 0;
}

long mpf_repl_find_reply_end(const char *buf, size_t len)
{
	return find_last(buf, len, "\x04>");
}
