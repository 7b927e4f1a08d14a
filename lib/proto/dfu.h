/* dfu.h - USB DFU 1.1: requests, states, status codes, the GETSTATUS poll,
 * device workarounds, and the standard (non-DfuSe) download.
 *
 * Facts: the USB DFU 1.1 specification, sections 3, 4 and 6, as dfu-util
 * and pydfu apply it (doc/protocols.md 2.1). The protocol code never
 * touches USB: it talks through struct
 * mpf_dfu_io (a control transfer, a sleep and a clock), which lib/transport/usb
 * provides for real devices and unit tests provide as recorded exchanges.
 */
#ifndef MPF_DFU_H
#define MPF_DFU_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum mpf_dfu_request {
	MPF_DFU_DETACH = 0, MPF_DFU_DNLOAD = 1, MPF_DFU_UPLOAD = 2, MPF_DFU_GETSTATUS = 3,
	MPF_DFU_CLRSTATUS = 4, MPF_DFU_GETSTATE = 5, MPF_DFU_ABORT = 6,
};

enum mpf_dfu_state {
	MPF_DFU_APP_IDLE = 0, MPF_DFU_APP_DETACH = 1, MPF_DFU_IDLE = 2,
	MPF_DFU_DNLOAD_SYNC = 3, MPF_DFU_DNBUSY = 4, MPF_DFU_DNLOAD_IDLE = 5,
	MPF_DFU_MANIFEST_SYNC = 6, MPF_DFU_MANIFEST = 7, MPF_DFU_MANIFEST_WAIT_RESET = 8,
	MPF_DFU_UPLOAD_IDLE = 9, MPF_DFU_ERROR = 10,
};

/* bStatus 0..15: OK, errTARGET, ..., errSTALLEDPKT. */
#define MPF_DFU_STATUS_OK 0

/* "dfuDNBUSY"; "state 42" for unknown values (static or in buf). */
const char *mpf_dfu_state_name(int state);
/* "errVERIFY (programmed memory failed verification)". */
const char *mpf_dfu_status_name(int status);

struct mpf_dfu_status {
	uint8_t status;
	uint32_t poll_ms;	/* bwPollTimeout, 24 bits */
	uint8_t state;
	uint8_t istring;
};

/* Decode a GETSTATUS reply. MPF_ERR_PROTO when len != 6. */
int mpf_dfu_status_parse(const uint8_t *buf, size_t len, struct mpf_dfu_status *st);

/* The DFU functional descriptor (type 0x21), DFU 1.1 section 4.1.3. */
struct mpf_dfu_func {
	uint8_t attributes;	/* bit0 CanDnload, bit1 CanUpload, bit2 ManifestationTolerant, bit3 WillDetach */
	uint16_t detach_ms;
	uint16_t transfer_size;
	uint16_t version;	/* 0x0110 DFU 1.1, 0x011a DfuSe */
};
#define MPF_DFU_CAN_DNLOAD 0x01
#define MPF_DFU_CAN_UPLOAD 0x02
#define MPF_DFU_MANIFEST_TOLERANT 0x04
#define MPF_DFU_WILL_DETACH 0x08
#define MPF_DFU_VERSION_DFUSE 0x011a

/* Find the functional descriptor among the class descriptors that follow
 * an interface (libusb's "extra"). 1 found, 0 not there, MPF_ERR_PROTO if
 * one is there but too short (a 7-byte DFU 1.0 one gets version 0x0100). */
int mpf_dfu_func_parse(const uint8_t *extra, size_t len, struct mpf_dfu_func *f);

/* Device workarounds, a table keyed by vid:pid and a bcdDevice range. */
enum {
	/* Reports a 100 ms poll timeout for a mass erase that takes up to
	 * 32 s (STM32F405 ROM, dfu-util dfuse.c): wait up to mass_erase_ms. */
	MPF_DFU_QUIRK_MASS_ERASE_POLL = 1 << 0,
	/* Stalls a GETSTATUS sent before the operation ends, having
	 * reported a too short poll timeout (some STM32L4 ROMs): retry up to
	 * 3 times after the previous poll timeout. */
	MPF_DFU_QUIRK_EARLY_STALL = 1 << 1,
	/* Send a Set Address before every data block instead of relying on
	 * the block-number address rule (what pydfu and dfu-util always do;
	 * for a device that does not implement the rule). */
	MPF_DFU_QUIRK_SETADDR_EACH = 1 << 2,
	/* May leave without answering the GETSTATUS after the leave request. */
	MPF_DFU_QUIRK_LEAVE_SILENT = 1 << 3,
};

struct mpf_dfu_quirk {
	uint16_t vid, pid, bcd_lo, bcd_hi;
	unsigned flags;
	const char *why;
};

/* The flags that apply to a device (0 if none). */
unsigned mpf_dfu_quirks(uint16_t vid, uint16_t pid, uint16_t bcd_device);
/* The whole table, for documentation and tests; *n set. */
const struct mpf_dfu_quirk *mpf_dfu_quirk_table(size_t *n);

/* The transport: one control transfer on the DFU interface. Returns the
 * bytes of the data stage, or a negative mpf_err with a message in err:
 * MPF_ERR_PROTO for a stall, MPF_ERR_TIMEOUT, MPF_ERR_NODEV (gone). */
struct mpf_dfu_io {
	int (*control)(void *ctx, uint8_t request_type, uint8_t request, uint16_t value,
		       uint16_t index, uint8_t *data, uint16_t len, unsigned timeout_ms,
		       struct mpf_buf *err);
	void (*sleep_ms)(void *ctx, unsigned ms);
	int64_t (*now_ms)(void *ctx);
	void *ctx;
};

struct mpf_dfu_stats {
	unsigned long control;		/* every control transfer */
	unsigned long dnload, upload, getstatus;
	unsigned long commands;		/* DfuSe set-address/erase/... */
	unsigned long erases;		/* page erases; a mass erase counts 1 */
};

/* One DFU interface in DFU mode. */
struct mpf_dfu {
	const struct mpf_dfu_io *io;
	uint16_t iface;
	struct mpf_dfu_func func;
	unsigned quirks;
	unsigned timeout_ms;		/* one control transfer (5000 like dfu-util) */
	unsigned mass_erase_ms;		/* longest mass erase (35000: "up to 32 s") */
	struct mpf_dfu_stats stats;
	int interrupted_check;		/* nonzero: poll mpf_interrupted */
};

/* Fill d with defaults for io and iface (func and quirks are the caller's). */
void mpf_dfu_init(struct mpf_dfu *d, const struct mpf_dfu_io *io, uint16_t iface);

/* The class requests. Each returns MPF_OK or the number of bytes, or a
 * negative mpf_err with a message in err. */
int mpf_dfu_get_status(struct mpf_dfu *d, struct mpf_dfu_status *st, struct mpf_buf *err);
int mpf_dfu_abort(struct mpf_dfu *d, struct mpf_buf *err);
int mpf_dfu_dnload(struct mpf_dfu *d, uint16_t block, const uint8_t *data, uint16_t len,
		   struct mpf_buf *err);
int mpf_dfu_upload(struct mpf_dfu *d, uint16_t block, uint8_t *data, uint16_t len,
		   struct mpf_buf *err);

/* Bring the device to dfuIDLE from whatever state it is in: CLRSTATUS out
 * of dfuERROR, ABORT out of the idle/sync states (pydfu's init). Gives up
 * after a few rounds with a message naming the state. */
int mpf_dfu_to_idle(struct mpf_dfu *d, struct mpf_buf *err);

/* The GETSTATUS loop after a DNLOAD: sleep bwPollTimeout and ask again
 * while the device is busy, applying the quirks (a lying mass-erase poll
 * timeout, early stalls), and giving up after 100 busy replies with a zero
 * poll timeout or when limit_ms passes. what names the step for messages.
 * On return *st holds the last status. MPF_OK when the device left
 * dfuDNBUSY with bStatus OK; MPF_ERR_PROTO with the status named when it
 * reports an error (the device is then in dfuERROR; use mpf_dfu_to_idle). */
int mpf_dfu_wait(struct mpf_dfu *d, const char *what, int mass_erase, struct mpf_dfu_status *st,
		 struct mpf_buf *err);

/* A standard DFU 1.1 download of a whole image (bcdDFU 0x0110 devices):
 * blocks 0, 1, 2, ... of transfer_size, each followed by the poll, then
 * the zero-length DNLOAD and the manifestation poll (DFU 1.1 section 7).
 * progress(ctx, done) after each block when not NULL. */
int mpf_dfu_download(struct mpf_dfu *d, const uint8_t *data, size_t len,
		     void (*progress)(void *ctx, size_t done), void *pctx, struct mpf_buf *err);

/* Read the first len bytes of the device's image back (UPLOAD blocks 0,
 * 1, ... of transfer_size; the device is in dfuIDLE) and leave it in
 * dfuIDLE. MPF_ERR_PROTO when the image is shorter. */
int mpf_dfu_upload_image(struct mpf_dfu *d, uint8_t *out, size_t len, struct mpf_buf *err);

/* CRC-32 as DFU suffixes use it: the reflected 0xEDB88320 polynomial,
 * init 0xFFFFFFFF, no final inversion (DFU 1.1 appendix B, the file
 * suffix; doc/protocols.md 2.4). */
uint32_t mpf_dfu_crc32(const uint8_t *buf, size_t len);

#endif
