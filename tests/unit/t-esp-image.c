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

int main(void)
{
	TEST(t_parse(), "ESP32-family and ESP8266 images parse; chip id from the extended header");
	TEST(t_reject(), "bad checksum, bad digest, truncation, bad magic are refused");
	TEST(t_patch(), "flash mode/size/freq patched, nibbles kept, SHA-256 recomputed");
	TEST(t_patch_rule(), "the patch rule: offset, something asked, valid image, not secure");
	return test_done();
}
