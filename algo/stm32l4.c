/* stm32l4.c - the STM32L4/G4/G0 flash routine, and the WL's and WB's
 * (the same controller at 0x58004000): double words, two 32-bit writes
 * each, BSY (and the G0's CFGBSY, the WL/WB's PESD while CPU2 holds flash
 * operations) polled before the first and after each (RM0351 3.3.7 "Flash
 * main memory programming sequence", RM0444 3.3.8, RM0434 3.3.8;
 * doc/protocols.md sections 5.4 and 5.10).
 */
#include "family.h"

#define SR(c)	REG((c)->regs + 0x10)
#define CR(c)	REG((c)->regs + 0x14)
#define CR_PG		(1u << 0)
#define SR_BSY		(5u << 16)
#define SR_ERR		0xC3FAu

uint32_t algo_program(const struct algo_ctl *c, uint32_t addr, const uint32_t *src,
		      uint32_t len)
{
	volatile uint32_t *dst = (volatile uint32_t *)addr;
	uint32_t busy = c->busy ? c->busy : SR_BSY, sr = 0, n;

	while (SR(c) & busy)
		;
	SR(c) = SR_ERR;
	CR(c) = CR_PG;
	for (n = len / 8; n; n--) {
		*dst++ = *src++;
		*dst++ = *src++;
		while ((sr = SR(c)) & busy)
			;
		if (sr & SR_ERR)
			break;
	}
	CR(c) = 0;
	return sr & SR_ERR;
}
