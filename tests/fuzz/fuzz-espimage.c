/* fuzz-espimage - firmware image headers from any file: parsing stays in
 * bounds, and a patched image still parses with the new parameters. */
#include "esp_image.h"
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
	mpf_buf_release(&err);
	return 0;
}
