/* uf2.h - the UF2 file format: blocks, validation, conversion, families.
 *
 * A UF2 file is a sequence of 512-byte blocks (doc/protocols.md section 3.1,
 * microsoft/uf2 README):
 *   u32 magicStart0 0x0A324655 | u32 magicStart1 0x9E5D5157 | u32 flags |
 *   u32 targetAddr | u32 payloadSize | u32 blockNo | u32 numBlocks |
 *   u32 fileSize or familyID | u8 data[476] | u32 magicEnd 0x0AB16F30
 * all little-endian. Everything here is pure: buffers in, buffers out.
 */
#ifndef MPF_UF2_H
#define MPF_UF2_H

#include <stddef.h>
#include <stdint.h>

struct mpf_buf;
struct mpf_uf2_info;

#define MPF_UF2_BLOCK 512
#define MPF_UF2_DATA 476
#define MPF_UF2_MAGIC0 0x0A324655u
#define MPF_UF2_MAGIC1 0x9E5D5157u
#define MPF_UF2_MAGIC_END 0x0AB16F30u

enum {
	MPF_UF2_NOT_MAIN_FLASH = 0x00000001,	/* skip when writing flash */
	MPF_UF2_FILE_CONTAINER = 0x00001000,	/* a file, not flash contents */
	MPF_UF2_FAMILY_PRESENT = 0x00002000,	/* the fileSize word is a family ID */
	MPF_UF2_MD5_PRESENT = 0x00004000,	/* last 24 data bytes: start, len, md5 */
	MPF_UF2_EXT_TAGS = 0x00008000,		/* extension tags after the payload */
	MPF_UF2_KNOWN_FLAGS = 0x0000F001,
};

/* RP2350-E10: picotool puts one "ignore" block in front of RP2350 images
 * (family ABSOLUTE, target 0x10FFFF00, 256 x 0xEF; doc/protocols.md 3.3). */
#define MPF_UF2_RP2_ABSOLUTE 0xE48BFF57u
#define MPF_UF2_E10_ADDR 0x10FFFF00u

struct mpf_uf2_block {
	uint32_t flags, addr, size, no, count, family;	/* family: the raw word */
	const uint8_t *data;	/* points into the block: 476 bytes */
};

/* Decode one 512-byte block and check what one block can show: magic
 * numbers, payload size (1..476, and room for the MD5 trailer and
 * extension tags), blockNo < numBlocks, 4-byte alignment. Returns 0 or
 * MPF_ERR_FORMAT with the reason in err. */
int mpf_uf2_block_decode(const uint8_t *blk, struct mpf_uf2_block *b, struct mpf_buf *err);

/* One family (or the family-less blocks) of a file. */
struct mpf_uf2_part {
	uint32_t family;	/* 0 with has_family 0: blocks without a family ID */
	int has_family;
	uint32_t num_blocks;	/* numBlocks the blocks declare */
	uint32_t blocks;	/* blocks seen (== num_blocks in a valid file) */
	uint32_t start, end;	/* lowest target address, highest address + size */
	uint64_t bytes;		/* payload bytes */
	uint32_t payload;	/* payload size of the first block */
};

#define MPF_UF2_MAX_PARTS 16

struct mpf_uf2_summary {
	size_t blocks;		/* all blocks in the file */
	size_t skipped;		/* not-main-flash blocks */
	size_t ignored;		/* RP2350-E10 workaround blocks */
	uint32_t flags;		/* union of every block's flags */
	size_t nparts;
	struct mpf_uf2_part parts[MPF_UF2_MAX_PARTS];
};

/* Validate a whole file: every block (mpf_uf2_block_decode), no
 * file-container blocks, per family a complete, duplicate-free block
 * numbering with one numBlocks, no overlapping target ranges, and the
 * family's own rules (RP2040/RP2350: 256-byte payloads on 256-byte
 * boundaries, as the boot ROM ignores anything else). Returns 0 or
 * MPF_ERR_FORMAT ("block 7: ..."). */
int mpf_uf2_validate(const uint8_t *data, size_t len, struct mpf_uf2_summary *s,
		     struct mpf_buf *err);

/* Turn a raw binary into UF2 blocks appended to out: payload bytes per
 * block (256 conventionally; 4..476, a multiple of 4), base the address of
 * the first byte, family 0 for none. Returns the number of blocks or
 * MPF_ERR_ARG (empty input, misaligned base, address overflow). */
int mpf_uf2_convert(const uint8_t *bin, size_t len, uint32_t base, uint32_t family,
		    uint32_t payload, struct mpf_buf *out, struct mpf_buf *err);

/* The family table (doc/protocols.md section 3.2, uf2families.json names). */
struct mpf_uf2_family {
	const char *name;	/* "RP2040" */
	uint32_t id;
	const char *port;	/* MicroPython port: "rp2", "samd", "nrf", ... */
	uint32_t base;		/* usual image base, 0 when it depends on the board */
	uint32_t flash_end;	/* first address past its flash, 0 when not known */
	const char *description;
};

extern const struct mpf_uf2_family mpf_uf2_families[];
/* By name (case-insensitive) or number (mpf_parse_addr: "0xe48bff56");
 * NULL if unknown. */
const struct mpf_uf2_family *mpf_uf2_family_find(const char *name);
/* "RP2040", or "0x12345678" (in buf) for an unknown ID. */
const char *mpf_uf2_family_name(uint32_t id, char *buf, size_t cap);

/* The families a bootloader drive accepts, from its INFO_UF2.TXT Board-ID
 * and Model ("RPI-RP2" -> RP2040, "RP2350" -> the RP2350 families, ...).
 * Returns how many were stored in ids, 0 when the drive is not known. */
size_t mpf_uf2_drive_families(const struct mpf_uf2_info *info, uint32_t *ids, size_t cap);
/* The families a MicroPython port ("rp2", "samd", ...) can run. */
size_t mpf_uf2_port_families(const char *port, uint32_t *ids, size_t cap);

/* Check that the image s can run where it is going: some part of it must
 * be of a family the drive accepts (when the drive is known) and of the
 * port's families (when port is not NULL). Returns 0, MPF_ERR_MISMATCH
 * with the reason, or 1 when nothing could be checked (unknown drive, no
 * port, no family IDs in the image). */
int mpf_uf2_check_target(const struct mpf_uf2_summary *s, const struct mpf_uf2_info *drive,
			 const char *port, struct mpf_buf *err);

/* 0, or MPF_ERR_MISMATCH when an image of family that ends at end (its
 * last address + 1) runs past the family's flash (flash_end, when known). */
int mpf_uf2_fits(uint32_t family, uint64_t end, struct mpf_buf *err);
/* mpf_uf2_fits for every part of s; the blocks with no family ID are held
 * against the family of the drive (its INFO_UF2.TXT) when drive is known. */
int mpf_uf2_check_bounds(const struct mpf_uf2_summary *s, const struct mpf_uf2_info *drive,
			 struct mpf_buf *err);

/* The flash contents of part p of a validated file, start to end, as one
 * image: gaps between blocks filled with 0xff (erased flash); not-main-flash
 * blocks and other families left out. MPF_ERR_FORMAT when that image
 * would be larger than max. */
int mpf_uf2_extract(const uint8_t *data, size_t len, const struct mpf_uf2_part *p, size_t max,
		    struct mpf_buf *out, struct mpf_buf *err);

/* 1 if the 512 bytes at blk start and end with the UF2 magic numbers. */
int mpf_uf2_is_block(const uint8_t *blk);

/* INFO_UF2.TXT, the file at the root of a UF2 bootloader drive:
 *   UF2 Bootloader v3.0
 *   Model: Raspberry Pi RP2
 *   Board-ID: RPI-RP2
 */
struct mpf_uf2_info {
	char bootloader[128];	/* first line, "UF2 Bootloader v3.0" */
	char model[128];	/* "Model:" */
	char board_id[128];	/* "Board-ID:" */
	char date[64];		/* "Date:" (TinyUF2) */
};

/* Parse the text of INFO_UF2.TXT (pure; CRLF or LF; unknown keys ignored).
 * Returns 0, or MPF_ERR_FORMAT when it has neither a Board-ID nor a Model. */
int mpf_uf2_info_parse(const char *text, size_t len, struct mpf_uf2_info *info);

#endif
