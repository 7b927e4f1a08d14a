/* reappear.c - recognise a board after it re-enumerated (reappear.h). */
#include "reappear.h"
#include "applet.h"
#include "clock.h"
#include "transport.h"
#include "buf.h"
#include "err.h"
#include "log.h"
#include "scan.h"

#include <stdlib.h>
#include <string.h>

static int same(const struct mpf_record *a, const struct mpf_record *b, const char *key)
{
	const char *x = mpf_rec_str(a, key), *y = mpf_rec_str(b, key);

	return x && y && *x && !strcmp(x, y);
}

static int has(const struct mpf_record *r, const char *key)
{
	const char *s = mpf_rec_str(r, key);

	return s && *s;
}

int mpf_board_has_identity(const struct mpf_record *board)
{
	return has(board, "usb_serial") || has(board, "location");
}

int mpf_board_match(const struct mpf_record *cand, const struct mpf_record *board)
{
	if (same(cand, board, "usb_serial"))
		return 3;
	if (has(cand, "usb_serial") && has(board, "usb_serial"))
		return 0;	/* two different boards */
	if (same(cand, board, "location"))
		return 2;
	/* the same path, and nothing about the port says otherwise (a pty,
	 * a link, a port whose USB details the OS does not give) */
	if (!mpf_board_has_identity(cand) && same(cand, board, "serial"))
		return 1;
	return 0;
}

/* The best-matching serial port now, or NULL: every enumerated port, and
 * the board's old path (a pty or link no enumeration lists). */
/* A network port is back when its server opens the device for us again:
 * ser2net refuses (says "Device open failure") while the board reboots. */
static char *find_net_port(const char *uri)
{
	struct mpf_transport *t;

	if (mpf_transport_open(uri, 115200, &t, NULL) < 0)
		return NULL;
	mpf_tr_close(t);
	return mpf_xstrdup(uri);
}

static char *find_port(const struct mpf_record *rec)
{
	struct mpf_scan_opts so = { .kinds = MPF_SCAN_SERIAL };
	struct mpf_record *recs = NULL;
	const char *path = mpf_rec_str(rec, "serial");
	char *port = NULL;
	size_t n = 0, i;
	int best = 0;

	if (path && strstr(path, "://"))
		return find_net_port(path);

	if (mpf_board_has_identity(rec))
		mpf_scan(&so, &recs, &n);
	if (path) {
		mpf_strlist_add(&so.serial, path);
		mpf_scan(&so, &recs, &n);
	}
	for (i = 0; i < n; i++) {
		int m = mpf_board_match(&recs[i], rec);

		if (m > best && mpf_rec_str(&recs[i], "serial")) {
			best = m;
			free(port);
			port = mpf_xstrdup(mpf_rec_str(&recs[i], "serial"));
		}
		mpf_record_release(&recs[i]);
	}
	free(recs);
	mpf_strlist_clear(&so.serial);
	return port;
}

/* mpf_poll_until's question: is the board's port back? */
struct port_wait {
	const struct mpf_record *rec;
	char *port;
};

static int port_back(void *ctx)
{
	struct port_wait *w = ctx;

	return (w->port = find_port(w->rec)) != NULL;
}

int mpf_board_wait_serial(const struct mpf_record *rec, int timeout_ms, char **port,
			  struct mpf_buf *err)
{
	struct port_wait w = { rec, NULL };
	int r;

	*port = NULL;
	if (!mpf_board_has_identity(rec) && !has(rec, "serial"))
		return mpf_errf(err, MPF_ERR_ARG, "the record has no serial, usb_serial or location "
				"to recognise the board by");
	r = mpf_poll_until(port_back, &w, timeout_ms, 50);
	if (r == MPF_ERR_INTR)
		return mpf_errf(err, MPF_ERR_INTR, "interrupted");
	if (r == MPF_ERR_TIMEOUT)
		return mpf_errf(err, MPF_ERR_TIMEOUT, "the board did not come back as a serial "
				"port within %d s", (timeout_ms + 999) / 1000);
	*port = w.port;
	return 0;
}

void mpf_board_reappear(struct mpf_record *rec, const char *dev_serial, int timeout_ms)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_record board;
	const char *was = mpf_rec_str(rec, "serial");
	char *port = NULL;
	int r;

	mpf_record_from(&board, json_deep_copy(rec->obj));
	if (!mpf_rec_str(&board, "usb_serial") && dev_serial && *dev_serial)
		mpf_rec_set_str(&board, "usb_serial", dev_serial);
	r = mpf_board_wait_serial(&board, timeout_ms, &port, &err);
	mpf_record_release(&board);
	if (!r) {
		mpf_debug("%s: back on %s", was ? was : "board", port);
		mpf_rec_set_str(rec, "serial", port);
		free(port);
	} else if (r != MPF_ERR_ARG) {	/* ARG: nothing to know it by */
		mpf_rec_set(rec, "warning", json_pack("{s:s, s:s, s:s}", "applet", mpf.prog ?
						      mpf.prog : "mpf", "code", mpf_err_name(r),
						      "message", mpf_buf_str(&err)));
		mpf_warn("%s: flashed, but %s", was ? was : dev_serial && *dev_serial ?
			 dev_serial : "board", mpf_buf_str(&err));
	}
	mpf_buf_release(&err);
}

void mpf_flash_incomplete(struct mpf_record *rec, const char *method)
{
	static const char *const carried[] = { "version", "build" };
	json_t *prev = json_object(), *f = mpf_rec_get(rec, "flashed"), *v;
	size_t i;

	for (i = 0; i < sizeof(carried) / sizeof(carried[0]); i++)
		if ((v = mpf_rec_get(rec, carried[i]))) {
			json_object_set(prev, carried[i], v);
			mpf_rec_del(rec, carried[i]);
		}
	if (json_object_size(prev))
		mpf_rec_set(rec, "previous", prev);
	else
		json_decref(prev);
	f = json_is_object(f) ? json_deep_copy(f) : json_pack("{s:s}", "method", method);
	json_object_set_new(f, "ok", json_false());
	json_object_set_new(f, "complete", json_false());
	json_object_set_new(f, "note", json_string("the write stopped part way: the firmware "
						   "version is unknown and the board may not "
						   "boot until it is flashed again"));
	mpf_rec_set(rec, "flashed", f);
}
