/* image.h - a firmware file, recognised by its content (never its name),
 * as the one thing every flasher takes: a list of address + bytes
 * segments and the metadata the file carries.
 *
 * Formats (doc/protocols.md 2.4, 3.1, 1.10): UF2 (and its file-container
 * flag), ST DfuSe .dfu (UM0391: elements at their addresses), a raw image
 * with the 16-byte DFU suffix (DFU 1.1 appendix B) and the TI Stellaris or
 * NXP LPC prefix dfu-util's dfu-prefix writes, Intel HEX, ELF (PT_LOAD at
 * the load address), Espressif images (single or merged bootloader +
 * partition table + app), and raw binaries, which carry no address: the
 * caller gives one. Pure: bytes in, segments out.
 */
#ifndef MPF_IMAGE_H
#define MPF_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum mpf_image_format {
	MPF_IMAGE_BIN,		/* raw; also with a DFU suffix and/or prefix */
	MPF_IMAGE_HEX,
	MPF_IMAGE_ELF,
	MPF_IMAGE_UF2,
	MPF_IMAGE_UF2_FILES,	/* UF2 file container: files, not flash contents */
	MPF_IMAGE_DFUSE,
	MPF_IMAGE_ESP,
};
#define MPF_IMAGE_TAKES(f) (1u << (f))

struct mpf_image_seg {
	uint32_t addr;
	uint8_t *data;		/* owned */
	size_t len;
	uint8_t alt;		/* DfuSe: the target's alt setting; UF2: 1 + the
				 * index of its family in family[]; else 0 */
};

struct mpf_image {
	struct mpf_image_seg *seg;	/* sorted by (alt, address), not overlapping */
	size_t n;
	enum mpf_image_format fmt;
	const char *format;		/* "bin", "hex", "elf", "uf2", "dfu", "esp" */
	/* what the file carries */
	uint32_t family[16];		/* UF2 family IDs */
	size_t nfamily;
	int esp_chip;			/* ESP extended header chip id; -1 none */
	int esp_min_rev, esp_max_rev;	/* chip revision range, major * 100 + minor */
	int esp_merged;			/* bootloader + partition table + app */
	int esp_8266;
	int has_ids;			/* DFU suffix or DfuSe file: vid:pid */
	uint16_t vid, pid;
	size_t prefix_len, suffix_len;	/* raw: DFU prefix / suffix bytes around it */
	const char *prefix;		/* "TI Stellaris", "NXP LPC" */
	uint32_t prefix_addr;		/* the Stellaris prefix's address */
};

/* Recognise and read buf (len bytes). A raw binary (with its DFU prefix
 * and suffix taken off, as dfu-util does for a DfuSe device) becomes one
 * segment at bin_addr. MPF_ERR_FORMAT with the reason for a damaged file
 * of a recognised format (a DfuSe file whose signature is not exactly
 * "DfuSe", a bad DFU suffix CRC, a HEX checksum, ...) or an empty one. */
int mpf_image_parse(const uint8_t *buf, size_t len, uint32_t bin_addr, struct mpf_image *img,
		    struct mpf_buf *err);
/* The same for a file (capped at MPF_FIRMWARE_MAX); messages name path. */
int mpf_image_load(const char *path, uint32_t bin_addr, struct mpf_image *img,
		   struct mpf_buf *err);
/* MPF_OK when img's format is among takes (MPF_IMAGE_TAKES bits), else
 * MPF_ERR_FORMAT naming the format and how to use it: "fw.uf2 is a UF2
 * file for RP2040: flash it with mpf-uf2, or take its payload out with
 * mpf-uf2 extract". */
int mpf_image_accept(const struct mpf_image *img, const char *path, unsigned takes,
		     struct mpf_buf *err);
/* The segments as one run of bytes from the lowest address rounded down
 * to align (a power of two) to the end of the highest segment, gaps
 * filled with 0xff (erased flash); *base is the first address. Segments of
 * more than one DfuSe target or UF2 family, or a run longer than max, are
 * MPF_ERR_FORMAT. */
int mpf_image_flatten(const struct mpf_image *img, uint32_t align, size_t max,
		      struct mpf_buf *out, uint32_t *base, struct mpf_buf *err);
void mpf_image_release(struct mpf_image *img);
size_t mpf_image_size(const struct mpf_image *img);

#endif
