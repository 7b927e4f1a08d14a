/* dapsim-usb.h - what the debug probe models (cmsisdap.c, stlink.c) share:
 * the Cortex-M target behind the probe, built from the device's options
 * (target=, protect=, swd_off=, time_scale=; flash and UICR kept in the
 * state directory), the clock and wire pacing at time_scale, and the
 * target's events traced after each command.
 */
#ifndef DAPSIM_USB_H
#define DAPSIM_USB_H

#include "usbsim.h"
#include "../dap/target.h"

struct dapsim_usb {
	struct dapsim_target *t;
	double scale;			/* time_scale */
	struct dapsim_counts seen;	/* target counters already traced */
	unsigned long probe_violations;	/* the probe model's, already traced */
};

/* Build u->t from dev's options; -1 with a message on stderr. */
int dapsim_usb_target(struct usbsim_dev *dev, struct dapsim_usb *u);
/* Microseconds now, scaled (ctx: the struct dapsim_usb). */
uint64_t dapsim_usb_clock(void *ctx);
/* Sleep the wire time, scaled. */
void dapsim_usb_pace(void *ctx, uint64_t wire_us);
/* Trace the target's new events and violations, and the probe model's
 * violations (its running count). */
void dapsim_usb_log(struct usbsim_dev *dev, struct dapsim_usb *u, unsigned long probe_violations);

#endif
