/* t-uf2.c - UF2 blocks, validation, conversion and family matching
 * (doc/protocols.md section 3). */
#include "test-lib.h"

#include "buf.h"
#include "err.h"
#include "uf2.h"
#include "uf2drive.h"

#include <string.h>

#define RP2040 0xE48BFF56u
#define SAMD21 0x68ED2B88u

static uint8_t bin[4096];

static void make_bin(void)
{
	size_t i;

	for (i = 0; i < sizeof(bin); i++)
		bin[i] = (uint8_t)(i * 7 + 3);
}

/* n bytes of bin as UF2 at base for family. */
static void conv(struct mpf_buf *out, size_t n, uint32_t base, uint32_t fam)
{
	mpf_buf_reset(out);
	mpf_uf2_convert(bin, n, base, fam, 256, out, NULL);
}

static int validate(struct mpf_buf *f, struct mpf_uf2_summary *s, struct mpf_buf *err)
{
	mpf_buf_reset(err);
	return mpf_uf2_validate((const uint8_t *)f->buf, f->len, s, err);
}

static void put32(struct mpf_buf *f, size_t blk, size_t off, uint32_t v)
{
	uint8_t *p = (uint8_t *)f->buf + blk * 512 + off;

	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void t_convert_roundtrip(void)
{
	struct mpf_buf f = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct mpf_uf2_block b;
	struct mpf_uf2_summary s;
	int n = mpf_uf2_convert(bin, 1000, 0x10000000, RP2040, 256, &f, &err);

	check_int(n, ==, 4);
	check_int(f.len, ==, 4 * 512);
	check_int(mpf_uf2_block_decode((uint8_t *)f.buf + 3 * 512, &b, &err), ==, 0);
	check_uint(b.addr, ==, 0x10000300);
	check_uint(b.no, ==, 3);
	check_uint(b.count, ==, 4);
	check_uint(b.family, ==, RP2040);
	check_uint(b.flags, ==, MPF_UF2_FAMILY_PRESENT);
	check_mem(b.data, bin + 768, 232);
	check_int(b.data[232], ==, 0);	/* padded with zeros */
	check_int(validate(&f, &s, &err), ==, 0);
	check_int(s.nparts, ==, 1);
	check_uint(s.parts[0].start, ==, 0x10000000);
	check_uint(s.parts[0].end, ==, 0x10000400);
	check_uint(s.parts[0].bytes, ==, 1024);
	mpf_buf_release(&f);
	mpf_buf_release(&err);
}

static void t_convert_args(void)
{
	struct mpf_buf f = MPF_BUF_INIT, err = MPF_BUF_INIT;
	int n;

	check_int(mpf_uf2_convert(bin, 0, 0x2000, SAMD21, 256, &f, &err), ==, MPF_ERR_ARG);
	check_int(mpf_uf2_convert(bin, 10, 0x10000080, RP2040, 256, &f, &err), ==, MPF_ERR_ARG);
	check_int(mpf_uf2_convert(bin, 10, 0x2000, SAMD21, 478, &f, &err), ==, MPF_ERR_ARG);
	check_int(mpf_uf2_convert(bin, 1000, 0xFFFFFF00u, SAMD21, 256, &f, &err), ==, MPF_ERR_ARG);
	/* without a family uf2conv puts the file size in the family word */
	n = mpf_uf2_convert(bin, 10, 0x2000, 0, 476, &f, &err);
	check_int(n, ==, 1);
	check_int((uint8_t)f.buf[28], ==, 10);
	check_int(f.len, ==, 512);
	mpf_buf_release(&f);
	mpf_buf_release(&err);
}

static void t_bad_files(void)
{
	struct mpf_buf f = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct mpf_uf2_summary s;

	conv(&f, 1024, 0x10000000, RP2040);
	check_int(mpf_uf2_validate((uint8_t *)f.buf, 1000, &s, &err), ==, MPF_ERR_FORMAT);
	check(strstr(err.buf, "multiple of 512") != NULL);
	check_int(mpf_uf2_validate((uint8_t *)f.buf, 0, &s, &err), ==, MPF_ERR_FORMAT);

	put32(&f, 2, 508, 0);	/* end magic */
	check_int(validate(&f, &s, &err), ==, MPF_ERR_FORMAT);
	check_str(err.buf, "block 2 (offset 1024): bad magic numbers (not a UF2 block)");

	conv(&f, 1024, 0x10000000, RP2040);
	put32(&f, 1, 20, 0);	/* block 1 numbered 0: duplicate, 1 missing */
	check_int(validate(&f, &s, &err), ==, MPF_ERR_FORMAT);
	check_str(err.buf, "block 1 (offset 512): block number 0 appears twice");

	conv(&f, 1024, 0x10000000, RP2040);
	f.len = 3 * 512;	/* truncated */
	check_int(validate(&f, &s, &err), ==, MPF_ERR_FORMAT);
	check_str(err.buf, "block 0 (offset 0): declares 4 blocks but the file has 3");

	conv(&f, 1024, 0x10000000, RP2040);
	put32(&f, 1, 28, SAMD21);	/* block 1 becomes the only SAMD21 block */
	put32(&f, 1, 24, 1);
	put32(&f, 1, 20, 0);
	check_int(validate(&f, &s, &err), ==, MPF_ERR_FORMAT);
	check_str(err.buf, "RP2040: 1 of 4 blocks missing (first: block 1)");

	conv(&f, 1024, 0x10000000, RP2040);
	put32(&f, 3, 12, 0x10000200);	/* overlaps block 2 */
	check_int(validate(&f, &s, &err), ==, MPF_ERR_FORMAT);
	check(strstr(err.buf, "overlap at 0x10000200") != NULL);

	conv(&f, 1024, 0x10000000, RP2040);
	put32(&f, 0, 16, 477);
	check_int(validate(&f, &s, &err), ==, MPF_ERR_FORMAT);
	check(strstr(err.buf, "payload size 477") != NULL);

	conv(&f, 1024, 0x10000000, RP2040);
	put32(&f, 0, 16, 252);	/* RP2 boot ROM ignores such blocks */
	check_int(validate(&f, &s, &err), ==, MPF_ERR_FORMAT);
	check(strstr(err.buf, "256-byte payloads") != NULL);

	conv(&f, 1024, 0x10000000, RP2040);
	put32(&f, 1, 24, 5);
	check_int(validate(&f, &s, &err), ==, MPF_ERR_FORMAT);
	check(strstr(err.buf, "declares 5 blocks") != NULL || strstr(err.buf, "numBlocks 5") != NULL);

	conv(&f, 1024, 0x10000000, RP2040);
	put32(&f, 1, 20, 9);	/* blockNo >= numBlocks */
	check_int(validate(&f, &s, &err), ==, MPF_ERR_FORMAT);
	check(strstr(err.buf, "block number 9 of 4") != NULL);

	conv(&f, 1024, 0x10000000, RP2040);
	put32(&f, 0, 8, MPF_UF2_FAMILY_PRESENT | MPF_UF2_FILE_CONTAINER);
	check_int(validate(&f, &s, &err), ==, MPF_ERR_FORMAT);
	check(strstr(err.buf, "file-container") != NULL);

	conv(&f, 1024, 0x10000002, SAMD21);	/* conversion refuses it... */
	check_int(f.len, ==, 0);
	conv(&f, 1024, 0x2000, SAMD21);
	put32(&f, 0, 12, 0x2002);	/* ...and validation too */
	check_int(validate(&f, &s, &err), ==, MPF_ERR_FORMAT);
	check(strstr(err.buf, "not 4-byte aligned") != NULL);

	conv(&f, 512, 0x2000, SAMD21);
	put32(&f, 0, 8, MPF_UF2_FAMILY_PRESENT | MPF_UF2_EXT_TAGS);
	memset(f.buf + 32 + 256, 0x10, 476 - 256);	/* tags that never end */
	check_int(validate(&f, &s, &err), ==, MPF_ERR_FORMAT);
	check(strstr(err.buf, "extension tags") != NULL);
	mpf_buf_release(&f);
	mpf_buf_release(&err);
}

static void t_multi_family(void)
{
	struct mpf_buf f = MPF_BUF_INIT, g = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct mpf_uf2_summary s;

	/* concatenated files for two families restart their numbering */
	mpf_uf2_convert(bin, 1000, 0x10000000, RP2040, 256, &f, NULL);
	mpf_uf2_convert(bin, 600, 0x2000, SAMD21, 256, &f, NULL);
	check_int(validate(&f, &s, &err), ==, 0);
	check_int(s.nparts, ==, 2);
	check_uint(s.parts[1].family, ==, SAMD21);
	check_uint(s.parts[1].blocks, ==, 3);

	/* a family of not-main-flash blocks only holds nothing for flash */
	mpf_uf2_convert(bin, 256, 0x20000000, 0xE48BFF55, 256, &g, NULL);
	put32(&g, 0, 8, MPF_UF2_FAMILY_PRESENT | MPF_UF2_NOT_MAIN_FLASH);
	mpf_buf_add(&f, g.buf, g.len);
	check_int(validate(&f, &s, &err), ==, 0);
	check_int(s.skipped, ==, 1);
	check_int(s.nparts, ==, 2);
	mpf_buf_release(&f);
	mpf_buf_release(&g);
	mpf_buf_release(&err);
}

static void t_e10_block(void)
{
	struct mpf_buf f = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct mpf_uf2_summary s;
	uint8_t ef[512];

	/* picotool's RP2350-E10 block: numBlocks 2 but alone in its family */
	memset(ef, 0xEF, sizeof(ef));
	mpf_uf2_convert(ef, 512, MPF_UF2_E10_ADDR, MPF_UF2_RP2_ABSOLUTE, 256, &f, NULL);
	f.len = 512;
	mpf_uf2_convert(bin, 1024, 0x10000000, 0xE48BFF59, 256, &f, NULL);
	check_int(validate(&f, &s, &err), ==, 0);
	check_int(s.ignored, ==, 1);
	check_int(s.nparts, ==, 1);
	check_uint(s.parts[0].family, ==, 0xE48BFF59);
	mpf_buf_release(&f);
	mpf_buf_release(&err);
}

static void t_families(void)
{
	char b[16];

	check_uint(mpf_uf2_family_find("rp2040")->id, ==, RP2040);
	check_uint(mpf_uf2_family_find("0x68ED2B88")->id, ==, SAMD21);
	check(mpf_uf2_family_find("0x12345678") == NULL);
	check(mpf_uf2_family_find("PDP11") == NULL);
	check_str(mpf_uf2_family_name(0x55114460, b, sizeof(b)), "SAMD51");
	check_str(mpf_uf2_family_name(0x12345678, b, sizeof(b)), "0x12345678");
	check_uint(mpf_uf2_family_find("SAMD51")->base, ==, 0x4000);
}

static void drive(struct mpf_uf2_info *i, const char *text)
{
	mpf_uf2_info_parse(text, strlen(text), i);
}

static void t_drive_match(void)
{
	struct mpf_buf f = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct mpf_uf2_summary s;
	struct mpf_uf2_info rp2040, rp2350, samd, odd;
	uint32_t ids[8];

	drive(&rp2040, "UF2 Bootloader v3.0\r\nModel: Raspberry Pi RP2\r\nBoard-ID: RPI-RP2\r\n");
	drive(&rp2350, "UF2 Bootloader v1.0\r\nModel: Raspberry Pi RP2350\r\nBoard-ID: RP2350\r\n");
	drive(&samd, "UF2 Bootloader v3.14.0 SFA\r\nModel: Adafruit Feather M0\r\n"
		     "Board-ID: SAMD21G18A-Feather-v0\r\n");
	drive(&odd, "UF2 Bootloader\nModel: Homebrew\nBoard-ID: ZX81-Thing-v1\n");
	check_int(mpf_uf2_drive_families(&rp2040, ids, 8), ==, 1);
	check_uint(ids[0], ==, RP2040);
	check_int(mpf_uf2_drive_families(&rp2350, ids, 8), ==, 5);
	check_int(mpf_uf2_drive_families(&samd, ids, 8), ==, 1);
	check_int(mpf_uf2_drive_families(&odd, ids, 8), ==, 0);

	conv(&f, 1024, 0x10000000, RP2040);
	validate(&f, &s, &err);
	check_int(mpf_uf2_check_target(&s, &rp2040, "rp2", &err), ==, 0);
	check_int(mpf_uf2_check_target(&s, &rp2350, NULL, &err), ==, MPF_ERR_MISMATCH);
	check_int(mpf_uf2_check_target(&s, &samd, NULL, &err), ==, MPF_ERR_MISMATCH);
	check_str(err.buf, "the image is for RP2040 but the drive is SAMD21G18A-Feather-v0 (SAMD21)");
	check_int(mpf_uf2_check_target(&s, &odd, NULL, &err), ==, 1);
	check_int(mpf_uf2_check_target(&s, &odd, "samd", &err), ==, MPF_ERR_MISMATCH);
	check_str(err.buf, "the image is for RP2040, not for a samd board");
	check_int(mpf_uf2_check_target(&s, NULL, "rp2", &err), ==, 0);
	conv(&f, 1024, 0x10000000, 0);
	validate(&f, &s, &err);
	check_int(mpf_uf2_check_target(&s, &samd, "samd", &err), ==, 1);
	mpf_buf_release(&f);
	mpf_buf_release(&err);
}

int main(void)
{
	make_bin();
	TEST(t_convert_roundtrip(), "bin to UF2 and back: addresses, numbering, padding");
	TEST(t_convert_args(), "convert refuses empty, misaligned and overflowing input");
	TEST(t_bad_files(), "validation names the bad block and what is wrong with it");
	TEST(t_multi_family(), "several families in one file, not-main-flash blocks");
	TEST(t_e10_block(), "picotool's RP2350-E10 block is recognised and ignored");
	TEST(t_families(), "the family table by name, number and ID");
	TEST(t_drive_match(), "a drive's Board-ID and the port decide which families fit");
	return test_done();
}
