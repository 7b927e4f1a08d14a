/* fuzz-dfuse - .dfu files and DFU suffixes as any download may hold them:
 * every element must lie inside the buffer the parser was given. */
#include "dfuse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mpf_dfuse_file f;
	struct mpf_dfu_suffix s;
	struct mpf_buf err = MPF_BUF_INIT;
	volatile uint8_t sink = 0;
	size_t i, j, k;

	if (mpf_dfuse_file_parse(data, size, &f, &err) == 0) {
		for (i = 0; i < f.n; i++)
			for (j = 0; j < f.t[i].n; j++) {
				const struct mpf_dfuse_element *e = &f.t[i].el[j];

				if (e->data < data || e->data + e->size > data + size)
					abort();
				for (k = 0; k < e->size; k++)
					sink ^= e->data[k];
			}
		mpf_dfuse_file_release(&f);
	}
	{
		struct mpf_dfu_prefix p;
		int r = mpf_dfu_suffix_parse(data, size, &s, &err);

		if (mpf_dfu_prefix_parse(data, size, r > 0 ? s.length : 0, &p) &&
		    p.length + (r > 0 ? s.length : 0) > size)
			abort();
	}
	mpf_buf_release(&err);
	(void)sink;
	return 0;
}
