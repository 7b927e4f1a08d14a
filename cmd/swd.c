/* swd.c - mpf-swd: program STM32, nRF51/52/53 and RP2040/RP2350 boards through a CMSIS-DAP or
 * ST-LINK debug probe over SWD, register-level, without Python or CMSIS packs
 * (Arm CMSIS-DAP, ADIv5; doc/protocols.md 4-5; lib/proto/cmsis_dap, stlink,
 * lib/flash/adiv5, cortex_m, swd_target).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applet.h"
#include "clock.h"
#include "cortex_m.h"
#include "err.h"
#include "exitcode.h"
#include "filter.h"
#include "fsutil.h"
#include "image.h"
#include "log.h"
#include "reappear.h"
#include "scan.h"
#include "progress.h"
#include "swd.h"
#include "usb_dap.h"

static const char *o_probe, *o_target;
static struct mpf_u32 o_frequency = { MPF_SWD_DEFAULT_HZ }, o_address;
static int o_unlock, o_all, o_no_reset, o_no_algorithm;

/* --target: the flash driver table's names */
static const char *target_word(int i)
{
	int n;

	for (n = 0; mpf_flash_drivers[n]; n++)
		if (n == i)
			return mpf_flash_drivers[n]->name;
	return NULL;
}

static const struct mpf_opt swd_opts[] = {
	OPT_STRING(0, "probe", &o_probe, "SERIAL",
		   "the probe with this USB serial, or the one whose serial or product contains it"),
	OPT_FREQ(0, "frequency", &o_frequency, "HZ", 1000, 100e6,
		 "SWD clock, e.g. 4M, 1000k (default 4M)"),
	OPT_CHOICE_FN('t', "target", &o_target, "FAMILY", target_word, NULL,
		      "use this flash driver instead of detecting the part"),
	OPT_BOOL(0, "unlock", &o_unlock,
		 "nRF52: mass-erase a protected chip (APPROTECT) through the CTRL-AP"),
	OPT_ADDR(0, "address", &o_address, "ADDR",
		 "where a raw .bin goes (default: the start of flash)"),
	OPT_BOOL(0, "all", &o_all, "erase: the whole flash (mass erase)"),
	OPT_BOOL(0, "no-reset", &o_no_reset, "leave the core halted after writing or erasing"),
	OPT_BOOL(0, "no-algorithm", &o_no_algorithm,
		 "write: program and read back from the host, not through a routine in target RAM"),
	OPT_END(),
};

struct session {
	struct mpf_usb_probe *probes;
	int n, idx;
	struct mpf_probe_link link;
	struct mpf_swd swd;
	int open, attached;
	int released;		/* the target was reset to run */
	uint32_t hz;		/* SWD clock asked for */
};

static void set_hex32(json_t *o, const char *k, uint32_t v)
{
	char s[16];

	snprintf(s, sizeof(s), "0x%08x", v);
	json_object_set_new(o, k, json_string(s));
}

static void probe_fields(struct mpf_record *r, const struct mpf_usb_probe *p)
{
	mpf_rec_set_str(r, "kind", "probe");
	mpf_scan_usb_fields(r, &p->u);
	if (p->version)
		mpf_rec_set_int(r, "dap_version", p->version);
	if (p->stlink)
		mpf_rec_set_int(r, "stlink_version", p->stlink);
}

static void session_close(struct session *s)
{
	/* a target caught under reset is let go, to run its firmware again */
	if (s->attached)
		mpf_swd_detach(&s->swd, s->swd.under_reset && !s->released, NULL);
	if (s->open)
		mpf_probe_link_release(&s->link);
	mpf_usb_probes_free(s->probes, s->n);
	memset(s, 0, sizeof(*s));
}

/* Find the probe sel names (NULL: the only one), open it and attach; the
 * probe goes into the record whatever happens. */
static int session_open(struct session *s, const char *sel, int halt, int attach,
			struct mpf_buf *err)
{
	struct mpf_swd_opts o = { 0 };
	int rc;

	memset(s, 0, sizeof(*s));
	s->n = mpf_usb_probes(&s->probes);
	if ((s->idx = mpf_usb_probe_select(s->probes, s->n, sel, err)) < 0)
		return s->idx;
	if ((rc = mpf_usb_probe_open(&s->probes[s->idx], &s->link, mpf_timeout_ms(), err)) < 0)
		return rc;
	s->open = 1;
	if (!attach)
		return MPF_OK;
	s->hz = o.hz = o_frequency.v;
	o.target = o_target;
	o.unlock = o_unlock;
	o.halt = halt;
	s->attached = 1;
	return mpf_swd_attach(&s->swd, &s->link, &o, err);
}

static int fail(struct mpf_record *r, int rc, struct mpf_buf *err)
{
	mpf_rec_set_error(r, mpf_err_name(rc), "%s", err->len ? err->buf : "failed");
	return rc;
}

struct prog {
	const char *id;
	struct mpf_progress *p;
	const char *phase;
	uint64_t written;	/* bytes programmed so far (phase "write") */
	int64_t since;		/* when the phase began */
	json_t *phases;		/* seconds each phase took (NULL: not timed) */
};

/* The phase that ends now: its seconds into g->phases (summed when it
 * comes back, as verify does once per block). */
static void phase_time(struct prog *g)
{
	double s = (double)(mpf_now_ms() - g->since) / 1000.0;
	json_t *o;

	if (!g->phase || !g->phases)
		return;
	o = json_object_get(g->phases, g->phase);
	json_object_set_new(g->phases, g->phase, json_real(s + (o ? json_real_value(o) : 0)));
}

static void on_progress(void *ctx, const char *phase, uint64_t done, uint64_t total)
{
	struct prog *g = ctx;

	if (g->phase != phase && (!g->phase || strcmp(g->phase, phase))) {
		if (g->p)
			mpf_progress_end(g->p, 1);
		phase_time(g);
		g->p = mpf_progress_begin(g->id, phase, total);
		g->phase = phase;
		g->since = mpf_now_ms();
	}
	if (!strcmp(phase, "write") && done > g->written)
		g->written = done;
	mpf_progress_update(g->p, done);
}

static void prog_end(struct prog *g, int ok)
{
	if (g->p)
		mpf_progress_end(g->p, ok);
	phase_time(g);
	g->p = NULL;
	g->phase = NULL;
}

static json_t *target_json(const struct session *s)
{
	const struct mpf_swd *w = &s->swd;
	json_t *o = json_object();

	set_hex32(o, "dpidr", w->a.dpidr);
	set_hex32(o, "cpuid", w->cpuid);
	if (*mpf_cm_core_name(w->cpuid))
		json_object_set_new(o, "core", json_string(mpf_cm_core_name(w->cpuid)));
	json_object_set_new(o, "target", json_string(w->t.name));
	json_object_set_new(o, "family", json_string(w->t.drv->name));
	set_hex32(o, "idcode", w->t.idcode);
	set_hex32(o, "flash_base", w->t.flash_base);
	if (w->t.flash_size)	/* an RP2040's is known only once its core is halted */
		json_object_set_new(o, "flash_size", json_integer(w->t.flash_size));
	json_object_set_new(o, "frequency", json_integer(s->link.stlink ? s->link.st.hz : s->hz));
	if (s->link.stlink) {
		char v[32];

		mpf_stlink_version_str(&s->link.st, v, sizeof(v));
		json_object_set_new(o, "stlink_firmware", json_string(v));
		return o;
	}
	json_object_set_new(o, "packet_size", json_integer(s->link.dap.packet_size));
	json_object_set_new(o, "packet_count", json_integer(s->link.dap.packet_count));
	return o;
}

/* What an address-taking flasher can write: files that carry their
 * addresses (a DfuSe file's elements included) and raw binaries. A UF2 or
 * an ESP image is meant for another method and is refused naming it,
 * except a UF2 whose every block is for a family some driver writes
 * (mpf_target.uf2_family: the RP2040's); that it is the attached part's is
 * checked once the target is known (uf2_for_target). */
#define SWD_TAKES (MPF_IMAGE_TAKES(MPF_IMAGE_BIN) | MPF_IMAGE_TAKES(MPF_IMAGE_HEX) | \
		   MPF_IMAGE_TAKES(MPF_IMAGE_ELF) | MPF_IMAGE_TAKES(MPF_IMAGE_DFUSE))
static const uint32_t swd_uf2_families[] = {
	0xE48BFF56u /* RP2040 */, 0xE48BFF59u /* RP2350_ARM_S */, 0xE48BFF5Bu /* RP2350_ARM_NS */,
	0xE48BFF5Au /* RP2350_RISCV */, 0xE48BFF57u /* RP2XXX_ABSOLUTE */, 0xE48BFF58u /* RP2XXX_DATA */,
};

/* 1 when family is one t's flash takes. */
static int target_takes(const struct mpf_target *t, uint32_t family)
{
	const uint32_t *f;

	for (f = t->uf2_more; f && *f; f++)
		if (*f == family)
			return 1;
	return family == t->uf2_family;
}

static unsigned swd_takes(const struct mpf_image *img)
{
	size_t i, k, ok = 0;

	for (i = 0; img->fmt == MPF_IMAGE_UF2 && i < img->nfamily; i++)
		for (k = 0; k < sizeof(swd_uf2_families) / sizeof(swd_uf2_families[0]); k++)
			ok += img->family[i] == swd_uf2_families[k];
	return SWD_TAKES | (img->nfamily && ok == img->nfamily ? MPF_IMAGE_TAKES(MPF_IMAGE_UF2) : 0);
}

static int uf2_for_target(const struct mpf_image *img, const struct mpf_target *t,
			  const char *id, struct mpf_buf *err)
{
	struct mpf_buf what = MPF_BUF_INIT;
	size_t i;
	int rc = MPF_OK;

	for (i = 0; img->fmt == MPF_IMAGE_UF2 && i < img->nfamily && rc >= 0; i++)
		if (!target_takes(t, img->family[i])) {
			mpf_image_describe(img, &what);
			rc = mpf_errf(err, MPF_ERR_MISMATCH, "%s is %s, but the target is %s: "
				      "nothing written", id, what.buf, t->name);
		}
	mpf_buf_release(&what);
	return rc;
}

/* The image of a record or of the command line, read and checked before
 * the probe is opened: a raw binary goes at --address, or at the start of
 * the target's flash (place_image, once it is known). */
static int load_image(const char *file, struct mpf_image *img, struct mpf_buf *err)
{
	int rc = mpf_image_load(file, o_address.v, img, err);

	if (rc >= 0 && (rc = mpf_image_accept(img, file, swd_takes(img), err)) >= 0 && img->n &&
	    img->fmt == MPF_IMAGE_DFUSE && img->seg[img->n - 1].alt)
		rc = mpf_errf(err, MPF_ERR_FORMAT, "%s has a DfuSe target for alt setting %d, "
			      "memory other than the main flash: write it with mpf-dfu", file,
			      img->seg[img->n - 1].alt);
	if (rc < 0)
		mpf_image_release(img);
	else if (o_address.given && img->fmt != MPF_IMAGE_BIN)
		mpf_warn("%s is %s: its own addresses are used, --address is ignored",
			 file, img->format);
	return rc;
}

static void place_image(struct mpf_image *img, const struct mpf_target *t)
{
	if (img->fmt == MPF_IMAGE_BIN && !o_address.given)
		img->seg[0].addr = t->flash_base;
}

static void set_flashed(struct mpf_record *r, const struct session *s, size_t bytes,
			int64_t t0, int ok, int verified, const struct mpf_flash_how *how,
			json_t *phases)
{
	json_t *f = json_object();

	json_object_set_new(f, "method", json_string("swd"));
	json_object_set_new(f, "ok", json_boolean(ok));
	json_object_set_new(f, "bytes", json_integer((json_int_t)bytes));
	json_object_set_new(f, "seconds", json_real((double)(mpf_now_ms() - t0) / 1000.0));
	json_object_set_new(f, "verified", json_boolean(verified));
	json_object_set_new(f, "verify", json_string(!verified ? "none" : how->crc ?
						       "crc32" : "readback"));
	json_object_set_new(f, "via", json_string(how->algorithm ? "algorithm" : "host"));
	json_object_set_new(f, "phases", phases);
	json_object_set_new(f, "target", json_string(s->swd.t.name));
	mpf_rec_set(r, "flashed", f);
}

/* Write file to the attached target; reset and run unless --no-reset. */
static int flash_image(struct session *s, struct mpf_record *r, struct mpf_image *img,
		       const char *id, struct mpf_buf *err)
{
	struct prog g = { id, NULL, NULL, 0, 0, json_object() };
	struct mpf_flash_how how = { .host_only = o_no_algorithm };
	int64_t t0 = mpf_now_ms();
	int rc, written, touched;

	place_image(img, &s->swd.t);
	if ((rc = uf2_for_target(img, &s->swd.t, id, err)) < 0)
		return rc;
	rc = mpf_flash_write_image(&s->swd.a, &s->swd.t, img, &how, on_progress, &g, err);
	touched = g.phase != NULL;	/* erasing or writing began */
	prog_end(&g, rc >= 0);
	written = rc >= 0;	/* programmed and checked equal */
	if (rc >= 0 && !o_no_reset) {
		rc = mpf_cm_reset_run(&s->swd.a, err);
		s->released = 1;
	}
	/* After a failure, say what the flash holds: the bytes programmed
	 * before it, not the image size (the rest is erased or old). */
	set_flashed(r, s, written ? mpf_image_size(img) : (size_t)g.written, t0, rc >= 0,
		    written, &how, g.phases);
	if (!written && touched)
		mpf_flash_incomplete(r, "swd");
	return rc;
}

/* ---- filter mode: records with method "swd" ---- */

static int wants_swd(const struct mpf_record *r, void *ctx)
{
	const char *m = mpf_rec_str(r, "method");

	return m && !strcmp(m, "swd");
}

/* The probe a record names: its "probe" (the USB serial of the probe the
 * board is behind), or its own usb_serial when the record is the probe
 * mpf-scan found; else --probe, else NULL (the only one attached). */
static const char *record_probe(const struct mpf_record *r)
{
	const char *p = mpf_rec_str(r, "probe"), *kind = mpf_rec_str(r, "kind");

	if (!p && kind && !strcmp(kind, "probe"))
		p = mpf_rec_str(r, "usb_serial");
	return p && *p ? p : o_probe;
}

/* One probe, one target: records for the same probe take turns, records
 * for other probes run beside them. */
static const char *probe_device(const struct mpf_record *r, struct mpf_buf *out, void *ctx)
{
	const char *p = record_probe(r);

	mpf_buf_addf(out, "probe:%s", p ? p : "");
	return out->buf;
}

static int run_record(struct mpf_record *r, void *ctx)
{
	struct mpf_buf err = MPF_BUF_INIT;
	const char *file = mpf_rec_str(r, "firmware.file"), *cpu = mpf_rec_str(r, "cpu");
	struct mpf_image img;
	struct session s;
	int rc;

	if (!file) {
		mpf_rec_set_error(r, "argument", "record has no firmware.file (run mpf-fetch first)");
		return MPF_ERR_ARG;
	}
	if (!cpu) {
		mpf_rec_set_error(r, "argument", "record has no cpu to check the target against "
				  "(run mpf-info first)");
		return MPF_ERR_ARG;
	}
	if ((rc = load_image(file, &img, &err)) < 0) {
		fail(r, rc, &err);
		mpf_buf_release(&err);
		return rc;
	}
	rc = session_open(&s, record_probe(r), 1, 1, &err);
	if (rc == MPF_ERR_ARG && !record_probe(r))
		mpf_buf_addstr(&err, "; or give the record the probe's serial as \"probe\"");
	if (rc >= 0 && !mpf_target_matches_cpu(&s.swd.t, cpu))
		rc = mpf_errf(&err, MPF_ERR_MISMATCH, "the probe's target is %s but the board is a %s: "
			      "nothing written", s.swd.t.name, cpu);
	if (rc >= 0)
		rc = flash_image(&s, r, &img, cpu, &err);
	if (rc < 0)
		fail(r, rc, &err);
	session_close(&s);
	mpf_image_release(&img);
	mpf_buf_release(&err);
	return rc < 0 ? rc : 0;
}

/* ---- subcommands ---- */

/* One command on the attached target: what to do and its operands,
 * parsed before the probe is opened. */
struct cmd_ctx {
	int (*op)(struct session *s, struct mpf_record *r, const struct cmd_ctx *c,
		  struct mpf_buf *err);
	int halt;		/* catch the core at attach */
	int info;		/* put the target's description in the record */
	const char *file;
	struct mpf_image *img;	/* write: read and checked before */
	uint32_t addr, size;
};

static int do_read(struct session *s, struct mpf_record *r, const struct cmd_ctx *c,
		   struct mpf_buf *err)
{
	struct prog g = { c->file, NULL, NULL };
	uint8_t *buf = mpf_xmalloc(c->size);
	json_t *o;
	int rc;

	rc = mpf_mem_read(&s->swd.a, c->addr, buf, c->size, on_progress, &g, err);
	prog_end(&g, rc >= 0);
	if (rc >= 0)
		rc = mpf_write_file(c->file, buf, c->size, err);
	free(buf);
	if (rc < 0)
		return rc;
	o = json_object();
	set_hex32(o, "address", c->addr);
	json_object_set_new(o, "size", json_integer(c->size));
	json_object_set_new(o, "file", json_string(c->file));
	mpf_rec_set(r, "read", o);
	return MPF_OK;
}

static int do_erase(struct session *s, struct mpf_record *r, const struct cmd_ctx *c,
		    struct mpf_buf *err)
{
	const struct mpf_target *t = &s->swd.t;
	struct prog g = { t->name, NULL, NULL };
	uint32_t start, size;
	json_t *o;
	int rc;

	if (o_all) {
		rc = t->drv->unlock(&s->swd.a, t, err);
		if (rc >= 0)
			rc = t->drv->mass_erase(&s->swd.a, t, err);
		t->drv->lock(&s->swd.a, t, NULL);
		start = t->flash_base;
		size = t->flash_size;
	} else {
		if (mpf_target_sector(t, o_address.v, &start, &size) < 0)
			return mpf_errf(err, MPF_ERR_ARG, "0x%08x is not in the flash of %s",
					o_address.v, t->name);
		rc = mpf_flash_erase(&s->swd.a, t, start, size, on_progress, &g, err);
		prog_end(&g, rc >= 0);
	}
	if (rc >= 0 && !o_no_reset) {
		rc = mpf_cm_reset_run(&s->swd.a, err);
		s->released = 1;
	}
	if (rc < 0)
		return rc;
	o = json_object();
	set_hex32(o, "address", start);
	json_object_set_new(o, "size", json_integer(size));
	json_object_set_new(o, "all", json_boolean(o_all));
	mpf_rec_set(r, "erased", o);
	return MPF_OK;
}

static int do_write(struct session *s, struct mpf_record *r, const struct cmd_ctx *c,
		    struct mpf_buf *err)
{
	return flash_image(s, r, c->img, c->file, err);
}

static int do_reset(struct session *s, struct mpf_record *r, const struct cmd_ctx *c,
		    struct mpf_buf *err)
{
	int rc = mpf_cm_reset_run(&s->swd.a, err);

	if (rc >= 0) {
		s->released = 1;
		mpf_rec_set_bool(r, "reset", 1);
	}
	return rc;
}

static int run_cmd(struct mpf_record *r, void *ctx)
{
	const struct cmd_ctx *c = ctx;
	struct mpf_buf err = MPF_BUF_INIT;
	struct session s;
	int rc = session_open(&s, o_probe, c->halt, 1, &err);

	if (s.probes && s.idx >= 0 && s.idx < s.n)
		probe_fields(r, &s.probes[s.idx]);
	if (rc >= 0 && c->info)
		mpf_rec_set(r, "swd", target_json(&s));
	if (rc >= 0 && c->op)
		rc = c->op(&s, r, c, &err);
	if (rc < 0)
		fail(r, rc, &err);
	session_close(&s);
	mpf_buf_release(&err);
	return rc < 0 ? rc : 0;
}

/* What a listed probe has on its SWD port, looked at without halting or
 * resetting it (a target that answers only under reset is not shown). */
static void probe_target(struct mpf_record *r, struct mpf_usb_probe *p)
{
	struct mpf_swd_opts o = { .hz = o_frequency.v, .no_reset = 1 };
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_probe_link l;
	struct mpf_swd w;
	json_t *t;

	if (p->u.denied || mpf_usb_probe_open(p, &l, mpf_timeout_ms(), &err) < 0) {
		mpf_buf_release(&err);
		return;
	}
	if (mpf_swd_attach(&w, &l, &o, &err) >= 0) {
		t = json_object();
		json_object_set_new(t, "target", json_string(w.t.name));
		json_object_set_new(t, "family", json_string(w.t.drv->name));
		if (*mpf_cm_core_name(w.cpuid))
			json_object_set_new(t, "core", json_string(mpf_cm_core_name(w.cpuid)));
		set_hex32(t, "dpidr", w.a.dpidr);
		mpf_rec_set(r, "swd", t);
	} else {
		mpf_debug("probe %s: no target: %s", p->u.serial, mpf_buf_str(&err));
	}
	mpf_swd_detach(&w, 0, NULL);
	mpf_probe_link_release(&l);
	mpf_buf_release(&err);
}

static int do_list(const struct mpf_filter *f)
{
	struct mpf_usb_probe *p;
	struct mpf_record *recs;
	int n = mpf_usb_probes(&p), i;

	recs = mpf_xcalloc(n ? n : 1, sizeof(*recs));
	for (i = 0; i < n; i++) {
		mpf_record_init(&recs[i]);
		probe_fields(&recs[i], &p[i]);
		probe_target(&recs[i], &p[i]);
		if (p[i].u.denied) {
			struct mpf_buf hint = MPF_BUF_INIT;

			mpf_usb_access_hint(p[i].u.vid, p[i].u.pid, &hint);
			mpf_rec_set_str(&recs[i], "access", "denied");
			mpf_rec_set_str(&recs[i], "hint", mpf_buf_str(&hint));
			mpf_buf_release(&hint);
		}
	}
	mpf_usb_probes_free(p, n);
	i = mpf_filter_list(f, recs, (size_t)n);
	free(recs);
	return i;
}

static const char *target_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	const char *t = mpf_rec_str(r, "swd.target");

	return t ? t : mpf_rec_str(r, "flashed.target");
}

static const char *result_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	if (mpf_rec_get(r, "flashed")) {
		mpf_buf_addf(out, "flashed %lld bytes", mpf_rec_int(r, "flashed.bytes", 0));
		return out->buf;
	}
	if (mpf_rec_get(r, "erased"))
		return "erased";
	if (mpf_rec_get(r, "read"))
		return "read";
	if (mpf_rec_get(r, "swd.flash_size")) {
		mpf_buf_addf(out, "%lld KiB flash", mpf_rec_int(r, "swd.flash_size", 0) / 1024);
		return out->buf;
	}
	return NULL;
}

static const char *kind_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	long long st = mpf_rec_int(r, "stlink_version", 0), dap = mpf_rec_int(r, "dap_version", 0);

	if (st)
		mpf_buf_addf(out, "ST-LINK/V%lld", st);
	else if (dap)
		mpf_buf_addf(out, "CMSIS-DAP v%lld", dap);
	return out->len ? out->buf : NULL;
}

static const struct mpf_column columns[] = {
	{ "Probe", "usb_serial", NULL },
	{ "Product", "product", NULL },
	{ "Protocol", NULL, kind_cell },
	{ "Target", NULL, target_cell },
	{ "Core", "swd.core", NULL },
	{ "Result", NULL, result_cell },
	{ NULL, NULL, NULL },
};

static void all_goes_with_erase(const struct cmd_ctx *c)
{
	if (o_all && (!c || c->op != do_erase))
		mpf_usage_error("--all goes with erase");
}

/* Run c once, on a record of the probe and its target. */
static int on_target(const struct cmd_ctx *c)
{
	struct mpf_filter f = { .columns = columns, .run = run_cmd, .ctx = (void *)c };
	struct mpf_record *rec = mpf_xcalloc(1, sizeof(*rec));
	int rc;

	all_goes_with_erase(c);
	mpf_record_init(rec);
	mpf_rec_set_str(rec, "kind", "probe");
	rc = mpf_filter_list(&f, rec, 1);
	free(rec);
	return rc;
}

static int cmd_list(int argc, char **argv)
{
	struct mpf_filter f = { .columns = columns };

	all_goes_with_erase(NULL);
	return do_list(&f);
}

static int cmd_info(int argc, char **argv)
{
	return on_target(&(struct cmd_ctx){ .info = 1 });
}

static int cmd_write(int argc, char **argv)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_image img;
	int rc = load_image(mpf_arg_file(argv[0]), &img, &err);

	if (rc < 0)	/* refused before the probe is touched */
		mpf_die(mpf_exit_for_err(rc), "%s", err.buf);
	rc = on_target(&(struct cmd_ctx){ .op = do_write, .halt = 1, .info = 1,
					  .file = argv[0], .img = &img });
	mpf_image_release(&img);
	mpf_buf_release(&err);
	return rc;
}

static int cmd_erase(int argc, char **argv)
{
	if (!o_all && !o_address.given)
		mpf_usage_error("erase: give --address (a sector) or --all");
	return on_target(&(struct cmd_ctx){ .op = do_erase, .halt = 1, .info = 1 });
}

static int cmd_read(int argc, char **argv)
{
	struct cmd_ctx c = { .op = do_read, .info = 1, .file = argv[2] };

	c.addr = mpf_arg_addr("ADDR", argv[0]);
	c.size = mpf_arg_size("SIZE", argv[1]);
	if ((uint64_t)c.addr + c.size > 0x100000000ull)
		mpf_usage_error("read: 0x%08x + %u is past the 4 GiB address space", c.addr,
				c.size);
	return on_target(&c);
}

static int cmd_reset(int argc, char **argv)
{
	return on_target(&(struct cmd_ctx){ .op = do_reset, .halt = 1 });
}

static int swd_main(int argc, char **argv)
{
	struct mpf_filter f = { .columns = columns, .wants = wants_swd, .run = run_record,
				.device = probe_device };

	return mpf_filter_fd(&f, 0, "stdin");
}

static const struct mpf_subcmd swd_subcmds[] = {
	SUBCMD("list", NULL, 0, 0, cmd_list,
	       "list CMSIS-DAP and ST-LINK probes and the target behind each"),
	SUBCMD("info", NULL, 0, 0, cmd_info, "probe, DPIDR, core, target part and flash size"),
	SUBCMD("write", "FILE", 1, 1, cmd_write,
	       "erase the touched sectors, program FILE (.elf, .hex, .dfu, .bin), verify, run"),
	SUBCMD("erase", "--address ADDR | --all", 0, 0, cmd_erase,
	       "erase the sector holding ADDR, or the whole flash"),
	SUBCMD("read", "ADDR SIZE FILE", 3, 3, cmd_read, "read target memory into FILE"),
	SUBCMD("reset", NULL, 0, 0, cmd_reset, "reset the target and let it run"),
	SUBCMD_END(),
};

static const char *const swd_conflicts[] = { "all address", NULL };

const struct mpf_applet swd_applet = {
	.name = "swd",
	.summary = "program STM32, nRF51/52/53 and RP2040/RP2350 boards through a CMSIS-DAP or ST-LINK probe (SWD)",
	.usage = "mpf-swd [options] < records",
	.description =
		"mpf-swd talks to a CMSIS-DAP debug probe (v2 over USB bulk endpoints, or v1 "
		"over HID) or an ST-LINK (V2, the V2-1 of Nucleo and Discovery boards, V3 and "
		"V3MINIE, in ST's own protocol: the probe does memory access itself) and "
		"programs the target's flash at register level: STM32F2/F4/F7 (F76x in either "
		"bank mode), STM32L4/G4/G0, STM32L0/L1, STM32F0/F1/F3, STM32H5, STM32U5, STM32WL, "
		"STM32WB (the pages below its radio core's) and STM32H74x/72x through their flash "
		"controllers, nRF51, nRF52 and the nRF5340 application core through the NVMC, and the "
		"RP2040's and RP2350's QSPI flash through their boot ROMs' flash functions, "
		"called on core 0 (the RP2350's Arm core). "
		"It needs no bootloader on the board, so it also revives boards whose firmware "
		"is broken.\n"
		"\n"
		"The target is identified by its DBGMCU idcode and flash size register "
		"(STM32) or FICR (nRF); --target picks the flash driver instead. An STM32 of "
		"another family is refused by the name its device id gives, never programmed "
		"by a neighbouring family's driver. write "
		"knows a file by its content, not its name, and takes .elf (PT_LOAD segments "
		"at their load addresses), Intel .hex, a DfuSe .dfu (its elements at their "
		"addresses), or a raw .bin placed at --address (default: the start of flash; "
		"a DFU suffix and a TI Stellaris or NXP LPC prefix are not written). A UF2 "
		"file is written only when its family is one the target's flash takes: "
		"RP2040 on an RP2040; on an RP2350 RP2350_ARM_S, RP2350_ARM_NS, "
		"RP2XXX_ABSOLUTE, RP2XXX_DATA and RP2350_RISCV too, since the flash holds "
		"images of either architecture and the boot ROM starts each on the cores it "
		"is for (MicroPython's RPI_PICO2-RISCV firmware is written like any other); "
		"a family no driver takes is refused before anything is erased, and "
		"a UF2 of another chip or an ESP image is refused before the probe is "
		"opened, naming the applet that flashes it. Only the sectors "
		"or pages the image touches are erased (a bank the image covers in full is "
		"erased at once, where the controller can), then the target is reset and runs "
		"(--no-reset leaves it halted).\n"
		"\n"
		"Where the part's flash controller has one (STM32F2/F4/F7, H7, L4/G4/G0/WL/WB, "
		"nRF52) and its RAM holds it, a small routine of mpf's own is loaded into the "
		"target's RAM and programs the flash there, from one RAM buffer while the "
		"probe fills the other; the verify is a CRC-32 the routine computes over the "
		"flash (on the STM32F2/F4/F7 and H7 with the part's CRC unit), compared with the "
		"image's. Other parts (the RP2040 through its boot ROM), and --no-algorithm, "
		"are programmed word by word from the host; what the host programmed is then "
		"checked by the same CRC-32, computed by a verify-only routine of mpf's loaded "
		"into the part's RAM, or, with --no-algorithm and where RAM cannot hold that "
		"routine, read back and compared byte for byte. A block whose CRC differs is "
		"read back, so that the error names the first wrong byte. The record says "
		"which: flashed.via \"algorithm\" or \"host\", flashed.verify \"crc32\" or "
		"\"readback\", and flashed.phases the seconds of erase, write and verify.\n"
		"\n"
		"A target that does not answer (firmware that turned the SWD pins into GPIOs "
		"or sleeps deeply) is reached by connecting under reset: nRESET is held low "
		"through the probe while the debug port is set up and the core is caught at "
		"its reset vector. A protected nRF52 (APPROTECT) is refused unless --unlock "
		"is given, which mass-erases it through the CTRL-AP: all flash and UICR are "
		"lost (through an ST-LINK this needs firmware V2 J24 or later, or any V3: "
		"older ones reach AP 0 only).\n"
		"\n"
		"An RP2040 sits on a multidrop SWD bus and answers only once selected: when "
		"nothing answers a plain line reset, its debug ports are woken from dormant "
		"and core 0's is selected with a TARGETSEL write (DAP_SWD_Sequence, so the "
		"probe needs CMSIS-DAP 1.2 or later, as the Raspberry Pi Debug Probe has). An "
		"ST-LINK cannot send TARGETSEL and is refused. Flash is erased in 4 KiB sectors "
		"and programmed in 256-byte pages by the ROM's functions, then read back "
		"through the XIP window at 0x10000000; the flash size comes from the chip's "
		"JEDEC ID, read with the core halted, so info and read, which leave the core "
		"running, do not report it.\n"
		"\n"
		"An RP2350 has one ADIv6 debug port, dormant at power-up like the RP2040's "
		"and selected the same way, with its access ports at debug addresses (core "
		"0's Arm MEM-AP at 0x2000); it is named RP2350A or RP2350B by its SYSINFO "
		"CHIP_ID and package (an RP2354, which has flash in the package, reads as "
		"an RP2350: the chip id does not tell them apart). Its boot ROM's functions "
		"are looked up with rom_table_lookup and called on Arm core 0, after a stub "
		"of mpf's own seeds the redundancy coprocessor they need. When the board "
		"runs RISC-V firmware the Arm cores are held in reset: a rescue reset through "
		"the RP-AP brings core 0 up halted in the boot ROM and the flash is written "
		"through it, whichever architecture the image is for; the RISC-V cores "
		"themselves are never debugged. A part whose OTP disables debug (or Secure "
		"debug, which the ROM's functions need) is refused with what its access port "
		"says, as is any other ADIv6 part, whose access ports mpf-swd does not look "
		"for.\n"
		"\n"
		"list shows every probe (stlink_version 2 or 3, or dap_version) and, where a "
		"target answers, its name, family and core in swd; it only looks: a target "
		"is neither halted nor reset. --frequency picks the fastest clock the probe "
		"has at or below it (an ST-LINK/V2 has twelve, from 4 MHz down to 5 kHz; a V3 "
		"lists its own, 24 MHz down to 5 kHz).\n"
		"\n"
		"Transfers are batched into full packets and pipelined up to the probe's "
		"packet count; probes that take DAP_ExecuteCommands get several commands a "
		"packet. The SWD clock is 4 MHz unless --frequency says otherwise.\n"
		"\n"
		"Without a command, records are read on stdin: those with \"method\": \"swd\" "
		"are flashed with their firmware.file through the probe each names (its "
		"\"probe\", or the usb_serial of a probe record), else the one --probe chooses, "
		"else the only one attached, all at once: records for one probe take turns, "
		"probes work side by side. The part found must be the record's cpu; nothing is "
		"written otherwise. With several probes attached, a record that names none "
		"fails unless --probe chooses one. The record gets \"flashed\"; other "
		"records pass through untouched.",
	.examples =
		"$ mpf-swd list\n"
		"Show the attached probes.\n"
		"\n"
		"$ mpf-swd info\n"
		"Identify the target: DPIDR, core, part, flash size.\n"
		"\n"
		"$ mpf-swd --probe E6614103 write build-PYBV11/firmware.elf\n"
		"Flash an ELF through the probe whose serial contains E6614103.\n"
		"\n"
		"$ mpf-swd --address 0x08000000 write firmware.bin\n"
		"Flash a raw binary at the start of STM32 flash.\n"
		"\n"
		"$ mpf-swd write firmware.uf2\n"
		"Flash a MicroPython UF2 onto an RP2040 (Raspberry Pi Pico) through a Debug Probe.\n"
		"\n"
		"$ mpf-swd --unlock erase --all\n"
		"Recover a protected nRF52 and erase it.\n"
		"\n"
		"$ mpf-swd read 0x08000000 0x100000 backup.bin\n"
		"Save 1 MiB of flash.",
	.opts = swd_opts,
	.conflicts = swd_conflicts,
	.subcmds = swd_subcmds,
	.flags = MPF_APPLET_FILTER,
	.default_timeout = 5,
	.default_jobs = MPF_JOBS_ALL,
	.main = swd_main,
};
