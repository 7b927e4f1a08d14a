/* reappear.h - recognising a board across its bootloader round trip, and
 * the step every flash applet ends with: the board reappearing as a
 * serial port.
 *
 * A board entering its bootloader leaves its serial port and comes back
 * as something else (a UF2 drive, a DFU device); after flashing it comes
 * back as a serial port, possibly under another name. What survives the
 * trip is the USB serial number (RP2040/RP2350 boot ROMs and MicroPython
 * both use the flash's unique ID; STM32 DFU the chip's UID) and the USB
 * location (the hub port path, "1-1.3"). Used by mpf-bootloader and the
 * flashing applets.
 */
#ifndef MPF_REAPPEAR_H
#define MPF_REAPPEAR_H

#include "record.h"

struct mpf_buf;

/* How surely the scanned record cand (a serial port, drive or DFU device)
 * is the board rec (pure): 3 the same usb_serial; 2 the same location and
 * no usb_serial to contradict it; 1 the same serial path when neither has
 * a USB identity; 0 not it (or nothing to tell). */
int mpf_board_match(const struct mpf_record *cand, const struct mpf_record *board);

/* 1 if the board has an identity that survives re-enumeration. */
int mpf_board_has_identity(const struct mpf_record *board);

/* Wait up to timeout_ms for the board of rec to show up as a serial port
 * again; *port (malloc'ed) is its path. Returns 0, MPF_ERR_TIMEOUT,
 * MPF_ERR_INTR, or MPF_ERR_ARG when rec says nothing to recognise it by. */
int mpf_board_wait_serial(const struct mpf_record *rec, int timeout_ms, char **port,
			  struct mpf_buf *err);

/* The step after a flash that restarts the board (mpf(7), AFTER
 * FLASHING): wait up to timeout_ms for the board of rec to reappear as a
 * serial port, recognised as mpf_board_match() says; dev_serial (the
 * bootloader device's USB serial number, or NULL) stands in for a record
 * without one. Back: the record's serial is the port it is on now. Not
 * back, or interrupted while waiting: the record gets a warning ({applet,
 * code, message}, as an error), never an error, since the flash itself
 * succeeded. A record with nothing to recognise the board by is left as
 * it is. */
void mpf_board_reappear(struct mpf_record *rec, const char *dev_serial, int timeout_ms);

/* A write that stopped part way (a signal, a write error): the board holds
 * neither its old firmware nor the new one, and may not boot until it is
 * flashed again. The record drops the version it carried ("version",
 * "build" go to "previous") and "flashed" says {"ok": false, "complete":
 * false}, so no table shows a version the board does not run. */
void mpf_flash_incomplete(struct mpf_record *rec, const char *method);

#endif
