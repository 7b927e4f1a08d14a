/* stlink.c - ST-LINK debug probes with a Cortex-M target behind them, as
 * libusb simulator device models. The probe firmware is tests/sim/dap/
 * stlink.c, the target tests/sim/dap/target.c; this file puts them on USB
 * the way the three generations appear (doc/protocols.md 4.6):
 *
 *   stlink:version=2     ST-LINK/V2, 0483:3748, full speed: bulk IN 0x81,
 *                        OUT 0x02, trace IN 0x83 (64-byte packets)
 *   stlink:version=2.1   ST-LINK/V2-1 (Nucleo, Discovery), 0483:374b: IN 0x81,
 *                        OUT 0x01, trace 0x82
 *   stlink:version=3     STLINK-V3E/V3MINIE, 0483:374e, high speed (512)
 *
 * Every command is a 16-byte block on the OUT endpoint, then the data
 * stage it announces (memory writes) on the same endpoint, then its reply
 * on the IN endpoint; a reply read in pieces must break at packet
 * boundaries, and a new command while a reply waits unread is a violation.
 *
 * Options (MPF_USBSIM="stlink:KEY=VAL:..."):
 *   version=2|2.1|3   the probe (default 2.1)
 *   fw=N              firmware J number (default V2 J37, V2-1 J40, V3 J7)
 *   serial=S          iSerialNumber (default 24 hex digits from the index)
 *   target=M          stm32f405 (default), stm32l476, nrf52840, stm32h743
 *   time_scale=F      multiply flash busy times and wire time (default 1)
 *   protect=1, swd_off=1, swap_bank=1, c2_pes=MS, cpu_corrupt=ADDR, options=V,
 *   stuck=ADDR, flash_busy=MS
 *                     as for cmsisdap
 * Flash persists in $MPF_USBSIM_STATE as stlink-SERIAL.flash.
 */
#include "usbsim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../dap/stlink.h"
#include "dapsim-usb.h"

struct st {
	struct dapsim_usb u;		/* the target, time_scale, traced events */
	struct dapsim_stlink fw;
	unsigned mps;
	uint8_t ep_out, ep_trace;
	uint8_t reply[65536];
	size_t rlen, rpos;
	char serial[64];
	uint8_t config[64];
	uint8_t dev_desc[18];
	const char *strings[5];
};

static const char *const keys[] = {
	"version", "fw", "serial", "target", "time_scale", "protect", "swd_off", "riscv",
	"swap_bank", "c2_pes", "cpu_corrupt", "options", "stuck", "flash_busy", NULL,
};

static void put16(uint8_t *b, unsigned v) { b[0] = v & 0xFF; b[1] = (v >> 8) & 0xFF; }

static void endpoint(uint8_t *c, uint8_t addr, unsigned mps)
{
	c[0] = 7; c[1] = 5; c[2] = addr; c[3] = 2;
	put16(c + 4, mps);
	c[6] = 0;
}

/* One vendor interface (0xFF/0xFF/0xFF) with the debug endpoints. */
static void descriptors(struct st *d, uint16_t pid, int v2)
{
	static const uint8_t dev[18] = {
		18, 1, 0x00, 0x02, 0, 0, 0, 64, 0x83, 0x04, 0, 0, 0x00, 0x01, 1, 2, 3, 1,
	};
	uint8_t *c = d->config, in2 = v2 ? 0x83 : 0x82;

	memcpy(d->dev_desc, dev, sizeof(dev));
	put16(d->dev_desc + 10, pid);
	c[0] = 9; c[1] = 2; c[4] = 1; c[5] = 1; c[6] = 0; c[7] = 0x80; c[8] = 150;
	c[9] = 9; c[10] = 4; c[11] = 0; c[12] = 0; c[13] = 3;
	c[14] = 0xFF; c[15] = 0xFF; c[16] = 0xFF; c[17] = 4;
	endpoint(c + 18, 0x81, d->mps);
	endpoint(c + 25, d->ep_out, d->mps);
	endpoint(c + 32, in2, d->mps);
	d->ep_trace = in2;
	put16(c + 2, 39);
}

/* version word: 2, 2.1 or 3 -> (version, v21, pid, default firmware) */
static int pick(const char *v, int *ver, int *v21, uint16_t *pid, int *fw)
{
	if (!strcmp(v, "2"))
		*ver = 2, *v21 = 0, *pid = 0x3748, *fw = 37;
	else if (!strcmp(v, "2.1"))
		*ver = 2, *v21 = 1, *pid = 0x374B, *fw = 40;
	else if (!strcmp(v, "3"))
		*ver = 3, *v21 = 0, *pid = 0x374E, *fw = 7;
	else
		return -1;
	return 0;
}

static int create(struct usbsim_dev *dev)
{
	struct st *d = calloc(1, sizeof(*d));
	int ver, v21, fw;
	uint16_t pid;

	if (!d)
		return -1;
	dev->priv = d;
	if (pick(usbsim_opt(dev, "version", "2.1"), &ver, &v21, &pid, &fw) < 0) {
		fprintf(stderr, "usbsim: %s: version= wants 2, 2.1 or 3\n", dev->name);
		return -1;
	}
	if (dapsim_usb_target(dev, &d->u) < 0)
		return -1;
	dapsim_stlink_init(&d->fw, d->u.t, ver, v21, (int)usbsim_opt_int(dev, "fw", fw), pid);
	d->fw.clock = dapsim_usb_clock;
	d->fw.clock_ctx = &d->u;
	d->fw.pace = dapsim_usb_pace;
	d->mps = ver == 3 ? 512 : 64;
	d->ep_out = ver == 2 && !v21 ? 0x02 : 0x01;
	snprintf(d->serial, sizeof(d->serial), "%s", usbsim_opt(dev, "serial", ""));
	if (!d->serial[0])
		snprintf(d->serial, sizeof(d->serial), "0667FF3731384E5043%06X", 0x1000 + dev->index);
	descriptors(d, pid, ver == 2 && !v21);
	d->strings[1] = "STMicroelectronics";
	d->strings[2] = ver == 3 ? "STLINK-V3" : "STM32 STLink";
	d->strings[3] = d->serial;
	d->strings[4] = "ST-Link Debug";
	dev->dev_desc = d->dev_desc;
	dev->config = d->config;
	dev->strings = d->strings;
	dev->nstrings = 5;
	return 0;
}

static void destroy(struct usbsim_dev *dev)
{
	struct st *d = dev->priv;

	if (!d)
		return;
	dapsim_target_free(d->u.t);
	free(d);
	dev->priv = NULL;
}

static int reply(struct usbsim_dev *dev, struct st *d, uint8_t *data, int len)
{
	size_t left = d->rlen - d->rpos, n;

	if (!left)
		return USBSIM_NAK;
	n = (size_t)len < left ? (size_t)len : left;
	if (n < left && n % d->mps) {
		usbsim_violation(dev, "IN transfer of %d bytes for a %zu-byte reply", len, left);
		return LIBUSB_ERROR_OVERFLOW;
	}
	memcpy(data, d->reply + d->rpos, n);
	d->rpos += n;
	return (int)n;
}

static int bulk(struct usbsim_dev *dev, uint8_t ep, uint8_t *data, int len)
{
	struct st *d = dev->priv;
	size_t n = 0;

	if (ep == d->ep_trace)
		return USBSIM_NAK;
	if (ep & 0x80)
		return reply(dev, d, data, len);
	if (ep != d->ep_out) {
		usbsim_violation(dev, "OUT transfer to endpoint 0x%02x (this probe's is 0x%02x)",
				 ep, d->ep_out);
		return LIBUSB_ERROR_PIPE;
	}
	if (d->rpos < d->rlen && !d->fw.want)
		usbsim_violation(dev, "a new command while %zu reply bytes wait unread",
				 d->rlen - d->rpos);
	d->rlen = d->rpos = 0;
	if (!d->fw.want && len == 16)
		usbsim_log(dev, "command %02x %02x %02x", data[0], data[1], data[2]);
	if (dapsim_stlink_out(&d->fw, data, (size_t)len, d->reply, &n) < 0) {
		dapsim_usb_log(dev, &d->u, d->fw.violations);
		return LIBUSB_ERROR_PIPE;
	}
	d->rlen = n;
	dapsim_usb_log(dev, &d->u, d->fw.violations);
	return len;
}

static const struct usbsim_model stlink_model = {
	.name = "stlink",
	.summary = "ST-LINK/V2, V2-1 or V3 probe with an STM32F405/L476/H743 or nRF52840 target",
	.keys = keys,
	.create = create,
	.destroy = destroy,
	.bulk = bulk,
};
USBSIM_MODEL(stlink_model);
