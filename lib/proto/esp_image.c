/* esp_image.c - parse, validate and patch ESP image headers (esp_image.h). */
#include "esp_image.h"
#include "err.h"
#include "esp_loader.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define HDR_LEN 8
#define EXT_LEN 16
#define MAX_SEGMENTS MPF_ESP_MAX_SEGMENTS
#define PART_MAGIC 0x50AA	/* bytes AA 50 */
#define PART_MD5_MAGIC 0xEBEB
#define PART_ENTRY 32
#define PART_TABLE_LEN 0xC00	/* ESP-IDF: the table takes at most 0xC00 bytes */

static unsigned le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static int sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	unsigned int len = 32;

	return EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) == 1 ? 0 : MPF_ERR_FAIL;
}

static int parse_ext(const uint8_t *d, struct mpf_esp_image *img, struct mpf_buf *err)
{
	const uint8_t *x = d + HDR_LEN;

	img->has_ext = 1;
	img->wp_pin = x[0];
	img->drive[0] = x[1], img->drive[1] = x[2], img->drive[2] = x[3];
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
		img->seg[i] = (struct mpf_esp_segment){ addr, n, pos };
		img->nseg = i + 1;
		if (n > len - pos)
			return mpf_errf(err, MPF_ERR_FORMAT, "image truncated: segment %d of %d "
					"(load address 0x%08x) claims %u bytes, the file has %zu left",
					i + 1, img->segments, addr, n, len - pos);
		chk ^= mpf_esp_checksum(d + pos, n) ^ MPF_ESP_CHECKSUM_SEED;
		pos += n;
	}
	/* the checksum byte ends a 16-byte-aligned image */
	pos += 15 - pos % 16;
	if (pos >= len)
		return mpf_errf(err, MPF_ERR_FORMAT, "image truncated before its checksum byte");
	img->checksum = d[pos];
	img->checksum_calc = chk;
	img->checksum_ok = img->checksum == chk;
	img->image_len = pos + 1;
	return 0;
}

static int check_digest(const uint8_t *d, size_t len, struct mpf_esp_image *img,
			struct mpf_buf *err)
{
	uint8_t md[32];

	img->digest_ok = -1;
	if (!img->hash_appended)
		return 0;
	img->digest_ok = 0;
	if (img->image_len + 32 > len)
		return mpf_errf(err, MPF_ERR_FORMAT, "image truncated: a SHA-256 is appended, but "
				"the file ends before it");
	img->digest_off = img->image_len;
	if (sha256(d, img->image_len, md) < 0)
		return mpf_errf(err, MPF_ERR_FAIL, "sha256 failed");
	img->digest_ok = !memcmp(md, d + img->digest_off, 32);
	if (!img->digest_ok)
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
	img->digest_ok = -1;
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
	r = check_digest(d, len, img, err);	/* its status even when the checksum is bad */
	if (!img->checksum_ok)
		return mpf_errf(err, MPF_ERR_FORMAT, "image checksum is 0x%02x, segments give 0x%02x",
				img->checksum, img->checksum_calc);
	return r;
}

int mpf_esp_image_claims(const uint8_t *d, size_t len, int esp8266)
{
	if (len < HDR_LEN + (esp8266 ? 0 : EXT_LEN) || d[0] != MPF_ESP_IMAGE_MAGIC ||
	    d[1] == 0 || d[1] > MAX_SEGMENTS)
		return 0;
	return esp8266 || (d[23] <= 1 && mpf_esp_chip_by_id(d[12] | d[13] << 8));
}

static int rev_error(struct mpf_buf *err, int min, int max, int rev)
{
	char hi[24] = "max rev not set";

	if (max != 0xFFFF)
		snprintf(hi, sizeof(hi), "v%d.%d", max / 100, max % 100);
	return mpf_errf(err, MPF_ERR_MISMATCH, "it requires chip revision v%d.%d - %s, this "
			"chip is v%d.%d", min / 100, min % 100, hi, rev / 100, rev % 100);
}

int mpf_esp_image_rev_check(const struct mpf_esp_image *img, int rev, int c3_minor,
			    struct mpf_buf *err)
{
	int legacy;

	if (!img->has_ext)
		return 0;
	/* esptool: max_rev_full 0 means the full fields are absent; the
	 * default 0xFFFF with min_rev_full unset but min_rev set means the
	 * legacy byte is the one to use */
	legacy = img->max_rev_full == 0 ||
		 (img->max_rev_full == 0xFFFF && img->min_rev_full == 0 && img->min_rev != 0);
	if (!legacy) {
		if (rev < img->min_rev_full || rev > img->max_rev_full)
			return rev_error(err, img->min_rev_full, img->max_rev_full, rev);
		return 0;
	}
	if ((c3_minor ? rev % 100 : rev / 100) < img->min_rev)
		return mpf_errf(err, MPF_ERR_MISMATCH, "it requires chip revision %d or higher "
				"(this chip is v%d.%d)", img->min_rev, rev / 100, rev % 100);
	return 0;
}

static void md5(const uint8_t *p, size_t n, uint8_t out[16])
{
	unsigned int len = 16;

	EVP_Digest(p, n, out, &len, EVP_md5(), NULL);
}

static void part_entry(const uint8_t *e, struct mpf_esp_part *p)
{
	memset(p, 0, sizeof(*p));
	p->type = e[2];
	p->subtype = e[3];
	p->kind = p->type == 0 ? MPF_ESP_PART_APP : MPF_ESP_PART_DATA;
	p->addr = mpf_le32(e + 4);
	p->size = mpf_le32(e + 8);
	memcpy(p->label, e + 12, 16);
	p->label[16] = 0;
}

int mpf_esp_parttable(const uint8_t *d, size_t len, uint32_t addr, struct mpf_esp_part *parts,
		      size_t *nparts, struct mpf_buf *err)
{
	size_t off = MPF_ESP_PARTTABLE_ADDR - (size_t)addr, i, n = 1;
	const uint8_t *t;
	uint8_t sum[16];

	*nparts = 0;
	if (addr > MPF_ESP_PARTTABLE_ADDR || off >= len || len - off < PART_ENTRY ||
	    le16(d + off) != PART_MAGIC)
		return 0;
	t = d + off;
	parts[0] = (struct mpf_esp_part){ .kind = MPF_ESP_PART_TABLE,
					  .addr = MPF_ESP_PARTTABLE_ADDR, .in_file = 1 };
	for (i = 0; (i + 1) * PART_ENTRY <= len - off && i * PART_ENTRY < PART_TABLE_LEN; i++) {
		const uint8_t *e = t + i * PART_ENTRY;

		if (le16(e) == PART_MD5_MAGIC) {
			md5(t, i * PART_ENTRY, sum);
			if (memcmp(sum, e + 16, 16))
				return mpf_errf(err, MPF_ERR_FORMAT, "partition table at 0x%x: its "
						"MD5 entry does not match its entries",
						MPF_ESP_PARTTABLE_ADDR);
			continue;
		}
		if (le16(e) != PART_MAGIC)
			break;
		if (n == MPF_ESP_MAX_PARTS)
			return mpf_errf(err, MPF_ERR_FORMAT, "partition table at 0x%x: more than "
					"%d entries", MPF_ESP_PARTTABLE_ADDR, MPF_ESP_MAX_PARTS - 1);
		part_entry(e, &parts[n]);
		parts[n].in_file = parts[n].addr >= addr && parts[n].addr - addr < len;
		n++;
	}
	parts[0].size = (uint32_t)(i * PART_ENTRY);
	*nparts = n;
	return 0;
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
