/* fuzz-uf2 - UF2 files as any download or tool may produce them: whole-file
 * validation (block numbering, families, overlaps, extension tags), the
 * family check against a drive, the flash bounds and extraction. */
#include "uf2.h"
#include "uf2drive.h"

#include "buf.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char info_text[] = "UF2 Bootloader v3.0\r\nModel: Raspberry Pi RP2\r\nBoard-ID: RPI-RP2\r\n";
	struct mpf_uf2_summary s;
	struct mpf_uf2_block b;
	struct mpf_uf2_info info;
	size_t i;

	for (i = 0; i + MPF_UF2_BLOCK <= size; i += MPF_UF2_BLOCK)
		mpf_uf2_block_decode(data + i, &b, NULL);
	if (!mpf_uf2_validate(data, size, &s, NULL)) {
		mpf_uf2_info_parse(info_text, sizeof(info_text) - 1, &info);
		mpf_uf2_check_target(&s, &info, "rp2", NULL);
		mpf_uf2_check_bounds(&s, NULL, NULL);
		for (i = 0; i < s.nparts; i++) {
			struct mpf_buf out = MPF_BUF_INIT;

			mpf_uf2_extract(data, size, &s.parts[i], 1 << 20, &out, NULL);
			mpf_buf_release(&out);
		}
	}
	return 0;
}
