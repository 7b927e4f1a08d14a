/* fuzz-ihex - Intel HEX files: parsed segments must be sorted, disjoint
 * and written back into a file that parses to the same segments. */
#include "ihex.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mpf_ihex h, g;
	struct mpf_buf err = MPF_BUF_INIT, out = MPF_BUF_INIT;
	size_t i;

	if (mpf_ihex_parse((const char *)data, size, &h, &err) == 0) {
		for (i = 1; i < h.n; i++)
			if ((uint64_t)h.seg[i - 1].addr + h.seg[i - 1].len > h.seg[i].addr)
				abort();
		mpf_ihex_write(&h, &out);
		if (mpf_ihex_parse(out.buf, out.len, &g, &err) != 0 || g.n > h.n ||
		    mpf_ihex_size(&g) != mpf_ihex_size(&h))
			abort();
		mpf_ihex_release(&g);
		mpf_ihex_release(&h);
	}
	mpf_buf_release(&out);
	mpf_buf_release(&err);
	return 0;
}
