/* chip.h - ESP32-C2 facts for stub/common/plat.c. UART0: ESP32-C2 (ESP8684)
 * Technical Reference Manual, chapter "UART Controller (UART)";
 * the interrupt matrix: chapter
 * "Interrupt Matrix (INTERRUPT)"; memory: chapter "System and Memory".
 * The mask ROM's functions: ESP-IDF components/esp_rom/esp32c2/ld/
 * esp32c2.rom.ld (esp32c2.rom.api.ld maps esp_rom_spiflash_attach to
 * spi_flash_attach), called directly.
 *
 * The divider is scaled from the one in use, so a 26 MHz crystal, which
 * the ROM's own rates do not allow for, needs nothing here.
 *
 * RAM (stub.ld): SRAM seen as IRAM from 0x4037C000, the first 16 KiB
 * instruction cache, and 0x40380000 on as DRAM from 0x3FCA0000; the
 * ROM's download buffers start at DRAM 0x3FCCB264, its stack and data
 * run to 0x3FCE0000 (ESP-IDF bootloader.memory.ld, "ROM static data
 * usage"): the stub stays below. */
#define UART_BASE 0x60000000u
#define UART_CNT_BITS 10		/* RX count [9:0], TX count [25:16] */
#define UART_FRAG 1			/* CLKDIV: integer [11:0], sixteenths [23:20] */
#define UART_DIV_MASK 0xFFFu

#define ROM_DELAY_US 0x40000044		/* ets_delay_us */
#define ROM_ERASE_CHIP 0x40000110	/* esp_rom_spiflash_erase_chip */
#define ROM_ERASE_BLOCK 0x40000134	/* esp_rom_spiflash_erase_block(block) */
#define ROM_ERASE_SECTOR 0x40000130	/* esp_rom_spiflash_erase_sector(sector) */
#define ROM_WRITE 0x40000138		/* esp_rom_spiflash_write(addr, src, len) */
#define ROM_READ 0x4000013c		/* esp_rom_spiflash_read(addr, dst, len) */
#define ROM_UNLOCK 0x40000140		/* esp_rom_spiflash_unlock */
#define ROM_ATTACH 0x40000178		/* spi_flash_attach(pins, legacy) */
#define ROM_FLASHCHIP 0			/* the size goes through config_param: */
#define ROM_CONFIG_PARAM 0x4000014c	/* esp_rom_spiflash_config_param(id, size, ...) */

/* SPI1, the controller the ROM drives the flash with, laid out as the
 * C3's (newer.h;
 * ESP-IDF components/soc/esp32c2/register/soc/spi_mem_reg.h). */
#define SPI_BASE 0x60002000u
#include "../newer.h"

/* Not used by the polling stub; for one that receives by interrupt. */
#define UART_RXFULL_REG 0x24		/* CONF1: RXFIFO_FULL_THRHD [8:0] */
#define UART_TOUT_EN_REG 0x24		/* CONF1: RX_TOUT_EN bit 21 */
#define UART_TOUT_EN_BIT (1u << 21)
#define UART_TOUT_REG 0x60		/* MEM_CONF: RX_TOUT_THRHD [25:16], in bit times */
#define UART_TOUT_SHIFT 16
#define UART0_IRQ_SOURCE 17		/* interrupt matrix source */
#define UART0_IRQ_MAP 0x600C2044u	/* INTERRUPT_CORE0_UART_INTR_MAP_REG */
