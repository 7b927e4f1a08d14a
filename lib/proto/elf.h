/* elf.h - the loadable contents of an ELF32 ARM image: PT_LOAD segments
 * placed at their physical (load) addresses, which is where a linker puts
 * initialised data that the startup code copies to RAM (LMA, not VMA).
 * Pure: a buffer in, segment descriptions out.
 */
#ifndef MPF_ELF_H
#define MPF_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct mpf_elf_seg {
	uint32_t paddr;		/* where the bytes go */
	uint32_t offset;	/* where they are in the file */
	uint32_t size;		/* file size; the zero-filled rest (bss) is not loaded */
};

/* 1 when buf starts with the ELF magic. */
int mpf_elf_is(const uint8_t *buf, size_t len);
/* Fill up to max segments (PT_LOAD with file bytes), in file order.
 * Returns the count, or MPF_ERR_FORMAT with a message. */
int mpf_elf_segments(const uint8_t *buf, size_t len, struct mpf_elf_seg *segs, size_t max,
		     struct mpf_buf *err);

#endif
