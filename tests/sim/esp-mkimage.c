/* esp-mkimage.c - make deterministic ESP firmware images for tests and
 * benchmarks, built by the format's rules (doc/protocols.md 1.10): header,
 * extended header with the chip id (not for ESP8266), segments, XOR
 * checksum at the end of the 16-byte-aligned image, appended SHA-256.
 *
 *   esp-mkimage --chip esp32 --size 1555136 [--random PERMILLE] [--seed N]
 *               [--boot-only] > image.bin
 *
 * --size pads the image (a bootloader image) with app-like data to that
 * total, as a merged MicroPython binary is. --random sets how many 4 KiB
 * chunks of 1000 are random (incompressible); the others are text-like
 * and compress well, so the mix sets the compression ratio. */
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

int main(int argc, char **argv)
{
	const struct mpf_esp_chip *c = mpf_esp_chip_by_name("esp32");
	size_t size = 0, pos, total, i, boot_len = 0x5000;
	int permille = 500, boot_only = 0, esp8266;
	uint8_t *img, chk = MPF_ESP_CHECKSUM_SEED;
	unsigned int mdlen = 32;

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
		else
			c = NULL;
		if (!c) {
			fprintf(stderr, "usage: esp-mkimage [--chip CHIP] [--size N] [--random PERMILLE] "
				"[--seed N] [--boot-only]\n");
			return 2;
		}
	}
	esp8266 = c->chip_id < 0;
	total = size > boot_len + 64 ? size : boot_len + 64;
	img = calloc(1, total + 64);
	/* header: 2 segments, dio, 4MB/40m (codes of the chip's table) */
	img[0] = 0xE9;
	img[1] = 2;
	img[2] = 2;
	img[3] = (uint8_t)(mpf_esp_size_code(c, esp8266 ? "1MB" : "4MB") |
			   mpf_esp_freq_code(c, "40m"));
	mpf_put_le32(img + 4, 0x40080400);
	pos = 8;
	if (!esp8266) {
		img[8] = 0xEE;		/* wp pin unused */
		img[12] = (uint8_t)c->chip_id;
		img[13] = (uint8_t)(c->chip_id >> 8);
		img[23] = 1;		/* hash appended */
		pos = 24;
	}
	{
		static const uint32_t seg_len[2] = { 0x1800, 0x2400 };
		static const uint32_t seg_addr[2] = { 0x3FFE0000, 0x40078000 };
		int s;

		for (s = 0; s < 2; s++) {
			mpf_put_le32(img + pos, seg_addr[s]);
			mpf_put_le32(img + pos + 4, seg_len[s]);
			pos += 8;
			fill_chunk(img + pos, seg_len[s], s);
			chk ^= mpf_esp_checksum(img + pos, seg_len[s]) ^ MPF_ESP_CHECKSUM_SEED;
			pos += seg_len[s];
		}
	}
	pos += 15 - pos % 16;
	img[pos++] = chk;
	if (!esp8266) {
		EVP_Digest(img, pos, img + pos, &mdlen, EVP_sha256(), NULL);
		pos += 32;
	}
	if (boot_only) {
		fwrite(img, 1, pos, stdout);
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
