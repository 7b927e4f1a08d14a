/* fuzz-mirror - what a download mirror sends: port index and board pages
 * (HTML from the network) and the firmware file names they link. */
#include "mirror.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void name(void *ctx, const char *s)
{
	struct mpf_fwname fw;
	char out[256];

	(void)ctx;
	if (mpf_mirror_parse_name(s, NULL, &fw) == 0) {
		mpf_mirror_cache_name("rp2", fw.board, fw.variant, &fw.v, fw.format, out,
				      sizeof(out));
		mpf_mirror_parse_name(s, fw.board, &fw);
	}
	mpf_mirror_parse_name(s, "RPI_PICO", &fw);
}

static void board(void *ctx, const char *s)
{
	(void)ctx;
	mpf_mirror_valid_id(s, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[512];
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;

	/* pages are not NUL-terminated: parse the bytes as given */
	mpf_mirror_index_boards((const char *)data, size, board, NULL);
	mpf_mirror_board_files((const char *)data, size, name, NULL);
	memcpy(s, data, n);
	s[n] = '\0';
	name(NULL, s);
	return 0;
}
