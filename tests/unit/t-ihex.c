/* t-ihex.c - Intel HEX reading and writing. */
#include "test-lib.h"
#include "err.h"
#include "ihex.h"

#include <string.h>

static int parse(const char *text, struct mpf_ihex *h, struct mpf_buf *err)
{
	return mpf_ihex_parse(text, strlen(text), h, err);
}

/* text must parse; if it does not, the message says why */
static bool parses(const char *text, struct mpf_ihex *h)
{
	struct mpf_buf err = MPF_BUF_INIT;
	bool ok = check_int(parse(text, h, &err), ==, MPF_OK);

	if (!ok)
		test_msg("%s", mpf_buf_str(&err));
	mpf_buf_release(&err);
	return ok;
}

static void fails(const char *t, const char *want)
{
	struct mpf_ihex h;
	struct mpf_buf err = MPF_BUF_INIT;

	check_int(parse(t, &h, &err), ==, MPF_ERR_FORMAT);
	if (!check(strstr(mpf_buf_str(&err), want) != NULL))
		test_msg("message: %s", mpf_buf_str(&err));
	check_int(h.n, ==, 0);
	mpf_buf_release(&err);
}

static void t_basic(void)
{
	/* as objcopy writes it: extended linear address, data, start, end */
	const char *t = ":020000040800F2\r\n"
			":10000000000102030405060708090A0B0C0D0E0F78\r\n"
			":0400100010111213A6\r\n"
			":04000005080001C12D\r\n"
			":00000001FF\r\n";
	struct mpf_ihex h;

	if (!parses(t, &h))
		return;
	check_int(h.n, ==, 1);
	check_uint(h.seg[0].addr, ==, 0x08000000);
	check_int(h.seg[0].len, ==, 20);
	check_int(h.seg[0].data[16], ==, 0x10);
	check(h.has_start);
	check_uint(h.start, ==, 0x080001c1);
	check_int(mpf_ihex_size(&h), ==, 20);
	mpf_ihex_release(&h);
}

static void t_segments(void)
{
	/* two ranges given out of order, and an extended segment address */
	const char *t = ":020000021000EC\n"
			":0200000055AAFF\n"
			":020000040800F2\n"
			":02100000A55A EF\n";
	const char *t2 = ":020000021000EC\n"
			 ":0200000055AAFF\n"
			 ":020000040800F2\n"
			 ":02100000A55AEF\n"
			 ":00000001FF\n";
	struct mpf_ihex h;

	fails(t, "line 4: not an Intel HEX record");	/* the space */
	if (!parses(t2, &h))
		return;
	check_int(h.n, ==, 2);
	check_uint(h.seg[0].addr, ==, 0x00010000);
	check_uint(h.seg[1].addr, ==, 0x08001000);
	check_int(h.seg[1].data[1], ==, 0x5a);
	mpf_ihex_release(&h);
}

static void t_errors(void)
{
	fails(":0400000001020304F3\n:00000001FF\n", "line 1: bad checksum");
	fails(":04000000010203F2\n:00000001FF\n", "line 1: record says 4 data bytes, has 3");
	fails("\n:0400000001020304F2\n", "no end-of-file record");
	fails(":00000001FF\n:0400000001020304F2\n", "line 2: data after the end record");
	fails(":0400000001020304F2\n:02000200AABB97\n:00000001FF\n",
	      "line 2: data for 0x00000002 was already given");
	fails("hello\n", "line 1: not an Intel HEX record");
	fails(":0400000001020G04F2\n", "bad hex digit");
	fails(":00000006FA\n:00000001FF\n", "unknown record type 06");
	fails(":020000040800F2\n:03000004010203F3\n", "address record with 3");
}

static void t_roundtrip(void)
{
	static uint8_t a[40], b[300];
	struct mpf_ihex_segment s[2] = { { 0x0800fff0, a, sizeof(a) }, { 0x20000000, b, sizeof(b) } };
	struct mpf_ihex h = { s, 2, 0x08000101, 1 }, g;
	struct mpf_buf out = MPF_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(a); i++)
		a[i] = (uint8_t)(i * 7);
	for (i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(i ^ 0x5a);
	mpf_ihex_write(&h, &out);
	/* a record never crosses a 64 KiB boundary: 16 bytes, new base, 24 */
	check(strstr(out.buf, ":020000040801F1\n") != NULL);
	if (!parses(out.buf, &g))
		return;
	check_int(g.n, ==, 2);
	check_uint(g.seg[0].addr, ==, 0x0800fff0);
	check_mem(g.seg[0].data, a, sizeof(a));
	check_mem(g.seg[1].data, b, sizeof(b));
	check_uint(g.start, ==, 0x08000101);
	mpf_ihex_release(&g);
	mpf_buf_release(&out);
}

int main(void)
{
	TEST(t_basic(), "objcopy-style file: linear address, data, start, end");
	TEST(t_segments(), "segment addresses, ranges out of order");
	TEST(t_errors(), "checksums, lengths, missing or early end, overlaps, bad records");
	TEST(t_roundtrip(), "write then read back, across a 64 KiB boundary");
	return test_done();
}
