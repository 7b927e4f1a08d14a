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

#define MPF_ESP_MAX_SEGMENTS 16

struct mpf_esp_segment {
	uint32_t addr, len;	/* load address, bytes */
	size_t off;		/* of the data in the file */
};

/* Extended header (ESP32 family; esptool bin_image.py, ESP32FirmwareImage):
 * byte 8 wp pin, 9-11 SPI pin drive settings, 12-13 chip id, 14 min_rev
 * (deprecated: major revision, minor on the ESP32-C3), 15-16
 * min_rev_full and 17-18 max_rev_full (major*100+minor), 19-22
 * reserved, 23 hash_appended. */
struct mpf_esp_image {
	int segments;
	struct mpf_esp_segment seg[MPF_ESP_MAX_SEGMENTS];
	int nseg;		/* segments walked (fewer than claimed when truncated) */
	uint8_t flash_mode, flash_size_freq;
	uint32_t entry;
	int has_ext;		/* parsed with the 16-byte ESP32 extended header */
	int chip_id;		/* from the extended header; -1 without one */
	int wp_pin, drive[3];
	int min_rev, hash_appended;
	int min_rev_full, max_rev_full;	/* chip revision range, major * 100 + minor */
	size_t image_len;	/* header + segments + padding + checksum */
	size_t digest_off;	/* offset of the appended SHA-256, 0 when none */
	uint8_t checksum;	/* stored */
	uint8_t checksum_calc;	/* from the segments */
	int checksum_ok, digest_ok;	/* digest_ok: -1 none appended */
};

/* Parse the image at the start of data (len bytes). esp8266 selects the
 * ESP8266 layout (no extended header). Validates the magic, the segment
 * table against len, the XOR checksum and the appended SHA-256.
 * MPF_ERR_FORMAT with a message when any of it is wrong; img holds
 * what was read up to the fault (image-info shows it). */
int mpf_esp_image_parse(const uint8_t *data, size_t len, int esp8266,
			struct mpf_esp_image *img, struct mpf_buf *err);

/* 1 when data claims to be an image of that layout: the magic byte, 1 to
 * 16 segments, and for the ESP32 family a hash byte of 0 or 1 and a chip
 * id the chip table knows. A file that claims to be an image must parse:
 * one whose segments run past its end is a truncated image. */
int mpf_esp_image_claims(const uint8_t *data, size_t len, int esp8266);

/* The revision rule of esptool's write_flash: 0 when chip revision rev
 * (major*100+minor) may run the image, MPF_ERR_MISMATCH with the range
 * in err otherwise. c3_minor: the chip is an ESP32-C3, whose legacy
 * min_rev byte is a minor revision. */
int mpf_esp_image_rev_check(const struct mpf_esp_image *img, int rev, int c3_minor,
			    struct mpf_buf *err);

/* A merged image (esptool merge-bin; MicroPython's release .bin): the
 * bootloader at the chip's bootloader offset, the partition table at
 * 0x8000 (32-byte entries, magic 0xAA50, an MD5 entry 0xEBEB, 0xFF at the
 * end; doc/protocols.md 1.12), apps at their partitions' offsets. */
#define MPF_ESP_PARTTABLE_ADDR 0x8000u
#define MPF_ESP_MAX_PARTS 24

enum mpf_esp_part_kind { MPF_ESP_PART_BOOT, MPF_ESP_PART_TABLE, MPF_ESP_PART_APP,
			 MPF_ESP_PART_DATA };

struct mpf_esp_part {
	enum mpf_esp_part_kind kind;
	uint32_t addr, size;	/* flash address and size (partition size for entries) */
	int type, subtype;	/* partition table entry */
	char label[17];
	int in_file;		/* the file holds the start of it */
};

/* Read the partition table in data (len bytes, written at flash address
 * addr) when the file covers 0x8000 and has one there: the table itself
 * and its entries in parts (*nparts = 0 when there is none). MPF_ERR_FORMAT
 * on a damaged table (its MD5 entry disagrees, more than fit). */
int mpf_esp_parttable(const uint8_t *data, size_t len, uint32_t addr,
		      struct mpf_esp_part *parts, size_t *nparts, struct mpf_buf *err);

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
