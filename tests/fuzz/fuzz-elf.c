/* fuzz-elf - ELF32 images (mpf-swd --file x.elf): every PT_LOAD segment
 * reported must lie inside the file, and the count never exceeds max. */
#include "elf.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mpf_elf_seg segs[8];
	struct mpf_buf err = MPF_BUF_INIT;
	int i, n;

	if (!mpf_elf_is(data, size))
		return 0;
	n = mpf_elf_segments(data, size, segs, 8, &err);
	if (n > 8)
		abort();
	for (i = 0; i < n; i++)
		if ((uint64_t)segs[i].offset + segs[i].size > size)
			abort();
	if (n < 0 && !err.len)
		abort();	/* an error must say why */
	mpf_buf_release(&err);
	return 0;
}
