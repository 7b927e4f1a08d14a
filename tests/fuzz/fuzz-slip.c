/* fuzz-slip - SLIP decoding of whatever a serial port delivers: every
 * frame it yields re-encodes and decodes to itself. */
#include "slip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mpf_slip s, t;
	struct mpf_buf err = MPF_BUF_INIT, enc = MPF_BUF_INIT;
	size_t used;
	int r;

	mpf_slip_init(&s);
	mpf_slip_init(&t);
	while (size) {
		r = mpf_slip_feed(&s, data, size, &used, &err);
		if (used == 0 || used > size)
			abort();
		data += used;
		size -= used;
		if (r != 1)
			continue;
		mpf_buf_reset(&enc);
		mpf_slip_encode(&enc, s.frame.buf, s.frame.len);
		if (mpf_slip_feed(&t, (const uint8_t *)enc.buf, enc.len, &used, &err) != 1 ||
		    used != enc.len || t.frame.len != s.frame.len ||
		    memcmp(t.frame.buf, s.frame.buf, s.frame.len))
			abort();
	}
	if (s.junk.len > MPF_SLIP_JUNK_MAX)
		abort();
	mpf_slip_release(&s);
	mpf_slip_release(&t);
	mpf_buf_release(&enc);
	mpf_buf_release(&err);
	return 0;
}
