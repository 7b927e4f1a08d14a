/* telnet.c - Telnet framing and RFC 2217 sub-negotiations, over buffers. */
#include "telnet.h"

enum { S_DATA, S_IAC, S_OPT, S_SB_OPT, S_SB, S_SB_IAC };

void mpf_telnet_decode(struct mpf_telnet_decoder *d, const uint8_t *in, size_t len,
		       struct mpf_buf *out,
		       void (*on_event)(void *ctx, const struct mpf_telnet_event *ev), void *ctx)
{
	size_t i;

	for (i = 0; i < len; i++) {
		uint8_t c = in[i];

		switch (d->state) {
		case S_DATA:
			if (c == TN_IAC)
				d->state = S_IAC;
			else
				mpf_buf_addch(out, c);
			break;
		case S_IAC:
			if (c == TN_IAC) {
				mpf_buf_addch(out, c);
				d->state = S_DATA;
			} else if (c >= TN_WILL) {
				d->ev.cmd = c;
				d->state = S_OPT;
			} else if (c == TN_SB) {
				d->ev.cmd = TN_SB;
				d->ev.len = 0;
				d->state = S_SB_OPT;
			} else {
				d->state = S_DATA;	/* NOP, GA, ... carry nothing for us */
			}
			break;
		case S_OPT:
			d->ev.opt = c;
			d->ev.len = 0;
			if (on_event)
				on_event(ctx, &d->ev);
			d->state = S_DATA;
			break;
		case S_SB_OPT:
			d->ev.opt = c;
			d->state = S_SB;
			break;
		case S_SB:
			if (c == TN_IAC)
				d->state = S_SB_IAC;
			else if (d->ev.len < sizeof(d->ev.data))
				d->ev.data[d->ev.len++] = c;
			break;
		case S_SB_IAC:
			if (c == TN_SE) {
				if (on_event)
					on_event(ctx, &d->ev);
				d->state = S_DATA;
			} else {
				/* IAC IAC inside SB is a data 0xFF */
				if (d->ev.len < sizeof(d->ev.data))
					d->ev.data[d->ev.len++] = c;
				d->state = S_SB;
			}
			break;
		}
	}
}

void mpf_telnet_escape(struct mpf_buf *out, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i, start = 0;

	for (i = 0; i < len; i++)
		if (p[i] == TN_IAC) {
			mpf_buf_add(out, p + start, i - start + 1);
			mpf_buf_addch(out, TN_IAC);
			start = i + 1;
		}
	mpf_buf_add(out, p + start, len - start);
}

void mpf_telnet_negotiate(struct mpf_buf *out, uint8_t cmd, uint8_t opt)
{
	uint8_t b[3] = { TN_IAC, cmd, opt };

	mpf_buf_add(out, b, 3);
}

void mpf_telnet_comport(struct mpf_buf *out, uint8_t command, uint32_t value, int nbytes)
{
	uint8_t head[4] = { TN_IAC, TN_SB, TN_OPT_COMPORT, command }, v[4], tail[2] = { TN_IAC, TN_SE };
	int i;

	for (i = 0; i < nbytes; i++)
		v[i] = (uint8_t)(value >> (8 * (nbytes - 1 - i)));
	mpf_buf_add(out, head, 4);
	mpf_telnet_escape(out, v, (size_t)nbytes);
	mpf_buf_add(out, tail, 2);
}
