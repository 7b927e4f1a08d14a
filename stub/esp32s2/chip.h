/* chip.h - ESP32-S2 facts for stub/common/plat.c. UART0: ESP32-S2
 * Technical Reference Manual, chapter "UART Controller (UART)";
 * the interrupt matrix: chapter
 * "Interrupt Matrix (INTERRUPT)"; memory and the two peripheral buses:
 * chapter "System and Memory". The mask ROM's functions: ESP-IDF
 * components/esp_rom/esp32s2/ld/esp32s2.rom.ld (the SPI* names, which
 * esp32s2.rom.spiflash_legacy.ld maps to esp_rom_spiflash_*). The ROM is
 * built for the windowed ABI (LX7), called through romcall.S.
 *
 * UART0 is reached through PeriBus2 (0x60000000), where the receive FIFO
 * may be read: a read through PeriBus1 (0x3F400000) may be issued
 * speculatively and lose a byte (ESP-IDF reads the FIFO there too).
 *
 * RAM (stub.ld): SRAM seen as IRAM from 0x40020000 and as DRAM from
 * 0x3FFB0000, the first 32 KiB at most taken by the caches; the ROM's
 * static buffers start at DRAM 0x3FFEAB00 (ESP-IDF bootloader.memory.ld):
 * the stub stays below. */
#define UART_BASE 0x60000000u
#define UART_CNT_BITS 10		/* RX count [9:0], TX count [25:16] */
#define UART_FRAG 1			/* CLKDIV: integer [19:0], sixteenths [23:20] */
#define UART_DIV_MASK 0xFFFFFu
#define ROM_WINDOWED 1

#define ROM_DELAY_US 0x4000d888		/* ets_delay_us */
#define ROM_ERASE_CHIP 0x400170ec	/* SPIEraseChip */
#define ROM_ERASE_BLOCK 0x4001710c	/* SPIEraseBlock(block) */
#define ROM_ERASE_SECTOR 0x4001716c	/* SPIEraseSector(sector) */
#define ROM_WRITE 0x400171cc		/* SPIWrite(addr, src, len) */
#define ROM_READ 0x4001728c		/* SPIRead(addr, dst, len) */
#define ROM_UNLOCK 0x40016e88		/* SPIUnlock */
#define ROM_ATTACH 0x40017004		/* esp_rom_spiflash_attach(pins, legacy) */
/* SPI_flashchip_data (g_rom_flashchip): device id, chip size, ... */
#define ROM_FLASHCHIP 0x3FFFFD3Cu
#define ROM_CONFIG_PARAM 0

/* SPI1, the controller the ROM drives the flash with, laid out as the
 * C3's (newer.h;
 * ESP-IDF components/soc/esp32s2/register/soc/spi_mem_reg.h). */
#define SPI_BASE 0x3F402000u
#include "../newer.h"

/* Not used by the polling stub; for one that receives by interrupt. */
#define UART_RXFULL_REG 0x24		/* CONF1: RXFIFO_FULL_THRHD [8:0] */
#define UART_TOUT_EN_REG 0x24		/* CONF1: RX_TOUT_EN bit 31 */
#define UART_TOUT_EN_BIT (1u << 31)
#define UART_TOUT_REG 0x5C		/* MEM_CONF: RX_TOUT_THRHD [25:16], in bit times */
#define UART_TOUT_SHIFT 16
#define UART0_IRQ_SOURCE 37		/* interrupt matrix source */
#define UART0_IRQ_MAP 0x3F4C2094u	/* PRO_UART_INTR_MAP_REG */
