/* esp-mkimage.c - make deterministic ESP firmware images for tests and
 * benchmarks, built by the format's rules (doc/protocols.md 1.10): header,
 * extended header with the chip id (not for ESP8266), segments, XOR
 * checksum at the end of the 16-byte-aligned image, appended SHA-256.
 *
 *   esp-mkimage --chip esp32 --size 1555136 [--random PERMILLE] [--seed N]
 *               [--boot-only] [--merged] [--rev MIN-MAX] [--min-rev N] > image.bin
 *
 * --size pads the image (a bootloader image) with app-like data to that
 * total, as a merged MicroPython binary is. --random sets how many 4 KiB
 * chunks of 1000 are random (incompressible); the others are text-like
 * and compress well, so the mix sets the compression ratio.
 *
 * --merged lays the rest out as esptool merge-bin does for a file that
 * starts at the chip's bootloader offset: a partition table at 0x8000
 * (nvs, phy_init, factory app at 0x10000, with its MD5 entry; ESP-IDF
 * "Partition Tables") and an app image at 0x10000 filling --size.
 * --rev sets the extended header's min_rev_full and max_rev_full
 * (major*100+minor; both 0 by default: "not set" to esptool), --min-rev its
 * legacy min_rev byte. */
#include "esp_chip.h"
#include "esp_loader.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 88172645463325252ull;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static struct {
	int min_full, max_full, min_legacy;
} rev;

/* The header, extended header and checksum/digest around segments of the
 * given lengths, at img; returns the image length. */
static size_t put_image(uint8_t *img, const struct mpf_esp_chip *c, const uint32_t *seg_len,
			const uint32_t *seg_addr, int nseg, void (*fill)(uint8_t *, size_t, int))
{
	int esp8266 = c->chip_id < 0, s;
	uint8_t chk = MPF_ESP_CHECKSUM_SEED;
	unsigned int mdlen = 32;
	size_t pos = 8;

	/* header: dio, 4MB/40m (codes of the chip's table) */
	img[0] = 0xE9;
	img[1] = (uint8_t)nseg;
	img[2] = 2;
	img[3] = (uint8_t)(mpf_esp_size_code(c, esp8266 ? "1MB" : "4MB") |
			   mpf_esp_freq_code(c, "40m"));
	mpf_put_le32(img + 4, 0x40080400);
	if (!esp8266) {
		img[8] = 0xEE;		/* wp pin unused */
		img[12] = (uint8_t)c->chip_id;
		img[13] = (uint8_t)(c->chip_id >> 8);
		img[14] = (uint8_t)rev.min_legacy;
		img[15] = (uint8_t)rev.min_full, img[16] = (uint8_t)(rev.min_full >> 8);
		img[17] = (uint8_t)rev.max_full, img[18] = (uint8_t)(rev.max_full >> 8);
		img[23] = 1;		/* hash appended */
		pos = 24;
	}
	for (s = 0; s < nseg; s++) {
		mpf_put_le32(img + pos, seg_addr[s]);
		mpf_put_le32(img + pos + 4, seg_len[s]);
		pos += 8;
		fill(img + pos, seg_len[s], s);
		chk ^= mpf_esp_checksum(img + pos, seg_len[s]) ^ MPF_ESP_CHECKSUM_SEED;
		pos += seg_len[s];
	}
	pos += 15 - pos % 16;
	img[pos++] = chk;
	if (!esp8266) {
		EVP_Digest(img, pos, img + pos, &mdlen, EVP_sha256(), NULL);
		pos += 32;
	}
	return pos;
}

static void put_entry(uint8_t *e, int type, int subtype, uint32_t off, uint32_t size,
		      const char *label)
{
	e[0] = 0xAA, e[1] = 0x50, e[2] = (uint8_t)type, e[3] = (uint8_t)subtype;
	mpf_put_le32(e + 4, off);
	mpf_put_le32(e + 8, size);
	strncpy((char *)e + 12, label, 16);
}

/* ESP-IDF's single-app table, then the MD5 entry, then 0xFF. */
static void put_table(uint8_t *t)
{
	unsigned int l = 16;

	memset(t, 0xFF, 0xC00);
	memset(t, 0, 3 * 32);
	put_entry(t, 1, 2, 0x9000, 0x6000, "nvs");
	put_entry(t + 32, 1, 1, 0xF000, 0x1000, "phy_init");
	put_entry(t + 64, 0, 0, 0x10000, 0x1F0000, "factory");
	t[96] = 0xEB, t[97] = 0xEB;
	EVP_Digest(t, 96, t + 112, &l, EVP_md5(), NULL);
}

static void fill_chunk(uint8_t *p, size_t n, int random)
{
	static const char *const words[] = {
		"mp_obj_t ", "machine.Pin", "0x3ff4", "return ", "NULL", "uint32_t ",
		"esp_err_t ", "gc_collect", "\x00\x00\x00\x00", "\x12\x34\x56\x78",
		"vfs_lfs2", "network.WLAN", "\xff\xff", "micropython ",
	};
	size_t i = 0;

	if (random) {
		for (; i < n; i++)
			p[i] = (uint8_t)next();
		return;
	}
	while (i < n) {
		const char *w = words[next() % (sizeof(words) / sizeof(words[0]))];
		size_t l = strlen(w) ? strlen(w) : 4, k;

		for (k = 0; k < l && i < n; k++)
			p[i++] = (uint8_t)w[k];
		if (next() % 4 == 0 && i < n)
			p[i++] = (uint8_t)next();	/* some entropy, like real code */
	}
}

static void fill_seg(uint8_t *p, size_t n, int s)
{
	fill_chunk(p, n, s & 1);
}

static void fill_app(uint8_t *p, size_t n, int s)
{
	size_t off;

	for (off = 0; off < n; off += 4096)
		fill_chunk(p + off, n - off < 4096 ? n - off : 4096, (int)(next() % 1000) < 500);
}

static int usage(void)
{
	fprintf(stderr, "usage: esp-mkimage [--chip CHIP] [--size N] [--random PERMILLE] "
		"[--seed N] [--boot-only] [--merged] [--rev MIN-MAX] [--min-rev N]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const uint32_t seg_len[2] = { 0x1800, 0x2400 };
	static const uint32_t seg_addr[2] = { 0x3FFE0000, 0x40078000 };
	const struct mpf_esp_chip *c = mpf_esp_chip_by_name("esp32");
	size_t size = 0, pos, total, i, boot_len = 0x5000;
	int permille = 500, boot_only = 0, merged = 0;
	uint8_t *img;

	for (i = 1; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--chip") && i + 1 < (size_t)argc)
			c = mpf_esp_chip_by_name(argv[++i]);
		else if (!strcmp(argv[i], "--size") && i + 1 < (size_t)argc)
			size = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--random") && i + 1 < (size_t)argc)
			permille = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seed") && i + 1 < (size_t)argc)
			rng += strtoull(argv[++i], NULL, 0) * 0x9E3779B97F4A7C15ull;
		else if (!strcmp(argv[i], "--boot-only"))
			boot_only = 1;
		else if (!strcmp(argv[i], "--merged"))
			merged = 1;
		else if (!strcmp(argv[i], "--rev") && i + 1 < (size_t)argc)
			sscanf(argv[++i], "%d-%d", &rev.min_full, &rev.max_full);
		else if (!strcmp(argv[i], "--min-rev") && i + 1 < (size_t)argc)
			rev.min_legacy = atoi(argv[++i]);
		else
			c = NULL;
		if (!c)
			return usage();
	}
	total = size > boot_len + 64 ? size : boot_len + 64;
	if (merged && total < 0x10000 - c->boot_offset + 0x1000)
		total = 0x10000 - c->boot_offset + 0x1000;
	img = calloc(1, total + 64);
	pos = put_image(img, c, seg_len, seg_addr, 2, fill_seg);
	if (boot_only) {
		fwrite(img, 1, pos, stdout);
		free(img);
		return 0;
	}
	if (merged) {
		size_t app = 0x10000 - c->boot_offset;
		uint32_t len = (uint32_t)((total - app - 24 - 8 - 16 - 32) & ~3u), addr = 0x42000020;

		memset(img + pos, 0xFF, app - pos);
		put_table(img + 0x8000 - c->boot_offset);
		pos = app + put_image(img + app, c, &len, &addr, 1, fill_app);
		memset(img + pos, 0xFF, total - pos);
		fwrite(img, 1, total, stdout);
		free(img);
		return 0;
	}
	/* the rest of a merged image: partition-table-like gap, then app data */
	memset(img + pos, 0xFF, boot_len - pos);
	for (pos = boot_len; pos < total; pos += 4096) {
		size_t n = total - pos < 4096 ? total - pos : 4096;

		fill_chunk(img + pos, n, (int)(next() % 1000) < permille);
	}
	fwrite(img, 1, total, stdout);
	free(img);
	return 0;
}
