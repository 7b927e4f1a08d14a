/* esp_chip.c - the chip table (see esp_chip.h). Values: magic numbers
 * from esptool 4.8 targets, chip ids, offsets, size and frequency codes
 * and MAC addresses from doc/protocols.md 1.6, 1.10, 1.11; SPI controller
 * register layouts from esptool targets/ (one file per chip). */
#include "esp_chip.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static const struct mpf_esp_code sizes_esp8266[] = {
	{ "512KB", 0x00 }, { "256KB", 0x10 }, { "1MB", 0x20 }, { "2MB", 0x30 },
	{ "4MB", 0x40 }, { "2MB-c1", 0x50 }, { "4MB-c1", 0x60 }, { "8MB", 0x80 },
	{ "16MB", 0x90 }, { NULL, 0 },
};

static const struct mpf_esp_code sizes_esp32[] = {
	{ "1MB", 0x00 }, { "2MB", 0x10 }, { "4MB", 0x20 }, { "8MB", 0x30 },
	{ "16MB", 0x40 }, { "32MB", 0x50 }, { "64MB", 0x60 }, { "128MB", 0x70 },
	{ NULL, 0 },
};

static const struct mpf_esp_code freqs_esp32[] = {
	{ "80m", 0xF }, { "40m", 0x0 }, { "26m", 0x1 }, { "20m", 0x2 }, { NULL, 0 },
};
static const struct mpf_esp_code freqs_c2[] = {
	{ "60m", 0xF }, { "30m", 0x0 }, { "20m", 0x1 }, { "15m", 0x2 }, { NULL, 0 },
};
static const struct mpf_esp_code freqs_h2[] = {
	{ "48m", 0xF }, { "24m", 0x0 }, { "16m", 0x1 }, { "12m", 0x2 }, { NULL, 0 },
};
static const struct mpf_esp_code freqs_c5[] = {
	{ "80m", 0xF }, { "40m", 0x0 }, { "20m", 0x2 }, { NULL, 0 },
};
/* C6: 80m is written as 0 too, a ROM workaround (esptool targets/esp32c6.py) */
static const struct mpf_esp_code freqs_c6[] = {
	{ "80m", 0x0 }, { "40m", 0x0 }, { "20m", 0x2 }, { NULL, 0 },
};

static const struct mpf_esp_wdt wdt_c3 = {
	.wprotect = 0x600080A8, .config0 = 0x60008090,
	.swd_wprotect = 0x600080B0, .swd_conf = 0x600080AC,
	.swd_feed_bit = 1u << 31, .swd_key = 0x8F1D312A,
};
static const struct mpf_esp_wdt wdt_s3 = {
	.wprotect = 0x600080B0, .config0 = 0x60008098,
	.swd_wprotect = 0x600080B8, .swd_conf = 0x600080B4,
	.swd_feed_bit = 1u << 31, .swd_key = 0x8F1D312A,
};
static const struct mpf_esp_wdt wdt_c6 = {	/* LP_WDT; the C5 inherits it */
	.wprotect = 0x600B1C18, .config0 = 0x600B1C00,
	.swd_wprotect = 0x600B1C20, .swd_conf = 0x600B1C1C,
	.swd_feed_bit = 1u << 18, .swd_key = MPF_ESP_WDT_KEY,
};
static const struct mpf_esp_wdt wdt_h2 = {
	.wprotect = 0x600B1C1C, .config0 = 0x600B1C00,
	.swd_wprotect = 0x600B1C24, .swd_conf = 0x600B1C20,
	.swd_feed_bit = 1u << 18, .swd_key = MPF_ESP_WDT_KEY,
};
static const struct mpf_esp_wdt wdt_p4 = {
	.wprotect = 0x50116018, .config0 = 0x50116000,
	.swd_wprotect = 0x50116020, .swd_conf = 0x5011601C,
	.swd_feed_bit = 1u << 18, .swd_key = MPF_ESP_WDT_KEY,
};

static const struct mpf_esp_otg otg_s2 = {
	.strap_reg = 0x3F404038, .strap_spi_boot = 1u << 3, .option1 = 0x3F408128, .force_dl = 0x1,
	.wdt_wprotect = 0x3F4080AC, .wdt_config0 = 0x3F408094, .wdt_config1 = 0x3F408098,
};
static const struct mpf_esp_otg otg_s3 = {
	.strap_reg = 0x60004038, .strap_spi_boot = 1u << 3, .option1 = 0x6000812C, .force_dl = 0x1,
	.wdt_wprotect = 0x600080B0, .wdt_config0 = 0x60008098, .wdt_config1 = 0x6000809C,
	.clear_force_dl = 1,
};
static const struct mpf_esp_otg otg_p4 = {
	.strap_reg = 0x500E0038, .strap_spi_boot = 0x8, .option1 = 0x50110008, .force_dl = 0x4,
	.wdt_wprotect = 0x50116018, .wdt_config0 = 0x50116000, .wdt_config1 = 0x50116004,
	.always_wdt = 1,
};

#define F(w, s, n, a) { w, s, n, a }
#define NONE { -1, 0, 0, 0 }
static const struct mpf_esp_rev rev_s2 = {
	{ F(3, 18, 2, 0), NONE }, { F(3, 20, 1, 3), F(4, 4, 3, 0) }, 0 };
static const struct mpf_esp_rev rev_s3 = {
	{ F(5, 24, 2, 0), NONE }, { F(5, 23, 1, 3), F(3, 18, 3, 0) }, 1 };
static const struct mpf_esp_rev rev_c3 = {
	{ F(5, 24, 2, 0), NONE }, { F(5, 23, 1, 3), F(3, 18, 3, 0) }, 0 };
static const struct mpf_esp_rev rev_c2 = {	/* block 2, which holds the C2's MAC */
	{ F(1, 20, 2, 0), NONE }, { F(1, 16, 4, 0), NONE }, 0 };
static const struct mpf_esp_rev rev_c6 = {
	{ F(3, 22, 2, 0), NONE }, { F(3, 18, 4, 0), NONE }, 0 };
static const struct mpf_esp_rev rev_h2 = {
	{ F(3, 21, 2, 0), NONE }, { F(3, 18, 3, 0), NONE }, 0 };
static const struct mpf_esp_rev rev_c5 = {	/* and the C61 */
	{ F(2, 4, 2, 0), NONE }, { F(2, 0, 4, 0), NONE }, 0 };
static const struct mpf_esp_rev rev_p4 = {
	{ F(2, 4, 2, 0), F(2, 23, 1, 2) }, { F(2, 0, 4, 0), NONE }, 0 };

#define ROM_ESP32 (MPF_ESP_ROM_ATTACH | MPF_ESP_ROM_SPI_PARAMS | MPF_ESP_ROM_BAUD | \
		   MPF_ESP_ROM_DEFL | MPF_ESP_ROM_MD5 | MPF_ESP_ROM_READ_SLOW)
#define ROM_NEWER (ROM_ESP32 | MPF_ESP_ROM_SECINFO | MPF_ESP_ROM_BEGIN5)
/* SPI user-command registers (offsets from spi_base) */
#define SPI_OLD .spi_usr = 0x1C, .spi_usr1 = 0x20, .spi_usr2 = 0x24, \
		.spi_mosi_dlen = 0x28, .spi_miso_dlen = 0x2C, .spi_w0 = 0x80
#define SPI_NEW .spi_usr = 0x18, .spi_usr1 = 0x1C, .spi_usr2 = 0x20, \
		.spi_mosi_dlen = 0x24, .spi_miso_dlen = 0x28, .spi_w0 = 0x58
#define NEWER .rom = ROM_NEWER, .status_len = 4, .sizes = sizes_esp32, \
		.mac_kind = MPF_ESP_MAC_EFUSE

/* Where a loaded program may go while the ROM loader runs: the chip's
 * SRAM past any cache, below the buffers and data the ROM uses in
 * download mode (doc/protocols.md 1.14), as the instruction bus and as
 * the data bus see it. */
#define RAM(ilo, ihi, dlo, dhi) .stub_ram = { { ilo, ihi }, { dlo, dhi } }

#define IMAGE_ONLY(n, k, id, boot, f) { .name = n, .key = k, .chip_id = id, \
		.boot_offset = boot, .status_len = 4, .sizes = sizes_esp32, .freqs = f, .features = "" }

const struct mpf_esp_chip mpf_esp_chips[] = {
	{
		.name = "ESP8266", .key = "esp8266", .chip_id = -1, .magic = { 0xFFF0C101 },
		.boot_offset = 0x0, .rom = MPF_ESP_ROM_ERASE_BUG, .status_len = 2,
		/* no MOSI/MISO length registers: bit lengths go in USR1 */
		.spi_base = 0x60000200, .spi_usr = 0x1C, .spi_usr1 = 0x20, .spi_usr2 = 0x24,
		.spi_w0 = 0x40,
		.mac_kind = MPF_ESP_MAC_ESP8266, .mac_reg = 0x3FF00050,
		.sizes = sizes_esp8266, .freqs = freqs_esp32, .features = "WiFi",
		RAM(0x40100000, 0x40108000, 0x3FFE8000, 0x3FFFC000),
	},
	{
		.name = "ESP32", .key = "esp32", .chip_id = 0, .magic = { 0x00F01D83 },
		.boot_offset = 0x1000, .rom = ROM_ESP32 | MPF_ESP_ROM_DEFL_OVERRUN, .status_len = 4,
		.spi_base = 0x3FF42000, SPI_OLD,
		.mac_kind = MPF_ESP_MAC_ESP32, .mac_reg = 0x3FF5A000,
		.sizes = sizes_esp32, .freqs = freqs_esp32, .features = "WiFi, BT",
		RAM(0x40080000, 0x400A0000, 0x3FFC8000, 0x3FFE0000),
	},
	{
		.name = "ESP32-S2", .key = "esp32s2", .chip_id = 2, .magic = { 0x000007C6 },
		.boot_offset = 0x1000, NEWER, .spi_base = 0x3F402000, SPI_NEW,
		.mac_reg = 0x3F41A044, .freqs = freqs_esp32, .features = "WiFi",
		.rev = &rev_s2, .otg = &otg_s2,
		RAM(0x40028000, 0x4006AB00, 0x3FFB8000, 0x3FFEAB00),
	},
	{
		.name = "ESP32-S3", .key = "esp32s3", .chip_id = 9, .magic = { 0x00000009 },
		.boot_offset = 0x0, NEWER, .spi_base = 0x60002000, SPI_NEW,
		.mac_reg = 0x60007044, .freqs = freqs_esp32, .features = "WiFi, BLE",
		.usj_wdt = &wdt_s3, .rev = &rev_s3, .otg = &otg_s3,
		RAM(0x40378000, 0x403C7E00, 0x3FC88000, 0x3FCD7E00),
	},
	{
		.name = "ESP32-C3", .key = "esp32c3", .chip_id = 5,
		.magic = { 0x6921506F, 0x1B31506F, 0x4881606F, 0x4361606F },
		.boot_offset = 0x0, NEWER, .spi_base = 0x60002000, SPI_NEW,
		.mac_reg = 0x60008844, .freqs = freqs_esp32, .features = "WiFi, BLE",
		.boot_strap_gpio = 9, .usj_wdt = &wdt_c3, .rev = &rev_c3,
		RAM(0x40380000, 0x403CAE00, 0x3FC80000, 0x3FCCAE00),
	},
	{
		.name = "ESP32-C2", .key = "esp32c2", .chip_id = 12,
		.magic = { 0x6F51306F, 0x7C41A06F },
		.boot_offset = 0x0, NEWER, .spi_base = 0x60002000, SPI_NEW,
		.mac_reg = 0x60008840, .freqs = freqs_c2, .features = "WiFi, BLE",
		.boot_strap_gpio = 9, .xtal_clkdiv_reg = 0x60000014, .rev = &rev_c2,
		RAM(0x40380000, 0x403AB264, 0x3FCA0000, 0x3FCCB264),
	},
	{
		.name = "ESP32-C6", .key = "esp32c6", .chip_id = 13, .magic = { 0x2CE0806F },
		.boot_offset = 0x0, NEWER, .spi_base = 0x60003000, SPI_NEW,
		.mac_reg = 0x600B0844, .freqs = freqs_c6, .features = "WiFi 6, BT 5, IEEE802.15.4",
		.boot_strap_gpio = 9, .usj_wdt = &wdt_c6, .rev = &rev_c6,
		RAM(0x40800000, 0x4086AD08, 0x40800000, 0x4086AD08),
	},
	{
		.name = "ESP32-H2", .key = "esp32h2", .chip_id = 16, .magic = { 0xD7B73E80 },
		.boot_offset = 0x0, NEWER, .spi_base = 0x60003000, SPI_NEW,
		.mac_reg = 0x600B0844, .freqs = freqs_h2, .features = "BLE, IEEE802.15.4",
		.boot_strap_gpio = 9, .usj_wdt = &wdt_h2, .rev = &rev_h2,
		RAM(0x40800000, 0x4083BA78, 0x40800000, 0x4083BA78),
	},
	/* C5, C61 and P4 have no magic value: GET_SECURITY_INFO names them */
	{
		.name = "ESP32-C5", .key = "esp32c5", .chip_id = 23,
		.boot_offset = 0x2000, NEWER, .spi_base = 0x60003000, SPI_NEW,
		.mac_reg = 0x600B4844, .freqs = freqs_c5,
		.features = "WiFi 6 (dual-band), BT 5, IEEE802.15.4",
		.boot_strap_gpio = 28, .usj_wdt = &wdt_c6, .rev = &rev_c5,
		RAM(0x40800000, 0x4084E5A0, 0x40800000, 0x4084E5A0),
	},
	{	/* the C6's loader and watchdogs (esptool targets/esp32c61.py) */
		.name = "ESP32-C61", .key = "esp32c61", .chip_id = 20,
		.boot_offset = 0x0, NEWER, .spi_base = 0x60003000, SPI_NEW,
		.mac_reg = 0x600B4844, .freqs = freqs_c5, .features = "WiFi 6, BLE 5",
		.boot_strap_gpio = 9, .usj_wdt = &wdt_c6, .rev = &rev_c5,
		RAM(0x40800000, 0x4083E670, 0x40800000, 0x4083E670),
	},
	{
		.name = "ESP32-P4", .key = "esp32p4", .chip_id = 18,
		.boot_offset = 0x2000, NEWER, .spi_base = 0x5008D000, SPI_NEW,
		.mac_reg = 0x5012D044, .freqs = freqs_esp32, .features = "High-Performance MCU",
		.boot_strap_gpio = 35, .usj_wdt = &wdt_p4, .rev = &rev_p4, .otg = &otg_p4,
		RAM(0x4FF40000, 0x4FFA96B8, 0x4FF40000, 0x4FFA96B8), .stub_min_rev = 300,
	},
	/* Chips whose images mpf-esp knows (esptool targets/: IMAGE_CHIP_ID,
	 * BOOTLOADER_FLASH_OFFSET, FLASH_FREQUENCY, each file's own or its
	 * parent class's), not yet their ROM loader: .rom is 0. */
	IMAGE_ONLY("ESP32-H21", "esp32h21", 25, 0x0, freqs_h2),
	IMAGE_ONLY("ESP32-H4", "esp32h4", 28, 0x2000, freqs_h2),
	IMAGE_ONLY("ESP32-E22", "esp32e22", 31, 0x0, freqs_esp32),
	IMAGE_ONLY("ESP32-S31", "esp32s31", 32, 0x2000, freqs_c5),
};

const size_t mpf_esp_nchips = sizeof(mpf_esp_chips) / sizeof(mpf_esp_chips[0]);

static unsigned field(const struct mpf_esp_field *f, const uint32_t w[8])
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 2; i++, f++)
		if (f->word >= 0 && f->word < 8)
			v |= ((w[f->word] >> f->shift) & ((1u << f->width) - 1)) << f->at;
	return v;
}

int mpf_esp_rev_decode(const struct mpf_esp_rev *r, const uint32_t w[8])
{
	unsigned minor = field(r->minor, w);

	/* S3 v0.0: block version 1.1 reuses the major field (esptool
	 * is_eco0): block-2 word 4 bits 0-1 are passed in w[7] by the caller */
	if (r->s3_eco0 && (minor & 7) == 0 && ((w[3] >> 24) & 7) == 1 && (w[7] & 3) == 1)
		return 0;
	return (int)(field(r->major, w) * 100 + minor);
}

const struct mpf_esp_chip *mpf_esp_chip_by_magic(uint32_t magic)
{
	size_t i, j;

	for (i = 0; i < mpf_esp_nchips; i++)
		for (j = 0; j < 4 && mpf_esp_chips[i].magic[j]; j++)
			if (mpf_esp_chips[i].magic[j] == magic)
				return &mpf_esp_chips[i];
	return NULL;
}

int mpf_esp_ram_holds(const struct mpf_esp_chip *c, uint32_t addr, uint32_t len)
{
	const struct mpf_esp_span *r;

	for (r = c->stub_ram; r < c->stub_ram + 2; r++)
		if (r->hi && addr >= r->lo && (uint64_t)addr + len <= r->hi)
			return 1;
	return 0;
}

const struct mpf_esp_chip *mpf_esp_chip_by_id(int chip_id)
{
	size_t i;

	for (i = 0; i < mpf_esp_nchips; i++)
		if (mpf_esp_chips[i].chip_id == chip_id && chip_id >= 0)
			return &mpf_esp_chips[i];
	return NULL;
}

/* "ESP32-S3" -> "esp32s3": lowercase, only letters and digits */
static void squash(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	for (; *s && n + 1 < cap; s++)
		if (isalnum((unsigned char)*s))
			out[n++] = (char)tolower((unsigned char)*s);
	out[n] = 0;
}

const struct mpf_esp_chip *mpf_esp_chip_by_name(const char *name)
{
	char want[32];
	size_t i;

	if (!name)
		return NULL;
	const struct mpf_esp_chip *best = NULL;
	size_t bl = 0, other = 0;

	squash(name, want, sizeof(want));
	/* the longest key the name starts with, so that a part number
	 * ("ESP32-S2FN4R2", "ESP32-D0WD") names its chip; a digit after the
	 * key means another chip ("ESP32-C61" is not an ESP32-C6) */
	for (i = 0; i < mpf_esp_nchips; i++) {
		size_t l = strlen(mpf_esp_chips[i].key);

		if (strncmp(mpf_esp_chips[i].key, want, l))
			continue;
		if (isdigit((unsigned char)want[l])) {
			other = l > other ? l : other;
		} else if (l > bl) {
			best = &mpf_esp_chips[i];
			bl = l;
		}
	}
	return other > bl ? NULL : best;
}

static int code_of(const struct mpf_esp_code *t, const char *name)
{
	for (; t && t->name; t++)
		if (!strcasecmp(t->name, name))
			return t->code;
	return -1;
}

const char *mpf_esp_code_name(const struct mpf_esp_code *t, int code)
{
	for (; t && t->name; t++)
		if (t->code == code)
			return t->name;
	return NULL;
}

int mpf_esp_size_code(const struct mpf_esp_chip *c, const char *name)
{
	return code_of(c->sizes, name);
}

int mpf_esp_freq_code(const struct mpf_esp_chip *c, const char *name)
{
	return code_of(c->freqs, name);
}

const char *mpf_esp_size_name(uint64_t bytes)
{
	static const char *const names[] = {
		"256KB", "512KB", "1MB", "2MB", "4MB", "8MB", "16MB", "32MB", "64MB", "128MB",
		"256MB",
	};
	uint64_t s = 256 * 1024;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++, s <<= 1)
		if (s == bytes)
			return names[i];
	return NULL;
}

uint64_t mpf_esp_jedec_size(uint8_t id)
{
	/* doc/protocols.md 1.7 (esptool DETECTED_FLASH_SIZES) */
	if (id >= 0x12 && id <= 0x1C)
		return 256ull * 1024 << (id - 0x12);
	if (id >= 0x20 && id <= 0x22)
		return 64ull * 1024 * 1024 << (id - 0x20);
	if (id >= 0x32 && id <= 0x3A)
		return 256ull * 1024 << (id - 0x32);
	return 0;
}
