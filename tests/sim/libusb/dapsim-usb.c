/* dapsim-usb.c - the probe models' shared target plumbing (dapsim-usb.h). */
#define _POSIX_C_SOURCE 200809L	/* nanosleep */
#include "dapsim-usb.h"

#include <stdio.h>
#include <time.h>

int dapsim_usb_target(struct usbsim_dev *dev, struct dapsim_usb *u)
{
	const char *model = usbsim_opt(dev, "target", "stm32f405");
	uint8_t *flash, *uicr;
	int fresh, fresh_u;

	if (!(u->t = dapsim_target_new(model))) {
		fprintf(stderr, "usbsim: %s: target=%s: want stm32f405, stm32l476, nrf52840, "
			"stm32h743, stm32g071, stm32l073, stm32l152, stm32f103, stm32f072, "
			"stm32f303, stm32h563, stm32u575, stm32wl55, stm32wb55, "
			"stm32f767, stm32f429zi, stm32f429zg, stm32l476re, nrf51822, nrf5340, "
			"stm32l552, rp2040 or rp2350\n", dev->name, model);
		return -1;
	}
	flash = usbsim_state_map(dev, "flash", dapsim_flash_size(u->t), dapsim_flash_erased(u->t),
				 &fresh);
	uicr = usbsim_state_map(dev, "uicr", 4096, 0xFF, &fresh_u);
	if (!flash || !uicr)
		return -1;
	dapsim_target_use_memory(u->t, flash, uicr);
	if (fresh_u && usbsim_opt_int(dev, "protect", 0) == 2)
		dapsim_target_protect_secure(u->t);
	else if (fresh_u && usbsim_opt_int(dev, "protect", 0))
		dapsim_target_protect(u->t);
	if (usbsim_opt_int(dev, "c2_pes", 0))
		dapsim_target_cpu2_pes(u->t, (uint64_t)usbsim_opt_int(dev, "c2_pes", 0) * 1000);
	if (usbsim_opt(dev, "options", NULL))
		dapsim_target_set_options(u->t, (uint32_t)usbsim_opt_int(dev, "options", 0));
	if (usbsim_opt_int(dev, "swap_bank", 0))
		dapsim_target_swap_banks(u->t);
	dapsim_target_cpu_corrupt(u->t, (uint32_t)usbsim_opt_int(dev, "cpu_corrupt", 0));
	dapsim_target_stuck(u->t, (uint32_t)usbsim_opt_int(dev, "stuck", 0));
	dapsim_target_left_busy(u->t, (uint64_t)usbsim_opt_int(dev, "flash_busy", 0) * 1000);
	if (usbsim_opt_int(dev, "swd_off", 0))
		dapsim_target_swd_off(u->t);
	if (usbsim_opt_int(dev, "riscv", 0))
		dapsim_target_riscv(u->t);
	dapsim_target_clock(u->t, (uint32_t)usbsim_opt_int(dev, "clk_khz", 0) * 1000u,
			    (uint32_t)usbsim_opt_int(dev, "tpp_us", 0));
	u->scale = usbsim_opt_double(dev, "time_scale", 1.0);
	return 0;
}

uint64_t dapsim_usb_clock(void *ctx)
{
	struct dapsim_usb *u = ctx;
	double us = (double)usbsim_now_ns() / 1000.0;

	return u->scale > 0 ? (uint64_t)(us / u->scale) : (uint64_t)us * 1000000u;
}

/* The SWD wire takes real time (scaled like the flash): sleep it. */
void dapsim_usb_pace(void *ctx, uint64_t wire_us)
{
	struct dapsim_usb *u = ctx;
	double ns = (double)wire_us * 1000.0 * u->scale;
	struct timespec ts;

	if (ns < 1000.0)
		return;
	ts.tv_sec = (time_t)(ns / 1e9);
	ts.tv_nsec = (long)(ns - (double)ts.tv_sec * 1e9);
	nanosleep(&ts, NULL);
}

/* What the target did during a command, as trace events: erases and
 * resets to count, and the violations its model reported on stderr. */
void dapsim_usb_log(struct usbsim_dev *dev, struct dapsim_usb *u, unsigned long probe_violations)
{
	const struct dapsim_counts *c = dapsim_counts(u->t);
	struct dapsim_counts *s = &u->seen;

	for (; s->erases < c->erases; s->erases++)
		usbsim_log(dev, "erase %lu", s->erases + 1);
	for (; s->mass_erases < c->mass_erases; s->mass_erases++)
		usbsim_log(dev, "mass erase");
	for (; s->resets < c->resets; s->resets++)
		usbsim_log(dev, "reset");
	for (; s->unlocks < c->unlocks; s->unlocks++)
		usbsim_log(dev, "flash unlocked");
	for (; s->relocks < c->relocks; s->relocks++)
		usbsim_log(dev, "flash locked");
	for (; s->violations < c->violations; s->violations++)
		usbsim_violation(dev, "target model (see the dapsim: line above)");
	if (probe_violations > u->probe_violations) {
		usbsim_violation(dev, "probe model (see the dapsim: line above)");
		u->probe_violations = probe_violations;
	}
}
