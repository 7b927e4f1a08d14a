/* inflate.h - a zlib stream (RFC 1950) around raw deflate (RFC 1951),
 * decoded as it arrives: the input is pulled block by block through
 * more(), the output pushed through out() in pieces of up to 32 KiB. */
#ifndef STUB_INFLATE_H
#define STUB_INFLATE_H

#include <stdint.h>

struct inflate_io {
	const uint8_t *in;	/* input not yet read */
	uint32_t in_len;
	/* Refill in/in_len: 0, or an error code (E_*) that ends decoding. */
	int (*more)(struct inflate_io *io);
	/* Take n bytes of output: 0, or an error code. */
	int (*out)(struct inflate_io *io, const uint8_t *p, uint32_t n);
};

/* Decode one zlib stream: 0 when it ended and its Adler-32 matched,
 * E_INFLATE_ERROR on a malformed or corrupt stream, or the first error
 * more() or out() returned. Bytes after the stream stay in io->in. */
int inflate_zlib(struct inflate_io *io);

#endif
