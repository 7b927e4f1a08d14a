/* flash_rp2.c - RP2040 QSPI flash through the boot ROM's own functions.
 *
 * The RP2040 has no flash controller: its flash is an SPI chip behind the
 * SSI, and the boot ROM carries the routines that erase and program it.
 * They are looked up by two-letter code in the ROM's function table and
 * called on core 0 through the ROM's debug trampoline, which calls the
 * address in r7 and stops at a breakpoint when it returns: connect the
 * QSPI pads (IF), leave XIP (EX), erase (RE) and program (RP), then flush
 * the XIP cache (FC) and enter XIP again (CX) so that flash reads back at
 * 0x10000000 (RP2040 datasheet 2.8.3 and 2.3.4; doc/protocols.md 5.13).
 */
#include <stdio.h>
#include <string.h>

#include "cortex_m.h"
#include "err.h"
#include "flash_rp2.h"

#define ROM_MAGIC	0x10		/* 'M' 'u' 1, then the ROM version */
#define ROM_FUNC_TABLE	0x14		/* 16-bit pointer */
#define XIP_BASE	0x10000000u
#define SSI_DR0		0x18000060u
#define QSPI_SS_CTRL	0x4001800Cu	/* GPIO_QSPI_SS_CTRL: OUTOVER in bits 9:8 */
#define SRAM		0x20000000u
#define STACK_TOP	0x20042000u
#define BUF_MAX		0x10000u	/* data staged at SRAM for flash_range_program */
#define SECTOR		4096
#define PAGE		256
/* a page program at most: tPP 3 ms, and its 263 bytes (06h; 02h, address,
 * data; 05h, status) at the ROM's SPI clock from the slowest ring
 * oscillator, 1.8 MHz / 6 on the RP2040, 3.6 MHz / 12 on the RP2350:
 * 7 ms (doc/protocols.md 5.13, 5.16) */
#define PAGE_MS		10
#define RP2040_TARGETID	0x01002927u

enum { DT = RP2_DT, DE = RP2_DE, IF = RP2_IF, EX = RP2_EX, RE = RP2_RE, RP = RP2_RP, FC = RP2_FC,
       CX = RP2_CX, RA = RP2_RA };
const char mpf_rp2_codes[RP2_NFN][3] = { "DT", "DE", "IF", "EX", "RE", "RP", "FC", "CX", "RA" };
#define codes mpf_rp2_codes

/* Every function of codes[] from the ROM's table; MPF_ERR_PROTO names a
 * missing one. */
static int rom_lookup(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	uint8_t hdr[8], tab[256];
	uint32_t at;
	size_t i, k;
	int rc;

	if ((rc = mpf_mem_read(a, ROM_MAGIC, hdr, sizeof(hdr), NULL, NULL, err)) < 0)
		return rc;
	if (hdr[0] != 'M' || hdr[1] != 'u' || hdr[2] != 1)
		return mpf_errf(err, MPF_ERR_PROTO, "no RP2040 boot ROM at 0 (magic %02x %02x %02x)",
				hdr[0], hdr[1], hdr[2]);
	at = hdr[4] | hdr[5] << 8;
	if ((rc = mpf_mem_read(a, at, tab, sizeof(tab), NULL, NULL, err)) < 0)
		return rc;
	t->rom[RA] = 0;		/* the RP2040 has no address translation */
	for (k = 0; k < RA; k++) {
		t->rom[k] = 0;
		for (i = 0; i + 4 <= sizeof(tab) && (tab[i] | tab[i + 1]); i += 4)
			if (tab[i] == codes[k][0] && tab[i + 1] == codes[k][1])
				t->rom[k] = tab[i + 2] | tab[i + 3] << 8;
		if (!t->rom[k])
			return mpf_errf(err, MPF_ERR_PROTO, "the RP2040 boot ROM (version %u) has no "
					"'%s' function", hdr[3], codes[k]);
	}
	return MPF_OK;
}

void mpf_rp2_q_reg(struct mpf_adiv5 *a, unsigned reg, uint32_t v)
{
	mpf_adiv5_q_write32(a, CM_DCRDR, v);
	mpf_adiv5_q_write32(a, CM_DCRSR, (1u << 16) | reg);
	mpf_adiv5_q_poll32(a, CM_DHCSR, DHCSR_S_REGRDY, DHCSR_S_REGRDY);
}

/* After a failed transfer the function may be running (the reply that
 * said it started lost): it is given its time to return to the breakpoint,
 * so that no flash operation is cut short, else halted; either way the
 * core is halted before its registers are touched again. Not with the
 * probe gone. */
static void rp2_stop(struct mpf_adiv5 *a, int rc, unsigned ms)
{
	uint32_t v;

	if (rc != MPF_ERR_NODEV &&
	    mpf_adiv5_wait32(a, CM_DHCSR, DHCSR_S_HALT, DHCSR_S_HALT, ms, &v, NULL) < 0)
		mpf_cm_halt(a, 100, NULL);
}

int mpf_rp2_run_to(struct mpf_adiv5 *a, uint32_t bkpt, unsigned ms, const char *what,
		   struct mpf_buf *err)
{
	uint32_t pc = 0, v = 0;
	int rc;

	mpf_adiv5_q_write32(a, CM_DHCSR, DHCSR_KEY | DHCSR_C_DEBUGEN | DHCSR_C_HALT |
			    DHCSR_C_MASKINTS);
	mpf_adiv5_q_write32(a, CM_DHCSR, DHCSR_KEY | DHCSR_C_DEBUGEN | DHCSR_C_MASKINTS);
	if ((rc = mpf_adiv5_run(a, err)) >= 0)
		rc = mpf_adiv5_wait32(a, CM_DHCSR, DHCSR_S_HALT, DHCSR_S_HALT, ms, &v, err);
	if (rc == MPF_ERR_TIMEOUT) {
		mpf_cm_halt(a, 100, NULL);
		return mpf_errf(err, rc, "%s did not return within %u ms", what, ms);
	}
	if (rc < 0)
		rp2_stop(a, rc, ms);
	if (rc < 0 || (rc = mpf_cm_reg_read(a, 15, &pc, err)) < 0)
		return rc;
	if (pc != (bkpt & ~1u))
		return mpf_errf(err, MPF_ERR_FAIL, "%s stopped at 0x%08x, not at its return "
				"breakpoint (DHCSR 0x%08x)", what, pc, v);
	return MPF_OK;
}

/* Call ROM function fn with up to four arguments on the halted core: the
 * trampoline (DT) calls r7 and halts at its breakpoint (DE); a ROM without
 * one (the RP2350's) through flash_rp2350.c. */
static int rom_call(struct mpf_adiv5 *a, const struct mpf_target *t, int fn, const uint32_t *arg,
		    unsigned n, unsigned ms, struct mpf_buf *err)
{
	char what[40];
	unsigned i;

	if (!t->rom[DT])
		return mpf_rp2350_call(a, t->rom[fn], codes[fn], arg, n, ms, err);
	for (i = 0; i < 4; i++)
		mpf_rp2_q_reg(a, i, i < n ? arg[i] : 0);
	mpf_rp2_q_reg(a, 7, t->rom[fn]);
	mpf_rp2_q_reg(a, 13, STACK_TOP);
	mpf_rp2_q_reg(a, 15, t->rom[DT] & ~1u);
	mpf_rp2_q_reg(a, 16, 0x01000000);		/* xPSR: Thumb */
	snprintf(what, sizeof(what), "the boot ROM's '%s' function", codes[fn]);
	return mpf_rp2_run_to(a, t->rom[DE], ms, what, err);
}

int mpf_rp2_jedec_size(struct mpf_target *t, const uint32_t *id, struct mpf_buf *err)
{
	if ((id[3] & 0xFF) < 16 || (id[3] & 0xFF) > 24)
		return mpf_errf(err, MPF_ERR_PROTO, "the %s's flash chip answers JEDEC ID "
				"%02x %02x %02x: no flash, or not one mpf knows the size of",
				t->cpus, id[1] & 0xFF, id[2] & 0xFF, id[3] & 0xFF);
	t->flash_size = 1u << (id[3] & 0xFF);
	return MPF_OK;
}

/* The flash chip's JEDEC ID (9Fh) through the SSI with chip select forced
 * low, as the ROM leaves the SSI after flash_exit_xip; the size from its
 * capacity byte (2^n bytes). */
static int flash_size(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	uint32_t ctrl = 0, id[4], i;
	int rc;

	if ((rc = mpf_adiv5_read32(a, QSPI_SS_CTRL, &ctrl, err)) < 0)
		return rc;
	mpf_adiv5_q_write32(a, QSPI_SS_CTRL, (ctrl & ~0x300u) | 2u << 8);
	for (i = 0; i < 4; i++)
		mpf_adiv5_q_write32(a, SSI_DR0, 0x9F);
	for (i = 0; i < 4; i++)
		mpf_adiv5_q_read32(a, SSI_DR0, &id[i]);
	mpf_adiv5_q_write32(a, QSPI_SS_CTRL, (ctrl & ~0x300u) | 3u << 8);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	return mpf_rp2_jedec_size(t, id, err);
}

static int rp2_unlock(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	int rc = rom_call(a, t, IF, NULL, 0, 100, err);

	return rc < 0 ? rc : rom_call(a, t, EX, NULL, 0, 100, err);
}

/* The RP2350 also puts the XIP address translation back (RA). */
static int rp2_lock(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	int rc = rom_call(a, t, FC, NULL, 0, 100, err);

	if (rc >= 0 && t->rom[RA])
		rc = rom_call(a, t, RA, NULL, 0, 100, err);
	return rc < 0 ? rc : rom_call(a, t, CX, NULL, 0, 100, err);
}

/* An RP2040 is reached through multidrop, core 0's DP; the flash size
 * comes from the chip's ID, read through ROM calls on the halted core. A
 * running core (mpf-swd info, read) is left alone: the size stays
 * unknown (0) then. */
static int rp2_detect(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	uint32_t dhcsr = 0;
	int rc;

	if ((a->targetsel & 0x0FFFFFFFu) != RP2040_TARGETID)
		return 0;
	if ((rc = rom_lookup(a, t, err)) < 0 || (rc = mpf_adiv5_read32(a, CM_DHCSR, &dhcsr, err)) < 0)
		return rc;
	snprintf(t->name, sizeof(t->name), "RP2040");
	t->cpus = "RP2040";
	t->idcode = RP2040_TARGETID;
	t->flash_base = XIP_BASE;
	t->flash_size = 0;	/* the chip's ID tells, once the core is halted */
	t->page = SECTOR;
	t->unit = PAGE;
	t->ram_base = SRAM;
	t->ram_size = 0x42000;
	t->uf2_family = 0xE48BFF56u;
	if (!(dhcsr & DHCSR_S_HALT))
		return 1;
	if ((rc = rp2_unlock(a, t, err)) >= 0)
		rc = flash_size(a, t, err);
	if (rp2_lock(a, t, rc < 0 ? NULL : err) < 0 && rc >= 0)
		rc = MPF_ERR_IO;
	return rc < 0 ? rc : 1;
}

/* flash_range_erase(offset, count, block size, block command) over
 * consecutive sectors: the ROM takes 64 KiB blocks (D8h) where whole
 * aligned ones fit, 4 KiB sectors elsewhere (W25Q16JV: sector 45 ms
 * typical, 400 ms at most; 64 KiB block 150 ms, 2 s at most). */
static int rp2_erase_range(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
			   uint32_t len, struct mpf_buf *err)
{
	uint32_t arg[4] = { addr - XIP_BASE, len, 0x10000, 0xD8 };

	return rom_call(a, t, RE, arg, 4, 400 * (len / SECTOR) + 1000, err);
}

static int rp2_erase(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		     struct mpf_buf *err)
{
	return rp2_erase_range(a, t, addr, SECTOR, err);
}

static int rp2_mass_erase(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	return rp2_erase_range(a, t, XIP_BASE, t->flash_size, err);
}

/* Whole pages staged in SRAM, then flash_range_program(offset, data,
 * count), given PAGE_MS a page. */
static int rp2_program(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		       uint32_t *words, uint32_t n, struct mpf_buf *err)
{
	while (n) {
		uint32_t k = n * 4 > BUF_MAX ? BUF_MAX / 4 : n;
		uint32_t arg[3] = { addr - XIP_BASE, SRAM, 4 * k };
		int rc;

		if ((rc = mpf_adiv5_write(a, SRAM, words, k, err)) < 0 ||
		    (rc = rom_call(a, t, RP, arg, 3, 100 + PAGE_MS * (4 * k / PAGE), err)) < 0)
			return rc;
		addr += 4 * k;
		words += k;
		n -= k;
	}
	return MPF_OK;
}

const struct mpf_flash_driver mpf_flash_rp2040 = {
	.name = "rp2040", .desc = "RP2040 (QSPI flash through the boot ROM)",
	.detect = rp2_detect, .unlock = rp2_unlock, .erase = rp2_erase,
	.mass_erase = rp2_mass_erase, .erase_range = rp2_erase_range, .program = rp2_program,
	.lock = rp2_lock,
};

const struct mpf_flash_driver mpf_flash_rp2350 = {
	.name = "rp2350", .desc = "RP2350 Arm core 0 (QSPI flash through the boot ROM)",
	.detect = mpf_rp2350_detect, .unlock = rp2_unlock, .erase = rp2_erase,
	.mass_erase = rp2_mass_erase, .erase_range = rp2_erase_range, .program = rp2_program,
	.lock = rp2_lock,
};
