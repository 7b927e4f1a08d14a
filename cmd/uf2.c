/* uf2.c - mpf-uf2: copy UF2 images onto UF2 bootloader drives (RP2040,
 * RP2350, SAMD, nRF52, ...) and .hex/.bin images onto DAPLink drives
 * (micro:bit, evaluation kits), describe and make UF2 files (Microsoft's
 * uf2 README; doc/protocols.md 3, doc/boards.md 6). */
#include "applet.h"
#include "bootloader.h"
#include "clock.h"
#include "err.h"
#include "exitcode.h"
#include "filter.h"
#include "fsutil.h"
#include "image.h"
#include "log.h"
#include "progress.h"
#include "reappear.h"
#include "scan.h"
#include "uf2.h"
#include "uf2drive.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *o_drive, *o_device, *o_family;
static struct mpf_u32 o_base;
static int o_force, o_no_wait, o_raw;

/* --family: the family table's names, any case, or a family ID number */
static const char *family_word(int i)
{
	const struct mpf_uf2_family *f;

	for (f = mpf_uf2_families; f->name && i > 0; f++, i--)
		;
	return f->name;
}

static int family_accept(const char *arg)
{
	uint32_t id;

	return mpf_uf2_family_find(arg) || !mpf_parse_addr(arg, &id);
}

static const struct mpf_opt uf2_opts[] = {
	OPT_DIR(0, "drive", &o_drive, "PATH", "copy to the bootloader drive mounted at PATH"),
	OPT_HINT(0, "device", &o_device, "DEV", "@file",
		 "write the blocks straight to block device DEV (/dev/sdb), unmounted"),
	OPT_BOOL(0, "raw", &o_raw,
		 "write to the target's block device itself when it is not mounted, instead of mounting it"),
	OPT_BOOL(0, "force", &o_force,
		 "flash even when the image's family does not fit the drive, --device is not a UF2 "
		 "bootloader's, or the image is larger than its family's flash"),
	OPT_BOOL(0, "no-wait", &o_no_wait, "do not wait for the board to come back as a serial port"),
	OPT_CHOICE_FN(0, "family", &o_family, "NAME", family_word, family_accept,
		      "convert: the UF2 family, as its ID (0xe48bff56) or by name; extract: "
		      "the family to take from a file that holds several"),
	OPT_ADDR(0, "base", &o_base, "ADDR",
		 "convert: address of a raw binary's first byte (default: the family's usual base)"),
	OPT_END(),
};

/* A file that is not UF2 at all is named for what it is (a .hex, an ESP
 * image) with the way to use it; returns 1 when err says so. */
static int foreign(const char *path, const struct mpf_buf *data, struct mpf_buf *err)
{
	struct mpf_image img;
	int named = 0;

	if (mpf_image_parse((const uint8_t *)data->buf, data->len, 0, &img, NULL) == MPF_OK) {
		named = mpf_image_accept(&img, path, MPF_IMAGE_TAKES(MPF_IMAGE_UF2), err) < 0;
		mpf_image_release(&img);
	}
	return named;
}

static int load_uf2(const char *path, struct mpf_buf *data, struct mpf_uf2_summary *s,
		    struct mpf_buf *err)
{
	struct mpf_buf why = MPF_BUF_INIT;
	int r = mpf_load_file(path, MPF_FIRMWARE_MAX, data, err);

	if (!r && (r = mpf_uf2_validate((const uint8_t *)data->buf, data->len, s, &why)) &&
	    !foreign(path, data, err))
		mpf_errf(err, r, "%s: %s", path, why.buf);
	mpf_buf_release(&why);
	return r;
}

static json_t *hex32(uint32_t v)
{
	char b[16];

	snprintf(b, sizeof(b), "0x%08x", (unsigned)v);
	return json_string(b);
}

static json_t *parts_json(const struct mpf_uf2_summary *s)
{
	json_t *a = json_array();
	char fb[16];
	size_t i;

	for (i = 0; i < s->nparts; i++) {
		const struct mpf_uf2_part *p = &s->parts[i];
		json_t *o = json_object();

		if (p->has_family) {
			json_object_set_new(o, "family", json_string(mpf_uf2_family_name(p->family, fb, sizeof(fb))));
			json_object_set_new(o, "id", hex32(p->family));
		}
		json_object_set_new(o, "blocks", json_integer(p->blocks));
		json_object_set_new(o, "start", hex32(p->start));
		json_object_set_new(o, "end", hex32(p->end));
		json_object_set_new(o, "bytes", json_integer((json_int_t)p->bytes));
		json_object_set_new(o, "payload", json_integer(p->payload));
		json_array_append_new(a, o);
	}
	return a;
}

/* ---- info ---- */

static const char *families_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	json_t *a = mpf_rec_get(r, "families"), *v;
	size_t i;

	json_array_foreach(a, i, v) {
		const char *f = json_string_value(json_object_get(v, "family"));

		mpf_buf_addf(out, "%s%s %s-%s", i ? ", " : "", f ? f : "(none)",
			     json_string_value(json_object_get(v, "start")),
			     json_string_value(json_object_get(v, "end")));
	}
	return out->len ? out->buf : NULL;
}

static const struct mpf_column info_columns[] = {
	{ "File", "file", NULL },
	{ "Blocks", "blocks", NULL },
	{ "Families and ranges", NULL, families_cell },
	{ NULL, NULL, NULL },
};

static int info_run(struct mpf_record *rec, void *ctx)
{
	struct mpf_buf data = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct mpf_uf2_summary s;
	const char *file = mpf_rec_str(rec, "file");
	int r = load_uf2(file, &data, &s, &err);

	if (!r) {
		mpf_rec_set_int(rec, "size", (long long)data.len);
		mpf_rec_set_int(rec, "blocks", (long long)s.blocks);
		mpf_rec_set(rec, "families", parts_json(&s));
		if (s.skipped)
			mpf_rec_set_int(rec, "not_main_flash", (long long)s.skipped);
		if (s.ignored)
			mpf_rec_set_int(rec, "ignore_blocks", (long long)s.ignored);
	} else {
		mpf_rec_set_error(rec, mpf_err_name(r), "%s", err.buf);
	}
	mpf_buf_release(&data);
	mpf_buf_release(&err);
	return r;
}

static int cmd_info(int argc, char **argv)
{
	struct mpf_filter f = { .run = info_run, .columns = info_columns };
	struct mpf_record *recs;
	int i;

	recs = mpf_xcalloc((size_t)argc, sizeof(*recs));
	for (i = 0; i < argc; i++) {
		mpf_record_init(&recs[i]);
		mpf_rec_set_str(&recs[i], "file", argv[i]);
	}
	i = mpf_filter_list(&f, recs, (size_t)argc);
	free(recs);
	return i;
}

/* ---- convert, extract ---- */

/* Writing OUT must never replace IN, whatever path or link names it. */
static void refuse_same_file(const char *in, const char *out)
{
	if (mpf_same_file(in, out))
		mpf_usage_error("%s and %s are the same file: the output would replace the input",
				in, out);
}

/* What convert takes: flash contents, placed (HEX, ELF) or raw (a .bin,
 * an ESP image); a UF2 file is already one. How much is too much is the
 * family's flash (check_fits); the cap only bounds the memory a sparse
 * file could ask for. */
#define CONVERT_TAKES (MPF_IMAGE_TAKES(MPF_IMAGE_BIN) | MPF_IMAGE_TAKES(MPF_IMAGE_HEX) | \
		       MPF_IMAGE_TAKES(MPF_IMAGE_ELF) | MPF_IMAGE_TAKES(MPF_IMAGE_ESP))
#define CONVERT_MAX MPF_FIRMWARE_MAX

/* A raw image goes at the family's usual base or --base; without either,
 * say why there is none. */
static void need_base(const struct mpf_uf2_family *fam)
{
	mpf_usage_error("a raw .bin needs --base for %s: its flash address %s (a .hex or "
			".elf carries its addresses)", fam->name, mpf_uf2_family_find(o_family) ?
			"depends on the board" : "is not known, as the family is not in "
			"uf2families.json");
}

/* The input's bytes from its first address (raw: base, which the family
 * may not know), in bin. */
static uint32_t convert_input(const char *path, const struct mpf_uf2_family *fam,
			      struct mpf_buf *bin)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_image img;
	uint32_t base = fam->base;
	int r = mpf_image_load(path, base, &img, &err), raw;

	if (r == MPF_ERR_IO)
		mpf_die(MPF_EXIT_NOINPUT, "%s", err.buf);
	if (r == MPF_OK)
		r = mpf_image_accept(&img, path, CONVERT_TAKES, &err);
	raw = img.fmt == MPF_IMAGE_BIN || img.fmt == MPF_IMAGE_ESP;
	if (r == MPF_OK && raw && !base)
		need_base(fam);
	if (r == MPF_OK && !raw && o_base.given)
		mpf_warn("%s is %s: its own addresses are used, --base is ignored", path,
			 img.format);
	/* Placed data becomes whole 256-byte blocks on 256-byte boundaries
	 * (as RP2040's ROM needs), filled with 0xff; a raw binary's bytes go
	 * exactly where --base says, or convert refuses. */
	if (r == MPF_OK && (r = mpf_image_flatten(&img, raw ? 1 : 256, CONVERT_MAX, bin, &base,
						  &err)) < 0)
		mpf_buf_addf(&err, " (%s)", path);
	while (r == MPF_OK && !raw && bin->len % 256)
		mpf_buf_addch(bin, (char)0xff);
	mpf_image_release(&img);
	if (r < 0)
		mpf_die(MPF_EXIT_DATAERR, "%s", err.buf);
	mpf_buf_release(&err);
	return base;
}

static struct mpf_uf2_family convert_family(void)
{
	struct mpf_uf2_family fam = { .name = o_family };

	if (!o_family)
		mpf_usage_error("convert needs --family (RP2040, RP2350_ARM_S, SAMD21, SAMD51, "
				"NRF52840, ... or a number)");
	if (mpf_uf2_family_find(o_family))
		fam = *mpf_uf2_family_find(o_family);
	else
		mpf_parse_addr(o_family, &fam.id);	/* a number: --family took it */
	if (o_base.given)
		fam.base = o_base.v;
	return fam;
}

static void check_fits(const char *what, int r, struct mpf_buf *err)
{
	if (r && !o_force)
		mpf_die(MPF_EXIT_DATAERR, "%s: %s (--force to go on)", what, err->buf);
	if (r)
		mpf_warn("%s: %s; going on (--force)", what, err->buf);
	mpf_buf_reset(err);
}

static int cmd_convert(int argc, char **argv)
{
	struct mpf_uf2_family fam = convert_family();
	struct mpf_buf in = MPF_BUF_INIT, out = MPF_BUF_INIT, err = MPF_BUF_INIT;
	uint32_t base;
	int n;

	refuse_same_file(argv[0], argv[1]);
	base = convert_input(argv[0], &fam, &in);
	check_fits(argv[0], mpf_uf2_fits(fam.id, (uint64_t)base + in.len, &err), &err);
	n = mpf_uf2_convert((const uint8_t *)in.buf, in.len, base, fam.id, 256, &out, &err);
	if (n < 0)
		mpf_die(MPF_EXIT_DATAERR, "%s: %s", argv[0], err.buf);
	if (mpf_write_file(argv[1], out.buf, out.len, &err))
		mpf_die(MPF_EXIT_CANTCREAT, "%s", err.buf);
	mpf_info("%s: %d blocks of %s at 0x%08x-0x%08x", argv[1], n, fam.name, (unsigned)base,
		 (unsigned)(base + in.len));
	mpf_buf_release(&in);
	mpf_buf_release(&out);
	mpf_buf_release(&err);
	return 0;
}

/* The part extract takes: the one there is, or the one --family names. */
static const struct mpf_uf2_part *extract_part(const char *file, const struct mpf_uf2_summary *s)
{
	const struct mpf_uf2_family *f = o_family ? mpf_uf2_family_find(o_family) : NULL;
	struct mpf_buf fams = MPF_BUF_INIT;
	uint32_t id = 0;
	char fb[16];
	size_t i;

	if (o_family && !f)
		mpf_parse_addr(o_family, &id);
	for (i = 0; o_family && i < s->nparts; i++)
		if (s->parts[i].has_family && s->parts[i].family == (f ? f->id : id))
			return &s->parts[i];
	if (!o_family && s->nparts == 1)
		return &s->parts[0];
	for (i = 0; i < s->nparts; i++)
		mpf_buf_addf(&fams, "%s%s", i ? ", " : "", s->parts[i].has_family ?
			     mpf_uf2_family_name(s->parts[i].family, fb, sizeof(fb)) : "(no family)");
	if (o_family)
		mpf_die(MPF_EXIT_DATAERR, "%s has no %s blocks (it has %s)", file, o_family, fams.buf);
	mpf_usage_error("%s holds several families (%s): pick one with --family", file, fams.buf);
}

static int cmd_extract(int argc, char **argv)
{
	struct mpf_buf in = MPF_BUF_INIT, out = MPF_BUF_INIT, err = MPF_BUF_INIT;
	const struct mpf_uf2_part *p;
	struct mpf_uf2_summary s;
	char fb[16];
	int r;

	refuse_same_file(argv[0], argv[1]);
	if ((r = load_uf2(argv[0], &in, &s, &err)))
		mpf_die(r == MPF_ERR_FORMAT ? MPF_EXIT_DATAERR : MPF_EXIT_NOINPUT, "%s", err.buf);
	p = extract_part(argv[0], &s);
	if (mpf_uf2_extract((const uint8_t *)in.buf, in.len, p, MPF_FIRMWARE_MAX, &out, &err))
		mpf_die(MPF_EXIT_DATAERR, "%s: %s", argv[0], err.buf);
	if (mpf_write_file(argv[1], out.buf, out.len, &err))
		mpf_die(MPF_EXIT_CANTCREAT, "%s", err.buf);
	mpf_info("%s: %zu bytes of %s for 0x%08x-0x%08x", argv[1], out.len, p->has_family ?
		 mpf_uf2_family_name(p->family, fb, sizeof(fb)) : "(no family)",
		 (unsigned)p->start, (unsigned)p->end);
	mpf_buf_release(&in);
	mpf_buf_release(&out);
	mpf_buf_release(&err);
	return 0;
}

/* ---- flashing ---- */

struct flash {
	const char *file, *drive, *device, *port;
	double seconds;
	int vanished;
	int started;		/* the first block went out */
	struct mpf_uf2_summary s;
	struct mpf_buf err;
	/* a DAPLink drive: what DETAILS.TXT says, the image, FAIL.TXT */
	int daplink;
	struct mpf_daplink_details dl;
	const char *format;
	uint64_t bytes;
	char fail[512];
};

static void set_flashed(struct mpf_record *rec, const struct flash *f, const char *where)
{
	json_t *o = json_object();
	uint64_t bytes = 0;
	char fb[16];
	size_t i;

	for (i = 0; i < f->s.nparts; i++)
		bytes += f->s.parts[i].bytes;
	json_object_set_new(o, "method", json_string("uf2"));
	json_object_set_new(o, "ok", json_true());
	json_object_set_new(o, "bytes", json_integer((json_int_t)bytes));
	json_object_set_new(o, "blocks", json_integer((json_int_t)f->s.blocks));
	json_object_set_new(o, "seconds", json_real((double)(int64_t)(f->seconds * 1000) / 1000));
	/* A UF2 bootloader's drive cannot be read back: claim nothing. */
	json_object_set_new(o, "verified", json_false());
	json_object_set_new(o, "verify", json_string("none"));
	if (f->s.nparts && f->s.parts[0].has_family)
		json_object_set_new(o, "family", json_string(mpf_uf2_family_name(f->s.parts[0].family, fb, sizeof(fb))));
	json_object_set_new(o, f->device ? "device" : "drive", json_string(where));
	mpf_rec_set(rec, "flashed", o);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static int check_family(struct flash *f, const char *dir)
{
	struct mpf_uf2_info info;
	int r;

	if (mpf_uf2_read_info(dir, &info))
		return mpf_errf(&f->err, MPF_ERR_NODEV, "%s is not a UF2 bootloader drive (no "
				"readable INFO_UF2.TXT)", dir);
	r = mpf_uf2_check_target(&f->s, &info, f->port, &f->err);
	if (r == 1)
		mpf_warn("%s: cannot tell whether %s fits (Board-ID '%s'): copying anyway", dir,
			 base_name(f->file), info.board_id);
	if (r < 0 && o_force) {
		mpf_warn("%s: %s; copying anyway (--force)", dir, f->err.buf);
		r = 0;
	}
	return r < 0 ? r : 0;
}

/* Before a byte is copied: the image must fit its family's flash, or for
 * blocks without a family the flash of the drive's family. */
static int check_bounds(struct flash *f)
{
	struct mpf_uf2_info info;
	int known = f->drive && !mpf_uf2_read_info(f->drive, &info);
	int r = mpf_uf2_check_bounds(&f->s, known ? &info : NULL, &f->err);

	if (r && o_force) {
		mpf_warn("%s: %s; copying anyway (--force)", f->file, f->err.buf);
		mpf_buf_reset(&f->err);
		return 0;
	}
	if (r) {
		char *why = mpf_buf_detach(&f->err);

		mpf_errf(&f->err, r, "%s: %s (nothing copied; --force to go on)",
			 base_name(f->file), why);
		free(why);
	}
	return r;
}

static int copy_to_drive(struct flash *f, const struct mpf_buf *data)
{
	struct mpf_progress *pr;
	int r = check_family(f, f->drive);

	if (r)
		return r;
	pr = mpf_progress_begin(f->drive, "copy", data->len);
	f->started = 1;
	r = mpf_uf2_copy(f->drive, base_name(f->file), (const unsigned char *)data->buf, data->len,
			 pr, &f->vanished, &f->err);
	mpf_progress_end(pr, !r);
	if (r || f->vanished)
		return r;
	/* The bootloader resets once it holds every block: the drive goes. */
	r = mpf_uf2_wait_gone(f->drive, mpf_timeout_ms());
	if (r == MPF_ERR_TIMEOUT)
		return mpf_errf(&f->err, r, "%s is still there %d s after the copy: the bootloader "
				"did not take the image", f->drive, (mpf_timeout_ms() + 999) / 1000);
	return r ? mpf_errf(&f->err, r, "interrupted") : 0;
}

/* ---- DAPLink drives (doc/protocols.md section 3.4) ---- */

/* A drive with no INFO_UF2.TXT but DAPLink's DETAILS.TXT. */
static int is_daplink(struct flash *f)
{
	struct mpf_uf2_info info;

	f->daplink = mpf_uf2_read_info(f->drive, &info) == MPF_ERR_NODEV &&
		     !mpf_daplink_read_details(f->drive, &f->dl);
	return f->daplink;
}

/* What DAPLink takes: Intel HEX, or a raw binary it places at the start of
 * the target's flash; anything else is refused before a byte is copied. */
static int daplink_load(struct flash *f, struct mpf_buf *data)
{
	struct mpf_buf what = MPF_BUF_INIT;
	struct mpf_image img;
	size_t i;
	int r = mpf_load_file(f->file, MPF_FIRMWARE_MAX, data, &f->err);

	if (r)
		return r;
	if ((r = mpf_image_parse((const uint8_t *)data->buf, data->len, 0, &img, &what))) {
		mpf_errf(&f->err, r, "%s: %s; nothing copied", base_name(f->file), what.buf);
		mpf_buf_release(&what);
		return r;
	}
	f->format = img.fmt == MPF_IMAGE_HEX ? "hex" : img.fmt == MPF_IMAGE_BIN ? "bin" : NULL;
	for (i = 0, f->bytes = 0; i < img.n; i++)
		f->bytes += img.seg[i].len;
	/* a binary's bytes without the DFU suffix or prefix it may carry */
	if (img.fmt == MPF_IMAGE_BIN && img.n == 1 && img.seg[0].len != data->len) {
		mpf_buf_reset(data);
		mpf_buf_add(data, img.seg[0].data, img.seg[0].len);
	}
	mpf_image_describe(&img, &what);
	mpf_image_release(&img);
	if (!f->format)
		r = mpf_errf(&f->err, MPF_ERR_FORMAT, "%s is %s: a DAPLink drive (%s) takes Intel "
			     "HEX (.hex) or a raw binary (.bin) only; nothing copied%s",
			     base_name(f->file), what.buf, f->drive, img.fmt == MPF_IMAGE_UF2 ?
			     " (mpf-uf2 extract makes a .bin of a UF2 file)" : "");
	mpf_buf_release(&what);
	return r;
}

/* DAPLink picks the decoder by the file's extension: the copy is named
 * after the file with the extension of what it holds. */
static const char *daplink_name(const struct flash *f, char *name, size_t cap)
{
	const char *b = base_name(f->file), *dot = strrchr(b, '.');
	int n = dot && dot != b ? (int)(dot - b) : (int)strlen(b);

	snprintf(name, cap, "%.*s.%s", n, b, f->format);
	return name;
}

/* Copy, wait for the remount, read FAIL.TXT: all DAPLink tells. */
static int daplink_copy(struct flash *f, const struct mpf_buf *data)
{
	struct mpf_progress *pr = mpf_progress_begin(f->drive, "copy", data->len);
	char name[300];
	int r;

	f->started = 1;
	r = mpf_daplink_copy(f->drive, daplink_name(f, name, sizeof(name)),
			     (const unsigned char *)data->buf, data->len, pr, &f->err);
	mpf_progress_end(pr, !r);
	if (r)
		return r;
	r = mpf_daplink_wait_remount(f->drive, f->dl.remounts, mpf_timeout_ms());
	if (r == MPF_ERR_TIMEOUT)
		return mpf_errf(&f->err, r, "%s did not remount within %d s of the copy: DAPLink "
				"did not finish programming the target", f->drive,
				(mpf_timeout_ms() + 999) / 1000);
	if (r)
		return mpf_errf(&f->err, r, "interrupted");
	if (mpf_daplink_read_fail(f->drive, f->fail, sizeof(f->fail)))
		return mpf_errf(&f->err, MPF_ERR_PROTO, "DAPLink could not program the target: "
				"%s (FAIL.TXT on %s)", f->fail, f->drive);
	return 0;
}

static int daplink_file(struct flash *f)
{
	struct mpf_buf data = MPF_BUF_INIT;
	int64_t t0 = mpf_now_ms();
	int r = daplink_load(f, &data);

	if (!r && mpf_daplink_maintenance(&f->dl))
		r = mpf_errf(&f->err, MPF_ERR_SUPP, "%s is DAPLink's own bootloader (MAINTENANCE "
			     "mode): a file copied there replaces the probe's firmware, not the "
			     "board's; plug the board in again without holding RESET", f->drive);
	if (!r)
		r = daplink_copy(f, &data);
	f->seconds = (double)(mpf_now_ms() - t0) / 1000;
	mpf_buf_release(&data);
	return r;
}

/* DAPLink cannot be read back through its drive: flashed says what was
 * checked (the remount, no FAIL.TXT), never "verified". */
static void daplink_flashed(struct mpf_record *rec, const struct flash *f)
{
	json_t *o = json_object();

	json_object_set_new(o, "method", json_string("daplink"));
	json_object_set_new(o, "ok", json_true());
	json_object_set_new(o, "format", json_string(f->format));
	json_object_set_new(o, "bytes", json_integer((json_int_t)f->bytes));
	json_object_set_new(o, "seconds", json_real((double)(int64_t)(f->seconds * 1000) / 1000));
	json_object_set_new(o, "verified", json_false());
	json_object_set_new(o, "verify", json_string("none"));
	json_object_set_new(o, "checked", json_string("the drive remounted with no FAIL.TXT"));
	if (f->dl.board_id[0])
		json_object_set_new(o, "board_id", json_string(f->dl.board_id));
	json_object_set_new(o, "drive", json_string(f->drive));
	mpf_rec_set(rec, "flashed", o);
}

/* Writing UF2 blocks from sector 0 destroys any other disk: dev must be a
 * bootloader's, by the SCSI identity of its disk or INFO_UF2.TXT on it. */
static int device_check(const char *dev, struct mpf_buf *err)
{
	char vendor[32], model[64];

	if (mpf_blockdev_scsi_identity(getenv("MPF_TEST_SYSFS"), dev, vendor, sizeof(vendor),
				       model, sizeof(model)) && mpf_uf2_msc_match(vendor, model))
		return 0;
	return mpf_uf2_device_has_info(dev, err);
}

static int flash_file(struct flash *f)
{
	struct mpf_buf data = MPF_BUF_INIT;
	int64_t t0 = mpf_now_ms();
	int r;

	if (!f->device && is_daplink(f))
		return daplink_file(f);
	r = load_uf2(f->file, &data, &f->s, &f->err);

	if (!r)
		r = check_bounds(f);
	if (!r && f->device && !o_force)
		r = device_check(f->device, &f->err);
	if (!r && f->device) {
		struct mpf_progress *pr = mpf_progress_begin(f->device, "write", data.len);

		f->started = 1;
		r = mpf_uf2_write_device(f->device, (const unsigned char *)data.buf, data.len, pr,
					 &f->err);
		mpf_progress_end(pr, !r);
	} else if (!r) {
		r = copy_to_drive(f, &data);
	}
	f->seconds = (double)(mpf_now_ms() - t0) / 1000;
	mpf_buf_release(&data);
	return r;
}

static int flash_record(struct mpf_record *rec, struct flash *f)
{
	const char *where = f->device ? f->device : f->drive;
	int r = flash_file(f);

	if (r) {
		if (f->started)
			mpf_flash_incomplete(rec, f->daplink ? "daplink" : "uf2");
		if (f->fail[0])
			json_object_set_new(mpf_rec_get(rec, "flashed"), "fail_txt",
					    json_string(f->fail));
		mpf_rec_set_error(rec, mpf_err_name(r), "%s", f->err.buf);
		return r;
	}
	mpf_info("%s: %s flashed in %.1f s", where, base_name(f->file), f->seconds);
	if (f->daplink)
		daplink_flashed(rec, f);
	else
		set_flashed(rec, f, where);
	if (!o_no_wait)
		mpf_board_reappear(rec, mpf_rec_str(rec, "target.usb_serial"), mpf_timeout_ms());
	return 0;
}

/* A record whose target is a block device nobody mounted (no automounter):
 * mount it for the copy, as alone (udisksctl, or mount(8) as root). */
static int flash_mounted(struct mpf_record *rec, struct flash *f)
{
	char *dir = NULL;
	const char *dev = f->device;
	int ours = 0, r = mpf_uf2_mount(dev, NULL, &dir, &ours, &f->err);

	if (r) {
		mpf_rec_set_error(rec, mpf_err_name(r), "%s", f->err.buf);
		return r;
	}
	f->drive = dir;
	f->device = NULL;
	r = flash_record(rec, f);
	if (ours)
		mpf_uf2_unmount(dir);
	free(dir);
	return r;
}

/* A drive mpf-uf2 copies to: a UF2 bootloader's or a DAPLink probe's. */
static int drive_kind(const char *kind)
{
	return kind && (!strcmp(kind, "uf2") || !strcmp(kind, "daplink"));
}

/* UF2 targets, DAPLink targets, and DAPLink drives given a firmware. */
static int wants(const struct mpf_record *rec, void *ctx)
{
	const char *kind = mpf_rec_str(rec, "kind"), *tk = mpf_rec_str(rec, "target.kind");

	return mpf_bootloader_record_for(rec, "uf2") || (tk && !strcmp(tk, "daplink")) ||
	       (kind && !strcmp(kind, "daplink") && mpf_rec_get(rec, "firmware.file"));
}

/* Is the drive at the target's path still the one mpf-bootloader matched
 * to this board? A drive mounted there since (udisks names mount points
 * by label: every RP2040 drive is RPI-RP2) at another USB place or with
 * another USB serial number is another board's: not written to. A drive
 * the OS gives no USB identity cannot be checked. */
static int same_drive(const struct mpf_record *rec, const char *path, struct mpf_buf *err)
{
	const char *tl = mpf_rec_str(rec, "target.location"), *ts = mpf_rec_str(rec, "target.usb_serial");
	struct mpf_uf2_drive *d;
	char serial[128], loc[64];
	size_t n, i;
	int r = 0;

	if ((!tl && !ts) || mpf_uf2_find_drives(NULL, &d, &n))
		return 0;
	for (i = 0; i < n && !r; i++) {
		if (strcmp(d[i].path, path) || strncmp(d[i].device, "/dev/", 5) ||
		    !mpf_blockdev_usb_identity(getenv("MPF_TEST_SYSFS"), d[i].device, serial,
					       sizeof(serial), loc, sizeof(loc)))
			continue;
		if ((tl && strcmp(tl, loc)) || (ts && serial[0] && strcmp(ts, serial)))
			r = mpf_errf(err, MPF_ERR_MISMATCH, "the drive at %s is not the board's any more "
				     "(USB port %s%s%s, the board's drive was at %s%s%s): not written",
				     path, loc, serial[0] ? ", serial number " : "", serial,
				     tl ? tl : "-", ts ? ", serial number " : "", ts ? ts : "");
	}
	mpf_uf2_drives_free(d, n);
	return r;
}

/* The drive a record's job copies to: records for one drive take turns. */
static const char *drive_device(const struct mpf_record *rec, struct mpf_buf *out, void *ctx)
{
	const char *tkind = mpf_rec_str(rec, "target.kind"), *kind = mpf_rec_str(rec, "kind");
	const char *d = o_drive ? o_drive : o_device;

	if (!d && tkind && !strcmp(tkind, "uf2"))
		d = mpf_rec_str(rec, "target.path") ? mpf_rec_str(rec, "target.path")
		    : mpf_rec_str(rec, "target.device");
	else if (!d && kind && !strcmp(kind, "uf2"))
		d = mpf_rec_str(rec, "path");
	if (!d)
		return NULL;
	mpf_buf_addf(out, "uf2:%s", d);
	return out->buf;
}

static int record_run(struct mpf_record *rec, void *ctx)
{
	struct flash f = { .err = MPF_BUF_INIT };
	const char *tkind = mpf_rec_str(rec, "target.kind"), *kind = mpf_rec_str(rec, "kind");
	int r;

	f.file = mpf_rec_str(rec, "firmware.file");
	f.port = mpf_rec_str(rec, "port");
	f.drive = o_drive;
	f.device = o_device;
	if (!f.drive && !f.device && drive_kind(tkind)) {
		f.drive = mpf_rec_str(rec, "target.path");
		f.device = f.drive ? NULL : mpf_rec_str(rec, "target.device");
	} else if (!f.drive && !f.device && drive_kind(kind)) {
		f.drive = mpf_rec_str(rec, "path");
	}
	if (!f.file) {
		mpf_rec_set_error(rec, "argument", "no firmware.file in the record (run mpf-fetch first)");
		return MPF_ERR_ARG;
	}
	if (!f.drive && !f.device) {
		mpf_rec_set_error(rec, "argument", "no UF2 target in the record (run mpf-bootloader "
				  "first, or name the drive with --drive)");
		return MPF_ERR_ARG;
	}
	if (f.drive && !o_drive && mpf_rec_str(rec, "target.path") &&
	    (r = same_drive(rec, f.drive, &f.err)) < 0)
		mpf_rec_set_error(rec, mpf_err_name(r), "%s", f.err.buf);
	else
		r = f.device && !o_device && !o_raw ? flash_mounted(rec, &f) : flash_record(rec, &f);
	mpf_buf_release(&f.err);
	return r;
}

static const char *flashed_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	if (!mpf_rec_get(r, "flashed.ok"))
		return NULL;
	mpf_buf_addf(out, "%s %.1f s", mpf_rec_bool(r, "flashed.ok", 0) ? "ok" : "failed",
		     json_number_value(mpf_rec_get(r, "flashed.seconds")));
	return out->buf;
}

static const struct mpf_column flash_columns[] = {
	{ "Port", "serial", NULL },
	{ "Drive", "flashed.drive", NULL },
	{ "Firmware", "firmware.file", NULL },
	{ "Family", "flashed.family", NULL },
	{ "Flashed", NULL, flashed_cell },
	{ NULL, NULL, NULL },
};

/* ---- standalone: mpf-uf2 [--drive PATH | --device DEV] FILE ---- */

/* Every mounted UF2 drive whose family fits the image. */
static int fitting_drives(const struct mpf_uf2_summary *s, struct mpf_buf *paths)
{
	struct mpf_uf2_drive *d;
	size_t n, i;
	int fit = 0;

	if (mpf_uf2_find_drives(NULL, &d, &n))
		return 0;
	for (i = 0; i < n; i++)
		if (mpf_uf2_check_target(s, &d[i].info, NULL, NULL) >= 0) {
			mpf_buf_addf(paths, "%s%s", fit++ ? "\n" : "", d[i].path);
		}
	mpf_uf2_drives_free(d, n);
	return fit;
}

/* Find the drive for file: one mounted drive that fits, else a bootloader
 * block device (sysfs) that we mount. Polls until the timeout, as the user
 * may still be holding BOOTSEL. */
static int find_drive(const char *file, char **drive, int *ours, struct mpf_buf *err)
{
	struct mpf_buf data = MPF_BUF_INIT, paths = MPF_BUF_INIT;
	struct mpf_uf2_summary s;
	struct mpf_uf2_blockdev bd[8];
	int64_t end = mpf_now_ms() + mpf_timeout_ms();
	int r = load_uf2(file, &data, &s, err), n;

	while (!r) {
		mpf_buf_reset(&paths);
		if ((n = fitting_drives(&s, &paths)) == 1) {
			*drive = mpf_buf_detach(&paths);
			break;
		}
		if (n > 1) {
			r = mpf_errf(err, MPF_ERR_ARG, "several UF2 drives fit, name one with --drive: %s",
				     paths.buf);
			break;
		}
		if ((n = mpf_uf2_find_blockdevs(getenv("MPF_TEST_SYSFS"), bd, 8)) > 0) {
			r = mpf_uf2_mount(bd[0].dev, NULL, drive, ours, err);
			break;
		}
		if (mpf_now_ms() >= end || mpf_interrupted)
			r = mpf_errf(err, MPF_ERR_NODEV, "no UF2 bootloader drive found (mounted, or "
				     "in /sys/block); put the board in its bootloader (mpf-bootloader) "
				     "or name it with --drive or --device");
		else
			mpf_sleep_ms(100);
	}
	mpf_buf_release(&data);
	mpf_buf_release(&paths);
	return r;
}

/* A .hex or .bin (anything mpf-uf2 would not take as UF2) goes to the one
 * mounted DAPLink drive. */
static int for_daplink(const char *file)
{
	struct mpf_buf data = MPF_BUF_INIT;
	struct mpf_image img;
	int r = mpf_load_file(file, MPF_FIRMWARE_MAX, &data, NULL), yes = 0;

	if (!r && !mpf_image_parse((const uint8_t *)data.buf, data.len, 0, &img, NULL)) {
		yes = img.fmt == MPF_IMAGE_HEX || img.fmt == MPF_IMAGE_BIN;
		mpf_image_release(&img);
	}
	mpf_buf_release(&data);
	return yes;
}

static int find_daplink(const char *file, char **drive, struct mpf_buf *err)
{
	struct mpf_uf2_drive *d;
	struct mpf_buf paths = MPF_BUF_INIT;
	size_t n, i;
	int found = 0, r = 0;

	if (mpf_drives_find(NULL, &d, &n))
		n = 0;
	for (i = 0; i < n; i++)
		if (d[i].daplink)
			mpf_buf_addf(&paths, "%s%s", found++ ? "\n" : "", d[i].path);
	mpf_uf2_drives_free(d, n);
	if (found == 1)
		*drive = mpf_buf_detach(&paths);
	else if (found)
		r = mpf_errf(err, MPF_ERR_ARG, "several DAPLink drives are mounted, name one with "
			     "--drive: %s", paths.buf);
	else
		r = mpf_errf(err, MPF_ERR_NODEV, "no DAPLink drive (MICROBIT, DAPLINK) is mounted "
			     "for %s; a UF2 bootloader drive takes .uf2 files (mpf-uf2 convert)",
			     base_name(file));
	mpf_buf_release(&paths);
	return r;
}

static int cmd_flash(const char *file)
{
	struct mpf_filter fl = { .columns = flash_columns };
	struct flash f = { .file = file, .drive = o_drive, .device = o_device, .err = MPF_BUF_INIT };
	struct mpf_record rec;
	char *found = NULL;
	int ours = 0, r = 0;

	if (!f.drive && !f.device && for_daplink(file))
		r = find_daplink(file, &found, &f.err);
	else if (!f.drive && !f.device)
		r = find_drive(file, &found, &ours, &f.err);
	if (r)
		mpf_die(mpf_exit_for_err(r), "%s", f.err.buf);
	if (found)
		f.drive = found;
	mpf_record_init(&rec);
	mpf_rec_set_str(&rec, "kind", "uf2");
	mpf_rec_set_str(&rec, f.device ? "device" : "path", f.device ? f.device : f.drive);
	mpf_rec_set(&rec, "firmware", json_pack("{s:s}", "file", file));
	r = flash_record(&rec, &f);
	if (f.daplink)
		mpf_rec_set_str(&rec, "kind", "daplink");
	if (ours)
		mpf_uf2_unmount(f.drive);
	free(found);
	mpf_buf_release(&f.err);
	r = mpf_filter_list(&fl, &rec, 1) ? MPF_EXIT_FAIL : r ? MPF_EXIT_FAIL : 0;
	return r;
}

/* "... | mpf-uf2 FILE": FILE for each record's UF2 target, in place of
 * any firmware the record names; a record without one fails. */
static int file_run(struct mpf_record *rec, void *ctx)
{
	mpf_rec_set(rec, "firmware", json_pack("{s:s}", "file", (const char *)ctx));
	return record_run(rec, NULL);
}

/* Records come on stdin: a pipe, or a file with something in it (not a
 * terminal, not /dev/null). */
static int records_on_stdin(void)
{
	struct stat st;

	return !fstat(STDIN_FILENO, &st) &&
	       (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || (S_ISREG(st.st_mode) && st.st_size));
}

static int uf2_main(int argc, char **argv)
{
	struct mpf_filter f = { .wants = wants, .run = record_run, .columns = flash_columns,
				.device = drive_device };

	if (argc > 1)
		mpf_usage_error("one FILE at a time (a drive takes one image)");
	if (argc == 1)
		mpf_arg_file(argv[0]);
	if (argc == 1 && (o_drive || o_device || !records_on_stdin()))
		return cmd_flash(argv[0]);
	if (argc == 1) {
		f.wants = NULL;
		f.run = file_run;
		f.ctx = argv[0];
	} else if (isatty(STDIN_FILENO))
		mpf_usage_error("give a FILE, or records on stdin");
	return mpf_filter_fd(&f, STDIN_FILENO, "stdin");
}

static const struct mpf_subcmd uf2_subcmds[] = {
	SUBCMD("info", "FILE...", 1, -1, cmd_info,
	       "check UF2 files and describe them: families, blocks, addresses"),
	SUBCMD("convert", "--family NAME [--base ADDR] IN OUT.uf2", 2, 2, cmd_convert,
	       "make a UF2 file from a raw binary, Intel HEX or ELF file"),
	SUBCMD("extract", "[--family NAME] IN.uf2 OUT.bin", 2, 2, cmd_extract,
	       "turn a UF2 file back into a raw binary (gaps filled with 0xff)"),
	SUBCMD_END(),
};

static const char *const uf2_conflicts[] = { "drive device", "raw drive", NULL };

const struct mpf_applet uf2_applet = {
	.name = "uf2",
	.summary = "copy UF2 images onto UF2 bootloader drives and .hex/.bin onto DAPLink drives; "
		   "check and make UF2 files",
	.usage = "mpf-uf2 [options] [FILE] < records\n"
		 "mpf-uf2 [options] [--drive PATH | --device DEV] FILE",
	.description =
		"mpf-uf2 flashes boards whose bootloader shows a UF2 drive (RP2040, RP2350, "
		"SAMD21/51, nRF52840, ...). For each record with \"method\": \"uf2\" it copies "
		"firmware.file onto the drive named by the record's target (from "
		"mpf-bootloader), waits for the bootloader to reset, adds \"flashed\" to the "
		"record, then waits up to --timeout for the board to come back as a serial port "
		"(see AFTER FLASHING in mpf(7); --no-wait skips it). Other records pass "
		"through untouched. A record mpf-bootloader left at a UF2 drive without a "
		"method is flashed too, or fails when it names no firmware. With FILE and records "
		"on stdin, FILE goes to each record's target and a record without one fails: "
		"mpf-uf2 never looks for another drive then. A target with the drive's USB "
		"location or serial number is written only while the drive mounted at its path "
		"still has them: another board's drive mounted at the same place since (udisks "
		"names mount points by label) fails the record with \"mismatch\".\n"
		"\n"
		"Before copying, the image is validated block by block (magic numbers, payload "
		"size, numbering, overlaps) and its family IDs are checked against the drive's "
		"INFO_UF2.TXT Board-ID and the board's port: an RP2350 image is refused for an "
		"RP2040 drive (--force overrides). The copy goes front to back with the data "
		"synced to the device; the last block is written and synced on its own, because "
		"a bootloader resets as soon as it holds every block: the drive disappearing "
		"then is success, the drive disappearing earlier is an error.\n"
		"\n"
		"Alone, mpf-uf2 FILE looks for the one mounted UF2 drive that fits the image; "
		"with no automounter (a CI runner, a headless Pi) it finds the bootloader's "
		"block device under /sys/block by its SCSI vendor and model and mounts it with "
		"udisksctl, or with mount(8) as root; in a pipeline a target that is such an "
		"unmounted block device (from mpf-bootloader) is mounted the same way. --device "
		"writes the UF2 blocks straight to an unmounted block device instead (--raw: the "
		"target's), which UF2 bootloaders accept at any sector.\n"
		"\n"
		"A DAPLink drive (the micro:bit's MICROBIT, an NXP or Mbed evaluation kit's "
		"DAPLINK; known by DETAILS.TXT, kind daplink in mpf-scan) takes Intel HEX or a "
		"raw binary, which DAPLink places at the start of the target's flash: a UF2 or "
		"other file is refused before anything is written. mpf-uf2 copies it under a "
		"name ending in .hex or .bin (DAPLink picks its decoder by the extension), waits "
		"up to --timeout for the drive to remount after programming, and reads FAIL.TXT: "
		"when DAPLink left one, flashed.ok is false and fail_txt holds its message. "
		"DAPLink offers no read-back through its drive, so flashed.verified is false and "
		"flashed.checked says what was checked. A drive in MAINTENANCE mode (DAPLink's "
		"own bootloader) is refused: a file copied there replaces the probe's firmware. "
		"Alone, mpf-uf2 FILE.hex looks for the one mounted DAPLink drive.\n"
		"\n"
		"An image that runs past the end of its family's flash (RP2040: 16 MiB from "
		"0x10000000) is refused before a byte is copied (--force overrides). Blocks "
		"flagged not-main-flash (MakeCode puts the program's source in them) are counted "
		"in the file's numbering, as bootloaders count them, and never written to flash.\n"
		"\n"
		"mpf-uf2 info checks UF2 files and lists their families and address ranges; "
		"mpf-uf2 convert makes a UF2 file from a raw binary placed at --base (or the "
		"family's usual base), or from an Intel HEX or ELF file, whose data goes to its "
		"own addresses with the gaps filled with 0xff (256-byte payloads, as uf2conv and "
		"the Pico SDK write them); a family with no known base (a number not in "
		"uf2families.json, an ESP32) needs --base for a raw binary. The input is known "
		"by its content: a UF2 or DfuSe file is refused rather than wrapped. convert "
		"refuses to write over its input and to make an image larger than the family's "
		"flash (--force overrides). mpf-uf2 extract turns a UF2 file back into a raw "
		"binary from its lowest address to its highest, gaps filled with 0xff; --family "
		"picks one family of a file that holds several. Family names: every one of "
		"Microsoft's uf2families.json (RP2040, RP2350_ARM_S, SAMD21, SAMD51, NRF52840, "
		"NRF52832xxAA, STM32F0 ... STM32WL, ESP32C6, ESP32P4, RA4M1, CH32V, ...), in any "
		"case, or a number.",
	.examples =
		"$ mpf-scan | mpf-info | mpf-pick --version 1.24.1 | mpf-fetch | mpf-bootloader | mpf-uf2 | mpf-info\n"
		"Update every RP2040 board attached and show what runs afterwards.\n"
		"\n"
		"$ mpf-uf2 --drive /media/$USER/RPI-RP2 RPI_PICO_W-20241129-v1.24.1.uf2\n"
		"Copy an image to a board already in BOOTSEL mode.\n"
		"\n"
		"$ sudo mpf-uf2 --device /dev/sdb firmware.uf2\n"
		"Flash without mounting anything.\n"
		"\n"
		"$ mpf-uf2 --drive /media/$USER/MICROBIT MICROBIT-v1.24.1.hex\n"
		"Flash a micro:bit through its DAPLink drive.\n"
		"\n"
		"$ mpf-uf2 info firmware.uf2\n"
		"Check a UF2 file and show its families and address ranges.\n"
		"\n"
		"$ mpf-uf2 convert --family SAMD51 --base 0x4000 firmware.bin firmware.uf2\n"
		"Make a UF2 file for a SAMD51 board behind the UF2 bootloader.\n"
		"\n"
		"$ mpf-uf2 extract RPI_PICO-v1.24.1.uf2 pico.bin\n"
		"Take the flash image out of a UF2 file (for mpf-swd, or to compare).",
	.opts = uf2_opts,
	.conflicts = uf2_conflicts,
	.subcmds = uf2_subcmds,
	.flags = MPF_APPLET_FILTER | MPF_APPLET_OPERANDS,
	.default_timeout = 30,
	.default_jobs = MPF_JOBS_ALL,
	.main = uf2_main,
};
