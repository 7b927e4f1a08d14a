/* esp.c - mpf-esp: flash ESP8266 and ESP32-family chips through their
 * serial ROM loader (esptool's "Serial Protocol" documentation;
 * doc/protocols.md 1), as a pipeline filter or alone.
 *
 * Flash work goes through mpf's own flasher stub, loaded into the chip's
 * RAM, where one was built for the chip (esp_stub.h); --no-stub, Secure
 * Download Mode and the chip's own USB ports keep to the commands the
 * chip's mask ROM has.
 * Checks that can refuse a job (wrong chip, image for another chip, region
 * past the end of flash) all run before the first erase, so a refused job
 * leaves the flash as it was. */
#include "applet.h"
#include "clock.h"
#include "err.h"
#include "esp_flash.h"
#include "esp_image.h"
#include "esp_loader.h"
#include "esp_plan.h"
#include "esp_stub.h"
#include "exitcode.h"
#include "filter.h"
#include "fsutil.h"
#include "log.h"
#include "reappear.h"
#include "scan.h"
#include "uart_ids.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const char *o_serial, *o_before = "default", *o_after = "hard-reset", *o_chip;
static const char *o_flash_mode = "keep", *o_flash_freq = "keep", *o_flash_size = "keep";
static int o_baud = 460800, o_erase_all, o_skip_unchanged, o_no_compress, o_connect_attempts = 7;
static int o_force, o_no_stub;

/* --chip: the chip table's keys; other spellings of a chip are taken too */
static const char *chip_word(int i)
{
	return i >= 0 && (size_t)i < mpf_esp_nchips ? mpf_esp_chips[i].key : NULL;
}

static int chip_accept(const char *arg)
{
	return mpf_esp_chip_by_name(arg) != NULL;
}

/* --flash-size and --flash-freq: the image header names of the chip table
 * (sizes or freqs), each once, after the words that are not sizes. Whether
 * the chip found has that value is checked when it is known, before erasing. */
static const struct mpf_esp_code *codes(size_t chip, int freq)
{
	return freq ? mpf_esp_chips[chip].freqs : mpf_esp_chips[chip].sizes;
}

static int header_has(const char *arg, int freq)
{
	size_t c;

	for (c = 0; c < mpf_esp_nchips; c++)
		if ((freq ? mpf_esp_freq_code : mpf_esp_size_code)(&mpf_esp_chips[c], arg) >= 0)
			return 1;
	return 0;
}

/* 1 if t's name came earlier: in a chip before c, or before t in c's table */
static int seen_before(size_t c, const struct mpf_esp_code *t, int freq)
{
	const struct mpf_esp_code *u;
	size_t d;

	for (d = 0; d < c; d++)
		for (u = codes(d, freq); u && u->name; u++)
			if (!strcmp(u->name, t->name))
				return 1;
	for (u = codes(c, freq); u != t; u++)
		if (!strcmp(u->name, t->name))
			return 1;
	return 0;
}

static const char *header_word(int i, int freq, const char *const *fixed)
{
	const struct mpf_esp_code *t;
	size_t c;

	for (; *fixed; fixed++)
		if (i-- == 0)
			return *fixed;
	for (c = 0; c < mpf_esp_nchips; c++)
		for (t = codes(c, freq); t && t->name; t++)
			if (!seen_before(c, t, freq) && i-- == 0)
				return t->name;
	return NULL;
}

static const char *size_word(int i)
{
	static const char *const fixed[] = { "keep", "detect", NULL };

	return header_word(i, 0, fixed);
}

static const char *freq_word(int i)
{
	static const char *const fixed[] = { "keep", NULL };

	return header_word(i, 1, fixed);
}

static int size_accept(const char *arg)
{
	return !strcasecmp(arg, "keep") || !strcasecmp(arg, "detect") || header_has(arg, 0);
}

static int freq_accept(const char *arg)
{
	return !strcasecmp(arg, "keep") || header_has(arg, 1);
}

static const struct mpf_opt esp_opts[] = {
	OPT_HINT('s', "serial", &o_serial, "PORT", "@serial", "the serial port of the board"),
	OPT_INT(0, "baud", &o_baud, "RATE", 9600, 5000000,
		"baud rate after connecting (default 460800; at most what the USB-UART adapter "
		"runs; 115200 is retried once on failure)"),
	OPT_CHOICE(0, "before", &o_before, "HOW", "default|usb-reset|no-reset",
		   "how to enter the ROM loader (default: DTR/RTS resets)"),
	OPT_CHOICE(0, "after", &o_after, "HOW", "hard-reset|no-reset",
		   "what to do when done (default: hard-reset, leaving the firmware running)"),
	OPT_CHOICE_FN(0, "chip", &o_chip, "CHIP", chip_word, chip_accept,
		      "refuse unless the chip is CHIP"),
	OPT_BOOL(0, "erase-all", &o_erase_all, "erase the whole flash before writing"),
	OPT_BOOL(0, "skip-unchanged", &o_skip_unchanged,
		 "compare 64 KiB regions by MD5 first and write only those that differ"),
	OPT_BOOL(0, "no-compress", &o_no_compress, "send plain blocks even where the loader inflates"),
	OPT_BOOL(0, "no-stub", &o_no_stub,
		 "talk to the chip's ROM loader only; do not start mpf's flasher stub"),
	OPT_BOOL(0, "force", &o_force,
		 "write an image for another chip or chip revision, a damaged image, or a "
		 "non-image at the bootloader offset (warned, not refused)"),
	OPT_CHOICE(0, "flash-mode", &o_flash_mode, "MODE", "keep|qio|qout|dio|dout",
		   "flash mode written into the bootloader header"),
	OPT_CHOICE_FN(0, "flash-freq", &o_flash_freq, "FREQ", freq_word, freq_accept,
		      "flash frequency written into the bootloader header (default keep)"),
	OPT_CHOICE_FN(0, "flash-size", &o_flash_size, "SIZE", size_word, size_accept,
		      "flash size written into the bootloader header (detect: the size found; "
		      "default keep)"),
	OPT_INT(0, "connect-attempts", &o_connect_attempts, "N", 1, 100,
		"reset-and-sync attempts before giving up (default 7)"),
	OPT_END(),
};

enum op { OP_WRITE, OP_ERASE, OP_ERASE_REGION, OP_READ, OP_INFO };

struct job {
	enum op op;
	const char *port;
	struct mpf_esp_region *r;
	size_t nr;
	int at_boot;		/* r[0] goes to the chip's bootloader offset, known after detect */
	uint32_t addr, size;
	const char *out;
	const char *expect;	/* chip the record's cpu or --chip names */
	const char *fw_chip;	/* chip the firmware is for (firmware.chip from mpf-pick) */
	int filter;		/* from a record */
	int usb_jtag, usb_pid;
	const struct mpf_uart_adapter *adapter;	/* the port's USB-UART chip, if known */
	int64_t deadline;	/* --timeout, for both sessions */
	int rom_baud;		/* the rate a first session left the ROM at (0: reset it) */
	struct mpf_esp_run *runs;	/* the write plan, made before the first erase */
	size_t nruns;
	int rev;		/* the chip's revision; -1 unknown, -2 not read yet */
	/* results */
	const struct mpf_esp_chip *chip;
	uint64_t bytes;
	int verified;
	const char *verify;	/* how: "md5", "none" */
	const char *loader;	/* what flashed: "stub", "rom" */
	int warn_code;		/* the stub did not start: why, for the record */
	char *warn;
	int touched;		/* erasing or writing began */
	json_t *info;
};

/* ---- checks before anything is written --------------------------------- */

/* --force turns a refusal of the image checks into a warning, as esptool's
 * --force does. */
static int refuse(int rc, struct mpf_buf *err)
{
	if (!o_force)
		return rc;
	mpf_warn("%s; writing it anyway (--force)", mpf_buf_str(err));
	mpf_buf_reset(err);
	return 0;
}

/* The chip's revision, read once, when an image states a range. */
static int chip_rev(struct job *j, struct mpf_esp *e)
{
	struct mpf_buf why = MPF_BUF_INIT;

	if (j->rev == -2 && mpf_esp_chip_revision(e, &j->rev, &why) < 0) {
		mpf_debug("%s: chip revision unknown (%s): revision ranges not checked", j->port,
			  why.len ? why.buf : "not readable");
		j->rev = -1;
	}
	mpf_buf_release(&why);
	return j->rev;
}

/* An image the file claims to be, at offset off of it: whole, for this
 * chip, and for this chip's revision (esptool write_flash's checks). */
static int check_one(struct job *j, struct mpf_esp *e, const struct mpf_esp_region *g,
		     size_t off, int esp8266, struct mpf_buf *err)
{
	const struct mpf_esp_chip *c = e->chip, *for_chip;
	struct mpf_esp_image img;
	struct mpf_buf why = MPF_BUF_INIT;
	int r;

	if (mpf_esp_image_parse(g->data + off, g->len - off, esp8266, &img, &why) < 0) {
		r = mpf_errf(err, MPF_ERR_FORMAT, "%s at 0x%x: %s", g->file, g->addr + (uint32_t)off,
			     why.buf);
		mpf_buf_release(&why);
		return refuse(r, err);
	}
	mpf_buf_release(&why);
	for_chip = esp8266 ? mpf_esp_chip_by_name("esp8266") : mpf_esp_chip_by_id(img.chip_id);
	if (for_chip != c)
		return refuse(mpf_errf(err, MPF_ERR_MISMATCH, "image is for %s, chip is %s (%s)",
				       for_chip->name, c->name, g->file), err);
	if (!img.has_ext || chip_rev(j, e) < 0)
		return 0;
	if ((r = mpf_esp_image_rev_check(&img, j->rev, c == mpf_esp_chip_by_name("esp32c3"),
					 &why)) < 0)
		r = refuse(mpf_errf(err, r, "%s: %s", g->file, why.buf), err);
	mpf_buf_release(&why);
	return r;
}

/* A merged image: the partition table it carries, and every app in it
 * whose start the file holds must be whole (a truncated download). */
static int check_merged(struct job *j, struct mpf_esp *e, const struct mpf_esp_region *g,
			struct mpf_buf *err)
{
	struct mpf_esp_part parts[MPF_ESP_MAX_PARTS];
	struct mpf_buf why = MPF_BUF_INIT;
	size_t n, i;
	int r;

	if ((r = mpf_esp_parttable(g->data, g->len, g->addr, parts, &n, &why)) < 0) {
		r = mpf_errf(err, r, "%s: %s", g->file, why.buf);
		mpf_buf_release(&why);
		return refuse(r, err);
	}
	for (i = 1; i < n; i++) {
		size_t off = parts[i].addr - g->addr;

		if (parts[i].kind != MPF_ESP_PART_APP || !parts[i].in_file)
			continue;
		if (!mpf_esp_image_claims(g->data + off, g->len - off, 0))
			continue;	/* an empty app slot (ota_1) */
		if ((r = check_one(j, e, g, off, 0, err)) < 0)
			return r;
	}
	return 0;
}

/* One rule for the command line and for records: a file that claims to be
 * an image must be a whole image for this chip, and what goes to the
 * bootloader offset must be an image. */
static int check_image(struct job *j, struct mpf_esp *e, const struct mpf_esp_region *g,
		       struct mpf_buf *err)
{
	const struct mpf_esp_chip *c = e->chip;
	int esp8266 = c->chip_id < 0, boot = g->addr == c->boot_offset, r, is8266;
	struct mpf_esp_image img;
	struct mpf_buf why = MPF_BUF_INIT;

	/* the ESP8266 layout first: its segment headers can pass for an ESP32
	 * extended header */
	is8266 = mpf_esp_image_parse(g->data, g->len, 1, &img, &why) == 0;
	if (esp8266 && is8266) {
		mpf_buf_release(&why);
		return check_one(j, e, g, 0, 1, err);
	}
	if (mpf_esp_image_claims(g->data, g->len, 0)) {	/* ESP32 family: names its chip */
		mpf_buf_release(&why);
		if ((r = check_one(j, e, g, 0, 0, err)) < 0 || !boot)
			return r;
		return check_merged(j, e, g, err);
	}
	if (esp8266 && mpf_esp_image_claims(g->data, g->len, 1)) {
		mpf_buf_release(&why);
		return check_one(j, e, g, 0, 1, err);	/* a damaged one */
	}
	if (!boot) {
		mpf_buf_release(&why);
		return 0;	/* data: a partition table, a filesystem */
	}
	if (is8266)
		r = mpf_errf(err, MPF_ERR_MISMATCH, "image is for ESP8266, chip is %s (%s)", c->name,
			     g->file);
	else
		r = mpf_errf(err, MPF_ERR_FORMAT, "%s is not a firmware image for %s, and 0x%x is "
			     "its bootloader offset: %s", g->file, c->name, g->addr, why.buf);
	mpf_buf_release(&why);
	return refuse(r, err);
}

/* The chip the record's cpu (or --chip) names must be the one detected. */
static int check_chip(const struct job *j, const struct mpf_esp_chip *c, struct mpf_buf *err)
{
	const struct mpf_esp_chip *want = j->expect ? mpf_esp_chip_by_name(j->expect) : NULL;
	const struct mpf_esp_chip *fw = j->fw_chip ? mpf_esp_chip_by_name(j->fw_chip) : NULL;

	if (j->expect && !want)
		mpf_debug("%s: cpu '%s' names no ESP chip; not checked", j->port, j->expect);
	if (want && want != c)
		return mpf_errf(err, MPF_ERR_MISMATCH, "expected %s, chip is %s", want->name,
				c->name);
	/* mpf-pick's firmware.chip: what the firmware was built for */
	if (fw && fw != c)
		return mpf_errf(err, MPF_ERR_MISMATCH, "firmware is for %s, chip is %s", fw->name,
				c->name);
	return 0;
}

static int patch_regions(struct job *j, struct mpf_esp *e, struct mpf_buf *err)
{
	struct mpf_esp_flash_params p = { o_flash_mode, o_flash_size, o_flash_freq };
	int secure = e->secure_download || (e->sec.valid && (e->sec.flags & 1));
	size_t i;
	int r;

	if (!strcasecmp(o_flash_size, "detect"))
		p.size = mpf_esp_size_name(e->flash_size);
	for (i = 0; i < j->nr; i++) {
		r = mpf_esp_image_patch(j->r[i].data, j->r[i].len, j->r[i].addr, e->chip, &p, secure,
					err);
		if (r < 0)
			return r;
		if (r)
			mpf_info("%s: flash parameters patched in the header at 0x%x", j->port,
				 j->r[i].addr);
	}
	return 0;
}

/* Regions that share a sector are written as one run: say so. */
static void note_shared(const struct job *j)
{
	size_t i, k;

	for (i = 0; i < j->nruns; i++)
		for (k = 1; k < j->runs[i].n; k++) {
			const struct mpf_esp_region *a = &j->r[j->runs[i].first + k - 1], *b = a + 1;

			mpf_info("%s: %s (0x%x) and %s (0x%x) share a flash sector: erased and "
				 "written in one pass", j->port, a->file, a->addr, b->file, b->addr);
		}
}

/* The whole write plan, before the first erase: every file checked,
 * headers patched, regions sorted, overlaps and bounds refused, erase
 * runs made. */
static int plan_write(struct job *j, struct mpf_esp *e, struct mpf_buf *err)
{
	size_t i;
	int r;

	mpf_esp_plan_free(j->runs, j->nruns);	/* from a first session at a higher rate */
	j->runs = NULL;
	j->nruns = 0;
	j->rev = -2;
	j->verified = 0;
	if (j->at_boot)
		j->r[0].addr = e->chip->boot_offset;
	for (i = 0; i < j->nr; i++)
		if ((r = check_image(j, e, &j->r[i], err)) < 0)
			return r;
	if ((r = patch_regions(j, e, err)) < 0 ||
	    (r = mpf_esp_plan(j->r, j->nr, e->flash_size, &j->runs, &j->nruns, err)) < 0)
		return r;
	note_shared(j);
	return 0;
}

static int check_job(struct job *j, struct mpf_esp *e, struct mpf_buf *err)
{
	if (j->op == OP_WRITE)
		return plan_write(j, e, err);
	if (j->op == OP_ERASE_REGION && (uint64_t)j->addr + j->size > e->flash_size)
		return mpf_errf(err, MPF_ERR_ARG, "region ends past the end of flash");
	if (j->op == OP_READ && (uint64_t)j->addr + j->size > e->flash_size)
		return mpf_errf(err, MPF_ERR_ARG, "read ends past the end of flash");
	return 0;
}

/* ---- the jobs ----------------------------------------------------------- */

static void debug_speed(const struct job *j, const struct mpf_esp *e,
			const struct mpf_esp_run *w, const struct mpf_esp_write_result *res)
{
	if (e->data_ms && res->written)
		mpf_debug("%s: 0x%x: %zu bytes, %llu sent in %lld ms (%llu wire bytes: "
			  "%.3f of the wire limit at %d baud; our turnaround %lld us in all), "
			  "%lu blocks retried", j->port, w->addr, w->len,
			  (unsigned long long)res->written, (long long)e->data_ms,
			  (unsigned long long)e->wire_bytes,
			  e->wire_bytes * 10.0 / e->baud * 1000.0 / (double)e->data_ms, e->baud,
			  (long long)e->turnaround_us, e->retries);
	if (res->skipped)
		mpf_info("%s: 0x%x: %llu of %zu bytes unchanged, not written", j->port, w->addr,
			 (unsigned long long)res->skipped, w->len);
}

/* After the last write, every run is compared with the final flash, so
 * that a later erase cannot have undone an earlier region unseen. */
static int verify_all(struct job *j, struct mpf_esp *e, struct mpf_buf *err)
{
	size_t i;
	int r = 0;

	j->verify = "none";
	for (i = 0; i < j->nruns && r == 0; i++)
		r = mpf_esp_verify(e, j->runs[i].addr, j->runs[i].data, j->runs[i].len, err);
	if (r == MPF_ERR_SUPP) {
		mpf_info("%s: not verified: %s", j->port, mpf_buf_str(err));
		mpf_buf_reset(err);
		return 0;
	}
	if (r < 0)
		return r;
	j->verified = 1;
	j->verify = "md5";
	return 0;
}

static int do_write(struct job *j, struct mpf_esp *e, struct mpf_buf *err)
{
	struct mpf_esp_write_result res;
	size_t i;
	int r;

	j->touched = 1;	/* from here a failure leaves the flash neither old nor new */
	if (o_erase_all && (r = mpf_esp_erase(e, 0, (uint32_t)e->flash_size, err)) < 0)
		return r;
	for (i = 0; i < j->nruns; i++) {
		struct mpf_esp_run *w = &j->runs[i];

		r = mpf_esp_write(e, w->addr, w->data, w->len, o_skip_unchanged && !o_erase_all, &res,
				  err);
		if (r < 0)
			return r;
		debug_speed(j, e, w, &res);
	}
	for (i = 0; i < j->nr; i++)
		j->bytes += j->r[i].len;
	return verify_all(j, e, err);
}

static int do_read(struct job *j, struct mpf_esp *e, struct mpf_buf *err)
{
	uint8_t *buf = mpf_xmalloc(j->size ? j->size : 1);
	int r = mpf_esp_read_flash(e, j->addr, buf, j->size, err);

	if (r == 0)
		r = mpf_write_file(j->out, buf, j->size, err);
	j->bytes = j->size;
	free(buf);
	return r;
}

static void mac_str(const uint8_t m[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static int do_info(struct job *j, struct mpf_esp *e, struct mpf_buf *err)
{
	static const char *const flag_names[] = {
		"secure_boot", "secure_boot_aggressive_revoke", "secure_download",
		"secure_boot_key_revoke0", "secure_boot_key_revoke1", "secure_boot_key_revoke2",
		"soft_dis_jtag", "hard_dis_jtag", "dis_usb", "dis_download_dcache",
		"dis_download_icache",
	};
	json_t *o = json_object(), *sec;
	const char *pkg, *sz = mpf_esp_size_name(e->flash_size);
	uint8_t mac[6];
	char buf[32];
	int rev, r;
	size_t i;

	json_object_set_new(o, "chip", json_string(e->chip->name));
	if (e->chip->chip_id >= 0)
		json_object_set_new(o, "chip_id", json_integer(e->chip->chip_id));
	if (mpf_esp_esp32_package(e, &pkg, &rev, err) == 0 && pkg)
		json_object_set_new(o, "package", json_string(pkg));
	if ((r = mpf_esp_chip_revision(e, &rev, err)) == 0) {
		snprintf(buf, sizeof(buf), "v%d.%d", rev / 100, rev % 100);
		json_object_set_new(o, "revision", json_string(buf));
	} else if (r != MPF_ERR_SUPP) {
		json_decref(o);
		return r;
	}
	json_object_set_new(o, "features", json_string(e->chip->features));
	if ((r = mpf_esp_read_mac(e, mac, err)) == 0) {
		mac_str(mac, buf);
		json_object_set_new(o, "mac", json_string(buf));
	} else if (r != MPF_ERR_SUPP) {
		json_decref(o);
		return r;
	}
	if (e->flash_id) {
		snprintf(buf, sizeof(buf), "%06x", e->flash_id);
		json_object_set_new(o, "flash_id", json_string(buf));
	}
	if (!e->flash_size_guessed && sz)
		json_object_set_new(o, "flash_size", json_string(sz));
	if (e->sec.valid) {
		sec = json_object();
		for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
			json_object_set_new(sec, flag_names[i], json_boolean(e->sec.flags >> i & 1));
		json_object_set_new(sec, "flash_crypt_cnt", json_integer(e->sec.crypt_cnt));
		json_object_set_new(o, "security", sec);
	}
	mpf_buf_reset(err);
	j->info = o;
	return 0;
}

static int do_op(struct job *j, struct mpf_esp *e, struct mpf_buf *err)
{
	switch (j->op) {
	case OP_WRITE:
		return do_write(j, e, err);
	case OP_ERASE:
		return mpf_esp_erase(e, 0, (uint32_t)e->flash_size, err);
	case OP_ERASE_REGION:
		return mpf_esp_erase(e, j->addr, j->size, err);
	case OP_READ:
		return do_read(j, e, err);
	case OP_INFO:
		return do_info(j, e, err);
	}
	return MPF_ERR_ARG;
}

/* The stub failed to start: say so, in the record too, and go back to
 * the ROM loader, reset and synced again (the stub may have half run). */
static int fall_back(struct job *j, struct mpf_esp *e, int why, const char *msg,
		     struct mpf_buf *err)
{
	int r;

	mpf_warn("%s: the flasher stub did not start (%s); using the %s ROM loader", j->port,
		 msg, e->chip->name);
	free(j->warn);
	j->warn = mpf_xstrdup(msg);
	j->warn_code = why;
	e->stub = 0;
	if ((r = mpf_esp_connect(e, err)) < 0 || (r = mpf_esp_detect(e, err)) < 0)
		return r;
	return check_chip(j, e->chip, err);
}

/* Why the chip cannot take our stub, or NULL when it can. */
static const char *no_stub_why(struct job *j, struct mpf_esp *e, const struct mpf_esp_stub *s)
{
	if (e->secure_download)
		return "Secure Download Mode (the ROM loads no code into RAM)";
	if (!s)
		return "no flasher stub for this chip";
	if (mpf_esp_on_usb(e))
		return "the chip's own USB port (the flasher stub speaks on UART0 only)";
	if (!e->chip->stub_min_rev)
		return NULL;
	j->rev = -2;	/* read now, before plan_write reads it again for the images */
	if (chip_rev(j, e) < e->chip->stub_min_rev)
		return "a chip revision whose ROM keeps the stub's RAM (or revision unknown)";
	return NULL;
}

/* Flash work goes through our stub (doc/protocols.md 1.14) unless
 * --no-stub, no stub was built for the chip, the chip is in Secure
 * Download Mode, where the ROM refuses MEM_* (1.4), the port is the
 * chip's own USB (the stub speaks on UART0 only), or the chip is of a
 * revision whose ROM uses the RAM the stub goes to. info needs none. */
static int start_stub(struct job *j, struct mpf_esp *e, struct mpf_buf *err)
{
	const struct mpf_esp_stub *s = mpf_esp_stub_for(e->chip);
	struct mpf_buf why = MPF_BUF_INIT;
	const char *no;
	int r;

	j->loader = "rom";
	if (o_no_stub || j->op == OP_INFO)
		return 0;
	if ((no = no_stub_why(j, e, s))) {
		mpf_info("%s: %s: flashing through the ROM loader", j->port, no);
		return 0;
	}
	/* the upload goes at --baud where the ROM can switch; the stub keeps
	 * the rate it finds */
	if ((r = mpf_esp_raise_baud(e, err)) < 0)
		return r;
	r = mpf_esp_stub_start(e, s, &why);
	if (r == 0)
		j->loader = "stub";
	else if (r == MPF_ERR_NODEV || r == MPF_ERR_INTR)
		mpf_errf(err, r, "%s", mpf_buf_str(&why));
	else
		r = fall_back(j, e, r, mpf_buf_str(&why), err);
	mpf_buf_release(&why);
	return r;
}

/* One connection: open, reset, sync, detect, check, set up, work, leave.
 * *fast is set when the failure came after a switch above 115200. */
static int session(struct job *j, int baud, int *fast, struct mpf_buf *err)
{
	struct mpf_esp_opts o = { 0 };
	struct mpf_transport *t;
	struct mpf_esp e;
	int r;

	*fast = 0;
	if ((r = mpf_transport_open(j->port, 115200, &t, err)) < 0)
		return r;
	o.baud = j->op == OP_WRITE || j->op == OP_READ ? baud : 0;
	o.before = !strcmp(o_before, "no-reset") ? MPF_ESP_BEFORE_NONE
		   : !strcmp(o_before, "usb-reset") ? MPF_ESP_BEFORE_USB : MPF_ESP_BEFORE_DEFAULT;
	/* not reset, the ROM is still at the rate the first session set:
	 * sync there, then CHANGE_BAUDRATE takes it down to baud */
	o.sync_baud = o.before == MPF_ESP_BEFORE_NONE ? j->rom_baud : 0;
	if (o.sync_baud && !o.baud)
		o.baud = 115200;
	o.usb_jtag = j->usb_jtag || o.before == MPF_ESP_BEFORE_USB;
	o.usb_pid = j->usb_pid;
	o.attempts = o_connect_attempts;
	o.no_compress = o_no_compress;
	o.progress_id = j->port;
	o.deadline = j->deadline;
	mpf_esp_init(&e, t, &o);
	if ((r = mpf_esp_connect(&e, err)) == 0 && (r = mpf_esp_detect(&e, err)) == 0) {
		j->chip = e.chip;
		/* the identity check needs no flash: refuse before touching it */
		if ((r = check_chip(j, e.chip, err)) == 0 && (r = start_stub(j, &e, err)) == 0 &&
		    (r = mpf_esp_setup(&e, err)) == 0 &&
		    (r = check_job(j, &e, err)) == 0)
			r = do_op(j, &e, err);
	}
	*fast = e.baud > 115200 && r != MPF_ERR_MISMATCH && r != MPF_ERR_ARG &&
		r != MPF_ERR_FORMAT && r != MPF_ERR_NODEV && r != MPF_ERR_INTR;
	j->rom_baud = e.baud;
	if (r == 0 && !strcmp(o_after, "hard-reset"))
		mpf_esp_hard_reset(&e);
	mpf_esp_release(&e);
	mpf_tr_close(t);
	return r;
}

/* --baud, within what the port's USB-UART adapter runs (uart_ids.c). */
static int job_baud(const struct job *j)
{
	const struct mpf_uart_adapter *a = j->adapter;

	if (!a || !a->max_baud || o_baud <= a->max_baud)
		return o_baud;
	mpf_warn("%s: the %s USB-UART adapter runs at most %d baud; using that, not %d", j->port,
		 a->name, a->max_baud, o_baud);
	return a->max_baud;
}

/* The whole job, with mpflash's rule: a failure at a high rate is retried
 * once at 115200 (long or poor USB-serial cables). */
static int run_job(struct job *j, struct mpf_buf *err)
{
	int fast, r;

	j->deadline = mpf.timeout > 0 ? mpf_now_ms() + (int64_t)(mpf.timeout * 1000) : 0;
	r = session(j, job_baud(j), &fast, err);

	if (r < 0 && fast && !mpf_interrupted && (!j->deadline || mpf_now_ms() < j->deadline)) {
		mpf_warn("%s: %s; retrying once at 115200 baud", j->port, mpf_buf_str(err));
		mpf_buf_reset(err);
		j->bytes = 0;
		r = session(j, 115200, &fast, err);
	}
	return r;
}

/* Espressif's own USB ports (vid 303a): the USB-Serial/JTAG (pid 1001)
 * and the ROM's USB-OTG CDC (pid = chip id). */
static void set_ids(struct job *j, const struct mpf_record *r)
{
	const char *vid = mpf_rec_str(r, "vid"), *pid = mpf_rec_str(r, "pid");

	if (!vid || !pid)
		return;
	j->adapter = mpf_uart_adapter((unsigned)strtol(vid, NULL, 16),
				      (unsigned)strtol(pid, NULL, 16), mpf_rec_str(r, "product"));
	if (strtol(vid, NULL, 16) != 0x303a)
		return;
	j->usb_pid = (int)strtol(pid, NULL, 16);
	j->usb_jtag = j->usb_pid == 0x1001;
}

/* From the record's vid and pid, or, for a port without them (one named
 * on the command line), from what mpf-scan finds for it. */
static void set_usb(struct job *j, const struct mpf_record *rec)
{
	struct mpf_record found;

	if (rec && mpf_rec_str(rec, "vid") && mpf_rec_str(rec, "pid")) {
		set_ids(j, rec);
	} else if (j->port) {
		mpf_scan_port(j->port, &found);
		set_ids(j, &found);
		mpf_record_release(&found);
	}
}

/* ---- records ------------------------------------------------------------ */

/* The file's bytes as they are: the plan pads each run to whole sectors. */
static int load_file(struct mpf_esp_region *g, struct mpf_buf *err)
{
	struct mpf_buf b = MPF_BUF_INIT;
	int r = mpf_load_file(g->file, MPF_FIRMWARE_MAX, &b, err);

	if (r < 0) {
		mpf_buf_release(&b);
		return r;
	}
	g->len = b.len;
	g->data = (uint8_t *)mpf_buf_detach(&b);
	return 0;
}

static void set_flashed(struct mpf_record *rec, const struct job *j, double secs)
{
	json_t *f = json_object();

	json_object_set_new(f, "method", json_string("esp"));
	json_object_set_new(f, "ok", json_true());
	json_object_set_new(f, "bytes", json_integer((json_int_t)j->bytes));
	json_object_set_new(f, "seconds", json_real((double)(long long)(secs * 100 + 0.5) / 100));
	json_object_set_new(f, "verified", json_boolean(j->verified));
	json_object_set_new(f, "verify", json_string(j->verify ? j->verify : "none"));
	json_object_set_new(f, "loader", json_string(j->loader ? j->loader : "rom"));
	mpf_rec_set(rec, "flashed", f);
}

static int finish(struct mpf_record *rec, struct job *j, int r, struct mpf_buf *err,
		  int64_t t0)
{
	size_t i;

	if (r < 0 && j->touched)
		mpf_flash_incomplete(rec, "esp");
	if (r < 0)
		mpf_rec_set_error(rec, mpf_err_name(r), "%s", mpf_buf_str(err));
	else if (j->op == OP_WRITE)
		set_flashed(rec, j, (double)(mpf_now_ms() - t0) / 1000.0);
	if (j->warn)
		mpf_rec_set(rec, "warning", json_pack("{s:s, s:s, s:s}", "applet", mpf.prog ?
						      mpf.prog : "mpf", "code",
						      mpf_err_name(j->warn_code), "message", j->warn));
	free(j->warn);
	j->warn = NULL;
	if (j->info)
		mpf_rec_set(rec, "esp", j->info);
	else if (j->chip && !j->filter)
		mpf_rec_set(rec, "esp", json_pack("{ss}", "chip", j->chip->name));
	for (i = 0; i < j->nr; i++)
		free(j->r[i].data);
	mpf_esp_plan_free(j->runs, j->nruns);
	j->runs = NULL;
	j->nruns = 0;
	mpf_buf_release(err);
	return r < 0 ? r : 0;
}

static int wants(const struct mpf_record *rec, void *ctx)
{
	const char *m = mpf_rec_str(rec, "method");

	return m && !strcmp(m, "esp");
}

static long long rec_offset(const struct mpf_record *rec)
{
	json_t *v = mpf_rec_get(rec, "firmware.offset");

	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_string(v))
		return strtoll(json_string_value(v), NULL, 0);
	return -1;
}

/* The serial port a record's job opens: records for one port take turns. */
static const char *port_device(const struct mpf_record *rec, struct mpf_buf *out, void *ctx)
{
	const char *port = o_serial ? o_serial : mpf_rec_str(rec, "serial");

	if (!port)
		return NULL;
	mpf_buf_addf(out, "serial:%s", port);
	return out->buf;
}

static int filter_run(struct mpf_record *rec, void *ctx)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_esp_region g = { 0 };
	struct job j = { OP_WRITE };
	int64_t t0 = mpf_now_ms();
	long long off = rec_offset(rec);
	int r;

	j.port = o_serial ? o_serial : mpf_rec_str(rec, "serial");
	g.file = mpf_rec_str(rec, "firmware.file");
	j.filter = 1;
	j.expect = o_chip ? o_chip : mpf_rec_str(rec, "cpu");
	j.fw_chip = mpf_rec_str(rec, "firmware.chip");
	set_usb(&j, rec);
	if (!j.port)
		r = mpf_errf(&err, MPF_ERR_ARG, "record has no serial port");
	else if (!g.file)
		r = mpf_errf(&err, MPF_ERR_ARG, "record has no firmware.file (run mpf-fetch first)");
	else if ((r = load_file(&g, &err)) == 0 && !g.len)
		r = mpf_errf(&err, MPF_ERR_FORMAT, "%s is empty", g.file);
	if (r == 0) {
		j.at_boot = off < 0;
		g.addr = off < 0 ? 0 : (uint32_t)off;
		j.r = &g;
		j.nr = 1;
		r = run_job(&j, &err);
	}
	return finish(rec, &j, r, &err, t0);
}

/* ---- standalone --------------------------------------------------------- */

static struct job cli;

/* An empty file among several is left out with a warning, as esptool
 * does; a job with nothing left to write is refused. */
static int skip_empty(struct job *j, struct mpf_buf *err)
{
	size_t i, n = 0;

	for (i = 0; i < j->nr; i++) {
		if (j->r[i].len) {
			j->r[n++] = j->r[i];
			continue;
		}
		mpf_warn("%s is empty: nothing written at 0x%x", j->r[i].file, j->r[i].addr);
		free(j->r[i].data);
	}
	j->nr = n;
	return n ? 0 : mpf_errf(err, MPF_ERR_FORMAT, "nothing to write: every file is empty");
}

static int cli_run(struct mpf_record *rec, void *ctx)
{
	struct mpf_buf err = MPF_BUF_INIT;
	int64_t t0 = mpf_now_ms();
	size_t i;
	int r = 0;

	for (i = 0; i < cli.nr && r == 0; i++)
		r = load_file(&cli.r[i], &err);
	if (r == 0 && cli.op == OP_WRITE)
		r = skip_empty(&cli, &err);
	if (r == 0)
		r = run_job(&cli, &err);
	return finish(rec, &cli, r, &err, t0);
}

static const char *mac_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	return mpf_rec_str(r, "esp.mac");
}

static const struct mpf_column columns[] = {
	{ "Port", "serial", NULL },
	{ "Chip", "esp.chip", NULL },
	{ "MAC", NULL, mac_cell },
	{ "Flash", "esp.flash_size", NULL },
	{ "Bytes", "flashed.bytes", NULL },
	{ "Seconds", "flashed.seconds", NULL },
	{ "Verified", "flashed.verified", NULL },
	{ NULL, NULL, NULL },
};

/* The board --serial names, for every command. */
static void cli_port(const char *cmd, enum op op)
{
	if (!o_serial)
		mpf_usage_error("%s needs --serial PORT", cmd);
	cli.op = op;
	cli.port = o_serial;
	cli.expect = o_chip;
	set_usb(&cli, NULL);
}

/* Run the command cli holds on the board, as one record. */
static int cli_job(void)
{
	struct mpf_filter f = { .columns = columns, .run = cli_run };
	struct mpf_record *rec = mpf_xcalloc(1, sizeof(*rec));
	int r;

	mpf_record_init(rec);
	mpf_rec_set_str(rec, "serial", cli.port);
	r = mpf_filter_list(&f, rec, 1);
	free(rec);
	free(cli.r);
	return r;
}

static int cmd_write(int argc, char **argv)
{
	int i;

	if (argc % 2)
		mpf_usage_error("write needs ADDR FILE pairs");
	cli_port("write", OP_WRITE);
	cli.nr = (size_t)argc / 2;
	cli.r = mpf_xcalloc(cli.nr, sizeof(*cli.r));
	for (i = 0; i < (int)cli.nr; i++) {
		cli.r[i].addr = mpf_arg_addr("ADDR", argv[2 * i]);
		cli.r[i].file = mpf_arg_file(argv[2 * i + 1]);
	}
	return cli_job();
}

static int cmd_erase(int argc, char **argv)
{
	cli_port("erase", OP_ERASE);
	return cli_job();
}

static int cmd_erase_region(int argc, char **argv)
{
	cli_port("erase-region", OP_ERASE_REGION);
	cli.addr = mpf_arg_addr("ADDR", argv[0]);
	cli.size = mpf_arg_size("SIZE", argv[1]);
	if (cli.addr % 4096 || cli.size % 4096)
		mpf_usage_error("erase-region needs a 4 KiB aligned address and size");
	return cli_job();
}

static int cmd_read(int argc, char **argv)
{
	cli_port("read", OP_READ);
	cli.addr = mpf_arg_addr("ADDR", argv[0]);
	cli.size = mpf_arg_size("SIZE", argv[1]);
	cli.out = argv[2];
	return cli_job();
}

static int cmd_info(int argc, char **argv)
{
	cli_port("info", OP_INFO);
	return cli_job();
}

/* ---- image-info: a file described offline ------------------------------- */

static json_t *rev_json(int rev)
{
	return json_sprintf("v%d.%d", rev / 100, rev % 100);
}

static json_t *hex_json(uint32_t v)
{
	return json_sprintf("0x%x", v);
}

static const char *const flash_modes[] = { "qio", "qout", "dio", "dout" };

static void set_header(json_t *o, const struct mpf_esp_image *im, const struct mpf_esp_chip *c)
{
	const char *sz = mpf_esp_code_name(c->sizes, im->flash_size_freq & 0xF0);
	const char *fr = mpf_esp_code_name(c->freqs, im->flash_size_freq & 0x0F);
	json_t *segs = json_array();
	int i;

	for (i = 0; i < im->nseg; i++)
		json_array_append_new(segs, json_pack("{s:o,s:I,s:o}", "address",
						      hex_json(im->seg[i].addr), "length",
						      (json_int_t)im->seg[i].len, "file_offset",
						      hex_json((uint32_t)im->seg[i].off)));
	json_object_set_new(o, "entry", hex_json(im->entry));
	json_object_set_new(o, "segments", segs);
	json_object_set_new(o, "flash_mode", json_string(im->flash_mode < 4
							 ? flash_modes[im->flash_mode] : "invalid"));
	json_object_set_new(o, "flash_size", json_string(sz ? sz : "invalid"));
	json_object_set_new(o, "flash_freq", json_string(fr ? fr : "invalid"));
	if (!im->has_ext)
		return;
	json_object_set_new(o, "chip_id", json_integer(im->chip_id));
	json_object_set_new(o, "min_rev", rev_json(im->min_rev_full));
	json_object_set_new(o, "max_rev", rev_json(im->max_rev_full));
	json_object_set_new(o, "legacy_min_rev", json_integer(im->min_rev));
	json_object_set_new(o, "wp_pin", hex_json((uint32_t)im->wp_pin));
}

static const char *digest_word(const struct mpf_esp_image *im)
{
	return im->digest_ok < 0 ? "none" : im->digest_ok ? "valid" : "invalid";
}

/* One image of the file, at offset off (flash address addr, or -1 when
 * the file alone does not say). */
static void info_image(struct mpf_record *rec, const char *file, const uint8_t *d, size_t len,
		       size_t off, long long addr, const char *part, const struct mpf_esp_chip *c)
{
	struct mpf_buf why = MPF_BUF_INIT;
	struct mpf_esp_image im;
	int r = mpf_esp_image_parse(d + off, len - off, c->chip_id < 0, &im, &why);
	json_t *o = json_pack("{s:s,s:o,s:s}", "part", part, "file_offset",
			      hex_json((uint32_t)off), "chip", c->name);

	if (addr >= 0)
		json_object_set_new(o, "address", hex_json((uint32_t)addr));
	set_header(o, &im, c);
	if (im.image_len) {
		json_object_set_new(o, "length", json_integer((json_int_t)(im.image_len +
									   (im.digest_off ? 32 : 0))));
		json_object_set_new(o, "checksum", json_string(im.checksum_ok ? "valid" : "invalid"));
		json_object_set_new(o, "sha256", json_string(digest_word(&im)));
	}
	mpf_rec_set_str(rec, "file", file);
	mpf_rec_set(rec, "image", o);
	if (r < 0)
		mpf_rec_set_error(rec, mpf_err_name(r), "%s at 0x%zx: %s", file, off, why.buf);
	mpf_buf_release(&why);
}

static void info_table(struct mpf_record *rec, const char *file, const struct mpf_esp_part *p,
		       size_t n)
{
	static const char *const kinds[] = { "bootloader", "partition-table", "app", "data" };
	json_t *a = json_array();
	size_t i;

	for (i = 1; i < n; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:i,s:o,s:o}", "label", p[i].label,
						   "type", kinds[p[i].kind], "subtype",
						   p[i].subtype, "offset", hex_json(p[i].addr),
						   "size", hex_json(p[i].size)));
	mpf_rec_set_str(rec, "file", file);
	mpf_rec_set(rec, "image", json_pack("{s:s,s:o,s:o}", "part", "partition-table", "address",
					    hex_json(p[0].addr), "partitions", a));
}

/* The chip an image names (esptool image-info: the extended header's chip
 * id, else an ESP8266 image), or --chip. */
static const struct mpf_esp_chip *image_chip(const uint8_t *d, size_t len)
{
	if (o_chip)
		return mpf_esp_chip_by_name(o_chip);
	if (mpf_esp_image_claims(d, len, 0))
		return mpf_esp_chip_by_id(d[12] | d[13] << 8);
	return mpf_esp_chip_by_name("esp8266");
}

/* A merged image: bootloader, partition table, and each app the file holds. */
static size_t info_merged(struct mpf_record *recs, const char *file, const uint8_t *d,
			  size_t len, const struct mpf_esp_chip *c)
{
	struct mpf_esp_part p[MPF_ESP_MAX_PARTS];
	struct mpf_buf err = MPF_BUF_INIT;
	size_t n, i, k = 0;

	if (mpf_esp_parttable(d, len, c->boot_offset, p, &n, &err) < 0 || n == 0) {
		info_image(&recs[k++], file, d, len, 0, -1, "image", c);
		if (err.len)
			mpf_rec_set_error(&recs[0], "format", "%s: %s", file, err.buf);
		mpf_buf_release(&err);
		return k;
	}
	info_image(&recs[k++], file, d, len, 0, c->boot_offset, "bootloader", c);
	info_table(&recs[k++], file, p, n);
	for (i = 1; i < n; i++)
		if (p[i].kind == MPF_ESP_PART_APP && p[i].in_file &&
		    d[p[i].addr - c->boot_offset] == MPF_ESP_IMAGE_MAGIC)
			info_image(&recs[k++], file, d, len, p[i].addr - c->boot_offset, p[i].addr,
				   "app", c);
	return k;
}

static const char *segs_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	json_t *a = mpf_rec_get(r, "image.segments");

	if (!json_is_array(a))
		return NULL;
	mpf_buf_addf(out, "%zu", json_array_size(a));
	return out->buf;
}

static const struct mpf_column info_columns[] = {
	{ "Part", "image.part", NULL },
	{ "Address", "image.address", NULL },
	{ "Chip", "image.chip", NULL },
	{ "Segments", NULL, segs_cell },
	{ "Entry", "image.entry", NULL },
	{ "Mode", "image.flash_mode", NULL },
	{ "Size", "image.flash_size", NULL },
	{ "Freq", "image.flash_freq", NULL },
	{ "Checksum", "image.checksum", NULL },
	{ "SHA-256", "image.sha256", NULL },
	{ "Min rev", "image.min_rev", NULL, 1 },
	{ "Max rev", "image.max_rev", NULL, 1 },
	{ NULL, NULL, NULL },
};

static int cmd_image_info(int argc, char **argv)
{
	struct mpf_filter f = { .columns = info_columns };
	struct mpf_record *recs = mpf_xcalloc(MPF_ESP_MAX_PARTS + 1, sizeof(*recs));
	struct mpf_buf b = MPF_BUF_INIT, err = MPF_BUF_INIT;
	const struct mpf_esp_chip *c;
	size_t i, n = 1;
	int r;

	for (i = 0; i <= MPF_ESP_MAX_PARTS; i++)
		mpf_record_init(&recs[i]);
	if ((r = mpf_load_file(argv[0], MPF_FIRMWARE_MAX, &b, &err)) < 0)
		mpf_rec_set_error(&recs[0], mpf_err_name(r), "%s", err.buf);
	else if (!b.len || (uint8_t)b.buf[0] != MPF_ESP_IMAGE_MAGIC)
		mpf_rec_set_error(&recs[0], "format", "%s is not an ESP image (%s)", argv[0],
				  b.len ? "its first byte is not 0xe9" : "empty");
	else if (!(c = image_chip((const uint8_t *)b.buf, b.len)))
		mpf_usage_error("--chip %s is no ESP chip", o_chip);
	else
		n = info_merged(recs, argv[0], (const uint8_t *)b.buf, b.len, c);
	if (!n || !mpf_rec_get(&recs[0], "file"))
		mpf_rec_set_str(&recs[0], "file", argv[0]);
	for (i = n; i <= MPF_ESP_MAX_PARTS; i++)
		mpf_record_release(&recs[i]);
	mpf_buf_release(&b);
	mpf_buf_release(&err);
	r = mpf_filter_list(&f, recs, n);
	free(recs);
	return r;
}

static int esp_main(int argc, char **argv)
{
	struct mpf_filter f = { .columns = columns, .wants = wants, .run = filter_run,
				.device = port_device };

	return mpf_filter_fd(&f, STDIN_FILENO, "stdin");
}

static const struct mpf_subcmd esp_subcmds[] = {
	SUBCMD("write", "ADDR FILE [ADDR FILE]...", 2, -1, cmd_write,
	       "write files at flash addresses, verify by MD5"),
	SUBCMD("erase", NULL, 0, 0, cmd_erase, "erase the whole flash"),
	SUBCMD("erase-region", "ADDR SIZE", 2, 2, cmd_erase_region,
	       "erase SIZE bytes from ADDR (4 KiB multiples)"),
	SUBCMD("read", "ADDR SIZE FILE", 3, 3, cmd_read,
	       "read flash into FILE (through the stub; ESP32-family ROMs with --no-stub)"),
	SUBCMD("info", NULL, 0, 0, cmd_info,
	       "chip, revision, features, MAC, flash size, security flags"),
	SUBCMD("chip-id", NULL, 0, 0, cmd_info, "the same as info"),
	SUBCMD("image-info", "FILE", 1, 1, cmd_image_info,
	       "describe an image file offline (no port): chip, segments, entry, flash "
	       "mode/size/frequency, checksum and SHA-256, chip revisions; each part of a "
	       "merged image"),
	SUBCMD_END(),
};

static const char *const esp_conflicts[] = { "erase-all skip-unchanged", NULL };

const struct mpf_applet esp_applet = {
	.name = "esp",
	.summary = "flash ESP8266 and ESP32-family chips through their serial loader",
	.usage = "mpf-esp [options] < records",
	.cmd_options = "--serial PORT [options]",
	.description =
		"mpf-esp speaks Espressif's serial ROM loader protocol directly to the mask "
		"ROM of ESP8266, ESP32, ESP32-S2, S3, C2, C3, C6, H2, C5, C61 and P4 chips. It "
		"resets the board into the loader with the DTR/RTS sequences esptool uses (tight, "
		"classic, USB-Serial/JTAG), syncs, detects the chip, attaches and sizes the "
		"flash (JEDEC id), switches to --baud and writes deflate-compressed blocks, "
		"then checks every region with an MD5 computed on the chip.\n"
		"\n"
		"For writing, reading and erasing it first loads mpf's own flasher stub into "
		"the chip's RAM (built from mpf's source for the chips whose compiler was "
		"installed; \"flashed\".\"loader\" says \"stub\" or \"rom\"). The stub takes "
		"16 KiB blocks, acknowledges each on receipt and programs it while the next "
		"arrives, erases as it goes instead of up front, reads flash in acknowledged "
		"4 KiB packets checked by MD5, erases the chip or a region at once, and gives "
		"the ESP8266 compressed writes, baud changes and MD5 verification. A stub that "
		"does not start is reported as a warning (in the record too) and the job goes "
		"on through the ROM loader; chips in Secure Download Mode, whose ROM loads no "
		"code, chips on their own USB port (USB-Serial/JTAG or the ROM's USB-OTG; the "
		"stub speaks on UART0 only), ESP32-P4 chips before v3.0 (whose ROM uses the "
		"stub's RAM) and --no-stub stay on the ROM loader: erasing "
		"through FLASH_BEGIN, "
		"reading through READ_FLASH_SLOW (64 bytes per round trip, ESP32 family "
		"only); the ESP8266 ROM can neither read nor verify. --baud is held to what "
		"the port's USB-UART adapter runs (CP2102 921600, CP2102N 3 Mbaud, CH340 2 "
		"Mbaud, CH343 6 Mbaud, FTDI 3 or 12 Mbaud), with a warning.\n"
		"\n"
		"As a filter it flashes each record with \"method\": \"esp\": firmware.file goes "
		"to firmware.offset, or to the chip's bootloader offset (0x1000 on ESP32 and "
		"ESP32-S2, 0x2000 on C5 and P4, 0 elsewhere). It refuses, before anything is "
		"erased, when the detected chip differs from the record's cpu or from "
		"firmware.chip, or when the image's header names another chip (\"image is "
		"for ESP32-S3, chip is ESP32-C3\"). The record gains \"flashed\" {method, ok, bytes, seconds, "
		"verified, verify, loader}; the board is hard-reset and left running.\n"
		"\n"
		"Every write is planned whole before the first erase, on the command line and "
		"for records alike. Files are sorted by address; overlaps are refused, naming "
		"both files and ranges; a file past the end of the detected flash is refused; "
		"an empty file among several is skipped with a warning, as esptool does. A "
		"file that claims to be an ESP image (magic 0xE9, a chip id the table knows) "
		"must be a whole one (segments within the file, checksum, appended SHA-256) "
		"for the chip found, and its minimum and maximum chip revision must hold the "
		"chip's, by esptool's rule; what goes to the bootloader offset must be such an "
		"image, and a merged image's partition table and apps are checked too. "
		"--force turns those image refusals into warnings. The ROM erases whole 4 KiB "
		"sectors, so files that share a sector are erased and written in one pass, "
		"0xFF around them; the rest of a last sector is erased, as with esptool. Only "
		"after the last write is every region compared with the flash by the chip's "
		"MD5: \"verified\": true and \"verify\": \"md5\" mean that; the ESP8266 ROM "
		"has no MD5 (\"verify\": \"none\" with --no-stub).\n"
		"\n"
		"image-info describes an image file without a board, as esptool image-info "
		"does: chip (every image chip id esptool knows, ESP32-C61, H21, H4 and newer "
		"included), segments, entry, flash mode, size and frequency, checksum and "
		"SHA-256 status, minimum and maximum chip revision; a merged image part by part "
		"(bootloader, partition table, apps).\n"
		"\n"
		"Through the ROM loader (--no-stub, or a chip without our stub) a block the "
		"ROM refuses (a checksum damaged on the wire) cannot be sent again: the ROM "
		"has counted it. mpf-esp then resets the chip (unless "
		"--before no-reset), syncs, sets the baud rate again and goes on from the last "
		"sector the ROM surely wrote, up to three times per region. On the ESP32, whose "
		"ROM programs the rest of its 32 KiB inflate window past the end of a "
		"compressed write, the last part of each region (at most 36 KiB) goes "
		"uncompressed, so nothing outside the regions asked for changes. "
		"A failure after switching above 115200 baud is retried once at 115200 (with "
		"--before no-reset, after taking the ROM back to 115200 from the rate it was "
		"left at). "
		"Our stub takes a refused block again. "
		"--skip-unchanged compares the image (through the stub, first in one piece) "
		"and each 64 KiB region by MD5 and writes only the ones that differ, so "
		"re-flashing the same firmware takes seconds. "
		"--flash-mode, --flash-freq and --flash-size rewrite the bootloader header "
		"(only at the bootloader offset, only in a valid image, never under secure "
		"boot), recomputing its SHA-256.",
	.examples =
		"$ mpf-esp --serial /dev/ttyUSB0 info\n"
		"Chip, revision, MAC, flash size and security flags.\n"
		"\n"
		"$ mpf-esp --serial /dev/ttyUSB0 write 0x1000 ESP32_GENERIC-20241129-v1.24.1.bin\n"
		"Flash a MicroPython release for ESP32 (esptool write_flash -z 0x1000 ...).\n"
		"\n"
		"$ mpf-esp -s /dev/ttyACM0 write 0x0 bootloader.bin 0x8000 part.bin 0x10000 app.bin\n"
		"Write a vendor image set in one session.\n"
		"\n"
		"$ mpf-esp image-info ESP32_GENERIC-20241129-v1.24.1.bin -o table\n"
		"Bootloader, partition table and app of a release image, offline.\n"
		"\n"
		"$ mpf-scan | mpf-info | mpf-pick | mpf-fetch | mpf-esp --skip-unchanged\n"
		"Bring every ESP board to the chosen firmware, skipping what is already there.",
	.opts = esp_opts,
	.conflicts = esp_conflicts,
	.subcmds = esp_subcmds,
	.flags = MPF_APPLET_FILTER,
	.default_jobs = MPF_JOBS_ALL,
	.main = esp_main,
};
