/* fuzz-dfuselayout - DfuSe memory-layout strings (alt-setting names, any
 * device may send any): segments must be sane and lookups in range. */
#include "dfuse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mpf_dfuse_layout l;
	struct mpf_buf err = MPF_BUF_INIT;
	uint32_t *pages = NULL;
	size_t n = 0, i;
	char s[512];

	if (size >= sizeof(s))
		size = sizeof(s) - 1;
	memcpy(s, data, size);
	s[size] = '\0';
	if (mpf_dfuse_layout_parse(s, &l, &err) == 0) {
		for (i = 0; i < l.n; i++)
			if (!l.seg[i].size || !l.seg[i].page ||
			    (uint64_t)l.seg[i].addr + l.seg[i].size > 0x100000000ull)
				abort();
		mpf_dfuse_plan_erase(&l, l.seg[0].addr, 100000, &pages, &n, &err);
		mpf_dfuse_layout_check(&l, l.seg[0].addr, 0x10000, 7, &err);
		free(pages);
		mpf_dfuse_layout_release(&l);
	}
	mpf_buf_release(&err);
	return 0;
}
