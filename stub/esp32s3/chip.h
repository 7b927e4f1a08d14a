/* chip.h - ESP32-S3 facts for stub/common/plat.c. UART0: ESP32-S3
 * Technical Reference Manual, chapter "UART Controller (UART)";
 * the interrupt matrix: chapter
 * "Interrupt Matrix (INTERRUPT)"; memory: chapter "System and Memory".
 * The mask ROM's functions: ESP-IDF components/esp_rom/esp32s3/ld/
 * esp32s3.rom.ld (esp32s3.rom.api.ld maps esp_rom_spiflash_attach to
 * spi_flash_attach). The ROM is built for the windowed ABI like the
 * ESP32's (the LX7 core runs our lx106 call0 code), so its functions are
 * called through romcall.S.
 *
 * RAM (stub.ld): SRAM seen as IRAM from 0x40370000 and as DRAM from
 * 0x3FC88000 for IRAM 0x40378000 (the first 32 KiB are instruction
 * cache); the ROM's download buffers start at 0x3FCD7E00, its stacks and
 * data run to 0x3FCF0000 (ESP-IDF bootloader.memory.ld, "ROM static data
 * usage"): the stub stays below. */
#define UART_BASE 0x60000000u
#define UART_CNT_BITS 10		/* RX count [9:0], TX count [25:16] */
#define UART_FRAG 1			/* CLKDIV: integer [11:0], sixteenths [23:20] */
#define UART_DIV_MASK 0xFFFu
#define ROM_WINDOWED 1

#define ROM_DELAY_US 0x40000600		/* ets_delay_us */
#define ROM_ERASE_CHIP 0x4000099c	/* esp_rom_spiflash_erase_chip */
#define ROM_ERASE_BLOCK 0x40000a08	/* esp_rom_spiflash_erase_block(block) */
#define ROM_ERASE_SECTOR 0x400009fc	/* esp_rom_spiflash_erase_sector(sector) */
#define ROM_WRITE 0x40000a14		/* esp_rom_spiflash_write(addr, src, len) */
#define ROM_READ 0x40000a20		/* esp_rom_spiflash_read(addr, dst, len) */
#define ROM_UNLOCK 0x40000a2c		/* esp_rom_spiflash_unlock */
#define ROM_ATTACH 0x40000aec		/* spi_flash_attach(pins, legacy) */
/* The ROM keeps a pointer to its flash chip record (device id, chip size,
 * ...: esp_rom_spiflash.h, esp_rom_spiflash_legacy_data_t) in
 * rom_spiflash_legacy_data; config_param takes six words, more than the
 * windowed shim passes, so the size is set in the record. */
#define ROM_FLASHCHIP (*(volatile uint32_t *)0x3FCEFFE4u)
#define ROM_CONFIG_PARAM 0

/* SPI1, the controller the ROM drives the flash with, laid out as the
 * C3's (newer.h;
 * ESP-IDF components/soc/esp32s3/register/soc/spi_mem_reg.h). */
#define SPI_BASE 0x60002000u
#include "../newer.h"

/* Not used by the polling stub; for one that receives by interrupt. */
#define UART_RXFULL_REG 0x24		/* CONF1: RXFIFO_FULL_THRHD [9:0] */
#define UART_TOUT_EN_REG 0x24		/* CONF1: RX_TOUT_EN bit 23 */
#define UART_TOUT_EN_BIT (1u << 23)
#define UART_TOUT_REG 0x60		/* MEM_CONF: RX_TOUT_THRHD [26:17], in bit times */
#define UART_TOUT_SHIFT 17
#define UART0_IRQ_SOURCE 27		/* interrupt matrix source */
#define UART0_IRQ_MAP 0x600C206Cu	/* INTERRUPT_CORE0_UART_INTR_MAP_REG */
