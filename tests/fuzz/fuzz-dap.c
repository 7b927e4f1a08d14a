/* fuzz-dap - CMSIS-DAP replies from a probe (mpf-swd, mpf-scan): the input
 * is a sequence of reply packets (one length byte, then that many bytes)
 * served in turn to a session that asks the probe's capabilities, packet
 * size and strings, connects, and runs queued single, match and block
 * transfers. A reply may be short, long, of another command or garbage;
 * the layer must answer with an error, never read or write out of bounds. */
#include "cmsis_dap.h"
#include "err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct feed {
	const uint8_t *p;
	size_t left;
	size_t sent;		/* bytes of the last command (bounds check) */
};

static int fwrite_(void *ctx, const uint8_t *pkt, size_t len, int timeout_ms,
		   struct mpf_buf *err)
{
	struct feed *f = ctx;

	(void)timeout_ms;
	(void)err;
	if (!len || len > 1024 || !pkt)
		abort();	/* the layer builds packets within its packet size */
	f->sent = len;
	return (int)len;
}

static int fread_(void *ctx, uint8_t *pkt, size_t cap, int timeout_ms, struct mpf_buf *err)
{
	struct feed *f = ctx;
	size_t n;

	(void)timeout_ms;
	if (!f->left)
		return mpf_errf(err, MPF_ERR_TIMEOUT, "no reply");
	n = f->p[0];
	f->p++, f->left--;
	if (n > f->left)
		n = f->left;
	if (n > cap)
		n = cap;	/* a USB read never returns more than asked */
	memcpy(pkt, f->p, n);
	f->p += n, f->left -= n;
	return (int)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed f = { data, size, 0 };
	struct mpf_dap_io io = { fwrite_, fread_, &f };
	struct mpf_dap d;
	struct mpf_buf err = MPF_BUF_INIT;
	uint32_t r1, r2, words[300];
	char s[64];

	if (!size)
		return 0;
	memset(words, 0x5a, sizeof(words));
	mpf_dap_init(&d, &io, data[0] & 1 ? 2 : 1);
	f.p++, f.left--;
	if (mpf_dap_setup(&d, &err) < 0)
		goto out;
	if (mpf_dap_info_str(&d, DAP_ID_SERIAL, s, sizeof(s), &err) >= 0 &&
	    strnlen(s, sizeof(s)) == sizeof(s))
		abort();	/* strings come back terminated */
	if (mpf_dap_connect_swd(&d, &err) < 0)
		goto out;
	mpf_dap_q_write(&d, DAP_APnDP, 0x23000052);
	mpf_dap_q_read(&d, DAP_RnW, &r1);
	mpf_dap_q_match(&d, DAP_APnDP | DAP_RnW | 0x0C, 1);
	mpf_dap_q_block(&d, DAP_APnDP | 0x0C, words, 150);
	mpf_dap_q_block(&d, DAP_APnDP | DAP_RnW | 0x0C, words + 150, 150);
	mpf_dap_q_read(&d, DAP_RnW | 0x04, &r2);
	mpf_dap_run(&d, &err);
	if (mpf_dap_queued(&d))
		abort();	/* the queue is empty after a run, success or not */
out:
	mpf_dap_release(&d);
	mpf_buf_release(&err);
	return 0;
}
