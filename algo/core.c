/* core.c - the part of every flash routine that is not the controller:
 * the mailbox loop (algo.h) and CRC-32 (the reflected 0xEDB88320
 * polynomial of IEEE 802.3, table driven, register not inverted at the
 * end, as lib/proto computes it on the host).
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

static void serve(struct algo_ctl *c, volatile struct algo_slot *s)
{
	uint32_t cmd = s->cmd;

	if (cmd == ALGO_PROGRAM) {
		s->status = algo_program(c, s->addr, (const uint32_t *)s->buf, s->len);
	} else if (cmd == ALGO_CRC) {
		s->result = crc32((const uint32_t *)c->table, (const uint32_t *)s->addr, s->len);
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
