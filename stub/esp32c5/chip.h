/* chip.h - ESP32-C5 facts for stub/common/plat.c. UART0: ESP32-C5
 * Technical Reference Manual, chapter "UART Controller (UART, LP_UART, UHCI)"
 * (the C6 generation's layout, uart-c6.h); the
 * interrupt matrix: chapter "Interrupt Matrix
 * (INTMTX)"; memory: chapter "System and Memory". The mask ROM's
 * functions: ESP-IDF components/esp_rom/esp32c5/ld/esp32c5.rom.ld
 * (esp32c5.rom.api.ld maps esp_rom_spiflash_attach to spi_flash_attach;
 * esp32c5.rom.eco3.ld, for revision 1.2 on, moves none of these), called
 * directly.
 *
 * RAM (stub.ld): HP SRAM at 0x40800000-0x4085FFFF, one address for code
 * and data; the ROM's download buffers start at 0x4084E5A0, its stack
 * and data run to the end (ESP-IDF bootloader.memory.ld, "ROM static
 * data usage"): the stub stays below. */
#define UART_BASE 0x60000000u
#include "../riscv/uart-c6.h"

#define ROM_DELAY_US 0x4000003c		/* ets_delay_us */
#define ROM_ERASE_CHIP 0x40000134	/* esp_rom_spiflash_erase_chip */
#define ROM_ERASE_BLOCK 0x40000158	/* esp_rom_spiflash_erase_block(block) */
#define ROM_ERASE_SECTOR 0x40000154	/* esp_rom_spiflash_erase_sector(sector) */
#define ROM_WRITE 0x4000015c		/* esp_rom_spiflash_write(addr, src, len) */
#define ROM_READ 0x40000160		/* esp_rom_spiflash_read(addr, dst, len) */
#define ROM_UNLOCK 0x40000164		/* esp_rom_spiflash_unlock */
#define ROM_ATTACH 0x400001f0		/* spi_flash_attach(pins, legacy) */
#define ROM_FLASHCHIP 0			/* the size goes through config_param: */
#define ROM_CONFIG_PARAM 0x40000170	/* esp_rom_spiflash_config_param(id, size, ...) */

/* SPI1, the controller the ROM drives the flash with, laid out as the
 * C3's (newer.h;
 * ESP-IDF components/soc/esp32c5/register/soc/spi1_mem_reg.h). */
#define SPI_BASE 0x60003000u
#include "../newer.h"

/* Not used by the polling stub; for one that receives by interrupt. */
#define UART0_IRQ_SOURCE 47		/* interrupt matrix source */
#define UART0_IRQ_MAP 0x600100BCu	/* INTERRUPT_CORE0_UART0_INTR_MAP_REG */
