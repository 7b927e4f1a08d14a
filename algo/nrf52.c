/* nrf52.c - the nRF52 NVMC routine: CONFIG.WEN, then word by word with
 * READY polled after each, CONFIG back to read-only (nRF52840 Product
 * Specification 4.3 "NVMC", "Writing to flash";
 * doc/protocols.md section 5.5). The NVMC reports no errors: the CRC
 * afterwards is the check.
 */
#include "family.h"

#define READY(c)	REG((c)->regs + 0x400)
#define CONFIG(c)	REG((c)->regs + 0x504)
#define CONFIG_REN	0
#define CONFIG_WEN	1

uint32_t algo_program(const struct algo_ctl *c, uint32_t addr, const uint32_t *src,
		      uint32_t len)
{
	volatile uint32_t *dst = (volatile uint32_t *)addr;
	uint32_t n;

	while (!(READY(c) & 1))
		;
	CONFIG(c) = CONFIG_WEN;
	for (n = len / 4; n; n--) {
		*dst++ = *src++;
		while (!(READY(c) & 1))
			;
	}
	CONFIG(c) = CONFIG_REN;
	return 0;
}
