/* t-image.c - firmware files recognised by content, as segments. */
#include "test-lib.h"
#include "dfuse.h"
#include "err.h"
#include "esp_loader.h"
#include "image.h"
#include "uf2.h"

#include <string.h>

static void fill(uint8_t *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

/* Parse b; on failure say why. */
static int parse(const struct mpf_buf *b, uint32_t addr, struct mpf_image *img)
{
	struct mpf_buf err = MPF_BUF_INIT;
	int r = mpf_image_parse((const uint8_t *)b->buf, b->len, addr, img, &err);

	if (r < 0)
		test_msg("%s", mpf_buf_str(&err));
	mpf_buf_release(&err);
	return r;
}

/* The message parsing b fails with. */
static int fails(const struct mpf_buf *b, const char *want)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_image img;
	int r = mpf_image_parse((const uint8_t *)b->buf, b->len, 0, &img, &err), ok;

	ok = check_int(r, ==, MPF_ERR_FORMAT) && check(strstr(mpf_buf_str(&err), want) != NULL);
	if (!ok)
		test_msg("got: %s", mpf_buf_str(&err));
	mpf_buf_release(&err);
	return ok;
}

static void t_raw(void)
{
	struct mpf_buf b = MPF_BUF_INIT;
	struct mpf_image img;
	uint8_t d[1000];

	fill(d, sizeof(d), 1);
	d[0] = 0x01;	/* begins like a Stellaris prefix (RISC-V c.nop) */
	d[1] = 0x00;
	mpf_buf_add(&b, d, sizeof(d));
	if (check_int(parse(&b, 0x08004000, &img), ==, MPF_OK)) {
		check_int(img.fmt, ==, MPF_IMAGE_BIN);
		check_int(img.n, ==, 1);
		check_uint(img.seg[0].addr, ==, 0x08004000);
		check_int(img.seg[0].len, ==, 1000);
		check(!img.prefix_len && !img.has_ids);
		mpf_image_release(&img);
	}
	mpf_buf_reset(&b);
	check(fails(&b, "empty"));
	mpf_buf_release(&b);
}

static void t_suffix_prefix(void)
{
	struct mpf_dfu_suffix s = { 0x0200, 0xdf11, 0x0483, 0x0100 };
	struct mpf_buf b = MPF_BUF_INIT;
	struct mpf_image img;
	uint8_t d[600], pre[16] = { 0x01, 0x00, 0x06, 0x00, 600 & 0xff, 600 >> 8, 0, 0 };

	fill(d, sizeof(d), 3);
	/* TI Stellaris: 8 bytes, address / 1024, length of the image */
	mpf_buf_add(&b, pre, 8);
	mpf_buf_add(&b, d, sizeof(d));
	mpf_dfu_suffix_append(&b, &s);
	if (check_int(parse(&b, 0x08000000, &img), ==, MPF_OK)) {
		check_str(img.prefix, "TI Stellaris");
		check_uint(img.prefix_addr, ==, 6 * 1024);
		check_int(img.suffix_len, ==, 16);
		check(img.has_ids && img.vid == 0x0483 && img.pid == 0xdf11);
		check_int(img.seg[0].len, ==, 600);
		check(!memcmp(img.seg[0].data, d, 600));
		mpf_image_release(&img);
	}
	/* NXP LPC: 16 bytes, length in 512-byte blocks, 0xff at 12..15 */
	memset(pre, 0, sizeof(pre));
	pre[0] = 0x1a, pre[1] = 0x3f, pre[2] = 2;
	memset(pre + 12, 0xff, 4);
	mpf_buf_reset(&b);
	mpf_buf_add(&b, pre, 16);
	mpf_buf_add(&b, d, sizeof(d));
	if (check_int(parse(&b, 0, &img), ==, MPF_OK)) {
		check_str(img.prefix, "NXP LPC");
		check_int(img.seg[0].len, ==, 600);
		check(!memcmp(img.seg[0].data, d, 600));
		mpf_image_release(&img);
	}
	/* a suffix with a wrong CRC: damaged, not raw */
	mpf_buf_reset(&b);
	mpf_buf_add(&b, d, sizeof(d));
	mpf_dfu_suffix_append(&b, &s);
	b.buf[3] ^= 1;
	check(fails(&b, "CRC"));
	mpf_buf_release(&b);
}

static void dfuse_file(struct mpf_buf *out, const uint8_t *d)
{
	struct mpf_dfuse_element e0[] = { { 0x08000000, 300, d }, { 0x08010000, 200, d + 300 } };
	struct mpf_dfuse_element e1[] = { { 0x1fffc000, 16, d } };
	struct mpf_dfuse_target t[] = { { 0, "Internal Flash", e0, 2 }, { 1, "Option Bytes", e1, 1 } };
	struct mpf_dfuse_file f = { 0x0483, 0xdf11, 0xffff, t, 2 };

	mpf_dfuse_file_write(&f, 0, out);
}

static void t_dfuse(void)
{
	struct mpf_dfu_suffix s = { 0xffff, 0xdf11, 0x0483, MPF_DFU_VERSION_DFUSE };
	struct mpf_buf b = MPF_BUF_INIT, body = MPF_BUF_INIT;
	struct mpf_image img;
	uint8_t d[500];

	fill(d, sizeof(d), 5);
	dfuse_file(&b, d);
	if (check_int(parse(&b, 0, &img), ==, MPF_OK)) {
		check_int(img.fmt, ==, MPF_IMAGE_DFUSE);
		check_str(img.format, "dfu");
		check_int(img.n, ==, 3);
		check_uint(img.seg[1].addr, ==, 0x08010000);
		check_int(img.seg[2].alt, ==, 1);
		check(img.has_ids && img.pid == 0xdf11);
		mpf_image_release(&img);
	}
	/* "DfuSx" with a right suffix CRC: known by the suffix, refused */
	mpf_buf_add(&body, b.buf, b.len - 16);
	body.buf[4] = 'x';
	mpf_dfu_suffix_append(&body, &s);
	check(fails(&body, "damaged DfuSe file: its prefix signature is \"DfuSx\""));
	/* "dfuse": another case is not the signature either */
	memcpy(body.buf, "dfuse", 5);
	check(fails(&body, "damaged DfuSe file"));
	mpf_buf_release(&body);
	mpf_buf_release(&b);
}

static void t_uf2(void)
{
	struct mpf_buf b = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct mpf_image img;
	uint8_t d[700];

	fill(d, sizeof(d), 7);
	mpf_uf2_convert(d, sizeof(d), 0x10000000, 0xE48BFF56, 256, &b, &err);
	if (check_int(parse(&b, 0, &img), ==, MPF_OK)) {
		check_int(img.fmt, ==, MPF_IMAGE_UF2);
		check_int(img.nfamily, ==, 1);
		check_uint(img.family[0], ==, 0xE48BFF56);
		check_int(img.n, ==, 1);	/* the blocks joined */
		check_int(img.seg[0].len, ==, 768);
		check(!memcmp(img.seg[0].data, d, 700));
		check_int(mpf_image_accept(&img, "fw.uf2", MPF_IMAGE_TAKES(MPF_IMAGE_BIN), &err),
			  ==, MPF_ERR_FORMAT);
		check_str(err.buf, "fw.uf2 is a UF2 file for RP2040: flash it with mpf-uf2, or take "
			  "its payload out with mpf-uf2 extract");
		check_int(mpf_image_accept(&img, "fw.uf2", MPF_IMAGE_TAKES(MPF_IMAGE_UF2), NULL),
			  ==, MPF_OK);
		mpf_image_release(&img);
	}
	b.buf[9] |= 0x10;	/* flags: file container (0x1000) */
	if (check_int(parse(&b, 0, &img), ==, MPF_OK)) {
		check_int(img.fmt, ==, MPF_IMAGE_UF2_FILES);
		check_int(img.n, ==, 0);
		mpf_image_release(&img);
	}
	mpf_buf_release(&b);
	mpf_buf_release(&err);
}

/* An ESP32-S3 image (chip id 9): one 16-byte segment, revisions 0.1 - 0.99. */
static void esp_image(uint8_t *p, size_t len)
{
	memset(p, 0, len);
	p[0] = 0xE9, p[1] = 1, p[2] = 2, p[3] = 0x20;
	p[12] = 9;		/* chip id */
	p[15] = 1;		/* min_chip_rev_full */
	p[17] = 99;		/* max_chip_rev_full */
	mpf_put_le32(p + 24, 0x3fc88000);
	mpf_put_le32(p + 28, 16);
	fill(p + 32, 16, 9);
	p[63] = mpf_esp_checksum(p + 32, 16);
}

static void t_esp(void)
{
	struct mpf_buf b = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct mpf_image img;
	uint8_t p[0x9000];

	esp_image(p, sizeof(p));
	mpf_buf_add(&b, p, 64);
	if (check_int(parse(&b, 0, &img), ==, MPF_OK)) {
		check_int(img.fmt, ==, MPF_IMAGE_ESP);
		check_int(img.esp_chip, ==, 9);
		check_int(img.esp_min_rev, ==, 1);
		check_int(img.esp_max_rev, ==, 99);
		check(!img.esp_merged);
		check_int(mpf_image_accept(&img, "a.bin", 0, &err), ==, MPF_ERR_FORMAT);
		check_str(err.buf, "a.bin is an ESP32-S3 image: flash it with mpf-esp");
		mpf_image_release(&img);
	}
	p[0x8000] = 0xAA, p[0x8001] = 0x50;	/* partition table at 0x8000 */
	mpf_buf_reset(&b);
	mpf_buf_add(&b, p, sizeof(p));
	mpf_buf_reset(&err);
	if (check_int(parse(&b, 0, &img), ==, MPF_OK)) {
		check(img.esp_merged);
		mpf_image_accept(&img, "m.bin", 0, &err);
		check_str(err.buf, "m.bin is a merged ESP32-S3 image: flash it with mpf-esp");
		mpf_image_release(&img);
	}
	mpf_buf_release(&b);
	mpf_buf_release(&err);
}

/* ELF32 ARM with one PT_LOAD of n bytes at paddr. */
static void elf_file(struct mpf_buf *b, uint32_t paddr, const uint8_t *d, uint32_t n)
{
	uint8_t h[84] = { 0x7f, 'E', 'L', 'F', 1, 1, 1 };

	h[16] = 2, h[18] = 40;				/* ET_EXEC, EM_ARM */
	h[28] = 52, h[42] = 32, h[44] = 1;		/* phoff, phentsize, phnum */
	h[52] = 1;					/* PT_LOAD */
	mpf_put_le32(h + 56, 84);			/* p_offset */
	mpf_put_le32(h + 60, 0x20000000);		/* p_vaddr */
	mpf_put_le32(h + 64, paddr);			/* p_paddr */
	mpf_put_le32(h + 68, n);			/* p_filesz */
	mpf_buf_add(b, h, sizeof(h));
	mpf_buf_add(b, d, n);
}

static void t_hex_elf_flatten(void)
{
	const char *hex = ":020000041000EA\n:04000000DEADBEEFC4\n:04001000CAFEF00D27\n"
			  ":00000001FF\n";
	struct mpf_buf b = MPF_BUF_INIT, flat = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct mpf_image img;
	uint32_t base;
	uint8_t d[64];

	mpf_buf_addstr(&b, hex);
	if (check_int(parse(&b, 0, &img), ==, MPF_OK)) {
		check_int(img.fmt, ==, MPF_IMAGE_HEX);
		check_int(img.n, ==, 2);
		check_int(mpf_image_flatten(&img, 256, 1024, &flat, &base, &err), ==, MPF_OK);
		check_uint(base, ==, 0x10000000);
		check_int(flat.len, ==, 0x14);
		check_int((uint8_t)flat.buf[4], ==, 0xff);	/* the gap: erased flash */
		check_int((uint8_t)flat.buf[0x10], ==, 0xca);
		check_int(mpf_image_flatten(&img, 256, 16, &flat, &base, &err), ==, MPF_ERR_FORMAT);
		mpf_image_release(&img);
	}
	fill(d, sizeof(d), 11);
	mpf_buf_reset(&b);
	elf_file(&b, 0x08000100, d, sizeof(d));
	if (check_int(parse(&b, 0, &img), ==, MPF_OK)) {
		check_int(img.fmt, ==, MPF_IMAGE_ELF);
		check_uint(img.seg[0].addr, ==, 0x08000100);	/* the load address */
		check(!memcmp(img.seg[0].data, d, sizeof(d)));
		mpf_image_release(&img);
	}
	mpf_buf_release(&b);
	mpf_buf_release(&flat);
	mpf_buf_release(&err);
}

int main(void)
{
	TEST(t_raw(), "a raw binary at the caller's address, even one starting 01 00");
	TEST(t_suffix_prefix(), "DFU suffix, TI Stellaris and NXP LPC prefixes taken off");
	TEST(t_dfuse(), "DfuSe elements with their alt settings; a wrong signature is damage");
	TEST(t_uf2(), "UF2 blocks joined, families, the refusal message, file containers");
	TEST(t_esp(), "ESP images: chip, revisions, merged, the refusal message");
	TEST(t_hex_elf_flatten(), "HEX and ELF at their addresses; flattened with 0xff gaps");
	return test_done();
}
