/* t-esp-image.c - image headers (doc/protocols.md 1.10): parse and validate,
 * the extended header's chip id, and the flash-parameter patch rule with
 * its SHA-256 recomputation. Images are built here by the format's rules. */
#include "test-lib.h"
#include "esp_image.h"
#include "esp_loader.h"
#include "err.h"

#include <openssl/evp.h>
#include <string.h>

static uint8_t img[4096];

/* An image with two segments; returns its length (digest included). */
static size_t build(int esp8266, int chip_id, int hash)
{
	size_t pos, i;
	uint8_t chk = 0xEF;
	unsigned int l = 32;
	int s;

	memset(img, 0, sizeof(img));
	img[0] = 0xE9, img[1] = 2, img[2] = 0 /* qio */, img[3] = 0x2F /* 4MB, 80m */;
	mpf_put_le32(img + 4, 0x40080000);
	pos = 8;
	if (!esp8266) {
		img[8] = 0xEE;
		img[12] = (uint8_t)chip_id;
		img[23] = (uint8_t)hash;
		pos = 24;
	}
	for (s = 0; s < 2; s++) {
		uint32_t n = s ? 100 : 256;

		mpf_put_le32(img + pos, 0x3FFB0000 + (uint32_t)s * 0x1000);
		mpf_put_le32(img + pos + 4, n);
		pos += 8;
		for (i = 0; i < n; i++) {
			img[pos + i] = (uint8_t)(i * 7 + s);
			chk ^= img[pos + i];
		}
		pos += n;
	}
	pos += 15 - pos % 16;
	img[pos++] = chk;
	if (hash && !esp8266) {
		EVP_Digest(img, pos, img + pos, &l, EVP_sha256(), NULL);
		pos += 32;
	}
	return pos;
}

/* The length build() gave, after header bytes were changed (outside the
 * checksum; no digest). */
static size_t build_keep(int esp8266)
{
	size_t pos = esp8266 ? 8 : 24;

	pos += 8 + 256 + 8 + 100;
	return pos + 15 - pos % 16 + 1;
}

static const struct mpf_esp_chip *chip(const char *n)
{
	return mpf_esp_chip_by_name(n);
}

static void t_parse(void)
{
	struct mpf_esp_image im;
	size_t n = build(0, 9, 1);

	if (!check_int(mpf_esp_image_parse(img, n, 0, &im, NULL), ==, 0))
		return;
	check_int(im.segments, ==, 2);
	check_int(im.chip_id, ==, 9);
	check_int(im.hash_appended, ==, 1);
	check_int(im.digest_off, ==, n - 32);
	/* trailing data (a merged image) is fine */
	check_int(mpf_esp_image_parse(img, n + 500, 0, &im, NULL), ==, 0);
	n = build(1, 0, 0);
	check_int(mpf_esp_image_parse(img, n, 1, &im, NULL), ==, 0);
	check_int(im.chip_id, ==, -1);
}

static void t_reject(void)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_esp_image im;
	size_t n = build(0, 5, 1);

	img[40] ^= 1;		/* segment data: checksum and digest break */
	check_int(mpf_esp_image_parse(img, n, 0, &im, &err), ==, MPF_ERR_FORMAT);
	check(strstr(err.buf, "checksum") != NULL);
	n = build(0, 5, 1);
	img[n - 1] ^= 1;	/* digest only */
	check_int(mpf_esp_image_parse(img, n, 0, &im, &err), ==, MPF_ERR_FORMAT);
	check(strstr(err.buf, "SHA-256") != NULL);
	n = build(0, 5, 1);
	check_int(mpf_esp_image_parse(img, 100, 0, &im, &err), ==, MPF_ERR_FORMAT);
	img[0] = 0xEA;
	check_int(mpf_esp_image_parse(img, n, 0, &im, &err), ==, MPF_ERR_FORMAT);
	check(strstr(err.buf, "not an ESP image") != NULL);
	n = build(0, 5, 1);
	mpf_put_le32(img + 24 + 4, 0x7FFFFFFF);	/* segment longer than the file */
	check_int(mpf_esp_image_parse(img, n, 0, &im, &err), ==, MPF_ERR_FORMAT);
	mpf_buf_release(&err);
}

static void t_patch(void)
{
	struct mpf_esp_flash_params p = { "dio", "16MB", "keep" };
	struct mpf_esp_image im;
	size_t n = build(0, 9, 1);

	check_int(mpf_esp_image_patch(img, n, 0x0, chip("esp32s3"), &p, 0, NULL), ==, 1);
	check_int(img[2], ==, 2);
	check_int(img[3], ==, 0x4F);	/* size 16MB, freq nibble kept */
	/* the digest was recomputed: the image still validates */
	check_int(mpf_esp_image_parse(img, n, 0, &im, NULL), ==, 0);
	p.size = "keep", p.freq = "40m";
	check_int(mpf_esp_image_patch(img, n, 0x0, chip("esp32s3"), &p, 0, NULL), ==, 1);
	check_int(img[3], ==, 0x40);
	check_int(mpf_esp_image_parse(img, n, 0, &im, NULL), ==, 0);
}

static void t_patch_rule(void)
{
	struct mpf_esp_flash_params p = { "dout", NULL, NULL }, keep = { "keep", "keep", "keep" };
	struct mpf_buf err = MPF_BUF_INIT;
	size_t n = build(0, 0, 1);

	/* (a) only at the bootloader offset: 0x1000 on the ESP32 */
	check_int(mpf_esp_image_patch(img, n, 0x0, chip("esp32"), &p, 0, NULL), ==, 0);
	check_int(mpf_esp_image_patch(img, n, 0x10000, chip("esp32"), &p, 0, NULL), ==, 0);
	/* (d) nothing asked */
	check_int(mpf_esp_image_patch(img, n, 0x1000, chip("esp32"), &keep, 0, NULL), ==, 0);
	/* (e) never under secure boot / secure download */
	check_int(mpf_esp_image_patch(img, n, 0x1000, chip("esp32"), &p, 1, NULL), ==, 0);
	check_int(img[2], ==, 0);
	/* (c) not a valid image: left alone */
	img[40] ^= 0xFF;
	check_int(mpf_esp_image_patch(img, n, 0x1000, chip("esp32"), &p, 0, NULL), ==, 0);
	check_int(img[2], ==, 0);
	img[40] ^= 0xFF;
	check_int(mpf_esp_image_patch(img, n, 0x1000, chip("esp32"), &p, 0, NULL), ==, 1);
	check_int(img[2], ==, 3);
	/* values the chip does not have */
	p.freq = "60m";
	check_int(mpf_esp_image_patch(img, n, 0x1000, chip("esp32"), &p, 0, &err), ==, MPF_ERR_ARG);
	p.freq = NULL, p.mode = "fast";
	check_int(mpf_esp_image_patch(img, n, 0x1000, chip("esp32"), &p, 0, &err), ==, MPF_ERR_ARG);
	/* ESP8266: own size codes, no digest */
	n = build(1, 0, 0);
	p.mode = NULL, p.size = "4MB";
	check_int(mpf_esp_image_patch(img, n, 0x0, chip("esp8266"), &p, 0, NULL), ==, 1);
	check_int(img[3], ==, 0x4F);
	mpf_buf_release(&err);
}

/* The extended header's fields where esptool's bin_image.py puts them. */
static void t_ext_fields(void)
{
	struct mpf_esp_image im;
	size_t n;

	build(0, 13, 0);
	img[14] = 1;				/* legacy min_rev */
	img[15] = 2, img[16] = 0;		/* min_rev_full v0.2 */
	img[17] = 0x2B, img[18] = 0x01;		/* max_rev_full 299: v2.99 */
	n = build_keep(0);
	if (!check_int(mpf_esp_image_parse(img, n, 0, &im, NULL), ==, 0))
		return;
	check_int(im.chip_id, ==, 13);
	check_int(im.min_rev, ==, 1);
	check_int(im.min_rev_full, ==, 2);
	check_int(im.max_rev_full, ==, 299);
	check_int(im.wp_pin, ==, 0xEE);
	check_int(im.nseg, ==, 2);
	check_uint(im.seg[0].addr, ==, 0x3FFB0000);
	check_uint(im.seg[1].len, ==, 100);
	check_int(im.checksum_ok, ==, 1);
	check_int(im.digest_ok, ==, -1);
}

/* esptool write_flash: which of the revision fields rule, and the range. */
static void t_rev_rule(void)
{
	struct mpf_esp_image im = { .has_ext = 1 };
	struct mpf_buf err = MPF_BUF_INIT;

	/* full fields absent (max 0): the legacy byte, a major revision */
	im.min_rev = 1;
	check_int(mpf_esp_image_rev_check(&im, 100, 0, &err), ==, 0);
	check_int(mpf_esp_image_rev_check(&im, 99, 0, &err), ==, MPF_ERR_MISMATCH);
	check(strstr(err.buf, "revision 1 or higher") != NULL);
	/* ESP32-C3: the legacy byte is a minor revision */
	im.min_rev = 3;
	check_int(mpf_esp_image_rev_check(&im, 3, 1, &err), ==, 0);
	check_int(mpf_esp_image_rev_check(&im, 102, 1, &err), ==, MPF_ERR_MISMATCH);
	/* default max (0xFFFF) with min_rev_full unset and min_rev set: legacy */
	im.max_rev_full = 0xFFFF, im.min_rev = 2;
	check_int(mpf_esp_image_rev_check(&im, 150, 0, &err), ==, MPF_ERR_MISMATCH);
	/* the full fields: [min, max] */
	im.min_rev_full = 100, im.max_rev_full = 199, im.min_rev = 0;
	check_int(mpf_esp_image_rev_check(&im, 100, 0, &err), ==, 0);
	check_int(mpf_esp_image_rev_check(&im, 199, 0, &err), ==, 0);
	check_int(mpf_esp_image_rev_check(&im, 99, 0, &err), ==, MPF_ERR_MISMATCH);
	check_int(mpf_esp_image_rev_check(&im, 200, 0, &err), ==, MPF_ERR_MISMATCH);
	check(strstr(err.buf, "v1.0 - v1.99, this chip is v2.0") != NULL);
	im.max_rev_full = 0xFFFF;
	check_int(mpf_esp_image_rev_check(&im, 5000, 0, &err), ==, 0);
	check_int(mpf_esp_image_rev_check(&im, 3, 0, &err), ==, MPF_ERR_MISMATCH);
	check(strstr(err.buf, "max rev not set") != NULL);
	/* ESP8266 images have no revision fields */
	im.has_ext = 0;
	check_int(mpf_esp_image_rev_check(&im, 0, 0, &err), ==, 0);
	mpf_buf_release(&err);
}

static void t_claims(void)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_esp_image im;
	size_t n = build(0, 9, 1);

	check_int(mpf_esp_image_claims(img, n, 0), ==, 1);
	/* truncated: still claims to be an image, and does not parse */
	check_int(mpf_esp_image_claims(img, 200, 0), ==, 1);
	check_int(mpf_esp_image_parse(img, 200, 0, &im, &err), ==, MPF_ERR_FORMAT);
	check(strstr(err.buf, "truncated") != NULL);
	check_int(im.nseg, ==, 1);
	/* a chip id nobody has, a hash byte of 7, text */
	img[12] = 99;
	check_int(mpf_esp_image_claims(img, n, 0), ==, 0);
	img[12] = 9, img[23] = 7;
	check_int(mpf_esp_image_claims(img, n, 0), ==, 0);
	check_int(mpf_esp_image_claims((const uint8_t *)"hello world text", 16, 1), ==, 0);
	check_int(mpf_esp_image_claims(img, 3, 1), ==, 0);
	mpf_buf_release(&err);
}

static void entry(uint8_t *e, int type, uint32_t off, uint32_t size, const char *label)
{
	e[0] = 0xAA, e[1] = 0x50, e[2] = (uint8_t)type;
	mpf_put_le32(e + 4, off);
	mpf_put_le32(e + 8, size);
	strcpy((char *)e + 12, label);
}

/* A merged file placed at 0x1000: the table at file offset 0x7000. */
static void t_parttable(void)
{
	static uint8_t f[0x7000 + 0xC00];
	struct mpf_esp_part p[MPF_ESP_MAX_PARTS];
	struct mpf_buf err = MPF_BUF_INIT;
	uint8_t *t = f + 0x7000;
	unsigned int l = 16;
	size_t n;

	memset(f, 0xFF, sizeof(f));
	memset(t, 0, 64);
	entry(t, 1, 0x9000, 0x6000, "nvs");
	entry(t + 32, 0, 0x10000, 0x1F0000, "factory");
	t[64] = 0xEB, t[65] = 0xEB;
	memset(t + 66, 0xFF, 14);
	EVP_Digest(t, 64, t + 80, &l, EVP_md5(), NULL);
	if (!check_int(mpf_esp_parttable(f, sizeof(f), 0x1000, p, &n, &err), ==, 0))
		return;
	check_int(n, ==, 3);
	check_int(p[0].kind, ==, MPF_ESP_PART_TABLE);
	check_str(p[1].label, "nvs");
	check_int(p[2].kind, ==, MPF_ESP_PART_APP);
	check_uint(p[2].addr, ==, 0x10000);
	check_int(p[2].in_file, ==, 0);		/* the file ends before 0x10000 */
	/* a damaged table: its MD5 entry disagrees */
	t[40] ^= 1;
	check_int(mpf_esp_parttable(f, sizeof(f), 0x1000, p, &n, &err), ==, MPF_ERR_FORMAT);
	check(strstr(err.buf, "MD5") != NULL);
	/* no table: a file that does not reach 0x8000, or one written after it */
	check_int(mpf_esp_parttable(f, 0x100, 0x1000, p, &n, &err), ==, 0);
	check_int(n, ==, 0);
	check_int(mpf_esp_parttable(f, sizeof(f), 0x10000, p, &n, &err), ==, 0);
	check_int(n, ==, 0);
	mpf_buf_release(&err);
}

int main(void)
{
	TEST(t_parse(), "ESP32-family and ESP8266 images parse; chip id from the extended header");
	TEST(t_reject(), "bad checksum, bad digest, truncation, bad magic are refused");
	TEST(t_patch(), "flash mode/size/freq patched, nibbles kept, SHA-256 recomputed");
	TEST(t_patch_rule(), "the patch rule: offset, something asked, valid image, not secure");
	TEST(t_ext_fields(), "extended header fields: chip id, revisions, wp pin; segments kept");
	TEST(t_rev_rule(), "esptool's revision rule: legacy byte or full range, C3 minor, --force aside");
	TEST(t_claims(), "what claims to be an image: magic, segments, known chip id, hash byte");
	TEST(t_parttable(), "partition table at 0x8000 of a merged file: entries, MD5 entry, none");
	return test_done();
}
