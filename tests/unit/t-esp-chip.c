/* t-esp-chip.c - the chip table against doc/protocols.md 1.6, 1.7, 1.10. */
#include "test-lib.h"
#include "esp_chip.h"

static void t_lookup(void)
{
	check_str(mpf_esp_chip_by_magic(0x00F01D83)->name, "ESP32");
	check_str(mpf_esp_chip_by_magic(0xFFF0C101)->name, "ESP8266");
	check_str(mpf_esp_chip_by_magic(0x4361606F)->name, "ESP32-C3");
	check_str(mpf_esp_chip_by_magic(0x7C41A06F)->name, "ESP32-C2");
	check_str(mpf_esp_chip_by_magic(0xD7B73E80)->name, "ESP32-H2");
	check(mpf_esp_chip_by_magic(0x12345678) == NULL);
	check_str(mpf_esp_chip_by_id(23)->name, "ESP32-C5");
	check_str(mpf_esp_chip_by_id(18)->name, "ESP32-P4");
	check_str(mpf_esp_chip_by_id(9)->name, "ESP32-S3");
	check(mpf_esp_chip_by_id(-1) == NULL);
	check_str(mpf_esp_chip_by_name("ESP32S3")->name, "ESP32-S3");	/* mpf-info's cpu */
	check_str(mpf_esp_chip_by_name("esp32-c6")->name, "ESP32-C6");
	check(mpf_esp_chip_by_name("RP2040") == NULL);
	check_str(mpf_esp_chip_by_name("ESP32-S2FN4R2")->name, "ESP32-S2");
	check_str(mpf_esp_chip_by_name("ESP32-D0WD")->name, "ESP32");
	check_str(mpf_esp_chip_by_name("ESP8266EX")->name, "ESP8266");
	check_str(mpf_esp_chip_by_name("ESP32-C61")->name, "ESP32-C61");
	check_str(mpf_esp_chip_by_name("ESP32-H21")->name, "ESP32-H21");
	check(mpf_esp_chip_by_name("ESP32-C62") == NULL);	/* a digit after the key: another chip */
	check(mpf_esp_chip_by_name("") == NULL);
}

/* Every IMAGE_CHIP_ID in esptool's targets/ (HEAD of 2026-08) names its
 * chip, and its BOOTLOADER_FLASH_OFFSET is ours. */
static void t_image_ids(void)
{
	static const struct { int id; const char *name; uint32_t boot; } ids[] = {
		{ 0, "ESP32", 0x1000 }, { 2, "ESP32-S2", 0x1000 }, { 5, "ESP32-C3", 0 },
		{ 9, "ESP32-S3", 0 }, { 12, "ESP32-C2", 0 }, { 13, "ESP32-C6", 0 },
		{ 16, "ESP32-H2", 0 }, { 18, "ESP32-P4", 0x2000 }, { 20, "ESP32-C61", 0 },
		{ 23, "ESP32-C5", 0x2000 }, { 25, "ESP32-H21", 0 }, { 28, "ESP32-H4", 0x2000 },
		{ 31, "ESP32-E22", 0 }, { 32, "ESP32-S31", 0x2000 },
	};
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const struct mpf_esp_chip *c = mpf_esp_chip_by_id(ids[i].id);

		if (check(c != NULL)) {
			check_str(c->name, ids[i].name);
			check_uint(c->boot_offset, ==, ids[i].boot);
		}
	}
	check(mpf_esp_chip_by_id(1) == NULL);
	check_int(mpf_esp_freq_code(mpf_esp_chip_by_name("esp32h4"), "48m"), ==, 0xF);
	check_int(mpf_esp_freq_code(mpf_esp_chip_by_name("esp32c61"), "80m"), ==, 0xF);
}

static void t_offsets(void)
{
	check_uint(mpf_esp_chip_by_name("esp32")->boot_offset, ==, 0x1000);
	check_uint(mpf_esp_chip_by_name("esp32s2")->boot_offset, ==, 0x1000);
	check_uint(mpf_esp_chip_by_name("esp32s3")->boot_offset, ==, 0);
	check_uint(mpf_esp_chip_by_name("esp32c5")->boot_offset, ==, 0x2000);
	check_uint(mpf_esp_chip_by_name("esp32p4")->boot_offset, ==, 0x2000);
	check_uint(mpf_esp_chip_by_name("esp8266")->boot_offset, ==, 0);
}

static void t_rom_caps(void)
{
	const struct mpf_esp_chip *e8266 = mpf_esp_chip_by_name("esp8266");
	const struct mpf_esp_chip *e32 = mpf_esp_chip_by_name("esp32");
	const struct mpf_esp_chip *s3 = mpf_esp_chip_by_name("esp32s3");

	check_int(e8266->status_len, ==, 2);
	check(!(e8266->rom & (MPF_ESP_ROM_DEFL | MPF_ESP_ROM_MD5 | MPF_ESP_ROM_BAUD |
			      MPF_ESP_ROM_ATTACH | MPF_ESP_ROM_READ_SLOW)));
	check(e8266->rom & MPF_ESP_ROM_ERASE_BUG);
	check_int(e32->status_len, ==, 4);
	check(e32->rom & MPF_ESP_ROM_DEFL);
	check(!(e32->rom & (MPF_ESP_ROM_SECINFO | MPF_ESP_ROM_BEGIN5)));
	check(s3->rom & MPF_ESP_ROM_SECINFO);
	check(s3->rom & MPF_ESP_ROM_BEGIN5);
}

static void t_codes(void)
{
	const struct mpf_esp_chip *c2 = mpf_esp_chip_by_name("esp32c2");
	const struct mpf_esp_chip *e8266 = mpf_esp_chip_by_name("esp8266");

	check_int(mpf_esp_size_code(mpf_esp_chip_by_name("esp32"), "4MB"), ==, 0x20);
	check_int(mpf_esp_size_code(e8266, "4MB"), ==, 0x40);
	check_int(mpf_esp_size_code(e8266, "512KB"), ==, 0x00);
	check_int(mpf_esp_freq_code(c2, "60m"), ==, 0xF);
	check_int(mpf_esp_freq_code(c2, "80m"), ==, -1);
	check_int(mpf_esp_freq_code(mpf_esp_chip_by_name("esp32h2"), "48m"), ==, 0xF);
	check_int(mpf_esp_freq_code(mpf_esp_chip_by_name("esp32c6"), "80m"), ==, 0);
}

static void t_jedec(void)
{
	check_uint(mpf_esp_jedec_size(0x16), ==, 4u << 20);
	check_uint(mpf_esp_jedec_size(0x12), ==, 256u << 10);
	check_uint(mpf_esp_jedec_size(0x18), ==, 16u << 20);
	check_uint(mpf_esp_jedec_size(0x20), ==, 64u << 20);
	check_uint(mpf_esp_jedec_size(0x39), ==, 32u << 20);
	check_uint(mpf_esp_jedec_size(0x00), ==, 0);
	check_str(mpf_esp_size_name(4u << 20), "4MB");
	check(mpf_esp_size_name(3u << 20) == NULL);
}

static int rev(const char *chip, int word, uint32_t v, int word2, uint32_t v2)
{
	uint32_t w[8] = { 0 };

	w[word] |= v;
	if (word2 >= 0)
		w[word2] |= v2;
	return mpf_esp_rev_decode(mpf_esp_chip_by_name(chip)->rev, w);
}

/* eFuse words worked by hand from esptool's get_major/minor_chip_version */
static void t_revision(void)
{
	check_int(rev("esp32c3", 3, 4u << 18, -1, 0), ==, 4);
	check_int(rev("esp32c3", 5, 1u << 24, 3, 1u << 18), ==, 101);
	check_int(rev("esp32c3", 5, 1u << 23, 3, 3u << 18), ==, 11);
	check_int(rev("esp32s2", 3, 1u << 18, -1, 0), ==, 100);
	check_int(rev("esp32s2", 3, 1u << 20, 4, 2u << 4), ==, 10);
	check_int(rev("esp32c6", 3, 1u << 22 | 2u << 18, -1, 0), ==, 102);
	check_int(rev("esp32h2", 3, 1u << 21, -1, 0), ==, 100);
	check_int(rev("esp32h2", 3, 1u << 18, -1, 0), ==, 1);
	check_int(rev("esp32c5", 2, 1u << 4, -1, 0), ==, 100);
	check_int(rev("esp32p4", 2, 3u << 4 | 1, -1, 0), ==, 301);
	check_int(rev("esp32p4", 2, 1u << 23, -1, 0), ==, 400);
	check_int(rev("esp32c2", 1, 1u << 20 | 1u << 16, -1, 0), ==, 101);
	check_int(rev("esp32s3", 5, 1u << 24, 3, 2u << 18), ==, 102);
	/* S3 eco0: block version 1.1, major field reused: v0.0 */
	check_int(rev("esp32s3", 5, 2u << 24, 3, 1u << 24) , ==, 200);
	{
		uint32_t w[8] = { 0 };

		w[5] = 2u << 24, w[3] = 1u << 24, w[7] = 1;
		check_int(mpf_esp_rev_decode(mpf_esp_chip_by_name("esp32s3")->rev, w), ==, 0);
	}
	check(mpf_esp_chip_by_name("esp32")->rev == NULL);
}

/* The RAM windows a stub may be loaded into (doc/protocols.md 1.14):
 * inside one view, never across the end of one or into the ROM's own. */
static void t_stub_ram(void)
{
	const struct mpf_esp_chip *s3 = mpf_esp_chip_by_name("esp32s3");

	check(mpf_esp_ram_holds(s3, 0x40378000, 0x8000));
	check(mpf_esp_ram_holds(s3, 0x3FC90000, 0x40000));
	check(mpf_esp_ram_holds(s3, 0x3FCD7000, 0xE00));
	check(!mpf_esp_ram_holds(s3, 0x3FCD7000, 0xE01));	/* the ROM's download buffers */
	check(!mpf_esp_ram_holds(s3, 0x40370000, 0x100));	/* instruction cache */
	check(!mpf_esp_ram_holds(s3, 0xFFFFFF00, 0x200));	/* wraps */
	check(!mpf_esp_ram_holds(mpf_esp_chip_by_name("esp32h21"), 0x40800000, 4));
}

int main(void)
{
	TEST(t_lookup(), "chips by magic value, chip id and name");
	TEST(t_image_ids(), "every image chip id esptool lists names its chip, with its bootloader offset");
	TEST(t_offsets(), "bootloader offsets");
	TEST(t_rom_caps(), "ROM command sets and status layouts");
	TEST(t_codes(), "image header size and frequency codes per chip");
	TEST(t_jedec(), "JEDEC capacity bytes to sizes");
	TEST(t_revision(), "chip revisions from eFuse words, per chip");
	TEST(t_stub_ram(), "the RAM each chip's ROM leaves to a stub");
	return test_done();
}
