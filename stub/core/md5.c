/* md5.c - MD5 (RFC 1321), for SPI_FLASH_MD5 and READ_FLASH's digest. */
#include "core.h"
#include "md5.h"

static const uint8_t shift[16] = { 7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21 };

/* K[i] = floor(abs(sin(i + 1)) * 2^32) (RFC 1321 section 3.4) */
static const uint32_t K[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
	0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
	0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
	0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
	0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
	0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
	0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
	0xeb86d391,
};

static void block(uint32_t h[4], const uint8_t *p)
{
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], w[16], f, t;
	unsigned i, g;

	for (i = 0; i < 16; i++)
		w[i] = get32(p + 4 * i);
	for (i = 0; i < 64; i++) {
		switch (i / 16) {
		case 0: f = (b & c) | (~b & d); g = i; break;
		case 1: f = (d & b) | (~d & c); g = (5 * i + 1) % 16; break;
		case 2: f = b ^ c ^ d; g = (3 * i + 5) % 16; break;
		default: f = c ^ (b | ~d); g = (7 * i) % 16; break;
		}
		t = d;
		d = c;
		c = b;
		f += a + K[i] + w[g];
		b += f << shift[(i / 16) * 4 + i % 4] | f >> (32 - shift[(i / 16) * 4 + i % 4]);
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
}

void md5_init(struct md5 *m)
{
	m->h[0] = 0x67452301;
	m->h[1] = 0xefcdab89;
	m->h[2] = 0x98badcfe;
	m->h[3] = 0x10325476;
	m->len = 0;
}

void md5_update(struct md5 *m, const uint8_t *p, uint32_t n)
{
	uint32_t have = (uint32_t)(m->len % 64);

	m->len += n;
	if (have) {
		uint32_t take = 64 - have < n ? 64 - have : n;

		memcpy(m->buf + have, p, take);
		p += take;
		n -= take;
		if (have + take < 64)
			return;
		block(m->h, m->buf);
	}
	for (; n >= 64; p += 64, n -= 64)
		block(m->h, p);
	memcpy(m->buf, p, n);
}

void md5_final(struct md5 *m, uint8_t out[16])
{
	static const uint8_t pad[64] = { 0x80 };
	uint64_t bits = m->len * 8;
	uint8_t l[8];
	int i;

	for (i = 0; i < 8; i++)
		l[i] = (uint8_t)(bits >> (8 * i));
	md5_update(m, pad, (uint32_t)(m->len % 64 < 56 ? 56 - m->len % 64 : 120 - m->len % 64));
	md5_update(m, l, 8);
	for (i = 0; i < 4; i++)
		put32(out + 4 * i, m->h[i]);
}
