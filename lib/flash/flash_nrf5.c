/* flash_nrf5.c - nRF52 NVMC programming and APPROTECT recovery through the
 * CTRL-AP (nRF52840 Product Specification, NVMC and CTRL-AP chapters, as
 * OpenOCD nrf5.c and pyOCD target_nRF52.py apply them; doc/protocols.md
 * 5.5), the nRF51's NVMC, the same at 1 KiB pages (nRF51 Series
 * Reference Manual; 5.11), and the nRF5340 application core's (5.12).
 */
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "nrf52.h"
#include "swd_target.h"

#define FICR		0x10000000u
#define FICR_CODEPAGESIZE (FICR + 0x10)
#define FICR_CODESIZE	(FICR + 0x14)
#define FICR_PART	(FICR + 0x100)
#define FICR_VARIANT	(FICR + 0x104)
#define FICR_RAM	(FICR + 0x10C)
#define NVMC		0x4001E000u	/* nRF51, nRF52; t->regs holds the part's */
#define NVMC_READY(t)	((t)->regs + 0x400)
#define NVMC_CONFIG(t)	((t)->regs + 0x504)
#define NVMC_ERASEPAGE(t) ((t)->regs + 0x508)
#define NVMC_ERASEALL(t) ((t)->regs + 0x50C)
#define CONFIG_REN 0
#define CONFIG_WEN 1
#define CONFIG_EEN 2

#define CTRL_AP		1
#define CTRL_RESET	0x000
#define CTRL_ERASEALL	0x004
#define CTRL_ERASEALLSTATUS 0x008
#define CTRL_APPROTECTSTATUS 0x00C
#define CTRL_AP_IDR_NRF52 0x02880000u

static const struct { uint32_t part; const char *cpus; } parts[] = {
	{ 0x52805, "NRF52805" }, { 0x52810, "NRF52810" }, { 0x52811, "NRF52811" },
	{ 0x52820, "NRF52820" }, { 0x52832, "NRF52832" }, { 0x52833, "NRF52833" },
	{ 0x52840, "NRF52840" },
};

/* 1 when AP #1 is a Nordic CTRL-AP, 0 when not, < 0 on error. */
static int mpf_nrf52_ctrl_ap(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	uint32_t idr = 0;
	int rc = mpf_adiv5_ap_read(a, CTRL_AP, AP_IDR, &idr, err);

	/* an ST-LINK before V2 J24 reaches AP 0 only: no CTRL-AP to ask */
	if (rc == MPF_ERR_SUPP)
		mpf_buf_reset(err);
	if (rc < 0)
		return rc == MPF_ERR_PROTO || rc == MPF_ERR_SUPP ? 0 : rc;
	return (idr & 0x0FFFFFFF) == CTRL_AP_IDR_NRF52;
}

int mpf_nrf52_locked(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	uint32_t st = 0;
	int rc = mpf_nrf52_ctrl_ap(a, err);

	if (rc <= 0)
		return rc;
	if ((rc = mpf_adiv5_ap_read(a, CTRL_AP, CTRL_APPROTECTSTATUS, &st, err)) < 0)
		return rc;
	return (st & 1) == 0;	/* 0: protection enabled */
}

/* ERASEALL through the CTRL-AP erases flash, UICR and RAM, which clears
 * APPROTECT; a CTRL-AP reset then lets the AHB-AP in. */
int mpf_nrf52_recover(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	int rc;

	if ((rc = mpf_adiv5_ap_write(a, CTRL_AP, CTRL_ERASEALL, 1, err)) < 0)
		return rc;
	for (int64_t t0 = mpf_now_ms();;) {
		uint32_t st = 1;

		if ((rc = mpf_adiv5_ap_read(a, CTRL_AP, CTRL_ERASEALLSTATUS, &st, err)) < 0)
			return rc;
		if (!st)
			break;
		if (mpf_now_ms() - t0 > 15000)
			return mpf_errf(err, MPF_ERR_TIMEOUT, "nRF52 ERASEALL did not finish in 15 s");
		mpf_sleep_ms(10);
	}
	mpf_adiv5_q_ap_write(a, CTRL_AP, CTRL_ERASEALL, 0);
	mpf_adiv5_q_ap_write(a, CTRL_AP, CTRL_RESET, 1);
	mpf_adiv5_q_ap_write(a, CTRL_AP, CTRL_RESET, 0);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	if ((rc = mpf_adiv5_connect(a, err)) < 0)
		return rc;
	if ((rc = mpf_nrf52_locked(a, err)) < 0)
		return rc;
	if (rc)
		return mpf_errf(err, MPF_ERR_FAIL, "nRF52 still protected after ERASEALL "
				"(APPROTECT enforced in hardware on this revision?)");
	return MPF_OK;
}

/* What every nRF detect fills in: flash from 0 in pages, RAM at
 * 0x20000000 (ram_size in bytes), the NVMC at regs; returns 1. */
static int nrf_target(struct mpf_target *t, const char *cpus, uint32_t id, uint32_t pgsz,
		      uint32_t npg, uint32_t ram_size, uint32_t regs)
{
	t->cpus = cpus;
	t->idcode = id;
	t->flash_base = 0;
	t->flash_size = pgsz * npg;
	t->page = pgsz;
	t->unit = 4;
	t->regs = regs;
	t->ram_base = 0x20000000;
	t->ram_size = ram_size;
	return 1;
}

static int nrf_detect(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	uint32_t part, pgsz, npg, ram, variant;
	size_t i;
	int rc = mpf_nrf52_ctrl_ap(a, err);

	if (rc <= 0)
		return rc;
	mpf_adiv5_q_read32(a, FICR_PART, &part);
	mpf_adiv5_q_read32(a, FICR_VARIANT, &variant);
	mpf_adiv5_q_read32(a, FICR_CODEPAGESIZE, &pgsz);
	mpf_adiv5_q_read32(a, FICR_CODESIZE, &npg);
	mpf_adiv5_q_read32(a, FICR_RAM, &ram);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]) && parts[i].part != part; i++)
		;
	if (i == sizeof(parts) / sizeof(parts[0]))
		return mpf_errf(err, MPF_ERR_SUPP, "unknown nRF52 part 0x%x in FICR", part);
	if (pgsz != 4096 || !npg || npg > 1024)
		return mpf_errf(err, MPF_ERR_PROTO, "nRF%x FICR: implausible flash geometry "
				"%u pages of %u bytes", part, npg, pgsz);
	snprintf(t->name, sizeof(t->name), "nRF%x", part);
	return nrf_target(t, parts[i].cpus, part, pgsz, npg, ram < 0x10000 ? ram * 1024 : 0, NVMC);
}

/* Bounds well past the nRF52840 PS maxima (doc/protocols.md section 5.5) */
#define PAGE_MS		1000
#define ERASEALL_MS	15000

static int nvmc_wait(struct mpf_adiv5 *a, const struct mpf_target *t, unsigned ms,
		     const char *what, struct mpf_buf *err)
{
	return mpf_target_wait(a, NVMC_READY(t), 1, 1, ms, what, NULL, err);
}

/* CONFIG set once READY: it must not change while a write or an erase
 * runs (doc/protocols.md section 5.5), which one may still do after a
 * failed transfer, or one a session before left. When READY does not come
 * within ms (the probe gone, the part wedged) CONFIG is left as it is. */
static int nvmc_config(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t config,
		       unsigned ms, struct mpf_buf *err)
{
	int rc = nvmc_wait(a, t, ms, "the NVMC operation", err);

	return rc < 0 ? rc : mpf_adiv5_write32(a, NVMC_CONFIG(t), config, err);
}

static int nvmc_read_only(struct mpf_adiv5 *a, const struct mpf_target *t, unsigned ms,
			  struct mpf_buf *err)
{
	return nvmc_config(a, t, CONFIG_REN, ms, err);
}

/* CONFIG at erase, v written to reg starts it, and CONFIG back to
 * read-only once it is done (within ms). */
static int nvmc_erase(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t reg, uint32_t v,
		      unsigned ms, const char *what, struct mpf_buf *err)
{
	int rc = nvmc_config(a, t, CONFIG_EEN, ERASEALL_MS, err);

	if (rc < 0 || (rc = mpf_adiv5_write32(a, reg, v, err)) < 0)
		return rc;
	rc = nvmc_wait(a, t, ms, what, err);
	nvmc_read_only(a, t, ms, NULL);
	return rc;
}

static int nrf_erase(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		     struct mpf_buf *err)
{
	return nvmc_erase(a, t, NVMC_ERASEPAGE(t), addr, PAGE_MS, "page erase", err);
}

static int nrf_mass_erase(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	return nvmc_erase(a, t, NVMC_ERASEALL(t), 1, ERASEALL_MS, "erase all", err);
}

/* The NVMC wants READY before each word (41 us per word on nRF52840).
 * Auto-increment is switched off so that one DAP_Transfer carries, per
 * word: TAR = address, DRW = word, TAR = READY, and a value-match read of
 * DRW until READY is 1, the probe doing the polling. */
static int nrf_program(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		       uint32_t *words, uint32_t n, struct mpf_buf *err)
{
	uint32_t i;
	int rc;

	mpf_adiv5_q_write32(a, NVMC_CONFIG(t), CONFIG_WEN);
	mpf_adiv5_q_ap_write(a, a->ap, AP_CSW, CSW_AHB_DEFAULT | CSW_SIZE32);
	for (i = 0; i < n; i++) {
		mpf_adiv5_q_ap_write(a, a->ap, AP_TAR, addr + 4 * i);
		mpf_adiv5_q_ap_write(a, a->ap, AP_DRW, words[i]);
		mpf_adiv5_q_ap_write(a, a->ap, AP_TAR, NVMC_READY(t));
		mpf_adiv5_q_ap_poll(a, a->ap, AP_DRW, 1, 1);
	}
	rc = mpf_adiv5_run(a, err);
	nvmc_read_only(a, t, PAGE_MS, rc < 0 ? NULL : err);
	return rc;
}

/* The NVMC has no lock: CONFIG selects read, write or erase. */
static int nrf_unlock(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	return MPF_OK;
}

/* After a failure an erase of all may still run. */
static int nrf_lock(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	return nvmc_read_only(a, t, ERASEALL_MS, err);
}

const struct mpf_flash_driver mpf_flash_nrf52 = {
	.name = "nrf52", .desc = "nRF52 (NVMC pages)",
	.detect = nrf_detect, .unlock = nrf_unlock, .erase = nrf_erase,
	.mass_erase = nrf_mass_erase, .program = nrf_program, .lock = nrf_lock,
};

/* ---- nRF51 (micro:bit v1): no CTRL-AP; FICR CONFIGID, UICR RBPCONF ---- */
#define CM_CPUID_ADDR	0xE000ED00u
#define FICR_CONFIGID	(FICR + 0x05C)
#define FICR_NUMRAMBLOCK (FICR + 0x034)
#define FICR_SIZERAMBLOCKS (FICR + 0x038)
#define UICR_RBPCONF	0x10001004u

/* A Cortex-M0 whose FICR gives 1 KiB code pages. Read-back protection of
 * everything (RBPCONF.PALL) hides the flash from the debugger: such a part
 * is refused (only an NVMC ERASEALL opens it, and that erases all). */
static int nrf51_detect(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	uint32_t cpuid = 0, pgsz = 0, npg = 0, hwid = 0, nram = 0, ramblk = 0, rbp = 0;
	int rc = mpf_adiv5_read32(a, CM_CPUID_ADDR, &cpuid, err);

	if (rc < 0 || ((cpuid >> 4) & 0xFFF) != 0xC20)
		return rc < 0 ? rc : 0;
	mpf_adiv5_q_read32(a, FICR_CODEPAGESIZE, &pgsz);
	mpf_adiv5_q_read32(a, FICR_CODESIZE, &npg);
	mpf_adiv5_q_read32(a, FICR_CONFIGID, &hwid);
	mpf_adiv5_q_read32(a, FICR_NUMRAMBLOCK, &nram);
	mpf_adiv5_q_read32(a, FICR_SIZERAMBLOCKS, &ramblk);
	mpf_adiv5_q_read32(a, UICR_RBPCONF, &rbp);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc == MPF_ERR_PROTO ? 0 : rc;
	if (pgsz != 1024 || !npg || npg > 256)
		return 0;
	if ((rbp & 0xFF00) != 0xFF00)
		return mpf_errf(err, MPF_ERR_PERM, "nRF51 (HWID 0x%04x) has read-back protection "
				"of all flash (UICR RBPCONF 0x%08x): refused", hwid & 0xFFFF, rbp);
	snprintf(t->name, sizeof(t->name), "nRF51 (HWID 0x%04x)", hwid & 0xFFFF);
	return nrf_target(t, "NRF51", hwid & 0xFFFF, pgsz, npg,
			  nram <= 4 && ramblk <= 0x8000 ? nram * ramblk : 0, NVMC);
}

const struct mpf_flash_driver mpf_flash_nrf51 = {
	.name = "nrf51", .desc = "nRF51 (NVMC, 1 KiB pages)",
	.detect = nrf51_detect, .unlock = nrf_unlock, .erase = nrf_erase,
	.mass_erase = nrf_mass_erase, .program = nrf_program, .lock = nrf_lock,
};

/* ---- nRF5340 application core (nRF5340 Product Specification, NVMC,
 * FICR; doc/protocols.md section 5.12) ---- */
#define NRF53_NVMC	0x50039000u	/* the secure alias: the debugger is secure */
#define NRF53_FICR_INFO	0x00FF0200u
#define NRF53_PART	(NRF53_FICR_INFO + 0x0C)
#define NRF53_RAM	(NRF53_FICR_INFO + 0x18)
#define NRF53_PAGESIZE	(NRF53_FICR_INFO + 0x20)
#define NRF53_CODESIZE	(NRF53_FICR_INFO + 0x24)

/* Through AP 0, the application core's AHB-AP; its FICR names the part.
 * The network core's flash (0x01000000, behind AP 1) is not in this map,
 * so an image for it is refused as outside the flash. */
static int nrf53_detect(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	uint32_t part = 0, ram = 0, pgsz = 0, npg = 0;
	int rc;

	mpf_adiv5_q_read32(a, NRF53_PART, &part);
	mpf_adiv5_q_read32(a, NRF53_RAM, &ram);
	mpf_adiv5_q_read32(a, NRF53_PAGESIZE, &pgsz);
	mpf_adiv5_q_read32(a, NRF53_CODESIZE, &npg);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc == MPF_ERR_PROTO ? 0 : rc;
	if (part != 0x5340)
		return 0;
	if (pgsz != 4096 || !npg || npg > 256)
		return mpf_errf(err, MPF_ERR_PROTO, "nRF5340 FICR: implausible flash geometry "
				"%u pages of %u bytes", npg, pgsz);
	snprintf(t->name, sizeof(t->name), "nRF5340 application core");
	return nrf_target(t, "NRF5340", part, pgsz, npg, ram < 0x10000 ? ram * 1024 : 0,
			  NRF53_NVMC);
}

/* No ERASEPAGE: with CONFIG at erase, a word of 0xFFFFFFFF written at the
 * start of a page erases it. */
static int nrf53_erase(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		       struct mpf_buf *err)
{
	return nvmc_erase(a, t, addr, 0xFFFFFFFFu, PAGE_MS, "page erase", err);
}

const struct mpf_flash_driver mpf_flash_nrf53 = {
	.name = "nrf53", .desc = "nRF5340 application core (NVMC pages)",
	.detect = nrf53_detect, .unlock = nrf_unlock, .erase = nrf53_erase,
	.mass_erase = nrf_mass_erase, .program = nrf_program, .lock = nrf_lock,
};
