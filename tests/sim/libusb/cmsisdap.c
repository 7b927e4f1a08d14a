/* cmsisdap.c - CMSIS-DAP debug probes with a Cortex-M target behind them,
 * as libusb simulator device models. The probe firmware and the target
 * are the models of tests/sim/dap (probe.c, target.c, thumb.c); this file
 * puts them on USB the two ways real probes do (doc/protocols.md 4.1):
 *
 *   cmsisdap    CMSIS-DAP v2: vendor interface 0xFF/0/0 named "CMSIS-DAP v2",
 *               bulk OUT 0x01 then bulk IN 0x81 (512-byte high-speed packets);
 *               a reply is a short packet; the OUT endpoint NAKs while
 *               packet_count replies wait unread (the probe's buffers).
 *   cmsisdap1   CMSIS-DAP v1: HID interface (no report id, 64-byte reports)
 *               with interrupt IN 0x81 and OUT 0x01; a report of another
 *               size is a protocol violation.
 *
 * Device ids are Arm DAPLink's (0d28:0204), product "DAPSim CMSIS-DAP".
 *
 * Options (MPF_USBSIM="cmsisdap:KEY=VAL:..."):
 *   serial=S          iSerialNumber (default DAPSIM0001 / DAPSIM1001)
 *   target=M          stm32f405 (default), stm32l476, nrf52840, stm32h743, rp2040,
 *                     rp2350, ...
 *   packet_size=N     DAP packet size reported (v2: 64..1024, default 512)
 *   packet_count=N    DAP packet count (default 4)
 *   time_scale=F      multiply flash busy times (default 1; 0.01 = 100x faster)
 *   protect=1         nRF52: APPROTECT set in UICR when the state is created;
 *                     STM32H5, U5: TrustZone on; RP2350: debug disabled in OTP
 *                     (protect=2: Secure debug only)
 *   riscv=1           RP2350: the cores run RISC-V firmware, the Arm cores are
 *                     held in reset until a rescue reset
 *   swap_bank=1       STM32H5, U5, H7: the option bytes swap the flash banks
 *   options=V         STM32: the option register the flash driver reads is V
 *   c2_pes=MS         STM32WB: CPU2 holds flash operations (PESD) for MS ms
 *   flash_busy=MS     an erase a session before left running: the flash
 *                     controller is busy for MS ms from the first access
 *   unplug_after=N    the probe drops off the bus after its Nth command
 *   execute=0         firmware without DAP_ExecuteCommands (replies 0xFF)
 *   cpu_corrupt=ADDR  a wrong flash routine: the flash byte at ADDR, when the
 *                     core programs it (not the debugger), gets bit 0 flipped
 *   stuck=ADDR        a worn flash cell: bit 0 of the byte at ADDR reads 0, to
 *                     the core and the debugger, whatever was programmed
 *   clk_khz=N         RP2040, RP2350: clk_sys at N kHz (default: the ring
 *                     oscillator's typical frequency; 125000: the PLL
 *                     the firmware set, if a reset left it running)
 *   tpp_us=N          RP2040, RP2350: the flash chip programs a page in N us
 *                     (default 400, the W25Q16JV's typical; 3000 its most)
 *   swd_off=1         the application turns the SWD pins into GPIOs: the
 *                     target answers only under reset (connect under reset)
 * Flash (and UICR) persist in $MPF_USBSIM_STATE as MODEL-SERIAL.flash/.uicr.
 */
#include "usbsim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../dap/probe.h"
#include "dapsim-usb.h"

#define QMAX 64

struct dap {
	struct dapsim_usb u;		/* the target, time_scale, traced events */
	struct dapsim_probe p;
	int v1;
	long long unplug_after;
	uint8_t q[QMAX][1024];
	size_t qlen[QMAX];
	unsigned head, count;
	char serial[64];
	uint8_t config[64];
	uint8_t dev_desc[18];
	const char *strings[5];
	int warned_full;
	/* The wire takes real time without holding up other probes: a reply
	 * is ready when the probe is done on the wire (ready[slot]); a
	 * command starts when the one before it ended (cmd_start_ns). */
	uint64_t ready[QMAX], last_ready, cmd_start_ns, wire_ns;
	int in_cmd;
};

static const char *const keys[] = {
	"serial", "target", "packet_size", "packet_count", "time_scale", "protect",
	"unplug_after", "swd_off", "execute", "swap_bank", "c2_pes", "cpu_corrupt",
	"options", "stuck", "riscv", "clk_khz", "tpp_us", "flash_busy", NULL,
};

/* A vendor-defined HID report: 64 bytes in, 64 bytes out, no report id. */
static const uint8_t hid_report[] = {
	0x06, 0x00, 0xFF, 0x09, 0x01, 0xA1, 0x01, 0x15, 0x00, 0x26, 0xFF, 0x00, 0x75, 0x08,
	0x95, 0x40, 0x09, 0x01, 0x81, 0x02, 0x95, 0x40, 0x09, 0x01, 0x91, 0x02, 0xC0,
};

static uint64_t clock_us(void *ctx)
{
	struct dap *d = ctx;
	double us = (double)(d->in_cmd ? d->cmd_start_ns : usbsim_now_ns()) / 1000.0;

	return d->u.scale > 0 ? (uint64_t)(us / d->u.scale) : (uint64_t)us * 1000000u;
}

/* The SWD wire takes real time (scaled like the flash): the command's
 * reply is ready that much later (its IN transfer waits, see reply). */
static void pace(void *ctx, uint64_t wire_us)
{
	struct dap *d = ctx;

	d->wire_ns = (uint64_t)((double)wire_us * 1000.0 * d->u.scale);
}

static void put16(uint8_t *b, unsigned v) { b[0] = v & 0xFF; b[1] = (v >> 8) & 0xFF; }

static void descriptors(struct dap *d, unsigned mps)
{
	static const uint8_t dev[18] = {
		18, 1, 0x10, 0x02, 0, 0, 0, 64, 0x28, 0x0D, 0x04, 0x02, 0x00, 0x01, 1, 2, 3, 1,
	};
	uint8_t *c = d->config;
	size_t n = 9;

	memcpy(d->dev_desc, dev, sizeof(dev));
	c[0] = 9; c[1] = 2; c[4] = 1; c[5] = 1; c[6] = 0; c[7] = 0x80; c[8] = 50;
	/* interface 0: two endpoints, string 4 names it */
	c[n + 0] = 9; c[n + 1] = 4; c[n + 2] = 0; c[n + 3] = 0; c[n + 4] = 2;
	c[n + 5] = d->v1 ? 3 : 0xFF; c[n + 6] = 0; c[n + 7] = 0; c[n + 8] = 4;
	n += 9;
	if (d->v1) {	/* HID class descriptor */
		uint8_t h[9] = { 9, 0x21, 0x11, 0x01, 0, 1, 0x22, 0, 0 };

		put16(h + 7, sizeof(hid_report));
		memcpy(c + n, h, 9);
		n += 9;
	}
	/* OUT 0x01 then IN 0x81 (the order CMSIS-DAP v2 requires) */
	c[n] = 7; c[n + 1] = 5; c[n + 2] = 0x01; c[n + 3] = d->v1 ? 3 : 2;
	put16(c + n + 4, mps); c[n + 6] = d->v1 ? 1 : 0;
	n += 7;
	c[n] = 7; c[n + 1] = 5; c[n + 2] = 0x81; c[n + 3] = d->v1 ? 3 : 2;
	put16(c + n + 4, mps); c[n + 6] = d->v1 ? 1 : 0;
	n += 7;
	put16(c + 2, (unsigned)n);
}

static int create_common(struct usbsim_dev *dev, int v1)
{
	struct dap *d = calloc(1, sizeof(*d));
	long long psize = usbsim_opt_int(dev, "packet_size", v1 ? 64 : 512);
	long long pcount = usbsim_opt_int(dev, "packet_count", 4);

	if (!d)
		return -1;
	d->v1 = v1;
	dev->priv = d;
	if (dapsim_usb_target(dev, &d->u) < 0)
		return -1;
	if (psize < 64 || psize > 1024 || (v1 && psize != 64) || pcount < 1 || pcount > QMAX) {
		fprintf(stderr, "usbsim: %s: packet_size %lld / packet_count %lld out of range\n",
			dev->name, psize, pcount);
		return -1;
	}
	d->unplug_after = usbsim_opt_int(dev, "unplug_after", 0);
	dapsim_probe_init(&d->p, d->u.t, v1 ? 1 : 2, (unsigned)psize, (unsigned)pcount);
	snprintf(d->serial, sizeof(d->serial), "%s",
		 usbsim_opt(dev, "serial", v1 ? "DAPSIM1001" : "DAPSIM0001"));
	d->p.serial = d->serial;
	d->p.product = v1 ? "DAPSim CMSIS-DAP" : "DAPSim CMSIS-DAP";
	d->p.clock = clock_us;
	d->p.clock_ctx = d;
	d->p.pace = pace;
	d->p.no_execute = !usbsim_opt_int(dev, "execute", 1);
	descriptors(d, v1 ? 64 : 512);
	d->strings[1] = "Simulated";
	d->strings[2] = d->p.product;
	d->strings[3] = d->serial;
	d->strings[4] = v1 ? "CMSIS-DAP v1" : "CMSIS-DAP v2";
	dev->dev_desc = d->dev_desc;
	dev->config = d->config;
	dev->strings = d->strings;
	dev->nstrings = 5;
	return 0;
}

static int create_v2(struct usbsim_dev *dev) { return create_common(dev, 0); }
static int create_v1(struct usbsim_dev *dev) { return create_common(dev, 1); }

static void destroy(struct usbsim_dev *dev)
{
	struct dap *d = dev->priv;

	if (!d)
		return;
	dapsim_target_free(d->u.t);
	free(d);
	dev->priv = NULL;
}

/* One command in; its reply waits in the probe's buffers. */
static int command(struct usbsim_dev *dev, const uint8_t *data, int len)
{
	struct dap *d = dev->priv;
	unsigned slot;

	if (d->count >= d->p.packet_count) {
		if (!d->warned_full++)
			usbsim_violation(dev, "more than packet_count (%u) commands in flight: "
					 "the probe NAKs", d->p.packet_count);
		return USBSIM_NAK;
	}
	slot = (d->head + d->count) % QMAX;
	d->cmd_start_ns = usbsim_now_ns() > d->last_ready ? usbsim_now_ns() : d->last_ready;
	d->wire_ns = 0;
	d->in_cmd = 1;
	d->qlen[slot] = dapsim_probe_command(&d->p, data, (size_t)len, d->q[slot]);
	d->in_cmd = 0;
	d->ready[slot] = d->last_ready = d->cmd_start_ns + d->wire_ns;
	d->count++;
	dapsim_usb_log(dev, &d->u, d->p.violations);
	if (d->unplug_after && (long long)d->p.commands >= d->unplug_after) {
		usbsim_log(dev, "unplugged after %lu commands", d->p.commands);
		dev->gone = 1;
	}
	return len;
}

static int reply(struct usbsim_dev *dev, uint8_t *data, int len, int pad)
{
	struct dap *d = dev->priv;
	size_t n;

	if (!d->count)
		return USBSIM_NAK;
	if (usbsim_now_ns() < d->ready[d->head]) {	/* still on the wire */
		dev->in_ready_ns = d->ready[d->head];
		return USBSIM_NAK;
	}
	n = d->qlen[d->head];
	if (pad)
		n = d->p.packet_size;
	if ((size_t)len < n) {
		usbsim_violation(dev, "IN transfer of %d bytes for a %zu-byte reply", len, n);
		return LIBUSB_ERROR_OVERFLOW;
	}
	memcpy(data, d->q[d->head], n);
	d->head = (d->head + 1) % QMAX;
	d->count--;
	return (int)n;
}

static int bulk(struct usbsim_dev *dev, uint8_t ep, uint8_t *data, int len)
{
	struct dap *d = dev->priv;

	if (ep & 0x80)
		return reply(dev, data, len, 0);
	if (!len)
		return 0;	/* the ZLP ending a command of whole USB packets */
	if ((unsigned)len > d->p.packet_size) {
		usbsim_violation(dev, "command of %d bytes, packet size is %u", len, d->p.packet_size);
		return LIBUSB_ERROR_OVERFLOW;
	}
	return command(dev, data, len);
}

static int interrupt(struct usbsim_dev *dev, uint8_t ep, uint8_t *data, int len)
{
	if (ep & 0x80)
		return reply(dev, data, len, 1);
	if (len != 64) {
		usbsim_violation(dev, "HID output report of %d bytes (reports are 64)", len);
		return LIBUSB_ERROR_PIPE;
	}
	return command(dev, data, len);
}

/* HID class requests and the report descriptor (v1); v2 has none. */
static int control(struct usbsim_dev *dev, const struct libusb_control_setup *s, uint8_t *data)
{
	struct dap *d = dev->priv;

	if (d->v1 && s->bmRequestType == 0x81 && s->bRequest == 6 && (s->wValue >> 8) == 0x22) {
		int n = s->wLength < sizeof(hid_report) ? s->wLength : (int)sizeof(hid_report);

		memcpy(data, hid_report, (size_t)n);
		return n;
	}
	if (d->v1 && s->bmRequestType == 0x21 && s->bRequest == 0x0A)
		return 0;	/* SET_IDLE */
	if (d->v1 && s->bmRequestType == 0x21 && s->bRequest == 0x09)
		return command(dev, data, s->wLength) < 0 ? LIBUSB_ERROR_PIPE : s->wLength;
	return LIBUSB_ERROR_PIPE;
}

static const struct usbsim_model cmsisdap_model = {
	.name = "cmsisdap",
	.summary = "CMSIS-DAP v2 (bulk) probe with an STM32F405/L476/H743 or nRF52840 target",
	.keys = keys,
	.create = create_v2,
	.destroy = destroy,
	.control = control,
	.bulk = bulk,
};
USBSIM_MODEL(cmsisdap_model);

static const struct usbsim_model cmsisdap1_model = {
	.name = "cmsisdap1",
	.summary = "CMSIS-DAP v1 (HID) probe with an STM32F405/L476/H743 or nRF52840 target",
	.keys = keys,
	.create = create_v1,
	.destroy = destroy,
	.control = control,
	.interrupt = interrupt,
};
USBSIM_MODEL(cmsisdap1_model);
