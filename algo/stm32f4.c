/* stm32f4.c - the STM32F2/F4/F7 flash routine: word by word with PSIZE
 * x32, BSY polled after each word (RM0090 3.6.3 "Programming", RM0385
 * 3.3.7; doc/protocols.md section 5.2).
 */
#include "family.h"

#define SR(c)	REG((c)->regs + 0x0C)
#define CR(c)	REG((c)->regs + 0x10)
#define CR_PG		(1u << 0)
#define CR_PSIZE32	(2u << 8)
#define SR_BSY		(1u << 16)
#define SR_ERR		0x1F2u	/* OPERR WRPERR PGAERR PGPERR PGSERR RDERR */

uint32_t algo_program(const struct algo_ctl *c, uint32_t addr, const uint32_t *src,
		      uint32_t len)
{
	volatile uint32_t *dst = (volatile uint32_t *)addr;
	uint32_t sr = 0, n;

	SR(c) = SR_ERR;
	CR(c) = CR_PG | CR_PSIZE32;
	for (n = len / 4; n; n--) {
		*dst++ = *src++;
		while ((sr = SR(c)) & SR_BSY)
			;
		if (sr & SR_ERR)
			break;
	}
	CR(c) = 0;
	return sr & SR_ERR;
}
