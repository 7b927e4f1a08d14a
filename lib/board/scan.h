/* scan.h - find boards: serial ports, USB DFU devices, mounted UF2 drives
 * and CMSIS-DAP probes, one record each (mpf(7), RECORDS). Used by
 * mpf-scan and by applets that scan for themselves when stdin is a terminal.
 */
#ifndef MPF_SCAN_H
#define MPF_SCAN_H

#include <stddef.h>

#include "opt.h"
#include "record.h"

enum {
	MPF_SCAN_SERIAL = 1 << 0,
	MPF_SCAN_DFU = 1 << 1,
	MPF_SCAN_UF2 = 1 << 2,
	MPF_SCAN_PROBE = 1 << 3,
	MPF_SCAN_ALL = 0xF,
};
/* The words of --kind, in bit order. */
#define MPF_SCAN_KINDS "serial,dfu,uf2,probe"

struct mpf_scan_opts {
	unsigned kinds;			/* MPF_SCAN_* bits; 0 = all */
	struct mpf_strlist serial;	/* globs: only ports matching; existing paths are added */
	struct mpf_strlist ignore;	/* globs of ports and drives to leave out */
	int bluetooth;			/* include Bluetooth serial ports */
	int all;			/* include ports with no USB identity (ttyS*) */
	const char *mountinfo;		/* NULL: /proc/self/mountinfo */
};

/* Scan and append one record per thing found to *recs (grown; n updated).
 * Serial ports come sorted by name, then DFU devices, UF2 drives, probes.
 * Problems with one device are logged and never fail the scan. */
int mpf_scan(const struct mpf_scan_opts *o, struct mpf_record **recs, size_t *n);

/* The record mpf-scan writes for one serial port, under the name given
 * (a by-id link, a pty): kind and serial, and the USB fields (vid, pid,
 * usb_serial, ..., location) when it is a USB port. r is initialised. */
void mpf_scan_port(const char *name, struct mpf_record *r);

struct mpf_usb_info;
/* Set a USB device's fields in a record as mpf-scan writes them: vid, pid
 * (4 hex digits), bus, address, and location, usb_serial, manufacturer,
 * product when known; access "denied" plus the udev hint when it is. */
void mpf_scan_usb_fields(struct mpf_record *r, const struct mpf_usb_info *u);

/* The identity the OS keeps for a block device's USB device ("/dev/sdb1"):
 * its serial number and location (port path "1-1.3"), from sysroot
 * (NULL: /sys)/class/block. Returns 1 when found. */
int mpf_blockdev_usb_identity(const char *sysroot, const char *dev, char *serial, size_t scap,
			      char *location, size_t lcap);

/* The same for a serial port ("/dev/ttyACM0", or a link to one), from
 * sysroot/class/tty: what tells its board's bootloader device when the
 * record carries no USB identity. Returns 1 when found. */
int mpf_tty_usb_identity(const char *sysroot, const char *port, char *serial, size_t scap,
			 char *location, size_t lcap);

/* The SCSI vendor and model a block device ("/dev/sdb1": a partition's
 * are its disk's) reports, from sysroot (NULL: /sys)/class/block. Returns
 * 1 when found. */
int mpf_blockdev_scsi_identity(const char *sysroot, const char *dev, char *vendor, size_t vcap,
			       char *model, size_t mcap);

#endif
