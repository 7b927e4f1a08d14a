/* dfuse.h - ST DfuSe ("DFU 1.1a"): the memory layout in the alt-setting
 * names, the commands sent as DNLOAD block 0, the .dfu file format, and
 * the write / read / erase / leave operations built on lib/proto/dfu.
 *
 * Facts: ST AN3156 (USB DFU protocol used in the STM32 bootloader) and
 * UM0391 (DfuSe file format), as dfu-util dfuse.c / dfuse_mem.c /
 * dfu_file.c and pydfu apply them (doc/protocols.md 2.2 - 2.4).
 */
#ifndef MPF_DFUSE_H
#define MPF_DFUSE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "dfu.h"

/* ---- memory layout: "@Internal Flash  /0x08000000/04*016Kg,01*064Kg" ---- */

enum { MPF_DFUSE_READ = 1, MPF_DFUSE_ERASE = 2, MPF_DFUSE_WRITE = 4 };

struct mpf_dfuse_segment {
	uint32_t addr;		/* first byte */
	uint32_t size;		/* bytes: pages * page */
	uint32_t page;		/* erase unit */
	unsigned flags;		/* MPF_DFUSE_READ | ERASE | WRITE */
};

struct mpf_dfuse_layout {
	char name[64];		/* "Internal Flash", trailing blanks removed */
	struct mpf_dfuse_segment *seg;	/* sorted by address */
	size_t n;
};

/* Parse a layout string. MPF_ERR_FORMAT with the offending part in err.
 * Release with mpf_dfuse_layout_release. */
int mpf_dfuse_layout_parse(const char *s, struct mpf_dfuse_layout *l, struct mpf_buf *err);
void mpf_dfuse_layout_release(struct mpf_dfuse_layout *l);
/* The segment holding addr, or NULL. */
const struct mpf_dfuse_segment *mpf_dfuse_layout_find(const struct mpf_dfuse_layout *l,
						      uint32_t addr);
/* Every byte of [addr, addr+len) lies in segments with all of flags.
 * MPF_OK, or MPF_ERR_ARG with a message naming the first bad address. */
int mpf_dfuse_layout_check(const struct mpf_dfuse_layout *l, uint32_t addr, uint32_t len,
			   unsigned flags, struct mpf_buf *err);
/* "rew" for flags (readable, erasable, writable), into out[4]. */
const char *mpf_dfuse_flags_str(unsigned flags, char out[4]);

/* ---- commands (DNLOAD block 0) ---- */

enum mpf_dfuse_cmd {
	MPF_DFUSE_SET_ADDRESS,
	MPF_DFUSE_ERASE_PAGE,
	MPF_DFUSE_MASS_ERASE,
	MPF_DFUSE_READ_UNPROTECT,
};

/* Encode cmd into buf (5 bytes); returns its length (5 or 1). */
size_t mpf_dfuse_cmd_encode(enum mpf_dfuse_cmd cmd, uint32_t addr, uint8_t buf[5]);

/* ---- .dfu files ---- */

struct mpf_dfuse_element {
	uint32_t addr;
	uint32_t size;
	const uint8_t *data;	/* into the file's buffer (reader) or the caller's */
};

struct mpf_dfuse_target {
	uint8_t alt;
	char name[256];		/* "" when not named */
	struct mpf_dfuse_element *el;
	size_t n;
};

struct mpf_dfuse_file {
	uint16_t vid, pid, bcd_device;	/* from the suffix; 0xffff = any */
	struct mpf_dfuse_target *t;
	size_t n;
};

/* Parse and validate a DfuSe file held in buf (which must outlive f):
 * prefix signature and version, image size, target and element sizes
 * (every byte accounted for, nothing past the end), suffix "UFD", length
 * and CRC, bcdDFU 0x011a. MPF_ERR_FORMAT with a precise message. */
int mpf_dfuse_file_parse(const uint8_t *buf, size_t len, struct mpf_dfuse_file *f,
			 struct mpf_buf *err);
void mpf_dfuse_file_release(struct mpf_dfuse_file *f);
/* How mpf_dfuse_file_write lays a file out where the writers differ:
 * MicroPython's tools/dfu.py pads elements to 8 bytes (STM32L4 programs
 * double words) and counts the prefix's image size without the suffix;
 * dfu-util's dfuse-pack neither pads nor leaves the suffix out. */
enum {
	MPF_DFUSE_PAD8 = 1,
	MPF_DFUSE_SIZE_WITH_SUFFIX = 2,
};
/* Serialise f (flags: MPF_DFUSE_PAD8 | MPF_DFUSE_SIZE_WITH_SUFFIX) with
 * prefix, targets and suffix. */
void mpf_dfuse_file_write(const struct mpf_dfuse_file *f, int flags, struct mpf_buf *out);
/* 1 if buf starts with the DfuSe prefix "DfuSe". */
int mpf_dfuse_file_is(const uint8_t *buf, size_t len);

/* A plain DFU suffix (16 bytes at the end of a raw image): 1 and the ids
 * filled when present and its CRC is right, 0 when absent, MPF_ERR_FORMAT
 * when present with a bad CRC or length. */
struct mpf_dfu_suffix {
	uint16_t bcd_device, pid, vid, bcd_dfu;
	uint8_t length;		/* bLength: 16, or more for a longer suffix */
};
int mpf_dfu_suffix_parse(const uint8_t *buf, size_t len, struct mpf_dfu_suffix *s,
			 struct mpf_buf *err);
/* The prefixes dfu-util's dfu-prefix writes in front of a plain DFU
 * image, known as dfu-util's dfu_file.c probes them: a TI Stellaris
 * (LM DFU) prefix of 8 bytes (0x01 0x00, u16 address / 1024, u32 payload
 * length), or an unencrypted NXP LPC prefix of 16 bytes (low 6 bits of
 * bytes 0 and 1: 0x1a 0x3f; u16 length in 512-byte blocks). */
enum mpf_dfu_prefix_type { MPF_DFU_PREFIX_NONE, MPF_DFU_PREFIX_STELLARIS, MPF_DFU_PREFIX_LPC };
struct mpf_dfu_prefix {
	enum mpf_dfu_prefix_type type;
	uint8_t length;		/* bytes in front of the image: 8 or 16 */
	uint32_t address;	/* Stellaris: where the image goes */
	uint32_t payload;	/* Stellaris: bytes; LPC: bytes, rounded to 512 */
};
/* Probe buf (a whole file, any DFU suffix included) for a prefix: its type
 * or MPF_DFU_PREFIX_NONE. suffix is the length of the file's DFU suffix (0
 * without one): the prefix must leave room for it, as dfu-util checks. */
enum mpf_dfu_prefix_type mpf_dfu_prefix_parse(const uint8_t *buf, size_t len, size_t suffix,
					      struct mpf_dfu_prefix *p);

/* Append a suffix (with CRC over buf + suffix) to out, which holds the image. */
void mpf_dfu_suffix_append(struct mpf_buf *out, const struct mpf_dfu_suffix *s);

/* ---- operations on a device in DFU mode ---- */

/* Send a command and wait for it (dfuDNBUSY, then not busy, status OK). */
int mpf_dfuse_command(struct mpf_dfu *d, enum mpf_dfuse_cmd cmd, uint32_t addr,
		      struct mpf_buf *err);

/* The pages of l that [addr, addr+len) touches, each once and sorted,
 * added to *pages (grown; *n updated; start from NULL and 0 and let only
 * this function grow it); pages already in the list are not added again,
 * so calling this for every element plans one erase per page.
 * MPF_ERR_ARG when a byte is outside the layout. */
int mpf_dfuse_plan_erase(const struct mpf_dfuse_layout *l, uint32_t addr, uint32_t len,
			 uint32_t **pages, size_t *n, struct mpf_buf *err);

struct mpf_dfuse_progress {
	void (*fn)(void *ctx, const char *phase, uint64_t done, uint64_t total);
	void *ctx;
};

/* Write data at addr (the device is in dfuIDLE on the right alt setting,
 * the pages already erased): one Set Address, then data blocks 2, 3, ...
 * of func.transfer_size (AN3156's address rule, doc/protocols.md 2.2), or a Set
 * Address before every block with MPF_DFU_QUIRK_SETADDR_EACH. */
int mpf_dfuse_write(struct mpf_dfu *d, uint32_t addr, const uint8_t *data, uint32_t len,
		    const struct mpf_dfuse_progress *pr, uint64_t done, uint64_t total,
		    struct mpf_buf *err);
/* Read len bytes from addr into out (UPLOAD blocks 2, 3, ...); leaves the
 * device in dfuIDLE. */
int mpf_dfuse_read(struct mpf_dfu *d, uint32_t addr, uint8_t *out, uint32_t len,
		   const struct mpf_dfuse_progress *pr, uint64_t done, uint64_t total,
		   struct mpf_buf *err);
/* Leave DFU: Set Address (the jump target) and a zero-length DNLOAD, then
 * one GETSTATUS (dfuMANIFEST); the device may drop off the bus before it
 * answers, which is success. */
int mpf_dfuse_leave(struct mpf_dfu *d, uint32_t addr, struct mpf_buf *err);

#endif
