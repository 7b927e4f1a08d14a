/* fuzz-esploader - ROM loader replies and requests from the wire: decoding
 * never reads outside the frame, and what decodes re-encodes to the same
 * bytes. */
#include "esp_loader.h"
#include "slip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void reply(const uint8_t *f, size_t n, int sl)
{
	struct mpf_buf out = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct mpf_esp_reply r;
	struct mpf_slip s;
	size_t used;

	if (mpf_esp_decode(f, n, sl, &r, &err) != 0)
		goto done;
	if (r.len + (size_t)sl != r.size || r.data < f || r.data + r.size > f + n)
		abort();
	mpf_esp_check(&r, &err);
	/* a reply with reserved status bytes zero re-encodes exactly */
	if (sl == 4 && (f[n - 2] || f[n - 1]))
		goto done;
	mpf_esp_encode_reply(&out, r.op, r.value, r.data, r.len, r.status, r.error, sl);
	mpf_slip_init(&s);
	if (mpf_slip_feed(&s, (const uint8_t *)out.buf, out.len, &used, &err) != 1 ||
	    s.frame.len != n || memcmp(s.frame.buf, f, n))
		abort();
	mpf_slip_release(&s);
done:
	mpf_buf_release(&out);
	mpf_buf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mpf_buf err = MPF_BUF_INIT;
	const uint8_t *d;
	uint32_t chk;
	size_t len;
	uint8_t op;

	reply(data, size, 2);
	reply(data, size, 4);
	if (mpf_esp_decode_request(data, size, &op, &chk, &d, &len, &err) == 0 &&
	    (d != data + 8 || len != size - 8))
		abort();
	mpf_buf_release(&err);
	return 0;
}
