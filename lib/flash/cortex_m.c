/* cortex_m.c - halt, reset, run and core registers of a Cortex-M core.
 *
 * Facts: ARMv7-M Architecture Reference Manual C1.6, pyOCD cortex_m.py
 * (doc/protocols.md 4.5).
 */
#include "cortex_m.h"
#include "err.h"
#include "log.h"

static const struct { uint16_t partno; const char *name; } cores[] = {
	{ 0xC20, "Cortex-M0" }, { 0xC60, "Cortex-M0+" }, { 0xC21, "Cortex-M1" },
	{ 0xC23, "Cortex-M3" }, { 0xC24, "Cortex-M4" }, { 0xC27, "Cortex-M7" },
	{ 0xD20, "Cortex-M23" }, { 0xD21, "Cortex-M33" }, { 0xD22, "Cortex-M55" },
	{ 0xD23, "Cortex-M85" },
};

const char *mpf_cm_core_name(uint32_t cpuid)
{
	size_t i;

	if ((cpuid >> 24) != 0x41)	/* implementer: Arm */
		return "";
	for (i = 0; i < sizeof(cores) / sizeof(cores[0]); i++)
		if (cores[i].partno == ((cpuid >> 4) & 0xFFF))
			return cores[i].name;
	return "";
}

/* Wait until (DHCSR & mask) == want, within ms. */
static int wait_dhcsr(struct mpf_adiv5 *a, uint32_t mask, uint32_t want, unsigned ms,
		      const char *what, struct mpf_buf *err)
{
	uint32_t v = 0;
	int rc = mpf_adiv5_wait32(a, CM_DHCSR, mask, want, ms, &v, err);

	if (rc == MPF_ERR_TIMEOUT)
		return mpf_errf(err, rc, "core did not %s within %u ms (DHCSR 0x%08x)", what, ms, v);
	return rc;
}

static int reset_halt(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	uint32_t demcr = 0, v;
	int rc;

	if ((rc = mpf_adiv5_read32(a, CM_DEMCR, &demcr, err)) < 0)
		return rc;
	mpf_adiv5_q_write32(a, CM_DHCSR, DHCSR_KEY | DHCSR_C_DEBUGEN | DHCSR_C_HALT);
	mpf_adiv5_q_write32(a, CM_DEMCR, demcr | DEMCR_VC_CORERESET);
	mpf_adiv5_q_read32(a, CM_DHCSR, &v);	/* clears a stale S_RESET_ST */
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	/* The reset may cut the AHB transaction short: the write's own
	 * reply can be a FAULT or no ACK on some parts. */
	if (mpf_adiv5_write32(a, CM_AIRCR, AIRCR_SYSRESETREQ, NULL) < 0)
		mpf_adiv5_recover(a, NULL);
	rc = wait_dhcsr(a, DHCSR_S_RESET_ST, DHCSR_S_RESET_ST, 500, "leave reset", err);
	if (rc == MPF_ERR_TIMEOUT)	/* the bit may already have been read as set */
		rc = MPF_OK;
	if (rc < 0)
		return rc;
	if ((rc = wait_dhcsr(a, DHCSR_S_HALT, DHCSR_S_HALT, 500, "halt after reset", err)) < 0)
		return rc;
	return mpf_adiv5_write32(a, CM_DEMCR, demcr & ~DEMCR_VC_CORERESET, err);
}

/* DCRSR and DCRDR are for a halted core only (ARMv7-M C1.6.3): the halt
 * is asked for, then S_HALT waited for. */
int mpf_cm_halt(struct mpf_adiv5 *a, unsigned ms, struct mpf_buf *err)
{
	int rc = mpf_adiv5_write32(a, CM_DHCSR, DHCSR_KEY | DHCSR_C_DEBUGEN | DHCSR_C_HALT, err);

	return rc < 0 ? rc : wait_dhcsr(a, DHCSR_S_HALT, DHCSR_S_HALT, ms, "halt", err);
}

int mpf_cm_reset_halt(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	return reset_halt(a, err);
}

/* The reset request goes out while debug is still enabled (no vector
 * catch, so the core runs from the reset vector); then debug is let go of,
 * best effort: the application may turn SWD off at once, or the part may
 * drop the debug link in its reset, so losing the target after the reset
 * request is the expected outcome, not an error. */
int mpf_cm_reset_run(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	uint32_t demcr = 0;
	int rc;

	if ((rc = mpf_adiv5_read32(a, CM_DEMCR, &demcr, err)) < 0)
		return rc;
	if ((rc = mpf_adiv5_write32(a, CM_DEMCR, demcr & ~DEMCR_VC_CORERESET, err)) < 0)
		return rc;
	if (mpf_adiv5_write32(a, CM_AIRCR, AIRCR_SYSRESETREQ, NULL) < 0 ||
	    mpf_adiv5_write32(a, CM_DHCSR, DHCSR_KEY, NULL) < 0)
		mpf_debug("target gone after the reset request (its firmware runs)");
	return MPF_OK;
}


int mpf_cm_reg_read(struct mpf_adiv5 *a, unsigned reg, uint32_t *v, struct mpf_buf *err)
{
	int rc = mpf_adiv5_write32(a, CM_DCRSR, reg & 0x7F, err);

	if (rc < 0)
		return rc;
	if ((rc = wait_dhcsr(a, DHCSR_S_REGRDY, DHCSR_S_REGRDY, 100, "transfer a register", err)) < 0)
		return rc;
	return mpf_adiv5_read32(a, CM_DCRDR, v, err);
}
