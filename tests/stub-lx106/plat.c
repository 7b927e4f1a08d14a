/* plat.c - the stub's platform on QEMU's lx106 "sim" machine, for the
 * ESP8266 core test (tests/t3032): the UART is the host's stdin and
 * stdout through semihosting (QEMU target/xtensa/xtensa-semi.c: 1 exit,
 * 3 read, 4 write, 29 select_one), the flash a fake one of 1 MiB in RAM whose
 * every byte starts as (address * 7 + 3) & 0xFF, registers read as
 * address ^ 0x5A5A5A5A. Bad flash calls (unaligned, out of range) are
 * counted and told by READ_REG 0xBAD. */
#include "core.h"

#define FLASH ((uint8_t *)0x60000000)
#define FLASH_LEN (1u << 20)

int simcall(int nr, int a, int b, int c);

static uint32_t bad_ops;

const int plat_rx_buffered = 0;

/* select_one (29) on stdin with a zero timeout first: the stub polls,
 * and a read would wait. */
int plat_rx(void)
{
	static const uint32_t zero[2] = { 0, 0 };
	uint8_t c;

	if (simcall(29, 0, 1, (int)(uintptr_t)zero) <= 0)
		return -1;
	return simcall(3, 0, (int)(uintptr_t)&c, 1) == 1 ? c : -2;
}

void plat_tx(const uint8_t *p, uint32_t n)
{
	if (n)
		simcall(4, 1, (int)(uintptr_t)p, (int)n);
}

void plat_tx_drain(void) {}
void plat_set_baud(uint32_t new_baud, uint32_t old_baud) {}
void plat_delay_us(uint32_t us) {}
void plat_leave(int run_user_code) {}
int plat_flash_attach(uint32_t pins) { return 0; }
int plat_flash_set_size(uint32_t bytes) { return 0; }
void plat_write_reg(uint32_t addr, uint32_t value) {}

uint32_t plat_read_reg(uint32_t addr)
{
	return addr == 0xBAD ? bad_ops : addr ^ 0x5A5A5A5Au;
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
	memset(FLASH, 0xFF, FLASH_LEN);
	return 0;
}

int plat_flash_erase_sector(uint32_t addr)
{
	if (!ok(addr, 0x1000, 0x1000))
		return 1;
	memset(FLASH + addr, 0xFF, 0x1000);
	return 0;
}

int plat_flash_erase_block(uint32_t addr)
{
	if (!ok(addr, 0x10000, 0x10000))
		return 1;
	memset(FLASH + addr, 0xFF, 0x10000);
	return 0;
}

int plat_flash_write(uint32_t addr, const void *p, uint32_t len)
{
	const uint8_t *s = p;
	uint32_t i;

	if (!ok(addr, len, 4))
		return 1;
	for (i = 0; i < len; i++)
		FLASH[addr + i] &= s[i];
	return 0;
}

int plat_flash_read(uint32_t addr, void *p, uint32_t len)
{
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
