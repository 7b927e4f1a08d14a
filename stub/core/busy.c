/* busy.c - receiving while the flash is busy. A sector erase takes tens
 * of milliseconds, a page program most of one; the UART's receive FIFO
 * holds 128 bytes, a millisecond and a half at 921600 baud. The host
 * sends the next data block as soon as the last one is acknowledged, so
 * the stub must take bytes while the flash works: every erase and
 * program is only started by the platform (stub.h), and while the chip
 * says it is busy the UART is drained into a ring here, which the SLIP
 * decoder reads before the UART (doc/protocols.md section 1.14).
 *
 * Why not the ROM's flash functions and a receive interrupt: the ROM's
 * functions wait for the flash themselves, so bytes could then only be
 * taken by an interrupt handler, which needs per-chip vector code (an
 * Xtensa level-1 vector in windowed code on the ESP32, mtvec and the
 * interrupt matrix on RISC-V) that no test here could run on the
 * ESP8266. Polling the status register is a handful of SPI controller
 * registers per chip, and the same core code runs, with the waiting and
 * the draining in it, on every chip and in the tests. */
#include "core.h"
#include "cmds.h"

/* The next block while this one programs: a data request's largest
 * frame, with room for its escapes (deflated data has about 2 bytes in
 * 256 to escape). Kept small for the ESP8266's data RAM. */
#define RING (HDR + DATA_HDR + MAX_BLOCK + 0x400)

static uint8_t ring[RING];
static uint32_t head, tail, queued;

/* Move what the UART has received into the ring (a full ring leaves it
 * in the UART: a host sends only one block ahead, which fits). */
static void rx_pump(void)
{
	int c;

	while (queued < RING && (c = plat_rx()) >= 0) {
		ring[head] = (uint8_t)c;
		head = head + 1 == RING ? 0 : head + 1;
		queued++;
	}
}

/* The next received byte, -1 when none has come, -2 at the end of the
 * input (host fake). */
int rx_byte(void)
{
	uint8_t c;

	if (!queued)
		return plat_rx();
	c = ring[tail];
	tail = tail + 1 == RING ? 0 : tail + 1;
	queued--;
	return c;
}

/* Wait for the erase or program in progress, receiving meanwhile. */
static void flash_wait(void)
{
	while (plat_flash_busy())
		rx_pump();
}

/* Erase the sector (or the 64 KiB block) at addr: 0 or E_FAILED_SPI_OP. */
int flash_erase(uint32_t addr, uint32_t size)
{
	int e;

	flash_wait();
	if (size == BLOCK64)
		e = plat_flash_erase_block(addr);
	else if (size)
		e = plat_flash_erase_sector(addr);
	else
		e = plat_flash_erase_chip();
	flash_wait();
	return e ? E_FAILED_SPI_OP : 0;
}

/* Program n bytes at addr (words), a page piece at a time: no program
 * may cross a 256-byte page, and the controller takes FLASH_PROGRAM_MAX
 * bytes at most. */
int flash_write(uint32_t addr, const uint8_t *p, uint32_t n)
{
	while (n) {
		uint32_t k = min32(min32(n, FLASH_PROGRAM_MAX), FLASH_PAGE - addr % FLASH_PAGE);

		flash_wait();
		if (plat_flash_program(addr, p, k))
			return E_FAILED_SPI_OP;
		addr += k;
		p += k;
		n -= k;
	}
	flash_wait();
	return 0;
}

int flash_read(uint32_t addr, void *p, uint32_t n)
{
	flash_wait();
	return plat_flash_read(addr, p, n) ? E_FAILED_SPI_OP : 0;
}
