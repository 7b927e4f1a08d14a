/* scan.c - mpf-scan: list serial ports, USB DFU devices, mounted UF2 drives
 * and CMSIS-DAP and ST-LINK probes, one JSON record each (mpf(7), RECORDS). */
#include "applet.h"
#include "buf.h"
#include "err.h"
#include "exitcode.h"
#include "filter.h"
#include "log.h"
#include "scan.h"
#include "transport.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct mpf_strlist o_serial, o_ignore;
static unsigned o_kind;
static const char *o_ports_from;
static int o_bluetooth, o_all;

static const struct mpf_opt scan_opts[] = {
	OPT_LIST_HINT('s', "serial", &o_serial, "GLOB", "@serial",
		      "only serial ports matching GLOB; existing paths are added even if not enumerated"),
	OPT_LIST_HINT('i', "ignore", &o_ignore, "GLOB", "@serial",
		      "leave out ports and drives matching GLOB (adds to MPF_IGNORE)"),
	OPT_SET('k', "kind", &o_kind, "KINDS", MPF_SCAN_KINDS, "only look for these kinds"),
	OPT_FILE(0, "ports-from", &o_ports_from, "FILE",
		 "add the ports or globs listed in FILE, one per line (# comments)"),
	OPT_BOOL(0, "bluetooth", &o_bluetooth, "include Bluetooth serial ports"),
	OPT_BOOL(0, "all", &o_all,
		 "include serial ports with no USB identity (ttyS*, the console) on Linux"),
	OPT_END(),
};

static const char *port_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	const char *s = mpf_rec_str(r, "serial");

	if (!s)
		s = mpf_rec_str(r, "path");
	if (!s && mpf_rec_get(r, "bus")) {
		mpf_buf_addf(out, "usb:%lld:%lld", mpf_rec_int(r, "bus", 0), mpf_rec_int(r, "address", 0));
		s = out->buf;
	}
	return s;
}

static const char *id_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	if (!mpf_rec_str(r, "vid"))
		return NULL;
	mpf_buf_addf(out, "%s:%s", mpf_rec_str(r, "vid"), mpf_rec_str(r, "pid"));
	return out->buf;
}

static const char *desc_cell(const struct mpf_record *r, struct mpf_buf *out)
{
	static const char *const keys[] = { "product", "model", "manufacturer", "access", NULL };
	int i;

	for (i = 0; keys[i]; i++)
		if (mpf_rec_str(r, keys[i]))
			return mpf_rec_str(r, keys[i]);
	return NULL;
}

static const struct mpf_column columns[] = {
	{ "Kind", "kind", NULL },
	{ "Port", NULL, port_cell },
	{ "VID:PID", NULL, id_cell },
	{ "USB serial", "usb_serial", NULL },
	{ "Location", "location", NULL },
	{ "Description", NULL, desc_cell },
	{ NULL, NULL, NULL },
};

/* A lab's port list: one name or glob per line; blank lines and # comments
 * are skipped. */
static int read_ports(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f) {
		mpf_error("cannot read '%s': %s", path, strerror(errno));
		return MPF_EXIT_NOINPUT;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		char *p = line + strspn(line, " \t"), *e = p + strcspn(p, "#\r\n");

		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		*e = '\0';
		if (*p)
			mpf_strlist_add(&o_serial, p);
	}
	free(line);
	fclose(f);
	return 0;
}

/* A port named exactly (no glob) that is not there, or no port, is not
 * silently left out of the list (one we may not open is listed). */
static void warn_missing(const struct mpf_strlist *names)
{
	struct mpf_buf err = MPF_BUF_INIT;
	size_t i;
	int r;

	for (i = 0; i < names->n; i++)
		if (!strpbrk(names->v[i], "*?[") &&
		    (r = mpf_serial_check(names->v[i], &err)) < 0 && r != MPF_ERR_PERM)
			mpf_warn("%s", err.buf);
	mpf_buf_release(&err);
}

static int scan_main(int argc, char **argv)
{
	struct mpf_filter f = { .columns = columns };
	struct mpf_scan_opts so = { .kinds = o_kind, .bluetooth = o_bluetooth, .all = o_all };
	struct mpf_record *recs = NULL;
	size_t n = 0;
	int i, r;

	for (i = 0; i < argc; i++)
		mpf_strlist_add(&o_serial, argv[i]);
	if (o_ports_from && (r = read_ports(o_ports_from)))
		return r;
	warn_missing(&o_serial);
	mpf_strlist_split(&o_ignore, getenv("MPF_IGNORE"));
	so.serial = o_serial;
	so.ignore = o_ignore;
	mpf_scan(&so, &recs, &n);
	mpf_debug("found %zu", n);
	r = mpf_filter_list(&f, recs, n);
	free(recs);
	mpf_strlist_clear(&o_serial);
	mpf_strlist_clear(&o_ignore);
	return r;
}

const struct mpf_applet scan_applet = {
	.name = "scan",
	.summary = "list serial ports, USB DFU devices, UF2 drives and debug probes",
	.usage = "mpf-scan [options] [PORT...]",
	.description =
		"mpf-scan looks for everything a MicroPython board can show up as and "
		"writes one record per thing found: serial ports (kind serial, with the "
		"USB vid, pid, usb_serial, manufacturer, product and location of USB ports), "
		"USB DFU devices (kind dfu, with each alternate setting's name, the DfuSe "
		"memory layout), mounted UF2 bootloader drives (kind uf2, with the model and "
		"board_id of INFO_UF2.TXT), mounted DAPLink drives (kind daplink: a micro:bit's "
		"MICROBIT, an evaluation kit's DAPLINK; known by DETAILS.TXT, with its "
		"unique_id, board_id, hic_id, daplink_mode and daplink_version) and debug "
		"probes (kind probe: CMSIS-DAP with dap_version 1 for HID or 2 for bulk, "
		"ST-LINK with stlink_version 2 for V2 and V2-1 or 3 for V3).\n"
		"\n"
		"Ports named with --serial or as arguments are included when they exist, even "
		"if the system does not enumerate them (a pty, a socat link, a "
		"/dev/serial/by-id path); a port named literally is listed even if an --ignore "
		"glob or MPF_IGNORE matches it, as mpflash does, while the ports a --serial "
		"glob expands to are still subject to --ignore. Bluetooth serial ports are left "
		"out unless --bluetooth is given, and on Linux so are the ports with no USB "
		"identity (the ttyS UARTs of a PC, the console) unless --all is given or they "
		"are named. A USB device mpf may not open is still listed, "
		"with \"access\": \"denied\" and a hint naming the udev rule to install. A "
		"machine with no USB bus is not an error.\n"
		"\n"
		"Records go to stdout as JSON Lines, or as a table on a terminal; pipe them "
		"into mpf-info to identify the boards.",
	.examples =
		"$ mpf-scan\n"
		"List everything attached, as a table.\n"
		"\n"
		"$ mpf-scan --kind serial --ignore '/dev/ttyS*' | mpf-info\n"
		"Identify the MicroPython boards on every serial port but the ttyS ones.\n"
		"\n"
		"$ mpf-scan --serial /dev/pts/3 -o jsonl\n"
		"Include a pseudo-terminal that no enumeration lists.\n"
		"\n"
		"$ mpf-scan --ports-from lab.txt | mpf-info -j 16\n"
		"Identify every board a lab exports with ser2net (lab.txt lists "
		"rfc2217://host:port lines).",
	.opts = scan_opts,
	.main = scan_main,
};
