/* fuzz-espimage - firmware image headers from any file: parsing stays in
 * bounds, and a patched image still parses with the new parameters; the
 * partition table of a merged file stays in bounds and within the file. */
#include "esp_image.h"
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The table as if the file were written at 0x1000 and at 0x8000. */
static void parttable(const uint8_t *data, size_t size)
{
	static const uint32_t at[] = { 0x1000, 0x8000 };
	struct mpf_esp_part p[MPF_ESP_MAX_PARTS];
	struct mpf_buf err = MPF_BUF_INIT;
	size_t n, i, k;

	for (k = 0; k < 2; k++) {
		if (mpf_esp_parttable(data, size, at[k], p, &n, &err) < 0)
			continue;
		if (n > MPF_ESP_MAX_PARTS)
			abort();
		for (i = 1; i < n; i++)
			if (p[i].in_file && (p[i].addr < at[k] || p[i].addr - at[k] >= size))
				abort();
	}
	mpf_buf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct mpf_esp_chip *c = mpf_esp_chip_by_name(size & 1 ? "esp8266"
								      : "esp32s3");
	struct mpf_esp_flash_params p = { "dout", "8MB", "40m" };
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_esp_image img, again;
	uint8_t *copy;

	if (mpf_esp_image_parse(data, size, c->chip_id < 0, &img, &err) == 0) {
		if (img.image_len > size || (img.digest_off && img.digest_off + 32 > size))
			abort();
		copy = malloc(size);
		memcpy(copy, data, size);
		if (mpf_esp_image_patch(copy, size, c->boot_offset, c, &p, 0, &err) != 1 ||
		    mpf_esp_image_parse(copy, size, c->chip_id < 0, &again, &err) != 0 ||
		    again.flash_mode != 3)
			abort();
		free(copy);
	}
	if (img.nseg > MPF_ESP_MAX_SEGMENTS)
		abort();
	mpf_esp_image_claims(data, size, size & 1);
	mpf_esp_image_rev_check(&img, (int)(size % 400), size & 2, &err);
	parttable(data, size);
	mpf_buf_release(&err);
	return 0;
}
