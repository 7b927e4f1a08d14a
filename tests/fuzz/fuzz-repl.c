/* fuzz-repl - bytes from a board at each step of the raw REPL: prompts,
 * the raw-paste reply, flow control, the 0x04 framing of a result. */
#include "repl.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct mpf_buf out = MPF_BUF_INIT, tb = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct mpf_repl_window w = { 128, 0 };
	unsigned window;
	size_t used;
	long n;

	mpf_repl_find_raw_prompt(s, size);
	mpf_repl_find_friendly_prompt(s, size);
	mpf_repl_wants_key(s, size);
	if (mpf_repl_paste_reply(s, size, &window, &used, &err) >= 0 && used > size)
		__builtin_trap();
	if (mpf_repl_late_prompts(s, size) > (long)size)
		__builtin_trap();
	n = mpf_repl_split(s, size, &out, &tb);
	if (n > (long)size || out.len + tb.len > size)
		__builtin_trap();
	mpf_repl_exception(tb.buf ? tb.buf : "", tb.len, &err);
	mpf_repl_window_feed(&w, s, size, &err);
	mpf_buf_release(&out);
	mpf_buf_release(&tb);
	mpf_buf_release(&err);
	return 0;
}
