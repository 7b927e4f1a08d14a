/* stm32h7.c - the STM32H74x/75x/72x/73x flash routine: 256-bit flash
 * words, eight 32-bit writes each, QW and BSY polled after each (RM0433
 * 4.3.9 "Flash program operations"; doc/protocols.md section 5.3). Each
 * bank has its own registers, bank 2's 0x100 above bank 1's.
 */
#include "family.h"

#define CR	0x0C
#define SR	0x10
#define CCR	0x14
#define CR_PG		(1u << 1)
#define CR_PSIZE32	(2u << 4)
#define SR_BUSY		5u	/* QW | BSY */
#define SR_ERR		0x07EE0000u

uint32_t algo_program(const struct algo_ctl *c, uint32_t addr, const uint32_t *src,
		      uint32_t len)
{
	volatile uint32_t *dst = (volatile uint32_t *)addr;
	uint32_t bank = c->regs, sr = 0, n, k;

	if (c->bank_size && addr - c->flash_base >= c->bank_size)
		bank += 0x100;
	REG(bank + CCR) = SR_ERR;
	REG(bank + CR) = CR_PG | CR_PSIZE32;
	for (n = len / 32; n; n--) {
		for (k = 0; k < 8; k++)
			*dst++ = *src++;
		while ((sr = REG(bank + SR)) & SR_BUSY)
			;
		if (sr & SR_ERR)
			break;
	}
	REG(bank + CR) = 0;
	return sr & SR_ERR;
}
