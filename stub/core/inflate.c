/* inflate.c - zlib (RFC 1950) and deflate (RFC 1951) decoding for
 * FLASH_DEFL_DATA, with a 32 KiB window, pulling input as it is needed.
 * Huffman codes are canonical: decoded a bit at a time from the count of
 * codes of each length (RFC 1951 section 3.2.2). Every length, distance
 * and count read from the stream is checked before it is used. */
#include "core.h"
#include "inflate.h"

#define WSIZE 32768u
#define MAXBITS 15
#define NLIT 288
#define NDIST 30

struct huff {
	uint16_t count[MAXBITS + 1];
	uint16_t sym[NLIT];
};

static struct {
	struct inflate_io *io;
	uint32_t bitbuf, bitcnt;
	int err;
	uint32_t wpos, total;	/* next window slot; bytes produced */
	uint32_t a1, a2;	/* Adler-32 of the output */
	struct huff lit, dist;
	uint8_t win[WSIZE];
} s;

/* RFC 1951 section 3.2.5 */
static const uint16_t lbase[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t lext[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
	4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dbase[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dext[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8,
	9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

static int fail(int e)
{
	if (!s.err)
		s.err = e;
	return -1;
}

static int getbyte(void)
{
	while (!s.io->in_len) {
		int e;

		if (s.err)
			return -1;
		if ((e = s.io->more(s.io)) != 0)
			return fail(e);
	}
	s.io->in_len--;
	return *s.io->in++;
}

/* n (up to 16) bits, least significant first; 0 after an error. */
static uint32_t bits(uint32_t n)
{
	uint32_t v;

	while (s.bitcnt < n) {
		int c = getbyte();

		if (c < 0)
			return 0;
		s.bitbuf |= (uint32_t)c << s.bitcnt;
		s.bitcnt += 8;
	}
	v = s.bitbuf & ((1u << n) - 1);
	s.bitbuf >>= n;
	s.bitcnt -= n;
	return v;
}

static void adler(const uint8_t *p, uint32_t n)
{
	while (n) {
		uint32_t k = n < 5552 ? n : 5552;	/* no overflow before the modulo */

		n -= k;
		while (k--) {
			s.a1 += *p++;
			s.a2 += s.a1;
		}
		s.a1 %= 65521;
		s.a2 %= 65521;
	}
}

static void flush(void)
{
	int e;

	adler(s.win, s.wpos);
	if (s.wpos && !s.err && (e = s.io->out(s.io, s.win, s.wpos)) != 0)
		fail(e);
	s.wpos = 0;
}

static void put(uint8_t c)
{
	s.win[s.wpos++] = c;
	s.total++;
	if (s.wpos == WSIZE)
		flush();
}

/* Build a canonical code from n lengths: -1 when over-subscribed. */
static int build(struct huff *h, const uint8_t *len, uint32_t n)
{
	uint16_t offs[MAXBITS + 1];
	int32_t left = 1;
	uint32_t i;

	memset(h->count, 0, sizeof(h->count));
	for (i = 0; i < n; i++)
		h->count[len[i]]++;
	for (i = 1; i <= MAXBITS; i++) {
		left = left * 2 - h->count[i];
		if (left < 0)
			return -1;
	}
	offs[1] = 0;
	for (i = 1; i < MAXBITS; i++)
		offs[i + 1] = (uint16_t)(offs[i] + h->count[i]);
	for (i = 0; i < n; i++)
		if (len[i])
			h->sym[offs[len[i]]++] = (uint16_t)i;
	return 0;
}

/* One symbol; -1 on an error or a code the table does not have. */
static int decode(const struct huff *h)
{
	int32_t code = 0, first = 0, index = 0, count;
	uint32_t len;

	for (len = 1; len <= MAXBITS; len++) {
		code |= (int32_t)bits(1);
		if (s.err)
			return -1;
		count = h->count[len];
		if (code - count < first)
			return h->sym[index + (code - first)];
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	return fail(E_INFLATE_ERROR);
}

/* Literals and copies until end of block (RFC 1951 section 3.2.5). */
static int codes(void)
{
	for (;;) {
		int sym = decode(&s.lit), d;
		uint32_t len, dist;

		if (sym < 0)
			return -1;
		if (sym < 256) {
			put((uint8_t)sym);
			continue;
		}
		if (sym == 256)
			return 0;
		if ((sym -= 257) >= 29)
			return fail(E_INFLATE_ERROR);
		len = lbase[sym] + bits(lext[sym]);
		if ((d = decode(&s.dist)) < 0 || d >= NDIST)
			return fail(E_INFLATE_ERROR);
		dist = dbase[d] + bits(dext[d]);
		if (s.err || dist > s.total)
			return fail(E_INFLATE_ERROR);	/* before the start of the output */
		while (len--)
			put(s.win[(s.wpos - dist) & (WSIZE - 1)]);
	}
}

static int stored(void)
{
	uint32_t len, nlen, i;
	int c[4];

	s.bitbuf = s.bitcnt = 0;	/* to the byte boundary */
	for (i = 0; i < 4; i++)
		if ((c[i] = getbyte()) < 0)
			return -1;
	len = (uint32_t)c[0] | (uint32_t)c[1] << 8;
	nlen = (uint32_t)c[2] | (uint32_t)c[3] << 8;
	if (len != (~nlen & 0xFFFF))
		return fail(E_INFLATE_ERROR);
	while (len--) {
		int b = getbyte();

		if (b < 0)
			return -1;
		put((uint8_t)b);
	}
	return 0;
}

static int fixed(void)
{
	uint8_t len[NLIT];
	uint32_t i;

	for (i = 0; i < NLIT; i++)
		len[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
	build(&s.lit, len, NLIT);
	for (i = 0; i < NDIST; i++)
		len[i] = 5;
	build(&s.dist, len, NDIST);
	return codes();
}

/* The code lengths of a dynamic block, run-length coded (3.2.7). */
static int lengths(uint8_t *len, uint32_t n)
{
	uint32_t i = 0;

	while (i < n) {
		int sym = decode(&s.dist);	/* holds the code-length code */
		uint32_t rep, val = 0;

		if (sym < 0)
			return -1;
		if (sym < 16) {
			len[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (!i)
				return fail(E_INFLATE_ERROR);
			val = len[i - 1];
			rep = 3 + bits(2);
		} else {
			rep = sym == 17 ? 3 + bits(3) : 11 + bits(7);
		}
		if (s.err || i + rep > n)
			return fail(E_INFLATE_ERROR);
		while (rep--)
			len[i++] = (uint8_t)val;
	}
	return 0;
}

static int dynamic(void)
{
	static const uint8_t order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13,
		2, 14, 1, 15 };
	uint8_t len[NLIT + NDIST + 2];
	uint32_t nlit = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4, i;

	if (s.err || nlit > 286 || ndist > NDIST)
		return fail(E_INFLATE_ERROR);
	memset(len, 0, sizeof(len));
	for (i = 0; i < ncode; i++)
		len[order[i]] = (uint8_t)bits(3);
	if (s.err || build(&s.dist, len, 19) < 0 || lengths(len, nlit + ndist) < 0)
		return fail(E_INFLATE_ERROR);
	if (!len[256] || build(&s.lit, len, nlit) < 0 || build(&s.dist, len + nlit, ndist) < 0)
		return fail(E_INFLATE_ERROR);
	return codes();
}

static int blocks(void)
{
	uint32_t last;

	do {
		uint32_t type;
		int r;

		last = bits(1);
		type = bits(2);
		if (s.err)
			return -1;
		r = type == 0 ? stored() : type == 1 ? fixed() : type == 2 ? dynamic()
			: fail(E_INFLATE_ERROR);
		if (r < 0)
			return -1;
	} while (!last);
	return 0;
}

int inflate_zlib(struct inflate_io *io)
{
	uint32_t sum = 0;
	int cmf, flg, i;

	s.io = io;
	s.bitbuf = s.bitcnt = s.wpos = s.total = 0;
	s.err = 0;
	s.a1 = 1;
	s.a2 = 0;
	cmf = getbyte();
	flg = getbyte();
	if (flg < 0)
		return s.err;
	/* deflate, a window of at most 32 KiB, no preset dictionary (RFC 1950 2.2) */
	if ((cmf & 0x0F) != 8 || (cmf >> 4) > 7 || (cmf << 8 | flg) % 31 || (flg & 0x20))
		return E_INFLATE_ERROR;
	if (blocks() < 0)
		return s.err;
	flush();
	for (i = 0; i < 4; i++) {
		int c = getbyte();

		if (c < 0)
			return s.err;
		sum = sum << 8 | (uint32_t)c;
	}
	if (s.err)
		return s.err;
	return sum == (s.a2 << 16 | s.a1) ? 0 : E_INFLATE_ERROR;
}
