/* fault.h - fault injection for tests (after SQLite's io_error_pending).
 *
 * MPF_FAULT="read:7" makes the 7th read through any transport fail, as if
 * the device had returned EIO; "open:1", "write:3", "usb:12" (libusb
 * control, bulk and interrupt transfers), "http:2" (the 2nd piece of a
 * response body: the connection drops there, and is retried as a real
 * drop would be), "fwrite:3" (the 3rd write of a file, a download's .part
 * or one written whole, fails with ENOSPC; a UF2 drive's, with EIO) and
 * "fshort:3" (the 3rd write(2) of a file takes one byte) likewise, several
 * separated by commas.
 * A test walks N = 1, 2, ... through a whole flash and checks that each
 * run ends in success or an honest error record, never ok after a failure.
 * Unset, it costs one branch per call.
 */
#ifndef MPF_FAULT_H
#define MPF_FAULT_H

/* 1 if this call of operation op ("open", "read", "write", "usb", "http")
 * is the one to fail. Thread-safe; counts every call. */
int mpf_fault(const char *op);

#endif
