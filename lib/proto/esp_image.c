/* esp_image.c - parse, validate and patch ESP image headers (esp_image.h). */
#include "esp_image.h"
#include "err.h"
#include "esp_loader.h"

#include <openssl/evp.h>
#include <string.h>
#include <strings.h>

#define HDR_LEN 8
#define EXT_LEN 16
#define MAX_SEGMENTS 16

static int sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	unsigned int len = 32;

	return EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) == 1 ? 0 : MPF_ERR_FAIL;
}

static int parse_ext(const uint8_t *d, struct mpf_esp_image *img, struct mpf_buf *err)
{
	const uint8_t *x = d + HDR_LEN;

	img->has_ext = 1;
	img->chip_id = x[4] | x[5] << 8;
	img->min_rev = x[6];
	img->min_rev_full = x[7] | x[8] << 8;
	img->max_rev_full = x[9] | x[10] << 8;
	img->hash_appended = x[15];
	if (img->hash_appended > 1)
		return mpf_errf(err, MPF_ERR_FORMAT, "image extended header: hash_appended byte "
				"is %d, not 0 or 1", img->hash_appended);
	return 0;
}

static int walk_segments(const uint8_t *d, size_t len, size_t pos, struct mpf_esp_image *img,
			 struct mpf_buf *err)
{
	uint8_t chk = MPF_ESP_CHECKSUM_SEED;
	int i;

	for (i = 0; i < img->segments; i++) {
		uint32_t addr, n;

		if (pos + 8 > len)
			return mpf_errf(err, MPF_ERR_FORMAT, "image truncated in the header of "
					"segment %d of %d", i + 1, img->segments);
		addr = mpf_le32(d + pos);
		n = mpf_le32(d + pos + 4);
		pos += 8;
		if (n > len - pos)
			return mpf_errf(err, MPF_ERR_FORMAT, "image segment %d (load address 0x%08x) "
					"claims %u bytes, only %zu left", i + 1, addr, n, len - pos);
		chk ^= mpf_esp_checksum(d + pos, n) ^ MPF_ESP_CHECKSUM_SEED;
		pos += n;
	}
	/* the checksum byte ends a 16-byte-aligned image */
	pos += 15 - pos % 16;
	if (pos >= len)
		return mpf_errf(err, MPF_ERR_FORMAT, "image truncated before its checksum byte");
	img->checksum = d[pos];
	if (img->checksum != chk)
		return mpf_errf(err, MPF_ERR_FORMAT, "image checksum is 0x%02x, segments give 0x%02x",
				img->checksum, chk);
	img->image_len = pos + 1;
	return 0;
}

static int check_digest(const uint8_t *d, size_t len, struct mpf_esp_image *img,
			struct mpf_buf *err)
{
	uint8_t md[32];

	if (!img->hash_appended)
		return 0;
	if (img->image_len + 32 > len)
		return mpf_errf(err, MPF_ERR_FORMAT, "image says a SHA-256 is appended, but the "
				"file ends before it");
	img->digest_off = img->image_len;
	if (sha256(d, img->image_len, md) < 0)
		return mpf_errf(err, MPF_ERR_FAIL, "sha256 failed");
	if (memcmp(md, d + img->digest_off, 32))
		return mpf_errf(err, MPF_ERR_FORMAT, "image SHA-256 does not match its contents");
	return 0;
}

int mpf_esp_image_parse(const uint8_t *d, size_t len, int esp8266, struct mpf_esp_image *img,
			struct mpf_buf *err)
{
	size_t pos = HDR_LEN;
	int r;

	memset(img, 0, sizeof(*img));
	img->chip_id = -1;
	if (len < HDR_LEN + (esp8266 ? 0 : EXT_LEN))
		return mpf_errf(err, MPF_ERR_FORMAT, "image of %zu bytes is too short for a header",
				len);
	if (d[0] != MPF_ESP_IMAGE_MAGIC)
		return mpf_errf(err, MPF_ERR_FORMAT, "not an ESP image: first byte 0x%02x, not 0xe9",
				d[0]);
	img->segments = d[1];
	img->flash_mode = d[2];
	img->flash_size_freq = d[3];
	img->entry = mpf_le32(d + 4);
	if (img->segments == 0 || img->segments > MAX_SEGMENTS)
		return mpf_errf(err, MPF_ERR_FORMAT, "image header claims %d segments", img->segments);
	if (!esp8266) {
		if ((r = parse_ext(d, img, err)) < 0)
			return r;
		pos += EXT_LEN;
	}
	if ((r = walk_segments(d, len, pos, img, err)) < 0)
		return r;
	return check_digest(d, len, img, err);
}

static int mode_code(const char *m)
{
	static const char *const modes[] = { "qio", "qout", "dio", "dout" };
	int i;

	for (i = 0; i < 4; i++)
		if (!strcasecmp(m, modes[i]))
			return i;
	return -1;
}

static int wanted(const char *s)
{
	return s && *s && strcasecmp(s, "keep");
}

int mpf_esp_image_patch(uint8_t *d, size_t len, uint32_t addr, const struct mpf_esp_chip *c,
			const struct mpf_esp_flash_params *p, int secure, struct mpf_buf *err)
{
	struct mpf_esp_image img;
	struct mpf_buf ignore = MPF_BUF_INIT;
	int esp8266 = c->chip_id < 0, mode = -1, size = -1, freq = -1, r;

	if (!p || (!wanted(p->mode) && !wanted(p->size) && !wanted(p->freq)))
		return 0;
	if (wanted(p->mode) && (mode = mode_code(p->mode)) < 0)
		return mpf_errf(err, MPF_ERR_ARG, "unknown flash mode '%s' (qio, qout, dio, dout)",
				p->mode);
	if (wanted(p->size) && (size = mpf_esp_size_code(c, p->size)) < 0)
		return mpf_errf(err, MPF_ERR_ARG, "flash size '%s' does not exist on %s", p->size,
				c->name);
	if (wanted(p->freq) && (freq = mpf_esp_freq_code(c, p->freq)) < 0)
		return mpf_errf(err, MPF_ERR_ARG, "flash frequency '%s' does not exist on %s",
				p->freq, c->name);
	if (addr != c->boot_offset || len < 8 || d[0] != MPF_ESP_IMAGE_MAGIC || secure)
		return 0;
	r = mpf_esp_image_parse(d, len, esp8266, &img, &ignore);
	mpf_buf_release(&ignore);
	if (r < 0)
		return 0;	/* not a bootloader image: written as it is */
	if (mode >= 0)
		d[2] = (uint8_t)mode;
	if (size >= 0)
		d[3] = (uint8_t)((d[3] & 0x0F) | size);
	if (freq >= 0)
		d[3] = (uint8_t)((d[3] & 0xF0) | freq);
	if (!esp8266 && img.hash_appended && img.digest_off &&
	    sha256(d, img.digest_off, d + img.digest_off) < 0)
		return mpf_errf(err, MPF_ERR_FAIL, "sha256 failed");
	return 1;
}
