/* stm32l4.c - the STM32L4/G4/G0 flash routine: double words, two 32-bit
 * writes each, BSY (and the G0's CFGBSY) polled after each (RM0351 3.3.7
 * "Flash main memory programming sequence", RM0444 3.3.8;
 * doc/protocols.md section 5.4).
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
	uint32_t sr = 0, n;

	SR(c) = SR_ERR;
	CR(c) = CR_PG;
	for (n = len / 8; n; n--) {
		*dst++ = *src++;
		*dst++ = *src++;
		while ((sr = SR(c)) & SR_BSY)
			;
		if (sr & SR_ERR)
			break;
	}
	CR(c) = 0;
	return sr & SR_ERR;
}
