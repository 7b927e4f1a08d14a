/* fuzz-telnet - bytes from a network serial server (ser2net or anything
 * listening at an rfc2217:// address). */
#include "telnet.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_event(void *ctx, const struct mpf_telnet_event *ev)
{
	(void)ctx;
	(void)ev;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mpf_telnet_decoder d = { 0 };
	struct mpf_buf out = MPF_BUF_INIT, enc = MPF_BUF_INIT;

	mpf_telnet_decode(&d, data, size, &out, on_event, NULL);
	mpf_telnet_escape(&enc, data, size);
	mpf_buf_release(&out);
	mpf_buf_release(&enc);
	return 0;
}
