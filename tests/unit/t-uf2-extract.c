/* t-uf2-extract.c - the family flash bounds and UF2 extraction: gaps
 * erased, other families and not-main-flash blocks left out, a cap. */
#include "test-lib.h"

#include "buf.h"
#include "err.h"
#include "uf2.h"

#include <string.h>

#define RP2040 0xE48BFF56u
#define SAMD21 0x68ED2B88u

static uint8_t bin[2048];

static void set32(struct mpf_buf *f, size_t blk, size_t off, uint32_t v)
{
	uint8_t *p = (uint8_t *)f->buf + blk * 512 + off;

	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void t_fits(void)
{
	struct mpf_buf err = MPF_BUF_INIT;

	check_int(mpf_uf2_fits(RP2040, 0x11000000, &err), ==, 0);
	check_int(mpf_uf2_fits(RP2040, 0x11000001, &err), ==, MPF_ERR_MISMATCH);
	check(strstr(err.buf, "1 bytes past the end of RP2040 flash (0x11000000)") != NULL);
	check_int(mpf_uf2_fits(SAMD21, 0x40000, NULL), ==, 0);
	check_int(mpf_uf2_fits(SAMD21, 0x40004, NULL), ==, MPF_ERR_MISMATCH);
	/* no known size: nothing to say */
	check_int(mpf_uf2_fits(0x57755A57, 0xFFFFFFFFull, NULL), ==, 0);
	check_int(mpf_uf2_fits(0x12345678, 0x100000000ull, NULL), ==, 0);
	mpf_buf_release(&err);
}

/* Two RP2040 blocks with a gap, a not-main-flash block between them in the
 * numbering, and a SAMD21 file after them. */
static void t_extract(void)
{
	struct mpf_buf f = MPF_BUF_INIT, out = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct mpf_uf2_summary s;
	size_t i;

	for (i = 0; i < sizeof(bin); i++)
		bin[i] = (uint8_t)(i * 13 + 1);
	mpf_uf2_convert(bin, 768, 0x10000000, RP2040, 256, &f, NULL);
	set32(&f, 1, 8, MPF_UF2_FAMILY_PRESENT | MPF_UF2_NOT_MAIN_FLASH);
	set32(&f, 2, 12, 0x10000400);
	mpf_uf2_convert(bin, 512, 0x2000, SAMD21, 256, &f, NULL);
	check_int(mpf_uf2_validate((uint8_t *)f.buf, f.len, &s, &err), ==, 0);
	check_int(s.nparts, ==, 2);
	check_uint(s.parts[0].blocks, ==, 3);
	check_uint(s.parts[0].bytes, ==, 512);
	check_int(mpf_uf2_check_bounds(&s, NULL, NULL), ==, 0);
	check_int(mpf_uf2_extract((uint8_t *)f.buf, f.len, &s.parts[0], 1 << 20, &out, &err), ==, 0);
	check_uint(out.len, ==, 0x500);
	check(!memcmp(out.buf, bin, 256));
	check_uint((uint8_t)out.buf[256], ==, 0xff);
	check_uint((uint8_t)out.buf[0x3ff], ==, 0xff);
	check(!memcmp(out.buf + 0x400, bin + 512, 256));
	check_int(mpf_uf2_extract((uint8_t *)f.buf, f.len, &s.parts[1], 1 << 20, &out, &err), ==, 0);
	check_uint(out.len, ==, 512);
	check(!memcmp(out.buf, bin, 512));
	/* a sparse file is not blown up past the cap */
	check_int(mpf_uf2_extract((uint8_t *)f.buf, f.len, &s.parts[0], 0x4ff, &out, &err), ==,
		  MPF_ERR_FORMAT);
	mpf_buf_release(&f);
	mpf_buf_release(&out);
	mpf_buf_release(&err);
}

static void t_only_not_main(void)
{
	struct mpf_buf f = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct mpf_uf2_summary s;

	mpf_uf2_convert(bin, 256, 0x10000000, RP2040, 256, &f, NULL);
	set32(&f, 0, 8, MPF_UF2_FAMILY_PRESENT | MPF_UF2_NOT_MAIN_FLASH);
	check_int(mpf_uf2_validate((uint8_t *)f.buf, f.len, &s, &err), ==, MPF_ERR_FORMAT);
	check(strstr(err.buf, "no block is meant for main flash") != NULL);
	check(mpf_uf2_is_block((uint8_t *)f.buf));
	mpf_buf_release(&f);
	mpf_buf_release(&err);
}

int main(void)
{
	TEST(t_fits(), "an image past its family's flash is told, with the bytes too many");
	TEST(t_extract(), "extraction: gaps erased, other families and source blocks left out");
	TEST(t_only_not_main(), "a file of not-main-flash blocks only has nothing for flash");
	return test_done();
}
