/* esp_chip.h - the Espressif chips mpf-esp knows, one table entry each
 * (doc/protocols.md 1.4, 1.6, 1.10, 1.11; register layouts from esptool's
 * targets/ (one file per chip)). Adding a chip is adding an entry in esp_chip.c.
 *
 * Everything here is about the chip's mask ROM loader: we never upload a
 * stub, so what the ROM cannot do, mpf-esp cannot do on that chip. */
#ifndef MPF_ESP_CHIP_H
#define MPF_ESP_CHIP_H

#include <stddef.h>
#include <stdint.h>

/* What a chip's ROM loader accepts beyond SYNC, READ_REG, WRITE_REG,
 * MEM_* and FLASH_BEGIN/DATA/END (which every ROM has). */
enum {
	MPF_ESP_ROM_ATTACH = 1 << 0,	/* SPI_ATTACH 0x0D (mandatory before flash ops) */
	MPF_ESP_ROM_SPI_PARAMS = 1 << 1, /* SPI_SET_PARAMS 0x0B */
	MPF_ESP_ROM_BAUD = 1 << 2,	/* CHANGE_BAUDRATE 0x0F */
	MPF_ESP_ROM_DEFL = 1 << 3,	/* FLASH_DEFL_BEGIN/DATA/END 0x10-0x12 */
	MPF_ESP_ROM_MD5 = 1 << 4,	/* SPI_FLASH_MD5 0x13 */
	MPF_ESP_ROM_SECINFO = 1 << 5,	/* GET_SECURITY_INFO 0x14 */
	MPF_ESP_ROM_READ_SLOW = 1 << 6,	/* READ_FLASH_SLOW 0x0E, 64 bytes a call */
	MPF_ESP_ROM_BEGIN5 = 1 << 7,	/* FLASH_BEGIN takes a 5th word (encrypted flag) */
	MPF_ESP_ROM_ERASE_BUG = 1 << 8,	/* ESP8266: FLASH_BEGIN erases too much */
	/* ESP32: a FLASH_DEFL write programs the rest of the ROM's 32 KiB
	 * inflate window past its end (doc/protocols.md 1.13) */
	MPF_ESP_ROM_DEFL_OVERRUN = 1 << 9,
};

enum mpf_esp_mac_kind {
	MPF_ESP_MAC_ESP8266,	/* OTP words at 0x3FF00050/54/5C */
	MPF_ESP_MAC_ESP32,	/* eFuse words 1 and 2 of the read base */
	MPF_ESP_MAC_EFUSE,	/* MAC_EFUSE_REG (mac0) and +4 (mac1) */
};

struct mpf_esp_code {
	const char *name;	/* "4MB", "80m" */
	uint8_t code;
};

/* Watchdogs that keep running while a USB-Serial/JTAG chip is in its
 * loader and reset it mid-flash unless disabled (esptool targets,
 * disable_watchdogs): RTC WDT off, super-watchdog auto-feed on. */
struct mpf_esp_wdt {
	uint32_t wprotect, config0;	/* RTC WDT write-protect and config 0 */
	uint32_t swd_wprotect, swd_conf, swd_feed_bit, swd_key;
};
#define MPF_ESP_WDT_KEY 0x50D83AA1u

/* Where the chip revision lives in eFuse (esptool targets,
 * get_major/minor_chip_version): up to two bit fields each, in words of
 * eFuse block 1 (the MAC_EFUSE_REG block), placed at bit `at` of the value. */
struct mpf_esp_field {
	signed char word;	/* -1: unused */
	unsigned char shift, width, at;
};
struct mpf_esp_rev {
	struct mpf_esp_field major[2], minor[2];
	int s3_eco0;		/* ESP32-S3: v0.0 chips reuse the major field */
};

/* Decode a revision from eFuse words w[0..5] of block 1 (w[7]: ESP32-S3
 * block 2 word 4, for the eco0 rule): major*100+minor. */
int mpf_esp_rev_decode(const struct mpf_esp_rev *r, const uint32_t w[8]);

/* Leaving the loader over the ROM's own USB-OTG CDC port (VID 303a, PID =
 * chip id), where RTS resets nothing (esptool hard_reset, watchdog_reset):
 * with the boot strap low, an RTC watchdog reset boots the firmware. */
struct mpf_esp_otg {
	uint32_t strap_reg, strap_spi_boot;	/* bit set: GPIO0 was high */
	uint32_t option1, force_dl;		/* "force download boot" flag */
	uint32_t wdt_wprotect, wdt_config0, wdt_config1;
	int clear_force_dl;	/* S3: clear the flag before resetting */
	int always_wdt;		/* P4: always the watchdog */
};

/* A window of RAM, [lo, hi). */
struct mpf_esp_span {
	uint32_t lo, hi;
};

struct mpf_esp_chip {
	const char *name;	/* "ESP32-S3": as the user and esptool say it */
	const char *key;	/* "esp32s3": --chip, and a record's cpu compared loosely */
	int chip_id;		/* image header / GET_SECURITY_INFO id; -1 for ESP8266 */
	uint32_t magic[4];	/* CHIP_DETECT_MAGIC_REG values (0 = unused slot) */
	uint32_t boot_offset;	/* where the bootloader (and a merged image) goes */
	unsigned rom;		/* MPF_ESP_ROM_*; 0: only its images are known */
	int status_len;		/* status bytes at the end of a ROM reply: 2 or 4 */
	/* SPI controller used for user commands (JEDEC id) */
	uint32_t spi_base;
	uint8_t spi_usr, spi_usr1, spi_usr2, spi_mosi_dlen, spi_miso_dlen, spi_w0;
	enum mpf_esp_mac_kind mac_kind;
	uint32_t mac_reg;	/* MAC_EFUSE_REG, or the eFuse read base (ESP32), or OTP base */
	const struct mpf_esp_code *sizes;	/* image header size codes (high nibble) */
	const struct mpf_esp_code *freqs;	/* image header freq codes (low nibble) */
	const char *features;	/* static feature list, comma-separated */
	int boot_strap_gpio;	/* the pin DTR drives: GPIO0, or 9/28/35 */
	const struct mpf_esp_wdt *usj_wdt;	/* has USB-Serial/JTAG: its watchdogs */
	/* UART_CLKDIV register, on a chip whose ROM assumes a 40 MHz crystal
	 * even on 26 MHz parts (ESP32-C2): CHANGE_BAUDRATE must be scaled */
	uint32_t xtal_clkdiv_reg;
	const struct mpf_esp_rev *rev;	/* NULL: ESP32 (its own rule) and ESP8266 */
	const struct mpf_esp_otg *otg;	/* has a ROM USB-OTG CDC port */
	/* RAM the ROM loader leaves to code loaded with MEM_*, seen through
	 * the instruction and the data bus (doc/protocols.md 1.14); none
	 * (hi 0): the chip stays on its ROM loader */
	struct mpf_esp_span stub_ram[2];
	int stub_min_rev;	/* stub_ram holds from this revision on (major*100+minor) */
};

#define MPF_ESP_CHIP_DETECT_MAGIC_REG 0x40001000u

extern const struct mpf_esp_chip mpf_esp_chips[];
extern const size_t mpf_esp_nchips;

const struct mpf_esp_chip *mpf_esp_chip_by_magic(uint32_t magic);
/* 1 when [addr, addr + len) lies in one of c's stub_ram windows. */
int mpf_esp_ram_holds(const struct mpf_esp_chip *c, uint32_t addr, uint32_t len);
const struct mpf_esp_chip *mpf_esp_chip_by_id(int chip_id);
/* By key or name, loosely: "esp32s3", "ESP32-S3", "ESP32S3", a record's
 * cpu field ("ESP32S3", "ESP8266") and part numbers ("ESP32-S2FN4R2",
 * "ESP32-D0WD") all match; "ESP32-C61" or "RP2040" match nothing. */
const struct mpf_esp_chip *mpf_esp_chip_by_name(const char *name);

/* Image header codes. Return -1 when the chip has no such value. */
int mpf_esp_size_code(const struct mpf_esp_chip *c, const char *name);
int mpf_esp_freq_code(const struct mpf_esp_chip *c, const char *name);
/* The name of an image header code in a chip's table (sizes or freqs;
 * the first name when two share a code, as esptool's image-info shows it),
 * NULL when the chip has no such code. */
const char *mpf_esp_code_name(const struct mpf_esp_code *t, int code);
/* Flash size in bytes to the header name ("4MB"), NULL when unknown. */
const char *mpf_esp_size_name(uint64_t bytes);
/* Bytes of flash a JEDEC RDID capacity byte stands for (1.7), 0 if unknown. */
uint64_t mpf_esp_jedec_size(uint8_t capacity_id);

#endif
