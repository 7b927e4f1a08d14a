/* target.h - recognising a board across its bootloader round trip.
 *
 * A board entering its bootloader leaves its serial port and comes back
 * as something else (a UF2 drive, a DFU device); after flashing it comes
 * back as a serial port, possibly under another name. What survives the
 * trip is the USB serial number (RP2040/RP2350 boot ROMs and MicroPython
 * both use the flash's unique ID; STM32 DFU the chip's UID) and the USB
 * location (the hub port path, "1-1.3"). Used by mpf-bootloader and the
 * flashing applets.
 */
#ifndef MPF_TARGET_H
#define MPF_TARGET_H

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
int mpf_wait_serial(const struct mpf_record *rec, int timeout_ms, char **port,
		    struct mpf_buf *err);

/* Wait up to timeout_ms for path to disappear (a board leaving its serial
 * port as it resets). Returns 0, MPF_ERR_TIMEOUT or MPF_ERR_INTR. */
int mpf_wait_path_gone(const char *path, int timeout_ms);

#endif
