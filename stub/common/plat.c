/* plat.c - the stub's platform on a chip (stub.h): UART0 by its
 * registers, SPI flash through the mask ROM's functions. The chip's
 * facts (register layout, ROM addresses, with their sources) are in its
 * stub/CHIP/chip.h. */
#include "stub.h"
#include "chip.h"

#define REG(a) (*(volatile uint32_t *)(a))

#define UART_FIFO (UART_BASE + 0x00)
#define UART_INT_ENA (UART_BASE + 0x0C)
#define UART_INT_CLR (UART_BASE + 0x10)
#define UART_CLKDIV (UART_BASE + 0x14)
#define UART_STATUS (UART_BASE + 0x1C)	/* RX count from bit 0, TX count from bit 16 */
#define UART_CNT ((1u << UART_CNT_BITS) - 1)
#define UART_FIFO_LEN 128

/* Every ROM function takes at most five words and returns one. */
typedef uint32_t (*rom_fn)(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
#ifdef ROM_WINDOWED
uint32_t rom_call(uint32_t fn, uint32_t a, uint32_t b, uint32_t c, uint32_t d);
#define ROM(fn, a, b, c, d) rom_call(fn, a, b, c, d)
#else
#define ROM(fn, a, b, c, d) ((rom_fn)(fn))(a, b, c, d, 0)
#endif

const int plat_rx_buffered = 0;

int plat_rx(void)
{
	if (!(REG(UART_STATUS) & UART_CNT))
		return -1;
	return (int)(REG(UART_FIFO) & 0xFF);
}

void plat_tx(const uint8_t *p, uint32_t n)
{
	while (n) {
		if (((REG(UART_STATUS) >> 16) & UART_CNT) >= UART_FIFO_LEN)
			continue;
		REG(UART_FIFO) = *p++;
		n--;
	}
}

void plat_tx_drain(void)
{
	while ((REG(UART_STATUS) >> 16) & UART_CNT)
		;
	plat_delay_us(200);	/* the last character in the shift register */
}

/* The divider is clock/baud (in sixteenths where the UART has a
 * fraction): scale the one in use by old/new, which needs no knowledge
 * of the UART's clock. divider * baud is the clock (times 16), under
 * 2^32 for every UART clock up to 160 MHz. */
void plat_set_baud(uint32_t new_baud, uint32_t old_baud)
{
	uint32_t v = REG(UART_CLKDIV), d;

	if (UART_FRAG) {
		d = ((v & UART_DIV_MASK) << 4 | ((v >> 20) & 0xF)) * old_baud / new_baud;
		REG(UART_CLKDIV) = (v & ~(UART_DIV_MASK | 0xF00000u)) | d >> 4 | (d & 0xF) << 20;
	} else {
		d = (v & UART_DIV_MASK) * old_baud / new_baud;
		REG(UART_CLKDIV) = (v & ~UART_DIV_MASK) | d;
	}
#ifdef UART_REG_UPDATE
	/* the newer UARTs take it into their own clock domain when told to */
	REG(UART_BASE + UART_REG_UPDATE) = 1;
	while (REG(UART_BASE + UART_REG_UPDATE) & 1)
		;
#endif
}

uint32_t plat_read_reg(uint32_t addr)
{
	return REG(addr);
}

void plat_write_reg(uint32_t addr, uint32_t value)
{
	REG(addr) = value;
}

void plat_delay_us(uint32_t us)
{
	ROM(ROM_DELAY_US, us, 0, 0, 0);
}

int plat_flash_attach(uint32_t pins)
{
	ROM(ROM_ATTACH, pins, 0, 0, 0);
	return ROM_UNLOCK ? (int)ROM(ROM_UNLOCK, 0, 0, 0, 0) : 0;
}

int plat_flash_set_size(uint32_t bytes)
{
	if (ROM_FLASHCHIP) {
		REG(ROM_FLASHCHIP + 4) = bytes;
		return 0;
	}
	return (int)((uint32_t(*)(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t))
		     ROM_CONFIG_PARAM)(0, bytes, 0x10000, 0x1000, 0x100, 0xFFFF);
}

int plat_flash_erase_chip(void)
{
	return (int)ROM(ROM_ERASE_CHIP, 0, 0, 0, 0);
}

int plat_flash_erase_sector(uint32_t addr)
{
	return (int)ROM(ROM_ERASE_SECTOR, addr / 0x1000, 0, 0, 0);
}

int plat_flash_erase_block(uint32_t addr)
{
	return (int)ROM(ROM_ERASE_BLOCK, addr / 0x10000, 0, 0, 0);
}

int plat_flash_write(uint32_t addr, const void *p, uint32_t len)
{
	return (int)ROM(ROM_WRITE, addr, (uint32_t)(uintptr_t)p, len, 0);
}

int plat_flash_read(uint32_t addr, void *p, uint32_t len)
{
	return (int)ROM(ROM_READ, addr, (uint32_t)(uintptr_t)p, len, 0);
}

void plat_leave(int run_user_code)
{
	(void)run_user_code;	/* stays in the loader: the host resets the chip */
}

void stub_main(void);
void stub_main(void)
{
	REG(UART_INT_ENA) = 0;	/* the ROM's handler must not take our bytes */
	REG(UART_INT_CLR) = 0xFFFFFFFFu;
	stub_run();
}
