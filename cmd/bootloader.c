/* bootloader.c - mpf-bootloader: put boards into their bootloader and find
 * the bootloader device each one becomes: how each port enters its
 * bootloader is doc/boards.md section 5 (machine.bootloader(), the
 * 1200-baud touch, BOOTSEL), which drive is which board's is
 * doc/boards.md section 5.1, and what a UF2 drive says of itself is
 * doc/protocols.md section 3.1.
 */
#include "applet.h"
#include "bootloader.h"
#include "clock.h"
#include "err.h"
#include "filter.h"
#include "log.h"
#include "scan.h"
#include "reappear.h"
#include "transport.h"
#include "uf2drive.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *o_using, *o_kind;
static int bare_ports;		/* boards named by PORT operands, not records */
static double o_wait = 5;

static const struct mpf_opt bl_opts[] = {
	OPT_STRING(0, "using", &o_using, "LIST",
		   "activators to try in order (touch1200,mpy,manual,none) instead of the record's"),
	OPT_DURATION(0, "wait", &o_wait, "SEC", 0.1, 600,
		   "time an activator has to show an effect before the next is tried (5)"),
	OPT_CHOICE(0, "kind", &o_kind, "KIND", "uf2|dfu",
		   "the bootloader device to wait for, when the record does not tell"),
	OPT_END(),
};

/* Held in common by the parallel jobs. Boards enter their bootloaders together
 * and each device goes to the board the evidence says (mpf_boot_pick);
 * only boards the evidence could not tell apart (mpf_boot_conflict) wait
 * for one another. */
struct bl_state {
	pthread_mutex_t lock;
	pthread_cond_t landed;		/* a board left the flying set */
	struct board **flying;		/* boards between asked and matched */
	size_t nflying;
	struct mpf_strlist claimed;	/* bootloader device keys taken */
	struct mpf_strlist seen;	/* device keys present, and when each */
	int64_t *seen_ms;		/* was first seen */
};

/* "uf2:/media/u/RPI-RP2", "dfu:usb:1:9": a device's key, its kind first. */
static const char *bootdev_key(const struct mpf_record *c, struct mpf_buf *b)
{
	mpf_buf_reset(b);
	mpf_buf_addf(b, "%s:", mpf_rec_str(c, "kind") ? mpf_rec_str(c, "kind") : "");
	if (mpf_rec_str(c, "path"))
		mpf_buf_addstr(b, mpf_rec_str(c, "path"));
	else if (mpf_rec_str(c, "device"))
		mpf_buf_addstr(b, mpf_rec_str(c, "device"));
	else
		mpf_buf_addf(b, "usb:%lld:%lld", mpf_rec_int(c, "bus", 0), mpf_rec_int(c, "address", 0));
	return b->buf;
}

static struct mpf_record *add_rec(struct mpf_record **recs, size_t *n)
{
	struct mpf_record *r;

	*recs = mpf_xrealloc(*recs, (*n + 1) * sizeof(**recs));
	r = &(*recs)[(*n)++];
	mpf_record_init(r);
	mpf_rec_set_str(r, "kind", "uf2");
	return r;
}

/* The USB identity of a block device, when the OS has one (a FUSE or
 * network mount has none). */
static void set_identity(struct mpf_record *r, const char *dev)
{
	char serial[128], loc[64];

	if (strncmp(dev, "/dev/", 5) || !strcmp(dev, "/dev/fuse") ||
	    !mpf_blockdev_usb_identity(getenv("MPF_TEST_SYSFS"), dev, serial, sizeof(serial), loc,
				       sizeof(loc)))
		return;
	mpf_rec_set_str(r, "device", dev);
	if (serial[0])
		mpf_rec_set_str(r, "usb_serial", serial);
	mpf_rec_set_str(r, "location", loc);
}

/* UF2 drives: mounted ones (INFO_UF2.TXT), and bootloader block devices
 * nobody mounted (no automounter: a CI runner, a headless Pi), which
 * mpf-uf2 mounts. */
static void scan_uf2(struct mpf_record **recs, size_t *n)
{
	struct mpf_uf2_blockdev bd[16];
	struct mpf_uf2_drive *d = NULL;
	size_t nd = 0, i, j;
	int nb;

	mpf_uf2_find_drives(NULL, &d, &nd);
	for (i = 0; i < nd; i++) {
		struct mpf_record *r = add_rec(recs, n);

		mpf_rec_set_str(r, "path", d[i].path);
		if (d[i].info.board_id[0])
			mpf_rec_set_str(r, "board_id", d[i].info.board_id);
		if (d[i].info.model[0])
			mpf_rec_set_str(r, "model", d[i].info.model);
		set_identity(r, d[i].device);
	}
	nb = mpf_uf2_find_blockdevs(getenv("MPF_TEST_SYSFS"), bd, 16);
	for (i = 0; i < (size_t)nb; i++) {
		for (j = 0; j < nd && strcmp(d[j].device, bd[i].dev); j++)
			;
		if (j == nd) {
			struct mpf_record *r = add_rec(recs, n);

			mpf_rec_set_str(r, "device", bd[i].dev);
			set_identity(r, bd[i].dev);
		}
	}
	mpf_uf2_drives_free(d, nd);
}

static void scan_bootdevs(enum mpf_bootdev kind, struct mpf_record **recs, size_t *n)
{
	struct mpf_scan_opts so = { .kinds = MPF_SCAN_DFU };

	*recs = NULL;
	*n = 0;
	if (kind == MPF_BOOTDEV_UF2)
		scan_uf2(recs, n);
	else
		mpf_scan(&so, recs, n);
}

static void free_recs(struct mpf_record *recs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		mpf_record_release(&recs[i]);
	free(recs);
}

struct board {
	struct mpf_record *rec;
	struct bl_state *st;
	struct mpf_record ev;		/* rec, with its port's USB identity */
	struct mpf_boot_board mb;	/* what the matching knows (under st->lock) */
	enum mpf_bootdev kind;
	const char *port;		/* serial path, or NULL */
	int port_gone;
	struct mpf_strlist apart;	/* boards it entered its bootloader apart from */
	struct mpf_buf why;		/* and why */
	struct mpf_buf err;
	struct mpf_buf fails;		/* "mpy: ...; touch1200: ..." */
};

static int listed(const struct mpf_strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return (int)i + 1;
	return 0;
}

static void unlist(struct mpf_strlist *l, size_t i, int64_t *ms)
{
	free(l->v[i]);
	l->v[i] = l->v[--l->n];
	if (ms)
		ms[i] = ms[l->n];
}

/* Under st->lock: the devices of one scan (from start to now) as
 * candidates, each with when it was first seen. A device of this kind
 * known before the scan started and missing from it is forgotten, claimed
 * or not: a drive mounted later at the same place (udisks names mount
 * points by label) is a new one. (A scan that started before a device
 * was first seen says nothing of it.) */
static void note_seen(struct bl_state *st, const char *kind, struct mpf_record *recs, size_t n,
		      struct mpf_boot_cand *c, const int64_t when[2])
{
	struct mpf_buf key = MPF_BUF_INIT, here = MPF_BUF_INIT;
	size_t i, klen = strlen(kind);
	int at;

	for (i = 0; i < n; i++)
		mpf_buf_addf(&here, "\n%s\n", bootdev_key(&recs[i], &key));
	for (i = st->seen.n; i-- > 0;) {
		mpf_buf_reset(&key);
		mpf_buf_addf(&key, "\n%s\n", st->seen.v[i]);
		if (!strncmp(st->seen.v[i], kind, klen) && st->seen.v[i][klen] == ':' &&
		    st->seen_ms[i] < when[0] && !strstr(mpf_buf_str(&here), key.buf)) {
			if ((at = listed(&st->claimed, st->seen.v[i])))
				unlist(&st->claimed, (size_t)at - 1, NULL);
			unlist(&st->seen, i, st->seen_ms);
		}
	}
	for (i = 0; i < n; i++) {
		c[i].rec = &recs[i];
		if (!(at = listed(&st->seen, bootdev_key(&recs[i], &key)))) {
			mpf_strlist_add(&st->seen, key.buf);
			st->seen_ms = mpf_xrealloc(st->seen_ms, st->seen.n * sizeof(*st->seen_ms));
			st->seen_ms[(at = (int)st->seen.n) - 1] = when[1];
		}
		c[i].seen_ms = st->seen_ms[at - 1];
		c[i].claimed = listed(&st->claimed, key.buf) != 0;
	}
	mpf_buf_release(&key);
	mpf_buf_release(&here);
}

/* Scan for this board's kind of device; c (malloc'ed) gets the
 * candidates, st->lock is held on return. */
static struct mpf_boot_cand *scan_locked(struct board *b, struct mpf_record **recs, size_t *n)
{
	struct mpf_boot_cand *c;
	int64_t when[2];

	when[0] = mpf_now_ms();
	scan_bootdevs(b->kind, recs, n);
	when[1] = mpf_now_ms();
	c = mpf_xcalloc(*n + 1, sizeof(*c));
	pthread_mutex_lock(&b->st->lock);
	note_seen(b->st, b->kind == MPF_BOOTDEV_UF2 ? "uf2" : "dfu", *recs, *n, c, when);
	return c;
}

/* What was there before the board was asked. */
static void snapshot(struct board *b)
{
	struct mpf_record *recs;
	size_t n;
	struct mpf_boot_cand *c = scan_locked(b, &recs, &n);

	b->mb.asked_ms = mpf_now_ms();
	pthread_mutex_unlock(&b->st->lock);
	free(c);
	free_recs(recs, n);
}

/* The device record c goes into rec's target field, with how it was
 * matched to the board. */
static void set_target(struct mpf_record *rec, const struct mpf_record *c, const char *activator,
		       const char *how)
{
	static const char *const keep[] = { "kind", "path", "board_id", "model", "device", "vid",
					    "pid", "bus", "address", "usb_serial", "location", NULL };
	json_t *t = json_object();
	int i;

	for (i = 0; keep[i]; i++)
		if (mpf_rec_get(c, keep[i]))
			json_object_set(t, keep[i], mpf_rec_get(c, keep[i]));
	json_object_set_new(t, "activator", json_string(activator));
	json_object_set_new(t, "matched", json_string(how));
	mpf_rec_set(rec, "target", t);
}

/* Look once for this board's bootloader device; claim and record it. */
static int find_bootdev(struct board *b, const char *activator, int take_old)
{
	struct bl_state *st = b->st;
	struct mpf_record *recs;
	struct mpf_boot_board *mb;
	struct mpf_buf key = MPF_BUF_INIT, how = MPF_BUF_INIT;
	size_t n, i, self = 0;
	struct mpf_boot_cand *c = scan_locked(b, &recs, &n);
	int k;

	b->mb.take_old = take_old;
	mb = mpf_xcalloc(st->nflying + 1, sizeof(*mb));
	for (i = 0; i < st->nflying; i++) {
		mb[i] = st->flying[i]->mb;
		if (st->flying[i] == b)
			self = i;
	}
	k = mpf_boot_pick(mb, st->nflying, self, c, n, &how);
	if (k >= 0) {
		mpf_strlist_add(&st->claimed, bootdev_key(&recs[k], &key));
		set_target(b->rec, &recs[k], activator, how.buf);
	}
	pthread_mutex_unlock(&st->lock);
	free(mb);
	free(c);
	free_recs(recs, n);
	mpf_buf_release(&key);
	mpf_buf_release(&how);
	return k >= 0;
}

/* Is the board's port still there? A network port (rfc2217://) cannot be
 * stat()ed and connecting to check would take it from the activator: it
 * counts as present, and its activators tell a vanished board by the
 * server refusing the device (MPF_ERR_NODEV). */
static int exists(const char *path)
{
	struct stat st;

	return strstr(path, "://") || !stat(path, &st);
}

/* Is the board's port still there? When it is a local one, the matching
 * learns it was there at least until now (rule timing). */
static int port_there(struct board *b)
{
	int64_t t = mpf_now_ms();	/* before the look: the port was there after t */

	if (!exists(b->port))
		return 0;
	if (!strstr(b->port, "://")) {
		pthread_mutex_lock(&b->st->lock);
		b->mb.port_seen_ms = t;
		pthread_mutex_unlock(&b->st->lock);
	}
	return 1;
}

/* On a terminal, Enter ends a manual wait early. */
static int enter_pressed(int tty)
{
	struct pollfd p = { tty, POLLIN, 0 };
	char buf[64];

	return tty >= 0 && poll(&p, 1, 0) > 0 && read(tty, buf, sizeof(buf)) > 0;
}

/* The user's terminal, to read Enter from: /dev/tty when this process is
 * in its foreground (a background job reading it would be stopped), even
 * when stderr is a pipe, as under mpf-update's live table; else -1. */
static int user_tty(void)
{
	int fd = open("/dev/tty", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && tcgetpgrp(fd) != getpgrp()) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* After activator a: wait for the board's device. The activator has
 * --wait to show an effect (the port leaving, or the device appearing);
 * once the port is gone, the device has the rest of --timeout. */
static int wait_bootdev(struct board *b, const struct mpf_activator *a, int64_t end_all)
{
	int manual = !strcmp(a->name, "manual"), none = !strcmp(a->name, "none");
	int64_t end = manual || none ? end_all : mpf_now_ms() + (int64_t)(o_wait * 1000);
	int tty = manual ? user_tty() : -1;
	int found = 0, enter = 0;

	while (!mpf_interrupted) {
		if ((found = find_bootdev(b, a->name, none)) || enter)
			break;
		if (b->port && !b->port_gone && !port_there(b)) {
			b->port_gone = 1;	/* reset: from now on only the device counts */
			mpf_debug("%s: left its serial port", b->port);
			end = end_all;
		}
		if (mpf_now_ms() >= (end < end_all ? end : end_all))
			break;
		enter = enter_pressed(tty);
		mpf_sleep_ms(100);
	}
	if (tty >= 0)
		close(tty);
	return found;
}

static const char *kind_word(enum mpf_bootdev k)
{
	return k == MPF_BOOTDEV_UF2 ? "UF2 drive" : "DFU device";
}

static int try_activator(struct board *b, const char *name, int64_t end_all)
{
	const struct mpf_activator *a = mpf_activator_find(name);
	const char *mport = mpf_rec_str(b->rec, "port");
	int r;

	if (!a)
		return mpf_errf(&b->err, MPF_ERR_ARG, "unknown activator '%s' (touch1200, mpy, "
				"manual, none)", name);
	if (a->needs_port && (b->port_gone || !b->port)) {
		mpf_debug("%s: skipping %s: %s", b->port ? b->port : "board", name,
			  b->port ? "the port is gone" : "no serial port");
		return 0;
	}
	if (!strcmp(name, "manual")) {
		int tty = user_tty();

		mpf_info("%s: put the board in its bootloader: %s%s", b->port ? b->port : "board",
			 mpf_manual_instructions(mport), tty >= 0 ? " (Enter when done)" : "");
		if (tty >= 0)
			close(tty);
	}
	r = a->activate(b->port, &b->err);
	if (r == MPF_ERR_INTR)
		return r;
	if (r) {
		mpf_debug("%s: %s: %s", b->port, name, b->err.buf);
		mpf_buf_addf(&b->fails, "%s%s: %s", b->fails.len ? "; " : "", name, b->err.buf);
		return 0;
	}
	mpf_debug("%s: %s sent", b->port ? b->port : "board", name);
	return wait_bootdev(b, a, end_all) ? 1 : 0;
}

/* The activators to try: --using, the record's list, or the port's. */
static void activator_list(struct board *b, struct mpf_strlist *l)
{
	json_t *a = mpf_rec_get(b->rec, "bootloader"), *v;
	const char *const *d;
	size_t i;
	char *copy, *tok, *save;

	if (o_using) {
		copy = mpf_xstrdup(o_using);
		for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
			mpf_strlist_add(l, tok);
		free(copy);
	} else if (json_is_array(a)) {
		json_array_foreach(a, i, v)
			if (json_is_string(v))
				mpf_strlist_add(l, json_string_value(v));
	} else {
		for (d = mpf_port_activators(mpf_rec_str(b->rec, "port"),
					     mpf_rec_str(b->rec, "method")); *d; d++)
			mpf_strlist_add(l, *d);
	}
}

static const char *joined(const struct mpf_strlist *l, struct mpf_buf *out)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		mpf_buf_addf(out, "%s%s", i ? "," : "", l->v[i]);
	return mpf_buf_str(out);
}

static int enter(struct board *b)
{
	struct mpf_strlist list = { 0 };
	struct mpf_buf tried = MPF_BUF_INIT;
	int64_t end_all = mpf_now_ms() + mpf_timeout_ms();
	size_t i;
	int r = 0;

	activator_list(b, &list);
	snapshot(b);
	if (b->port && !port_there(b)) {
		/* gone before we asked: already in its bootloader, or unplugged */
		mpf_debug("%s: not there: waiting for its bootloader device", b->port);
		b->port_gone = 1;
		r = wait_bootdev(b, mpf_activator_find("none"), end_all);
	}
	/* Once the port is gone the board has reset: no other activator. */
	for (i = 0; i < list.n && r == 0 && !b->port_gone; i++)
		r = try_activator(b, list.v[i], end_all);
	for (; i < list.n && b->port_gone; i++)
		mpf_debug("%s: not trying %s: the port is gone", b->port, list.v[i]);
	if (r == 0 && b->port_gone)
		r = mpf_errf(&b->err, MPF_ERR_TIMEOUT, "the board left %s but no %s that fits it "
			     "appeared within %d s", b->port, kind_word(b->kind),
			     (mpf_timeout_ms() + 999) / 1000);
	else if (r == 0 && !list.n)
		r = mpf_errf(&b->err, MPF_ERR_ARG, "no activator to try");
	else if (r == 0)
		r = mpf_errf(&b->err, MPF_ERR_TIMEOUT, "no %s appeared after trying %s%s%s%s",
			     kind_word(b->kind), joined(&list, &tried), b->fails.len ? " (" : "",
			     mpf_buf_str(&b->fails), b->fails.len ? ")" : "");
	mpf_strlist_clear(&list);
	mpf_buf_release(&tried);
	return r < 0 ? r : 0;
}

static enum mpf_bootdev record_kind(const struct mpf_record *rec)
{
	if (o_kind)
		return !strcmp(o_kind, "dfu") ? MPF_BOOTDEV_DFU : MPF_BOOTDEV_UF2;
	return mpf_bootdev_for(mpf_rec_str(rec, "method"), mpf_rec_str(rec, "port"));
}

static int wants(const struct mpf_record *rec, void *ctx)
{
	const char *m = mpf_rec_str(rec, "method"), *p = mpf_rec_str(rec, "port");
	enum mpf_bootdev k = record_kind(rec);

	if (mpf_bootdev_for(m, NULL) == MPF_BOOTDEV_ESP_ROM ||
	    mpf_bootdev_for(NULL, p) == MPF_BOOTDEV_ESP_ROM)
		return 0;	/* mpf-esp resets ESP chips itself */
	if (!mpf_rec_get(rec, "bootloader") && !o_using && !bare_ports)
		return 0;
	return k == MPF_BOOTDEV_UF2 || k == MPF_BOOTDEV_DFU;
}

/* A UF2 drive record (mpf-scan found the board in its bootloader already)
 * is its own target. */
static int drive_record(struct mpf_record *rec)
{
	const char *kind = mpf_rec_str(rec, "kind"), *path = mpf_rec_str(rec, "path");
	struct mpf_uf2_info info;
	json_t *t;

	if (!kind || strcmp(kind, "uf2") || !path || mpf_uf2_read_info(path, &info))
		return 0;
	t = json_pack("{s:s,s:s}", "kind", "uf2", "path", path);
	if (info.board_id[0])
		json_object_set_new(t, "board_id", json_string(info.board_id));
	if (info.model[0])
		json_object_set_new(t, "model", json_string(info.model));
	json_object_set_new(t, "activator", json_string("none"));
	json_object_set_new(t, "matched", json_string("record"));
	mpf_rec_set(rec, "target", t);
	return 1;
}

/* So is a DFU device record (a board found in its DFU bootloader): no
 * activator to run, no BOOT0 to ask for. */
static int dfu_record(struct mpf_record *rec)
{
	const char *kind = mpf_rec_str(rec, "kind");

	if (!kind || strcmp(kind, "dfu") || !mpf_rec_get(rec, "bus") || !mpf_rec_get(rec, "address"))
		return 0;
	set_target(rec, rec, "none", "record");
	return 1;
}

/* A port that cannot be the board's fails at once, before any activator
 * or wait: a file, a directory, one we may not open, and a named port
 * (an operand) that is not there; only a record's port may be gone
 * already (the board went into its bootloader since the scan). */
static int port_usable(const char *port, struct mpf_buf *err)
{
	int r = mpf_serial_check(port, err);

	return r == MPF_ERR_NODEV && !bare_ports ? 0 : r;
}

/* The board as the matching sees it: its record, and when that has no
 * USB identity, its serial port's from sysfs (the drive it becomes sits
 * at the same USB port). */
static void evidence(struct board *b)
{
	char serial[128], loc[64];

	mpf_record_from(&b->ev, json_deep_copy(b->rec->obj));
	b->mb.rec = &b->ev;
	b->mb.kind = b->kind;
	if (mpf_board_has_identity(b->rec) || !b->port || strstr(b->port, "://") ||
	    !mpf_tty_usb_identity(getenv("MPF_TEST_SYSFS"), b->port, serial, sizeof(serial), loc,
				  sizeof(loc)))
		return;
	mpf_debug("%s: at USB port %s%s%s", b->port, loc, serial[0] ? ", serial number " : "", serial);
	if (serial[0])
		mpf_rec_set_str(&b->ev, "usb_serial", serial);
	mpf_rec_set_str(&b->ev, "location", loc);
}

static void apart(struct board *b, const struct board *o, const char *why)
{
	const char *name = o->port ? o->port : "a board without a port";

	if (!listed(&b->apart, name))
		mpf_strlist_add(&b->apart, name);
	if (!b->why.len)
		mpf_buf_addstr(&b->why, why);
}

static json_t *strlist_json(const struct mpf_strlist *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

/* Join the boards entering their bootloaders, once none of them could be
 * confused with this one. */
static void take_off(struct board *b)
{
	struct bl_state *st = b->st;
	struct mpf_buf why = MPF_BUF_INIT;
	size_t i;

	pthread_mutex_lock(&st->lock);
	for (;;) {
		for (i = 0; i < st->nflying; i++)
			if (mpf_boot_conflict(&b->mb, &st->flying[i]->mb, &why))
				break;
		if (i == st->nflying)
			break;
		mpf_debug("%s: waits for %s: %s", b->port ? b->port : "board",
			  st->flying[i]->port ? st->flying[i]->port : "a board", why.buf);
		apart(b, st->flying[i], why.buf);
		apart(st->flying[i], b, why.buf);
		pthread_cond_wait(&st->landed, &st->lock);
	}
	st->flying = mpf_xrealloc(st->flying, (st->nflying + 1) * sizeof(*st->flying));
	st->flying[st->nflying++] = b;
	pthread_mutex_unlock(&st->lock);
	mpf_buf_release(&why);
}

/* Leave them; the record says which boards it went apart from, and why. */
static void land(struct board *b)
{
	struct bl_state *st = b->st;
	size_t i;

	pthread_mutex_lock(&st->lock);
	for (i = 0; i < st->nflying && st->flying[i] != b; i++)
		;
	if (i < st->nflying)
		st->flying[i] = st->flying[--st->nflying];
	if (b->apart.n && mpf_rec_get(b->rec, "target"))
		json_object_set_new(mpf_rec_get(b->rec, "target"), "serialised",
				    json_pack("{s:o,s:s}", "with", strlist_json(&b->apart), "why",
					      b->why.buf));
	pthread_cond_broadcast(&st->landed);
	pthread_mutex_unlock(&st->lock);
}

static int run(struct mpf_record *rec, void *ctx)
{
	struct board b = { .rec = rec, .st = ctx, .err = MPF_BUF_INIT, .fails = MPF_BUF_INIT,
			   .why = MPF_BUF_INIT };
	int r;

	if (drive_record(rec) || dfu_record(rec))
		return 0;

	b.kind = record_kind(rec);
	b.port = mpf_rec_str(rec, "serial");
	if (b.port && (r = port_usable(b.port, &b.err)) < 0) {
		mpf_rec_set_error(rec, mpf_err_name(r), "%s", b.err.buf);
		mpf_buf_release(&b.err);
		return r;
	}
	evidence(&b);
	take_off(&b);
	r = enter(&b);
	land(&b);
	if (r)
		mpf_rec_set_error(rec, mpf_err_name(r), "%s", b.err.buf);
	else
		mpf_info("%s: %s %s", b.port ? b.port : "board", kind_word(b.kind),
			 mpf_rec_str(rec, "target.path") ? mpf_rec_str(rec, "target.path")
			 : mpf_rec_str(rec, "target.device") ? mpf_rec_str(rec, "target.device") : "found");
	mpf_record_release(&b.ev);
	mpf_strlist_clear(&b.apart);
	mpf_buf_release(&b.why);
	mpf_buf_release(&b.err);
	mpf_buf_release(&b.fails);
	return r;
}

static const char *target_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	if (mpf_rec_str(r, "target.path"))
		return mpf_rec_str(r, "target.path");
	if (mpf_rec_str(r, "target.device"))
		return mpf_rec_str(r, "target.device");
	if (!mpf_rec_get(r, "target.bus"))
		return NULL;
	mpf_buf_addf(out, "usb:%lld:%lld", mpf_rec_int(r, "target.bus", 0),
		     mpf_rec_int(r, "target.address", 0));
	return out->buf;
}

static const struct mpf_column columns[] = {
	{ "Port", "serial", NULL },
	{ "Board", "board_id", NULL },
	{ "Activator", "target.activator", NULL },
	{ "Target", NULL, target_cell },
	{ NULL, NULL, NULL },
};

/* --using names activators of the table, in the order to try them. */
static void check_using(void)
{
	struct mpf_buf names = MPF_BUF_INIT;
	const struct mpf_activator *a;
	char *copy, *tok, *save;

	if (!o_using)
		return;
	for (a = mpf_activators; a->name; a++)
		mpf_buf_addf(&names, "%s%s", names.len ? ", " : "", a->name);
	copy = mpf_xstrdup(o_using);
	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
		if (!mpf_activator_find(tok))
			mpf_usage_error("--using: no activator '%s' (%s)", tok, names.buf);
	free(copy);
	mpf_buf_release(&names);
}

static int bl_main(int argc, char **argv)
{
	struct bl_state st = { .claimed = { 0 } };
	struct mpf_filter f = { .wants = wants, .run = run, .ctx = &st, .columns = columns };
	struct mpf_record *recs;
	int i, r;

	pthread_mutex_init(&st.lock, NULL);
	pthread_cond_init(&st.landed, NULL);
	if (!argc && isatty(STDIN_FILENO))
		mpf_usage_error("give PORT, or records on stdin");
	if (!argc) {
		r = mpf_filter_fd(&f, STDIN_FILENO, "stdin");
	} else {
		recs = mpf_xcalloc((size_t)argc, sizeof(*recs));
		for (i = 0; i < argc; i++) {
			mpf_record_init(&recs[i]);
			mpf_rec_set_str(&recs[i], "kind", "serial");
			mpf_rec_set_str(&recs[i], "serial", argv[i]);
		}
		if (!o_kind)
			o_kind = "uf2";	/* a bare port says nothing: the common case */
		bare_ports = 1;		/* and gets the generic activators */
		r = mpf_filter_list(&f, recs, (size_t)argc);
		free(recs);
	}
	mpf_strlist_clear(&st.claimed);
	mpf_strlist_clear(&st.seen);
	free(st.seen_ms);
	free(st.flying);
	return r;
}

const struct mpf_applet bootloader_applet = {
	.name = "bootloader",
	.summary = "put boards into their bootloader and find the device each becomes",
	.usage = "mpf-bootloader [options] < records\n"
		 "mpf-bootloader [options] PORT...",
	.description =
		"mpf-bootloader asks each board to enter its bootloader and waits for the "
		"bootloader device it becomes: a UF2 drive (rp2, samd, nrf, mimxrt) or a USB DFU "
		"device (stm32). The device goes into the record's \"target\" "
		"({\"kind\":\"uf2\",\"path\":...} or {\"kind\":\"dfu\",\"bus\":...,\"address\":...}), "
		"ready for mpf-uf2 or mpf-dfu. Without an automounter the UF2 bootloader's block "
		"device, found under /sys/block by its SCSI vendor and model, is the target "
		"({\"kind\":\"uf2\",\"device\":\"/dev/sdb1\"}) and mpf-uf2 mounts it.\n"
		"\n"
		"The record's \"bootloader\" list (from mpf-pick) names the activators to try, in "
		"order: touch1200 opens the port at 1200 baud and drops DTR and RTS (pico-sdk "
		"and MicroPython's 1200-baud touch); mpy runs machine.bootloader() over the raw "
		"REPL; manual prints what to press for the board's port (BOOTSEL while plugging "
		"in, double-press RESET, ...) and waits, Enter ending the wait on a terminal; "
		"none only waits. Each activator has --wait seconds to show an effect. Once the "
		"port has vanished no further activator is tried on it: the device then has "
		"the rest of --timeout to appear.\n"
		"\n"
		"A UF2 drive is taken only if its INFO_UF2.TXT Board-ID fits the board's port "
		"(an RP2040 board never takes a SAMD drive); a DFU device only if it is the ST "
		"system bootloader (0483:df11) or carries the board's USB serial number.\n"
		"\n"
		"With -j, boards enter their bootloaders together and each device goes to the "
		"board the evidence names: the same USB serial number or USB location (a record "
		"without them is looked up by its serial port in sysfs before the board is "
		"asked); else the only board the device could be, every other board being ruled "
		"out by the drive's INFO_UF2.TXT Board-ID, by its own identity, or by timing (a "
		"device seen while a board's serial port was still there, or there before the "
		"board was asked, is not that board's). Only boards the evidence could not tell "
		"apart (two RP2040 boards without USB serial number or location) go one after "
		"the other. The target's \"matched\" says which evidence decided, and "
		"\"serialised\" which boards waited for each other and why.\n"
		"\n"
		"A board mpf-scan found already in its bootloader (a UF2 drive record, a DFU "
		"device record) is its own target: no activator runs.\n"
		"\n"
		"ESP boards pass through (mpf-esp resets them itself), as do records without a "
		"\"bootloader\" field unless --using is given.",
	.examples =
		"$ mpf-scan | mpf-info | mpf-pick --version 1.24.1 | mpf-fetch | mpf-bootloader | mpf-uf2\n"
		"Update every board; each one's bootloader drive is found on the way.\n"
		"\n"
		"$ mpf-bootloader --using touch1200 /dev/ttyACM0\n"
		"Reset one board into its UF2 bootloader with the 1200-baud touch.\n"
		"\n"
		"$ mpf-scan | mpf-info | mpf-pick --version 1.24.1 | mpf-fetch | mpf-bootloader -j 4 | mpf-uf2 -j 4\n"
		"Flash at most four boards at once.",
	.opts = bl_opts,
	.check = check_using,
	.flags = MPF_APPLET_FILTER,
	.default_jobs = MPF_JOBS_ALL,	/* boards a board's evidence cannot tell apart wait by themselves */
	.default_timeout = 30,
	.main = bl_main,
};
