/* usb_dap.h - CMSIS-DAP probes on USB: finding them and the two transports
 * behind struct mpf_dap_io (doc/protocols.md 4.1):
 *   v2  a vendor interface whose name contains "CMSIS-DAP", bulk OUT then
 *       bulk IN endpoints, replies as short packets;
 *   v1  a HID interface: fixed-size reports without report id over the
 *       interrupt endpoints (SET_REPORT on EP0 when there is no OUT one).
 * A probe offering both is driven through v2.
 */
#ifndef MPF_USB_DAP_H
#define MPF_USB_DAP_H

#include "cmsis_dap.h"
#include "usb.h"

struct mpf_usb_probe {
	struct mpf_usb_info u;
	int version;		/* 2 bulk, 1 HID, 0 unknown (could not open) */
	int iface;
	uint8_t ep_out, ep_in;	/* ep_out 0: HID output reports through EP0 */
	uint16_t max_packet;	/* wMaxPacketSize of ep_in (the HID report size) */
	libusb_device *dev;	/* referenced */
	struct mpf_usb_dev ud;	/* open and claimed (lib/usb: released on any exit) */
	int open;
	const struct mpf_dap *dap;	/* the session on it (its packet size) */
};

/* All attached CMSIS-DAP probes into *out (free with mpf_usb_probes_free);
 * returns the count (0 without a USB bus). */
int mpf_usb_probes(struct mpf_usb_probe **out);
void mpf_usb_probes_free(struct mpf_usb_probe *p, int n);
/* The one probe sel names: an exact USB serial number, or a substring of
 * serial or product matching exactly one probe; NULL sel: the only probe.
 * Returns its index or MPF_ERR_NODEV / MPF_ERR_ARG (ambiguous) with the
 * candidates in err. */
int mpf_usb_probe_select(const struct mpf_usb_probe *p, int n, const char *sel,
			 struct mpf_buf *err);
/* Open and claim p, and set up d to talk to it. */
int mpf_usb_probe_open(struct mpf_usb_probe *p, struct mpf_dap *d, struct mpf_buf *err);

#endif
