/* chip.h - ESP8266 facts for stub/common/plat.c: UART0 (ESP8266
 * Technical Reference, "UART Registers": base 0x60000000, CLKDIV [19:0]
 * without a fraction, counts in STATUS [7:0] and [23:16]) and the mask
 * ROM's SPI flash functions (the SDKs' eagle.rom.addr.v6.ld). The ROM is
 * built for the call0 ABI like our code, so they are called directly. */
#define UART_BASE 0x60000000u
#define UART_CNT_BITS 8
#define UART_FRAG 0
#define UART_DIV_MASK 0xFFFFFu

/* SPI0, the flash controller (ESP8266 Technical Reference, "SPI
 * Registers": base 0x60000200, SPI_RD_STATUS 0x10,
 * SPI_USER1 0x20, SPI_W0 0x40). */
#define SPI_BASE 0x60000200u
#define SPI_RD_STATUS 0x10
#define SPI_USER1_OFF 0x20
#define SPI_W0_OFF 0x40

#define ROM_DELAY_US 0x40002ecc		/* ets_delay_us */
#define ROM_READ 0x40004b1c		/* SPIRead(addr, dst, len) */
#define ROM_UNLOCK 0x40004878		/* SPIUnlock */
#define ROM_ATTACH 0x40004644		/* spi_flash_attach(void) */
/* flashchip: device id, chip size, block, sector, page, status mask */
#define ROM_FLASHCHIP 0x3FFFC714u
#define ROM_CONFIG_PARAM 0
