/* dfu_usb.c - lib/proto/dfu over lib/transport/usb (see dfu_usb.h). */
#include "dfu_usb.h"
#include "clock.h"
#include "err.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

static int is_dfu_mode(const struct libusb_interface_descriptor *d)
{
	return d->bInterfaceClass == 0xfe && d->bInterfaceSubClass == 1 &&
	       (d->bInterfaceProtocol == 2 || d->bInterfaceProtocol == 0);
}

int mpf_dfu_usb_accept(libusb_device *dev, void *ctx)
{
	struct libusb_config_descriptor *cfg;
	int i, a, found = 0;

	if (libusb_get_active_config_descriptor(dev, &cfg) < 0 &&
	    libusb_get_config_descriptor(dev, 0, &cfg) < 0)
		return 0;
	for (i = 0; i < cfg->bNumInterfaces && !found; i++)
		for (a = 0; a < cfg->interface[i].num_altsetting; a++)
			found |= is_dfu_mode(&cfg->interface[i].altsetting[a]);
	libusb_free_config_descriptor(cfg);
	return found;
}

static int io_control(void *ctx, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
		      uint8_t *data, uint16_t len, unsigned timeout_ms, struct mpf_buf *err)
{
	return mpf_usb_control(ctx, type, req, value, index, data, len, timeout_ms, err);
}

static void io_sleep(void *ctx, unsigned ms)
{
	mpf_sleep_ms((int)ms);
}

static int64_t io_now(void *ctx)
{
	return mpf_now_ms();
}

/* Alt settings and the functional descriptor (in the "extra" bytes of
 * one of the DFU interface's alt settings; the F4 ROM puts it after the
 * last one). */
static int read_interfaces(struct mpf_dfu_usb *d, struct mpf_buf *err)
{
	struct libusb_config_descriptor *cfg;
	int i, a, r, func = 0;

	if (libusb_get_active_config_descriptor(d->usb.dev, &cfg) < 0 &&
	    libusb_get_config_descriptor(d->usb.dev, 0, &cfg) < 0)
		return mpf_errf(err, MPF_ERR_IO, "cannot read the configuration descriptor");
	for (i = 0; i < cfg->bNumInterfaces; i++)
		for (a = 0; a < cfg->interface[i].num_altsetting; a++) {
			const struct libusb_interface_descriptor *id = &cfg->interface[i].altsetting[a];
			struct mpf_dfu_alt *alt;

			if (!is_dfu_mode(id) || d->nalts == MPF_DFU_MAX_ALTS)
				continue;
			alt = &d->alts[d->nalts++];
			alt->iface = id->bInterfaceNumber;
			alt->alt = id->bAlternateSetting;
			mpf_usb_string(d->usb.h, id->iInterface, alt->name, sizeof(alt->name));
			r = mpf_dfu_func_parse(id->extra, (size_t)id->extra_length, &d->dfu.func);
			func |= r > 0;
		}
	if (!func)
		func = mpf_dfu_func_parse(cfg->extra, (size_t)cfg->extra_length, &d->dfu.func) > 0;
	libusb_free_config_descriptor(cfg);
	if (!d->nalts)
		return mpf_errf(err, MPF_ERR_SUPP, "the device has no interface in DFU mode");
	if (!func)
		return mpf_errf(err, MPF_ERR_PROTO, "the device has no DFU functional descriptor");
	return MPF_OK;
}

int mpf_dfu_usb_open(libusb_device *dev, struct mpf_dfu_usb *d, struct mpf_buf *err)
{
	struct libusb_device_descriptor dd;
	int r;

	memset(d, 0, sizeof(*d));
	d->alt = -1;
	r = mpf_usb_open(dev, &d->usb, err);
	if (r < 0)
		return r;
	if (libusb_get_device_descriptor(dev, &dd) == 0)
		d->bcd_device = dd.bcdDevice;
	d->io = (struct mpf_dfu_io){ io_control, io_sleep, io_now, &d->usb };
	mpf_dfu_init(&d->dfu, &d->io, 0);
	r = read_interfaces(d, err);
	if (r == MPF_OK)
		r = mpf_usb_claim(&d->usb, d->alts[0].iface, err);
	if (r < 0) {
		mpf_usb_close(&d->usb);
		return r;
	}
	d->dfu.iface = (uint16_t)d->alts[0].iface;
	d->dfu.quirks = mpf_dfu_quirks(d->usb.info.vid, d->usb.info.pid, d->bcd_device);
	mpf_debug("dfu: %04x:%04x DFU %x.%02x, transfer size %u, attributes 0x%02x, quirks 0x%x",
		  d->usb.info.vid, d->usb.info.pid, d->dfu.func.version >> 8,
		  d->dfu.func.version & 0xff, d->dfu.func.transfer_size, d->dfu.func.attributes,
		  d->dfu.quirks);
	return MPF_OK;
}

const struct mpf_dfu_alt *mpf_dfu_usb_alt(const struct mpf_dfu_usb *d, int alt)
{
	int i;

	for (i = 0; i < d->nalts; i++)
		if (d->alts[i].alt == alt && d->alts[i].iface == d->alts[0].iface)
			return &d->alts[i];
	return NULL;
}

int mpf_dfu_usb_select(struct mpf_dfu_usb *d, int alt, struct mpf_buf *err)
{
	int r;

	if (!mpf_dfu_usb_alt(d, alt))
		return mpf_errf(err, MPF_ERR_ARG, "the device has no alt setting %d (it has 0..%d)",
				alt, d->nalts - 1);
	if (d->alt != alt) {
		r = mpf_usb_set_alt(&d->usb, alt, err);
		if (r < 0)
			return r;
		d->alt = alt;
	}
	return mpf_dfu_to_idle(&d->dfu, err);
}

void mpf_dfu_usb_close(struct mpf_dfu_usb *d)
{
	mpf_usb_close(&d->usb);
}
