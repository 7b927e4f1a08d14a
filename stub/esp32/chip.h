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

/* SPI1, the controller the ROM drives the flash with (TRM chapter "SPI
 * Controller", register summary: SPI1 at 0x3FF42000, SPI_RD_STATUS_REG
 * 0x10, SPI_USER1_REG 0x20, SPI_W0_REG 0x80). */
#define SPI_BASE 0x3FF42000u
#define SPI_RD_STATUS 0x10
#define SPI_USER1_OFF 0x20
#define SPI_W0_OFF 0x80

#define ROM_DELAY_US 0x40008534		/* ets_delay_us */
#define ROM_READ 0x40062ed8		/* esp_rom_spiflash_read(addr, dst, len) */
#define ROM_UNLOCK 0			/* ESP-IDF never uses the ROM's own */
#define ROM_ATTACH 0x40062a6c		/* esp_rom_spiflash_attach(pins, legacy) */
/* g_rom_flashchip: device id, chip size, block, sector, page, status mask
 * (ESP-IDF esp_rom_spiflash.h, esp_rom_spiflash_chip_t); the ROM's
 * functions refuse addresses past chip size. */
#define ROM_FLASHCHIP 0x3FFAE270u
#define ROM_CONFIG_PARAM 0
