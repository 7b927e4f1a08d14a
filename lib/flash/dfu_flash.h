/* dfu_flash.h - what mpf-dfu does to a device: load an image (.dfu, .hex,
 * .bin), check it against the device's memory layout, erase what it
 * touches (or mass erase), write, verify by reading back, leave DFU.
 * Built on lib/proto/dfuse and lib/proto/dfu over lib/transport/dfu_usb.
 */
#ifndef MPF_DFU_FLASH_H
#define MPF_DFU_FLASH_H

#include <stdint.h>

#include "dfu_usb.h"
#include "dfuse.h"
#include "image.h"

struct mpf_dfu_part {
	int alt;		/* alt setting (a .dfu target's, else the --alt one) */
	uint32_t addr;		/* for a .bin: set by mpf_dfu_image_check */
	uint32_t len;
	const uint8_t *data;
};

struct mpf_dfu_image {
	struct mpf_buf raw;		/* the file */
	struct mpf_image img;		/* its segments and what it says */
	struct mpf_dfu_part *part;
	size_t n;
	uint64_t bytes;
	const char *format;		/* "dfu", "hex", "elf" or "bin" */
	int bin_addr_set;		/* a .bin's address was given */
	int has_ids;			/* the file names a vid:pid (DFU suffix) */
	uint16_t vid, pid;
};

/* Read path and recognise it by content (lib/proto/image): a DfuSe file,
 * Intel HEX, ELF or a raw binary (its DFU suffix and prefix taken off);
 * a UF2 or ESP image is refused naming the applet it is for. alt is the
 * alt setting for the parts of all but a DfuSe file; addr (when addr_set)
 * where a raw binary goes. MPF_ERR_IO (cannot read) or MPF_ERR_FORMAT
 * (bad or foreign file) with a message naming the file. */
int mpf_dfu_image_load(const char *path, int alt, uint32_t addr, int addr_set,
		       struct mpf_dfu_image *im, struct mpf_buf *err);
void mpf_dfu_image_release(struct mpf_dfu_image *im);

struct mpf_dfu_flash_opts {
	int erase_all;		/* one mass erase instead of the touched pages */
	int verify;		/* read back and compare */
	int leave;		/* leave DFU afterwards */
	int force;		/* write a file made for another vid:pid */
	const char *id;		/* names the device in progress output */
};

struct mpf_dfu_flash_result {
	uint64_t bytes;		/* written */
	unsigned long pages;	/* pages erased (a mass erase: 0) */
	int mass_erased;
	int verified;		/* read back and found equal */
	int left;		/* left DFU */
	int touched;		/* checks passed: erasing began (a failure now
				 * leaves the flash neither old nor new) */
	double seconds;
};

/* Check, erase, write, verify and leave. */
int mpf_dfu_flash(struct mpf_dfu_usb *d, struct mpf_dfu_image *im,
		  const struct mpf_dfu_flash_opts *o, struct mpf_dfu_flash_result *res,
		  struct mpf_buf *err);

/* The memory layout of alt setting alt (parsed from its name). */
int mpf_dfu_layout(struct mpf_dfu_usb *d, int alt, struct mpf_dfuse_layout *l,
		   struct mpf_buf *err);

/* Read len bytes at addr of alt into out (checked against the layout). */
int mpf_dfu_read(struct mpf_dfu_usb *d, int alt, uint32_t addr, uint8_t *out, uint32_t len,
		 const char *id, struct mpf_buf *err);
/* Mass erase alt's memory. */
int mpf_dfu_mass_erase(struct mpf_dfu_usb *d, int alt, struct mpf_buf *err);
/* Remove read protection (DfuSe Read Unprotect): the device mass-erases
 * and resets, so it is gone afterwards. */
int mpf_dfu_unprotect(struct mpf_dfu_usb *d, struct mpf_buf *err);
/* Leave DFU, starting the firmware at addr (addr_set) or at the start of
 * alt 0's memory. */
int mpf_dfu_leave(struct mpf_dfu_usb *d, uint32_t addr, int addr_set, struct mpf_buf *err);

#endif
