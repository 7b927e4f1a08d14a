/* dfu-class.c - the DFU 1.1 requests every DFU model answers alike; see
 * dfu-class.h. */
#include "dfu-class.h"

int usbsim_dfu_violation(struct usbsim_dev *dev, const char *what)
{
	struct usbsim_dfu *s = dev->priv;

	usbsim_violation(dev, "%s in state %d", what, s->state);
	s->state = S_ERROR;
	s->status = E_STALLEDPKT;
	return LIBUSB_ERROR_PIPE;
}

/* ABORT is allowed in the idle and sync states (DFU 1.1 appendix A). */
static int abort_allowed(int state)
{
	return state == S_IDLE || state == S_DNLOAD_SYNC || state == S_DNLOAD_IDLE ||
	       state == S_MANIFEST_SYNC || state == S_UPLOAD_IDLE;
}

int usbsim_dfu_control(struct usbsim_dev *dev, const struct usbsim_dfu_ops *ops,
		       const struct libusb_control_setup *st, uint8_t *data)
{
	struct usbsim_dfu *s = dev->priv;

	if ((st->bmRequestType & 0x7f) != (LIBUSB_REQUEST_TYPE_CLASS | LIBUSB_RECIPIENT_INTERFACE))
		return LIBUSB_ERROR_PIPE;	/* e.g. GET_DESCRIPTOR of type DFU: not supported */
	if (st->wIndex != 0)
		return usbsim_dfu_violation(dev, "request to an interface that does not exist");
	switch (st->bRequest) {
	case 1:
		return ops->dnload(dev, st, data);
	case 2:
		return ops->upload(dev, st, data);
	case 3:
		return ops->get_status(dev, data, st->wLength);
	case 4:
		if (s->state != S_ERROR)
			return usbsim_dfu_violation(dev, "CLRSTATUS outside dfuERROR");
		s->state = S_IDLE;
		s->status = E_OK;
		return 0;
	case 5:
		if (st->wLength < 1)
			return LIBUSB_ERROR_PIPE;
		data[0] = (uint8_t)s->state;
		return 1;
	case 6:
		if (!abort_allowed(s->state))
			return usbsim_dfu_violation(dev, "ABORT");
		s->state = S_IDLE;
		s->pending = 0;
		return 0;
	}
	return usbsim_dfu_violation(dev, "request not valid in DFU mode");
}
