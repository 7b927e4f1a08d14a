/* usb.c - libusb context, device descriptions, udev hints. */
#include "usb.h"
#include "err.h"
#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static libusb_context *ctx;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

static void ctx_init(void)
{
	int r = libusb_init(&ctx);

	if (r < 0) {
		mpf_debug("no USB: libusb_init: %s", libusb_strerror(r));
		ctx = NULL;
	}
}

libusb_context *mpf_usb_ctx(void)
{
	pthread_once(&ctx_once, ctx_init);
	return ctx;
}

int mpf_usb_string(libusb_device_handle *h, uint8_t index, char *out, size_t cap)
{
	int r;

	out[0] = '\0';
	if (!index || !h)
		return 0;
	r = libusb_get_string_descriptor_ascii(h, index, (unsigned char *)out, (int)cap);
	if (r < 0) {
		out[0] = '\0';
		return r;
	}
	out[r < (int)cap ? r : (int)cap - 1] = '\0';
	return r;
}

static void location(libusb_device *dev, char *out, size_t cap)
{
	uint8_t ports[8];
	int n = libusb_get_port_numbers(dev, ports, 8), i;
	size_t len;

	len = (size_t)snprintf(out, cap, "%u", libusb_get_bus_number(dev));
	for (i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%c%u", i ? '.' : '-', ports[i]);
}

int mpf_usb_describe(libusb_device *dev, libusb_device_handle **handle,
		     struct mpf_usb_info *info)
{
	struct libusb_device_descriptor d;
	libusb_device_handle *h = handle ? *handle : NULL;
	int r, opened = 0;

	memset(info, 0, sizeof(*info));
	r = libusb_get_device_descriptor(dev, &d);
	if (r < 0)
		return MPF_ERR_IO;
	info->vid = d.idVendor;
	info->pid = d.idProduct;
	info->bus = libusb_get_bus_number(dev);
	info->address = libusb_get_device_address(dev);
	location(dev, info->location, sizeof(info->location));
	if (!h) {
		r = libusb_open(dev, &h);
		if (r < 0) {
			info->denied = r == LIBUSB_ERROR_ACCESS;
			mpf_debug("cannot open USB %04x:%04x at %s: %s", info->vid, info->pid,
				  info->location, libusb_strerror(r));
			return MPF_OK;
		}
		opened = 1;
	}
	mpf_usb_string(h, d.iSerialNumber, info->serial, sizeof(info->serial));
	mpf_usb_string(h, d.iManufacturer, info->manufacturer, sizeof(info->manufacturer));
	mpf_usb_string(h, d.iProduct, info->product, sizeof(info->product));
	if (opened && handle)
		*handle = h;
	else if (opened)
		libusb_close(h);
	return MPF_OK;
}

/* Probes from the vendors' and mpflash's udev rules (mpflash.md section 6,
 * protocols.md section 4.1). */
static const struct { uint16_t vid, pid; } probes[] = {
	{ 0x03eb, 0x2111 }, { 0x03eb, 0x2140 }, { 0x03eb, 0x2141 }, { 0x03eb, 0x2144 },
	{ 0x03eb, 0x2145 }, { 0x03eb, 0x216c }, { 0x03eb, 0x2175 },
	{ 0x0483, 0x572a }, { 0x04b4, 0xf138 }, { 0x04b4, 0xf148 }, { 0x04b4, 0xf151 },
	{ 0x04b4, 0xf152 }, { 0x04b4, 0xf154 }, { 0x04b4, 0xf155 }, { 0x04b4, 0xf166 },
	{ 0x0d28, 0x0204 }, { 0x1a86, 0x8011 }, { 0x1fc9, 0x0090 }, { 0x1fc9, 0x0143 },
	{ 0x2e8a, 0x0004 }, { 0x2e8a, 0x000c }, { 0xc251, 0x2750 },
};

int mpf_usb_known_probe(uint16_t vid, uint16_t pid)
{
	size_t i;

	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (probes[i].vid == vid && probes[i].pid == pid)
			return 1;
	return 0;
}

const char *mpf_usb_udev_rule(uint16_t vid, uint16_t pid)
{
	if (vid == 0x0483 && pid == 0xdf11)
		return "65-mpf-stm32-dfu.rules";
	if (mpf_usb_known_probe(vid, pid))
		return "50-mpf-cmsis-dap.rules";
	return "65-mpf-stm32-dfu.rules";
}

void mpf_usb_access_hint(uint16_t vid, uint16_t pid, struct mpf_buf *out)
{
	mpf_buf_addf(out, "no permission for USB device %04x:%04x: install the udev rule "
		     "%s ('make install-udev', or copy it from share/mpf/udev to "
		     "/etc/udev/rules.d) and replug the device", vid, pid,
		     mpf_usb_udev_rule(vid, pid));
}
