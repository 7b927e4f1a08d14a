/* swd_target.h - target families for SWD flashing: a table of flash
 * drivers (like OpenOCD's struct flash_driver), each detecting its parts
 * and erasing/programming them at register level (doc/protocols.md section 5).
 */
#ifndef MPF_SWD_TARGET_H
#define MPF_SWD_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "adiv5.h"
#include "image.h"

struct mpf_flash_driver;

struct mpf_target {
	const struct mpf_flash_driver *drv;
	char name[48];		/* "STM32F405/407/415/417" */
	const char *cpus;	/* comma-separated cpu prefixes it stands for */
	uint32_t idcode;	/* DBGMCU_IDCODE, or FICR INFO.PART on nRF */
	uint32_t flash_base, flash_size;
	uint32_t ram_base, ram_size;
	uint32_t unit;		/* programming unit in bytes (4, 8, 32) */
	/* layout, filled by detect */
	uint32_t page;		/* uniform page/sector size; 0 = F2/F4/F7 layout */
	uint32_t sector0;	/* F2/F4/F7: size of the first sectors (16 or 32 KiB) */
	uint32_t bank_size;	/* > 0: dual bank, bank 2 at flash_base + bank_size */
	uint32_t regs;		/* flash controller base */
	int erased_zero;	/* erased flash reads 0x00 (STM32L0/L1), else 0xFF */
	uint32_t uf2_family;	/* the UF2 family its images carry (RP2040); 0 none */
	const uint32_t *uf2_more; /* others its flash takes (0-terminated), or NULL */
	uint32_t rom[9];	/* RP2040, RP2350: the boot ROM functions called */
	int ns_regs;		/* L4-style controller in the U5 non-secure layout */
	int swapped;		/* H7: option bytes swap the banks (bank 2 first) */
};

struct mpf_flash_driver {
	const char *name;	/* "stm32f4": what --target accepts */
	const char *desc;
	/* 1 when the connected part is ours (t filled), 0 when not, < 0 error */
	int (*detect)(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err);
	/* open the controller for erase/program (keys); the ops below assume it */
	int (*unlock)(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err);
	int (*erase)(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		     struct mpf_buf *err);
	int (*mass_erase)(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err);
	/* optional: whole sectors [addr, addr + len) in one operation (the
	 * part then erases by its largest blocks that fit) */
	int (*erase_range)(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
			   uint32_t len, struct mpf_buf *err);
	/* erase bank 0 or 1 of the main flash (0 alone: all of it when
	 * bank_size is 0), nothing else; NULL: by sectors only */
	int (*bank_erase)(struct mpf_adiv5 *a, const struct mpf_target *t, unsigned bank,
			  struct mpf_buf *err);
	/* words into erased flash at addr; n a multiple of unit/4 */
	int (*program)(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		       uint32_t *words, uint32_t n, struct mpf_buf *err);
	/* relock the controller (also on error paths) */
	int (*lock)(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err);
};

extern const struct mpf_flash_driver mpf_flash_stm32f4, mpf_flash_stm32l4,
	mpf_flash_stm32h7, mpf_flash_stm32l0, mpf_flash_stm32f1, mpf_flash_stm32h5,
	mpf_flash_stm32u5, mpf_flash_stm32wl, mpf_flash_stm32wb, mpf_flash_nrf52,
	mpf_flash_nrf51, mpf_flash_nrf53, mpf_flash_rp2040, mpf_flash_rp2350;
/* RP2350: a rescue reset, core 0 then halted in the boot ROM (Arm). */
int mpf_rp2350_rescue(struct mpf_adiv5 *a, struct mpf_buf *err);
/* NULL-terminated, in detection order */
extern const struct mpf_flash_driver *const mpf_flash_drivers[];

const struct mpf_flash_driver *mpf_flash_driver_find(const char *name);
/* An STM32 no driver took: MPF_ERR_NODEV naming it, 0 when none reads as
 * one (named_only: when it is not a part known to have no driver). */
int mpf_stm32_refuse(struct mpf_adiv5 *a, int named_only, struct mpf_buf *err);
/* Try every driver (or only drv): fills t. MPF_ERR_NODEV when none knows the part. */
int mpf_target_detect(struct mpf_adiv5 *a, const struct mpf_flash_driver *drv,
		      struct mpf_target *t, struct mpf_buf *err);
/* The page or sector holding addr: start and size; -1 outside flash. */
int mpf_target_sector(const struct mpf_target *t, uint32_t addr, uint32_t *start, uint32_t *size);
/* 1 when cpu (as mpf-info reports it, "STM32F405RG") is one of the parts t stands for. */
int mpf_target_matches_cpu(const struct mpf_target *t, const char *cpu);

/* Progress of long operations: phase "erase", "write", "verify". */
typedef void (*mpf_flash_progress_fn)(void *ctx, const char *phase, uint64_t done, uint64_t total);

/* How a write is done: asked for by the caller, told back. */
struct mpf_flash_how {
	int host_only;		/* in: program and verify from the host */
	int algorithm;		/* out: our routine in target RAM programmed */
	int crc;		/* out: verified by CRC-32 on the target (a
				 * routine of ours in its RAM), else read back */
};

/* Erase the touched sectors, program, verify: through our routine in
 * target RAM where the family has one and RAM holds it (flash_algo.h),
 * else from the host; the verify is a CRC-32 on the target wherever a
 * routine of ours fits its RAM, else a read-back. data is padded with
 * 0xFF to the programming unit. how may be NULL. */
int mpf_flash_write(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		    const uint8_t *data, size_t len, struct mpf_flash_how *how,
		    mpf_flash_progress_fn fn, void *ctx, struct mpf_buf *err);
/* The same for every segment of an image: the sectors touched by any
 * segment are erased once, before anything is programmed. */
int mpf_flash_write_image(struct mpf_adiv5 *a, const struct mpf_target *t,
			  const struct mpf_image *img, struct mpf_flash_how *how,
			  mpf_flash_progress_fn fn, void *ctx, struct mpf_buf *err);
/* Erase [addr, addr+len) rounded out to whole sectors. */
int mpf_flash_erase(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		    size_t len, mpf_flash_progress_fn fn, void *ctx, struct mpf_buf *err);
/* Read any memory (unaligned allowed). */
int mpf_mem_read(struct mpf_adiv5 *a, uint32_t addr, uint8_t *out, size_t len,
		 mpf_flash_progress_fn fn, void *ctx, struct mpf_buf *err);

/* Poll a register until (v & mask) == want, within ms (1 ms naps). */
int mpf_target_wait(struct mpf_adiv5 *a, uint32_t reg, uint32_t mask, uint32_t want,
		    unsigned ms, const char *what, uint32_t *last, struct mpf_buf *err);

#endif
