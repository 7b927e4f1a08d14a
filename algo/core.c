/* core.c - the part of every flash routine that is not the controller:
 * the mailbox loop (algo.h) and CRC-32: the STM32 CRC unit where the host
 * names one, else in software (the reflected 0xEDB88320 polynomial of
 * IEEE 802.3, table driven, register not inverted at the end, as
 * lib/proto computes it on the host).
 */
#include "algo.h"
#include "family.h"

static void crc_table(uint32_t *t)
{
	uint32_t i, k, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
		t[i] = c;
	}
}

/* A word at a time (the host asks for whole programming units, aligned). */
__attribute__((noinline)) static uint32_t crc32(const uint32_t *t, const uint32_t *p, uint32_t n)
{
	uint32_t c = 0xFFFFFFFFu;

	for (n /= 4; n; n--) {
		c ^= *p++;
		c = t[c & 0xFF] ^ (c >> 8);
		c = t[c & 0xFF] ^ (c >> 8);
		c = t[c & 0xFF] ^ (c >> 8);
		c = t[c & 0xFF] ^ (c >> 8);
	}
	return c;
}

/* The STM32 CRC unit at its reset settings: polynomial 0x04C11DB7, all
 * ones to start, each word in as it is, most significant bit first, no
 * reversal (RM0090 4.3, RM0433 21.3): one store a word. */
__attribute__((noinline)) static uint32_t crc_unit(const struct algo_ctl *c, const uint32_t *p,
						   uint32_t n)
{
	REG(c->crc_enr) |= c->crc_bit;
	(void)REG(c->crc_enr);	/* the clock is on once the write is done */
	REG(c->crc_unit + 8) = 1;	/* CR.RESET */
	for (n /= 4; n; n--)
		REG(c->crc_unit) = *p++;
	return REG(c->crc_unit);
}

static void serve(struct algo_ctl *c, volatile struct algo_slot *s)
{
	uint32_t cmd = s->cmd;

	if (cmd == ALGO_PROGRAM) {
		s->status = algo_program(c, s->addr, (const uint32_t *)s->buf, s->len);
	} else if (cmd == ALGO_CRC) {
		s->result = c->crc_unit ? crc_unit(c, (const uint32_t *)s->addr, s->len)
			    : crc32((const uint32_t *)c->table, (const uint32_t *)s->addr, s->len);
		s->status = 0;
	} else {
		s->status = ALGO_BADCMD;
	}
	s->cmd = ALGO_IDLE;
}

/* The entry point: placed first in the image (algo.ld). */
__attribute__((section(".entry"), noreturn)) void algo_main(struct algo_ctl *c)
{
	volatile struct algo_slot *s;
	unsigned i = 0;

	crc_table((uint32_t *)c->table);
	for (;;) {
		s = &c->slot[i];
		while (s->cmd == ALGO_IDLE)
			;
		if (s->cmd == ALGO_EXIT)
			break;
		serve(c, s);
		i ^= 1;
	}
	for (;;)
		__asm__ volatile ("bkpt #0");
}
