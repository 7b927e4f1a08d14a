/* esp_image.h - Espressif application/bootloader image headers
 * (doc/protocols.md 1.10): parse and validate, read the extended header's
 * chip id, patch flash mode/size/frequency the way the ROM will read them,
 * recomputing the appended SHA-256.
 *
 * A MicroPython release image for ESP32 is a merged binary: the
 * bootloader image at its start, partition table and app further on; the
 * header rules apply to the bootloader part, which is what is parsed. */
#ifndef MPF_ESP_IMAGE_H
#define MPF_ESP_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "esp_chip.h"

struct mpf_buf;

#define MPF_ESP_IMAGE_MAGIC 0xE9

struct mpf_esp_image {
	int segments;
	uint8_t flash_mode, flash_size_freq;
	uint32_t entry;
	int has_ext;		/* parsed with the 16-byte ESP32 extended header */
	int chip_id;		/* from the extended header; -1 without one */
	int min_rev, hash_appended;
	int min_rev_full, max_rev_full;	/* chip revision range, major * 100 + minor */
	size_t image_len;	/* header + segments + padding + checksum */
	size_t digest_off;	/* offset of the appended SHA-256, 0 when none */
	uint8_t checksum;	/* stored */
};

/* Parse the image at the start of data (len bytes). esp8266 selects the
 * ESP8266 layout (no extended header). Validates the magic, the segment
 * table against len, the XOR checksum and the appended SHA-256.
 * MPF_ERR_FORMAT with a message when any of it is wrong. */
int mpf_esp_image_parse(const uint8_t *data, size_t len, int esp8266,
			struct mpf_esp_image *img, struct mpf_buf *err);

/* Flash parameters to write into the header; NULL or "keep" leaves a
 * field as it is. */
struct mpf_esp_flash_params {
	const char *mode;	/* qio qout dio dout */
	const char *size;	/* "4MB" */
	const char *freq;	/* "80m" */
};

/* Apply the patch rule of 1.10 to a copy of an image about to be
 * written at addr on chip c: only at the bootloader offset, only to an
 * image that parses, only when something is asked for, never under
 * secure boot or secure download (secure != 0). Returns 1 when data was
 * changed, 0 when the rule says leave it, <0 on a bad request (unknown
 * size or frequency for this chip: MPF_ERR_ARG). */
int mpf_esp_image_patch(uint8_t *data, size_t len, uint32_t addr,
			const struct mpf_esp_chip *c, const struct mpf_esp_flash_params *p,
			int secure, struct mpf_buf *err);

#endif
