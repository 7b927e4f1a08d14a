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

/* A known CMSIS-DAP or ST-LINK probe (by vid:pid), for listing probes we
 * may not open. */
int mpf_usb_known_probe(uint16_t vid, uint16_t pid);
/* An ST-LINK's protocol version by its ids: 2 (V2, V2-1), 3 (V3), 0 none. */
int mpf_usb_stlink_version(uint16_t vid, uint16_t pid);
/* A system DFU bootloader that serves any board of its family, whatever
 * serial number it reports (the STM32 one). */
int mpf_usb_dfu_bootloader(uint16_t vid, uint16_t pid);

/* The udev rule files (usb_ids.c): the name of the i-th (NULL past the
 * last), and the text of one (-1 for a name that is none of them). */
const char *mpf_usb_udev_file(size_t i);
int mpf_usb_udev_rules(const char *name, struct mpf_buf *out);

/* ---- finding and driving one device ---- */

/* Which device: --device "vid:pid" (hex), "bus-port[.port...]" (a
 * location as mpf-scan prints it), anything else a USB serial number; a
 * target record gives bus and address. Unset fields match anything. */
struct mpf_usb_match {
	int vid, pid;		/* -1 = any */
	int bus, address;	/* -1 = any */
	char location[32];	/* "" = any */
	char serial[128];	/* "" = any */
};

void mpf_usb_match_init(struct mpf_usb_match *m);
/* Parse a --device word. MPF_ERR_ARG with a message on a bad vid:pid. */
int mpf_usb_match_parse(const char *s, struct mpf_usb_match *m, struct mpf_buf *err);
/* Does info match? (serial only compared when the device's was readable) */
int mpf_usb_match_info(const struct mpf_usb_match *m, const struct mpf_usb_info *info);
/* "0483:df11 serial 315A28A0B956", for messages. */
void mpf_usb_match_describe(const struct mpf_usb_match *m, struct mpf_buf *out);

/* An open device with at most one claimed interface. */
struct mpf_usb_dev {
	libusb_device *dev;		/* referenced */
	libusb_device_handle *h;
	struct mpf_usb_info info;
	int iface;			/* claimed interface, -1 none */
	int reattach;			/* a kernel driver was detached from iface */
	int cleanup;			/* mpf_cleanup_push handle, -1 none */
};

/* Open dev (taking a reference) and read its description. A permission
 * error becomes MPF_ERR_PERM with the udev hint as the message. */
int mpf_usb_open(libusb_device *dev, struct mpf_usb_dev *u, struct mpf_buf *err);
/* Detach a kernel driver bound to iface (remembered, re-attached on
 * close) and claim it; the claim is released on any exit (cleanup). */
int mpf_usb_claim(struct mpf_usb_dev *u, int iface, struct mpf_buf *err);
int mpf_usb_set_alt(struct mpf_usb_dev *u, int alt, struct mpf_buf *err);
/* Release, re-attach, close; safe on a half-opened or closed u. */
void mpf_usb_close(struct mpf_usb_dev *u);

/* Transfers with a timeout. Return bytes transferred or a negative
 * mpf_err with a message: MPF_ERR_TIMEOUT, MPF_ERR_PROTO (the endpoint
 * stalled), MPF_ERR_NODEV (unplugged), MPF_ERR_PERM, MPF_ERR_BUSY, or
 * MPF_ERR_IO. */
int mpf_usb_control(struct mpf_usb_dev *u, uint8_t request_type, uint8_t request,
		    uint16_t value, uint16_t index, uint8_t *data, uint16_t len,
		    unsigned timeout_ms, struct mpf_buf *err);
int mpf_usb_bulk(struct mpf_usb_dev *u, uint8_t ep, uint8_t *data, int len,
		 unsigned timeout_ms, struct mpf_buf *err);
int mpf_usb_interrupt(struct mpf_usb_dev *u, uint8_t ep, uint8_t *data, int len,
		      unsigned timeout_ms, struct mpf_buf *err);

/* The devices that match m and that accept() takes (NULL: all), each
 * referenced, into *out (free with mpf_usb_list_free). Returns the count. */
int mpf_usb_find(const struct mpf_usb_match *m,
		 int (*accept)(libusb_device *dev, void *ctx), void *ctx,
		 libusb_device ***out);
void mpf_usb_list_free(libusb_device **list, int n);

#endif
