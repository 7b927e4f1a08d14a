/* usb_dap.c - CMSIS-DAP v1 (HID) and v2 (bulk) and ST-LINK transports over libusb. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "usb_dap.h"

static int has_dap_name(libusb_device_handle *h, uint8_t idx)
{
	char name[256];

	return idx && mpf_usb_string(h, idx, name, sizeof(name)) > 0 && strstr(name, "CMSIS-DAP");
}

/* Pick the transport from the configuration: v2 wins over v1. */
static int classify(const struct libusb_config_descriptor *cfg, libusb_device_handle *h,
		    const char *product, struct mpf_usb_probe *p)
{
	int i, e;

	p->version = 0;
	for (i = 0; i < cfg->bNumInterfaces; i++) {
		const struct libusb_interface_descriptor *d = &cfg->interface[i].altsetting[0];
		int v = 0;
		uint8_t out = 0, in = 0;
		uint16_t mps = 0;

		if (d->bInterfaceClass == 0xFF && has_dap_name(h, d->iInterface))
			v = 2;
		else if (d->bInterfaceClass == 3 && (has_dap_name(h, d->iInterface) ||
						     strstr(product, "CMSIS-DAP")))
			v = 1;
		if (v <= p->version)
			continue;
		for (e = 0; e < d->bNumEndpoints; e++) {
			const struct libusb_endpoint_descriptor *ep = &d->endpoint[e];
			int type = ep->bmAttributes & 3;

			if (type != (v == 2 ? LIBUSB_TRANSFER_TYPE_BULK : LIBUSB_TRANSFER_TYPE_INTERRUPT))
				continue;
			if ((ep->bEndpointAddress & 0x80) && !in) {
				in = ep->bEndpointAddress;
				mps = ep->wMaxPacketSize;
			} else if (!(ep->bEndpointAddress & 0x80) && !out) {
				out = ep->bEndpointAddress;
			}
		}
		if (!in || (v == 2 && !out))
			continue;
		p->version = v;
		p->iface = d->bInterfaceNumber;
		p->ep_in = in;
		p->ep_out = out;
		p->max_packet = mps ? mps : 64;
	}
	return p->version;
}

/* An ST-LINK's debug interface is interface 0: its first bulk OUT and IN
 * endpoints (0x02/0x81 on a V2, 0x01/0x81 on V2-1 and V3; the next IN one
 * carries SWO trace). */
static int classify_stlink(const struct libusb_config_descriptor *cfg, struct mpf_usb_probe *p)
{
	const struct libusb_interface_descriptor *d;
	int e;

	if (!(p->stlink = mpf_usb_stlink_version(p->u.vid, p->u.pid)) || !cfg->bNumInterfaces)
		return 0;
	d = &cfg->interface[0].altsetting[0];
	for (e = 0; e < d->bNumEndpoints; e++) {
		const struct libusb_endpoint_descriptor *ep = &d->endpoint[e];

		if ((ep->bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_BULK)
			continue;
		if ((ep->bEndpointAddress & 0x80) && !p->ep_in) {
			p->ep_in = ep->bEndpointAddress;
			p->max_packet = ep->wMaxPacketSize;
		} else if (!(ep->bEndpointAddress & 0x80) && !p->ep_out) {
			p->ep_out = ep->bEndpointAddress;
		}
	}
	p->iface = d->bInterfaceNumber;
	if (!p->ep_in || !p->ep_out)
		p->stlink = 0;
	return p->stlink;
}

int mpf_usb_probes(struct mpf_usb_probe **out)
{
	libusb_context *ctx = mpf_usb_ctx();
	libusb_device **devs;
	ssize_t cnt, i;
	int n = 0;

	*out = NULL;
	if (!ctx || (cnt = libusb_get_device_list(ctx, &devs)) < 0)
		return 0;
	for (i = 0; i < cnt; i++) {
		struct libusb_config_descriptor *cfg;
		libusb_device_handle *h = NULL;
		struct mpf_usb_probe p;

		memset(&p, 0, sizeof(p));
		if (libusb_get_active_config_descriptor(devs[i], &cfg) < 0 &&
		    libusb_get_config_descriptor(devs[i], 0, &cfg) < 0)
			continue;
		mpf_usb_describe(devs[i], &h, &p.u);
		if (classify_stlink(cfg, &p) || (h && classify(cfg, h, p.u.product, &p)) ||
		    (p.u.denied && mpf_usb_known_probe(p.u.vid, p.u.pid))) {
			p.dev = libusb_ref_device(devs[i]);
			*out = mpf_xrealloc(*out, (n + 1) * sizeof(**out));
			(*out)[n++] = p;
		}
		if (h)
			libusb_close(h);
		libusb_free_config_descriptor(cfg);
	}
	libusb_free_device_list(devs, 1);
	return n;
}

static void mpf_usb_probe_close(struct mpf_usb_probe *p)
{
	if (!p->open)
		return;
	mpf_usb_close(&p->ud);
	p->open = 0;
}

void mpf_usb_probes_free(struct mpf_usb_probe *p, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		mpf_usb_probe_close(&p[i]);
		libusb_unref_device(p[i].dev);
	}
	free(p);
}

static void describe(const struct mpf_usb_probe *p, int n, struct mpf_buf *err)
{
	int i;

	for (i = 0; i < n; i++)
		mpf_buf_addf(err, "%s %s (%s)", i ? "," : ":", p[i].u.serial[0] ? p[i].u.serial : "?",
			     p[i].u.product[0] ? p[i].u.product : "no product string");
}

int mpf_usb_probe_select(const struct mpf_usb_probe *p, int n, const char *sel,
			 struct mpf_buf *err)
{
	int i, found = -1, hits = 0;

	if (!n)
		return mpf_errf(err, MPF_ERR_NODEV, "no CMSIS-DAP or ST-LINK probe found (is it plugged in, "
				"and may you open it? see mpf-scan --kind probe)");
	if (!sel) {
		if (n == 1)
			return 0;
		mpf_errf(err, MPF_ERR_ARG, "%d probes attached: choose one with --probe", n);
		describe(p, n, err);
		return MPF_ERR_ARG;
	}
	for (i = 0; i < n; i++)
		if (!strcmp(p[i].u.serial, sel))
			return i;
	for (i = 0; i < n; i++)
		if (strstr(p[i].u.serial, sel) || strstr(p[i].u.product, sel)) {
			found = i;
			hits++;
		}
	if (hits == 1)
		return found;
	if (!hits) {
		mpf_errf(err, MPF_ERR_NODEV, "no probe matches '%s'", sel);
		describe(p, n, err);
		return MPF_ERR_NODEV;
	}
	mpf_errf(err, MPF_ERR_ARG, "'%s' matches %d probes, give more of the serial", sel, hits);
	for (i = 0; i < n; i++)
		if (strstr(p[i].u.serial, sel) || strstr(p[i].u.product, sel))
			describe(&p[i], 1, err);
	return MPF_ERR_ARG;
}

static int bulk_write(void *ctx, const uint8_t *pkt, size_t len, int timeout_ms,
		      struct mpf_buf *err)
{
	struct mpf_usb_probe *p = ctx;
	int rc = mpf_usb_bulk(&p->ud, p->ep_out, (uint8_t *)pkt, (int)len, (unsigned)timeout_ms, err);

	if (rc < 0)
		return rc;
	/* a command that fills whole USB packets but not the DAP packet is
	 * ended by a zero-length one (as pyOCD does) */
	if (len % p->max_packet == 0 && len < p->dap->packet_size)
		rc = mpf_usb_bulk(&p->ud, p->ep_out, (uint8_t *)pkt, 0, (unsigned)timeout_ms, err);
	return rc < 0 ? rc : MPF_OK;
}

static int bulk_read(void *ctx, uint8_t *pkt, size_t cap, int timeout_ms, struct mpf_buf *err)
{
	struct mpf_usb_probe *p = ctx;

	return mpf_usb_bulk(&p->ud, p->ep_in, pkt, (int)cap, (unsigned)timeout_ms, err);
}

/* HID reports have a fixed size: commands are zero-padded to it. */
static int hid_write(void *ctx, const uint8_t *pkt, size_t len, int timeout_ms,
		     struct mpf_buf *err)
{
	struct mpf_usb_probe *p = ctx;
	uint8_t rep[1024] = { 0 };
	int rc;

	if (len > p->max_packet)
		return mpf_errf(err, MPF_ERR_ARG, "command of %zu bytes exceeds the %u-byte report",
				len, p->max_packet);
	memcpy(rep, pkt, len);
	if (p->ep_out)
		rc = mpf_usb_interrupt(&p->ud, p->ep_out, rep, p->max_packet, (unsigned)timeout_ms, err);
	else
		rc = mpf_usb_control(&p->ud, 0x21, 0x09 /* SET_REPORT */, 0x0200, (uint16_t)p->iface,
				     rep, p->max_packet, (unsigned)timeout_ms, err);
	return rc < 0 ? rc : MPF_OK;
}

static int hid_read(void *ctx, uint8_t *pkt, size_t cap, int timeout_ms, struct mpf_buf *err)
{
	struct mpf_usb_probe *p = ctx;

	return mpf_usb_interrupt(&p->ud, p->ep_in, pkt, cap < p->max_packet ? (int)cap : p->max_packet,
				 (unsigned)timeout_ms, err);
}

/* ST-LINK: the command block, its data stage, the reply, each a plain
 * bulk transfer (no zero-length packets). */
static int st_write(void *ctx, const uint8_t *pkt, size_t len, int timeout_ms,
		    struct mpf_buf *err)
{
	struct mpf_usb_probe *p = ctx;
	int rc = mpf_usb_bulk(&p->ud, p->ep_out, (uint8_t *)pkt, (int)len, (unsigned)timeout_ms, err);

	return rc < 0 ? rc : MPF_OK;
}

static int st_read(void *ctx, uint8_t *pkt, size_t cap, int timeout_ms, struct mpf_buf *err)
{
	struct mpf_usb_probe *p = ctx;

	return mpf_usb_bulk(&p->ud, p->ep_in, pkt, (int)cap, (unsigned)timeout_ms, err);
}

void mpf_probe_link_release(struct mpf_probe_link *l)
{
	mpf_dap_release(&l->dap);
}

int mpf_usb_probe_open(struct mpf_usb_probe *p, struct mpf_probe_link *l, int timeout_ms,
		       struct mpf_buf *err)
{
	struct mpf_dap_io io = { bulk_write, bulk_read, p };
	struct mpf_dap *d = &l->dap;
	int rc;

	memset(l, 0, sizeof(*l));
	if (!p->version && !p->stlink) {
		mpf_buf_reset(err);
		mpf_usb_access_hint(p->u.vid, p->u.pid, err);
		return MPF_ERR_PERM;
	}
	/* lib/transport/usb turns EACCES into the udev hint, detaches usbhid (v1 probes)
	 * and releases the claim however the program ends */
	if ((rc = mpf_usb_open(p->dev, &p->ud, err)) < 0)
		return rc;
	p->open = 1;
	if ((rc = mpf_usb_claim(&p->ud, p->iface, err)) < 0) {
		mpf_usb_probe_close(p);
		return rc;
	}
	if (p->stlink) {
		io.write = st_write;
		io.read = st_read;
		mpf_stlink_init(&l->st, &io);
		l->st.timeout_ms = timeout_ms;
		l->stlink = 1;
		return MPF_OK;
	}
	if (p->version == 1) {
		io.write = hid_write;
		io.read = hid_read;
	}
	mpf_dap_init(d, &io, p->version);
	d->timeout_ms = timeout_ms;
	p->dap = d;
	if (p->version == 1)
		d->packet_size = p->max_packet;
	return MPF_OK;
}
