/* fuzz-uf2info - INFO_UF2.TXT as any drive may hold it, and mountinfo
 * lines (kernel-escaped mount points of any name). */
#include "uf2drive.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mpf_uf2_info info;
	char line[4096], mnt[256], fs[32], src[256];
	size_t n = size < sizeof(line) - 1 ? size : sizeof(line) - 1;

	mpf_uf2_info_parse((const char *)data, size, &info);
	memcpy(line, data, n);
	line[n] = '\0';
	mpf_mountinfo_parse(line, mnt, sizeof(mnt), fs, sizeof(fs), src, sizeof(src));
	return 0;
}
