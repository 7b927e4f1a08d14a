/* image.h - a firmware image as address + bytes segments, from a raw
 * binary (placed at a given address), Intel HEX (lib/proto/ihex) or ELF
 * (PT_LOAD segments at their physical addresses, lib/proto/elf).
 */
#ifndef MPF_IMAGE_H
#define MPF_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct mpf_image_seg {
	uint32_t addr;
	uint8_t *data;		/* owned */
	size_t len;
};

struct mpf_image {
	struct mpf_image_seg *seg;	/* sorted by address, not overlapping */
	size_t n;
	const char *format;		/* "bin", "hex", "elf" */
};

/* Load path. A file that is neither ELF nor Intel HEX (by content) is a
 * raw binary placed at bin_addr; have_addr 0 makes that an error.
 * MPF_ERR_IO / MPF_ERR_FORMAT with a message. */
int mpf_image_load(const char *path, uint32_t bin_addr, int have_addr, struct mpf_image *img,
		   struct mpf_buf *err);
void mpf_image_release(struct mpf_image *img);
size_t mpf_image_size(const struct mpf_image *img);

#endif
