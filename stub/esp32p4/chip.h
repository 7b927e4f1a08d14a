/* chip.h - ESP32-P4 facts for stub/common/plat.c. UART0: ESP32-P4
 * Technical Reference Manual, chapter "UART Controller (UART)" (the C6
 * generation's layout, uart-c6.h, at 0x500CA000); the interrupt matrix:
 * chapter "Interrupt Matrix (INTMTX)"; memory: chapter "System and
 * Memory". The mask ROM's functions: ESP-IDF components/esp_rom/esp32p4/
 * ld/esp32p4.rom.ld, at the same addresses in esp32p4.rom.eco0_4.ld (the
 * ROM before v3.0; esp32p4.rom.api.ld maps esp_rom_spiflash_attach to
 * spi_flash_attach), called directly.
 *
 * RAM (stub.ld): HP L2MEM at 0x4FF00000-0x4FFBFFFF. From v3.0 the L2
 * cache (at most 256 KiB, the ROM's cache.h MAX_L2_CACHE_SIZE) takes
 * its start and the ROM's download buffers start at 0x4FFA96B8 (ESP-IDF
 * memory.ld and bootloader.memory.ld): the stub goes between. Before
 * v3.0 the ROM keeps its buffers and data at 0x4FF296B8-0x4FF3FFFF and
 * the cache at the end, and ESP-IDF runs no code above them; no one
 * image fits both, so older chips stay on the ROM loader (the chip
 * table's stub_min_rev). */
#define UART_BASE 0x500CA000u
#include "../riscv/uart-c6.h"

#define ROM_DELAY_US 0x4fc0003c		/* ets_delay_us */
#define ROM_ERASE_CHIP 0x4fc0012c	/* esp_rom_spiflash_erase_chip */
#define ROM_ERASE_BLOCK 0x4fc00150	/* esp_rom_spiflash_erase_block(block) */
#define ROM_ERASE_SECTOR 0x4fc0014c	/* esp_rom_spiflash_erase_sector(sector) */
#define ROM_WRITE 0x4fc00154		/* esp_rom_spiflash_write(addr, src, len) */
#define ROM_READ 0x4fc00158		/* esp_rom_spiflash_read(addr, dst, len) */
#define ROM_UNLOCK 0x4fc0015c		/* esp_rom_spiflash_unlock */
#define ROM_ATTACH 0x4fc001e8		/* spi_flash_attach(pins, legacy) */
#define ROM_FLASHCHIP 0			/* the size goes through config_param: */
#define ROM_CONFIG_PARAM 0x4fc00168	/* esp_rom_spiflash_config_param(id, size, ...) */

/* SPI1, the controller the ROM drives the flash with, laid out as the
 * C3's (newer.h;
 * ESP-IDF components/soc/esp32p4/register/hw_ver3/soc/spi1_mem_c_reg.h). */
#define SPI_BASE 0x5008D000u
#include "../newer.h"

/* Not used by the polling stub; for one that receives by interrupt. */
#define UART0_IRQ_SOURCE 31		/* interrupt matrix source */
#define UART0_IRQ_MAP 0x500D607Cu	/* INTERRUPT_CORE0_UART0_INT_MAP_REG */
