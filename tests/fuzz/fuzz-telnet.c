/* fuzz-telnet - bytes from a network serial server (ser2net or anything
 * listening at an rfc2217:// address). */
#include "telnet.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_event(void *ctx, const struct tn_event *ev)
{
	(void)ctx;
	(void)ev;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tn_decoder d = { 0 };
	struct mpf_buf out = MPF_BUF_INIT, enc = MPF_BUF_INIT;

	tn_decode(&d, data, size, &out, on_event, NULL);
	tn_escape(&enc, data, size);
	mpf_buf_release(&out);
	mpf_buf_release(&enc);
	return 0;
}
