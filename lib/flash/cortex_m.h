/* cortex_m.h - Cortex-M debug through a MEM-AP: halt, reset-and-halt,
 * core registers, run (doc/protocols.md 4.5). Hardware reset (nRESET through
 * DAP_SWJ_Pins) is in swd.c: connecting under reset.
 */
#ifndef MPF_CORTEX_M_H
#define MPF_CORTEX_M_H

#include <stdint.h>

#include "adiv5.h"

#define CM_CPUID	0xE000ED00u
#define CM_AIRCR	0xE000ED0Cu
#define CM_DHCSR	0xE000EDF0u
#define CM_DCRSR	0xE000EDF4u
#define CM_DCRDR	0xE000EDF8u
#define CM_DEMCR	0xE000EDFCu

#define DHCSR_KEY	0xA05F0000u
#define DHCSR_C_DEBUGEN	(1u << 0)
#define DHCSR_C_HALT	(1u << 1)
#define DHCSR_C_MASKINTS (1u << 3)
#define DHCSR_S_REGRDY	(1u << 16)
#define DHCSR_S_HALT	(1u << 17)
#define DHCSR_S_LOCKUP	(1u << 19)
#define DHCSR_S_RESET_ST (1u << 25)
#define DEMCR_VC_CORERESET (1u << 0)
#define AIRCR_SYSRESETREQ 0x05FA0004u

/* "Cortex-M4" from CPUID, "" when unknown */
const char *mpf_cm_core_name(uint32_t cpuid);

/* System reset with the core caught at the reset vector (VC_CORERESET). */
int mpf_cm_reset_halt(struct mpf_adiv5 *a, struct mpf_buf *err);
/* Halt the core where it is, S_HALT within ms. */
int mpf_cm_halt(struct mpf_adiv5 *a, unsigned ms, struct mpf_buf *err);
/* System reset and run; the target may be unreachable afterwards (its
 * firmware runs), which is not an error. */
int mpf_cm_reset_run(struct mpf_adiv5 *a, struct mpf_buf *err);
int mpf_cm_reg_read(struct mpf_adiv5 *a, unsigned reg, uint32_t *v, struct mpf_buf *err);

#endif
