/* slip.c - SLIP framing for the ESP ROM loader (see slip.h). */
#include "slip.h"
#include "err.h"

#include <string.h>

void mpf_slip_init(struct mpf_slip *s)
{
	memset(s, 0, sizeof(*s));
	/* The longest ROM frame is a 16 KiB data block plus headers, all escaped. */
	s->max_frame = 64 * 1024;
}

void mpf_slip_release(struct mpf_slip *s)
{
	mpf_buf_release(&s->frame);
	mpf_buf_release(&s->junk);
}

void mpf_slip_reset(struct mpf_slip *s)
{
	mpf_buf_reset(&s->frame);
	mpf_buf_reset(&s->junk);
	s->in_frame = s->esc = 0;
}

static void add_junk(struct mpf_slip *s, uint8_t c)
{
	if (s->junk.len >= MPF_SLIP_JUNK_MAX)
		mpf_buf_consume(&s->junk, MPF_SLIP_JUNK_MAX / 2);
	mpf_buf_addch(&s->junk, c);
}

static int bad(struct mpf_slip *s, struct mpf_buf *err, const char *what, unsigned c)
{
	s->errors++;
	s->in_frame = s->esc = 0;
	mpf_buf_reset(&s->frame);
	return mpf_errf(err, MPF_ERR_PROTO, what, c);
}

int mpf_slip_feed(struct mpf_slip *s, const uint8_t *p, size_t len, size_t *used,
		  struct mpf_buf *err)
{
	size_t i;

	if (s->frame.len && !s->in_frame)	/* the last call returned a frame */
		mpf_buf_reset(&s->frame);
	for (i = 0; i < len; i++) {
		uint8_t c = p[i];

		if (!s->in_frame) {
			if (c == MPF_SLIP_END)
				s->in_frame = 1;
			else
				add_junk(s, c);
			continue;
		}
		if (s->esc) {
			s->esc = 0;
			if (c != MPF_SLIP_ESC_END && c != MPF_SLIP_ESC_ESC) {
				*used = i + 1;
				return bad(s, err, "slip: invalid escape 0xdb 0x%02x", c);
			}
			mpf_buf_addch(&s->frame, c == MPF_SLIP_ESC_END ? MPF_SLIP_END : MPF_SLIP_ESC);
		} else if (c == MPF_SLIP_ESC) {
			s->esc = 1;
			continue;
		} else if (c == MPF_SLIP_END) {
			/* An empty frame is the start delimiter after a lost
			 * end: stay in frame mode. */
			if (!s->frame.len)
				continue;
			s->in_frame = 0;
			s->frames++;
			*used = i + 1;
			return 1;
		} else {
			mpf_buf_addch(&s->frame, c);
		}
		if (s->frame.len > s->max_frame) {
			*used = i + 1;
			return bad(s, err, "slip: frame longer than %u bytes", (unsigned)s->max_frame);
		}
	}
	*used = len;
	return 0;
}

void mpf_slip_encode(struct mpf_buf *out, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	mpf_buf_grow(out, len + len / 16 + 2);
	mpf_buf_addch(out, MPF_SLIP_END);
	for (i = 0; i < len; i++) {
		if (p[i] == MPF_SLIP_END) {
			mpf_buf_addch(out, MPF_SLIP_ESC);
			mpf_buf_addch(out, MPF_SLIP_ESC_END);
		} else if (p[i] == MPF_SLIP_ESC) {
			mpf_buf_addch(out, MPF_SLIP_ESC);
			mpf_buf_addch(out, MPF_SLIP_ESC_ESC);
		} else {
			mpf_buf_addch(out, p[i]);
		}
	}
	mpf_buf_addch(out, MPF_SLIP_END);
}
