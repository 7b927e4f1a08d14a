/* flash_algo.h - programming through a routine of ours in target RAM
 * (algo/): loaded into SRAM, it programs from one RAM buffer while the
 * host fills the other, and computes CRC-32 on the target for the verify
 * (doc/protocols.md section 5.14). A family without a routine, or a part
 * with too little RAM, programs from the host (swd_target.c).
 */
#ifndef MPF_FLASH_ALGO_H
#define MPF_FLASH_ALGO_H

#include "swd_target.h"

/* One routine, as scripts/gen-algo-table writes them from algo/. */
struct crc_unit;

struct mpf_algo_image {
	const char *family;	/* the flash driver's name */
	uint32_t entry;		/* where it is linked and entered: the RAM base */
	const uint32_t *code;
	uint32_t words;
};

/* The routine running on the target. */
struct mpf_algo {
	struct mpf_adiv5 *a;
	const struct mpf_target *t;
	uint32_t ctl;		/* the struct algo_ctl */
	uint32_t buf[2], buf_size;
	unsigned next;		/* the slot the next command goes to */
	int busy[2];		/* a command sits in that slot */
	uint32_t slot_addr[2];	/* what it was for (error messages) */
	const struct crc_unit *crc;	/* the CRC unit it uses, NULL: software */
};

/* The routine for t, or NULL when its family has none or its RAM is too
 * small (then the host programs). */
const struct mpf_algo_image *mpf_algo_find(const struct mpf_target *t);
/* The routine that verifies t's flash by CRC-32 when the host programmed
 * it (a family without a routine of its own, or RAM too small for the
 * buffers), or NULL when none is linked at t's RAM or that RAM cannot
 * hold it (then the host reads back). */
const struct mpf_algo_image *mpf_algo_find_crc(const struct mpf_target *t);
/* Load it and start the halted core in it. */
int mpf_algo_start(struct mpf_algo *g, struct mpf_adiv5 *a, const struct mpf_target *t,
		   const struct mpf_algo_image *img, struct mpf_buf *err);
/* Program len bytes (whole programming units) at addr, erased before. */
int mpf_algo_program(struct mpf_algo *g, uint32_t addr, const uint8_t *data, size_t len,
		     mpf_flash_progress_fn fn, void *ctx, struct mpf_buf *err);
/* Compare the CRC-32 the target computes over [addr, addr+len) with the
 * host's over data: MPF_ERR_MISMATCH when they differ. */
int mpf_algo_verify(struct mpf_algo *g, uint32_t addr, const uint8_t *data, size_t len,
		    struct mpf_buf *err);
/* Stop the routine (the core halts at its breakpoint). */
int mpf_algo_stop(struct mpf_algo *g, struct mpf_buf *err);

#endif
