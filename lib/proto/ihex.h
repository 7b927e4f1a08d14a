/* ihex.h - Intel HEX images: a reader into segments of address + bytes,
 * and a writer. Shared by every flash method that takes .hex files
 * (mpf-dfu, mpf-swd).
 *
 * Records (Intel "Hexadecimal Object File Format Specification" rev A):
 * 00 data, 01 end of file, 02 extended segment address (base = value * 16),
 * 03 start segment address (CS:IP), 04 extended linear address (upper 16
 * bits), 05 start linear address (EIP). Every line's checksum is checked.
 */
#ifndef MPF_IHEX_H
#define MPF_IHEX_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct mpf_ihex_segment {
	uint32_t addr;
	uint8_t *data;		/* owned */
	size_t len;
};

struct mpf_ihex {
	struct mpf_ihex_segment *seg;	/* sorted by address, not overlapping; */
	size_t n;			/* contiguous data is one segment */
	uint32_t start;			/* entry point (record 05, or CS << 4 + IP for 03) */
	int has_start;
};

/* Parse text (len bytes, need not be NUL-terminated). Bytes given twice
 * for the same address, a bad checksum, a bad record, data after the end
 * record or no end record give MPF_ERR_FORMAT with "line N: ..." in err
 * and nothing in h. Blank lines and CR LF are accepted. Release with
 * mpf_ihex_release. */
int mpf_ihex_parse(const char *text, size_t len, struct mpf_ihex *h, struct mpf_buf *err);
void mpf_ihex_release(struct mpf_ihex *h);

/* Total data bytes. */
size_t mpf_ihex_size(const struct mpf_ihex *h);

/* Write h as Intel HEX (16 data bytes a line, extended linear address
 * records as needed, start linear address when has_start, end record). */
void mpf_ihex_write(const struct mpf_ihex *h, struct mpf_buf *out);

#endif
