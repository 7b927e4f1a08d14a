/* chip.h - ESP32-C3 facts for stub/common/plat.c: UART0 (ESP32-C3
 * Technical Reference Manual, chapter "UART Controller") and the mask
 * ROM's functions (ESP-IDF components/esp_rom/esp32c3/ld/esp32c3.rom.ld). */
#define UART_BASE 0x60000000u
#define UART_CNT_BITS 10		/* RX count [9:0], TX count [25:16] */
#define UART_FRAG 1			/* CLKDIV: integer [11:0], sixteenths [23:20] */
#define UART_DIV_MASK 0xFFFu

#define ROM_DELAY_US 0x40000050		/* ets_delay_us */
#define ROM_ERASE_CHIP 0x40000120	/* esp_rom_spiflash_erase_chip */
#define ROM_ERASE_BLOCK 0x40000124	/* esp_rom_spiflash_erase_block(block) */
#define ROM_ERASE_SECTOR 0x40000128	/* esp_rom_spiflash_erase_sector(sector) */
#define ROM_WRITE 0x4000012c		/* esp_rom_spiflash_write(addr, src, len) */
#define ROM_READ 0x40000130		/* esp_rom_spiflash_read(addr, dst, len) */
#define ROM_UNLOCK 0x40000140		/* esp_rom_spiflash_unlock */
#define ROM_ATTACH 0x40000164		/* esp_rom_spiflash_attach(pins, legacy) */
#define ROM_FLASHCHIP 0			/* the size goes through config_param: */
#define ROM_CONFIG_PARAM 0x40000134	/* esp_rom_spiflash_config_param(id, size, ...) */
