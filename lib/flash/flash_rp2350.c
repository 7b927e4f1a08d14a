/* flash_rp2350.c - RP2350 QSPI flash through the boot ROM, on Arm core 0.
 *
 * Like the RP2040 (flash_rp2.c), the RP2350 has no flash controller: its
 * boot ROM carries the routines that erase and program the QSPI chip. They
 * are found by calling the ROM's rom_table_lookup (its 16-bit pointer at
 * 0x16) with a two-letter code and the Secure Arm flag, and called on the
 * halted core with the return address on a breakpoint of ours in SRAM:
 * the RP2350 ROM has no debug trampoline. Its functions use the
 * redundancy coprocessor (RCP), which a core caught at its reset vector
 * has neither enabled nor seeded: a stub of ours does both first. The
 * steps after that are the RP2040's (flash_rp2.c): connect (IF), leave
 * XIP (EX), erase (RE), program (RP), flush the cache (FC), undo any XIP
 * address translation (RA) and enter XIP (CX), so that flash reads back
 * at 0x10000000 (RP2350 datasheet 5.4.1, 5.4.8, 3.6.3; doc/protocols.md
 * 5.16).
 */
#include <stdio.h>
#include <string.h>

#include "cortex_m.h"
#include "err.h"
#include "flash_rp2.h"

#define ROM_MAGIC	0x10		/* 'M' 'u' 2, then the ROM version */
#define ROM_LOOKUP	0x16		/* 16-bit pointer to rom_table_lookup */
#define RT_FLAG_FUNC_ARM_SEC 0x04
#define XIP_BASE	0x10000000u
#define SRAM		0x20000000u
#define SRAM_SIZE	0x82000u
#define STUB		0x20080000u	/* SCRATCH_X: our stub; the stack below it */
#define STUB_BKPT	(STUB + 14)
#define SYSINFO_CHIP_ID	0x40000000u
#define SYSINFO_PACKAGE	0x40000004u
#define ACCESSCTRL_LOCK	0x40060000u
#define ACCESSCTRL_CFGRESET 0x40060008u
#define RP_AP_CTRL	0x80000u	/* debug address */
#define QMI_DIRECT_CSR	0x400D0000u
#define QMI_DIRECT_TX	0x400D0004u
#define QMI_DIRECT_RX	0x400D0008u
#define CM_CPACR	0xE000ED88u
#define CM_DSCSR	0xE000EE08u
#define REG_MSPLIM_S	0x1C		/* DCRSR REGSEL (ARMv8-M C1.6.3) */
#define SECTOR		4096
#define PAGE		256
#define NLOOKUP		(RP2_NFN - RP2_IF)	/* IF..RA: no trampoline to look up */

/* MRC p7, #1, APSR_nzcv, c0, c0, #0 (N: the RCP is seeded); BMI to the
 * breakpoint; MCRR p7, #8, r0, r0, c0 and c1 (seed it); BKPT #0. As
 * halfwords, ARMv8-M encodings T1 (RP2350 datasheet 3.6.3). */
static const uint16_t rcp_stub[] = {
	0xEE30, 0xF710, 0xD403, 0xEC40, 0x0780, 0xEC40, 0x0781, 0xBE00,
};

/* Run the halted core from pc with r0-r3 = arg[0..n) and lr on our
 * breakpoint until it halts there, within ms; r0 then in *r0. */
static int core_call(struct mpf_adiv5 *a, uint32_t pc, const uint32_t *arg, unsigned n,
		     unsigned ms, const char *what, uint32_t *r0, struct mpf_buf *err)
{
	unsigned i;
	int rc;

	for (i = 0; i < 4; i++)
		mpf_rp2_q_reg(a, i, i < n ? arg[i] : 0);
	mpf_rp2_q_reg(a, 13, STUB);
	mpf_rp2_q_reg(a, REG_MSPLIM_S, 0);	/* a stack limit the firmware left */
	mpf_rp2_q_reg(a, 14, STUB_BKPT | 1);
	mpf_rp2_q_reg(a, 15, pc & ~1u);
	mpf_rp2_q_reg(a, 16, 0x01000000);	/* xPSR: Thumb */
	if ((rc = mpf_rp2_run_to(a, STUB_BKPT, ms, what, err)) < 0)
		return rc;
	return r0 ? mpf_cm_reg_read(a, 0, r0, err) : MPF_OK;
}

int mpf_rp2350_call(struct mpf_adiv5 *a, uint32_t pc, const char *code, const uint32_t *arg,
		    unsigned n, unsigned ms, struct mpf_buf *err)
{
	char what[40];

	snprintf(what, sizeof(what), "the RP2350 boot ROM's '%s' function", code);
	return core_call(a, pc, arg, n, ms, what, NULL, err);
}

/* What a debugger sets up before the first ROM call (RP2350 datasheet
 * 10.6.2, 3.6.3; ARMv8-M D1.2.8, D1.2.41): ACCESSCTRL back to its reset
 * permissions unless its debug lock is set, the core in the Secure
 * domain (DSCSR.CDS, CDSKEY written 0), coprocessor 7 enabled in CPACR,
 * and the RCP seeded by our stub where it is not yet. */
static int rp2350_prepare(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	uint32_t lock = 0, dscsr = 0, cpacr = 0, stub[sizeof(rcp_stub) / 4];
	size_t i;
	int rc;

	mpf_adiv5_q_read32(a, ACCESSCTRL_LOCK, &lock);
	mpf_adiv5_q_read32(a, CM_DSCSR, &dscsr);
	mpf_adiv5_q_read32(a, CM_CPACR, &cpacr);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	if (!(lock & 0x8))
		mpf_adiv5_q_write32(a, ACCESSCTRL_CFGRESET, 0xACCE0001u);
	mpf_adiv5_q_write32(a, CM_DSCSR, (dscsr & ~(1u << 17)) | 1u << 16);
	mpf_adiv5_q_write32(a, CM_CPACR, cpacr | 3u << 14);
	for (i = 0; i < sizeof(stub) / 4; i++)
		stub[i] = rcp_stub[2 * i] | (uint32_t)rcp_stub[2 * i + 1] << 16;
	mpf_adiv5_q_write(a, STUB, stub, sizeof(stub) / 4);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	return core_call(a, STUB, (uint32_t[]){ 0x2350A5A5u }, 1, 100, "the RCP set-up stub", NULL, err);
}

/* Each function of codes[] through rom_table_lookup(code, flags) on the
 * core; MPF_ERR_PROTO names one the ROM lacks. */
static int rom_lookup(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	uint8_t hdr[8];
	uint32_t fn, arg[2];
	size_t k;
	int rc;

	if ((rc = mpf_mem_read(a, ROM_MAGIC, hdr, sizeof(hdr), NULL, NULL, err)) < 0)
		return rc;
	if (hdr[0] != 'M' || hdr[1] != 'u' || hdr[2] != 2)
		return mpf_errf(err, MPF_ERR_PROTO, "no RP2350 boot ROM at 0 (magic %02x %02x %02x)",
				hdr[0], hdr[1], hdr[2]);
	fn = hdr[6] | hdr[7] << 8;
	t->rom[RP2_DT] = t->rom[RP2_DE] = 0;
	for (k = RP2_IF; k < RP2_IF + NLOOKUP; k++) {
		arg[0] = (uint32_t)mpf_rp2_codes[k][0] | (uint32_t)mpf_rp2_codes[k][1] << 8;
		arg[1] = RT_FLAG_FUNC_ARM_SEC;
		if ((rc = core_call(a, fn, arg, 2, 100, "the RP2350's rom_table_lookup", &t->rom[k], err)) < 0)
			return rc;
		if (!t->rom[k])
			return mpf_errf(err, MPF_ERR_PROTO, "the RP2350 boot ROM (version %u) has no "
					"Secure Arm '%s' function", hdr[3], mpf_rp2_codes[k]);
	}
	return MPF_OK;
}

/* The flash chip's JEDEC ID (9Fh) through the QMI's direct mode with
 * CS0 asserted (RP2350 datasheet 12.14.5); the size from its capacity byte. */
static int flash_size(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	uint32_t csr = 0, id[4], i;
	int rc;

	if ((rc = mpf_adiv5_read32(a, QMI_DIRECT_CSR, &csr, err)) < 0)
		return rc;
	mpf_adiv5_q_write32(a, QMI_DIRECT_CSR, csr | 1u | 1u << 2);	/* EN, ASSERT_CS0N */
	for (i = 0; i < 4; i++)
		mpf_adiv5_q_write32(a, QMI_DIRECT_TX, i ? 0 : 0x9F);
	for (i = 0; i < 4; i++)
		mpf_adiv5_q_read32(a, QMI_DIRECT_RX, &id[i]);
	mpf_adiv5_q_write32(a, QMI_DIRECT_CSR, csr & ~(1u | 1u << 2));
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	return mpf_rp2_jedec_size(t, id, err);
}

/* The UF2 families an RP2350's flash takes besides the Secure Arm one:
 * the flash holds images of either architecture, and the boot ROM runs
 * each on the cores it is for (RP2350 datasheet 3.9.1, 5.5.3). */
static const uint32_t rp2350_families[] = {
	0xE48BFF5Bu, 0xE48BFF5Au, 0xE48BFF57u, 0xE48BFF58u, 0,
};

/* SYSINFO CHIP_ID: revision 31:28, part 27:12 (0x0004 for the RP2350),
 * Raspberry Pi's JEP106 code in 11:1; PACKAGE_SEL bit 0 set for the
 * QFN-60 RP2350A, clear for the QFN-80 RP2350B (RP2350 datasheet 12.15.1). */
static int rp2350_name(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	uint32_t id = 0, pkg = 0;
	int rc;

	mpf_adiv5_q_read32(a, SYSINFO_CHIP_ID, &id);
	mpf_adiv5_q_read32(a, SYSINFO_PACKAGE, &pkg);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	if ((id & 0x0FFFFFFFu) != 0x00004927u)
		return 0;
	snprintf(t->name, sizeof(t->name), "RP2350%s", pkg & 1 ? "A" : "B");
	t->cpus = "RP2350";
	t->idcode = id;
	return 1;
}

/* An RP2350 is an ADIv6 part (a->aps) whose CHIP_ID says so; the flash
 * size comes from the chip's ID, read through ROM calls on the halted
 * core. A running core (mpf-swd info, read) is left alone: the size stays
 * unknown (0) then. */
int mpf_rp2350_detect(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	uint32_t dhcsr = 0;
	int rc;

	if (!a->aps)
		return 0;
	if ((rc = rp2350_name(a, t, err)) <= 0)
		return rc;
	t->flash_base = XIP_BASE;
	t->flash_size = 0;
	t->page = SECTOR;
	t->unit = PAGE;
	t->ram_base = SRAM;
	t->ram_size = SRAM_SIZE;
	t->uf2_family = 0xE48BFF59u;
	t->uf2_more = rp2350_families;
	if ((rc = mpf_adiv5_read32(a, CM_DHCSR, &dhcsr, err)) < 0 || !(dhcsr & DHCSR_S_HALT))
		return rc < 0 ? rc : 1;
	if ((rc = rp2350_prepare(a, err)) < 0 || (rc = rom_lookup(a, t, err)) < 0)
		return rc;
	if ((rc = mpf_flash_rp2350.unlock(a, t, err)) >= 0)
		rc = flash_size(a, t, err);
	if (mpf_flash_rp2350.lock(a, t, rc < 0 ? NULL : err) < 0 && rc >= 0)
		rc = MPF_ERR_IO;
	return rc < 0 ? rc : 1;
}

/* The RP-AP's CTRL.RESCUE_RESTART set, then cleared: the whole chip but
 * the DP and the RP-AP restarts, and the boot ROM halts core 0 before any
 * firmware runs, in the Arm architecture unless OTP makes RISC-V the
 * default (RP2350 datasheet 3.5.8, 3.5.10, 3.9). Then the DP is brought
 * up again and core 0's MEM-AP taken; the core must read as halted. */
int mpf_rp2350_rescue(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	uint32_t dhcsr = 0;
	int rc;

	if ((rc = mpf_adiv5_v6_write(a, RP_AP_CTRL, 1u << 31, err)) < 0 ||
	    (rc = mpf_adiv5_v6_write(a, RP_AP_CTRL, 0, err)) < 0)
		return rc;
	if ((rc = mpf_adiv5_connect(a, err)) < 0 || (rc = mpf_adiv5_mem_ap(a, 0, err)) < 0 ||
	    (rc = mpf_adiv5_wait32(a, CM_DHCSR, DHCSR_S_HALT, DHCSR_S_HALT, 500, &dhcsr, err)) < 0) {
		if (rc == MPF_ERR_TIMEOUT)
			return mpf_errf(err, rc, "the RP2350's Arm core 0 did not halt in the boot ROM "
					"after a rescue reset (DHCSR 0x%08x): OTP may make RISC-V its "
					"default architecture, which mpf-swd does not debug", dhcsr);
		return rc;
	}
	return MPF_OK;
}
