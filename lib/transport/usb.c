/* usb.c - libusb context, device descriptions, finding and driving a device. */
#include "usb.h"
#include "err.h"
#include "fault.h"
#include "log.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Ids and location only: no need to open the device. */
/* The ids and place of dev, from its device descriptor (into *d). */
static int describe_ids(libusb_device *dev, struct mpf_usb_info *info,
			struct libusb_device_descriptor *d)
{
	memset(info, 0, sizeof(*info));
	if (libusb_get_device_descriptor(dev, d) < 0)
		return MPF_ERR_IO;
	info->vid = d->idVendor;
	info->pid = d->idProduct;
	info->bus = libusb_get_bus_number(dev);
	info->address = libusb_get_device_address(dev);
	location(dev, info->location, sizeof(info->location));
	return MPF_OK;
}

int mpf_usb_describe(libusb_device *dev, libusb_device_handle **handle,
		     struct mpf_usb_info *info)
{
	struct libusb_device_descriptor d;
	libusb_device_handle *h = handle ? *handle : NULL;
	int r, opened = 0;

	if (describe_ids(dev, info, &d) < 0)
		return MPF_ERR_IO;
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

/* ---- finding and driving one device ---------------------------------- */

void mpf_usb_match_init(struct mpf_usb_match *m)
{
	memset(m, 0, sizeof(*m));
	m->vid = m->pid = m->bus = m->address = -1;
}

static int is_location(const char *s)
{
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p++ != '-' || !isdigit((unsigned char)*p))
		return 0;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '.')
			return 0;
	return 1;
}

int mpf_usb_match_parse(const char *s, struct mpf_usb_match *m, struct mpf_buf *err)
{
	const char *colon = strchr(s, ':');

	mpf_usb_match_init(m);
	if (colon) {
		char *end;
		unsigned long v = strtoul(s, &end, 16), p;

		if (end != colon || colon == s || v > 0xffff)
			return mpf_errf(err, MPF_ERR_ARG, "bad device '%s': want vid:pid in hex, "
					"bus-port or a serial number", s);
		p = strtoul(colon + 1, &end, 16);
		if (*end || end == colon + 1 || p > 0xffff)
			return mpf_errf(err, MPF_ERR_ARG, "bad device '%s': want vid:pid in hex", s);
		m->vid = (int)v;
		m->pid = (int)p;
	} else if (is_location(s)) {
		snprintf(m->location, sizeof(m->location), "%s", s);
	} else if (*s) {
		snprintf(m->serial, sizeof(m->serial), "%s", s);
	}
	return MPF_OK;
}

int mpf_usb_match_info(const struct mpf_usb_match *m, const struct mpf_usb_info *i)
{
	return (m->vid < 0 || m->vid == i->vid) && (m->pid < 0 || m->pid == i->pid) &&
	       (m->bus < 0 || m->bus == i->bus) && (m->address < 0 || m->address == i->address) &&
	       (!m->location[0] || !strcmp(m->location, i->location)) &&
	       (!m->serial[0] || !strcmp(m->serial, i->serial));
}

void mpf_usb_match_describe(const struct mpf_usb_match *m, struct mpf_buf *out)
{
	size_t start = out->len;

	if (m->vid >= 0)
		mpf_buf_addf(out, "%04x:%04x", m->vid, m->pid);
	if (m->bus >= 0)
		mpf_buf_addf(out, "%sbus %d address %d", out->len > start ? " " : "", m->bus,
			     m->address);
	if (m->location[0])
		mpf_buf_addf(out, "%sat %s", out->len > start ? " " : "", m->location);
	if (m->serial[0])
		mpf_buf_addf(out, "%sserial %s", out->len > start ? " " : "", m->serial);
	if (out->len == start)
		mpf_buf_addstr(out, "any device");
}

/* A libusb error as an mpf_err (with a message naming what failed). */
static int mpf_usb_err(int e, const char *what, struct mpf_buf *err)
{
	switch (e) {
	case LIBUSB_ERROR_TIMEOUT:
		return mpf_errf(err, MPF_ERR_TIMEOUT, "%s: no answer (timeout)", what);
	case LIBUSB_ERROR_PIPE:
		return mpf_errf(err, MPF_ERR_PROTO, "%s: the device stalled the request", what);
	case LIBUSB_ERROR_NO_DEVICE: case LIBUSB_ERROR_NOT_FOUND:
		return mpf_errf(err, MPF_ERR_NODEV, "%s: the device is gone", what);
	case LIBUSB_ERROR_ACCESS:
		return mpf_errf(err, MPF_ERR_PERM, "%s: permission denied", what);
	case LIBUSB_ERROR_BUSY:
		return mpf_errf(err, MPF_ERR_BUSY, "%s: the device is in use by another program",
				what);
	case LIBUSB_ERROR_INTERRUPTED:
		return mpf_errf(err, MPF_ERR_INTR, "%s: interrupted", what);
	}
	return mpf_errf(err, MPF_ERR_IO, "%s: %s", what, libusb_strerror(e));
}

int mpf_usb_open(libusb_device *dev, struct mpf_usb_dev *u, struct mpf_buf *err)
{
	int r;

	memset(u, 0, sizeof(*u));
	u->iface = -1;
	u->cleanup = -1;
	u->dev = libusb_ref_device(dev);
	r = libusb_open(dev, &u->h);
	mpf_usb_describe(dev, u->h ? &u->h : NULL, &u->info);
	if (r == LIBUSB_ERROR_ACCESS) {
		struct mpf_buf hint = MPF_BUF_INIT;

		mpf_usb_access_hint(u->info.vid, u->info.pid, &hint);
		mpf_errf(err, MPF_ERR_PERM, "%s", hint.buf);
		mpf_buf_release(&hint);
		mpf_usb_close(u);
		return MPF_ERR_PERM;
	}
	if (r < 0) {
		u->h = NULL;
		r = mpf_usb_err(r, "cannot open the USB device", err);
		mpf_usb_close(u);
		return r;
	}
	return MPF_OK;
}

/* Runs on any exit (mpf_die, signals): a claimed interface is released
 * and the kernel driver we detached is bound again. */
static void usb_cleanup(void *arg)
{
	struct mpf_usb_dev *u = arg;

	if (u->h && u->iface >= 0) {
		libusb_release_interface(u->h, u->iface);
		if (u->reattach)
			libusb_attach_kernel_driver(u->h, u->iface);
	}
	u->iface = -1;
}

int mpf_usb_claim(struct mpf_usb_dev *u, int iface, struct mpf_buf *err)
{
	int r = libusb_kernel_driver_active(u->h, iface);

	if (r == 1) {
		r = libusb_detach_kernel_driver(u->h, iface);
		if (r < 0)
			return mpf_usb_err(r, "cannot detach the kernel driver", err);
		u->reattach = 1;
		mpf_debug("detached the kernel driver from interface %d", iface);
	}
	r = libusb_claim_interface(u->h, iface);
	if (r < 0) {
		if (u->reattach)
			libusb_attach_kernel_driver(u->h, iface);
		u->reattach = 0;
		return mpf_usb_err(r, "cannot claim the USB interface", err);
	}
	u->iface = iface;
	u->cleanup = mpf_cleanup_push(usb_cleanup, u);
	return MPF_OK;
}

int mpf_usb_set_alt(struct mpf_usb_dev *u, int alt, struct mpf_buf *err)
{
	int r = libusb_set_interface_alt_setting(u->h, u->iface, alt);

	if (r < 0) {
		char what[64];

		snprintf(what, sizeof(what), "cannot select alt setting %d", alt);
		return mpf_usb_err(r, what, err);
	}
	return MPF_OK;
}

void mpf_usb_close(struct mpf_usb_dev *u)
{
	if (u->cleanup >= 0)
		mpf_cleanup_pop(u->cleanup);
	u->cleanup = -1;
	usb_cleanup(u);
	if (u->h)
		libusb_close(u->h);
	u->h = NULL;
	if (u->dev)
		libusb_unref_device(u->dev);
	u->dev = NULL;
}

int mpf_usb_control(struct mpf_usb_dev *u, uint8_t request_type, uint8_t request,
		    uint16_t value, uint16_t index, uint8_t *data, uint16_t len,
		    unsigned timeout_ms, struct mpf_buf *err)
{
	int r;
	char what[64];

	snprintf(what, sizeof(what), "control request %02x/%u", request_type, request);
	/* MPF_FAULT=usb:N: the Nth transfer fails as a yanked cable would */
	if (mpf_fault("usb"))
		return mpf_errf(err, MPF_ERR_IO, "%s: injected usb fault", what);
	r = libusb_control_transfer(u->h, request_type, request, value, index, data, len,
				    timeout_ms);
	if (r >= 0)
		return r;
	return mpf_usb_err(r, what, err);
}

static int data_xfer(struct mpf_usb_dev *u, int intr, uint8_t ep, uint8_t *data, int len,
		     unsigned timeout_ms, struct mpf_buf *err)
{
	int n = 0, r;
	char what[64];

	snprintf(what, sizeof(what), "%s transfer on endpoint %02x", intr ? "interrupt" : "bulk",
		 ep);
	if (mpf_fault("usb"))
		return mpf_errf(err, MPF_ERR_IO, "%s: injected usb fault", what);
	r = intr ? libusb_interrupt_transfer(u->h, ep, data, len, &n, timeout_ms)
		 : libusb_bulk_transfer(u->h, ep, data, len, &n, timeout_ms);
	if (r == 0 || (r == LIBUSB_ERROR_TIMEOUT && n > 0))
		return n;
	return mpf_usb_err(r, what, err);
}

int mpf_usb_bulk(struct mpf_usb_dev *u, uint8_t ep, uint8_t *data, int len,
		 unsigned timeout_ms, struct mpf_buf *err)
{
	return data_xfer(u, 0, ep, data, len, timeout_ms, err);
}

int mpf_usb_interrupt(struct mpf_usb_dev *u, uint8_t ep, uint8_t *data, int len,
		      unsigned timeout_ms, struct mpf_buf *err)
{
	return data_xfer(u, 1, ep, data, len, timeout_ms, err);
}

int mpf_usb_find(const struct mpf_usb_match *m, int (*accept)(libusb_device *dev, void *ctx),
		 void *actx, libusb_device ***out)
{
	libusb_context *c = mpf_usb_ctx();
	libusb_device **devs;
	ssize_t cnt, i;
	int n = 0;

	*out = NULL;
	if (!c)
		return 0;
	cnt = libusb_get_device_list(c, &devs);
	if (cnt < 0)
		return 0;
	for (i = 0; i < cnt; i++) {
		struct mpf_usb_info info;
		struct libusb_device_descriptor dd;

		if (accept && !accept(devs[i], actx))
			continue;
		/* strings only when a serial number has to be compared */
		if (m->serial[0])
			mpf_usb_describe(devs[i], NULL, &info);
		else
			describe_ids(devs[i], &info, &dd);
		if (!mpf_usb_match_info(m, &info))
			continue;
		*out = mpf_xrealloc(*out, (size_t)(n + 1) * sizeof(**out));
		(*out)[n++] = libusb_ref_device(devs[i]);
	}
	libusb_free_device_list(devs, 1);
	return n;
}

void mpf_usb_list_free(libusb_device **list, int n)
{
	int i;

	for (i = 0; i < n; i++)
		libusb_unref_device(list[i]);
	free(list);
}
