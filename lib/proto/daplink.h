/* daplink.h - DAPLink drives: the text files a DAPLink probe's drive shows
 * (doc/protocols.md section 3.4). A DAPLink drive (MICROBIT, DAPLINK; in
 * its own bootloader MAINTENANCE) is known by DETAILS.TXT:
 *   # DAPLink Firmware - see https://daplink.io
 *   Unique ID: 9904360251974e450017900d0000004d0000000097969901
 *   HIC ID: 9796990b
 *   Daplink Mode: Interface
 *   Interface Version: 0255
 *   Remount count: 0
 * A copy that failed leaves FAIL.TXT ("error: ...", "type: ...").
 */
#ifndef MPF_DAPLINK_H
#define MPF_DAPLINK_H

#include <stddef.h>

struct mpf_daplink_details {
	char unique_id[64];	/* "Unique ID:" */
	char board_id[8];	/* its first 4 hex digits: the board */
	char family_id[8];	/* its next 4: the target family */
	char hic_id[16];	/* "HIC ID:": the interface chip */
	char mode[16];		/* "Daplink Mode:": "Interface" or "Bootloader" */
	char version[16];	/* "Interface Version:" ("Version:" before 0241) */
	char bl_version[16];	/* "Bootloader Version:" */
	long remounts;		/* "Remount count:", -1 when not shown */
};

/* Parse the text of DETAILS.TXT (pure; CRLF or LF; unknown keys ignored).
 * Returns 0, or MPF_ERR_FORMAT when it has no Unique ID. */
int mpf_daplink_details_parse(const char *text, size_t len, struct mpf_daplink_details *d);

/* 1 when the drive is DAPLink's own bootloader (MAINTENANCE): a file
 * copied there replaces the probe's firmware, not the target's. */
int mpf_daplink_maintenance(const struct mpf_daplink_details *d);

/* The message of FAIL.TXT's "error:" line (its first line when there is
 * none), trimmed, into msg (pure). */
void mpf_daplink_fail_message(const char *text, size_t len, char *msg, size_t cap);

#endif
