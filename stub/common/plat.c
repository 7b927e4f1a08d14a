/* plat.c - the stub's platform on a chip (stub.h): UART0 by its
 * registers; SPI flash attached and read through the mask ROM's
 * functions, erased and programmed by the SPI controller's registers
 * (the ROM's functions wait for the flash, and the core must receive
 * meanwhile: core/busy.c says why this way). The chip's
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

/* The count is read once for all the bytes it says are there: a
 * register read less per byte. */
int plat_rx(void)
{
	static uint32_t avail;

	if (!avail && !(avail = REG(UART_STATUS) & UART_CNT))
		return -1;
	avail--;
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

/* Erase and program by the SPI flash controller's own command bits
 * (the chip's TRM, SPI chapter, "SPI_CMD_REG"; the same bits on every
 * controller here): the controller clears the bit when it has sent the
 * command, the flash then works on its own, and RDSR's WIP bit (status
 * bit 0) says when it is done. Each erase and program needs WREN first
 * (doc/protocols.md section 1.14). */
#define SPI_CMD (SPI_BASE + 0x00)
#define SPI_ADDR (SPI_BASE + 0x04)	/* for PP: address [23:0], length [31:24] */
#define SPI_USER1 (SPI_BASE + SPI_USER1_OFF)	/* address length - 1 in [31:26] */
#define SPI_STATUS (SPI_BASE + SPI_RD_STATUS)
#define SPI_W0 (SPI_BASE + SPI_W0_OFF)
enum {
	CMD_WREN = 1u << 30, CMD_RDSR = 1u << 27, CMD_PP = 1u << 25,
	CMD_SE = 1u << 24, CMD_BE = 1u << 23, CMD_CE = 1u << 22,
};

static void spi_cmd(uint32_t cmd)
{
	REG(SPI_CMD) = cmd;
	while (REG(SPI_CMD))
		;
}

/* WREN, then the command with a 24-bit address (the C3's ROM leaves a
 * 32-bit one set up for its own reads: given back after). */
static int spi_start(uint32_t cmd, uint32_t addr)
{
	uint32_t user1 = REG(SPI_USER1);

	REG(SPI_USER1) = (user1 & 0x03FFFFFFu) | 23u << 26;
	spi_cmd(CMD_WREN);
	REG(SPI_ADDR) = addr;
	spi_cmd(cmd);
	REG(SPI_USER1) = user1;
	return 0;
}

int plat_flash_busy(void)
{
	spi_cmd(CMD_RDSR);
	return REG(SPI_STATUS) & 1;
}

int plat_flash_erase_chip(void)
{
	return spi_start(CMD_CE, 0);
}

int plat_flash_erase_sector(uint32_t addr)
{
	return spi_start(CMD_SE, addr);
}

int plat_flash_erase_block(uint32_t addr)
{
	return spi_start(CMD_BE, addr);
}

int plat_flash_program(uint32_t addr, const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint32_t i;

	for (i = 0; i < len; i += 4)
		REG(SPI_W0 + i) = (uint32_t)b[i] | (uint32_t)b[i + 1] << 8 |
				  (uint32_t)b[i + 2] << 16 | (uint32_t)b[i + 3] << 24;
	return spi_start(CMD_PP, addr | len << 24);
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
