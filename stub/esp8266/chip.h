/* chip.h - ESP8266 facts for stub/common/plat.c: UART0 (ESP8266
 * Technical Reference, "UART Registers": base 0x60000000, CLKDIV [19:0]
 * without a fraction, counts in STATUS [7:0] and [23:16]) and the mask
 * ROM's SPI flash functions (the SDKs' eagle.rom.addr.v6.ld). The ROM is
 * built for the call0 ABI like our code, so they are called directly. */
#define UART_BASE 0x60000000u
#define UART_CNT_BITS 8
#define UART_FRAG 0
#define UART_DIV_MASK 0xFFFFFu

#define ROM_DELAY_US 0x40002ecc		/* ets_delay_us */
#define ROM_ERASE_CHIP 0x40004984	/* SPIEraseChip */
#define ROM_ERASE_BLOCK 0x400049b4	/* SPIEraseBlock(block) */
#define ROM_ERASE_SECTOR 0x40004a00	/* SPIEraseSector(sector) */
#define ROM_WRITE 0x40004a4c		/* SPIWrite(addr, src, len) */
#define ROM_READ 0x40004b1c		/* SPIRead(addr, dst, len) */
#define ROM_UNLOCK 0x40004878		/* SPIUnlock */
#define ROM_ATTACH 0x40004644		/* spi_flash_attach(void) */
/* flashchip: device id, chip size, block, sector, page, status mask */
#define ROM_FLASHCHIP 0x3FFFC714u
#define ROM_CONFIG_PARAM 0
