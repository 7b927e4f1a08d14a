/* slip.h - SLIP framing (RFC 1055) as the Espressif ROM loader uses it
 * (doc/protocols.md 1.1): frames start and end with 0xC0; inside, 0xC0 is sent
 * as 0xDB 0xDC and 0xDB as 0xDB 0xDD. Anything else after 0xDB is a
 * framing error. Bytes outside frames are not SLIP: the ROM's boot banner
 * or a panic message; the decoder keeps the last of them for the caller
 * to look at ("waiting for download", "Guru Meditation").
 *
 *   struct mpf_slip s;
 *   mpf_slip_init(&s);
 *   while ((r = mpf_slip_feed(&s, p, n, &used)) ...) { p += used; n -= used; }
 *   // r == 1: a whole frame is in s.frame; r < 0: framing error
 */
#ifndef MPF_SLIP_H
#define MPF_SLIP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define MPF_SLIP_END 0xC0
#define MPF_SLIP_ESC 0xDB
#define MPF_SLIP_ESC_END 0xDC
#define MPF_SLIP_ESC_ESC 0xDD

/* How much text outside frames is kept (the newest bytes win). */
#define MPF_SLIP_JUNK_MAX 2048

struct mpf_slip {
	struct mpf_buf frame;	/* the frame being decoded, unescaped */
	struct mpf_buf junk;	/* bytes seen outside any frame */
	size_t max_frame;	/* longer frames are a framing error */
	int in_frame, esc;
	unsigned long frames, errors;
};

void mpf_slip_init(struct mpf_slip *s);
void mpf_slip_release(struct mpf_slip *s);
/* Forget a partly received frame and the junk (after a reset). */
void mpf_slip_reset(struct mpf_slip *s);

/* Decode len bytes of p; *used is set to how many were consumed.
 * Returns 1 when a frame ended (s->frame holds it until the next call),
 * 0 when all bytes were consumed without ending a frame, MPF_ERR_PROTO
 * on a bad escape or an over-long frame (message in err; the partial
 * frame is dropped and decoding resumes at the next 0xC0). */
int mpf_slip_feed(struct mpf_slip *s, const uint8_t *p, size_t len, size_t *used,
		  struct mpf_buf *err);

/* Append data as one SLIP frame (delimiters included) to out. */
void mpf_slip_encode(struct mpf_buf *out, const void *data, size_t len);

#endif
