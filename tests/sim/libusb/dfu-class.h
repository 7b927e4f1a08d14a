/* dfu-class.h - what every DFU 1.1 device model answers alike: the state
 * and status codes (DFU 1.1 sections 6.1.2 and 6.1.5, appendix A), the
 * requests that mean the same on every device (CLRSTATUS, GETSTATE, ABORT)
 * and a request the state does not allow.
 *
 * A model's dev->priv begins with a struct usbsim_dfu; its control callback
 * hands every request to usbsim_dfu_control with its own DNLOAD, UPLOAD and
 * GETSTATUS. */
#ifndef DFU_CLASS_H
#define DFU_CLASS_H

#include "usbsim.h"

enum {
	S_APP_IDLE, S_APP_DETACH, S_IDLE, S_DNLOAD_SYNC, S_DNBUSY, S_DNLOAD_IDLE,
	S_MANIFEST_SYNC, S_MANIFEST, S_MANIFEST_WAIT_RESET, S_UPLOAD_IDLE, S_ERROR,
};
enum {
	E_OK, E_TARGET, E_FILE, E_WRITE, E_ERASE, E_CHECK_ERASED, E_PROG, E_VERIFY,
	E_ADDRESS, E_NOTDONE, E_FIRMWARE, E_VENDOR, E_USBR, E_POR, E_UNKNOWN, E_STALLEDPKT,
};

struct usbsim_dfu {
	int state, status;
	int pending;		/* a DNLOAD waits for the GETSTATUS that runs it */
};

struct usbsim_dfu_ops {
	int (*dnload)(struct usbsim_dev *dev, const struct libusb_control_setup *st, uint8_t *data);
	int (*upload)(struct usbsim_dev *dev, const struct libusb_control_setup *st, uint8_t *data);
	int (*get_status)(struct usbsim_dev *dev, uint8_t *data, int len);
};

/* The class requests to interface 0; anything else stalls. */
int usbsim_dfu_control(struct usbsim_dev *dev, const struct usbsim_dfu_ops *ops,
		       const struct libusb_control_setup *st, uint8_t *data);

/* The host broke the protocol: reported, then the request stalls and the
 * device is in dfuERROR with errSTALLEDPKT (DFU 1.1 section 6.1.2). */
int usbsim_dfu_violation(struct usbsim_dev *dev, const char *what);

#endif
