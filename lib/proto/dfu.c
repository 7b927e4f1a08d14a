/* dfu.c - USB DFU 1.1 requests, the status poll with device workarounds,
 * recovery to dfuIDLE and the standard download (doc/protocols.md 2.1). */
#include "dfu.h"
#include "err.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[] = {
	"appIDLE", "appDETACH", "dfuIDLE", "dfuDNLOAD-SYNC", "dfuDNBUSY", "dfuDNLOAD-IDLE",
	"dfuMANIFEST-SYNC", "dfuMANIFEST", "dfuMANIFEST-WAIT-RESET", "dfuUPLOAD-IDLE",
	"dfuERROR",
};

/* DFU 1.1 section 6.1.2, table 6.4. */
static const char *const status_names[] = {
	"OK",
	"errTARGET (file is not targeted for use by this device)",
	"errFILE (file fails a vendor-specific verification test)",
	"errWRITE (device is unable to write memory)",
	"errERASE (memory erase function failed)",
	"errCHECK_ERASED (memory erase check failed)",
	"errPROG (program memory function failed)",
	"errVERIFY (programmed memory failed verification)",
	"errADDRESS (address out of range)",
	"errNOTDONE (received DNLOAD with wLength = 0 before the firmware was complete)",
	"errFIRMWARE (device firmware is corrupt; cannot return to run-time operation)",
	"errVENDOR (vendor-specific error; on STM32: read protection is active)",
	"errUSBR (unexpected USB reset)",
	"errPOR (unexpected power on reset)",
	"errUNKNOWN (something went wrong)",
	"errSTALLEDPKT (device stalled an unexpected request)",
};

const char *mpf_dfu_state_name(int state)
{
	return state >= 0 && state <= MPF_DFU_ERROR ? state_names[state] : "unknown state";
}

const char *mpf_dfu_status_name(int status)
{
	return status >= 0 && status <= 15 ? status_names[status] : "unknown status";
}

int mpf_dfu_status_parse(const uint8_t *buf, size_t len, struct mpf_dfu_status *st)
{
	if (len != 6)
		return MPF_ERR_PROTO;
	st->status = buf[0];
	st->poll_ms = (uint32_t)buf[1] | (uint32_t)buf[2] << 8 | (uint32_t)buf[3] << 16;
	st->state = buf[4];
	st->istring = buf[5];
	return MPF_OK;
}

int mpf_dfu_func_parse(const uint8_t *extra, size_t len, struct mpf_dfu_func *f)
{
	size_t i = 0;

	while (i + 2 <= len && extra[i] >= 2) {
		const uint8_t *p = extra + i;

		if (p[1] == 0x21) {
			if (p[0] < 7 || i + p[0] > len)
				return MPF_ERR_PROTO;
			f->attributes = p[2];
			f->detach_ms = (uint16_t)(p[3] | p[4] << 8);
			f->transfer_size = (uint16_t)(p[5] | p[6] << 8);
			/* a 7-byte descriptor is DFU 1.0, which had no version field */
			f->version = p[0] >= 9 ? (uint16_t)(p[7] | p[8] << 8) : 0x0100;
			return 1;
		}
		i += p[0];
	}
	return 0;
}

/* Workarounds (dfu-util quirks.c and dfuse.c; doc/protocols.md 2.1). */
static const struct mpf_dfu_quirk quirks[] = {
	{ .vid = 0x0483, .pid = 0xdf11, .bcd_lo = 0x0000, .bcd_hi = 0xffff,
	  .flags = MPF_DFU_QUIRK_MASS_ERASE_POLL | MPF_DFU_QUIRK_EARLY_STALL,
	  .why = "STM32 system bootloader: F405 reports 100 ms for a mass erase of up to 32 s; "
		 "some L4 ROMs stall a GETSTATUS sent before the poll timeout is really over" },
	{ .vid = 0x28e9, .pid = 0x0189, .bcd_lo = 0x0000, .bcd_hi = 0xffff,
	  .flags = MPF_DFU_QUIRK_LEAVE_SILENT,
	  .why = "GigaDevice GD32VF103 ROM: leaves without answering GETSTATUS (dfu-util quirks.c; "
		 "its wrong page size in the layout is not corrected here)" },
};

unsigned mpf_dfu_quirks(uint16_t vid, uint16_t pid, uint16_t bcd)
{
	unsigned f = 0;
	size_t i;

	for (i = 0; i < sizeof(quirks) / sizeof(quirks[0]); i++)
		if (quirks[i].vid == vid && quirks[i].pid == pid && bcd >= quirks[i].bcd_lo &&
		    bcd <= quirks[i].bcd_hi)
			f |= quirks[i].flags;
	return f;
}

const struct mpf_dfu_quirk *mpf_dfu_quirk_table(size_t *n)
{
	*n = sizeof(quirks) / sizeof(quirks[0]);
	return quirks;
}

void mpf_dfu_init(struct mpf_dfu *d, const struct mpf_dfu_io *io, uint16_t iface)
{
	memset(d, 0, sizeof(*d));
	d->io = io;
	d->iface = iface;
	d->timeout_ms = 5000;
	d->mass_erase_ms = 35000;
	d->interrupted_check = 1;
}

static int ctl(struct mpf_dfu *d, int in, uint8_t req, uint16_t value, uint8_t *data,
	       uint16_t len, struct mpf_buf *err)
{
	d->stats.control++;
	return d->io->control(d->io->ctx, in ? 0xa1 : 0x21, req, value, d->iface, data, len,
			      d->timeout_ms, err);
}

int mpf_dfu_get_status(struct mpf_dfu *d, struct mpf_dfu_status *st, struct mpf_buf *err)
{
	uint8_t buf[6];
	int r;

	d->stats.getstatus++;
	r = ctl(d, 1, MPF_DFU_GETSTATUS, 0, buf, 6, err);
	if (r < 0)
		return r;
	if (mpf_dfu_status_parse(buf, (size_t)r, st) < 0)
		return mpf_errf(err, MPF_ERR_PROTO, "GETSTATUS returned %d bytes, not 6", r);
	return MPF_OK;
}

static int mpf_dfu_clear_status(struct mpf_dfu *d, struct mpf_buf *err)
{
	int r = ctl(d, 0, MPF_DFU_CLRSTATUS, 0, NULL, 0, err);

	return r < 0 ? r : MPF_OK;
}

int mpf_dfu_abort(struct mpf_dfu *d, struct mpf_buf *err)
{
	int r = ctl(d, 0, MPF_DFU_ABORT, 0, NULL, 0, err);

	return r < 0 ? r : MPF_OK;
}

int mpf_dfu_dnload(struct mpf_dfu *d, uint16_t block, const uint8_t *data, uint16_t len,
		   struct mpf_buf *err)
{
	d->stats.dnload++;
	return ctl(d, 0, MPF_DFU_DNLOAD, block, (uint8_t *)data, len, err);
}

int mpf_dfu_upload(struct mpf_dfu *d, uint16_t block, uint8_t *data, uint16_t len,
		   struct mpf_buf *err)
{
	d->stats.upload++;
	return ctl(d, 1, MPF_DFU_UPLOAD, block, data, len, err);
}

int mpf_dfu_to_idle(struct mpf_dfu *d, struct mpf_buf *err)
{
	struct mpf_dfu_status st;
	int i, r;

	for (i = 0; i < 5; i++) {
		r = mpf_dfu_get_status(d, &st, err);
		if (r < 0)
			return r;
		switch (st.state) {
		case MPF_DFU_IDLE:
			return MPF_OK;
		case MPF_DFU_ERROR:
			mpf_debug("dfu: %s in dfuERROR, clearing", mpf_dfu_status_name(st.status));
			r = mpf_dfu_clear_status(d, err);
			break;
		case MPF_DFU_DNLOAD_SYNC: case MPF_DFU_DNLOAD_IDLE:
		case MPF_DFU_MANIFEST_SYNC: case MPF_DFU_UPLOAD_IDLE:
			r = mpf_dfu_abort(d, err);
			break;
		case MPF_DFU_DNBUSY: case MPF_DFU_MANIFEST:
			d->io->sleep_ms(d->io->ctx, st.poll_ms ? st.poll_ms : 10);
			r = MPF_OK;
			break;
		case MPF_DFU_APP_IDLE: case MPF_DFU_APP_DETACH:
			return mpf_errf(err, MPF_ERR_PROTO,
					"device is in run-time mode (%s), not in DFU mode",
					mpf_dfu_state_name(st.state));
		default:
			return mpf_errf(err, MPF_ERR_PROTO, "device is in %s and needs a USB reset",
					mpf_dfu_state_name(st.state));
		}
		if (r < 0)
			return r;
	}
	return mpf_errf(err, MPF_ERR_PROTO, "device does not return to dfuIDLE (still %s, %s)",
			mpf_dfu_state_name(st.state), mpf_dfu_status_name(st.status));
}

static int busy_state(int state)
{
	return state == MPF_DFU_DNBUSY || state == MPF_DFU_DNLOAD_SYNC;
}

/* What to do with a failed GETSTATUS while the device may be working:
 * 1 = ask again, 0 = give up. A device erasing flash in its USB interrupt
 * NAKs the request until it is done, which the host sees as a timeout; some
 * STM32L4 ROMs stall instead. */
static int retry_status(struct mpf_dfu *d, int r, int busy_seen, unsigned last_poll, int *stalls)
{
	if (r == MPF_ERR_TIMEOUT && busy_seen)
		return 1;
	if (r == MPF_ERR_PROTO && (d->quirks & MPF_DFU_QUIRK_EARLY_STALL) && last_poll &&
	    (*stalls)++ < 3) {
		d->io->sleep_ms(d->io->ctx, last_poll);
		return 1;
	}
	return 0;
}

int mpf_dfu_wait(struct mpf_dfu *d, const char *what, int mass_erase, struct mpf_dfu_status *st,
		 struct mpf_buf *err)
{
	int64_t start = d->io->now_ms(d->io->ctx);
	/* pydfu allows 20 s for a status. A device known to under-report its
	 * mass erase time gets the quirk's limit; any device that asks for a
	 * longer poll timeout gets it (below). */
	int64_t limit = mass_erase && (d->quirks & MPF_DFU_QUIRK_MASS_ERASE_POLL)
				? (int64_t)d->mass_erase_ms + d->timeout_ms : 20000;
	unsigned last_poll = 0;
	int zero = 0, stalls = 0, busy_seen = 0, r;

	for (;;) {
		struct mpf_buf e = MPF_BUF_INIT;

		r = mpf_dfu_get_status(d, st, &e);
		if (r < 0 && retry_status(d, r, busy_seen, last_poll, &stalls) &&
		    d->io->now_ms(d->io->ctx) - start < limit) {
			mpf_debug("dfu: %s: %s, asking again", what, mpf_buf_str(&e));
			mpf_buf_release(&e);
			continue;
		}
		if (r < 0) {
			mpf_errf(err, r, "%s: GETSTATUS: %s", what, mpf_buf_str(&e));
			mpf_buf_release(&e);
			return r;
		}
		mpf_buf_release(&e);
		if (st->status != MPF_DFU_STATUS_OK)
			return mpf_errf(err, MPF_ERR_PROTO, "%s: device reports %s (%s)", what,
					mpf_dfu_status_name(st->status),
					mpf_dfu_state_name(st->state));
		if (!busy_state(st->state))
			return MPF_OK;
		busy_seen = 1;
		if (st->poll_ms == 0 && ++zero >= 100)
			return mpf_errf(err, MPF_ERR_PROTO, "%s: device stays busy with no poll "
					"timeout (100 replies)", what);
		if (st->poll_ms)
			zero = 0;
		last_poll = st->poll_ms;
		if (d->io->now_ms(d->io->ctx) - start + st->poll_ms + d->timeout_ms > limit &&
		    st->poll_ms >= 1000)
			limit = d->io->now_ms(d->io->ctx) - start + st->poll_ms + d->timeout_ms;
		if (d->io->now_ms(d->io->ctx) - start + st->poll_ms > limit)
			return mpf_errf(err, MPF_ERR_TIMEOUT, "%s: device still busy after %lld ms",
					what, (long long)limit);
		if (d->interrupted_check && mpf_interrupted)
			return mpf_errf(err, MPF_ERR_INTR, "%s: interrupted", what);
		d->io->sleep_ms(d->io->ctx, st->poll_ms);
	}
}

/* After the zero-length DNLOAD: dfuMANIFEST-SYNC -> dfuMANIFEST -> dfuIDLE
 * (manifestation tolerant) or dfuMANIFEST-WAIT-RESET; a device that
 * detaches on its own may stop answering, which is success too. */
static int manifest(struct mpf_dfu *d, struct mpf_buf *err)
{
	struct mpf_dfu_status st;
	int i, r;

	for (i = 0; i < 1000; i++) {
		struct mpf_buf e = MPF_BUF_INIT;

		r = mpf_dfu_get_status(d, &st, &e);
		if (r == MPF_ERR_NODEV || (r < 0 && (d->func.attributes & MPF_DFU_WILL_DETACH))) {
			mpf_debug("dfu: device left during manifestation (%s)", mpf_buf_str(&e));
			mpf_buf_release(&e);
			return MPF_OK;
		}
		if (r < 0) {
			mpf_errf(err, r, "manifestation: %s", mpf_buf_str(&e));
			mpf_buf_release(&e);
			return r;
		}
		if (st.status != MPF_DFU_STATUS_OK)
			return mpf_errf(err, MPF_ERR_PROTO, "manifestation: device reports %s",
					mpf_dfu_status_name(st.status));
		if (st.state == MPF_DFU_IDLE || st.state == MPF_DFU_MANIFEST_WAIT_RESET ||
		    (st.state == MPF_DFU_MANIFEST && !(d->func.attributes & MPF_DFU_MANIFEST_TOLERANT)))
			return MPF_OK;
		d->io->sleep_ms(d->io->ctx, st.poll_ms ? st.poll_ms : 1);
	}
	return mpf_errf(err, MPF_ERR_TIMEOUT, "manifestation does not end (%s)",
			mpf_dfu_state_name(st.state));
}

int mpf_dfu_download(struct mpf_dfu *d, const uint8_t *data, size_t len,
		     void (*progress)(void *ctx, size_t done), void *pctx, struct mpf_buf *err)
{
	struct mpf_dfu_status st;
	size_t off = 0, ts = d->func.transfer_size ? d->func.transfer_size : 1024;
	uint16_t block = 0;
	char what[64];
	int r;

	while (off < len) {
		size_t n = len - off < ts ? len - off : ts;

		r = mpf_dfu_dnload(d, block, data + off, (uint16_t)n, err);
		if (r < 0)
			return r;
		snprintf(what, sizeof(what), "download block %u", block);
		r = mpf_dfu_wait(d, what, 0, &st, err);
		if (r < 0)
			return r;
		off += n;
		block++;
		if (progress)
			progress(pctx, off);
	}
	r = mpf_dfu_dnload(d, block, NULL, 0, err);
	if (r < 0)
		return r;
	return manifest(d, err);
}

int mpf_dfu_upload_image(struct mpf_dfu *d, uint8_t *out, size_t len, struct mpf_buf *err)
{
	size_t off = 0, ts = d->func.transfer_size ? d->func.transfer_size : 1024;
	uint16_t block = 0;
	int r;

	while (off < len) {
		r = mpf_dfu_upload(d, block++, out + off, (uint16_t)ts, err);
		if (r < 0)
			return r;
		off += (size_t)r < len - off ? (size_t)r : len - off;
		if ((size_t)r < ts && off < len)
			return mpf_errf(err, MPF_ERR_PROTO, "the device's image is %zu bytes, "
					"shorter than the %zu written", off, len);
		if ((size_t)r < ts)
			return MPF_OK;	/* the short frame ended the upload: dfuIDLE */
	}
	/* all read with full frames: end the upload */
	return mpf_dfu_abort(d, err);
}

/* A byte at a time through a table built per call (1 KiB on the stack,
 * 2048 steps): megabytes of flash are checked against it. */
uint32_t mpf_dfu_crc32(const uint8_t *buf, size_t len)
{
	uint32_t crc = 0xffffffffu, t[256], c;
	size_t i;
	int k;

	for (i = 0; i < 256; i++) {
		for (c = (uint32_t)i, k = 0; k < 8; k++)
			c = c >> 1 ^ (0xedb88320u & (0u - (c & 1)));
		t[i] = c;
	}
	for (i = 0; i < len; i++)
		crc = t[(crc ^ buf[i]) & 0xFF] ^ crc >> 8;
	return crc;
}
