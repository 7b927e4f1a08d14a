/* dfu_flash.c - load, check, erase, write, verify, leave (dfu_flash.h). */
#include "dfu_flash.h"
#include "clock.h"
#include "err.h"
#include "fsutil.h"
#include "log.h"
#include "progress.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- images --------------------------------------------------------------- */

static void add_part(struct mpf_dfu_image *im, int alt, uint32_t addr, uint32_t len,
		     const uint8_t *data)
{
	im->part = mpf_xrealloc(im->part, (im->n + 1) * sizeof(*im->part));
	im->part[im->n++] = (struct mpf_dfu_part){ alt, addr, len, data };
	im->bytes += len;
}

#define DFU_TAKES (MPF_IMAGE_TAKES(MPF_IMAGE_BIN) | MPF_IMAGE_TAKES(MPF_IMAGE_HEX) | \
		   MPF_IMAGE_TAKES(MPF_IMAGE_ELF) | MPF_IMAGE_TAKES(MPF_IMAGE_DFUSE))

static int named_dfu(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot && !strcasecmp(dot, ".dfu");
}

/* Segments become parts: a DfuSe file's on their targets' alt settings,
 * the others' on alt. */
static void take_segments(struct mpf_dfu_image *im, int alt)
{
	const struct mpf_image *g = &im->img;
	size_t i;

	for (i = 0; i < g->n; i++) {
		if (g->seg[i].len > UINT32_MAX)
			continue;	/* mpf_load_file caps files far below */
		add_part(im, g->fmt == MPF_IMAGE_DFUSE ? g->seg[i].alt : alt, g->seg[i].addr,
			 (uint32_t)g->seg[i].len, g->seg[i].data);
	}
	im->format = g->fmt == MPF_IMAGE_DFUSE ? "dfu" : g->format;
	im->has_ids = g->has_ids;
	im->vid = g->vid;
	im->pid = g->pid;
}

static int load(const char *path, int alt, uint32_t addr, struct mpf_dfu_image *im,
		struct mpf_buf *e)
{
	int r = mpf_image_parse((const uint8_t *)im->raw.buf, im->raw.len, addr, &im->img, e);

	if (r < 0)
		return r;
	if (named_dfu(path) && im->img.fmt == MPF_IMAGE_BIN && !im->img.suffix_len)
		/* a .dfu is DfuSe or a raw image with a DFU suffix: one with
		 * neither is damaged or not firmware at all (an error page
		 * saved under the name), never something to write raw */
		return mpf_errf(e, MPF_ERR_FORMAT, "not a DFU file: no DfuSe prefix and no DFU "
				"suffix");
	take_segments(im, alt);
	return MPF_OK;
}

int mpf_dfu_image_load(const char *path, int alt, uint32_t addr, int addr_set,
		       struct mpf_dfu_image *im, struct mpf_buf *err)
{
	struct mpf_buf e = MPF_BUF_INIT;
	int r;

	memset(im, 0, sizeof(*im));
	r = mpf_load_file(path, MPF_FIRMWARE_MAX, &im->raw, err);
	if (r < 0) {
		mpf_buf_release(&im->raw);
		return r;
	}
	im->bin_addr_set = addr_set;
	r = load(path, alt, addr, im, &e);
	if (r == MPF_OK && (r = mpf_image_accept(&im->img, path, DFU_TAKES, err)) < 0) {
		mpf_dfu_image_release(im);
		mpf_buf_release(&e);
		return r;
	}
	if (r == MPF_OK && !im->bytes)
		r = mpf_errf(&e, MPF_ERR_FORMAT, "no data to write");
	if (r < 0) {
		mpf_errf(err, r, "'%s': %s", path, mpf_buf_str(&e));
		mpf_dfu_image_release(im);
	}
	mpf_buf_release(&e);
	return r;
}

void mpf_dfu_image_release(struct mpf_dfu_image *im)
{
	mpf_image_release(&im->img);
	free(im->part);
	mpf_buf_release(&im->raw);
	memset(im, 0, sizeof(*im));
}

/* ---- device side ------------------------------------------------------ */

int mpf_dfu_layout(struct mpf_dfu_usb *d, int alt, struct mpf_dfuse_layout *l,
		   struct mpf_buf *err)
{
	const struct mpf_dfu_alt *a = mpf_dfu_usb_alt(d, alt);
	struct mpf_buf e = MPF_BUF_INIT;
	int r;

	if (!a)
		return mpf_errf(err, MPF_ERR_ARG, "the device has no alt setting %d", alt);
	r = mpf_dfuse_layout_parse(a->name, l, &e);
	if (r < 0)
		mpf_errf(err, MPF_ERR_PROTO, "alt setting %d: \"%s\": %s", alt, a->name,
			 mpf_buf_str(&e));
	mpf_buf_release(&e);
	return r;
}

static int is_dfuse(const struct mpf_dfu_usb *d)
{
	return d->dfu.func.version == MPF_DFU_VERSION_DFUSE;
}

static int check_part(struct mpf_dfu_usb *d, struct mpf_dfu_part *p,
		      const struct mpf_dfu_flash_opts *o, int bin_addr_set, struct mpf_buf *err)
{
	struct mpf_dfuse_layout l;
	struct mpf_buf e = MPF_BUF_INIT;
	unsigned need = MPF_DFUSE_WRITE | (o->erase_all ? 0 : MPF_DFUSE_ERASE);
	int r = mpf_dfu_layout(d, p->alt, &l, err);

	if (r < 0)
		return r;
	if (!bin_addr_set)
		p->addr = l.seg[0].addr;
	r = mpf_dfuse_layout_check(&l, p->addr, p->len, need, &e);
	if (r < 0)
		mpf_errf(err, MPF_ERR_ARG, "refusing to write 0x%08x..0x%08x (alt %d): %s",
			 p->addr, (unsigned)(p->addr + p->len - 1), p->alt, mpf_buf_str(&e));
	mpf_buf_release(&e);
	mpf_dfuse_layout_release(&l);
	return r;
}

/* Check im against the device: alt settings exist, every part lies in
 * writable (and erasable) memory of its alt's layout, the file's vid:pid
 * fits; a .bin without an address goes to the start of its alt's memory.
 * Nothing is written. MPF_ERR_ARG with the reason. */
static int mpf_dfu_image_check(struct mpf_dfu_usb *d, struct mpf_dfu_image *im,
			       const struct mpf_dfu_flash_opts *o, struct mpf_buf *err)
{
	const struct mpf_usb_info *u = &d->usb.info;
	size_t i;
	int r;

	if (im->has_ids && !o->force && (im->vid != 0xffff || im->pid != 0xffff) &&
	    ((im->vid != 0xffff && im->vid != u->vid) || (im->pid != 0xffff && im->pid != u->pid)))
		return mpf_errf(err, MPF_ERR_ARG, "the file is made for %04x:%04x, the device is "
				"%04x:%04x (--force writes it anyway)", im->vid, im->pid, u->vid,
				u->pid);
	if (!(d->dfu.func.attributes & MPF_DFU_CAN_DNLOAD))
		return mpf_errf(err, MPF_ERR_SUPP, "the device does not accept downloads");
	if (!is_dfuse(d)) {
		if (im->img.fmt != MPF_IMAGE_BIN || im->n != 1)
			return mpf_errf(err, MPF_ERR_ARG, "a DFU %x.%02x device takes a .bin image "
					"only (it has no addresses)", d->dfu.func.version >> 8,
					d->dfu.func.version & 0xff);
		return mpf_dfu_usb_alt(d, im->part[0].alt) ? MPF_OK :
			mpf_errf(err, MPF_ERR_ARG, "the device has no alt setting %d",
				 im->part[0].alt);
	}
	for (i = 0; i < im->n; i++) {
		r = check_part(d, &im->part[i], o, im->img.fmt != MPF_IMAGE_BIN || im->bin_addr_set,
			       err);
		if (r < 0)
			return r;
	}
	return MPF_OK;
}

struct prog {
	struct mpf_progress *p;
	const char *id;
	const char *phase;
	uint64_t done;		/* bytes the device confirmed in this phase */
};

static void prog_fn(void *ctx, const char *phase, uint64_t done, uint64_t total)
{
	struct prog *pg = ctx;

	pg->done = done;
	mpf_progress_update(pg->p, done);
}

static void phase_begin(struct prog *pg, const char *phase, uint64_t total)
{
	pg->p = mpf_progress_begin(pg->id, phase, total);
	pg->done = 0;
}

static void phase_end(struct prog *pg, int ok)
{
	mpf_progress_end(pg->p, ok);
	pg->p = NULL;
}

/* Erase every page the parts of alt touch, each once. */
static int erase_pages(struct mpf_dfu_usb *d, struct mpf_dfu_image *im, int alt,
		       struct prog *pg, struct mpf_dfu_flash_result *res, struct mpf_buf *err)
{
	struct mpf_dfuse_layout l;
	uint32_t *pages = NULL;
	size_t n = 0, i;
	int r;

	memset(&l, 0, sizeof(l));
	r = mpf_dfu_layout(d, alt, &l, err);

	for (i = 0; r == MPF_OK && i < im->n; i++)
		if (im->part[i].alt == alt)
			r = mpf_dfuse_plan_erase(&l, im->part[i].addr, im->part[i].len, &pages, &n,
						 err);
	if (r == MPF_OK) {
		phase_begin(pg, "erase", n);
		for (i = 0; r == MPF_OK && i < n; i++) {
			r = mpf_dfuse_command(&d->dfu, MPF_DFUSE_ERASE_PAGE, pages[i], err);
			mpf_progress_update(pg->p, i + 1);
		}
		phase_end(pg, r == MPF_OK);
		res->pages += r == MPF_OK ? n : 0;
	}
	free(pages);
	if (l.n)
		mpf_dfuse_layout_release(&l);
	return r;
}

static int alt_seen(const struct mpf_dfu_image *im, size_t upto, int alt)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (im->part[i].alt == alt)
			return 1;
	return 0;
}

static int erase(struct mpf_dfu_usb *d, struct mpf_dfu_image *im,
		 const struct mpf_dfu_flash_opts *o, struct prog *pg,
		 struct mpf_dfu_flash_result *res, struct mpf_buf *err)
{
	size_t i;
	int r = MPF_OK;

	for (i = 0; r == MPF_OK && i < im->n; i++) {
		int alt = im->part[i].alt;

		if (alt_seen(im, i, alt))
			continue;
		r = mpf_dfu_usb_select(d, alt, err);
		if (r < 0)
			break;
		if (o->erase_all) {
			phase_begin(pg, "erase", 1);
			r = mpf_dfuse_command(&d->dfu, MPF_DFUSE_MASS_ERASE, 0, err);
			phase_end(pg, r == MPF_OK);
			res->mass_erased = r == MPF_OK;
		} else {
			r = erase_pages(d, im, alt, pg, res, err);
		}
	}
	return r;
}

static int compare(const struct mpf_dfu_part *p, const uint8_t *got, struct mpf_buf *err)
{
	uint32_t i, bad = 0, first = 0;

	for (i = 0; i < p->len; i++)
		if (got[i] != p->data[i] && !bad++)
			first = i;
	if (!bad)
		return MPF_OK;
	return mpf_errf(err, MPF_ERR_MISMATCH, "verify failed: %u byte%s differ, the first at "
			"0x%08x (wrote 0x%02x, read 0x%02x)", bad, bad == 1 ? "" : "s",
			p->addr + first, p->data[first], got[first]);
}

/* One part written, or read back and compared; done and total are the
 * progress bar's place and end. */
typedef int part_fn(struct mpf_dfu_usb *d, const struct mpf_dfu_part *p,
		    struct mpf_dfuse_progress *pr, uint64_t done, uint64_t total,
		    struct mpf_buf *err);

static int write_part(struct mpf_dfu_usb *d, const struct mpf_dfu_part *p,
		      struct mpf_dfuse_progress *pr, uint64_t done, uint64_t total,
		      struct mpf_buf *err)
{
	return mpf_dfuse_write(&d->dfu, p->addr, p->data, p->len, pr, done, total, err);
}

static int verify_part(struct mpf_dfu_usb *d, const struct mpf_dfu_part *p,
		       struct mpf_dfuse_progress *pr, uint64_t done, uint64_t total,
		       struct mpf_buf *err)
{
	uint8_t *got = mpf_xmalloc(p->len);
	int r = mpf_dfuse_read(&d->dfu, p->addr, got, p->len, pr, done, total, err);

	if (r == MPF_OK)
		r = compare(p, got, err);
	free(got);
	return r;
}

/* Every part in turn, each on its own alt setting, as one phase. */
static int each_part(struct mpf_dfu_usb *d, struct mpf_dfu_image *im, struct prog *pg,
		     const char *phase, part_fn *fn, struct mpf_buf *err)
{
	struct mpf_dfuse_progress pr = { prog_fn, pg };
	uint64_t done = 0;
	size_t i;
	int r = MPF_OK;

	phase_begin(pg, phase, im->bytes);
	for (i = 0; r == MPF_OK && i < im->n; i++) {
		const struct mpf_dfu_part *p = &im->part[i];

		r = mpf_dfu_usb_select(d, p->alt, err);
		if (r == MPF_OK)
			r = fn(d, p, &pr, done, im->bytes, err);
		done += p->len;
	}
	phase_end(pg, r == MPF_OK);
	return r;
}

static int write_parts(struct mpf_dfu_usb *d, struct mpf_dfu_image *im, struct prog *pg,
		       struct mpf_dfu_flash_result *res, struct mpf_buf *err)
{
	int r = each_part(d, im, pg, "write", write_part, err);

	/* On failure, what the board holds: the blocks it confirmed (the
	 * erased rest is not "0 bytes flashed"). */
	res->bytes = r == MPF_OK ? im->bytes : pg->done;
	return r;
}

static int verify(struct mpf_dfu_usb *d, struct mpf_dfu_image *im, struct prog *pg,
		  struct mpf_buf *err)
{
	return each_part(d, im, pg, "verify", verify_part, err);
}

/* A plain DFU 1.1 device: one download of the whole image, then (when it
 * stays in DFU after manifestation) read it back; a device that is not
 * manifestation tolerant waits for a USB reset to start the firmware. */
static int flash_std(struct mpf_dfu_usb *d, struct mpf_dfu_image *im,
		     const struct mpf_dfu_flash_opts *o, struct prog *pg,
		     struct mpf_dfu_flash_result *res, struct mpf_buf *err)
{
	/* the file without its suffix, as dfu-util sends it: a TI or NXP
	 * bootloader reads the prefix as its command (doc/protocols.md 2.5) */
	const struct mpf_dfu_part whole = { im->part[0].alt, 0,
					    (uint32_t)(im->raw.len - im->img.suffix_len),
					    (const uint8_t *)im->raw.buf }, *p = &whole;
	int tolerant = d->dfu.func.attributes & MPF_DFU_MANIFEST_TOLERANT;
	int r = mpf_dfu_usb_select(d, p->alt, err);

	if (r < 0)
		return r;
	phase_begin(pg, "write", im->bytes);
	r = mpf_dfu_download(&d->dfu, p->data, p->len, NULL, NULL, err);
	phase_end(pg, r == MPF_OK);
	if (r < 0)
		return r;
	res->bytes = im->bytes;
	/* an upload returns the memory, which never held the prefix */
	if (o->verify && tolerant && (d->dfu.func.attributes & MPF_DFU_CAN_UPLOAD) &&
	    !im->img.prefix_len) {
		uint8_t *got = mpf_xmalloc(p->len ? p->len : 1);

		phase_begin(pg, "verify", im->bytes);
		r = mpf_dfu_to_idle(&d->dfu, err);
		if (r == MPF_OK)
			r = mpf_dfu_upload_image(&d->dfu, got, p->len, err);
		if (r == MPF_OK)
			r = compare(p, got, err);
		phase_end(pg, r == MPF_OK);
		free(got);
		if (r < 0)
			return r;
		res->verified = 1;
	}
	if (!tolerant && !(d->dfu.func.attributes & MPF_DFU_WILL_DETACH)) {
		/* dfuMANIFEST-WAIT-RESET: the reset starts the new firmware */
		libusb_reset_device(d->usb.h);
		res->left = 1;
	} else if (!tolerant) {
		res->left = 1;
	} else if (o->leave) {
		/* a tolerant device stays in DFU; a USB reset ends DFU mode */
		libusb_reset_device(d->usb.h);
		res->left = 1;
	}
	return MPF_OK;
}

int mpf_dfu_flash(struct mpf_dfu_usb *d, struct mpf_dfu_image *im,
		  const struct mpf_dfu_flash_opts *o, struct mpf_dfu_flash_result *res,
		  struct mpf_buf *err)
{
	struct prog pg = { NULL, o->id, NULL };
	int64_t t0 = mpf_now_ms();
	int r;

	memset(res, 0, sizeof(*res));
	r = mpf_dfu_image_check(d, im, o, err);
	res->touched = r == MPF_OK;
	if (r == MPF_OK && !is_dfuse(d))
		r = flash_std(d, im, o, &pg, res, err);
	else if (r == MPF_OK) {
		r = erase(d, im, o, &pg, res, err);
		if (r == MPF_OK)
			r = write_parts(d, im, &pg, res, err);
		if (r == MPF_OK && o->verify) {
			r = verify(d, im, &pg, err);
			res->verified = r == MPF_OK;
		}
		if (r == MPF_OK && o->leave) {
			r = mpf_dfu_leave(d, 0, 0, err);
			res->left = r == MPF_OK;
		}
	}
	res->seconds = (double)(mpf_now_ms() - t0) / 1000.0;
	return r;
}

int mpf_dfu_read(struct mpf_dfu_usb *d, int alt, uint32_t addr, uint8_t *out, uint32_t len,
		 const char *id, struct mpf_buf *err)
{
	struct mpf_dfuse_layout l;
	struct prog pg = { NULL, id, NULL };
	struct mpf_dfuse_progress pr = { prog_fn, &pg };
	struct mpf_buf e = MPF_BUF_INIT;
	int r = mpf_dfu_layout(d, alt, &l, err);

	if (r < 0)
		return r;
	r = mpf_dfuse_layout_check(&l, addr, len, MPF_DFUSE_READ, &e);
	mpf_dfuse_layout_release(&l);
	if (r < 0) {
		mpf_errf(err, r, "refusing to read: %s", mpf_buf_str(&e));
		mpf_buf_release(&e);
		return r;
	}
	mpf_buf_release(&e);
	if (!(d->dfu.func.attributes & MPF_DFU_CAN_UPLOAD))
		return mpf_errf(err, MPF_ERR_SUPP, "the device does not allow uploads");
	r = mpf_dfu_usb_select(d, alt, err);
	if (r < 0)
		return r;
	phase_begin(&pg, "read", len);
	r = mpf_dfuse_read(&d->dfu, addr, out, len, &pr, 0, len, err);
	phase_end(&pg, r == MPF_OK);
	return r;
}

int mpf_dfu_mass_erase(struct mpf_dfu_usb *d, int alt, struct mpf_buf *err)
{
	int r = mpf_dfu_usb_select(d, alt, err);

	return r < 0 ? r : mpf_dfuse_command(&d->dfu, MPF_DFUSE_MASS_ERASE, 0, err);
}

int mpf_dfu_unprotect(struct mpf_dfu_usb *d, struct mpf_buf *err)
{
	int r = mpf_dfu_usb_select(d, d->alts[0].alt, err);

	return r < 0 ? r : mpf_dfuse_command(&d->dfu, MPF_DFUSE_READ_UNPROTECT, 0, err);
}

int mpf_dfu_leave(struct mpf_dfu_usb *d, uint32_t addr, int addr_set, struct mpf_buf *err)
{
	struct mpf_dfuse_layout l;
	int r;

	if (!addr_set) {
		/* the vector table at the start of the main memory (alt 0) */
		r = mpf_dfu_layout(d, d->alts[0].alt, &l, err);
		if (r < 0)
			return r;
		addr = l.seg[0].addr;
		mpf_dfuse_layout_release(&l);
	}
	r = mpf_dfu_usb_select(d, d->alts[0].alt, err);
	return r < 0 ? r : mpf_dfuse_leave(&d->dfu, addr, err);
}
