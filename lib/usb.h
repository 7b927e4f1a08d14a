/* usb.h - the libusb wrapper: one context, device descriptions, strings.
 *
 * Every USB path in mpf goes through here, so the no-USB case (a container
 * with no bus), permission problems and their udev hints are handled once.
 */
#ifndef MPF_USB_H
#define MPF_USB_H

#include <libusb.h>
#include <stdint.h>

#include "buf.h"

/* The process-wide libusb context, made on first use. NULL when libusb
 * cannot start (no USB bus): callers treat that as "no devices". */
libusb_context *mpf_usb_ctx(void);

struct mpf_usb_info {
	uint16_t vid, pid;
	uint8_t bus, address;
	char location[32];	/* "1-1.3": bus and port path, as Linux names it */
	char serial[128];	/* USB iSerialNumber, "" if none or unreadable */
	char manufacturer[128];
	char product[128];
	int denied;		/* could not open the device to read strings */
};

/* Fill info from dev's descriptors. Strings need the device opened: when
 * handle and *handle are not NULL that handle is used; otherwise the device
 * is opened, and the new handle is stored in *handle (the caller closes it)
 * when handle is not NULL, or closed here. A device we may not open still
 * gets ids and location, with denied set (not an error). */
int mpf_usb_describe(libusb_device *dev, libusb_device_handle **handle,
		     struct mpf_usb_info *info);

/* An ASCII string descriptor into out ("" on failure); returns its length
 * or a negative libusb error. */
int mpf_usb_string(libusb_device_handle *h, uint8_t index, char *out, size_t cap);

/* The udev rule file (under scripts/udev/) that grants access to vid:pid,
 * and a one-line hint naming it. */
const char *mpf_usb_udev_rule(uint16_t vid, uint16_t pid);
void mpf_usb_access_hint(uint16_t vid, uint16_t pid, struct mpf_buf *out);

/* A known CMSIS-DAP probe (by vid:pid), for listing probes we may not open. */
int mpf_usb_known_probe(uint16_t vid, uint16_t pid);

#endif
