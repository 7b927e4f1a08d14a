/* flash_rp2.h - what the RP2040 and RP2350 drivers share: the boot ROM
 * functions they call, by two-letter code (doc/protocols.md 5.13, 5.16),
 * and the RP2350's own call and detection (flash_rp2350.c), whose erase,
 * program and XIP steps are the RP2040's (flash_rp2.c).
 */
#ifndef MPF_FLASH_RP2_H
#define MPF_FLASH_RP2_H

#include "swd_target.h"

/* The table codes, in the order of struct mpf_target.rom[]: the debug
 * trampoline (RP2040 only; rom[DT] 0 on a part without one), the flash
 * functions, and flash_reset_address_trans (RP2350 only; 0 without). */
enum { RP2_DT, RP2_DE, RP2_IF, RP2_EX, RP2_RE, RP2_RP, RP2_FC, RP2_CX, RP2_RA, RP2_NFN };
extern const char mpf_rp2_codes[RP2_NFN][3];

/* Queue a core register write (DCRDR, DCRSR, wait for S_REGRDY). */
void mpf_rp2_q_reg(struct mpf_adiv5 *a, unsigned reg, uint32_t v);
/* Resume the halted core (the queued register writes first) and wait
 * until it halts at bkpt, within ms; what names the call in errors. */
int mpf_rp2_run_to(struct mpf_adiv5 *a, uint32_t bkpt, unsigned ms, const char *what,
		   struct mpf_buf *err);
/* The flash size from the JEDEC ID bytes id[1..3] (capacity 2^id[3]). */
int mpf_rp2_jedec_size(struct mpf_target *t, const uint32_t *id, struct mpf_buf *err);
/* Call the ROM function at pc (named by code) on the halted RP2350 core
 * 0 with arg[0..n) in r0-r3, returning to a breakpoint of ours, within ms. */
int mpf_rp2350_call(struct mpf_adiv5 *a, uint32_t pc, const char *code, const uint32_t *arg,
		    unsigned n, unsigned ms, struct mpf_buf *err);
int mpf_rp2350_detect(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err);

#endif
