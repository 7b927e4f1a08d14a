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

static int fits(const struct mpf_boot_cand *c, const struct mpf_record *board,
		enum mpf_bootdev kind)
{
	const char *k = mpf_rec_str(c->rec, "kind");

	if (c->claimed || !k)
		return 0;
	if (kind == MPF_BOOTDEV_UF2)
		return !strcmp(k, "uf2") && uf2_fits(c->rec, mpf_rec_str(board, "port"));
	if (kind == MPF_BOOTDEV_DFU)
		return !strcmp(k, "dfu") && dfu_fits(c->rec, board);
	return 0;
}

int mpf_boot_pick(const struct mpf_record *board, enum mpf_bootdev kind,
		  const struct mpf_boot_cand *c, size_t n, int solo, int take_old)
{
	int best = -1, score = 0, fresh = -1, old = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		int m;

		if (!fits(&c[i], board, kind))
			continue;
		m = mpf_board_match(c[i].rec, board);
		if (m >= 2 && m > score) {
			score = m;
			best = (int)i;
		}
		/* a device that names another board is never a fallback */
		if (mpf_board_has_identity(c[i].rec) && mpf_board_has_identity(board) && m < 2)
			continue;
		if (!c[i].old && fresh < 0)
			fresh = (int)i;
		if (c[i].old && old < 0)
			old = (int)i;
	}
	if (best >= 0)
		return best;
	if (!solo)
		return -1;
	return fresh >= 0 ? fresh : take_old ? old : -1;
}

int mpf_bootloader_record_for(const struct mpf_record *rec, const char *method)
{
	const char *m = mpf_rec_str(rec, "method"), *tk = mpf_rec_str(rec, "target.kind");

	return m ? !strcmp(m, method) : tk && !strcmp(tk, method);
}
