/* bootloader.c - activators and bootloader device matching (bootloader.h). */
#include "bootloader.h"
#include "buf.h"
#include "clock.h"
#include "err.h"
#include "log.h"
#include "repl.h"
#include "reappear.h"
#include "transport.h"
#include "uf2.h"
#include "uf2drive.h"
#include "usb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A port that vanished under us means the board reset: what we wanted. */
static int vanished(int r)
{
	return r == MPF_ERR_NODEV;
}

/* Open at 1200 baud (the host sends SET_LINE_CODING 1200), drop DTR and
 * RTS (SET_CONTROL_LINE_STATE 0), hold it a moment, close. pico-sdk
 * resets on the line coding alone; MicroPython's
 * MICROPY_HW_USB_CDC_1200BPS_TOUCH wants 1200 with DTR=RTS=0
 * (doc/protocols.md 3.3). */
int mpf_touch1200(const char *port, struct mpf_buf *err)
{
	struct mpf_transport *t;
	int r = mpf_transport_open(port, 1200, &t, err);

	if (r)
		return vanished(r) ? 0 : r;
	r = mpf_tr_set_lines(t, 0, 0);
	if (!r)
		r = mpf_sleep_ms(200);
	mpf_tr_close(t);
	return r == MPF_ERR_INTR ? mpf_errf(err, r, "interrupted") : 0;
}

/* machine.bootloader() over the raw REPL (lib/flash/repl). The board resets
 * into its bootloader, so the port goes away (or just falls silent)
 * instead of answering; an answer means it failed: a port without
 * machine.bootloader() replies with a traceback, whose last line is the
 * reason. The board is left in the raw REPL only when it reset. */
static int repl_bootloader(struct mpf_repl *r, struct mpf_buf *err)
{
	static const char code[] = "import machine\nmachine.bootloader()\n";
	int x = mpf_repl_enter(r, 3000, err);

	if (x == MPF_ERR_TIMEOUT)
		return mpf_errf(err, x, "no raw REPL prompt (is MicroPython running?)");
	if (!x)
		x = mpf_repl_start(r, code, sizeof(code) - 1, 2000, err);
	if (!x) {
		x = mpf_repl_finish(r, NULL, NULL, 1500, err);
		if (x == MPF_ERR_TIMEOUT)
			return 0;	/* silent: resetting */
		if (!x)
			x = mpf_errf(err, MPF_ERR_PROTO, "machine.bootloader() returned");
		else if (x == MPF_ERR_FAIL) {
			char *why = mpf_xstrdup(mpf_buf_str(err));

			x = mpf_errf(err, MPF_ERR_SUPP, "machine.bootloader() failed: %s", why);
			free(why);
		}
		if (x != MPF_ERR_NODEV)
			mpf_repl_leave(r, 1000, NULL);
	}
	return x;
}

static int mpf_mpy_bootloader(const char *port, struct mpf_buf *err)
{
	struct mpf_transport *t;
	struct mpf_repl r;
	int x = mpf_transport_open(port, 115200, &t, err);

	if (x)
		return x;
	mpf_repl_init(&r, t);
	x = repl_bootloader(&r, err);
	mpf_repl_release(&r);
	mpf_tr_close(t);
	return vanished(x) ? 0 : x;
}

static int nothing(const char *port, struct mpf_buf *err)
{
	return 0;
}

const struct mpf_activator mpf_activators[] = {
	{ .name = "touch1200", .summary = "open the port at 1200 baud and drop DTR",
	  .needs_port = 1, .activate = mpf_touch1200 },
	{ .name = "mpy", .summary = "run machine.bootloader() over the raw REPL",
	  .needs_port = 1, .activate = mpf_mpy_bootloader },
	{ .name = "manual", .summary = "tell the user which buttons to press, then wait",
	  .needs_port = 0, .activate = nothing },
	{ .name = "none", .summary = "the board is in its bootloader already: only wait",
	  .needs_port = 0, .activate = nothing },
	{ .name = NULL },
};

const struct mpf_activator *mpf_activator_find(const char *name)
{
	const struct mpf_activator *a;

	for (a = mpf_activators; a->name; a++)
		if (!strcmp(a->name, name))
			return a;
	return NULL;
}

/* A UF2 drive fits the board when it accepts a family of the board's port
 * (an unknown drive or port cannot be ruled out). */
static int uf2_fits(const struct mpf_record *cand, const char *port)
{
	struct mpf_uf2_info info;
	uint32_t d[16], p[32];
	size_t nd, np, i, j;
	const char *s;

	memset(&info, 0, sizeof(info));
	if ((s = mpf_rec_str(cand, "board_id")))
		snprintf(info.board_id, sizeof(info.board_id), "%s", s);
	if ((s = mpf_rec_str(cand, "model")))
		snprintf(info.model, sizeof(info.model), "%s", s);
	nd = mpf_uf2_drive_families(&info, d, N(d));
	np = port ? mpf_uf2_port_families(port, p, N(p)) : 0;
	if (!nd || !np)
		return 1;
	for (i = 0; i < nd; i++)
		for (j = 0; j < np; j++)
			if (d[i] == p[j])
				return 1;
	return 0;
}

static int dfu_fits(const struct mpf_record *cand, const struct mpf_record *board)
{
	const char *vid = mpf_rec_str(cand, "vid"), *pid = mpf_rec_str(cand, "pid");

	if (vid && pid &&
	    mpf_usb_dfu_bootloader((uint16_t)strtoul(vid, NULL, 16), (uint16_t)strtoul(pid, NULL, 16)))
		return 1;
	return mpf_board_match(cand, board) == 3;
}

static int has(const struct mpf_record *r, const char *key)
{
	const char *s = mpf_rec_str(r, key);

	return s && *s;
}

/* 1 the same value, -1 both have one and they differ, 0 not both. */
static int compare(const struct mpf_record *a, const struct mpf_record *b, const char *key)
{
	if (!has(a, key) || !has(b, key))
		return 0;
	return strcmp(mpf_rec_str(a, key), mpf_rec_str(b, key)) ? -1 : 1;
}

static int rule_claimed(const struct mpf_boot_board *b, const struct mpf_boot_cand *c)
{
	return c->claimed ? -1 : 0;
}

static const char *const kind_names[] = {
	[MPF_BOOTDEV_UF2] = "uf2",
	[MPF_BOOTDEV_DFU] = "dfu",
};

static int rule_kind(const struct mpf_boot_board *b, const struct mpf_boot_cand *c)
{
	const char *k = mpf_rec_str(c->rec, "kind");
	const char *want = (size_t)b->kind < N(kind_names) ? kind_names[b->kind] : NULL;

	return k && want && !strcmp(k, want) ? 0 : -1;
}

static int rule_info(const struct mpf_boot_board *b, const struct mpf_boot_cand *c)
{
	if (b->kind == MPF_BOOTDEV_UF2)
		return uf2_fits(c->rec, mpf_rec_str(b->rec, "port")) ? 0 : -1;
	return dfu_fits(c->rec, b->rec) ? 0 : -1;
}

static int rule_usb_serial(const struct mpf_boot_board *b, const struct mpf_boot_cand *c)
{
	return compare(c->rec, b->rec, "usb_serial");
}

static int rule_location(const struct mpf_boot_board *b, const struct mpf_boot_cand *c)
{
	return compare(c->rec, b->rec, "location");
}

/* A device that names another board is never a fallback. */
static int rule_identity(const struct mpf_boot_board *b, const struct mpf_boot_cand *c)
{
	return mpf_board_has_identity(c->rec) && mpf_board_has_identity(b->rec) ? -1 : 0;
}

static int rule_old(const struct mpf_boot_board *b, const struct mpf_boot_cand *c)
{
	return c->seen_ms <= b->asked_ms && !b->take_old ? -1 : 0;
}

/* A board's bootloader device enumerates only after its serial port has
 * left the bus (doc/boards.md section 5.1): one seen while the port was
 * still there is another's. */
static int rule_timing(const struct mpf_boot_board *b, const struct mpf_boot_cand *c)
{
	return b->port_seen_ms && c->seen_ms <= b->port_seen_ms ? -1 : 0;
}

const char *const mpf_boot_rule_names[MPF_BOOT_NRULES] = {
	"claimed", "kind", "info", "usb_serial", "location", "identity", "old", "timing",
};

static int (*const rules[MPF_BOOT_NRULES])(const struct mpf_boot_board *,
					   const struct mpf_boot_cand *) = {
	[MPF_BOOT_CLAIMED] = rule_claimed,
	[MPF_BOOT_KIND] = rule_kind,
	[MPF_BOOT_INFO] = rule_info,
	[MPF_BOOT_USB_SERIAL] = rule_usb_serial,
	[MPF_BOOT_LOCATION] = rule_location,
	[MPF_BOOT_IDENTITY] = rule_identity,
	[MPF_BOOT_OLD] = rule_old,
	[MPF_BOOT_TIMING] = rule_timing,
};

int mpf_boot_judge(const struct mpf_boot_board *b, const struct mpf_boot_cand *c, int *rule)
{
	int i, v;

	for (i = 0; i < MPF_BOOT_NRULES; i++)
		if ((v = rules[i](b, c))) {
			*rule = i;
			return v;
		}
	*rule = MPF_BOOT_NRULES;
	return 0;
}

/* Is c[k] nothing surely for self and ruled out for every other board?
 * *out collects the rules that ruled the others out. */
static int only_self(const struct mpf_boot_board *b, size_t m, size_t self,
		     const struct mpf_boot_cand *c, unsigned *out)
{
	unsigned mask = 0;
	size_t j;
	int rule;

	if (mpf_boot_judge(&b[self], c, &rule))
		return 0;
	for (j = 0; j < m; j++) {
		if (j == self)
			continue;
		if (mpf_boot_judge(&b[j], c, &rule) >= 0)
			return 0;
		mask |= 1u << rule;
	}
	*out = mask;
	return 1;
}

static void say_how(unsigned mask, struct mpf_buf *how)
{
	int i;

	mpf_buf_reset(how);
	for (i = 0; i < MPF_BOOT_NRULES; i++)
		if (mask & 1u << i)
			mpf_buf_addf(how, "%s%s", how->len ? "," : "", mpf_boot_rule_names[i]);
	if (!how->len)
		mpf_buf_addstr(how, "alone");
}

int mpf_boot_pick(const struct mpf_boot_board *b, size_t m, size_t self,
		  const struct mpf_boot_cand *c, size_t n, struct mpf_buf *how)
{
	int best = -1, best_rule = MPF_BOOT_NRULES, rule, pass;
	unsigned mask;
	size_t k;

	for (k = 0; k < n; k++)
		if (mpf_boot_judge(&b[self], &c[k], &rule) > 0 && rule < best_rule) {
			best = (int)k;
			best_rule = rule;
		}
	if (best >= 0) {
		say_how(1u << best_rule, how);
		return best;
	}
	/* a fresh device first; one there already only for "none" */
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < n; k++) {
			if ((c[k].seen_ms <= b[self].asked_ms) != pass)
				continue;
			if (only_self(b, m, self, &c[k], &mask)) {
				say_how(mask, how);
				return (int)k;
			}
		}
	return -1;
}

/* The families two boards' drives could have in common: 1 (the name of
 * one in fam) or 0. A port whose families are unknown could take any. */
static int families_meet(const char *pa, const char *pb, struct mpf_buf *fam)
{
	uint32_t a[32], b[32];
	size_t na = pa ? mpf_uf2_port_families(pa, a, N(a)) : 0;
	size_t nb = pb ? mpf_uf2_port_families(pb, b, N(b)) : 0, i, j;
	char buf[16];

	if (!na || !nb) {
		mpf_buf_addstr(fam, "UF2 drive of any family");
		return 1;
	}
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			if (a[i] == b[j]) {
				mpf_buf_addf(fam, "%s drive", mpf_uf2_family_name(a[i], buf, sizeof(buf)));
				return 1;
			}
	return 0;
}

static const char *port_name(const struct mpf_boot_board *b)
{
	const char *s = mpf_rec_str(b->rec, "serial");

	return s ? s : "a board without a port";
}

int mpf_boot_conflict(const struct mpf_boot_board *a, const struct mpf_boot_board *b,
		      struct mpf_buf *why)
{
	struct mpf_buf fam = MPF_BUF_INIT;
	int ia = mpf_board_has_identity(a->rec), ib = mpf_board_has_identity(b->rec);

	if (a->kind != b->kind || (ia && ib))
		return 0;
	if (a->kind == MPF_BOOTDEV_DFU)
		mpf_buf_addstr(&fam, "DFU device");
	else if (!families_meet(mpf_rec_str(a->rec, "port"), mpf_rec_str(b->rec, "port"), &fam)) {
		mpf_buf_release(&fam);
		return 0;
	}
	mpf_buf_reset(why);
	if (!ia && !ib)
		mpf_buf_addf(why, "neither %s nor %s has a", port_name(a), port_name(b));
	else
		mpf_buf_addf(why, "%s has no", port_name(ia ? b : a));
	mpf_buf_addf(why, " USB serial number or location to tell its device by, and a %s "
		     "would fit both", fam.buf);
	mpf_buf_release(&fam);
	return 1;
}

int mpf_bootloader_record_for(const struct mpf_record *rec, const char *method)
{
	const char *m = mpf_rec_str(rec, "method"), *tk = mpf_rec_str(rec, "target.kind");

	return m ? !strcmp(m, method) : tk && !strcmp(tk, method);
}
