/* flash_stm32.c - STM32 flash controllers at register level: F2/F4/F7,
 * L4/G4/G0, H7, L0/L1, F0/F1/F3 and H5 (ST RM0090, RM0351, RM0440, RM0444,
 * RM0433, RM0377, RM0038, RM0008, RM0091 and RM0316, "Embedded Flash
 * memory", as OpenOCD stm32f2x.c, stm32l4x.c, stm32h7x.c, stm32lx.c,
 * stm32f1x.c apply them; doc/protocols.md 5.1-5.4, 5.6, 5.7), H5, U5, WL
 * and WB (RM0481, RM0456, RM0461, RM0434; 5.8-5.10); the rows' sources
 * in 5.15. STM32s of other families are refused by name.
 *
 * Programming streams words straight into flash through the MEM-AP: while
 * the controller is busy the AHB stalls the next write, which the probe
 * sees as WAIT and retries (DAP_TransferConfigure), so no per-word poll
 * is needed; each chunk ends with a value-match poll of BSY and an error
 * check of SR.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "log.h"
#include "swd_target.h"

#define KEY1 0x45670123u
#define KEY2 0xCDEF89ABu
#define DBGMCU_IDCODE		0xE0042000u
#define DBGMCU_IDCODE_H7	0x5C001000u
#define DBGMCU_IDCODE_M0	0x40015800u	/* Cortex-M0/M0+ parts: F0, G0, L0 */
#define DBGMCU_IDCODE_H5	0x44024000u
#define DBGMCU_IDCODE_U5	0xE0044000u

/* How a line's flash splits into two banks (doc/protocols.md section 5.15):
 * bank 2 always starts half way through the flash mpf writes, so a layout
 * with a gap between the banks is refused rather than mapped. */
enum stm32_dual {
	ONE_BANK,
	TWO_BANKS,	/* always, each half the flash */
	OPT_OR_MAX,	/* at the line's largest size, or when the option bit is set */
	DB1M,		/* at the largest size; at half of it when the option bit is set */
	OPT_GAP_BELOW_MAX,	/* when the option bit is set; below the largest size
				 * bank 2 starts at half the largest size: refused */
	MAX_ELSE_GAP,	/* at the largest size; one bank of one sector at 128 KiB;
			 * between, bank 2 starts at half the largest size: refused */
};

struct stm32_part {
	uint16_t dev;
	const char *name, *cpus;
	uint32_t fsize_reg;	/* u16 KiB */
	uint32_t sector0;	/* F2/F4/F7 first-sector size; L4/G4/H7 page or sector size */
	uint32_t ram_size;	/* the smallest of the line, from ram_base */
	enum stm32_dual dual;
	uint32_t max_kib;	/* the largest flash of the line, where dual needs it */
	uint32_t dual_bit;	/* the option bit dual reads, in the family's register */
};

static const struct stm32_part f4_parts[] = {
	{ .dev = 0x411, .name = "STM32F2xx", .cpus = "STM32F2",
	  .fsize_reg = 0x1FFF7A22, .sector0 = 16384, .ram_size = 0xC000 },
	{ .dev = 0x413, .name = "STM32F405/407/415/417",
	  .cpus = "STM32F405,STM32F407,STM32F415,STM32F417",
	  .fsize_reg = 0x1FFF7A22, .sector0 = 16384, .ram_size = 0x20000 },
	{ .dev = 0x419, .name = "STM32F42x/43x", .cpus = "STM32F427,STM32F429,STM32F437,STM32F439",
	  .fsize_reg = 0x1FFF7A22, .sector0 = 16384, .ram_size = 0x30000, .dual = DB1M,
	  .max_kib = 2048, .dual_bit = 1u << 30 },
	{ .dev = 0x423, .name = "STM32F401xB/C", .cpus = "STM32F401",
	  .fsize_reg = 0x1FFF7A22, .sector0 = 16384, .ram_size = 0x10000 },
	{ .dev = 0x433, .name = "STM32F401xD/E", .cpus = "STM32F401",
	  .fsize_reg = 0x1FFF7A22, .sector0 = 16384, .ram_size = 0x18000 },
	{ .dev = 0x431, .name = "STM32F411", .cpus = "STM32F411",
	  .fsize_reg = 0x1FFF7A22, .sector0 = 16384, .ram_size = 0x20000 },
	{ .dev = 0x421, .name = "STM32F446", .cpus = "STM32F446",
	  .fsize_reg = 0x1FFF7A22, .sector0 = 16384, .ram_size = 0x20000 },
	{ .dev = 0x441, .name = "STM32F412", .cpus = "STM32F412",
	  .fsize_reg = 0x1FFF7A22, .sector0 = 16384, .ram_size = 0x40000 },
	{ .dev = 0x458, .name = "STM32F410", .cpus = "STM32F410",
	  .fsize_reg = 0x1FFF7A22, .sector0 = 16384, .ram_size = 0x8000 },
	{ .dev = 0x463, .name = "STM32F413/423", .cpus = "STM32F413,STM32F423",
	  .fsize_reg = 0x1FFF7A22, .sector0 = 16384, .ram_size = 0x50000 },
	{ .dev = 0x434, .name = "STM32F469/479", .cpus = "STM32F469,STM32F479",
	  .fsize_reg = 0x1FFF7A22, .sector0 = 16384, .ram_size = 0x50000, .dual = DB1M,
	  .max_kib = 2048, .dual_bit = 1u << 30 },
	{ .dev = 0x449, .name = "STM32F74x/75x", .cpus = "STM32F745,STM32F746,STM32F756",
	  .fsize_reg = 0x1FF0F442, .sector0 = 32768, .ram_size = 0x50000 },
	{ .dev = 0x451, .name = "STM32F76x/77x",
	  .cpus = "STM32F765,STM32F767,STM32F769,STM32F777,STM32F779",
	  .fsize_reg = 0x1FF0F442, .sector0 = 32768, .ram_size = 0x80000 },
	{ .dev = 0x452, .name = "STM32F72x/73x",
	  .cpus = "STM32F722,STM32F723,STM32F730,STM32F732,STM32F733",
	  .fsize_reg = 0x1FF07A22, .sector0 = 16384, .ram_size = 0x40000 },
	{ 0 }
};

static const struct stm32_part l4_parts[] = {
	{ .dev = 0x415, .name = "STM32L47x/48x", .cpus = "STM32L47,STM32L48",
	  .fsize_reg = 0x1FFF75E0, .sector0 = 2048, .ram_size = 0x18000, .dual = OPT_OR_MAX,
	  .max_kib = 1024, .dual_bit = 1u << 21 },
	{ .dev = 0x435, .name = "STM32L43x/44x", .cpus = "STM32L43,STM32L44",
	  .fsize_reg = 0x1FFF75E0, .sector0 = 2048, .ram_size = 0xC000 },
	{ .dev = 0x462, .name = "STM32L45x/46x", .cpus = "STM32L45,STM32L46",
	  .fsize_reg = 0x1FFF75E0, .sector0 = 2048, .ram_size = 0x20000 },
	{ .dev = 0x464, .name = "STM32L41x/42x", .cpus = "STM32L41,STM32L42",
	  .fsize_reg = 0x1FFF75E0, .sector0 = 2048, .ram_size = 0xA000 },
	{ .dev = 0x461, .name = "STM32L49x/4Ax", .cpus = "STM32L49,STM32L4A",
	  .fsize_reg = 0x1FFF75E0, .sector0 = 2048, .ram_size = 0x40000, .dual = OPT_OR_MAX,
	  .max_kib = 1024, .dual_bit = 1u << 21 },
	{ .dev = 0x468, .name = "STM32G43x/44x", .cpus = "STM32G43,STM32G44",
	  .fsize_reg = 0x1FFF75E0, .sector0 = 2048, .ram_size = 0x8000 },
	{ .dev = 0x469, .name = "STM32G47x/48x", .cpus = "STM32G47,STM32G48",
	  .fsize_reg = 0x1FFF75E0, .sector0 = 4096, .ram_size = 0x20000,
	  .dual = OPT_GAP_BELOW_MAX, .max_kib = 512, .dual_bit = 1u << 22 },
	{ .dev = 0x479, .name = "STM32G49x/4Ax", .cpus = "STM32G49,STM32G4A",
	  .fsize_reg = 0x1FFF75E0, .sector0 = 2048, .ram_size = 0x1C000 },
	{ 0 }
};

/* G0 (RM0444): the L4 controller behind a Cortex-M0+, one bank; the
 * dual-bank G0B/G0C (0x467) is refused by name below. */
static const struct stm32_part g0_parts[] = {
	{ .dev = 0x466, .name = "STM32G03x/04x", .cpus = "STM32G03,STM32G04",
	  .fsize_reg = 0x1FFF75E0, .sector0 = 2048, .ram_size = 0x2000 },
	{ .dev = 0x456, .name = "STM32G05x/06x", .cpus = "STM32G05,STM32G06",
	  .fsize_reg = 0x1FFF75E0, .sector0 = 2048, .ram_size = 0x4800 },
	{ .dev = 0x460, .name = "STM32G07x/08x", .cpus = "STM32G07,STM32G08",
	  .fsize_reg = 0x1FFF75E0, .sector0 = 2048, .ram_size = 0x9000 },
	{ 0 }
};

/* L0 (RM0377) and L1 (RM0038): the NVM interface, erased flash reads 0.
 * L1 0x436 (Cat.3 384 KiB / Cat.4) codes its flash size differently and is
 * refused by name below. */
static const struct stm32_part l0_parts[] = {
	{ .dev = 0x447, .name = "STM32L07x/08x", .cpus = "STM32L07,STM32L08",
	  .fsize_reg = 0x1FF8007C, .sector0 = 128, .ram_size = 0x5000 },
	{ .dev = 0x417, .name = "STM32L05x/06x", .cpus = "STM32L05,STM32L06",
	  .fsize_reg = 0x1FF8007C, .sector0 = 128, .ram_size = 0x2000 },
	{ .dev = 0x425, .name = "STM32L031/041", .cpus = "STM32L031,STM32L041",
	  .fsize_reg = 0x1FF8007C, .sector0 = 128, .ram_size = 0x2000 },
	{ .dev = 0x457, .name = "STM32L01x/02x", .cpus = "STM32L01,STM32L02",
	  .fsize_reg = 0x1FF8007C, .sector0 = 128, .ram_size = 0x800 },
	{ 0 }
};

static const struct stm32_part l1_parts[] = {
	{ .dev = 0x416, .name = "STM32L1 Cat.1", .cpus = "STM32L100,STM32L15",
	  .fsize_reg = 0x1FF8004C, .sector0 = 256, .ram_size = 0x1000 },
	{ .dev = 0x429, .name = "STM32L1 Cat.2", .cpus = "STM32L100,STM32L15",
	  .fsize_reg = 0x1FF8004C, .sector0 = 256, .ram_size = 0x8000 },
	{ .dev = 0x427, .name = "STM32L1 Cat.3", .cpus = "STM32L100,STM32L15,STM32L16",
	  .fsize_reg = 0x1FF800CC, .sector0 = 256, .ram_size = 0x4000 },
	{ .dev = 0x437, .name = "STM32L1 Cat.5/6", .cpus = "STM32L15,STM32L16",
	  .fsize_reg = 0x1FF800CC, .sector0 = 256, .ram_size = 0xC000 },
	{ 0 }
};

/* F1 (RM0008), F3 (RM0316) and F0 (RM0091): the FPEC, half-word
 * programming. The F1 XL density (0x430), whose second bank has its own
 * registers, is refused by name below. */
static const struct stm32_part f1_parts[] = {
	{ .dev = 0x412, .name = "STM32F10x low density", .cpus = "STM32F101,STM32F102,STM32F103",
	  .fsize_reg = 0x1FFFF7E0, .sector0 = 1024, .ram_size = 0x1000 },
	{ .dev = 0x410, .name = "STM32F10x medium density",
	  .cpus = "STM32F101,STM32F102,STM32F103",
	  .fsize_reg = 0x1FFFF7E0, .sector0 = 1024, .ram_size = 0x2800 },
	{ .dev = 0x414, .name = "STM32F10x high density", .cpus = "STM32F101,STM32F103",
	  .fsize_reg = 0x1FFFF7E0, .sector0 = 2048, .ram_size = 0x8000 },
	{ .dev = 0x418, .name = "STM32F105/107", .cpus = "STM32F105,STM32F107",
	  .fsize_reg = 0x1FFFF7E0, .sector0 = 2048, .ram_size = 0x10000 },
	{ .dev = 0x420, .name = "STM32F100 low/medium density", .cpus = "STM32F100",
	  .fsize_reg = 0x1FFFF7E0, .sector0 = 1024, .ram_size = 0x1000 },
	{ .dev = 0x428, .name = "STM32F100 high density", .cpus = "STM32F100",
	  .fsize_reg = 0x1FFFF7E0, .sector0 = 2048, .ram_size = 0x6000 },
	{ 0 }
};

static const struct stm32_part f3_parts[] = {
	{ .dev = 0x422, .name = "STM32F302xB/C, F303xB/C", .cpus = "STM32F302,STM32F303,STM32F358",
	  .fsize_reg = 0x1FFFF7CC, .sector0 = 2048, .ram_size = 0x8000 },
	{ .dev = 0x438, .name = "STM32F303x6/8, F334", .cpus = "STM32F303,STM32F334,STM32F328",
	  .fsize_reg = 0x1FFFF7CC, .sector0 = 2048, .ram_size = 0x3000 },
	{ .dev = 0x439, .name = "STM32F301, F302x6/8", .cpus = "STM32F301,STM32F302,STM32F318",
	  .fsize_reg = 0x1FFFF7CC, .sector0 = 2048, .ram_size = 0x4000 },
	{ .dev = 0x446, .name = "STM32F302xD/E, F303xD/E", .cpus = "STM32F302,STM32F303,STM32F398",
	  .fsize_reg = 0x1FFFF7CC, .sector0 = 2048, .ram_size = 0x10000 },
	{ .dev = 0x432, .name = "STM32F37x", .cpus = "STM32F37,STM32F38",
	  .fsize_reg = 0x1FFFF7CC, .sector0 = 2048, .ram_size = 0x4000 },
	{ 0 }
};

static const struct stm32_part f0_parts[] = {
	{ .dev = 0x444, .name = "STM32F03x", .cpus = "STM32F030,STM32F031,STM32F038",
	  .fsize_reg = 0x1FFFF7CC, .sector0 = 1024, .ram_size = 0x1000 },
	{ .dev = 0x445, .name = "STM32F04x, F070x6", .cpus = "STM32F04,STM32F070",
	  .fsize_reg = 0x1FFFF7CC, .sector0 = 1024, .ram_size = 0x1800 },
	{ .dev = 0x440, .name = "STM32F05x, F030x8", .cpus = "STM32F05,STM32F030",
	  .fsize_reg = 0x1FFFF7CC, .sector0 = 1024, .ram_size = 0x2000 },
	{ .dev = 0x448, .name = "STM32F07x", .cpus = "STM32F07",
	  .fsize_reg = 0x1FFFF7CC, .sector0 = 2048, .ram_size = 0x4000 },
	{ .dev = 0x442, .name = "STM32F09x, F030xC", .cpus = "STM32F09,STM32F030",
	  .fsize_reg = 0x1FFFF7CC, .sector0 = 2048, .ram_size = 0x8000 },
	{ 0 }
};

/* H5 (RM0481): two banks of 8 KiB sectors, each half the flash; the
 * H503 (0x474) and H52x/53x (0x478) are refused by name below. */
static const struct stm32_part h5_parts[] = {
	{ .dev = 0x484, .name = "STM32H562/563/573", .cpus = "STM32H562,STM32H563,STM32H573",
	  .fsize_reg = 0x08FFF80C, .sector0 = 8192, .ram_size = 0xA0000, .dual = TWO_BANKS },
	{ 0 }
};

/* U5 (RM0456): the L4 controller in its non-secure layout, 8 KiB pages,
 * 128-bit quad-words; 0x455 (U535/545) and 0x476 as the others. */
static const struct stm32_part u5_parts[] = {
	{ .dev = 0x482, .name = "STM32U575/585", .cpus = "STM32U575,STM32U585",
	  .fsize_reg = 0x0BFA07A0, .sector0 = 8192, .ram_size = 0xC0000, .dual = OPT_OR_MAX,
	  .max_kib = 2048, .dual_bit = 1u << 21 },
	{ .dev = 0x481, .name = "STM32U59x/5Ax", .cpus = "STM32U59,STM32U5A",
	  .fsize_reg = 0x0BFA07A0, .sector0 = 8192, .ram_size = 0x270000, .dual = OPT_OR_MAX,
	  .max_kib = 4096, .dual_bit = 1u << 21 },
	{ .dev = 0x476, .name = "STM32U5Fx/5Gx", .cpus = "STM32U5F,STM32U5G",
	  .fsize_reg = 0x0BFA07A0, .sector0 = 8192, .ram_size = 0x2F0000, .dual = OPT_OR_MAX,
	  .max_kib = 4096, .dual_bit = 1u << 21 },
	{ .dev = 0x455, .name = "STM32U535/545", .cpus = "STM32U535,STM32U545",
	  .fsize_reg = 0x0BFA07A0, .sector0 = 8192, .ram_size = 0x40000, .dual = OPT_OR_MAX,
	  .max_kib = 512, .dual_bit = 1u << 21 },
	{ 0 }
};

/* WL (RM0461) and WB (RM0434): the L4 controller at 0x58004000, one bank. */
static const struct stm32_part wl_parts[] = {
	{ .dev = 0x497, .name = "STM32WLE5/WL55", .cpus = "STM32WLE5,STM32WLE4,STM32WL55,STM32WL54",
	  .fsize_reg = 0x1FFF75E0, .sector0 = 2048, .ram_size = 0x5000 },
	{ 0 }
};

static const struct stm32_part wb_parts[] = {
	{ .dev = 0x495, .name = "STM32WB50/55", .cpus = "STM32WB50,STM32WB55",
	  .fsize_reg = 0x1FFF75E0, .sector0 = 4096, .ram_size = 0x30000 },
	{ .dev = 0x496, .name = "STM32WB30/35", .cpus = "STM32WB30,STM32WB35",
	  .fsize_reg = 0x1FFF75E0, .sector0 = 4096, .ram_size = 0x8000 },
	{ .dev = 0x494, .name = "STM32WB10/15", .cpus = "STM32WB10,STM32WB15",
	  .fsize_reg = 0x1FFF75E0, .sector0 = 2048, .ram_size = 0x3000 },
	{ 0 }
};

static const struct stm32_part h7_parts[] = {
	{ .dev = 0x450, .name = "STM32H74x/75x",
	  .cpus = "STM32H742,STM32H743,STM32H745,STM32H747,STM32H750,STM32H753,STM32H755,STM32H757",
	  .fsize_reg = 0x1FF1E880, .sector0 = 0x20000, .ram_size = 0x20000, .dual = MAX_ELSE_GAP,
	  .max_kib = 2048 },
	{ .dev = 0x483, .name = "STM32H72x/73x",
	  .cpus = "STM32H723,STM32H725,STM32H730,STM32H733,STM32H735",
	  .fsize_reg = 0x1FF1E880, .sector0 = 0x20000, .ram_size = 0x20000 },
	{ 0 }
};

static const struct stm32_part *find_part(const struct stm32_part *p, uint16_t dev)
{
	for (; p->dev; p++)
		if (p->dev == dev)
			return p;
	return NULL;
}

/* Read the DBGMCU idcode and the flash size register. A part without the
 * register readable (protected system memory) is refused rather than guessed. */
static int stm32_ident(struct mpf_adiv5 *a, const struct stm32_part *table, uint32_t idreg,
		       struct mpf_target *t, const struct stm32_part **part, struct mpf_buf *err)
{
	uint32_t id, fs;
	int rc;

	if ((rc = mpf_adiv5_read32(a, idreg, &id, err)) < 0)
		return rc == MPF_ERR_PROTO ? 0 : rc;
	if (!(*part = find_part(table, id & 0xFFF)))
		return 0;
	if ((rc = mpf_adiv5_read32(a, (*part)->fsize_reg & ~3u, &fs, err)) < 0)
		return rc;
	fs = ((*part)->fsize_reg & 2) ? fs >> 16 : fs & 0xFFFF;
	if (!fs || fs == 0xFFFF)
		return mpf_errf(err, MPF_ERR_PROTO, "%s: flash size register reads 0x%04x",
				(*part)->name, fs);
	t->idcode = id;
	snprintf(t->name, sizeof(t->name), "%s", (*part)->name);
	t->cpus = (*part)->cpus;
	t->flash_base = 0x08000000;
	t->flash_size = fs * 1024;
	t->ram_base = 0x20000000;
	t->ram_size = (*part)->ram_size;
	return 1;
}

/* Sets bank_size from the line's rule and opt, its option register as read
 * (0 where the rule reads none); 1, or the part refused when its banks are
 * not the two halves of the flash. */
static int stm32_banks(const struct stm32_part *p, uint32_t opt, struct mpf_target *t,
		       struct mpf_buf *err)
{
	uint32_t kib = t->flash_size / 1024;
	int set = !!(opt & p->dual_bit), banks = 1;

	switch (p->dual) {
	case ONE_BANK: banks = 1; break;
	case TWO_BANKS: banks = 2; break;
	case OPT_OR_MAX: banks = kib == p->max_kib || set ? 2 : 1; break;
	case DB1M: banks = kib == p->max_kib || (set && 2 * kib == p->max_kib) ? 2 : set ? 0 : 1;
		break;
	case OPT_GAP_BELOW_MAX: banks = !set ? 1 : kib == p->max_kib ? 2 : 0; break;
	case MAX_ELSE_GAP: banks = kib == p->max_kib ? 2 : kib == 128 ? 1 : 0; break;
	}
	if (!banks)
		return mpf_errf(err, MPF_ERR_NODEV, "%s with %u KiB (option register 0x%08x): its "
				"second bank does not start half way through the flash; mpf-swd "
				"does not map that layout: refused", p->name, kib, opt);
	t->bank_size = banks == 2 ? t->flash_size / 2 : 0;
	return 1;
}

static int unlock_keys(struct mpf_adiv5 *a, uint32_t keyr, uint32_t cr, uint32_t lockbit,
		       uint32_t key1, uint32_t key2, struct mpf_buf *err)
{
	uint32_t v;
	int rc;

	if ((rc = mpf_adiv5_read32(a, cr, &v, err)) < 0 || !(v & lockbit))
		return rc;
	mpf_adiv5_q_write32(a, keyr, key1);
	mpf_adiv5_q_write32(a, keyr, key2);
	mpf_adiv5_q_read32(a, cr, &v);
	rc = mpf_adiv5_run(a, err);
	if (rc == MPF_ERR_PROTO || (rc >= 0 && (v & lockbit)))
		return mpf_errf(err, MPF_ERR_FAIL, "flash controller stays locked after the key "
				"sequence (a wrong key locks it until reset: try `mpf-swd reset`)");
	return rc;
}

static int unlock(struct mpf_adiv5 *a, uint32_t keyr, uint32_t cr, uint32_t lockbit,
		  struct mpf_buf *err)
{
	return unlock_keys(a, keyr, cr, lockbit, KEY1, KEY2, err);
}

static int sr_check(uint32_t sr, uint32_t mask, const char *what, uint32_t addr,
		    struct mpf_buf *err)
{
	if (!(sr & mask))
		return MPF_OK;
	return mpf_errf(err, MPF_ERR_FAIL, "%s at 0x%08x failed: flash SR 0x%08x%s", what, addr,
			sr, (sr & (1u << 4)) ? " (write protected)" : "");
}

/* Every erase starts on an idle controller: each family's program and
 * erase sequence begins by checking that BSY is clear (RM0008 3.3.4 and
 * 3.3.5; doc/protocols.md section 5.7). A failed or cut-short session may
 * have left an erase running, as long as the family's mass erase (ms). */
static int idle(struct mpf_adiv5 *a, uint32_t sr, uint32_t bsy, unsigned ms, struct mpf_buf *err)
{
	return mpf_target_wait(a, sr, bsy, 0, ms, "the flash operation already running", NULL,
			       err);
}

/* ---- F2/F4/F7 ---- */
#define F4_KEYR(t)	((t)->regs + 0x04)
#define F4_SR(t)	((t)->regs + 0x0C)
#define F4_CR(t)	((t)->regs + 0x10)
#define F4_OPTCR(t)	((t)->regs + 0x14)
#define F7_OPTCR_NDBANK	(1u << 29)
#define F4_CR_PG	(1u << 0)
#define F4_CR_SER	(1u << 1)
#define F4_CR_MER	(1u << 2)
#define F4_CR_PSIZE32	(2u << 8)
#define F4_CR_MER1	(1u << 15)
#define F4_CR_STRT	(1u << 16)
#define F4_CR_LOCK	(1u << 31)
#define F4_SR_BSY	(1u << 16)
#define F4_SR_ERR	0x1F2u	/* OPERR WRPERR PGAERR PGPERR PGSERR RDERR */
#define F4_MASS_MS	33000

/* F76x/77x (RM0410 3.3.2, 3.7.6): OPTCR.nDBANK clear splits the flash into
 * two banks, each laid out as a 16 KiB-sector F4 bank, bank 2 from half
 * way (sectors 12-23, SNB 16-27); set, one bank of 32 KiB sectors. The
 * option is read, never changed. */
static int f7_banks(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	uint32_t optcr;
	int rc = mpf_adiv5_read32(a, F4_OPTCR(t), &optcr, err);

	if (rc < 0)
		return rc;
	if (!(optcr & F7_OPTCR_NDBANK)) {
		t->sector0 = 16384;
		t->bank_size = t->flash_size / 2;
	}
	return 1;
}

static int f4_detect(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	const struct stm32_part *p;
	uint32_t optcr = 0;
	int rc = stm32_ident(a, f4_parts, DBGMCU_IDCODE, t, &p, err);

	if (rc <= 0)
		return rc;
	t->regs = 0x40023C00;
	t->unit = 4;
	t->sector0 = p->sector0;
	if (p->dev == 0x451)
		return f7_banks(a, t, err);
	/* F42x/43x, F469/479: bank 2 repeats the bank 1 layout from half way */
	if (p->dual == DB1M && (rc = mpf_adiv5_read32(a, F4_OPTCR(t), &optcr, err)) < 0)
		return rc;
	return stm32_banks(p, optcr, t, err);
}

static uint32_t f4_snb(const struct mpf_target *t, uint32_t addr)
{
	uint32_t off = addr - t->flash_base, bank = 0, s = t->sector0, n;

	if (t->bank_size && off >= t->bank_size) {
		bank = 0x10;
		off -= t->bank_size;
	}
	n = off < 4 * s ? off / s : off < 8 * s ? 4 : 5 + (off - 8 * s) / (8 * s);
	return bank | n;
}

static int f4_wait(struct mpf_adiv5 *a, const struct mpf_target *t, unsigned ms, const char *what,
		   uint32_t addr, struct mpf_buf *err)
{
	uint32_t sr;
	int rc = mpf_target_wait(a, F4_SR(t), F4_SR_BSY, 0, ms, what, &sr, err);

	return rc < 0 ? rc : sr_check(sr, F4_SR_ERR, what, addr, err);
}

static int f4_erase(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		    struct mpf_buf *err)
{
	int rc = idle(a, F4_SR(t), F4_SR_BSY, F4_MASS_MS, err);

	if (rc < 0)
		return rc;
	mpf_adiv5_q_write32(a, F4_SR(t), F4_SR_ERR);
	mpf_adiv5_q_write32(a, F4_CR(t), F4_CR_SER | F4_CR_PSIZE32 | f4_snb(t, addr) << 3);
	mpf_adiv5_q_write32(a, F4_CR(t), F4_CR_SER | F4_CR_PSIZE32 | f4_snb(t, addr) << 3 | F4_CR_STRT);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	/* OpenOCD allows 10 s: a 128 KiB sector takes 1-2 s, 256 KiB (F7) 2-4 s */
	return f4_wait(a, t, 10000, "sector erase", addr, err);
}

static int f4_mer(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t mer,
		  struct mpf_buf *err)
{
	uint32_t cr = mer | F4_CR_PSIZE32;
	int rc = idle(a, F4_SR(t), F4_SR_BSY, F4_MASS_MS, err);

	if (rc < 0)
		return rc;
	mpf_adiv5_q_write32(a, F4_SR(t), F4_SR_ERR);
	mpf_adiv5_q_write32(a, F4_CR(t), cr);
	mpf_adiv5_q_write32(a, F4_CR(t), cr | F4_CR_STRT);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	return f4_wait(a, t, F4_MASS_MS, "mass erase", t->flash_base, err);
}

static int f4_mass_erase(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	return f4_mer(a, t, F4_CR_MER | (t->bank_size ? F4_CR_MER1 : 0), err);
}

/* MER erases bank 1 (all of a single-bank part), MER1 bank 2 (RM0090 3.9.8) */
static int f4_bank_erase(struct mpf_adiv5 *a, const struct mpf_target *t, unsigned bank,
			 struct mpf_buf *err)
{
	return f4_mer(a, t, bank ? F4_CR_MER1 : F4_CR_MER, err);
}

/* PSIZE x32: the 2.7-3.6 V range every MicroPython board runs in. */
static int f4_program(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		      uint32_t *words, uint32_t n, struct mpf_buf *err)
{
	uint32_t sr = 0;
	int rc;

	mpf_adiv5_q_write32(a, F4_SR(t), F4_SR_ERR);
	mpf_adiv5_q_write32(a, F4_CR(t), F4_CR_PG | F4_CR_PSIZE32);
	mpf_adiv5_q_write(a, addr, words, n);
	mpf_adiv5_q_poll32(a, F4_SR(t), F4_SR_BSY, 0);
	mpf_adiv5_q_read32(a, F4_SR(t), &sr);
	mpf_adiv5_q_write32(a, F4_CR(t), 0);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	return sr_check(sr, F4_SR_ERR, "programming", addr, err);
}

static int f4_unlock(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	return unlock(a, F4_KEYR(t), F4_CR(t), F4_CR_LOCK, err);
}

static int f4_lock(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	return mpf_adiv5_write32(a, F4_CR(t), F4_CR_LOCK, err);
}

const struct mpf_flash_driver mpf_flash_stm32f4 = {
	.name = "stm32f4", .desc = "STM32F2/F4/F7 (sectors)",
	.detect = f4_detect, .unlock = f4_unlock, .erase = f4_erase,
	.mass_erase = f4_mass_erase, .bank_erase = f4_bank_erase, .program = f4_program,
	.lock = f4_lock,
};

/* ---- L4/G4 ---- */
/* the U5 keeps the same bits in NSSR +0x20 and NSCR +0x28 (RM0456 7.9) */
#define L4_KEYR(t)	((t)->regs + 0x08)
#define L4_SR(t)	((t)->regs + ((t)->ns_regs ? 0x20 : 0x10))
#define L4_CR(t)	((t)->regs + ((t)->ns_regs ? 0x28 : 0x14))
#define L4_OPTR(t)	((t)->regs + 0x20)
#define L4_CR_PG	(1u << 0)
#define L4_CR_PER	(1u << 1)
#define L4_CR_MER1	(1u << 2)
#define L4_CR_BKER	(1u << 11)
#define L4_CR_MER2	(1u << 15)
#define L4_CR_STRT	(1u << 16)
#define L4_CR_LOCK	(1u << 31)
#define L4_SR_BSY	(5u << 16)	/* BSY; CFGBSY on the G0, reserved (0) on L4/G4 */
#define U5_SR_BSY	(1u << 16)	/* bit 18 is OEM1LOCK there */
#define WB_FLASH	0x58004000u	/* the WB and WL controller */
#define WB_SR_BSY	(0xDu << 16)	/* BSY, CFGBSY, PESD (CPU2 holds flash operations) */
#define L4_BSY(t)	((t)->ns_regs ? U5_SR_BSY : (t)->regs == WB_FLASH ? WB_SR_BSY : L4_SR_BSY)
#define L4_MASS_MS	30000
#define L4_SR_ERR	0xC3FAu	/* OPERR PROGERR WRPERR PGAERR SIZERR PGSERR MISSERR FASTERR RDERR OPTVERR */

static int l4_detect(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	const struct stm32_part *p;
	uint32_t optr = 0;
	int rc = stm32_ident(a, l4_parts, DBGMCU_IDCODE, t, &p, err);

	if (!rc)
		rc = stm32_ident(a, g0_parts, DBGMCU_IDCODE_M0, t, &p, err);
	if (rc <= 0)
		return rc;
	t->regs = 0x40022000;
	t->unit = 8;
	t->page = p->sector0;
	if (p->dual != ONE_BANK && (rc = mpf_adiv5_read32(a, L4_OPTR(t), &optr, err)) < 0)
		return rc;
	if ((rc = stm32_banks(p, optr, t, err)) < 0)
		return rc;
	if (t->bank_size)
		t->page = 2048;	/* G47x/48x: 2 KiB pages in dual-bank mode */
	return 1;
}

static int l4_wait(struct mpf_adiv5 *a, const struct mpf_target *t, unsigned ms, const char *what,
		   uint32_t addr, struct mpf_buf *err)
{
	uint32_t sr;
	int rc = mpf_target_wait(a, L4_SR(t), L4_BSY(t), 0, ms, what, &sr, err);

	return rc < 0 ? rc : sr_check(sr, L4_SR_ERR, what, addr, err);
}

static int l4_erase(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		    struct mpf_buf *err)
{
	uint32_t off = addr - t->flash_base, cr = L4_CR_PER;
	int rc;

	if (t->bank_size && off >= t->bank_size) {
		off -= t->bank_size;
		cr |= L4_CR_BKER;
	}
	cr |= (off / t->page) << 3;
	if ((rc = idle(a, L4_SR(t), L4_BSY(t), L4_MASS_MS, err)) < 0)
		return rc;
	mpf_adiv5_q_write32(a, L4_SR(t), L4_SR_ERR);
	mpf_adiv5_q_write32(a, L4_CR(t), cr);
	mpf_adiv5_q_write32(a, L4_CR(t), cr | L4_CR_STRT);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	return l4_wait(a, t, 1000, "page erase", addr, err);	/* 22-25 ms typical */
}

static int l4_mass_erase(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	uint32_t cr = L4_CR_MER1 | (t->bank_size ? L4_CR_MER2 : 0);
	int rc = idle(a, L4_SR(t), L4_BSY(t), L4_MASS_MS, err);

	if (rc < 0)
		return rc;
	mpf_adiv5_q_write32(a, L4_SR(t), L4_SR_ERR);
	mpf_adiv5_q_write32(a, L4_CR(t), cr);
	mpf_adiv5_q_write32(a, L4_CR(t), cr | L4_CR_STRT);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	return l4_wait(a, t, L4_MASS_MS, "mass erase", t->flash_base, err);
}

/* Double words: two consecutive 32-bit writes each. */
static int l4_program(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		      uint32_t *words, uint32_t n, struct mpf_buf *err)
{
	uint32_t sr = 0;
	int rc;

	mpf_adiv5_q_write32(a, L4_SR(t), L4_SR_ERR);
	mpf_adiv5_q_write32(a, L4_CR(t), L4_CR_PG);
	mpf_adiv5_q_write(a, addr, words, n);
	mpf_adiv5_q_poll32(a, L4_SR(t), L4_BSY(t), 0);
	mpf_adiv5_q_read32(a, L4_SR(t), &sr);
	mpf_adiv5_q_write32(a, L4_CR(t), 0);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	return sr_check(sr, L4_SR_ERR, "programming", addr, err);
}

static int l4_unlock(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	return unlock(a, L4_KEYR(t), L4_CR(t), L4_CR_LOCK, err);
}

static int l4_lock(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	return mpf_adiv5_write32(a, L4_CR(t), L4_CR_LOCK, err);
}

const struct mpf_flash_driver mpf_flash_stm32l4 = {
	.name = "stm32l4", .desc = "STM32L4/G4/G0 (pages)",
	.detect = l4_detect, .unlock = l4_unlock, .erase = l4_erase,
	.mass_erase = l4_mass_erase, .program = l4_program, .lock = l4_lock,
};

/* ---- L0/L1: the NVM interface (RM0377 chapter 3, RM0038 chapter 3) ---- */
#define L0_PECR(t)	((t)->regs + 0x04)
#define L0_PEKEYR(t)	((t)->regs + 0x0C)
#define L0_PRGKEYR(t)	((t)->regs + 0x10)
#define L0_SR(t)	((t)->regs + 0x18)
#define L0_PECR_PELOCK	(1u << 0)
#define L0_PECR_PRGLOCK	(1u << 1)
#define L0_PECR_PROG	(1u << 3)
#define L0_PECR_ERASE	(1u << 9)
#define L0_SR_BSY	(1u << 0)
#define L0_SR_ERR	0x32F00u	/* WRPERR PGAERR SIZERR OPTVERR RDERR NOTZEROERR FWWERR */

static int l0_detect(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	const struct stm32_part *p;
	uint32_t regs = 0x40022000;
	int rc = stm32_ident(a, l0_parts, DBGMCU_IDCODE_M0, t, &p, err);

	if (!rc) {
		rc = stm32_ident(a, l1_parts, DBGMCU_IDCODE, t, &p, err);
		regs = 0x40023C00;
	}
	if (rc <= 0)
		return rc;
	t->regs = regs;
	t->unit = 4;
	t->page = p->sector0;
	t->erased_zero = 1;
	return 1;
}

static int l0_wait(struct mpf_adiv5 *a, const struct mpf_target *t, const char *what,
		   uint32_t addr, struct mpf_buf *err)
{
	uint32_t sr;
	/* a word or a page takes 3.2 ms typical (DS10685, DS8669) */
	int rc = mpf_target_wait(a, L0_SR(t), L0_SR_BSY, 0, 100, what, &sr, err);

	return rc < 0 ? rc : sr_check(sr, L0_SR_ERR, what, addr, err);
}

/* A page is erased by writing a word of it with ERASE and PROG set. */
static int l0_erase(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		    struct mpf_buf *err)
{
	int rc = idle(a, L0_SR(t), L0_SR_BSY, 100, err);

	if (rc < 0)
		return rc;
	mpf_adiv5_q_write32(a, L0_SR(t), L0_SR_ERR);
	mpf_adiv5_q_write32(a, L0_PECR(t), L0_PECR_ERASE | L0_PECR_PROG);
	mpf_adiv5_q_write32(a, addr, 0);
	if ((rc = mpf_adiv5_run(a, err)) < 0 || (rc = l0_wait(a, t, "page erase", addr, err)) < 0)
		return rc;
	return mpf_adiv5_write32(a, L0_PECR(t), 0, err);
}

/* No mass erase short of an RDP regression: every page in turn. */
static int l0_mass_erase(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	uint32_t off;
	int rc = MPF_OK;

	for (off = 0; off < t->flash_size && rc >= 0; off += t->page)
		rc = l0_erase(a, t, t->flash_base + off, err);
	return rc;
}

/* Word by word, each followed by a value-match poll of BSY that the probe
 * runs: a word takes milliseconds, so the poll costs nothing, and the next
 * write never depends on the bus holding it. */
static int l0_program(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		      uint32_t *words, uint32_t n, struct mpf_buf *err)
{
	uint32_t sr = 0, i;
	int rc;

	mpf_adiv5_q_write32(a, L0_SR(t), L0_SR_ERR);
	mpf_adiv5_q_write32(a, L0_PECR(t), 0);
	for (i = 0; i < n; i++) {
		mpf_adiv5_q_write32(a, addr + 4 * i, words[i]);
		mpf_adiv5_q_poll32(a, L0_SR(t), L0_SR_BSY, 0);
	}
	mpf_adiv5_q_read32(a, L0_SR(t), &sr);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	return sr_check(sr, L0_SR_ERR, "programming", addr, err);
}

/* PELOCK opens PECR, then PRGLOCK opens the program memory. */
static int l0_unlock(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	int rc = unlock_keys(a, L0_PEKEYR(t), L0_PECR(t), L0_PECR_PELOCK, 0x89ABCDEFu,
			     0x02030405u, err);

	if (rc >= 0)
		rc = unlock_keys(a, L0_PRGKEYR(t), L0_PECR(t), L0_PECR_PRGLOCK, 0x8C9DAEBFu,
				 0x13141516u, err);
	return rc;
}

static int l0_lock(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	return mpf_adiv5_write32(a, L0_PECR(t), L0_PECR_PELOCK, err);
}

const struct mpf_flash_driver mpf_flash_stm32l0 = {
	.name = "stm32l0", .desc = "STM32L0/L1 (NVM pages, erased to 0)",
	.detect = l0_detect, .unlock = l0_unlock, .erase = l0_erase,
	.mass_erase = l0_mass_erase, .program = l0_program, .lock = l0_lock,
};

/* ---- parts without a driver ---- */

/* STM32 device ids mpf knows but has no flash driver for: such a part is
 * refused by its name, never handed to the driver of a neighbouring family
 * (doc/protocols.md 5.1). */
static const struct { uint16_t dev; const char *name; } undriven[] = {
	{ 0x430, "STM32F10x XL density" },
	{ 0x467, "STM32G0B0/B1/C1" },
	{ 0x436, "STM32L1 Cat.3 (384 KiB)/Cat.4" },
	{ 0x470, "STM32L4R/L4S" }, { 0x471, "STM32L4P/L4Q" },
	{ 0x472, "STM32L55x/56x" }, { 0x474, "STM32H503" }, { 0x478, "STM32H52x/53x" },
	{ 0x480, "STM32H7A3/7B3" }, { 0x485, "STM32H7R/7S" },
};

/* Where the families keep DBGMCU_IDCODE: F1/F3/L1/WB/WL with F4 and L4;
 * F0/G0/L0; U5/L5; H5; H7. */
static const uint32_t idcode_regs[] = { DBGMCU_IDCODE, DBGMCU_IDCODE_M0, DBGMCU_IDCODE_U5,
					DBGMCU_IDCODE_H5, DBGMCU_IDCODE_H7 };

/* Called when no driver took the target: if a DBGMCU reads an STM32 device
 * id, the part is named and refused. 0 when nothing reads as one, or, with
 * named_only (one driver was asked for, and the id may be another's), when
 * the id is not one of the parts without a driver. */
int mpf_stm32_refuse(struct mpf_adiv5 *a, int named_only, struct mpf_buf *err)
{
	uint32_t id;
	size_t i, k;

	for (i = 0; i < sizeof(idcode_regs) / sizeof(idcode_regs[0]); i++) {
		if (mpf_adiv5_read32(a, idcode_regs[i], &id, NULL) < 0 || (id & 0xF00) != 0x400)
			continue;
		for (k = 0; k < sizeof(undriven) / sizeof(undriven[0]); k++)
			if (undriven[k].dev == (id & 0xFFF))
				return mpf_errf(err, MPF_ERR_NODEV, "%s (DEV_ID 0x%03x) has no flash "
						"driver in mpf-swd: refused", undriven[k].name,
						id & 0xFFF);
		if (named_only)
			return 0;
		return mpf_errf(err, MPF_ERR_NODEV, "STM32 DEV_ID 0x%03x (DBGMCU_IDCODE at "
				"0x%08x) is not a part mpf-swd knows: refused", id & 0xFFF,
				idcode_regs[i]);
	}
	return 0;
}

/* ---- H7 (H74x/75x, H72x/73x) ---- */
/* the registers of the bank behind addr: with the banks swapped
 * (OPTCR.SWAP_BANK, RM0433 4.3.13), bank 2 is the lower half */
#define H7_BANK(t, addr) ((t)->regs + (((t)->bank_size && (addr) - (t)->flash_base >= \
					(t)->bank_size) != (t)->swapped ? 0x100 : 0))
#define H7_OPTCR	0x18
#define H7_OPTCR_SWAP	(1u << 31)
#define H7_KEYR	0x04
#define H7_CR	0x0C
#define H7_SR	0x10
#define H7_CCR	0x14
#define H7_CR_LOCK	(1u << 0)
#define H7_CR_PG	(1u << 1)
#define H7_CR_SER	(1u << 2)
#define H7_CR_BER	(1u << 3)
#define H7_CR_PSIZE32	(2u << 4)
#define H7_CR_START	(1u << 7)
#define H7_SR_BSY	(1u << 0)
#define H7_SR_QW	(1u << 2)
#define H7_BANK_MS	40000
#define H7_SR_ERR	0x07EE0000u	/* WRPERR PGSERR STRBERR INCERR OPERR RDPERR RDSERR SNECCERR DBECCERR */

static int h7_detect(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	const struct stm32_part *p;
	uint32_t optcr = 0;
	int rc = stm32_ident(a, h7_parts, DBGMCU_IDCODE_H7, t, &p, err);

	if (rc <= 0)
		return rc;
	t->regs = 0x52002000;
	t->unit = 32;	/* 256-bit flash word */
	t->page = p->sector0;
	t->ram_base = 0x24000000;	/* AXI SRAM */
	if ((rc = stm32_banks(p, 0, t, err)) < 0)
		return rc;
	if (t->bank_size && (rc = mpf_adiv5_read32(a, t->regs + H7_OPTCR, &optcr, err)) < 0)
		return rc;
	t->swapped = t->bank_size && (optcr & H7_OPTCR_SWAP);
	return 1;
}

static int h7_wait(struct mpf_adiv5 *a, uint32_t bank, unsigned ms, const char *what,
		   uint32_t addr, struct mpf_buf *err)
{
	uint32_t sr;
	int rc = mpf_target_wait(a, bank + H7_SR, H7_SR_BSY | H7_SR_QW, 0, ms, what, &sr, err);

	return rc < 0 ? rc : sr_check(sr, H7_SR_ERR, what, addr, err);
}

static int h7_erase(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		    struct mpf_buf *err)
{
	uint32_t bank = H7_BANK(t, addr), cr;
	uint32_t snb = ((addr - t->flash_base) % (t->bank_size ? t->bank_size : t->flash_size)) / t->page;
	int rc;

	cr = H7_CR_SER | H7_CR_PSIZE32 | snb << 8;
	if ((rc = idle(a, bank + H7_SR, H7_SR_BSY | H7_SR_QW, H7_BANK_MS, err)) < 0)
		return rc;
	mpf_adiv5_q_write32(a, bank + H7_CCR, H7_SR_ERR);
	mpf_adiv5_q_write32(a, bank + H7_CR, cr);
	mpf_adiv5_q_write32(a, bank + H7_CR, cr | H7_CR_START);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	return h7_wait(a, bank, 10000, "sector erase", addr, err);	/* ~2 s per 128 KiB */
}

/* BER erases one bank (RM0433 4.3.10) */
static int h7_bank_erase(struct mpf_adiv5 *a, const struct mpf_target *t, unsigned b,
			 struct mpf_buf *err)
{
	uint32_t bank = t->regs + 0x100 * b;
	int rc = idle(a, bank + H7_SR, H7_SR_BSY | H7_SR_QW, H7_BANK_MS, err);

	if (rc < 0)
		return rc;
	mpf_adiv5_q_write32(a, bank + H7_CCR, H7_SR_ERR);
	mpf_adiv5_q_write32(a, bank + H7_CR, H7_CR_BER | H7_CR_PSIZE32);
	mpf_adiv5_q_write32(a, bank + H7_CR, H7_CR_BER | H7_CR_PSIZE32 | H7_CR_START);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	return h7_wait(a, bank, H7_BANK_MS, "bank erase", t->flash_base + b * t->bank_size, err);
}

static int h7_mass_erase(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	unsigned b;
	int rc = MPF_OK;

	for (b = 0; b < (t->bank_size ? 2u : 1u) && rc >= 0; b++)
		rc = h7_bank_erase(a, t, b, err);
	return rc;
}

static int h7_program(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		      uint32_t *words, uint32_t n, struct mpf_buf *err)
{
	uint32_t bank = H7_BANK(t, addr), sr = 0;
	int rc;

	mpf_adiv5_q_write32(a, bank + H7_CCR, H7_SR_ERR);
	mpf_adiv5_q_write32(a, bank + H7_CR, H7_CR_PG | H7_CR_PSIZE32);
	mpf_adiv5_q_write(a, addr, words, n);
	mpf_adiv5_q_poll32(a, bank + H7_SR, H7_SR_BSY | H7_SR_QW, 0);
	mpf_adiv5_q_read32(a, bank + H7_SR, &sr);
	mpf_adiv5_q_write32(a, bank + H7_CR, 0);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	return sr_check(sr, H7_SR_ERR, "programming", addr, err);
}

static int h7_unlock(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	int rc = unlock(a, t->regs + H7_KEYR, t->regs + H7_CR, H7_CR_LOCK, err);

	if (rc >= 0 && t->bank_size)
		rc = unlock(a, t->regs + 0x100 + H7_KEYR, t->regs + 0x100 + H7_CR, H7_CR_LOCK, err);
	return rc;
}

static int h7_lock(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	mpf_adiv5_q_write32(a, t->regs + H7_CR, H7_CR_LOCK);
	if (t->bank_size)
		mpf_adiv5_q_write32(a, t->regs + 0x100 + H7_CR, H7_CR_LOCK);
	return mpf_adiv5_run(a, err);
}

const struct mpf_flash_driver mpf_flash_stm32h7 = {
	.name = "stm32h7", .desc = "STM32H74x/75x/72x/73x (sectors)",
	.detect = h7_detect, .unlock = h7_unlock, .erase = h7_erase,
	.mass_erase = h7_mass_erase, .bank_erase = h7_bank_erase, .program = h7_program,
	.lock = h7_lock,
};

/* ---- F0/F1/F3: the FPEC (RM0008 3.3, RM0091 3.2, RM0316 4.2;
 * doc/protocols.md section 5.7) ---- */
#define F1_KEYR(t)	((t)->regs + 0x04)
#define F1_SR(t)	((t)->regs + 0x0C)
#define F1_CR(t)	((t)->regs + 0x10)
#define F1_AR(t)	((t)->regs + 0x14)
#define F1_CR_PG	(1u << 0)
#define F1_CR_PER	(1u << 1)
#define F1_CR_MER	(1u << 2)
#define F1_CR_STRT	(1u << 6)
#define F1_CR_LOCK	(1u << 7)
#define F1_SR_BSY	(1u << 0)
#define F1_SR_ERR	0x14u	/* PGERR WRPRTERR */
#define F1_SR_EOP	(1u << 5)
#define F1_MASS_MS	10000

static int f1_detect(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	const struct stm32_part *p;
	int rc = stm32_ident(a, f1_parts, DBGMCU_IDCODE, t, &p, err);

	if (!rc)
		rc = stm32_ident(a, f3_parts, DBGMCU_IDCODE, t, &p, err);
	if (!rc)
		rc = stm32_ident(a, f0_parts, DBGMCU_IDCODE_M0, t, &p, err);
	if (rc <= 0)
		return rc;
	t->regs = 0x40022000;
	t->unit = 4;
	t->page = p->sector0;
	return 1;
}

/* Starts on an idle FPEC, waits for BSY, then leaves CR with neither PER
 * nor MER set. */
static int f1_start(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t cr, unsigned ms,
		    const char *what, uint32_t addr, struct mpf_buf *err)
{
	uint32_t sr;
	int rc = idle(a, F1_SR(t), F1_SR_BSY, F1_MASS_MS, err);

	if (rc < 0)
		return rc;
	mpf_adiv5_q_write32(a, F1_SR(t), F1_SR_ERR | F1_SR_EOP);
	mpf_adiv5_q_write32(a, F1_CR(t), cr);
	if (cr & F1_CR_PER)
		mpf_adiv5_q_write32(a, F1_AR(t), addr);
	mpf_adiv5_q_write32(a, F1_CR(t), cr | F1_CR_STRT);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	rc = mpf_target_wait(a, F1_SR(t), F1_SR_BSY, 0, ms, what, &sr, err);
	if (rc >= 0)
		rc = mpf_adiv5_write32(a, F1_CR(t), 0, err);
	return rc < 0 ? rc : sr_check(sr, F1_SR_ERR, what, addr, err);
}

/* A page takes 20-40 ms (DS5319, DS9826, DS9118 "Flash memory characteristics"). */
static int f1_erase(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		    struct mpf_buf *err)
{
	return f1_start(a, t, F1_CR_PER, 1000, "page erase", addr, err);
}

static int f1_mass_erase(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	return f1_start(a, t, F1_CR_MER, F1_MASS_MS, "mass erase", t->flash_base, err);
}

/* Half-words only (a wider write is a bus error), each followed by a
 * value-match poll of BSY the probe runs, as the manuals program them;
 * half-words still erased (0xFFFF) are left alone. */
static int f1_program(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		      uint32_t *words, uint32_t n, struct mpf_buf *err)
{
	uint32_t sr = 0, i;
	int rc;

	mpf_adiv5_q_write32(a, F1_SR(t), F1_SR_ERR | F1_SR_EOP);
	mpf_adiv5_q_write32(a, F1_CR(t), F1_CR_PG);
	for (i = 0; i < 2 * n; i++) {
		uint16_t h = (uint16_t)(words[i / 2] >> (16 * (i & 1)));

		if (h == 0xFFFF)
			continue;
		mpf_adiv5_q_write16(a, addr + 2 * i, h);
		mpf_adiv5_q_poll32(a, F1_SR(t), F1_SR_BSY, 0);
	}
	mpf_adiv5_q_read32(a, F1_SR(t), &sr);
	mpf_adiv5_q_write32(a, F1_CR(t), 0);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	return sr_check(sr, F1_SR_ERR, "programming", addr, err);
}

/* The probe's half-word access is checked first: nothing is erased by a
 * probe that could not program it back. */
static int f1_unlock(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	int rc = mpf_adiv5_mem16(a, err);

	return rc < 0 ? rc : unlock(a, F1_KEYR(t), F1_CR(t), F1_CR_LOCK, err);
}

static int f1_lock(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	return mpf_adiv5_write32(a, F1_CR(t), F1_CR_LOCK, err);
}

const struct mpf_flash_driver mpf_flash_stm32f1 = {
	.name = "stm32f1", .desc = "STM32F0/F1/F3 (pages, half-words)",
	.detect = f1_detect, .unlock = f1_unlock, .erase = f1_erase,
	.mass_erase = f1_mass_erase, .program = f1_program, .lock = f1_lock,
};

/* ---- H5: the non-secure registers (RM0481 chapter 7; doc/protocols.md section 5.8) ---- */
#define H5_NSKEYR	0x04
#define H5_OPTCR	0x1C
#define H5_NSSR		0x20
#define H5_NSCR		0x28
#define H5_NSCCR	0x30
#define H5_OPTSR2_CUR	0x70
#define H5_CR_LOCK	(1u << 0)
#define H5_CR_PG	(1u << 1)
#define H5_CR_SER	(1u << 2)
#define H5_CR_STRT	(1u << 5)
#define H5_CR_MER	(1u << 15)
#define H5_CR_BKSEL	(1u << 31)
#define H5_SR_BUSY	0xBu		/* BSY WBNE DBNE */
#define H5_MASS_MS	30000
#define H5_SR_ERR	0x00FE0000u	/* WRPERR PGSERR STRBERR INCERR OBKERR OBKWERR OPTCHANGEERR */
#define H5_OPTCR_SWAP	(1u << 31)
#define H5_TZEN_OFF	0xC3u

/* With TrustZone on, the non-secure interface reaches only the sectors
 * left non-secure: such a part is refused rather than half written. */
static int h5_detect(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	const struct stm32_part *p;
	uint32_t optsr2;
	int rc = stm32_ident(a, h5_parts, DBGMCU_IDCODE_H5, t, &p, err);

	if (rc <= 0)
		return rc;
	t->regs = 0x40022000;
	if ((rc = mpf_adiv5_read32(a, t->regs + H5_OPTSR2_CUR, &optsr2, err)) < 0)
		return rc;
	if (optsr2 >> 24 != H5_TZEN_OFF)
		return mpf_errf(err, MPF_ERR_NODEV, "%s has TrustZone on (OPTSR2 TZEN 0x%02x): "
				"mpf-swd programs through the non-secure flash interface only: "
				"refused", p->name, optsr2 >> 24);
	t->unit = 16;	/* 128-bit quad-word */
	t->page = p->sector0;
	return stm32_banks(p, 0, t, err);
}

static int h5_wait(struct mpf_adiv5 *a, const struct mpf_target *t, unsigned ms, const char *what,
		   uint32_t addr, struct mpf_buf *err)
{
	uint32_t sr;
	int rc = mpf_target_wait(a, t->regs + H5_NSSR, H5_SR_BUSY, 0, ms, what, &sr, err);

	return rc < 0 ? rc : sr_check(sr, H5_SR_ERR, what, addr, err);
}

static int h5_start(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t cr, unsigned ms,
		    const char *what, uint32_t addr, struct mpf_buf *err)
{
	int rc = idle(a, t->regs + H5_NSSR, H5_SR_BUSY, H5_MASS_MS, err);

	if (rc < 0)
		return rc;
	mpf_adiv5_q_write32(a, t->regs + H5_NSCCR, H5_SR_ERR);
	mpf_adiv5_q_write32(a, t->regs + H5_NSCR, cr);
	mpf_adiv5_q_write32(a, t->regs + H5_NSCR, cr | H5_CR_STRT);
	if ((rc = mpf_adiv5_run(a, err)) < 0 || (rc = h5_wait(a, t, ms, what, addr, err)) < 0)
		return rc;
	return mpf_adiv5_write32(a, t->regs + H5_NSCR, 0, err);
}

/* BKSEL names the physical bank: with the banks swapped (OPTCR.SWAP_BANK,
 * left as it is), the second half of the address space is bank 1. */
static int h5_erase(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		    struct mpf_buf *err)
{
	uint32_t off = addr - t->flash_base, optcr, bank = off >= t->bank_size;
	int rc = mpf_adiv5_read32(a, t->regs + H5_OPTCR, &optcr, err);

	if (rc < 0)
		return rc;
	bank ^= !!(optcr & H5_OPTCR_SWAP);
	return h5_start(a, t, H5_CR_SER | (bank ? H5_CR_BKSEL : 0) |
			((off % t->bank_size) / t->page) << 6, 1000, "sector erase", addr, err);
}

static int h5_mass_erase(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	return h5_start(a, t, H5_CR_MER, H5_MASS_MS, "mass erase", t->flash_base, err);
}

/* Quad-words through the write buffer, streamed: the AHB holds a write
 * while the previous quad-word programs. */
static int h5_program(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		      uint32_t *words, uint32_t n, struct mpf_buf *err)
{
	uint32_t sr = 0;
	int rc;

	mpf_adiv5_q_write32(a, t->regs + H5_NSCCR, H5_SR_ERR);
	mpf_adiv5_q_write32(a, t->regs + H5_NSCR, H5_CR_PG);
	mpf_adiv5_q_write(a, addr, words, n);
	mpf_adiv5_q_poll32(a, t->regs + H5_NSSR, H5_SR_BUSY, 0);
	mpf_adiv5_q_read32(a, t->regs + H5_NSSR, &sr);
	mpf_adiv5_q_write32(a, t->regs + H5_NSCR, 0);
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	return sr_check(sr, H5_SR_ERR, "programming", addr, err);
}

static int h5_unlock(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	return unlock(a, t->regs + H5_NSKEYR, t->regs + H5_NSCR, H5_CR_LOCK, err);
}

static int h5_lock(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	return mpf_adiv5_write32(a, t->regs + H5_NSCR, H5_CR_LOCK, err);
}

const struct mpf_flash_driver mpf_flash_stm32h5 = {
	.name = "stm32h5", .desc = "STM32H562/563/573 (8 KiB sectors, two banks)",
	.detect = h5_detect, .unlock = h5_unlock, .erase = h5_erase,
	.mass_erase = h5_mass_erase, .program = h5_program, .lock = h5_lock,
};

/* ---- U5: the L4 operations on the non-secure registers (RM0456 chapter 7;
 * doc/protocols.md section 5.9) ---- */
#define U5_OPTR		0x40
#define U5_OPTR_SWAP	(1u << 20)
#define U5_OPTR_TZEN	(1u << 31)

/* Dual bank on the parts of the largest size of their line, else as
 * OPTR.DUALBANK says. TrustZone on (the non-secure interface reaches only
 * non-secure pages) and swapped banks are refused: nothing is written to
 * a bank other than the one the address means. */
static int u5_detect(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	const struct stm32_part *p;
	uint32_t optr;
	int rc = stm32_ident(a, u5_parts, DBGMCU_IDCODE_U5, t, &p, err);

	if (rc <= 0)
		return rc;
	t->regs = 0x40022000;
	if ((rc = mpf_adiv5_read32(a, t->regs + U5_OPTR, &optr, err)) < 0)
		return rc;
	if (optr & (U5_OPTR_TZEN | U5_OPTR_SWAP))
		return mpf_errf(err, MPF_ERR_NODEV, "%s has %s (OPTR 0x%08x): refused", p->name,
				optr & U5_OPTR_TZEN ? "TrustZone on" : "its flash banks swapped",
				optr);
	t->ns_regs = 1;
	t->unit = 16;	/* 128-bit quad-word */
	t->page = p->sector0;
	return stm32_banks(p, optr, t, err);
}

const struct mpf_flash_driver mpf_flash_stm32u5 = {
	.name = "stm32u5", .desc = "STM32U5 (8 KiB pages, quad-words)",
	.detect = u5_detect, .unlock = l4_unlock, .erase = l4_erase,
	.mass_erase = l4_mass_erase, .program = l4_program, .lock = l4_lock,
};

/* ---- WL and WB: the L4 operations at 0x58004000 (RM0461, RM0434 chapter 3;
 * doc/protocols.md section 5.10) ---- */
#define WB_SFR		0x80	/* FLASH_SFR */
#define WB_SFR_FSD	(1u << 8)
#define WB_SR_PESD	(1u << 19)
#define WL_OPTR_ESE	(1u << 8)

/* With OPTR.ESE the WL55's CPU2 owns a secure part of the flash: such a
 * part is refused rather than half written. */
static int wl_detect(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	const struct stm32_part *p;
	uint32_t optr;
	int rc = stm32_ident(a, wl_parts, DBGMCU_IDCODE, t, &p, err);

	if (rc <= 0)
		return rc;
	t->regs = WB_FLASH;
	if ((rc = mpf_adiv5_read32(a, L4_OPTR(t), &optr, err)) < 0)
		return rc;
	if (optr & WL_OPTR_ESE)
		return mpf_errf(err, MPF_ERR_NODEV, "%s has CPU2 security on (OPTR.ESE; OPTR "
				"0x%08x): refused", p->name, optr);
	t->unit = 8;
	t->page = p->sector0;
	return 1;
}

/* The pages from FLASH_SFR.SFSA on are CPU2's (its wireless stack and
 * FUS; secure, a CPU1 write there is WRPERR) unless FSD is set: the
 * flash mpf-swd writes ends where they begin. */
static int wb_detect(struct mpf_adiv5 *a, struct mpf_target *t, struct mpf_buf *err)
{
	const struct stm32_part *p;
	uint32_t sfr;
	int rc = stm32_ident(a, wb_parts, DBGMCU_IDCODE, t, &p, err);

	if (rc <= 0)
		return rc;
	t->regs = WB_FLASH;
	t->unit = 8;
	t->page = p->sector0;
	if ((rc = mpf_adiv5_read32(a, t->regs + WB_SFR, &sfr, err)) < 0)
		return rc;
	if (!(sfr & WB_SFR_FSD) && (sfr & 0xFF) * t->page < t->flash_size) {
		mpf_info("%s: flash from 0x%08x on is CPU2's (FLASH_SFR.SFSA %u): left alone",
			 p->name, t->flash_base + (sfr & 0xFF) * t->page, sfr & 0xFF);
		t->flash_size = (sfr & 0xFF) * t->page;
	}
	return 1;
}

/* CPU2 suspends CPU1's flash operations with SR.PESD while it needs the
 * flash: nothing is started until it lets go. */
static int wb_pesd(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	return mpf_target_wait(a, L4_SR(t), WB_SR_PESD, 0, 5000, "CPU2's flash suspension (PESD)",
			       NULL, err);
}

static int wb_erase(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		    struct mpf_buf *err)
{
	int rc = wb_pesd(a, t, err);

	return rc < 0 ? rc : l4_erase(a, t, addr, err);
}

/* Page by page: a mass erase would reach into CPU2's pages. */
static int wb_mass_erase(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	uint32_t off;
	int rc = MPF_OK;

	for (off = 0; off < t->flash_size && rc >= 0; off += t->page)
		rc = wb_erase(a, t, t->flash_base + off, err);
	return rc;
}

static int wb_program(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		      uint32_t *words, uint32_t n, struct mpf_buf *err)
{
	int rc = wb_pesd(a, t, err);

	return rc < 0 ? rc : l4_program(a, t, addr, words, n, err);
}

static int wl_mass_erase(struct mpf_adiv5 *a, const struct mpf_target *t, struct mpf_buf *err)
{
	int rc = wb_pesd(a, t, err);

	return rc < 0 ? rc : l4_mass_erase(a, t, err);
}

const struct mpf_flash_driver mpf_flash_stm32wl = {
	.name = "stm32wl", .desc = "STM32WL (2 KiB pages)",
	.detect = wl_detect, .unlock = l4_unlock, .erase = wb_erase,
	.mass_erase = wl_mass_erase, .program = wb_program, .lock = l4_lock,
};

const struct mpf_flash_driver mpf_flash_stm32wb = {
	.name = "stm32wb", .desc = "STM32WB (pages below CPU2's)",
	.detect = wb_detect, .unlock = l4_unlock, .erase = wb_erase,
	.mass_erase = wb_mass_erase, .program = wb_program, .lock = l4_lock,
};
