/* scan.c - enumerate serial ports (libserialport), USB DFU devices and
 * CMSIS-DAP and ST-LINK probes (libusb), and UF2 drives (the mount table). */
/* realpath() is XSI; glibc declares it under _DEFAULT_SOURCE. */
#define _DEFAULT_SOURCE
#include "scan.h"
#include "buf.h"
#include "err.h"
#include "fsutil.h"
#include "log.h"
#include "uf2drive.h"
#include "usb.h"

#include <ctype.h>
#include <fnmatch.h>
#include <glob.h>
#include <libserialport.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Order names the way people count: ttyACM2 before ttyACM10. */
static int mpf_natural_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			unsigned long x = strtoul(a, (char **)&a, 10);
			unsigned long y = strtoul(b, (char **)&b, 10);

			if (x != y)
				return x < y ? -1 : 1;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

/* 1 if path (or its base name) matches one of the ignore globs. */
static int mpf_scan_ignored(const struct mpf_strlist *ignore, const char *path)
{
	const char *base = strrchr(path, '/');

	return mpf_strlist_match(ignore, path) || (base && mpf_strlist_match(ignore, base + 1));
}

/* A USB interface directory name: "1-1.3:1.0". */
static int usb_interface_name(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t i;

	if (!colon || !isdigit((unsigned char)s[0]))
		return 0;
	for (i = 0; s + i < colon; i++)
		if (!isdigit((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
			return 0;
	return memchr(s, '-', (size_t)(colon - s)) != NULL;
}

/* "1-1.3" for a tty from sysfs (/sys/class/tty/NAME/device), "" if not USB. */
static void mpf_tty_location(const char *dev, char *out, size_t cap)
{
	char link[PATH_MAX], real[PATH_MAX];
	const char *base = strrchr(dev, '/'), *p, *end;

	out[0] = '\0';
	snprintf(link, sizeof(link), "/sys/class/tty/%s/device", base ? base + 1 : dev);
	if (!realpath(link, real))
		return;
	/* .../usb1/1-1/1-1.3/1-1.3:1.0[/ttyUSB0]: the interface names the port path */
	for (end = real + strlen(real); end > real; end = p) {
		for (p = end; p > real && p[-1] != '/'; p--)
			;
		if (usb_interface_name(p, (size_t)(end - p))) {
			size_t n = strcspn(p, ":");

			snprintf(out, cap, "%.*s", (int)n, p);
			return;
		}
		if (p > real)
			p--;
	}
}

static void set_nonempty(struct mpf_record *r, const char *key, const char *v)
{
	if (v && *v)
		mpf_rec_set_str(r, key, v);
}

static void set_hex4(struct mpf_record *r, const char *key, unsigned v)
{
	char s[8];

	snprintf(s, sizeof(s), "%04x", v & 0xFFFF);
	mpf_rec_set_str(r, key, s);
}

static struct mpf_record *add(struct mpf_record **recs, size_t *n, const char *kind)
{
	struct mpf_record *r;

	*recs = mpf_xrealloc(*recs, (*n + 1) * sizeof(**recs));
	r = &(*recs)[(*n)++];
	mpf_record_init(r);
	mpf_rec_set_str(r, "kind", kind);
	return r;
}

/* 1 if name is given literally (not as a glob) in --serial. */
static int named_literally(const struct mpf_scan_opts *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->serial.n; i++)
		if (!strpbrk(o->serial.v[i], "*?[") && !strcmp(o->serial.v[i], name))
			return 1;
	return 0;
}

/* Which enumerated ports are listed, as mpflash lists them (its
 * filtered_portinfos and the tests of it): a port --serial names is
 * listed whatever --ignore says; a port a --serial glob matches, or any
 * port when there is no --serial, unless an ignore glob matches it (so
 * --serial '/dev/ttyACM*' --ignore /dev/ttyACM3 leaves one out). With no
 * --serial, Linux ports with no USB identity are left out unless --all:
 * they are the 8250 UARTs a PC has (ttyS*, one the kernel console). */
static int wanted_serial(const struct mpf_scan_opts *o, const char *name, struct sp_port *p)
{
	if (named_literally(o, name))
		return 1;
	if (mpf_scan_ignored(&o->ignore, name))
		return 0;
	if (o->serial.n)
		return mpf_strlist_match(&o->serial, name);
#ifdef __linux__
	if (!o->all && sp_get_port_transport(p) != SP_TRANSPORT_USB)
		return 0;
#endif
	return 1;
}

static int is_bluetooth(struct sp_port *p)
{
	const char *name = sp_get_port_name(p), *desc = sp_get_port_description(p);

	return sp_get_port_transport(p) == SP_TRANSPORT_BLUETOOTH || strstr(name, "rfcomm") ||
	       (desc && (strstr(desc, "Bluetooth") || strstr(desc, "bluetooth")));
}

static void serial_fields(struct mpf_record *r, const char *name, struct sp_port *p)
{
	char loc[64];
	int vid, pid;

	mpf_rec_set_str(r, "serial", name);
	if (p && sp_get_port_transport(p) == SP_TRANSPORT_USB &&
	    sp_get_port_usb_vid_pid(p, &vid, &pid) == SP_OK) {
		set_hex4(r, "vid", (unsigned)vid);
		set_hex4(r, "pid", (unsigned)pid);
		set_nonempty(r, "usb_serial", sp_get_port_usb_serial(p));
		set_nonempty(r, "manufacturer", sp_get_port_usb_manufacturer(p));
		set_nonempty(r, "product", sp_get_port_usb_product(p));
	}
	mpf_tty_location(name, loc, sizeof(loc));
	set_nonempty(r, "location", loc);
}

static void add_serial(struct mpf_record **recs, size_t *n, const char *name, struct sp_port *p)
{
	serial_fields(add(recs, n, "serial"), name, p);
}

void mpf_scan_port(const char *name, struct mpf_record *r)
{
	struct sp_port *p = NULL;

	mpf_record_init(r);
	mpf_rec_set_str(r, "kind", "serial");
	if (strstr(name, "://") || sp_get_port_by_name(name, &p) != SP_OK)
		p = NULL;
	serial_fields(r, name, p);
	sp_free_port(p);
}

static int cmp_str(const void *a, const void *b)
{
	return mpf_natural_cmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_port(const void *a, const void *b)
{
	return mpf_natural_cmp(sp_get_port_name(*(struct sp_port *const *)a),
			       sp_get_port_name(*(struct sp_port *const *)b));
}

/* Ports named in --serial that exist (a pty, a socat link, a by-id path)
 * are included even when the OS enumeration does not list them; one
 * named literally whatever the ignore globs say: naming it asks for it. */
static void add_named(const struct mpf_scan_opts *o, struct mpf_strlist *seen)
{
	size_t i, j;
	glob_t g;
	struct stat st;

	for (i = 0; i < o->serial.n; i++) {
		/* A network port (rfc2217://, socket://) is taken as given:
		 * checking it would mean connecting, which belongs to mpf-info. */
		if (strstr(o->serial.v[i], "://")) {
			mpf_strlist_add(seen, o->serial.v[i]);
			continue;
		}
		if (glob(o->serial.v[i], GLOB_NOSORT, NULL, &g))
			continue;
		for (j = 0; j < g.gl_pathc; j++)
			if (!stat(g.gl_pathv[j], &st) && S_ISCHR(st.st_mode) &&
			    (named_literally(o, g.gl_pathv[j]) ||
			     !mpf_scan_ignored(&o->ignore, g.gl_pathv[j])))
				mpf_strlist_add(seen, g.gl_pathv[j]);
		globfree(&g);
	}
}

/* Same device under another name? (a by-id link to an enumerated port) */
static int same_device(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strstr(a, "://"))
		return 0;
	return !strcmp(a, b) || (!stat(a, &sa) && !stat(b, &sb) && sa.st_rdev == sb.st_rdev &&
				 S_ISCHR(sa.st_mode) && S_ISCHR(sb.st_mode));
}

static void scan_serial(const struct mpf_scan_opts *o, struct mpf_record **recs, size_t *n)
{
	struct sp_port **ports = NULL, **pp;
	struct mpf_strlist named = { 0 };
	struct sp_port **list = NULL;
	size_t nlist = 0, i, j;

	if (sp_list_ports(&ports) != SP_OK)
		mpf_debug("cannot list serial ports: %s", sp_last_error_message());
	for (pp = ports; pp && *pp; pp++) {
		const char *name = sp_get_port_name(*pp);

		if ((!o->bluetooth && is_bluetooth(*pp)) || !wanted_serial(o, name, *pp))
			continue;
		list = mpf_xrealloc(list, (nlist + 1) * sizeof(*list));
		list[nlist++] = *pp;
	}
	if (nlist)
		qsort(list, nlist, sizeof(*list), cmp_port);
	add_named(o, &named);
	for (i = 0; i < nlist; i++) {
		const char *name = sp_get_port_name(list[i]);

		/* A port named explicitly keeps the name the user gave it. */
		for (j = 0; j < named.n; j++)
			if (named.v[j][0] && same_device(named.v[j], name))
				break;
		add_serial(recs, n, j < named.n ? named.v[j] : name, list[i]);
		if (j < named.n)
			named.v[j][0] = '\0';
	}
	if (named.n)
		qsort(named.v, named.n, sizeof(*named.v), cmp_str);
	for (j = 0; j < named.n; j++)
		if (named.v[j][0] && (!j || strcmp(named.v[j], named.v[j - 1])))
			add_serial(recs, n, named.v[j], NULL);
	mpf_strlist_clear(&named);
	free(list);
	sp_free_port_list(ports);
}

void mpf_scan_usb_fields(struct mpf_record *r, const struct mpf_usb_info *u)
{
	set_hex4(r, "vid", u->vid);
	set_hex4(r, "pid", u->pid);
	mpf_rec_set_int(r, "bus", u->bus);
	mpf_rec_set_int(r, "address", u->address);
	set_nonempty(r, "location", u->location);
	set_nonempty(r, "usb_serial", u->serial);
	set_nonempty(r, "manufacturer", u->manufacturer);
	set_nonempty(r, "product", u->product);
	if (u->denied) {
		struct mpf_buf hint = MPF_BUF_INIT;

		mpf_usb_access_hint(u->vid, u->pid, &hint);
		mpf_rec_set_str(r, "access", "denied");
		mpf_rec_set_str(r, "hint", hint.buf);
		mpf_buf_release(&hint);
	}
}

/* DFU: interface class 0xFE subclass 1; alt settings carry the DfuSe
 * memory layout as their names. */
static int add_dfu(libusb_device *dev, const struct libusb_config_descriptor *cfg,
		   libusb_device_handle *h, const struct mpf_usb_info *u,
		   struct mpf_record **recs, size_t *n)
{
	json_t *alts = json_array();
	struct mpf_record *r;
	int i, a, found = 0;
	char name[256];

	for (i = 0; i < cfg->bNumInterfaces; i++)
		for (a = 0; a < cfg->interface[i].num_altsetting; a++) {
			const struct libusb_interface_descriptor *d = &cfg->interface[i].altsetting[a];

			if (d->bInterfaceClass != 0xFE || d->bInterfaceSubClass != 1)
				continue;
			found = 1;
			json_t *alt = json_pack("{s:i, s:i}", "interface", d->bInterfaceNumber,
						"alt", d->bAlternateSetting);

			/* a name we could not read (access denied) is absent, not "" */
			if (mpf_usb_string(h, d->iInterface, name, sizeof(name)) > 0 && name[0])
				json_object_set_new(alt, "name", json_string(name));
			json_array_append_new(alts, alt);
		}
	if (!found) {
		json_decref(alts);
		return 0;
	}
	r = add(recs, n, "dfu");
	mpf_scan_usb_fields(r, u);
	mpf_rec_set(r, "alts", alts);
	return 1;
}

/* CMSIS-DAP: v2 is a vendor interface named "CMSIS-DAP" with bulk
 * endpoints, v1 a HID interface of a device whose product says CMSIS-DAP. */
static int dap_version(const struct libusb_config_descriptor *cfg, libusb_device_handle *h,
		       const struct mpf_usb_info *u)
{
	char name[256];
	int i, v = 0;

	for (i = 0; i < cfg->bNumInterfaces; i++) {
		const struct libusb_interface_descriptor *d = &cfg->interface[i].altsetting[0];

		mpf_usb_string(h, d->iInterface, name, sizeof(name));
		if (d->bInterfaceClass == 0xFF && d->bNumEndpoints >= 2 && strstr(name, "CMSIS-DAP"))
			return 2;
		if (d->bInterfaceClass == 3 && (strstr(name, "CMSIS-DAP") ||
						strstr(u->product, "CMSIS-DAP")))
			v = 1;
	}
	return v;
}

static void add_probe(const struct mpf_usb_info *u, int version,
		      struct mpf_record **recs, size_t *n)
{
	struct mpf_record *r = add(recs, n, "probe");

	mpf_scan_usb_fields(r, u);
	if (version)
		mpf_rec_set_int(r, "dap_version", version);
	if (mpf_usb_stlink_version(u->vid, u->pid))
		mpf_rec_set_int(r, "stlink_version", mpf_usb_stlink_version(u->vid, u->pid));
}

/* DFU devices go to recs, probes to probes (listed after the UF2 drives). */
static void scan_usb(unsigned kinds, struct mpf_record **recs, size_t *n,
		     struct mpf_record **probes, size_t *nprobes)
{
	libusb_context *ctx = mpf_usb_ctx();
	libusb_device **devs;
	ssize_t cnt, i;

	if (!ctx)
		return;
	cnt = libusb_get_device_list(ctx, &devs);
	if (cnt < 0) {
		mpf_debug("cannot list USB devices: %s", libusb_strerror((int)cnt));
		return;
	}
	for (i = 0; i < cnt; i++) {
		struct libusb_config_descriptor *cfg;
		libusb_device_handle *h = NULL;
		struct mpf_usb_info u;
		int v;

		if (libusb_get_active_config_descriptor(devs[i], &cfg) < 0 &&
		    libusb_get_config_descriptor(devs[i], 0, &cfg) < 0)
			continue;
		mpf_usb_describe(devs[i], &h, &u);
		if (!((kinds & MPF_SCAN_DFU) && add_dfu(devs[i], cfg, h, &u, recs, n)) &&
		    (kinds & MPF_SCAN_PROBE)) {
			v = h ? dap_version(cfg, h, &u) : 0;
			if (v || mpf_usb_stlink_version(u.vid, u.pid) ||
			    (u.denied && mpf_usb_known_probe(u.vid, u.pid)))
				add_probe(&u, v, probes, nprobes);
		}
		if (h)
			libusb_close(h);
		libusb_free_config_descriptor(cfg);
	}
	libusb_free_device_list(devs, 1);
}

/* A DAPLink drive: what its DETAILS.TXT says (doc/protocols.md section 3.4). */
static void set_daplink(struct mpf_record *r, const struct mpf_daplink_details *d)
{
	set_nonempty(r, "board_id", d->board_id);
	set_nonempty(r, "family_id", d->family_id);
	set_nonempty(r, "unique_id", d->unique_id);
	set_nonempty(r, "hic_id", d->hic_id);
	set_nonempty(r, "daplink_mode", d->mode);
	set_nonempty(r, "daplink_version", d->version);
	if (mpf_daplink_maintenance(d))
		set_nonempty(r, "daplink_bootloader", d->bl_version);
}

static void scan_uf2(const struct mpf_scan_opts *o, struct mpf_record **recs, size_t *n)
{
	struct mpf_uf2_drive *d;
	size_t nd, i;

	if (mpf_drives_find(o->mountinfo, &d, &nd) < 0) {
		mpf_debug("cannot read the mount table");
		return;
	}
	for (i = 0; i < nd; i++) {
		struct mpf_record *r;

		if (mpf_scan_ignored(&o->ignore, d[i].path))
			continue;
		r = add(recs, n, d[i].daplink ? "daplink" : "uf2");
		mpf_rec_set_str(r, "path", d[i].path);
		if (d[i].device[0] == '/')	/* a block device, not a FUSE tag */
			mpf_rec_set_str(r, "device", d[i].device);
		if (d[i].daplink) {
			set_daplink(r, &d[i].details);
			continue;
		}
		set_nonempty(r, "model", d[i].info.model);
		set_nonempty(r, "board_id", d[i].info.board_id);
		/* not "bootloader": that field is the list of activators (mpf(7), RECORDS) */
		set_nonempty(r, "uf2_bootloader", d[i].info.bootloader);
	}
	mpf_uf2_drives_free(d, nd);
}

int mpf_scan(const struct mpf_scan_opts *o, struct mpf_record **recs, size_t *n)
{
	unsigned kinds = o->kinds ? o->kinds : MPF_SCAN_ALL;
	struct mpf_record *probes = NULL;
	size_t nprobes = 0;

	if (kinds & MPF_SCAN_SERIAL)
		scan_serial(o, recs, n);
	if (kinds & (MPF_SCAN_DFU | MPF_SCAN_PROBE))
		scan_usb(kinds, recs, n, &probes, &nprobes);
	if (kinds & MPF_SCAN_UF2)
		scan_uf2(o, recs, n);
	if (nprobes) {
		*recs = mpf_xrealloc(*recs, (*n + nprobes) * sizeof(**recs));
		memcpy(*recs + *n, probes, nprobes * sizeof(*probes));
		*n += nprobes;
	}
	free(probes);
	return 0;
}

static int read_attr(const char *dir, const char *name, char *out, size_t cap)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return mpf_read_line(path, out, cap);
}

/* The USB device above sysroot/class/CLS/NAME: its serial number and
 * location. dev may be a link (/dev/serial/by-id/..., a pty's): the
 * device it names is looked up. */
static int usb_identity(const char *sysroot, const char *cls, const char *dev, char *serial,
			size_t scap, char *location, size_t lcap)
{
	char link[2 * PATH_MAX], real[PATH_MAX], busnum[16];
	const char *base;
	char *p;

	serial[0] = location[0] = '\0';
	if (realpath(dev, real))
		dev = real;
	base = strrchr(dev, '/');
	snprintf(link, sizeof(link), "%s/class/%s/%s", sysroot ? sysroot : "/sys", cls,
		 base ? base + 1 : dev);
	if (!realpath(link, real))
		return 0;
	/* .../usb1/1-1/1-1.3/1-1.3:1.0/host2/.../block/sdb/sdb1: the USB
	 * device is the nearest ancestor with a busnum file. */
	while ((p = strrchr(real, '/')) && p > real) {
		*p = '\0';
		if (read_attr(real, "busnum", busnum, sizeof(busnum))) {
			read_attr(real, "serial", serial, scap);
			snprintf(location, lcap, "%s", strrchr(real, '/') + 1);
			return 1;
		}
	}
	return 0;
}

int mpf_blockdev_usb_identity(const char *sysroot, const char *dev, char *serial, size_t scap,
			      char *location, size_t lcap)
{
	return usb_identity(sysroot, "block", dev, serial, scap, location, lcap);
}

int mpf_tty_usb_identity(const char *sysroot, const char *port, char *serial, size_t scap,
			 char *location, size_t lcap)
{
	return usb_identity(sysroot, "tty", port, serial, scap, location, lcap);
}

int mpf_blockdev_scsi_identity(const char *sysroot, const char *dev, char *vendor, size_t vcap,
			       char *model, size_t mcap)
{
	static const char *const up[] = { "", "/.." };
	const char *base = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	char dir[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/class/block/%s%s/device", sysroot ? sysroot : "/sys",
			 base, up[i]);
		if (read_attr(dir, "vendor", vendor, vcap)) {
			if (!read_attr(dir, "model", model, mcap))
				model[0] = '\0';
			return 1;
		}
	}
	return 0;
}
