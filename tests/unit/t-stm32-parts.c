/* t-stm32-parts.c - the STM32 part table held against the reference
 * manuals: each row below is a part as its manual describes it (DBGMCU
 * device id, flash size, the option bit that splits the banks), presented
 * by the model of its family (tests/sim/dap); mpf-swd must name it, map
 * its sectors where the manual puts them, claim no more RAM than the
 * smallest part of its line has, or refuse it by name when its layout is
 * one mpf-swd does not map. Sources per fact: doc/protocols.md section 5.15. */
#include <stdlib.h>
#include <string.h>

#include "dapsim-io.h"
#include "swd.h"
#include "test-lib.h"

#define KIB 1024u
#define NOOPT 0xFFFFFFFFu	/* leave the model's option register as it resets */

struct part {
	const char *model;	/* the family's model */
	uint16_t dev;		/* 0: the model's own */
	uint32_t kib;		/* flash size register */
	uint32_t opt;		/* option register, or NOOPT */
	const char *name;	/* the name mpf-swd gives, or a piece of its refusal */
	int refused;
	uint32_t bank_size, page, ram_max;	/* page: the F4's sector0 */
	uint32_t addr, start, size;	/* the sector behind addr (0: not checked) */
	uint32_t flash;		/* the flash mpf-swd writes, when not kib (WB: below CPU2's) */
};

#define F4OPT(db1m) (0x0FFFAAEDu | (db1m) << 30)	/* RM0090 3.9.10 reset value */
#define F7OPT(ndbank) (F4OPT(0) | (ndbank) << 29)	/* RM0410 3.7.6 */
#define L4OPT(bit, on) (on ? 0xFFEFF8AAu | (1u << (bit)) : 0xFFEFF8AAu & ~(1u << (bit)))
#define U5OPT(dual) ((dual) ? 0x7FEFF8AAu : 0x7FCFF8AAu)
#define M 0x08000000u

static const struct part parts[] = {
	/* F2/F4: RM0090 3.3 Tables 5-7, RM0386 3.3, RM0402, RM0401, RM0430 */
	{ "stm32f405", 0, 1024, NOOPT, "STM32F405/407/415/417", 0, 0, 16 * KIB, 0x20000,
	  M + 0x20000, M + 0x20000, 128 * KIB },
	{ "stm32f405", 0x419, 2048, F4OPT(0), "STM32F42x/43x", 0, 1024 * KIB, 16 * KIB, 0x30000,
	  M + 0x110000, M + 0x110000, 64 * KIB },
	{ "stm32f405", 0x419, 2048, F4OPT(1), "STM32F42x/43x", 0, 1024 * KIB, 16 * KIB, 0x30000,
	  M + 0x100000, M + 0x100000, 16 * KIB },
	{ "stm32f405", 0x419, 1024, F4OPT(0), "STM32F42x/43x", 0, 0, 16 * KIB, 0x30000,
	  M + 0x80000, M + 0x80000, 128 * KIB },
	{ "stm32f405", 0x419, 1024, F4OPT(1), "STM32F42x/43x", 0, 512 * KIB, 16 * KIB, 0x30000,
	  M + 0x84000, M + 0x84000, 16 * KIB },
	{ "stm32f405", 0x419, 1024, F4OPT(1), "STM32F42x/43x", 0, 512 * KIB, 16 * KIB, 0x30000,
	  M + 0x60000, M + 0x60000, 128 * KIB },
	{ "stm32f405", 0x419, 512, F4OPT(0), "STM32F42x/43x", 0, 0, 16 * KIB, 0x30000,
	  M + 0x60000, M + 0x60000, 128 * KIB },
	{ "stm32f405", 0x419, 512, F4OPT(1), "its second bank does not start half way", 1 },
	{ "stm32f405", 0x434, 1024, F4OPT(1), "STM32F469/479", 0, 512 * KIB, 16 * KIB, 0x50000,
	  M + 0xA0000, M + 0xA0000, 128 * KIB },
	{ "stm32f405", 0x434, 2048, F4OPT(0), "STM32F469/479", 0, 1024 * KIB, 16 * KIB, 0x50000 },
	{ "stm32f405", 0x423, 256, NOOPT, "STM32F401xB/C", 0, 0, 16 * KIB, 0x10000 },
	{ "stm32f405", 0x433, 512, NOOPT, "STM32F401xD/E", 0, 0, 16 * KIB, 0x18000 },
	{ "stm32f405", 0x431, 512, NOOPT, "STM32F411", 0, 0, 16 * KIB, 0x20000 },
	{ "stm32f405", 0x421, 512, NOOPT, "STM32F446", 0, 0, 16 * KIB, 0x20000 },
	{ "stm32f405", 0x441, 1024, NOOPT, "STM32F412", 0, 0, 16 * KIB, 0x40000 },
	{ "stm32f405", 0x458, 128, NOOPT, "STM32F410", 0, 0, 16 * KIB, 0x8000 },
	{ "stm32f405", 0x463, 1536, NOOPT, "STM32F413/423", 0, 0, 16 * KIB, 0x50000,
	  M + 0x170000, M + 0x160000, 128 * KIB },
	{ "stm32f405", 0x411, 1024, NOOPT, "STM32F2xx", 0, 0, 16 * KIB, 0xC000 },
	/* F7: RM0385 3.3.1 Table 3, RM0410 3.3.1 Tables 3-5 (FLASH_SIZE 0x1FF0F442) */
	{ "stm32f767", 0x449, 1024, NOOPT, "STM32F74x/75x", 0, 0, 32 * KIB, 0x50000,
	  M + 0x40000, M + 0x40000, 256 * KIB },
	{ "stm32f767", 0x451, 2048, F7OPT(1), "STM32F76x/77x", 0, 0, 32 * KIB, 0x80000,
	  M + 0x100000, M + 0x100000, 256 * KIB },
	{ "stm32f767", 0x451, 2048, F7OPT(0), "STM32F76x/77x", 0, 1024 * KIB, 16 * KIB, 0x80000,
	  M + 0x100000, M + 0x100000, 16 * KIB },
	{ "stm32f767", 0x451, 1024, F7OPT(0), "STM32F76x/77x", 0, 512 * KIB, 16 * KIB, 0x80000,
	  M + 0x80000, M + 0x80000, 16 * KIB },
	{ "stm32f767", 0x451, 1024, F7OPT(1), "STM32F76x/77x", 0, 0, 32 * KIB, 0x80000,
	  M + 0x80000, M + 0x80000, 256 * KIB },
	/* L4: RM0351 3.3.1 and 3.7.8 (OPTR.DUALBANK bit 21 on 256/512 KiB parts) */
	{ "stm32l476", 0x415, 1024, L4OPT(21, 1), "STM32L47x/48x", 0, 512 * KIB, 2 * KIB,
	  0x18000, M + 0x80800, M + 0x80800, 2 * KIB },
	{ "stm32l476", 0x415, 512, L4OPT(21, 0), "STM32L47x/48x", 0, 0, 2 * KIB, 0x18000 },
	{ "stm32l476", 0x415, 512, L4OPT(21, 1), "STM32L47x/48x", 0, 256 * KIB, 2 * KIB, 0x18000 },
	{ "stm32l476", 0x461, 1024, L4OPT(21, 0), "STM32L49x/4Ax", 0, 512 * KIB, 2 * KIB, 0x40000 },
	{ "stm32l476", 0x461, 256, L4OPT(21, 0), "STM32L49x/4Ax", 0, 0, 2 * KIB, 0x40000 },
	{ "stm32l476", 0x435, 256, NOOPT, "STM32L43x/44x", 0, 0, 2 * KIB, 0xC000 },
	{ "stm32l476", 0x462, 512, NOOPT, "STM32L45x/46x", 0, 0, 2 * KIB, 0x20000 },
	{ "stm32l476", 0x464, 128, NOOPT, "STM32L41x/42x", 0, 0, 2 * KIB, 0xA000 },
	/* L4+ (RM0432): 8 KiB pages, DBANK and DB1M; no driver */
	{ "stm32l476", 0x470, 2048, NOOPT, "STM32L4R/L4S (DEV_ID 0x470)", 1 },
	{ "stm32l476", 0x471, 1024, NOOPT, "STM32L4P/L4Q (DEV_ID 0x471)", 1 },
	/* G4: RM0440 3.3.1 and 3.7.8 (OPTR.DBANK bit 22; bank 2 of the 256 and
	 * 128 KiB parts at 0x08040000, a gap after bank 1) */
	{ "stm32l476", 0x469, 512, L4OPT(22, 1), "STM32G47x/48x", 0, 256 * KIB, 2 * KIB, 0x20000,
	  M + 0x40000, M + 0x40000, 2 * KIB },
	{ "stm32l476", 0x469, 512, L4OPT(22, 0), "STM32G47x/48x", 0, 0, 4 * KIB, 0x20000,
	  M + 0x41000, M + 0x41000, 4 * KIB },
	{ "stm32l476", 0x469, 256, L4OPT(22, 1), "its second bank does not start half way", 1 },
	{ "stm32l476", 0x469, 256, L4OPT(22, 0), "STM32G47x/48x", 0, 0, 4 * KIB, 0x20000 },
	{ "stm32l476", 0x468, 128, NOOPT, "STM32G43x/44x", 0, 0, 2 * KIB, 0x8000 },
	{ "stm32l476", 0x479, 512, NOOPT, "STM32G49x/4Ax", 0, 0, 2 * KIB, 0x1C000 },
	/* G0: RM0444 3.3.1; the dual-bank G0B/G0C has no driver */
	{ "stm32g071", 0, 128, NOOPT, "STM32G07x/08x", 0, 0, 2 * KIB, 0x9000 },
	{ "stm32g071", 0x466, 64, NOOPT, "STM32G03x/04x", 0, 0, 2 * KIB, 0x2000 },
	{ "stm32g071", 0x456, 64, NOOPT, "STM32G05x/06x", 0, 0, 2 * KIB, 0x4800 },
	{ "stm32g071", 0x467, 512, NOOPT, "STM32G0B0/B1/C1 (DEV_ID 0x467)", 1 },
	/* H7: RM0433 4.3.4 (bank 2 always at 0x08100000), RM0468 */
	{ "stm32h743", 0x450, 2048, NOOPT, "STM32H74x/75x", 0, 1024 * KIB, 128 * KIB, 0x20000,
	  M + 0x120000, M + 0x120000, 128 * KIB },
	{ "stm32h743", 0x450, 1024, NOOPT, "its second bank does not start half way", 1 },
	{ "stm32h743", 0x450, 128, NOOPT, "STM32H74x/75x", 0, 0, 128 * KIB, 0x20000,
	  M + 0x1000, M, 128 * KIB },
	{ "stm32h743", 0x483, 1024, NOOPT, "STM32H72x/73x", 0, 0, 128 * KIB, 0x20000,
	  M + 0xE0000, M + 0xE0000, 128 * KIB },
	{ "stm32h743", 0x480, 2048, NOOPT, "STM32H7A3/7B3 (DEV_ID 0x480)", 1 },
	/* H5: RM0481 7.3.3 (two banks, each half the flash, 8 KiB sectors) */
	{ "stm32h563", 0x484, 2048, NOOPT, "STM32H562/563/573", 0, 1024 * KIB, 8 * KIB, 0xA0000,
	  M + 0x102000, M + 0x102000, 8 * KIB },
	{ "stm32h563", 0x484, 1024, NOOPT, "STM32H562/563/573", 0, 512 * KIB, 8 * KIB, 0xA0000 },
	{ "stm32h563", 0x474, 128, NOOPT, "STM32H503 (DEV_ID 0x474)", 1 },
	/* U5: RM0456 7.3.1 and 7.9.13 (DUALBANK bit 21 below the largest size) */
	{ "stm32u575", 0x482, 2048, U5OPT(0), "STM32U575/585", 0, 1024 * KIB, 8 * KIB, 0xC0000 },
	{ "stm32u575", 0x482, 1024, U5OPT(0), "STM32U575/585", 0, 0, 8 * KIB, 0xC0000 },
	{ "stm32u575", 0x482, 1024, U5OPT(1), "STM32U575/585", 0, 512 * KIB, 8 * KIB, 0xC0000 },
	{ "stm32u575", 0x455, 512, U5OPT(0), "STM32U535/545", 0, 256 * KIB, 8 * KIB, 0x40000 },
	{ "stm32u575", 0x481, 2048, U5OPT(0), "STM32U59x/5Ax", 0, 0, 8 * KIB, 0x270000 },
	/* WB, WL: RM0434 3.3.1, RM0473, RM0453/RM0461 3.3.1 */
	{ "stm32wb55", 0x495, 1024, NOOPT, "STM32WB50/55", 0, 0, 4 * KIB, 0x30000,
	  .flash = 0xE0 * 4 * KIB },
	{ "stm32wb55", 0x496, 512, NOOPT, "STM32WB30/35", 0, 0, 4 * KIB, 0x8000 },
	{ "stm32wb55", 0x494, 320, NOOPT, "STM32WB10/15", 0, 0, 2 * KIB, 0x3000 },
	{ "stm32wl55", 0x497, 256, NOOPT, "STM32WLE5/WL55", 0, 0, 2 * KIB, 0x5000 },
	/* F1: RM0008 3.3.3 (pages), DS5319/DS5792/DS5697 (SRAM) */
	{ "stm32f103", 0x410, 128, NOOPT, "STM32F10x medium density", 0, 0, 1 * KIB, 0x2800 },
	{ "stm32f103", 0x412, 32, NOOPT, "STM32F10x low density", 0, 0, 1 * KIB, 0x1000 },
	{ "stm32f103", 0x414, 512, NOOPT, "STM32F10x high density", 0, 0, 2 * KIB, 0x8000 },
	{ "stm32f103", 0x418, 256, NOOPT, "STM32F105/107", 0, 0, 2 * KIB, 0x10000 },
	{ "stm32f103", 0x420, 128, NOOPT, "STM32F100 low/medium density", 0, 0, 1 * KIB, 0x1000 },
	{ "stm32f103", 0x428, 512, NOOPT, "STM32F100 high density", 0, 0, 2 * KIB, 0x6000 },
	{ "stm32f103", 0x430, 1024, NOOPT, "STM32F10x XL density (DEV_ID 0x430)", 1 },
	/* F3: RM0316 4.2.1, RM0313 3.2.1 */
	{ "stm32f303", 0x446, 512, NOOPT, "STM32F302xD/E, F303xD/E", 0, 0, 2 * KIB, 0x10000 },
	{ "stm32f303", 0x422, 256, NOOPT, "STM32F302xB/C, F303xB/C", 0, 0, 2 * KIB, 0x8000 },
	{ "stm32f303", 0x438, 64, NOOPT, "STM32F303x6/8, F334", 0, 0, 2 * KIB, 0x3000 },
	{ "stm32f303", 0x439, 64, NOOPT, "STM32F301, F302x6/8", 0, 0, 2 * KIB, 0x4000 },
	{ "stm32f303", 0x432, 256, NOOPT, "STM32F37x", 0, 0, 2 * KIB, 0x4000 },
	/* F0: RM0091 3.2.1, RM0360 3.2.1 */
	{ "stm32f072", 0x448, 128, NOOPT, "STM32F07x", 0, 0, 2 * KIB, 0x4000 },
	{ "stm32f072", 0x444, 32, NOOPT, "STM32F03x", 0, 0, 1 * KIB, 0x1000 },
	{ "stm32f072", 0x445, 32, NOOPT, "STM32F04x, F070x6", 0, 0, 1 * KIB, 0x1800 },
	{ "stm32f072", 0x440, 64, NOOPT, "STM32F05x, F030x8", 0, 0, 1 * KIB, 0x2000 },
	{ "stm32f072", 0x442, 256, NOOPT, "STM32F09x, F030xC", 0, 0, 2 * KIB, 0x8000 },
	/* L0: RM0367/RM0377/RM0376 3.3.1; L1: RM0038 3.3.1 */
	{ "stm32l073", 0x447, 192, NOOPT, "STM32L07x/08x", 0, 0, 128, 0x5000 },
	{ "stm32l073", 0x417, 64, NOOPT, "STM32L05x/06x", 0, 0, 128, 0x2000 },
	{ "stm32l073", 0x425, 32, NOOPT, "STM32L031/041", 0, 0, 128, 0x2000 },
	{ "stm32l073", 0x457, 16, NOOPT, "STM32L01x/02x", 0, 0, 128, 0x800 },
	{ "stm32l152", 0x437, 512, NOOPT, "STM32L1 Cat.5/6", 0, 0, 256, 0xC000 },
	{ "stm32l152", 0x427, 256, NOOPT, "STM32L1 Cat.3", 0, 0, 256, 0x4000 },
	{ "stm32l152", 0x436, 384, NOOPT, "STM32L1 Cat.3 (384 KiB)/Cat.4 (DEV_ID 0x436)", 1 },
};

static struct dapsim_io io;
static struct mpf_probe_link link;
static struct dapsim_target *tgt;
static struct mpf_swd swd;

static int attach(const struct part *p, struct mpf_buf *err)
{
	struct mpf_swd_opts o = { 0 };

	dapsim_target_free(tgt);
	mpf_dap_release(&link.dap);
	tgt = dapsim_target_new(p->model);
	if (p->dev)
		dapsim_target_present(tgt, 0x10000000u | p->dev, p->kib);
	if (p->opt != NOOPT)
		dapsim_target_set_options(tgt, p->opt);
	dapsim_io_init(&io, &link.dap, tgt, 512, 4);
	mpf_buf_reset(err);
	return mpf_swd_attach(&swd, &link, &o, err);
}

static void check_part(const struct part *p)
{
	struct mpf_buf err = MPF_BUF_INIT;
	const struct mpf_target *t = &swd.t;
	uint32_t start = 0, size = 0;
	int rc = attach(p, &err);

	int ok;

	if (p->refused) {
		ok = check_int(rc, <, 0) & check(strstr(mpf_buf_str(&err), p->name) != NULL);
	} else if ((ok = check_int(rc, ==, 0))) {
		ok &= check_str(t->name, p->name);
		ok &= check_uint(t->flash_size, ==, p->flash ? p->flash : p->kib * KIB);
		ok &= check_uint(t->bank_size, ==, p->bank_size);
		ok &= check_uint(t->page ? t->page : t->sector0, ==, p->page);
		ok &= check_uint(t->ram_size, <=, p->ram_max);
		if (p->addr && (ok &= check_int(mpf_target_sector(t, p->addr, &start, &size), ==, 0))) {
			ok &= check_uint(start, ==, p->start);
			ok &= check_uint(size, ==, p->size);
		}
	}
	if (!ok)
		test_msg("%s presenting 0x%03x, %u KiB, options 0x%08x: %s", p->model, p->dev, p->kib,
			 p->opt, rc < 0 ? mpf_buf_str(&err) : "");
	mpf_buf_release(&err);
}

static void t_parts(void)
{
	size_t i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		check_part(&parts[i]);
}

int main(void)
{
	TEST(t_parts(), "each STM32 row as its manual has it: name, banks, sectors, RAM, refusals");
	dapsim_target_free(tgt);
	mpf_dap_release(&link.dap);
	return test_done();
}
