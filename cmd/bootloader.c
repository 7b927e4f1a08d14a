/* bootloader.c - mpf-bootloader: put boards into their bootloader and find
 * the bootloader device each one becomes. Sources: MicroPython's
 * machine.bootloader() documentation, the 1200-baud touch of the Arduino
 * CDC bootloaders, Microsoft's UF2 README (INFO_UF2.TXT); our summary is
 * doc/boards.md section 5 and doc/protocols.md section 3.3.
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

/* Shared by the parallel jobs. Boards the OS can tell apart (USB serial
 * number, location) enter their bootloaders together and each takes the
 * device with its identity; a board without one runs alone, so the one
 * new device that appears is its own. */
struct bl_state {
	pthread_rwlock_t solo;
	pthread_mutex_t lock;
	struct mpf_strlist claimed;	/* bootloader device keys taken */
};

static const char *bootdev_key(const struct mpf_record *c, struct mpf_buf *b)
{
	mpf_buf_reset(b);
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
	enum mpf_bootdev kind;
	const char *port;		/* serial path, or NULL */
	int solo, port_gone;
	struct mpf_strlist before;	/* device keys there before we asked */
	struct mpf_buf err;
	struct mpf_buf fails;		/* "mpy: ...; touch1200: ..." */
};

static void snapshot(struct board *b)
{
	struct mpf_record *recs;
	struct mpf_buf key = MPF_BUF_INIT;
	size_t n, i;

	scan_bootdevs(b->kind, &recs, &n);
	for (i = 0; i < n; i++)
		mpf_strlist_add(&b->before, bootdev_key(&recs[i], &key));
	free_recs(recs, n);
	mpf_buf_release(&key);
}

static int listed(const struct mpf_strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

/* The device record c goes into rec's target field. */
static void set_target(struct mpf_record *rec, const struct mpf_record *c, const char *activator)
{
	static const char *const keep[] = { "kind", "path", "board_id", "model", "device", "vid",
					    "pid", "bus", "address", "usb_serial", "location", NULL };
	json_t *t = json_object();
	int i;

	for (i = 0; keep[i]; i++)
		if (mpf_rec_get(c, keep[i]))
			json_object_set(t, keep[i], mpf_rec_get(c, keep[i]));
	json_object_set_new(t, "activator", json_string(activator));
	mpf_rec_set(rec, "target", t);
}

/* Look once for this board's bootloader device; claim and record it. */
static int find_bootdev(struct board *b, const char *activator, int take_old)
{
	struct mpf_record *recs;
	struct mpf_boot_cand *c;
	struct mpf_buf key = MPF_BUF_INIT;
	size_t n, i;
	int k;

	scan_bootdevs(b->kind, &recs, &n);
	c = mpf_xcalloc(n + 1, sizeof(*c));
	pthread_mutex_lock(&b->st->lock);
	for (i = 0; i < n; i++) {
		c[i].rec = &recs[i];
		c[i].old = listed(&b->before, bootdev_key(&recs[i], &key));
		c[i].claimed = listed(&b->st->claimed, key.buf);
	}
	k = mpf_boot_pick(b->rec, b->kind, c, n, b->solo, take_old);
	if (k >= 0) {
		mpf_strlist_add(&b->st->claimed, bootdev_key(&recs[k], &key));
		set_target(b->rec, &recs[k], activator);
	}
	pthread_mutex_unlock(&b->st->lock);
	free(c);
	free_recs(recs, n);
	mpf_buf_release(&key);
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

/* On a terminal, Enter ends a manual wait early. */
static int enter_pressed(int tty)
{
	struct pollfd p = { tty, POLLIN, 0 };
	char buf[64];

	return tty >= 0 && poll(&p, 1, 0) > 0 && read(tty, buf, sizeof(buf)) > 0;
}

/* After activator a: wait for the board's device. The activator has
 * --wait to show an effect (the port leaving, or the device appearing);
 * once the port is gone, the device has the rest of --timeout. */
static int wait_bootdev(struct board *b, const struct mpf_activator *a, int64_t end_all)
{
	int manual = !strcmp(a->name, "manual"), none = !strcmp(a->name, "none");
	int64_t end = manual || none ? end_all : mpf_now_ms() + (int64_t)(o_wait * 1000);
	int tty = manual && isatty(STDERR_FILENO) ? open("/dev/tty", O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
	int found = 0, enter = 0;

	while (!mpf_interrupted) {
		if ((found = find_bootdev(b, a->name, none)) || enter)
			break;
		if (b->port && !b->port_gone && !exists(b->port)) {
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
	if (!strcmp(name, "manual"))
		mpf_info("%s: put the board in its bootloader: %s%s", b->port ? b->port : "board",
			 mpf_manual_instructions(mport),
			 isatty(STDERR_FILENO) ? " (Enter when done)" : "");
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
	if (b->port && !exists(b->port)) {
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
	set_target(rec, rec, "none");
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

static int run(struct mpf_record *rec, void *ctx)
{
	struct board b = { .rec = rec, .st = ctx, .err = MPF_BUF_INIT, .fails = MPF_BUF_INIT };
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
	/* Without an identity, a board can only tell its device by being
	 * the only one asked: take the lock alone. */
	b.solo = !mpf_board_has_identity(rec) || mpf.jobs <= 1;
	if (b.solo)
		pthread_rwlock_wrlock(&b.st->solo);
	else
		pthread_rwlock_rdlock(&b.st->solo);
	r = enter(&b);
	pthread_rwlock_unlock(&b.st->solo);
	if (r)
		mpf_rec_set_error(rec, mpf_err_name(r), "%s", b.err.buf);
	else
		mpf_info("%s: %s %s", b.port ? b.port : "board", kind_word(b.kind),
			 mpf_rec_str(rec, "target.path") ? mpf_rec_str(rec, "target.path")
			 : mpf_rec_str(rec, "target.device") ? mpf_rec_str(rec, "target.device") : "found");
	mpf_strlist_clear(&b.before);
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

	pthread_rwlock_init(&st.solo, NULL);
	pthread_mutex_init(&st.lock, NULL);
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
		"system bootloader (0483:df11) or carries the board's USB serial number. With "
		"-j, boards the OS tells apart by USB serial number or location enter their "
		"bootloaders together and each takes the device with its own identity; boards "
		"without one go one at a time.\n"
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
		"Flash four boards at once.",
	.opts = bl_opts,
	.check = check_using,
	.flags = MPF_APPLET_FILTER,
	.default_timeout = 30,
	.main = bl_main,
};
