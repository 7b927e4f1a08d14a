/* chip.h - ESP32-C61 facts for stub/common/plat.c. UART0: ESP32-C61
 * Technical Reference Manual, chapter "UART Controller (UART)" (the C6
 * generation's layout, uart-c6.h); the interrupt matrix: chapter
 * "Interrupt Matrix (INTMTX)"; memory: chapter "System and Memory".
 *
 * The mask ROM's functions are where the C5's are: ESP-IDF
 * components/esp_rom/esp32c61/ld/esp32c61.rom.ld gives the same
 * addresses as esp32c5.rom.ld for ets_delay_us, esp_rom_spiflash_* and
 * spi_flash_attach (esp32c61.rom.eco4.ld, for revision 1.1 on, moves
 * none of them), and UART0 and SPI1 are at the same addresses, so the
 * C5's chip.h serves; only the interrupt source differs.
 *
 * RAM (stub.ld): HP SRAM at 0x40800000-0x4084FFFF, one address for code
 * and data; the ROM's download buffers start at 0x4083E670, its stack
 * and data run to the end (ESP-IDF bootloader.memory.ld, "ROM static
 * data usage"): the stub stays below. */
#include "../esp32c5/chip.h"

#undef UART0_IRQ_SOURCE
#undef UART0_IRQ_MAP
#define UART0_IRQ_SOURCE 40		/* interrupt matrix source */
#define UART0_IRQ_MAP 0x600100A0u	/* INTERRUPT_CORE0_UART0_INTR_MAP_REG */
