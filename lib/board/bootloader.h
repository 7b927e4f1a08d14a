/* bootloader.h - putting a board into its bootloader (doc/boards.md 5).
 *
 * Activators are a table: touch1200 (open at 1200 baud, drop DTR and RTS,
 * close: pico-sdk's stdio_usb and MicroPython's
 * MICROPY_HW_USB_CDC_1200BPS_TOUCH reset into the bootloader on it), mpy
 * (machine.bootloader() over the raw REPL), manual (a person presses the
 * buttons) and none (the board is there already). Which of the bootloader
 * devices present is this board's is decided here too, purely, from scan
 * records; which kind of device to wait for is the port table's (ports.h).
 */
#ifndef MPF_BOOTLOADER_H
#define MPF_BOOTLOADER_H

#include <stddef.h>
#include <stdint.h>

#include "ports.h"
#include "record.h"

struct mpf_buf;

struct mpf_activator {
	const char *name;
	const char *summary;
	int needs_port;		/* talks to the board's serial port */
	/* Ask the board on port to enter its bootloader. 0, or a negative
	 * mpf_err with err set. The port vanishing while we talk is success. */
	int (*activate)(const char *port, struct mpf_buf *err);
};

extern const struct mpf_activator mpf_activators[];	/* NULL-name terminated */
const struct mpf_activator *mpf_activator_find(const char *name);

/* Is rec for the flasher of method ("uf2", "dfu")? Its method says so,
 * or, without one, mpf-bootloader left the board at that kind of device:
 * that flasher must then flash it or fail it (no firmware), never pass it
 * on as if it were done. */
int mpf_bootloader_record_for(const struct mpf_record *rec, const char *method);

/* The 1200-baud touch activator itself, for tests. */
int mpf_touch1200(const char *port, struct mpf_buf *err);

/* A bootloader device seen by a scan (kind "uf2" with path, board_id,
 * model, and usb_serial/location where the OS tells them; kind "dfu"
 * with vid, pid, bus, address, usb_serial, location). */
struct mpf_boot_cand {
	const struct mpf_record *rec;
	int64_t seen_ms;	/* first seen by any board's scan */
	int claimed;		/* another board already took it */
};

/* A board entering its bootloader, as the matching sees it. */
struct mpf_boot_board {
	const struct mpf_record *rec;	/* port, and usb_serial/location: the
					 * record's, or its serial port's in sysfs */
	enum mpf_bootdev kind;
	int64_t asked_ms;		/* devices seen by then were there before */
	int64_t port_seen_ms;		/* its serial port last seen there; 0 unknown */
	int take_old;			/* activator none: a device there already may be it */
};

/* The evidence, in the order it is weighed (doc/boards.md section 5.1). */
enum mpf_boot_rule {
	MPF_BOOT_CLAIMED,	/* another board took it */
	MPF_BOOT_KIND,		/* a UF2 drive for a DFU board, or the reverse */
	MPF_BOOT_INFO,		/* INFO_UF2.TXT's Board-ID (or the DFU ids) rule the board out */
	MPF_BOOT_USB_SERIAL,	/* the same USB serial number: it; a different one: not it */
	MPF_BOOT_LOCATION,	/* the same USB port path: it; a different one: not it */
	MPF_BOOT_IDENTITY,	/* both have an identity and they do not meet */
	MPF_BOOT_OLD,		/* there before the board was asked */
	MPF_BOOT_TIMING,	/* seen while the board's serial port was still there */
	MPF_BOOT_NRULES
};
extern const char *const mpf_boot_rule_names[MPF_BOOT_NRULES];

/* Could c be board b's device (pure)? 1 surely (same USB serial or
 * location), -1 surely not, 0 nothing rules it out; *rule is the rule
 * that decided (MPF_BOOT_NRULES for 0). */
int mpf_boot_judge(const struct mpf_boot_board *b, const struct mpf_boot_cand *c, int *rule);

/* Which candidate is board self's, of the m boards entering their
 * bootloaders now (pure), or -1. One that is surely its is taken; else
 * one nothing rules out for it and the evidence rules out for every
 * other board, a fresh one before one there already. how gets the rules
 * that decided ("usb_serial", "location", "info,timing": what ruled the
 * other boards out; "alone": no other board was entering its bootloader). */
int mpf_boot_pick(const struct mpf_boot_board *b, size_t m, size_t self,
		  const struct mpf_boot_cand *c, size_t n, struct mpf_buf *how);

/* Must boards a and b enter their bootloaders one at a time (pure)?
 * Yes when the evidence could not tell their devices apart: the same kind
 * of device, families that overlap (an RP2040 board and a SAMD board's
 * drives differ by INFO_UF2.TXT), and not both with a USB serial number
 * or location. Returns 1 with why set, else 0. */
int mpf_boot_conflict(const struct mpf_boot_board *a, const struct mpf_boot_board *b,
		      struct mpf_buf *why);

#endif
