/* crc.c - the verify-only routine: core.c's mailbox loop and CRC-32 with
 * no flash controller of its own, for the parts the host programs (no
 * routine for their controller, too little RAM for the buffers, or a
 * bank layout the routines do not know). mpf-swd runs it after the host
 * programmed, so a write is checked by a CRC on the target instead of
 * every byte read back over the wire. Being ARMv6-M code linked at
 * 0x20000000, it runs on every Cortex-M whose SRAM starts there.
 */
#include "family.h"

/* It programs nothing: a PROGRAM command is an unknown one here. */
uint32_t algo_program(const struct algo_ctl *c, uint32_t addr, const uint32_t *src,
		      uint32_t len)
{
	(void)c;
	(void)addr;
	(void)src;
	(void)len;
	return ALGO_BADCMD;
}
