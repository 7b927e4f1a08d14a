/* fuzz-uf2 - UF2 files as any download or tool may produce them: whole-file
 * validation (block numbering, families, overlaps, extension tags) and the
 * family check against a drive. */
#include "uf2.h"
#include "uf2drive.h"

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
	}
	return 0;
}
