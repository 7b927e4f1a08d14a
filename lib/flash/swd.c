/* swd.c - attaching to an SWD target through a CMSIS-DAP or ST-LINK probe. */
#include <string.h>

#include "clock.h"
#include "cortex_m.h"
#include "err.h"
#include "log.h"
#include "nrf52.h"
#include "swd.h"
#include "swd_target.h"

static int nrf_protection(struct mpf_swd *s, const struct mpf_swd_opts *o, struct mpf_buf *err)
{
	int rc = mpf_nrf52_locked(&s->a, err);

	if (rc <= 0)
		return rc;
	if (!o->unlock)
		return mpf_errf(err, MPF_ERR_PERM, "nRF52 access port protection (APPROTECT) is on: "
				"--unlock mass-erases the chip (all flash and UICR) to open it");
	mpf_info("nRF52 is protected: erasing all flash and UICR through the CTRL-AP (--unlock)");
	if ((rc = mpf_nrf52_recover(&s->a, err)) < 0)
		return rc;
	s->unlocked = 1;
	return MPF_OK;
}

/* A target whose firmware turned SWD off (or sleeps deeply) still answers
 * while nRESET is held: connect then, catch the core at the reset vector
 * (DEMCR.VC_CORERESET) and let go of the pin. */
static int connect_under_reset(struct mpf_swd *s, struct mpf_buf *err)
{
	int rc = mpf_adiv5_nreset(&s->a, 0, err);

	if (rc < 0)
		return rc;
	mpf_sleep_ms(20);
	if ((rc = mpf_adiv5_connect(&s->a, err)) < 0 || (rc = mpf_adiv5_mem_ap(&s->a, 0, err)) < 0)
		goto release;
	mpf_adiv5_q_write32(&s->a, CM_DHCSR, DHCSR_KEY | DHCSR_C_DEBUGEN | DHCSR_C_HALT);
	mpf_adiv5_q_write32(&s->a, CM_DEMCR, DEMCR_VC_CORERESET);
	rc = mpf_adiv5_run(&s->a, err);
release:
	if (mpf_adiv5_nreset(&s->a, 1, rc < 0 ? NULL : err) < 0 && rc >= 0)
		rc = MPF_ERR_IO;
	if (rc >= 0)
		mpf_sleep_ms(20);
	return rc;
}

/* The MEM-AP of the core: AP 0 on most parts; the STM32H5 keeps its debug
 * APB there and the core's AHB-AP at AP 1 (RM0481 "Debug support"), so
 * AP 1 is taken when CPUID does not read as an Arm core through AP 0. */
static int system_ap(struct mpf_swd *s, struct mpf_buf *err)
{
	uint32_t cpuid = 0;
	int rc;

	if ((rc = mpf_adiv5_mem_ap(&s->a, 0, err)) >= 0)
		rc = mpf_adiv5_read32(&s->a, CM_CPUID, &s->cpuid, err);
	if (rc >= 0 && s->cpuid >> 24 == 0x41)
		return rc;
	if (mpf_adiv5_mem_ap(&s->a, 1, NULL) < 0)
		return rc < 0 ? rc : mpf_adiv5_mem_ap(&s->a, 0, err);
	/* a MEM-AP at 1: what keeps us from the core there is the answer */
	if (err)
		mpf_buf_reset(err);
	if ((rc = mpf_adiv5_read32(&s->a, CM_CPUID, &cpuid, err)) < 0)
		return rc;
	if (cpuid >> 24 != 0x41)
		return mpf_adiv5_mem_ap(&s->a, 0, err);
	s->cpuid = cpuid;
	return MPF_OK;
}

/* An RP2350 that runs RISC-V firmware holds its Arm cores in reset
 * (DHCSR.S_RESET_ST stays set): they neither halt nor reset. A rescue
 * reset through its RP-AP brings core 0 up halted in the boot ROM, as an
 * Arm core (RP2350 datasheet 3.5.8, 3.9); the flash is then written
 * through it whatever architecture its images are for. */
static int reset_halt(struct mpf_swd *s, struct mpf_buf *err)
{
	uint32_t dhcsr = 0;
	int rc = mpf_cm_reset_halt(&s->a, err);

	if (rc != MPF_ERR_TIMEOUT || !s->a.aps ||
	    mpf_adiv5_read32(&s->a, CM_DHCSR, &dhcsr, NULL) < 0 || !(dhcsr & DHCSR_S_RESET_ST))
		return rc;
	mpf_info("the Arm cores are held in reset (RISC-V firmware runs?): rescue reset through "
		 "the RP2350's RP-AP");
	if (err)
		mpf_buf_reset(err);
	return mpf_rp2350_rescue(&s->a, err);
}

int mpf_swd_attach(struct mpf_swd *s, struct mpf_probe_link *l, const struct mpf_swd_opts *o,
		   struct mpf_buf *err)
{
	const struct mpf_flash_driver *drv = NULL;
	int rc;

	memset(s, 0, sizeof(*s));
	if (l->stlink)
		mpf_adiv5_init_stlink(&s->a, &l->st);
	else
		mpf_adiv5_init(&s->a, &l->dap);
	if (o->target && !(drv = mpf_flash_driver_find(o->target)))
		return mpf_errf(err, MPF_ERR_ARG, "unknown target family '%s'", o->target);
	if ((rc = mpf_adiv5_setup(&s->a, o->hz ? o->hz : MPF_SWD_DEFAULT_HZ, err)) < 0)
		return rc;
	if ((rc = mpf_adiv5_connect(&s->a, err)) == MPF_ERR_NODEV && !o->no_reset) {
		mpf_info("no answer on SWD: connecting under reset");
		if (err)
			mpf_buf_reset(err);
		rc = connect_under_reset(s, err);
		s->under_reset = rc >= 0;
	}
	if (rc < 0)
		return rc;
	if ((rc = nrf_protection(s, o, err)) < 0)
		return rc;
	if ((rc = system_ap(s, err)) < 0)
		return rc;
	if (o->halt && (rc = reset_halt(s, err)) < 0)
		return rc;
	return mpf_target_detect(&s->a, drv, &s->t, err);
}

int mpf_swd_detach(struct mpf_swd *s, int reset_run, struct mpf_buf *err)
{
	int rc = reset_run ? mpf_cm_reset_run(&s->a, err) : MPF_OK;

	mpf_adiv5_disconnect(&s->a);
	return rc;
}
