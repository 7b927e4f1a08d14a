/* dfu_usb.h - a USB device in DFU mode, driven through lib/usb: finds
 * the DFU interface, its alternate settings (with their DfuSe memory
 * layouts) and functional descriptor, applies the quirk table, claims the
 * interface and gives lib/proto/dfu its transport (struct mpf_dfu_io).
 */
#ifndef MPF_DFU_USB_H
#define MPF_DFU_USB_H

#include "dfu.h"
#include "usb.h"

#define MPF_DFU_MAX_ALTS 16

struct mpf_dfu_alt {
	int iface, alt;
	char name[256];		/* iInterface: the DfuSe memory layout, "" if none */
};

struct mpf_dfu_usb {
	struct mpf_usb_dev usb;
	struct mpf_dfu dfu;
	struct mpf_dfu_io io;
	struct mpf_dfu_alt alts[MPF_DFU_MAX_ALTS];
	int nalts;
	uint16_t bcd_device;
	int alt;		/* selected alt setting, -1 none */
};

/* libusb_device filter for mpf_usb_find: a device with an interface in
 * DFU mode (class 0xFE, subclass 1, protocol 2; or 0, as some DfuSe
 * devices report). */
int mpf_dfu_usb_accept(libusb_device *dev, void *ctx);

/* Open dev, read its alt settings and functional descriptor, claim the
 * DFU interface. Messages say what failed (with the udev hint on EACCES). */
int mpf_dfu_usb_open(libusb_device *dev, struct mpf_dfu_usb *d, struct mpf_buf *err);
/* Select alt setting alt (an index into the device's alts, by number) and
 * bring the device to dfuIDLE. */
int mpf_dfu_usb_select(struct mpf_dfu_usb *d, int alt, struct mpf_buf *err);
/* The alt setting numbered alt, or NULL. */
const struct mpf_dfu_alt *mpf_dfu_usb_alt(const struct mpf_dfu_usb *d, int alt);
void mpf_dfu_usb_close(struct mpf_dfu_usb *d);

#endif
