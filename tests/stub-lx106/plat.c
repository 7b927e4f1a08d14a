/* plat.c - the stub's platform on QEMU's lx106 "sim" machine, for the
 * ESP8266 core test (tests/t3032): the UART is the host's stdin and
 * stdout through semihosting (QEMU target/xtensa/xtensa-semi.c: 1 exit,
 * 3 read, 4 write, 29 select_one), the flash a fake one of 1 MiB in RAM
 * whose every byte starts as (address * 7 + 3) & 0xFF, registers read
 * as address ^ 0x5A5A5A5A.
 *
 * Paced like the chip, on the guest's own clock (CCOUNT, 40 MHz on
 * QEMU's lx106, run with -icount so that it counts instructions): bytes
 * from stdin arrive one every 10 bit times at the UART's rate into a
 * 128-byte receive FIFO, which loses what comes while it is full (and
 * says so on stderr); the flash stays busy a datasheet time per erase
 * and program (those of the esp-rom simulator's --flash-timing: 45 ms a
 * sector, 150 ms a 64 KiB block, 0.7 ms per 256 bytes programmed).
 *
 * READ_REG of these addresses tells the test what happened: */
#include "core.h"

#define FLASH ((uint8_t *)0x60000000)
#define FLASH_LEN (1u << 20)
#define TICKS_US 40u		/* CCOUNT per microsecond */
#define FIFO 128u

enum {
	REG_BAD_OPS = 0xBAD,	/* flash calls out of range, unaligned, or while busy */
	REG_LOST = 0x1057,	/* bytes lost to a full receive FIFO */
	REG_BUSY_RX = 0xB5B5,	/* bytes taken from the FIFO while the flash was busy */
	REG_ACKS = 0xAC00,	/* FLASH_DEFL_DATA replies sent so far; then, from 0xAC04,
				 * the bytes programmed when each was sent */
	MAX_ACKS = 64,
};

int simcall(int nr, int a, int b, int c);

static uint32_t bad_ops, lost, busy_rx, programmed, acks, acked_at[MAX_ACKS];
static uint32_t baud = 115200;

static uint32_t ticks(void)
{
	uint32_t t;

	__asm__ volatile("rsr %0, ccount" : "=a"(t));
	return t;
}

static int after(uint32_t t, uint32_t than)
{
	return (int32_t)(t - than) >= 0;
}

/* ---- the flash's busy time ---- */

static uint32_t busy_until;
static int busy;

static void uart_update(void);

/* The UART's wire runs whether or not the stub reads it: it is brought
 * up to date whenever the fake gets control, as here, polled by the
 * core while the flash is busy. */
int plat_flash_busy(void)
{
	uart_update();
	if (busy && after(ticks(), busy_until))
		busy = 0;
	return busy;
}

/* Start an operation that takes us microseconds; a flash that is busy
 * ignores it. */
static int start(uint32_t us)
{
	if (plat_flash_busy()) {
		bad_ops++;
		return 0;
	}
	busy = 1;
	busy_until = ticks() + us * TICKS_US;
	return 1;
}

/* ---- the UART ---- */

static uint8_t fifo[FIFO];
static uint32_t f_head, f_n;
static uint32_t next_t, last_look;	/* when the byte on the wire is in; when we looked */
static int on_wire, eof;

static int stdin_ready(void)
{
	static const uint32_t zero[2] = { 0, 0 };

	return simcall(29, 0, 1, (int)(uintptr_t)zero) > 0;
}

/* Let in what the wire has delivered by now: the host's bytes, back to
 * back while it has more, each 10 bit times after the one before. */
static void uart_update(void)
{
	uint32_t now = ticks(), byte = 10u * 1000000u * TICKS_US / baud;

	for (;;) {
		uint8_t c;

		if (!on_wire) {
			if (eof || !after(now, last_look + byte))
				return;	/* a byte takes that long anyway: look less often */
			last_look = now;
			if (!stdin_ready())
				return;
			on_wire = 1;
			next_t = now + byte;
		}
		if (!after(now, next_t))
			return;
		if (simcall(3, 0, (int)(uintptr_t)&c, 1) != 1) {
			eof = 1;
			on_wire = 0;
			return;
		}
		if (f_n == FIFO) {
			if (!lost++)
				simcall(4, 2, (int)(uintptr_t)"fake UART: RX FIFO overflow\n", 28);
		} else {
			fifo[(f_head + f_n++) % FIFO] = c;
		}
		next_t += byte;
		last_look = next_t;
		on_wire = stdin_ready();
	}
}

int plat_rx(void)
{
	int c;

	uart_update();
	if (!f_n)
		return eof ? -2 : -1;
	c = fifo[f_head];
	f_head = (f_head + 1) % FIFO;
	f_n--;
	if (busy)
		busy_rx++;
	return c;
}

void plat_set_baud(uint32_t new_baud, uint32_t old_baud)
{
	baud = new_baud;
}

/* Note the bytes programmed when a FLASH_DEFL_DATA reply goes out. */
static void watch_replies(const uint8_t *p, uint32_t n)
{
	static uint32_t pos;	/* bytes into the reply frame */

	for (; n; p++, n--) {
		if (*p == 0xC0) {
			pos = 0;
			continue;
		}
		if (++pos == 2 && *p == OP_FLASH_DEFL_DATA && acks < MAX_ACKS)
			acked_at[acks++] = programmed;
	}
}

void plat_tx(const uint8_t *p, uint32_t n)
{
	watch_replies(p, n);
	if (n)
		simcall(4, 1, (int)(uintptr_t)p, (int)n);
}

void plat_tx_drain(void) {}
void plat_delay_us(uint32_t us) {}
void plat_leave(int run_user_code) {}
int plat_flash_attach(uint32_t pins) { return 0; }
int plat_flash_set_size(uint32_t bytes) { return 0; }
void plat_write_reg(uint32_t addr, uint32_t value) {}

uint32_t plat_read_reg(uint32_t addr)
{
	if (addr >= REG_ACKS + 4 && addr < REG_ACKS + 4 + 4 * MAX_ACKS)
		return acked_at[(addr - REG_ACKS - 4) / 4];
	switch (addr) {
	case REG_BAD_OPS: return bad_ops;
	case REG_LOST: return lost;
	case REG_BUSY_RX: return busy_rx;
	case REG_ACKS: return acks;
	}
	return addr ^ 0x5A5A5A5Au;
}

static int ok(uint32_t addr, uint32_t len, uint32_t align)
{
	if (addr % align || len % 4 || addr > FLASH_LEN || len > FLASH_LEN - addr) {
		bad_ops++;
		return 0;
	}
	return 1;
}

int plat_flash_erase_chip(void)
{
	if (start(2000000))
		memset(FLASH, 0xFF, FLASH_LEN);
	return 0;
}

int plat_flash_erase_sector(uint32_t addr)
{
	if (!ok(addr, 0x1000, 0x1000))
		return 1;
	if (start(45000))
		memset(FLASH + addr, 0xFF, 0x1000);
	return 0;
}

int plat_flash_erase_block(uint32_t addr)
{
	if (!ok(addr, 0x10000, 0x10000))
		return 1;
	if (start(150000))
		memset(FLASH + addr, 0xFF, 0x10000);
	return 0;
}

int plat_flash_program(uint32_t addr, const void *p, uint32_t len)
{
	const uint8_t *s = p;
	uint32_t i;

	if (!ok(addr, len, 4) || len > FLASH_PROGRAM_MAX ||
	    addr / FLASH_PAGE != (addr + len - 1) / FLASH_PAGE) {
		bad_ops++;
		return 1;
	}
	if (!start(len * 700 / 256))
		return 0;
	for (i = 0; i < len; i++)
		FLASH[addr + i] &= s[i];
	programmed += len;
	return 0;
}

int plat_flash_read(uint32_t addr, void *p, uint32_t len)
{
	if (plat_flash_busy())
		bad_ops++;
	if (!ok(addr, len, 4))
		return 1;
	memcpy(p, FLASH + addr, len);
	return 0;
}

void stub_main(void);
void stub_main(void)
{
	uint32_t i;

	for (i = 0; i < FLASH_LEN; i++)
		FLASH[i] = (uint8_t)(i * 7 + 3);
	stub_run();
	simcall(1, 0, 0, 0);
}
