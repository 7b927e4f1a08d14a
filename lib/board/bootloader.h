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
	int old;		/* there before the board was asked */
	int claimed;		/* another board already took it */
};

/* Which candidate is this board's bootloader device (pure), or -1. A candidate of the
 * wrong kind, claimed, or not fitting the board (a UF2 drive whose
 * Board-ID belongs to another chip; a DFU device that is neither the ST
 * system bootloader 0483:df11 nor carries the board's serial number) is
 * never taken. One matching by USB serial number or location is taken.
 * Otherwise, only when solo (no other board is entering its bootloader
 * now), the first new one, or an old one when take_old (activator none). */
int mpf_boot_pick(const struct mpf_record *board, enum mpf_bootdev kind,
		  const struct mpf_boot_cand *c, size_t n, int solo, int take_old);

#endif
