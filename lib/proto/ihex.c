/* ihex.c - Intel HEX reader and writer (see ihex.h). */
#include "ihex.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>

struct chunk {
	uint32_t addr;
	size_t len;
	size_t off;		/* into the byte pool */
	unsigned long line;
};

struct parser {
	struct chunk *c;
	size_t n;
	struct mpf_buf pool;
};

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Decode the hex digits after ':' into bytes; -1 on a bad digit. */
static int decode(const char *s, size_t n, uint8_t *out)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

void mpf_ihex_release(struct mpf_ihex *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->seg[i].data);
	free(h->seg);
	memset(h, 0, sizeof(*h));
}

size_t mpf_ihex_size(const struct mpf_ihex *h)
{
	size_t i, n = 0;

	for (i = 0; i < h->n; i++)
		n += h->seg[i].len;
	return n;
}

static int cmp_chunk(const void *a, const void *b)
{
	const struct chunk *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Sort the data records and join the contiguous ones; overlaps are errors. */
static int build(struct parser *p, struct mpf_ihex *h, struct mpf_buf *err)
{
	size_t i;

	if (p->n)
		qsort(p->c, p->n, sizeof(*p->c), cmp_chunk);
	for (i = 0; i < p->n; i++) {
		const struct chunk *c = &p->c[i];
		struct mpf_ihex_segment *last = h->n ? &h->seg[h->n - 1] : NULL;
		uint64_t last_end = last ? (uint64_t)last->addr + last->len : 0;

		if (last && c->addr < last_end)
			return mpf_errf(err, MPF_ERR_FORMAT, "line %lu: data for 0x%08x was "
					"already given", c->line, c->addr);
		if (last && c->addr == last_end) {
			last->data = mpf_xrealloc(last->data, last->len + c->len);
			memcpy(last->data + last->len, p->pool.buf + c->off, c->len);
			last->len += c->len;
			continue;
		}
		h->seg = mpf_xrealloc(h->seg, (h->n + 1) * sizeof(*h->seg));
		h->seg[h->n].addr = c->addr;
		h->seg[h->n].len = c->len;
		h->seg[h->n].data = mpf_xmalloc(c->len ? c->len : 1);
		memcpy(h->seg[h->n].data, p->pool.buf + c->off, c->len);
		h->n++;
	}
	return MPF_OK;
}

/* One record (bytes after ':' decoded). 1 = end of file. */
static int record(struct parser *p, struct mpf_ihex *h, const uint8_t *b, int n,
		  uint32_t *base, unsigned long line, struct mpf_buf *err)
{
	uint8_t sum = 0;
	int i, count = b[0], type = b[3];
	uint32_t off = (uint32_t)(b[1] << 8 | b[2]);

	if (n != count + 5)
		return mpf_errf(err, MPF_ERR_FORMAT, "line %lu: record says %d data bytes, has %d",
				line, count, n - 5);
	for (i = 0; i < n; i++)
		sum = (uint8_t)(sum + b[i]);
	if (sum)
		return mpf_errf(err, MPF_ERR_FORMAT, "line %lu: bad checksum", line);
	switch (type) {
	case 0:
		if ((uint64_t)*base + off + (uint64_t)count > 0x100000000ull)
			return mpf_errf(err, MPF_ERR_FORMAT, "line %lu: data runs past 4 GiB", line);
		p->c = mpf_xrealloc(p->c, (p->n + 1) * sizeof(*p->c));
		p->c[p->n++] = (struct chunk){ *base + off, (size_t)count, p->pool.len, line };
		mpf_buf_add(&p->pool, b + 4, (size_t)count);
		return 0;
	case 1:
		return 1;
	case 2: case 4:
		if (count != 2)
			return mpf_errf(err, MPF_ERR_FORMAT, "line %lu: address record with %d "
					"bytes", line, count);
		*base = type == 4 ? (uint32_t)(b[4] << 8 | b[5]) << 16 :
				    (uint32_t)(b[4] << 8 | b[5]) << 4;
		return 0;
	case 3: case 5:
		if (count != 4)
			return mpf_errf(err, MPF_ERR_FORMAT, "line %lu: start record with %d "
					"bytes", line, count);
		h->has_start = 1;
		h->start = type == 5 ? (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 |
					       (uint32_t)b[6] << 8 | b[7]
				     : ((uint32_t)(b[4] << 8 | b[5]) << 4) + (uint32_t)(b[6] << 8 | b[7]);
		return 0;
	}
	return mpf_errf(err, MPF_ERR_FORMAT, "line %lu: unknown record type %02x", line, type);
}

static int parse_lines(struct parser *p, const char *text, size_t len, struct mpf_ihex *h,
		       struct mpf_buf *err)
{
	size_t pos = 0;
	unsigned long line = 0;
	uint32_t base = 0;
	int ended = 0, r;

	while (pos < len) {
		const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		uint8_t b[262];

		pos += n + (nl != NULL);
		line++;
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (!n)
			continue;
		if (ended)
			return mpf_errf(err, MPF_ERR_FORMAT, "line %lu: data after the end record",
					line);
		if (s[0] != ':' || n < 11 || n % 2 == 0 || n > 1 + 2 * sizeof(b))
			return mpf_errf(err, MPF_ERR_FORMAT, "line %lu: not an Intel HEX record",
					line);
		r = decode(s + 1, n - 1, b);
		if (r < 0)
			return mpf_errf(err, MPF_ERR_FORMAT, "line %lu: bad hex digit", line);
		r = record(p, h, b, r, &base, line, err);
		if (r < 0)
			return r;
		ended = r;
	}
	if (!ended)
		return mpf_errf(err, MPF_ERR_FORMAT, "no end-of-file record (the file is cut short)");
	return MPF_OK;
}

int mpf_ihex_parse(const char *text, size_t len, struct mpf_ihex *h, struct mpf_buf *err)
{
	struct parser p = { NULL, 0, MPF_BUF_INIT };
	int r;

	memset(h, 0, sizeof(*h));
	r = parse_lines(&p, text, len, h, err);
	if (r == MPF_OK)
		r = build(&p, h, err);
	if (r < 0)
		mpf_ihex_release(h);
	free(p.c);
	mpf_buf_release(&p.pool);
	return r;
}

static void put_record(struct mpf_buf *out, int type, uint16_t off, const uint8_t *d, size_t n)
{
	uint8_t sum = (uint8_t)(n + (off >> 8) + (off & 0xff) + type);
	size_t i;

	mpf_buf_addf(out, ":%02X%04X%02X", (unsigned)n, off, type);
	for (i = 0; i < n; i++) {
		mpf_buf_addf(out, "%02X", d[i]);
		sum = (uint8_t)(sum + d[i]);
	}
	mpf_buf_addf(out, "%02X\n", (uint8_t)-sum);
}

void mpf_ihex_write(const struct mpf_ihex *h, struct mpf_buf *out)
{
	uint32_t upper = 0;
	size_t i, j;

	for (i = 0; i < h->n; i++) {
		const struct mpf_ihex_segment *s = &h->seg[i];

		for (j = 0; j < s->len;) {
			uint32_t a = s->addr + (uint32_t)j;
			size_t n = s->len - j < 16 ? s->len - j : 16;

			if (a >> 16 != upper || (i == 0 && j == 0 && a >> 16)) {
				uint8_t u[2] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16) };

				upper = a >> 16;
				put_record(out, 4, 0, u, 2);
			}
			/* a record does not cross a 64 KiB boundary */
			if ((a & 0xffff) + n > 0x10000)
				n = 0x10000 - (a & 0xffff);
			put_record(out, 0, (uint16_t)a, s->data + j, n);
			j += n;
		}
	}
	if (h->has_start) {
		uint8_t e[4] = { (uint8_t)(h->start >> 24), (uint8_t)(h->start >> 16),
				 (uint8_t)(h->start >> 8), (uint8_t)h->start };

		put_record(out, 5, 0, e, 4);
	}
	put_record(out, 1, 0, NULL, 0);
}
