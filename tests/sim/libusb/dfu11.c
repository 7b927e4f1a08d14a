/* dfu11.c - a plain USB DFU 1.1 device (no DfuSe): the download is one
 * image, sent as blocks 0, 1, 2, ... and ended by a zero-length DNLOAD;
 * the device programs as the blocks come and manifests at the end (DFU
 * 1.1 sections 6.1 and 7, appendix A state diagram). Upload returns the
 * image from block 0, ending with a short block.
 *
 * Ids are pid.codes' test ids (1209:0001): this stands for no product in
 * particular; the protocol is the specification's.
 *
 * Options: serial=S, time_scale=F (program 1 ms per block, erase 50 ms on
 * the first block), tolerant=0 (not manifestation tolerant: ends in
 * dfuMANIFEST-WAIT-RESET and starts the firmware on a USB reset),
 * size=BYTES (flash, default 262144).
 */
#include "dfu-class.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XFER 1024

struct d11 {
	struct usbsim_dfu dfu;	/* first: the class requests use it */
	uint8_t *mem;		/* [0..3]: image length, then the image */
	uint32_t size;
	int tolerant, manifested;
	uint32_t next_block, upload_block, len;
	double scale;
	char serial[64];
};

static const uint8_t dev_desc[18] = {
	18, 1, 0x00, 0x02, 0, 0, 0, 64, 0x09, 0x12, 0x01, 0x00, 0x00, 0x01, 1, 2, 3, 1,
};

static const uint8_t config_tolerant[27] = {
	9, 2, 27, 0, 1, 1, 0, 0x80, 50,
	9, 4, 0, 0, 0, 0xfe, 1, 2, 4,
	/* CanDnload | CanUpload | ManifestationTolerant, 1000 ms, 1024, DFU 1.1 */
	9, 0x21, 0x07, 0xe8, 0x03, 0x00, 0x04, 0x10, 0x01,
};

static const uint8_t config_intolerant[27] = {
	9, 2, 27, 0, 1, 1, 0, 0x80, 50,
	9, 4, 0, 0, 0, 0xfe, 1, 2, 4,
	9, 0x21, 0x03, 0xe8, 0x03, 0x00, 0x04, 0x10, 0x01,
};

static const char *const keys[] = { "time_scale", "tolerant", "size", NULL };

static uint32_t image_len(const struct d11 *s)
{
	uint32_t v;

	memcpy(&v, s->mem, 4);
	return v;
}

static void busy(struct usbsim_dev *dev, double ms)
{
	struct d11 *s = dev->priv;

	dev->busy_until_ns = usbsim_now_ns() + (uint64_t)(ms * s->scale * 1e6);
}

static int dnload(struct usbsim_dev *dev, const struct libusb_control_setup *st, uint8_t *data)
{
	struct d11 *s = dev->priv;
	uint32_t off;

	if (st->wLength == 0) {
		if (s->dfu.state != S_DNLOAD_IDLE)
			return usbsim_dfu_violation(dev, "zero-length DNLOAD before any data");
		s->dfu.state = S_MANIFEST_SYNC;
		return 0;
	}
	if (s->dfu.state == S_IDLE) {
		s->next_block = st->wValue;	/* the first block number starts the count */
		s->len = 0;
	} else if (s->dfu.state != S_DNLOAD_IDLE) {
		return usbsim_dfu_violation(dev, "DNLOAD");
	}
	if (st->wValue != (s->next_block & 0xffff) || st->wLength > XFER)
		return usbsim_dfu_violation(dev, "DNLOAD out of sequence or longer than wTransferSize");
	off = s->len;
	if (off + st->wLength > s->size - 4) {
		s->dfu.state = S_ERROR;
		s->dfu.status = E_ADDRESS;
		return LIBUSB_ERROR_PIPE;
	}
	memcpy(s->mem + 4 + off, data, st->wLength);
	s->len += st->wLength;
	s->next_block++;
	s->dfu.pending = 1;
	s->dfu.state = S_DNLOAD_SYNC;
	return st->wLength;
}

static int upload(struct usbsim_dev *dev, const struct libusb_control_setup *st, uint8_t *data)
{
	struct d11 *s = dev->priv;
	uint32_t off, n, len = image_len(s);

	if (s->dfu.state == S_IDLE)
		s->upload_block = 0;
	else if (s->dfu.state != S_UPLOAD_IDLE)
		return usbsim_dfu_violation(dev, "UPLOAD");
	if (st->wLength > XFER)
		return usbsim_dfu_violation(dev, "UPLOAD longer than wTransferSize");
	off = s->upload_block * XFER;
	n = off >= len ? 0 : len - off < st->wLength ? len - off : st->wLength;
	memcpy(data, s->mem + 4 + off, n);
	s->upload_block++;
	/* a short frame ends the upload (DFU 1.1 section 6.2) */
	s->dfu.state = n < st->wLength ? S_IDLE : S_UPLOAD_IDLE;
	return (int)n;
}

static int get_status(struct usbsim_dev *dev, uint8_t *d, int len)
{
	struct d11 *s = dev->priv;
	uint32_t poll = 0;

	if (len < 6)
		return LIBUSB_ERROR_PIPE;
	if (s->dfu.state == S_DNLOAD_SYNC && s->dfu.pending) {
		s->dfu.state = S_DNBUSY;
		poll = (uint32_t)(1 * s->scale + 0.999);
		busy(dev, s->len == 0 ? 50 : 1);
		s->dfu.pending = 0;
	} else if (s->dfu.state == S_DNBUSY || s->dfu.state == S_DNLOAD_SYNC) {
		s->dfu.state = S_DNLOAD_IDLE;
	} else if (s->dfu.state == S_MANIFEST_SYNC && !s->manifested) {
		s->dfu.state = S_MANIFEST;
		poll = (uint32_t)(10 * s->scale + 0.999);
		memcpy(s->mem, &s->len, 4);
		busy(dev, 10);
		s->manifested = 1;
		usbsim_log(dev, "manifest %u bytes", s->len);
	} else if (s->dfu.state == S_MANIFEST) {
		s->dfu.state = s->tolerant ? S_IDLE : S_MANIFEST_WAIT_RESET;
		s->manifested = 0;
	}
	d[0] = (uint8_t)s->dfu.status;
	d[1] = (uint8_t)poll;
	d[2] = (uint8_t)(poll >> 8);
	d[3] = (uint8_t)(poll >> 16);
	d[4] = (uint8_t)s->dfu.state;
	d[5] = 0;
	/* what the host sees next: dfuDNBUSY becomes dfuDNLOAD-SYNC */
	if (s->dfu.state == S_DNBUSY)
		s->dfu.state = S_DNLOAD_SYNC;
	return 6;
}

static const struct usbsim_dfu_ops ops = { dnload, upload, get_status };

static int control(struct usbsim_dev *dev, const struct libusb_control_setup *st, uint8_t *data)
{
	return usbsim_dfu_control(dev, &ops, st, data);
}

static void reset(struct usbsim_dev *dev)
{
	struct d11 *s = dev->priv;

	if (s->dfu.state == S_MANIFEST_WAIT_RESET || (s->dfu.state == S_MANIFEST && !s->tolerant)) {
		usbsim_log(dev, "reset: starting the firmware");
		dev->gone = 1;
		return;
	}
	s->dfu.state = S_IDLE;
	s->dfu.status = E_OK;
}

static int create(struct usbsim_dev *dev)
{
	struct d11 *s = calloc(1, sizeof(*s));
	const char **strs = calloc(5, sizeof(char *));
	int fresh;

	if (!s || !strs)
		return -1;
	s->size = (uint32_t)usbsim_opt_int(dev, "size", 262144);
	s->mem = usbsim_state_map(dev, "mem", s->size, 0xff, &fresh);
	if (!s->mem || s->size < 4096)
		return -1;
	if (fresh)
		memset(s->mem, 0, 4);
	s->scale = usbsim_opt_double(dev, "time_scale", 1.0);
	s->tolerant = (int)usbsim_opt_int(dev, "tolerant", 1);
	s->dfu.state = S_IDLE;
	snprintf(s->serial, sizeof(s->serial), "%s", usbsim_opt(dev, "serial", "0001"));
	strs[1] = "pid.codes";
	strs[2] = "DFU 1.1 test device";
	strs[3] = s->serial;
	strs[4] = "Flash";
	dev->priv = s;
	dev->dev_desc = dev_desc;
	dev->config = s->tolerant ? config_tolerant : config_intolerant;
	dev->strings = strs;
	dev->nstrings = 5;
	return 0;
}

static void destroy(struct usbsim_dev *dev)
{
	free(dev->priv);
}

static const struct usbsim_model dfu11_model = {
	.name = "dfu11",
	.summary = "a plain USB DFU 1.1 device (1209:0001, no DfuSe)",
	.keys = keys,
	.create = create,
	.destroy = destroy,
	.control = control,
	.reset = reset,
};
USBSIM_MODEL(dfu11_model);
