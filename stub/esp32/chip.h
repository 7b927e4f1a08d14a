/* chip.h - ESP32 facts for stub/common/plat.c: UART0 (ESP32 Technical
 * Reference Manual, chapter "UART Controllers": registers at 0x3FF40000,
 * the FIFO read through that address) and the mask ROM's SPI flash
 * functions (ESP-IDF components/esp_rom/esp32/ld/esp32.rom.spiflash.ld,
 * esp32.rom.ld), called through the windowed-ABI shim romcall.S. */
#define UART_BASE 0x3FF40000u
#define UART_CNT_BITS 8			/* RX count [7:0], TX count [23:16] */
#define UART_FRAG 1			/* CLKDIV: integer [19:0], sixteenths [23:20] */
#define UART_DIV_MASK 0xFFFFFu
#define ROM_WINDOWED 1

#define ROM_DELAY_US 0x40008534		/* ets_delay_us */
#define ROM_ERASE_CHIP 0x40062c14	/* esp_rom_spiflash_erase_chip */
#define ROM_ERASE_BLOCK 0x40062c4c	/* esp_rom_spiflash_erase_block(block) */
#define ROM_ERASE_SECTOR 0x40062ccc	/* esp_rom_spiflash_erase_sector(sector) */
#define ROM_WRITE 0x40062d50		/* esp_rom_spiflash_write(addr, src, len) */
#define ROM_READ 0x40062ed8		/* esp_rom_spiflash_read(addr, dst, len) */
#define ROM_UNLOCK 0			/* ESP-IDF never uses the ROM's own */
#define ROM_ATTACH 0x40062a6c		/* esp_rom_spiflash_attach(pins, legacy) */
/* g_rom_flashchip: device id, chip size, block, sector, page, status mask
 * (ESP-IDF esp_rom_spiflash.h, esp_rom_spiflash_chip_t); the ROM's
 * functions refuse addresses past chip size. */
#define ROM_FLASHCHIP 0x3FFAE270u
#define ROM_CONFIG_PARAM 0
