/* dfu.c - mpf-dfu: USB DFU 1.1 and ST DfuSe flashing over libusb, built on
 * lib/proto/dfu.c, lib/proto/dfuse.c and lib/flash/dfu_flash.c. The protocol,
 * its DfuSe extensions and the .dfu file are doc/protocols.md section 2
 * (from the USB DFU 1.1 class specification, ST AN3156 and ST UM0391). */
#include "applet.h"
#include "bootloader.h"
#include "dfu_flash.h"
#include "err.h"
#include "exitcode.h"
#include "filter.h"
#include "fsutil.h"
#include "image.h"
#include "log.h"
#include "scan.h"
#include "reappear.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *o_device;
static struct mpf_u32 o_address, o_vid = { 0x0483, 0 }, o_pid = { 0xdf11, 0 };
static int o_alt = -1, o_erase_all, o_verify = 1, o_leave = 1, o_force;
static double o_wait = 10;

static const struct mpf_opt dfu_opts[] = {
	OPT_STRING('d', "device", &o_device, "DEV",
		   "the DFU device: vid:pid, bus-port (a location as mpf-scan shows it) or "
		   "USB serial number"),
	OPT_INT('a', "alt", &o_alt, "N", 0, 255,
		"alternate setting (default 0; a .dfu file's targets carry their own)"),
	OPT_ADDR(0, "address", &o_address, "ADDR",
		 "where a .bin goes, or where leave starts the firmware (default: the start "
		 "of the alt setting's memory, 0x08000000 on STM32)"),
	OPT_BOOL(0, "erase-all", &o_erase_all,
		 "one mass erase instead of erasing the sectors the image touches"),
	OPT_BOOL(0, "verify", &o_verify,
		 "read back and compare after writing (default; --no-verify skips it)"),
	OPT_BOOL(0, "leave", &o_leave,
		 "leave DFU and start the firmware after writing (default; --no-leave stays)"),
	OPT_BOOL(0, "force", &o_force, "write a file whose DFU suffix names another vid:pid"),
	OPT_ADDR(0, "vid", &o_vid, "VID", "make: the USB vendor ID the file is for (default 0x0483)"),
	OPT_ADDR(0, "pid", &o_pid, "PID", "make: the USB product ID the file is for (default 0xdf11)"),
	OPT_DURATION(0, "wait", &o_wait, "SEC", 0, 3600,
		   "after leaving, wait up to SEC for the board to come back as a serial "
		   "port (default 10; 0 does not wait)"),
	OPT_END(),
};

/* ---- finding the device -------------------------------------------------- */

static void list_serials(libusb_device **list, int n, struct mpf_buf *out)
{
	int i;

	for (i = 0; i < n; i++) {
		struct mpf_usb_info info;

		mpf_usb_describe(list[i], NULL, &info);
		mpf_buf_addf(out, "%s%s (%s)", i ? ", " : "", info.serial[0] ? info.serial : "?",
			     info.location);
	}
}

/* A serial number cannot match a device we may not open: say so. */
static void denied_hint(const struct mpf_usb_match *m, struct mpf_buf *out)
{
	struct mpf_usb_match any;
	libusb_device **list;
	int n, i, denied = 0;

	if (!m->serial[0])
		return;
	mpf_usb_match_init(&any);
	n = mpf_usb_find(&any, mpf_dfu_usb_accept, NULL, &list);
	for (i = 0; i < n; i++) {
		struct mpf_usb_info info;

		mpf_usb_describe(list[i], NULL, &info);
		if (info.denied && !denied++) {
			mpf_buf_addstr(out, "; a DFU device could not be opened to read its serial "
				       "number: ");
			mpf_usb_access_hint(info.vid, info.pid, out);
		}
	}
	mpf_usb_list_free(list, n);
}

/* The one DFU device m fits; several is an error, never a guess. */
static int pick(const struct mpf_usb_match *m, libusb_device **dev, struct mpf_buf *err)
{
	struct mpf_buf what = MPF_BUF_INIT, which = MPF_BUF_INIT;
	libusb_device **list;
	int n = mpf_usb_find(m, mpf_dfu_usb_accept, NULL, &list), r = MPF_OK;

	mpf_usb_match_describe(m, &what);
	if (n == 0) {
		denied_hint(m, &which);
		r = mpf_errf(err, MPF_ERR_NODEV, "no DFU device found (%s)%s", what.buf,
			     mpf_buf_str(&which));
	} else if (n > 1) {
		list_serials(list, n, &which);
		r = mpf_errf(err, MPF_ERR_ARG, "%d DFU devices fit (%s): %s; name one with "
			     "--device SERIAL", n, what.buf, which.buf);
	} else {
		*dev = libusb_ref_device(list[0]);
	}
	mpf_usb_list_free(list, n);
	mpf_buf_release(&what);
	mpf_buf_release(&which);
	return r;
}

static int open_device(const struct mpf_usb_match *m, struct mpf_dfu_usb *d, struct mpf_buf *err)
{
	libusb_device *dev = NULL;
	int r = pick(m, &dev, err);

	if (r < 0)
		return r;
	r = mpf_dfu_usb_open(dev, d, err);
	libusb_unref_device(dev);
	if (r == MPF_OK && mpf.timeout > 0)
		d->dfu.timeout_ms = (unsigned)(mpf.timeout * 1000 + 0.5);
	return r;
}

/* A dfu record for a device opened directly (not from stdin). */
static void device_record(struct mpf_record *r, const struct mpf_usb_info *u)
{
	mpf_record_init(r);
	mpf_rec_set_str(r, "kind", "dfu");
	mpf_scan_usb_fields(r, u);
}

static void device_id(const struct mpf_usb_info *u, char *out, size_t cap)
{
	snprintf(out, cap, "usb:%s", u->location);
}

/* ---- write ------------------------------------------------------------------ */

static void flash_opts(struct mpf_dfu_flash_opts *fo, const char *id)
{
	fo->erase_all = o_erase_all;
	fo->verify = o_verify;
	fo->leave = o_leave;
	fo->force = o_force;
	fo->id = id;
}

static void set_flashed(struct mpf_record *rec, int ok, const struct mpf_dfu_flash_result *res)
{
	mpf_rec_set(rec, "flashed",
		    json_pack("{s:s, s:b, s:I, s:f, s:b, s:s}", "method", "dfu", "ok", ok, "bytes",
			      (json_int_t)res->bytes, "seconds",
			      (double)(long long)(res->seconds * 100 + 0.5) / 100, "verified",
			      res->verified, "verify", res->verified ? "readback" : "none"));
}

static void report_stats(const struct mpf_dfu_usb *d, const struct mpf_dfu_flash_result *res)
{
	const struct mpf_dfu_stats *s = &d->dfu.stats;

	mpf_debug("dfu: %llu bytes in %.2f s; %lu control transfers (%lu DNLOAD, %lu UPLOAD, "
		  "%lu GETSTATUS), %lu pages erased%s", (unsigned long long)res->bytes,
		  res->seconds, s->control, s->dnload, s->upload, s->getstatus, res->pages,
		  res->mass_erased ? ", mass erase" : "");
}

/* Write file to the device m fits; the result goes into rec. */
static int write_image(struct mpf_record *rec, const struct mpf_usb_match *m, const char *file,
		       int direct)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_dfu_flash_result res = { 0 };
	struct mpf_dfu_flash_opts fo = { 0 };
	struct mpf_dfu_image im;
	struct mpf_dfu_usb d;
	char id[64] = "dfu", serial[128] = "";
	int r;

	r = mpf_dfu_image_load(file, o_alt < 0 ? 0 : o_alt, o_address.v, o_address.given, &im, &err);
	if (r == MPF_OK) {
		r = open_device(m, &d, &err);
		if (r < 0)
			mpf_dfu_image_release(&im);
	}
	if (r < 0 && direct)	/* nothing to put a record on: no device yet */
		mpf_die(mpf_exit_for_err(r), "%s", err.buf);
	if (r < 0) {
		mpf_rec_set_error(rec, mpf_err_name(r), "%s", err.buf);
		mpf_buf_release(&err);
		return r;
	}
	if (direct) {
		mpf_record_release(rec);
		device_record(rec, &d.usb.info);
	}
	device_id(&d.usb.info, id, sizeof(id));
	snprintf(serial, sizeof(serial), "%s", d.usb.info.serial);
	flash_opts(&fo, id);
	r = mpf_dfu_flash(&d, &im, &fo, &res, &err);
	report_stats(&d, &res);
	mpf_dfu_usb_close(&d);
	mpf_dfu_image_release(&im);
	set_flashed(rec, r == MPF_OK, &res);
	if (r < 0 && res.touched)
		mpf_flash_incomplete(rec, "dfu");
	if (r < 0)
		mpf_rec_set_error(rec, mpf_err_name(r), "%s", err.buf);
	else if (res.left && o_wait > 0)
		mpf_board_reappear(rec, serial, (int)(o_wait * 1000));
	mpf_buf_release(&err);
	return r;
}

/* ---- filter mode: records from mpf-pick / mpf-fetch / mpf-bootloader ----- */

static int filter_wants(const struct mpf_record *rec, void *ctx)
{
	return mpf_bootloader_record_for(rec, "dfu");
}

/* Which device a record means: mpf-bootloader's target, a dfu record's
 * own bus and address, else the board's USB serial number; --device
 * narrows it further. With none of these, the only DFU device there is. */
static void record_match(const struct mpf_record *rec, struct mpf_usb_match *m)
{
	const char *tk = mpf_rec_str(rec, "target.kind"), *kind = mpf_rec_str(rec, "kind");
	const char *serial = mpf_rec_str(rec, "usb_serial");

	if (!o_device || mpf_usb_match_parse(o_device, m, NULL) < 0)
		mpf_usb_match_init(m);
	if (tk && !strcmp(tk, "dfu") && mpf_rec_get(rec, "target.bus")) {
		m->bus = (int)mpf_rec_int(rec, "target.bus", -1);
		m->address = (int)mpf_rec_int(rec, "target.address", -1);
	} else if (kind && !strcmp(kind, "dfu") && mpf_rec_get(rec, "bus")) {
		m->bus = (int)mpf_rec_int(rec, "bus", -1);
		m->address = (int)mpf_rec_int(rec, "address", -1);
	} else if (serial && !m->serial[0]) {
		snprintf(m->serial, sizeof(m->serial), "%s", serial);
	}
}

/* The DFU device a record's job opens (record_match): records for one
 * device take turns. */
static const char *dfu_device(const struct mpf_record *rec, struct mpf_buf *out, void *ctx)
{
	struct mpf_usb_match m;

	record_match(rec, &m);
	mpf_buf_addf(out, "dfu:%d:%d:%s:%s", m.bus, m.address, m.location, m.serial);
	return out->buf;
}

static int filter_run(struct mpf_record *rec, void *ctx)
{
	const char *file = mpf_rec_str(rec, "firmware.file");
	struct mpf_usb_match m;

	if (!file) {
		mpf_rec_set_error(rec, "argument", "no firmware.file in the record (run mpf-fetch "
				  "before mpf-dfu)");
		return MPF_ERR_ARG;
	}
	record_match(rec, &m);
	return write_image(rec, &m, file, 0);
}

/* ---- the other commands -------------------------------------------------- */

static const char *id_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	if (!mpf_rec_str(r, "vid") || !mpf_rec_str(r, "pid"))
		return NULL;
	mpf_buf_addf(out, "%s:%s", mpf_rec_str(r, "vid"), mpf_rec_str(r, "pid"));
	return out->buf;
}

static const struct mpf_column columns[] = {
	{ "Kind", "kind", NULL },
	{ "Location", "location", NULL },
	{ "VID:PID", NULL, id_cell },
	{ "Product", "product", NULL },
	{ "USB serial", "usb_serial", NULL },
	{ "Flashed", "flashed.ok", NULL },
	{ "Bytes", "flashed.bytes", NULL },
	{ "Seconds", "flashed.seconds", NULL },
	{ "Serial", "serial", NULL },
	{ NULL, NULL, NULL },
};

/* Write the one record of a command; exit 1 when it carries an error. */
static int emit(struct mpf_record *rec)
{
	struct mpf_filter f = { .columns = columns };
	int failed = mpf_rec_has_error(rec), r = mpf_filter_list(&f, rec, 1);

	return r ? r : failed ? MPF_EXIT_FAIL : MPF_EXIT_OK;
}

static int list_devices(const struct mpf_usb_match *m)
{
	struct mpf_scan_opts so = { .kinds = MPF_SCAN_DFU };
	struct mpf_filter f = { .columns = columns };
	struct mpf_record *recs = NULL, *keep;
	size_t n = 0, i, k = 0;
	int r;

	mpf_scan(&so, &recs, &n);
	keep = mpf_xcalloc(n ? n : 1, sizeof(*keep));
	for (i = 0; i < n; i++) {
		struct mpf_usb_info u = { 0 };
		const char *s = mpf_rec_str(&recs[i], "usb_serial"), *l = mpf_rec_str(&recs[i],
										      "location");

		u.vid = (uint16_t)strtoul(mpf_rec_str(&recs[i], "vid"), NULL, 16);
		u.pid = (uint16_t)strtoul(mpf_rec_str(&recs[i], "pid"), NULL, 16);
		u.bus = (uint8_t)mpf_rec_int(&recs[i], "bus", 0);
		u.address = (uint8_t)mpf_rec_int(&recs[i], "address", 0);
		snprintf(u.serial, sizeof(u.serial), "%s", s ? s : "");
		snprintf(u.location, sizeof(u.location), "%s", l ? l : "");
		if (mpf_usb_match_info(m, &u))
			keep[k++] = recs[i];
		else
			mpf_record_release(&recs[i]);
	}
	free(recs);
	r = mpf_filter_list(&f, keep, k);
	free(keep);
	return r;
}

/* The device --device names (or the only one), as a match. */
static void device_match(struct mpf_usb_match *m)
{
	struct mpf_buf err = MPF_BUF_INIT;

	mpf_usb_match_init(m);
	if (o_device && mpf_usb_match_parse(o_device, m, &err) < 0)
		mpf_usage_error("%s", err.buf);
	mpf_buf_release(&err);
}

typedef int (*device_op)(struct mpf_dfu_usb *d, void *ctx, struct mpf_buf *err);

/* Open the device, run op on it and write its record. */
static int on_device(device_op op, void *ctx)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_usb_match m;
	struct mpf_record rec;
	struct mpf_dfu_usb d;
	int r;

	device_match(&m);
	r = open_device(&m, &d, &err);
	if (r < 0)
		mpf_die(mpf_exit_for_err(r == MPF_ERR_ARG ? MPF_ERR_NODEV : r), "%s", err.buf);
	device_record(&rec, &d.usb.info);
	r = op(&d, ctx, &err);
	mpf_dfu_usb_close(&d);
	if (r < 0)
		mpf_rec_set_error(&rec, mpf_err_name(r), "%s", err.buf);
	mpf_buf_release(&err);
	return emit(&rec);
}

struct read_job {
	uint32_t addr, size;
	const char *file;
};

static int read_op(struct mpf_dfu_usb *d, void *ctx, struct mpf_buf *err)
{
	const struct read_job *j = ctx;
	uint8_t *buf;
	char id[64];
	int r;

	device_id(&d->usb.info, id, sizeof(id));
	buf = mpf_xmalloc(j->size);
	r = mpf_dfu_read(d, o_alt < 0 ? 0 : o_alt, j->addr, buf, j->size, id, err);
	if (r == MPF_OK)
		r = mpf_write_file(j->file, buf, j->size, err);
	free(buf);
	return r;
}

static int erase_op(struct mpf_dfu_usb *d, void *ctx, struct mpf_buf *err)
{
	return mpf_dfu_mass_erase(d, o_alt < 0 ? 0 : o_alt, err);
}

static int unprotect_op(struct mpf_dfu_usb *d, void *ctx, struct mpf_buf *err)
{
	return mpf_dfu_unprotect(d, err);
}

static int leave_op(struct mpf_dfu_usb *d, void *ctx, struct mpf_buf *err)
{
	return mpf_dfu_leave(d, o_address.v, o_address.given, err);
}

static int cmd_read(int argc, char **argv)
{
	struct read_job j = { mpf_arg_addr("ADDR", argv[0]), mpf_arg_size("SIZE", argv[1]),
			      argv[2] };

	return on_device(read_op, &j);
}

static int cmd_erase(int argc, char **argv)
{
	return on_device(erase_op, NULL);
}

static int cmd_unprotect(int argc, char **argv)
{
	return on_device(unprotect_op, NULL);
}

static int cmd_leave(int argc, char **argv)
{
	return on_device(leave_op, NULL);
}

static int cmd_write(int argc, char **argv)
{
	struct mpf_usb_match m;
	struct mpf_record rec;

	mpf_arg_file(argv[0]);
	device_match(&m);
	mpf_record_init(&rec);
	write_image(&rec, &m, argv[0], 1);
	return emit(&rec);
}

/* ---- make: a DfuSe file from .bin, .hex and .elf files ------------------- */

/* One operand: [ADDR][@ALT]:FILE, or FILE alone for a file that carries
 * its addresses (.hex, .elf). */
struct make_arg {
	const char *file;
	uint32_t addr;
	int has_addr, alt;
};

static void parse_make_arg(const char *arg, struct make_arg *a)
{
	const char *colon = strchr(arg, ':'), *at;
	char head[64];

	*a = (struct make_arg){ .file = arg };
	if (!colon || (size_t)(colon - arg) >= sizeof(head) ||
	    strspn(arg, "0123456789abcdefABCDEFxX@") != (size_t)(colon - arg))
		return;
	snprintf(head, sizeof(head), "%.*s", (int)(colon - arg), arg);
	a->file = colon + 1;
	if ((at = strchr(head, '@'))) {
		char *end;
		unsigned long alt = strtoul(at + 1, &end, 10);

		if (end == at + 1 || *end || alt > 255)
			mpf_usage_error("bad alt setting in '%s' (ADDR@ALT:FILE, ALT 0..255)", arg);
		a->alt = (int)alt;
		head[at - head] = '\0';
	}
	if (head[0]) {
		a->addr = mpf_arg_addr("ADDR", head);
		a->has_addr = 1;
	}
}

/* What make takes: raw images and the files that carry their addresses;
 * a DFU, DfuSe or UF2 file is refused, as dfuse-pack refuses a suffix. */
#define MAKE_TAKES (MPF_IMAGE_TAKES(MPF_IMAGE_BIN) | MPF_IMAGE_TAKES(MPF_IMAGE_HEX) | \
		    MPF_IMAGE_TAKES(MPF_IMAGE_ELF))

static void check_make_input(const struct make_arg *a, const struct mpf_image *img)
{
	struct mpf_buf err = MPF_BUF_INIT;

	if (mpf_image_accept(img, a->file, MAKE_TAKES, &err))
		mpf_die(MPF_EXIT_DATAERR, "%s", err.buf);
	mpf_buf_release(&err);
	if (img->fmt != MPF_IMAGE_BIN) {
		if (a->has_addr)
			mpf_usage_error("%s is a .%s file, which carries its addresses: name it "
					"without ADDR", a->file, img->format);
		return;
	}
	if (!a->has_addr)
		mpf_usage_error("%s is a raw binary: give its address, as ADDR:%s", a->file, a->file);
	if (img->suffix_len || img->prefix_len)
		mpf_die(MPF_EXIT_DATAERR, "%s has a DFU %s, which is not firmware: remove it "
			"first (dfu-%s -D)", a->file, img->suffix_len ? "suffix" : "prefix",
			img->suffix_len ? "suffix" : "prefix");
}

/* Elements of a in the file's targets: consecutive operands with the same
 * alt setting share a target, as dfuse-pack groups them. */
static void add_elements(struct mpf_dfuse_file *f, const struct make_arg *a,
			 const struct mpf_image *img)
{
	struct mpf_dfuse_target *t = f->n ? &f->t[f->n - 1] : NULL;
	size_t i;

	if (!t || t->alt != a->alt) {
		f->t = mpf_xrealloc(f->t, (f->n + 1) * sizeof(*f->t));
		t = &f->t[f->n++];
		memset(t, 0, sizeof(*t));
		t->alt = (uint8_t)a->alt;
		snprintf(t->name, sizeof(t->name), "ST...");	/* doc/protocols.md section 2.4 */
	}
	t->el = mpf_xrealloc(t->el, (t->n + img->n) * sizeof(*t->el));
	for (i = 0; i < img->n; i++)
		t->el[t->n++] = (struct mpf_dfuse_element){ img->seg[i].addr,
							    (uint32_t)img->seg[i].len,
							    img->seg[i].data };
}

static int cmd_make(int argc, char **argv)
{
	struct mpf_dfuse_file f = { .vid = (uint16_t)o_vid.v, .pid = (uint16_t)o_pid.v };
	struct mpf_image *img = mpf_xcalloc((size_t)argc, sizeof(*img));
	struct mpf_buf out = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct make_arg a;
	int i, r;

	if (o_vid.v > 0xffff || o_pid.v > 0xffff)
		mpf_usage_error("--vid and --pid are 16-bit numbers (0x0483, 0xdf11)");
	for (i = 1; i < argc; i++) {
		parse_make_arg(argv[i], &a);
		if (mpf_same_file(a.file, argv[0]))
			mpf_usage_error("%s is an input too: the output would replace it", argv[0]);
		if ((r = mpf_image_load(a.file, a.addr, &img[i], &err)))
			mpf_die(mpf_exit_for_err(r), "%s", err.buf);
		check_make_input(&a, &img[i]);
		add_elements(&f, &a, &img[i]);
	}
	mpf_dfuse_file_write(&f, MPF_DFUSE_SIZE_WITH_SUFFIX, &out);
	if (mpf_write_file(argv[0], out.buf, out.len, &err))
		mpf_die(MPF_EXIT_CANTCREAT, "%s", err.buf);
	mpf_info("%s: %zu target%s, %zu bytes, for %04x:%04x", argv[0], f.n, f.n == 1 ? "" : "s",
		 out.len, f.vid, f.pid);
	for (i = 0; i < argc; i++)
		mpf_image_release(&img[i]);
	for (i = 0; i < (int)f.n; i++)
		free(f.t[i].el);
	free(f.t);
	free(img);
	mpf_buf_release(&out);
	mpf_buf_release(&err);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	struct mpf_usb_match m;

	device_match(&m);
	return list_devices(&m);
}

static int dfu_main(int argc, char **argv)
{
	struct mpf_filter f = { .wants = filter_wants, .run = filter_run, .columns = columns,
				.device = dfu_device };

	return mpf_filter_fd(&f, 0, "stdin");
}

static const struct mpf_subcmd dfu_subcmds[] = {
	SUBCMD("list", NULL, 0, 0, cmd_list, "list the DFU devices with their alt settings"),
	SUBCMD("write", "FILE", 1, 1, cmd_write,
	       "write a .dfu, .hex, .elf or .bin image, verify it and leave DFU"),
	SUBCMD("read", "ADDR SIZE FILE", 3, 3, cmd_read, "read SIZE bytes from ADDR into FILE"),
	SUBCMD("erase", NULL, 0, 0, cmd_erase, "mass erase the alt setting's memory"),
	SUBCMD("leave", NULL, 0, 0, cmd_leave, "leave DFU mode and start the firmware"),
	SUBCMD("unprotect", NULL, 0, 0, cmd_unprotect,
	       "remove read protection (the device erases all its flash)"),
	SUBCMD("make", "OUT.dfu [ADDR][@ALT]:FILE...", 2, -1, cmd_make,
	       "make a DfuSe file from .bin, .hex and .elf files, as dfu-util's dfuse-pack"),
	SUBCMD_END(),
};

const struct mpf_applet dfu_applet = {
	.name = "dfu",
	.summary = "flash STM32 and other USB DFU devices (DFU 1.1, ST DfuSe)",
	.usage = "mpf-dfu [options] < records",
	.description =
		"mpf-dfu talks to a USB device in DFU mode, such as an STM32 in its system "
		"bootloader (0483:df11, ST's DfuSe variant of DFU 1.1) or MicroPython's mboot, "
		"through libusb.\n"
		"\n"
		"write knows a file by its content, not its name: a DfuSe .dfu file (which "
		"carries its addresses and alt settings), an Intel .hex or ELF file (at their "
		"addresses) or a raw .bin (written at --address, by default the start of the "
		"alt setting's memory: 0x08000000 on STM32). A raw image's DFU suffix and TI "
		"Stellaris or NXP LPC prefix (as dfu-suffix and dfu-prefix write them) are not "
		"written to a DfuSe device; a plain DFU 1.1 device receives the prefix, as "
		"dfu-util sends it. A UF2 file or an ESP image is refused, naming the applet "
		"that flashes it, and so is a .dfu file whose signature is not exactly "
		"\"DfuSe\". Before anything is written "
		"the image is checked against the device's memory layout (the alt setting's "
		"name): a part outside it or in memory that is not writable and erasable is "
		"refused, as is a .dfu file whose structure or CRC is wrong, that has neither a "
		"DfuSe prefix nor a DFU suffix (never written raw), or whose suffix names "
		"another vid:pid (unless --force). Then only the sectors the image "
		"touches are erased, each once (--erase-all: one mass erase instead), the "
		"data is written in blocks of the device's transfer size, read back and "
		"compared (--no-verify skips this), and the device leaves DFU and starts the "
		"firmware (--no-leave stays in DFU).\n"
		"\n"
		"After leaving, mpf-dfu waits up to --wait seconds for the board to come back "
		"as a serial port, as every flash applet does (see AFTER FLASHING in mpf(7)); "
		"the DFU device's USB serial number stands in for a record without one.\n"
		"\n"
		"With records on stdin (no command), mpf-dfu flashes firmware.file for every "
		"record with method \"dfu\", on the device mpf-bootloader put in its target "
		"({\"kind\":\"dfu\",\"bus\":N,\"address\":M}), or a dfu record's own bus and "
		"address, or the DFU device whose USB serial number is the record's "
		"usb_serial, or the only DFU device there is. When several devices fit, it "
		"names them and fails rather than guess. It adds flashed {method, ok, bytes, "
		"seconds, verified}; other records pass through untouched.\n"
		"\n"
		"--timeout is the time one USB control request may take (default 5 s, as "
		"dfu-util); a device that is busy erasing does not answer until it is done, "
		"and mpf-dfu keeps asking for up to 20 s (35 s for a mass erase).\n"
		"\n"
		"A read-protected STM32 (RDP level 1) refuses to be written or read "
		"(errVENDOR); unprotect removes the protection, which makes the chip erase "
		"all of its flash and reset.\n"
		"\n"
		"make builds a DfuSe .dfu file from raw images placed with ADDR:FILE and from "
		".hex and .elf files (FILE alone: they carry their addresses); ADDR@ALT:FILE "
		"puts an image in the target of alternate setting ALT, and consecutive images of "
		"one alt setting share a target. The file is laid out byte for byte as dfu-util's "
		"dfuse-pack writes it (targets named \"ST...\", the suffix for --vid and --pid, "
		"by default 0483:df11, the STM32 ROM's). A raw image that is a DFU, DfuSe or UF2 "
		"file already is refused.\n"
		"\n"
		"Devices are chosen with --device: vid:pid in hex, a bus-port location "
		"(1-1.4, as mpf-scan prints it) or a USB serial number. A device mpf may not "
		"open gives a message naming the udev rule to install ('make install-udev').",
	.examples =
		"$ mpf-dfu list\n"
		"List the DFU devices and their memory layouts.\n"
		"\n"
		"$ mpf-dfu write firmware.dfu\n"
		"Erase the sectors firmware.dfu needs, write, verify and start it.\n"
		"\n"
		"$ mpf-dfu --device 315A28A0B956 --address 0x08000000 write fw.bin\n"
		"Write a raw image to the board with this USB serial number.\n"
		"\n"
		"$ mpf-dfu read 0x08000000 1M backup.bin\n"
		"Save the whole internal flash of an STM32F405.\n"
		"\n"
		"$ mpf-dfu make fw.dfu 0x08000000:boot.bin 0x08020000:app.bin\n"
		"Make a .dfu file of two images for an STM32.\n"
		"\n"
		"$ mpf-scan | mpf-info | mpf-pick | mpf-fetch | mpf-bootloader | mpf-dfu\n"
		"Flash every STM32 board the pipeline chose DFU for.",
	.opts = dfu_opts,
	.subcmds = dfu_subcmds,
	.flags = MPF_APPLET_FILTER,
	.default_jobs = MPF_JOBS_ALL,
	.main = dfu_main,
};
