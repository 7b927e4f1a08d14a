/* chip.h - ESP32-C3 facts for stub/common/plat.c: UART0 (ESP32-C3
 * Technical Reference Manual, chapter "UART Controller") and the mask
 * ROM's functions (ESP-IDF components/esp_rom/esp32c3/ld/esp32c3.rom.ld). */
#define UART_BASE 0x60000000u
#define UART_CNT_BITS 10		/* RX count [9:0], TX count [25:16] */
#define UART_FRAG 1			/* CLKDIV: integer [11:0], sixteenths [23:20] */
#define UART_DIV_MASK 0xFFFu

/* SPI1, the controller the ROM drives the flash with (TRM chapter "SPI0
 * and SPI1 Controllers" register summary: SPI1 at 0x60002000,
 * SPI_MEM_USER1_REG 0x1C, SPI_MEM_RD_STATUS_REG 0x2C, SPI_MEM_W0_REG
 * 0x58; SPI_MEM_ADDR_REG holds a program's length in [31:24]). */
#define SPI_BASE 0x60002000u
#define SPI_RD_STATUS 0x2C
#define SPI_USER1_OFF 0x1C
#define SPI_W0_OFF 0x58

#define ROM_DELAY_US 0x40000050		/* ets_delay_us */
#define ROM_READ 0x40000130		/* esp_rom_spiflash_read(addr, dst, len) */
#define ROM_UNLOCK 0x40000140		/* esp_rom_spiflash_unlock */
#define ROM_ATTACH 0x40000164		/* esp_rom_spiflash_attach(pins, legacy) */
#define ROM_FLASHCHIP 0			/* the size goes through config_param: */
#define ROM_CONFIG_PARAM 0x40000134	/* esp_rom_spiflash_config_param(id, size, ...) */
