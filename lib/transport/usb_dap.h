/* usb_dap.h - debug probes on USB: finding them and the transports
 * behind struct mpf_dap_io (doc/protocols.md 4.1, 4.6):
 *   v2  a vendor interface whose name contains "CMSIS-DAP", bulk OUT then
 *       bulk IN endpoints, replies as short packets;
 *   v1  a HID interface: fixed-size reports without report id over the
 *       interrupt endpoints (SET_REPORT on EP0 when there is no OUT one);
 *   ST-LINK/V2, V2-1 and V3, known by their USB ids: interface 0, its
 *       first bulk OUT and IN endpoints, the probe's own protocol.
 * A probe offering both CMSIS-DAP versions is driven through v2.
 */
#ifndef MPF_USB_DAP_H
#define MPF_USB_DAP_H

#include "cmsis_dap.h"
#include "stlink.h"
#include "usb.h"

struct mpf_usb_probe {
	struct mpf_usb_info u;
	int version;		/* CMSIS-DAP 2 bulk, 1 HID, 0 unknown (could not open) */
	int stlink;		/* ST-LINK/V2 (and V2-1) 2, V3 3; 0 CMSIS-DAP */
	int iface;
	uint8_t ep_out, ep_in;	/* ep_out 0: HID output reports through EP0 */
	uint16_t max_packet;	/* wMaxPacketSize of ep_in (the HID report size) */
	libusb_device *dev;	/* referenced */
	struct mpf_usb_dev ud;	/* open and claimed (lib/usb: released on any exit) */
	int open;
	const struct mpf_dap *dap;	/* the session on it (its packet size) */
};

/* An open probe: which protocol, and its session. */
struct mpf_probe_link {
	int stlink;		/* st in use, else dap */
	struct mpf_dap dap;
	struct mpf_stlink st;
};

/* All attached CMSIS-DAP and ST-LINK probes into *out (free with mpf_usb_probes_free);
 * returns the count (0 without a USB bus). */
int mpf_usb_probes(struct mpf_usb_probe **out);
void mpf_usb_probes_free(struct mpf_usb_probe *p, int n);
/* The one probe sel names: an exact USB serial number, or a substring of
 * serial or product matching exactly one probe; NULL sel: the only probe.
 * Returns its index or MPF_ERR_NODEV / MPF_ERR_ARG (ambiguous) with the
 * candidates in err. */
int mpf_usb_probe_select(const struct mpf_usb_probe *p, int n, const char *sel,
			 struct mpf_buf *err);
/* Open and claim p, and set up l to talk to it (replies wait timeout_ms). */
int mpf_usb_probe_open(struct mpf_usb_probe *p, struct mpf_probe_link *l, int timeout_ms,
		       struct mpf_buf *err);
void mpf_probe_link_release(struct mpf_probe_link *l);

#endif
