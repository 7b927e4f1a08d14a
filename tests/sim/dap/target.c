/* target.c - the Cortex-M target model (see target.h).
 *
 * Facts: DP/AP and MEM-AP behaviour from ADIv5 as summarised in
 * doc/protocols.md 4.4; core debug registers 4.5; flash controllers 5.2, 5.4,
 * 5.5 with busy times from the parts' datasheets (typical values):
 * STM32F405 x32 word 16 us, sector 16K/64K/128K 250/550/1000 ms, mass 8 s;
 * STM32L476 double word 82 us, page 22 ms, mass 22 ms;
 * nRF52840 word 41 us, page 85 ms, erase all 200 ms;
 * STM32G071 (DS12232 "Flash memory characteristics") double word 85 us,
 * page 22 ms, mass 22.1 ms; STM32L073 (DS10685) word or 128-byte page
 * 3.2 ms, flash erased to 0; STM32F103 (DS5319) half-word 52.5 us, F072
 * and F303 (DS9826, DS9118) 53.5 us, page and mass erase 20-40 ms, taken
 * at 40 (the sheets give no typical) (doc/protocols.md section 5.7);
 * STM32H563 quad-word 50 us, 8 KiB sector 2 ms, mass erase 100 ms;
 * STM32U575 quad-word 118 us, 8 KiB page and mass erase 1.5 ms; STM32WL55
 * and WB55 double word 82 us, page 22 ms (doc/protocols.md section 5.10);
 * STM32F767 in dual-bank mode at the F405's times; nRF51822 word 41 us,
 * page and erase all 21 ms (doc/protocols.md section 5.11); nRF5340 word
 * 43 us, page 87.5 ms, erase all 173 ms (its Product Specification's NVMC
 * electrical specification, with the HFXO; 5.12, 5.15).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rp2.h"
#include "target.h"
#include "thumb.h"

enum ctl { CTL_F4, CTL_L4, CTL_NRF, CTL_H7, CTL_L0, CTL_RP2, CTL_F1, CTL_H5 };

struct chip {
	const char *name;
	enum ctl ctl;
	uint32_t dpidr, cpuid, ap_idr, dbgmcu;
	uint32_t flash_base, flash_size, page;
	uint32_t ram_base, ram_size, ram2_base, ram2_size;
	uint32_t info_base, info_size;	/* read-only system/FICR block */
	uint32_t regs;			/* flash controller */
	uint32_t dbgmcu_addr;		/* where DBGMCU_IDCODE reads */
	uint32_t wrap;			/* MEM-AP TAR auto-increment window */
	uint32_t prog_us, page_us, mass_us;	/* L4, L0: 0 for the family model's */
	uint32_t sr_busy;		/* L4 SR bits while busy: 0 for BSY alone
					 * (the G0 adds CFGBSY, RM0444) */
	int one_bank;			/* L4 controller: MER1 erases all */
	uint32_t fsize_at;		/* L0, F1, H5 controllers: F_SIZE offset in info */
	uint32_t targetid;		/* DPv2 and later: TARGETID (DP bank 2) */
	int multidrop;			/* dormant at power-up, answers only after TARGETSEL */
	int v6;				/* ADIv6 (DPv3): APs at debug addresses, core 0's
					 * MEM-AP at 0x2000 (RP2350) */
	uint8_t sys_ap;			/* the core's MEM-AP; when not 0, AP 0 is the
					 * debug APB (STM32H5) */
	int ns_regs;			/* L4 controller in the U5 non-secure layout,
					 * 128-bit quad-words */
	uint32_t sfr;			/* WB FLASH_SFR: where CPU2's pages start */
	int dual;			/* F4 controller: 1, two banks of F405 layout,
					 * SNB 16-27 the second; 2, so when OPTCR.DB1M
					 * (bit 30) is set (1 MiB F42x/43x, RM0090 3.4);
					 * 3, so when OPTCR.nDBANK (bit 29) is clear,
					 * else one bank of the layout at twice the size
					 * (F76x/77x, RM0410 3.3.1) */
	uint32_t opt_set, opt_clr;	/* option register bits off the family's reset */
	int nrf51;			/* NVMC without a CTRL-AP; UICR RBPCONF */
	int nrf53;			/* nRF5340 application core: FICR at 0x00FF0000,
					 * pages erased by a word of ones, no CTRL-AP
					 * at AP 1 (the network core's AHB-AP) */
	/* the CRC calculation unit and the RCC register and bit that clock it
	 * (RM0090 4 and 7.3.10, RM0433 21 and 8.7.43); 0: none modelled */
	uint32_t crc, crc_enr, crc_bit;
	const struct ready_rule *ready;	/* clock and regulator status bits */
};


/* Status bits a register reports once what its control bits asked for is
 * done: a clock switched, a PLL locked, a regulator settled. Silicon takes
 * microseconds, a debugger's next read comes later, so the model reports
 * them at once: on a write, rdy is set from ctl (moved to rdy's place), or
 * always when ctl is 0. openocd's target scripts wait for them in
 * reset-init. A row of zeros ends a list. */
struct ready_rule {
	uint32_t addr, ctl, rdy;
};

/* RCC_CFGR SWS (bits 3:2) reports SW (bits 1:0) (doc/protocols.md section 5.6) */
static const struct ready_rule l0_ready[] = { { 0x4002100C, 0x3, 0xC }, { 0 } };
static const struct ready_rule l1_ready[] = { { 0x40023808, 0x3, 0xC }, { 0 } };
/* doc/protocols.md section 5.9: PWR_VOSR VOSRDY (bit 15), BOOSTRDY (14) for BOOSTEN (18);
 * RCC_CR PLL1RDY (25) for PLL1ON (24); RCC_CFGR1 SWS for SW */
static const struct ready_rule u5_ready[] = {
	{ 0x4602080C, 0, 1u << 15 }, { 0x4602080C, 1u << 18, 1u << 14 },
	{ 0x46020C00, 1u << 24, 1u << 25 }, { 0x46020C1C, 0x3, 0xC }, { 0 } };
/* RM0438: RCC_CR PLLRDY (25) for PLLON (24); RCC_CFGR SWS for SW */
static const struct ready_rule l5_ready[] = {
	{ 0x40021000, 1u << 24, 1u << 25 }, { 0x40021008, 0x3, 0xC }, { 0 } };

static const struct chip chips[] = {
	{ "stm32f405", CTL_F4, 0x2BA01477, 0x410FC241, 0x24770011, 0x10076413,
	  0x08000000, 0x100000, 0, 0x20000000, 0x20000, 0x10000000, 0x10000,
	  0x1FFF0000, 0x10000, 0x40023C00, 0xE0042000, .wrap = 0x1000,
	  .crc = 0x40023000, .crc_enr = 0x40023830, .crc_bit = 1u << 12 },
	{ "stm32l476", CTL_L4, 0x2BA01477, 0x410FC241, 0x24770011, 0x10076415,
	  0x08000000, 0x100000, 2048, 0x20000000, 0x18000, 0x10000000, 0x8000,
	  0x1FFF0000, 0x10000, 0x40022000, 0xE0042000, .wrap = 0x1000 },
	{ "nrf52840", CTL_NRF, 0x2BA01477, 0x410FC241, 0x24770011, 0,
	  0x00000000, 0x100000, 4096, 0x20000000, 0x40000, 0, 0,
	  0x10000000, 0x1000, 0x4001E000, 0, .wrap = 0x1000 },
	/* nRF51822 QFAA (micro:bit v1): Cortex-M0, 256 x 1 KiB pages, no
	 * CTRL-AP (nRF51 Series Reference Manual) */
	{ "nrf51822", CTL_NRF, 0x0BB11477, 0x410CC200, 0x04770021, 0,
	  0x00000000, 0x40000, 1024, 0x20000000, 0x4000, 0, 0,
	  0x10000000, 0x1000, 0x4001E000, 0, .wrap = 0x400, .prog_us = 41,
	  .page_us = 21000, .mass_us = 21000, .nrf51 = 1 },
	/* nRF5340 application core: Cortex-M33, 256 x 4 KiB pages, NVMC at
	 * 0x50039000 (nRF5340 Product Specification) */
	{ "nrf5340", CTL_NRF, 0x6BA02477, 0x410FD214, 0x84770001, 0,
	  0x00000000, 0x100000, 4096, 0x20000000, 0x80000, 0, 0,
	  0x00FF0000, 0x1000, 0x50039000, 0, .wrap = 0x400, .prog_us = 43,
	  .page_us = 87500, .mass_us = 173000, .nrf53 = 1 },
	/* STM32H743: Cortex-M7 whose AHB-AP increments TAR within 1 KiB only;
	 * AXI SRAM as the main RAM, DTCM as the second */
	{ "stm32h743", CTL_H7, 0x6BA02477, 0x411FC271, 0x84770001, 0x10036450,
	  0x08000000, 0x200000, 0x20000, 0x24000000, 0x80000, 0x20000000, 0x20000,
	  0x1FF1E000, 0x1000, 0x52002000, 0x5C001000, .wrap = 0x400,
	  .crc = 0x58024C00, .crc_enr = 0x580244E0, .crc_bit = 1u << 19 },
	/* STM32G071RB (NUCLEO-G071RB): the L4 controller behind a Cortex-M0+,
	 * DBGMCU on the APB (RM0444) */
	{ "stm32g071", CTL_L4, 0x0BC11477, 0x410CC601, 0x04770031, 0x10006460,
	  0x08000000, 0x20000, 2048, 0x20000000, 0x9000, 0, 0,
	  0x1FFF0000, 0x10000, 0x40022000, 0x40015800, 0x400, .prog_us = 85,
	  .page_us = 22000, .mass_us = 22100, .sr_busy = 5u << 16, .one_bank = 1 },
	/* STM32L073RZ (NUCLEO-L073RZ): the NVM interface, 128-byte pages erased
	 * to 0, DBGMCU on the APB (RM0377); F_SIZE at 0x1FF8007C */
	{ "stm32l073", CTL_L0, 0x0BC11477, 0x410CC601, 0x04770031, 0x20086447,
	  0x08000000, 0x30000, 128, 0x20000000, 0x5000, 0, 0,
	  0x1FF80000, 0x1000, 0x40022000, 0x40015800, .wrap = 0x400, .fsize_at = 0x7C,
	  .ready = l0_ready },
	/* STM32L152RE (NUCLEO-L152RE, Cat.5): the same NVM interface at
	 * 0x40023C00 with 256-byte pages behind a Cortex-M3 (RM0038); F_SIZE at
	 * 0x1FF800CC; word and page 3.28 ms (DS10181 STM32L151xE/L152xE) */
	{ "stm32l152", CTL_L0, 0x2BA01477, 0x412FC231, 0x24770011, 0x10186437,
	  0x08000000, 0x80000, 256, 0x20000000, 0x14000, 0, 0,
	  0x1FF80000, 0x1000, 0x40023C00, 0xE0042000, .wrap = 0x1000, .fsize_at = 0xCC,
	  .prog_us = 3280, .ready = l1_ready },
	/* STM32F103RB (NUCLEO-F103RB, medium density): the FPEC at 0x40022000,
	 * 128 x 1 KiB pages, half-words only, behind a Cortex-M3 (RM0008);
	 * F_SIZE at 0x1FFFF7E0 */
	{ "stm32f103", CTL_F1, 0x1BA01477, 0x411FC231, 0x14770011, 0x20036410,
	  0x08000000, 0x20000, 1024, 0x20000000, 0x5000, 0, 0,
	  0x1FFFF000, 0x1000, 0x40022000, 0xE0042000, .wrap = 0x1000, .fsize_at = 0x7E0,
	  .prog_us = 53, .page_us = 40000, .mass_us = 40000, .sr_busy = 1 },
	/* STM32F072RB (NUCLEO-F072RB): the same FPEC behind a Cortex-M0, 64 x
	 * 2 KiB pages, DBGMCU on the APB (RM0091); F_SIZE at 0x1FFFF7CC */
	{ "stm32f072", CTL_F1, 0x0BB11477, 0x410CC200, 0x04770021, 0x20006448,
	  0x08000000, 0x20000, 2048, 0x20000000, 0x4000, 0, 0,
	  0x1FFFF000, 0x1000, 0x40022000, 0x40015800, .wrap = 0x400, .fsize_at = 0x7CC,
	  .prog_us = 54, .page_us = 40000, .mass_us = 40000, .sr_busy = 1 },
	/* STM32F303RE (NUCLEO-F303RE): the FPEC behind a Cortex-M4, 256 x 2 KiB
	 * pages (RM0316) */
	{ "stm32f303", CTL_F1, 0x2BA01477, 0x410FC241, 0x24770011, 0x10036446,
	  0x08000000, 0x80000, 2048, 0x20000000, 0x10000, 0x10000000, 0x4000,
	  0x1FFFF000, 0x1000, 0x40022000, 0xE0042000, .wrap = 0x1000, .fsize_at = 0x7CC,
	  .prog_us = 54, .page_us = 40000, .mass_us = 40000, .sr_busy = 1 },
	/* STM32H563ZI (NUCLEO-H563ZI): Cortex-M33 behind AP 1, the debug APB at
	 * AP 0 (RM0481); two banks of 128 x 8 KiB sectors, 128-bit quad-words
	 * through one write buffer; FLASHSIZE at 0x08FFF80C */
	{ "stm32h563", CTL_H5, 0x0BE12477, 0x410FD214, 0x14770015, 0x10016484,
	  0x08000000, 0x200000, 8192, 0x20000000, 0xA0000, 0, 0,
	  0x08FFF000, 0x1000, 0x40022000, 0x44024000, .wrap = 0x400, .fsize_at = 0x80C,
	  .prog_us = 50, .page_us = 2000, .mass_us = 100000, .sys_ap = 1 },
	/* STM32U575ZI (NUCLEO-U575ZI-Q): the L4 controller in its non-secure
	 * layout (NSKEYR +0x08, NSSR +0x20, NSCR +0x28, OPTR +0x40), two banks of
	 * 128 x 8 KiB pages, 128-bit quad-words; DBGMCU at 0xE0044000, FLASHSIZE
	 * at 0x0BFA07A0 (RM0456) */
	{ "stm32u575", CTL_L4, 0x0BE12477, 0x410FD214, 0x14770015, 0x20016482,
	  0x08000000, 0x200000, 8192, 0x20000000, 0xC0000, 0, 0,
	  0x0BFA0000, 0x1000, 0x40022000, 0xE0044000, .wrap = 0x400, .prog_us = 118,
	  .page_us = 1500, .mass_us = 1500, .ns_regs = 1, .fsize_at = 0x7A0,
	  .ready = u5_ready },
	/* STM32WL55JC (NUCLEO-WL55JC1): the L4 controller at 0x58004000 with
	 * CFGBSY, one bank of 128 x 2 KiB pages (RM0461) */
	{ "stm32wl55", CTL_L4, 0x2BA01477, 0x410FC241, 0x24770011, 0x10066497,
	  0x08000000, 0x40000, 2048, 0x20000000, 0x10000, 0, 0,
	  0x1FFF0000, 0x10000, 0x58004000, 0xE0042000, .wrap = 0x1000, .prog_us = 82,
	  .page_us = 22000, .mass_us = 22100, .sr_busy = 5u << 16, .one_bank = 1 },
	/* STM32WB55RG (NUCLEO-WB55RG): the same at 0x58004000, 256 x 4 KiB
	 * pages of which CPU2's wireless stack holds those from FLASH_SFR.SFSA
	 * 0xE0 on (RM0434) */
	{ "stm32wb55", CTL_L4, 0x2BA01477, 0x410FC241, 0x24770011, 0x20016495,
	  0x08000000, 0x100000, 4096, 0x20000000, 0x30000, 0, 0,
	  0x1FFF0000, 0x10000, 0x58004000, 0xE0042000, .wrap = 0x1000, .prog_us = 82,
	  .page_us = 22000, .mass_us = 22100, .sr_busy = 5u << 16, .one_bank = 1,
	  .sfr = 0x000000E0 },
	/* STM32F767ZI (NUCLEO-F767ZI) with OPTCR.nDBANK clear: two banks of 4 x
	 * 16 KiB, 64 KiB and 7 x 128 KiB sectors, bank 2 at 0x08100000 (RM0410
	 * 3.3.2); with it set (options=), one bank of 4 x 32 KiB, 128 KiB and
	 * 7 x 256 KiB; Cortex-M7; FLASH_SIZE at 0x1FF0F442 */
	{ "stm32f767", CTL_F4, 0x5BA02477, 0x411FC270, 0x74770001, 0x10016451,
	  0x08000000, 0x200000, 0, 0x20000000, 0x80000, 0, 0,
	  0x1FF0F000, 0x1000, 0x40023C00, 0xE0042000, .wrap = 0x400, .fsize_at = 0x442,
	  .dual = 3, .crc = 0x40023000, .crc_enr = 0x40023830, .crc_bit = 1u << 12 },
	/* STM32F429ZI (2 MiB): two banks of the F405 layout, bank 2 at
	 * 0x08100000 erased by SNB 16-27 (RM0090 3.3, Table 6); 192 KiB of SRAM
	 * from 0x20000000 (DS9405) */
	{ "stm32f429zi", CTL_F4, 0x2BA01477, 0x410FC241, 0x24770011, 0x20016419,
	  0x08000000, 0x200000, 0, 0x20000000, 0x30000, 0x10000000, 0x10000,
	  0x1FFF0000, 0x10000, 0x40023C00, 0xE0042000, .wrap = 0x1000, .fsize_at = 0x7A22,
	  .dual = 1,
	  .crc = 0x40023000, .crc_enr = 0x40023830, .crc_bit = 1u << 12 },
	/* STM32F429ZG (1 MiB): one bank of 4 x 16 KiB, 64 KiB and 7 x 128 KiB
	 * sectors, or, with OPTCR.DB1M set, two banks of 4 x 16 KiB, 64 KiB and
	 * 3 x 128 KiB, bank 2 at 0x08080000 as sectors 12-19 (RM0090 3.3, Table 7) */
	{ "stm32f429zg", CTL_F4, 0x2BA01477, 0x410FC241, 0x24770011, 0x20016419,
	  0x08000000, 0x100000, 0, 0x20000000, 0x30000, 0x10000000, 0x10000,
	  0x1FFF0000, 0x10000, 0x40023C00, 0xE0042000, .wrap = 0x1000, .fsize_at = 0x7A22,
	  .dual = 2,
	  .crc = 0x40023000, .crc_enr = 0x40023830, .crc_bit = 1u << 12 },
	/* STM32L476RE (512 KiB) with OPTR.DUALBANK clear: one bank of 256 x 2 KiB
	 * pages, page numbers 0-255 without BKER (RM0351 3.3.1, 3.7.8) */
	{ "stm32l476re", CTL_L4, 0x2BA01477, 0x410FC241, 0x24770011, 0x10076415,
	  0x08000000, 0x80000, 2048, 0x20000000, 0x18000, 0x10000000, 0x8000,
	  0x1FFF0000, 0x10000, 0x40022000, 0xE0042000, .wrap = 0x1000, .one_bank = 1,
	  .opt_clr = 1u << 21 },
	/* STM32L552 (NUCLEO-L552ZE-Q): a part mpf-swd has no driver for; its
	 * DBGMCU_IDCODE is at 0xE0044000 (RM0438) */
	{ "stm32l552", CTL_L4, 0x0BE12477, 0x410FD213, 0x14770015, 0x10006472,
	  0x08000000, 0x80000, 2048, 0x20000000, 0x40000, 0, 0,
	  0x0BFA0000, 0x10000, 0x40022000, 0xE0044000, 0x400, .one_bank = 1,
	  .ready = l5_ready },
	/* RP2040 (Raspberry Pi Pico): two Cortex-M0+ cores, each behind its
	 * own DP on one multidrop SWD bus (TARGETSEL instance 0 and 1), the
	 * 2 MiB W25Q16JV behind the SSI's XIP window, 264 KiB of SRAM; its
	 * flash is written by the boot ROM's functions (rp2.c) */
	{ "rp2040", CTL_RP2, 0x0BC12477, 0x410CC601, 0x04770031, 0,
	  0x10000000, 0x200000, 4096, 0x20000000, 0x42000, 0, 0,
	  0, 0, 0, 0, .wrap = 0x400, .targetid = 0x01002927, .multidrop = 1 },
	/* RP2350A (Raspberry Pi Pico 2): one ADIv6 debug port (DPv3), dormant
	 * at power-up, multidrop instance 0, in front of the core 0 and core 1
	 * AHB5 MEM-APs at 0x2000 and 0x4000, the RISC-V Debug Module's APB-AP
	 * at 0xA000 and the RP-AP at 0x80000 (RP2350 datasheet 3.5); core 0 a
	 * Cortex-M33 r1p0; the 4 MiB W25Q32JV behind the QMI, 520 KiB of SRAM.
	 * The MEM-AP's IDR is the model's own (the datasheet does not give it):
	 * an AHB5 MEM-AP by its class and type */
	{ "rp2350", CTL_RP2, 0x4C013477, 0x411FD210, 0x14770015, 0,
	  0x10000000, 0x400000, 4096, 0x20000000, 0x82000, 0, 0,
	  0, 0, 0, 0, .wrap = 0x400, .targetid = 0x00040927, .multidrop = 1, .v6 = 1 },
};

#define SCRATCH_MAX 65536	/* words of peripheral/PPB space remembered */

/* What each DP of a multidrop bus and the core behind it keep for
 * themselves: the other core's copy waits here while one is selected. */
struct core_side {
	uint32_t ctrl, select, last_ap_read, csw, tar;
	int halted, lockup, reset_st, retire;
	uint32_t dhcsr_c, demcr, dcrdr;
	uint32_t regs[0x60];
	struct thumb_cpu cpu;
};

struct dapsim_target {
	const struct chip *c;
	struct dapsim_counts n;
	uint8_t *flash, *ram, *ram2, *info, *uicr;
	uint32_t idcode;		/* DBGMCU_IDCODE as read */
	struct { uint32_t addr, val; } *scratch;
	size_t nscratch;
	uint64_t now;
	/* SWD line */
	int swd, need_dpidr, armed;
	unsigned ones;
	uint16_t shift;
	unsigned shift_bits;
	int nreset;
	/* DP */
	uint32_t ctrl, select;
	uint32_t last_ap_read;
	/* MEM-AP */
	uint32_t csw, tar;
	/* core */
	int halted, lockup, reset_st, retire;
	uint32_t dhcsr_c, demcr, dcrdr, dcrsr;
	uint32_t regs[0x60];
	struct thumb_cpu cpu;
	uint64_t run_limit;		/* the core may run up to this time */
	/* flash controller */
	uint64_t busy_until;
	uint32_t cr, sr, optr;
	uint32_t ar;			/* F1 FLASH_AR: the page to erase */
	int keyseq;			/* KEYR: 0, 1 after KEY1, 2 locked until reset */
	int prgseq;			/* L0 PRGKEYR, the same way */
	int dw_pending;			/* L4: words of the unit written so far */
	uint32_t dw_addr;
	uint8_t dw_buf[16];
	uint32_t nvmc_config;
	/* H7: per bank CR, SR, key state, 256-bit write buffer */
	struct h7bank {
		uint32_t cr, sr;
		int keyseq;
		uint64_t busy_until;
		uint32_t wb_addr;	/* flash word being filled, ~0 none */
		uint8_t wb[32];
		uint32_t wb_mask;	/* bytes written */
	} h7[2];
	int approtect;			/* AHB-AP closed */
	int tzen;			/* H5: TrustZone on */
	uint64_t pesd_us, pesd_until;	/* WB: CPU2 suspends flash operations
					 * for pesd_us from the first access */
	uint64_t left_busy_us;		/* an erase a session before left running:
					 * busy for that long from the first access */
	uint32_t apb_tar;		/* H5: TAR of the debug APB-AP */
	int own_mem;			/* flash and uicr are ours to free */
	int swd_off;			/* the application turns the SWD pins into GPIOs */
	uint32_t crc_dr;		/* the CRC unit's register */
	uint32_t cpu_corrupt;		/* flash byte the core programs with bit 0
					 * flipped (a wrong routine), 0 none */
	uint32_t stuck;			/* flash byte whose bit 0 reads 0 (a worn
					 * cell), 0 none */
	uint64_t eraseall_until;
	uint32_t ctrl_reset;
	/* multidrop (ADIv5.2 B4.3.4, B5.3.4): dormant until the selection
	 * alert and SWD activation code; after a line reset no DP answers
	 * until TARGETSEL names one (sel -2), a DP not named stays silent
	 * (sel -1) until the next line reset */
	int dormant, sel, alert;
	uint64_t seq_lo, seq_hi;	/* the last 128 bits on SWDIO */
	int tsel_pos;			/* TARGETSEL through DAP_SWD_Sequence */
	int core;			/* the instance whose state is loaded */
	struct core_side *other;
	struct dapsim_rp2 *rp2;
	/* RP2350 */
	uint32_t rp_ctrl;		/* RP-AP CTRL */
	uint32_t select1;		/* DPv3 SELECT1: address bits 63:32 */
	int riscv;			/* the cores run RISC-V: the Arm ones are held */
	int rcp_seeded;			/* the RCP's canary seeds are set */
};

static void violation(struct dapsim_target *t, const char *fmt, ...)
{
	va_list ap;

	t->n.violations++;
	fprintf(stderr, "dapsim: %s: ", t->c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- sparse word store for peripherals and the PPB ---- */

static uint32_t *scratch(struct dapsim_target *t, uint32_t addr, int create)
{
	size_t i;

	for (i = 0; i < t->nscratch; i++)
		if (t->scratch[i].addr == addr)
			return &t->scratch[i].val;
	if (!create || t->nscratch == SCRATCH_MAX)
		return NULL;
	t->scratch[t->nscratch].addr = addr;
	t->scratch[t->nscratch].val = 0;
	return &t->scratch[t->nscratch++].val;
}

/* ---- reset ---- */

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

uint32_t dapsim_lane_get(const uint8_t *p, uint32_t addr, int size)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < size; i++)
		v |= (uint32_t)p[i] << (8 * ((addr + i) & 3));
	return v;
}

static void lane_put(uint8_t *p, uint32_t addr, int size, uint32_t v)
{
	int i;

	for (i = 0; i < size; i++)
		p[i] = v >> (8 * ((addr + i) & 3));
}

#define SWAP(a, b) do { \
		unsigned char tmp_[sizeof(a)]; \
		memcpy(tmp_, &(a), sizeof(a)); \
		memcpy(&(a), &(b), sizeof(a)); \
		memcpy(&(b), tmp_, sizeof(a)); \
	} while (0)

/* Load the other DP and core of a multidrop bus, saving this one's. */
static void core_swap(struct dapsim_target *t)
{
	struct core_side *o = t->other;

	SWAP(t->ctrl, o->ctrl);
	SWAP(t->select, o->select);
	SWAP(t->last_ap_read, o->last_ap_read);
	SWAP(t->csw, o->csw);
	SWAP(t->tar, o->tar);
	SWAP(t->halted, o->halted);
	SWAP(t->lockup, o->lockup);
	SWAP(t->reset_st, o->reset_st);
	SWAP(t->retire, o->retire);
	SWAP(t->dhcsr_c, o->dhcsr_c);
	SWAP(t->demcr, o->demcr);
	SWAP(t->dcrdr, o->dcrdr);
	SWAP(t->regs, o->regs);
	SWAP(t->cpu, o->cpu);
	t->core ^= 1;
}

static void core_reset(struct dapsim_target *t)
{
	uint32_t sp = rd32(t->flash), pc = rd32(t->flash + 4);

	if (t->rp2) {		/* the vectors are the boot ROM's */
		dapsim_rp2_read(t->rp2, 0, 4, &sp, 0);
		dapsim_rp2_read(t->rp2, 4, 4, &pc, 0);
	}
	memset(t->regs, 0, sizeof(t->regs));
	t->regs[13] = t->regs[17] = sp;
	t->regs[15] = pc & ~1u;
	t->regs[16] = 0x01000000;
	t->reset_st = 1;
	t->lockup = 0;
	t->cpu.running = 0;
	/* the core is caught at the reset vector when asked, else it runs */
	t->halted = (t->dhcsr_c & 1) && (t->demcr & 1);
	if (t->halted)
		t->dhcsr_c |= 2;
}

static void sysreset(struct dapsim_target *t)
{
	t->n.resets++;
	t->cr = t->c->ctl == CTL_F4 ? 0x80000000u : 0xC0000000u;	/* LOCK (| OPTLOCK) */
	if (t->c->ctl == CTL_L0)
		t->cr = 7;	/* PECR: PELOCK PRGLOCK OPTLOCK */
	if (t->c->ctl == CTL_F1)
		t->cr = 0x80;	/* LOCK */
	t->sr = 0;
	t->keyseq = t->prgseq = 0;
	t->dw_pending = 0;
	t->busy_until = 0;
	t->nvmc_config = 0;
	memset(t->h7, 0, sizeof(t->h7));
	t->h7[0].cr = t->h7[1].cr = t->c->ctl == CTL_H5 ? 1 : 0x31;	/* LOCK (H7: PSIZE x64) */
	t->h7[0].wb_addr = t->h7[1].wb_addr = ~0u;
	core_reset(t);
	if (t->other) {		/* SYSRESETREQ resets both cores of an RP2040 */
		core_swap(t);
		core_reset(t);
		core_swap(t);
	}
	if (t->rp2)
		dapsim_rp2_reset(t->rp2);
	if (t->c->v6) {		/* the RCP starts unseeded, CPACR cleared */
		uint32_t *cpacr = scratch(t, 0xE000ED88u, 0);

		t->rcp_seeded = 0;
		if (cpacr)
			*cpacr = 0;
	}
	if (t->c->ctl == CTL_NRF && !t->c->nrf51 && !t->c->nrf53)
		t->approtect = rd32(t->uicr + 0x208) != 0xFFFFFFFFu;
	if (t->c->v6)		/* the UICR word stands for the RP2350's OTP CRIT1 */
		t->approtect = rd32(t->uicr + 0x208) == 0xFFFFFFFFu ? 0
			     : rd32(t->uicr + 0x208) ? 2 : 1;
}

struct dapsim_target *dapsim_target_new(const char *model)
{
	struct dapsim_target *t;
	const struct chip *c = NULL;
	size_t i;

	for (i = 0; i < sizeof(chips) / sizeof(chips[0]); i++)
		if (!strcmp(chips[i].name, model))
			c = &chips[i];
	if (!c)
		return NULL;
	t = calloc(1, sizeof(*t));
	t->c = c;
	t->flash = malloc(c->flash_size);
	memset(t->flash, dapsim_flash_erased(t), c->flash_size);
	t->crc_dr = 0xFFFFFFFFu;
	t->ram = calloc(1, c->ram_size);
	t->ram2 = c->ram2_size ? calloc(1, c->ram2_size) : NULL;
	t->info = calloc(1, c->info_size);
	t->uicr = malloc(0x1000);
	memset(t->uicr, 0xFF, 0x1000);
	t->scratch = calloc(SCRATCH_MAX, sizeof(*t->scratch));
	t->own_mem = 1;
	t->nreset = 1;
	if (c->multidrop) {
		t->other = c->v6 ? NULL : calloc(1, sizeof(*t->other));
		t->dormant = 1;	/* multidrop DPs wake up dormant */
	}
	if (c->ctl == CTL_RP2) {
		t->rp2 = dapsim_rp2_new(t, &t->n, c->v6);
		dapsim_rp2_memory(t->rp2, t->flash, c->flash_size);
	}
	/* reset values: F4 OPTCR; L476 OPTR with DUALBANK set; F1 OBR, no
	 * read protection */
	t->optr = c->ctl == CTL_F4 ? 0x0FFFAAEDu : c->ctl == CTL_F1 ? 0x03FFFFFCu : 0xFFEFF8AAu;
	if (c->ns_regs)
		t->optr = 0x7FEFF8AAu;	/* U5: TZEN off, DUALBANK, banks not swapped */
	if (c->ctl == CTL_H5 || c->ctl == CTL_H7)
		t->optr = 0;		/* OPTCR: banks not swapped */
	t->optr = (t->optr | c->opt_set) & ~c->opt_clr;
	t->idcode = c->dbgmcu;
	if (c->ctl == CTL_F4 && !c->fsize_at) {
		memset(t->info + 0x7800, 0xFF, 0x210);	/* OTP */
		wr32(t->info + 0x7A10, 0x00330021);	/* unique id */
		wr32(t->info + 0x7A20, 0x0400u << 16);	/* flash size: 1024 KiB at 0x1FFF7A22 */
	} else if (c->ctl == CTL_H7) {
		wr32(t->info + 0x880, 0x0800);		/* flash size: 2048 KiB at 0x1FF1E880 */
	} else if (c->fsize_at) {
		t->info[c->fsize_at] = (uint8_t)(c->flash_size / 1024);	/* F_SIZE, u16 */
		t->info[c->fsize_at + 1] = (uint8_t)(c->flash_size / 1024 >> 8);
	} else if (c->ctl == CTL_L4) {
		wr32(t->info + 0x7590, 0x00210045);
		wr32(t->info + 0x75E0, c->flash_size / 1024);	/* flash size register */
	} else if (c->nrf53) {
		wr32(t->info + 0x20C, 0x5340);		/* INFO.PART */
		wr32(t->info + 0x218, 512);		/* INFO.RAM (KiB) */
		wr32(t->info + 0x220, 4096);		/* INFO.CODEPAGESIZE */
		wr32(t->info + 0x224, 256);		/* INFO.CODESIZE */
	} else if (c->nrf51) {
		wr32(t->info + 0x10, 1024);		/* CODEPAGESIZE */
		wr32(t->info + 0x14, 256);		/* CODESIZE */
		wr32(t->info + 0x34, 2);		/* NUMRAMBLOCK */
		wr32(t->info + 0x38, 0x2000);		/* SIZERAMBLOCKS */
		wr32(t->info + 0x5C, 0xFFFF0087);	/* CONFIGID: HWID */
		wr32(t->info + 0x100, 0xFFFFFFFF);	/* no INFO.PART */
	} else if (c->ctl == CTL_NRF) {
		wr32(t->info + 0x10, 4096);		/* CODEPAGESIZE */
		wr32(t->info + 0x14, 256);		/* CODESIZE */
		wr32(t->info + 0x100, 0x52840);		/* INFO.PART */
		wr32(t->info + 0x104, 0x41414430);	/* "AAD0" */
		wr32(t->info + 0x108, 0x2004);
		wr32(t->info + 0x10C, 256);
		wr32(t->info + 0x110, 1024);
	}
	sysreset(t);
	t->n.resets = 0;
	return t;
}

void dapsim_target_free(struct dapsim_target *t)
{
	if (!t)
		return;
	if (t->own_mem) {
		free(t->flash);
		free(t->uicr);
	}
	free(t->ram);
	free(t->ram2);
	free(t->info);
	free(t->scratch);
	free(t->other);
	if (t->rp2)
		dapsim_rp2_free(t->rp2);
	free(t);
}

uint32_t dapsim_flash_size(const struct dapsim_target *t)
{
	return t->c->flash_size;
}

int dapsim_flash_erased(const struct dapsim_target *t)
{
	return t->c->ctl == CTL_L0 ? 0x00 : 0xFF;
}

void dapsim_target_use_memory(struct dapsim_target *t, uint8_t *flash, uint8_t *uicr)
{
	if (t->own_mem) {
		free(t->flash);
		free(t->uicr);
	}
	t->own_mem = 0;
	t->flash = flash;
	t->uicr = uicr;
	if (t->rp2)
		dapsim_rp2_memory(t->rp2, flash, t->c->flash_size);
	sysreset(t);
	t->n.resets = 0;
}

void dapsim_target_protect(struct dapsim_target *t)
{
	if (t->c->nrf51) {
		wr32(t->uicr + 0x004, 0xFFFF00FFu);	/* RBPCONF: PALL on */
		return;
	}
	wr32(t->uicr + 0x208, 0);
	/* RP2350: OTP CRIT1.DEBUG_DISABLE (datasheet 3.5.9.1) */
	t->approtect = t->c->ctl == CTL_NRF || t->c->v6;
	t->tzen = t->c->ctl == CTL_H5;
	if (t->c->ns_regs)
		t->optr |= 1u << 31;	/* U5 OPTR.TZEN */
}

void dapsim_target_cpu2_pes(struct dapsim_target *t, uint64_t us)
{
	t->pesd_us = us;
}

void dapsim_target_protect_secure(struct dapsim_target *t)
{
	if (t->c->v6) {
		wr32(t->uicr + 0x208, 0x5EC);
		t->approtect = 2;
	}
}

void dapsim_target_set_options(struct dapsim_target *t, uint32_t v)
{
	t->optr = v;
}

/* Where the model keeps the STM32 flash size register (u16 KiB), as an
 * offset into its system memory block; 0: none. */
static uint32_t fsize_off(const struct chip *c)
{
	if (c->fsize_at)
		return c->fsize_at;
	return c->ctl == CTL_F4 ? 0x7A22 : c->ctl == CTL_H7 ? 0x880 : c->ctl == CTL_L4 ? 0x75E0 : 0;
}

void dapsim_target_present(struct dapsim_target *t, uint32_t idcode, uint32_t flash_kib)
{
	uint32_t off = fsize_off(t->c);

	t->idcode = idcode;
	if (off) {
		t->info[off] = (uint8_t)flash_kib;
		t->info[off + 1] = (uint8_t)(flash_kib >> 8);
	}
}

void dapsim_target_swap_banks(struct dapsim_target *t)
{
	t->optr |= t->c->ns_regs ? 1u << 20 : 1u << 31;	/* U5 OPTR; H5 OPTCR */
}

const char *dapsim_model(const struct dapsim_target *t) { return t->c->name; }
uint64_t dapsim_now(const struct dapsim_target *t)
{
	return t->now;
}

int dapsim_halted(const struct dapsim_target *t) { return t->halted; }
const struct dapsim_counts *dapsim_counts(const struct dapsim_target *t) { return &t->n; }

/* ---- memory map ---- */

static uint8_t *direct(struct dapsim_target *t, uint32_t addr, uint32_t len, int *ro)
{
	const struct chip *c = t->c;

	*ro = 0;
	if (addr >= c->ram_base && addr - c->ram_base + (uint64_t)len <= c->ram_size)
		return t->ram + (addr - c->ram_base);
	if (c->ram2_size && addr >= c->ram2_base && addr - c->ram2_base + (uint64_t)len <= c->ram2_size)
		return t->ram2 + (addr - c->ram2_base);
	*ro = 1;
	if (addr >= c->flash_base && addr - c->flash_base + (uint64_t)len <= c->flash_size)
		return t->flash + (addr - c->flash_base);
	if (addr >= c->info_base && addr - c->info_base + (uint64_t)len <= c->info_size)
		return t->info + (addr - c->info_base);
	if (c->ctl == CTL_NRF && addr >= 0x10001000 && addr - 0x10001000 + (uint64_t)len <= 0x1000)
		return t->uicr + (addr - 0x10001000);
	return NULL;
}

/* Memory copied out of (poke: into) the target behind the bus's back. */
static int copy(struct dapsim_target *t, uint32_t addr, uint8_t *buf, size_t len, int poke)
{
	int ro;
	uint8_t *p = direct(t, addr, (uint32_t)len, &ro);

	if (!p)
		return -1;
	if (poke)
		memcpy(p, buf, len);
	else
		memcpy(buf, p, len);
	return 0;
}

int dapsim_peek(struct dapsim_target *t, uint32_t addr, uint8_t *out, size_t len)
{
	return copy(t, addr, out, len, 0);
}

int dapsim_poke(struct dapsim_target *t, uint32_t addr, const uint8_t *in, size_t len)
{
	return copy(t, addr, (uint8_t *)in, len, 1);
}

static int busy(const struct dapsim_target *t)
{
	return t->now < t->busy_until || t->now < t->h7[0].busy_until ||
	       t->now < t->h7[1].busy_until;
}

static int in_flash(const struct dapsim_target *t, uint32_t addr)
{
	return addr >= t->c->flash_base && addr - t->c->flash_base < t->c->flash_size;
}

static int is_nrf_uicr(const struct dapsim_target *t, uint32_t addr)
{
	return t->c->ctl == CTL_NRF && addr >= 0x10001000 && addr < 0x10002000;
}

static void sysreset(struct dapsim_target *t);

/* ---- flash controllers ---- */

#define F4_PROG_US	16
#define L4_PROG_US	82
#define NRF_PROG_US	41

static void flash_and(struct dapsim_target *t, uint32_t addr, const uint8_t *src, int size)
{
	uint8_t *p = t->flash + (addr - t->c->flash_base);
	int i;

	for (i = 0; i < size; i++)
		p[i] &= src[i];	/* programming only clears bits */
	t->n.programs++;
}

static void set_busy(struct dapsim_target *t, uint64_t us)
{
	t->busy_until = t->now + us;
}

/* A chip's own busy time, or its family model's when it gives none. */
static uint64_t chip_us(uint32_t own_us, uint32_t family_us)
{
	return own_us ? own_us : family_us;
}

static uint64_t f4_sector_us(uint32_t snb, uint32_t *start, uint32_t *size)
{
	if (snb < 4) {
		*start = snb * 0x4000;
		*size = 0x4000;
		return 250000;
	}
	if (snb == 4) {
		*start = 0x10000;
		*size = 0x10000;
		return 550000;
	}
	*start = 0x20000 * (snb - 4);
	*size = 0x20000;
	return 1000000;
}

/* The F4 controller's bank 2, 0 when there is one bank. */
static uint32_t f4_bank2(const struct dapsim_target *t)
{
	if (t->c->dual == 1 || (t->c->dual == 2 && (t->optr & (1u << 30))) ||
	    (t->c->dual == 3 && !(t->optr & (1u << 29))))
		return t->c->flash_size / 2;
	return 0;
}

/* 2 for the F76x's single-bank sectors (32, 128, 256 KiB), else 1; the
 * doubled sectors take twice the F405's times (no datasheet figure). */
static unsigned f4_scale(const struct dapsim_target *t)
{
	return t->c->dual == 3 && (t->optr & (1u << 29)) ? 2 : 1;
}

static void f4_cr_write(struct dapsim_target *t, uint32_t v)
{
	uint32_t start, size, snb = (v >> 3) & 0x1F, half = f4_bank2(t);
	unsigned k = f4_scale(t);

	if (t->cr & 0x80000000u) {
		if (v != 0x80000000u)	/* locking again is harmless */
			violation(t, "FLASH_CR written while locked (0x%08x ignored)", v);
		return;
	}
	t->cr = v & 0x800183FFu;
	if (v & 0x80000000u)
		t->n.relocks++;
	if (!(v & (1u << 16)))
		return;
	t->cr &= ~(1u << 16);
	if (busy(t)) {
		violation(t, "FLASH_CR.STRT while BSY");
		return;
	}
	if (v & ((1u << 2) | (1u << 15))) {	/* MER, MER2 (bank 2 of a dual bank) */
		if (v & (1u << 2))
			memset(t->flash, 0xFF, half ? half : t->c->flash_size);
		if (half && (v & (1u << 15)))
			memset(t->flash + half, 0xFF, half);
		t->n.mass_erases++;
		set_busy(t, 8000000);
	} else if (v & (1u << 1)) {		/* SER */
		uint64_t us = f4_sector_us(snb & 15, &start, &size) * k;

		start *= k;
		size *= k;
		if ((snb & 15) > 11 || (snb > 15 && !half) ||
		    start + size > (half ? half : t->c->flash_size)) {
			violation(t, "sector erase of SNB %u: no such sector", snb);
			t->sr |= 1u << 7;	/* PGSERR */
			return;
		}
		set_busy(t, us);
		memset(t->flash + (snb > 15 ? half : 0) + start, 0xFF, size);
		t->n.erases++;
	} else {
		t->sr |= 1u << 7;
	}
}

/* F4: the access width must equal PSIZE (PGPERR), be aligned (PGAERR), and
 * PG must be set (PGSERR). */
static int f4_flash_write(struct dapsim_target *t, uint32_t addr, int size, uint32_t v)
{
	int psize = 1 << ((t->cr >> 8) & 3);
	uint8_t b[4];

	if (!(t->cr & 1)) {
		violation(t, "write to flash 0x%08x without FLASH_CR.PG", addr);
		t->sr |= 1u << 7;
		return 0;
	}
	if (size != psize) {
		violation(t, "%d-byte write to flash with PSIZE %d bytes", size, psize);
		t->sr |= 1u << 6;
		return 0;
	}
	lane_put(b, addr, size, v);
	flash_and(t, addr, b, size);
	set_busy(t, size == 4 ? F4_PROG_US : 16);
	return 0;
}

/* The flash key sequence of every STM32 controller here (RM0090 3.6.1 and
 * its L4/H7 twins): KEY1 then KEY2 clears the LOCK bit of *cr; any other
 * write is a bus error and locks KEYR until reset (*seq 2). */
static int keyr_write(struct dapsim_target *t, int *seq, uint32_t *cr, uint32_t lock, uint32_t v,
		      const char *name)
{
	if (*seq == 0 && v == 0x45670123u) {
		*seq = 1;
	} else if (*seq == 1 && v == 0xCDEF89ABu) {
		*seq = 0;
		*cr &= ~lock;
		t->n.unlocks++;
	} else {
		if (*seq != 2)
			violation(t, "wrong %s sequence: locked until reset", name);
		*seq = 2;
		return -1;	/* bus error */
	}
	return 0;
}

/* The L0's two key registers: bit lock of PECR cleared by key1, key2. */
static int keyr_write2(struct dapsim_target *t, uint32_t lock, uint32_t key1, uint32_t key2,
		       uint32_t v, const char *name)
{
	int *seq = lock == 1 ? &t->keyseq : &t->prgseq;

	if (*seq == 0 && v == key1) {
		*seq = 1;
	} else if (*seq == 1 && v == key2) {
		*seq = 0;
		t->cr &= ~lock;
		t->n.unlocks += lock == 2;
	} else {
		if (*seq != 2)
			violation(t, "wrong %s sequence: locked until reset", name);
		*seq = 2;
		return -1;
	}
	return 0;
}

/* WB: the pages from FLASH_SFR.SFSA on are CPU2's; CPU1 gets WRPERR. */
static int cpu2_page(struct dapsim_target *t, uint32_t addr)
{
	if (!t->c->sfr || addr - t->c->flash_base < (t->c->sfr & 0xFF) * t->c->page)
		return 0;
	violation(t, "CPU1 access to CPU2's secure flash at 0x%08x (WRPERR)", addr);
	return 1;
}

static void l4_cr_write(struct dapsim_target *t, uint32_t v)
{
	uint32_t bank = t->c->flash_size / (t->c->one_bank ? 1 : 2), page = (v >> 3) & 0xFF, base;

	if (t->cr & 0x80000000u) {
		if (!(v & ~0xC0000000u))
			return;
		violation(t, "FLASH_CR written while locked (0x%08x ignored)", v);
		return;
	}
	t->cr = (v & ~(1u << 16)) | (t->cr & 0x40000000u);
	if (v & 0x80000000u)
		t->n.relocks++;
	if (!(v & (1u << 16)))
		return;
	if (busy(t)) {
		violation(t, "FLASH_CR.STRT while BSY");
		return;
	}
	if (t->now < t->pesd_until) {
		violation(t, "FLASH_CR.STRT while CPU2 holds flash operations (PESD)");
		return;
	}
	if (t->sr & 0x3FA) {
		violation(t, "FLASH_CR.STRT with error flags set (SR 0x%08x)", t->sr);
		t->sr |= 1u << 7;
		return;
	}
	if (t->c->sfr && (v & ((1u << 2) | (1u << 15)))) {
		violation(t, "mass erase with CPU2's secure pages present (WRPERR)");
		t->sr |= 1u << 4;
		return;
	}
	if (v & ((1u << 2) | (1u << 15))) {	/* MER1 / MER2 */
		if (v & (1u << 2))
			memset(t->flash, 0xFF, bank);
		if ((v & (1u << 15)) && !t->c->one_bank)
			memset(t->flash + bank, 0xFF, bank);
		t->n.mass_erases++;
		set_busy(t, chip_us(t->c->mass_us, 22000));
	} else if (v & (1u << 1)) {		/* PER */
		base = (v & (1u << 11) ? bank : 0) + page * t->c->page;
		if (cpu2_page(t, t->c->flash_base + base)) {
			t->sr |= 1u << 4;	/* WRPERR */
			return;
		}
		if (base >= t->c->flash_size) {
			violation(t, "page erase of page %u: no such page", page);
			t->sr |= 1u << 7;	/* PGSERR */
			return;
		}
		memset(t->flash + base, 0xFF, t->c->page);
		t->n.erases++;
		set_busy(t, chip_us(t->c->page_us, 22000));
	} else {
		t->sr |= 1u << 7;
	}
}

/* L4: 64-bit double words (U5: 128-bit quad-words), word writes in a row
 * to an erased unit; anything else is SIZERR / PGAERR / PROGERR / PGSERR. */
static int l4_flash_write(struct dapsim_target *t, uint32_t addr, int size, uint32_t v)
{
	uint32_t unit = t->c->ns_regs ? 16 : 8, i;
	uint8_t *p;

	if (!(t->cr & 1)) {
		violation(t, "write to flash 0x%08x without FLASH_CR.PG", addr);
		t->sr |= 1u << 7;
		return 0;
	}
	if (t->now < t->pesd_until) {
		violation(t, "write to flash 0x%08x while CPU2 holds flash operations (PESD)", addr);
		return 0;
	}
	if (cpu2_page(t, addr)) {
		t->sr |= 1u << 4;
		return 0;
	}
	if (size != 4) {
		violation(t, "%d-byte write to flash (whole %u-byte units only)", size, unit);
		t->sr |= 1u << 6;
		return 0;
	}
	if (!t->dw_pending && (addr & (unit - 1))) {
		violation(t, "flash unit starts at 0x%08x (not %u-aligned)", addr, unit);
		t->sr |= 1u << 5;
		return 0;
	}
	if (t->dw_pending && addr != t->dw_addr + 4 * t->dw_pending) {
		violation(t, "word at 0x%08x does not follow 0x%08x", addr, t->dw_addr);
		t->dw_pending = 0;
		t->sr |= 1u << 5;
		return 0;
	}
	if (!t->dw_pending)
		t->dw_addr = addr;
	wr32(t->dw_buf + 4 * t->dw_pending++, v);
	if (4u * t->dw_pending < unit)
		return 0;
	t->dw_pending = 0;
	p = t->flash + (t->dw_addr - t->c->flash_base);
	for (i = 0; i < unit && p[i] == 0xFF; i++)
		;
	if (i < unit) {
		violation(t, "flash unit 0x%08x programmed twice without erase", t->dw_addr);
		t->sr |= 1u << 3;	/* PROGERR */
		return 0;
	}
	flash_and(t, t->dw_addr, t->dw_buf, (int)unit);
	set_busy(t, chip_us(t->c->prog_us, L4_PROG_US));
	return 0;
}

/* Where the STM32F4 and L4 flash interfaces keep KEYR, SR (with the error
 * bits a 1 clears), CR and the option register (RM0090 3.9, RM0351 3.7);
 * a CR write is each family's own. */
struct stm32_flash_regs {
	uint32_t keyr, sr, sr_clear, cr, opt, lock;
	void (*cr_write)(struct dapsim_target *t, uint32_t v);
};

static const struct stm32_flash_regs f4_regs = { 0x04, 0x0C, 0x1F3u, 0x10, 0x14, 0x80000000u,
						 f4_cr_write };
static const struct stm32_flash_regs l4_regs = { 0x08, 0x10, 0xC3FBu, 0x14, 0x20, 0x80000000u,
						 l4_cr_write };
/* U5 (RM0456 7.9): NSKEYR, NSSR (errors 0x20FA and EOP), NSCR, OPTR */
static const struct stm32_flash_regs u5_regs = { 0x08, 0x20, 0x20FBu, 0x28, 0x40, 0x80000000u,
						 l4_cr_write };
static void f1_cr_write(struct dapsim_target *t, uint32_t v);
/* F0/F1/F3 (RM0008 3.4): OBR as the option register; AR is the FPEC's own */
static const struct stm32_flash_regs f1_regs = { 0x04, 0x0C, 0x34u, 0x10, 0x1C, 0x80u,
						 f1_cr_write };

/* Other registers (ACR, OPTKEYR, option writes) are accepted, not modelled. */
static int stm32_reg_write(struct dapsim_target *t, const struct stm32_flash_regs *g,
			   uint32_t off, uint32_t v)
{
	if (off == g->keyr)
		return keyr_write(t, &t->keyseq, &t->cr, g->lock, v, "FLASH_KEYR");
	if (off == g->sr)
		t->sr &= ~(v & g->sr_clear);
	else if (off == g->cr)
		g->cr_write(t, v);
	return 0;
}

static int stm32_reg_read(struct dapsim_target *t, const struct stm32_flash_regs *g,
			  uint32_t off, uint32_t *v)
{
	if (off == g->sr)
		*v = t->sr | (busy(t) ? t->c->sr_busy ? t->c->sr_busy : 1u << 16 : 0) |
		     (t->now < t->pesd_until ? 1u << 19 : 0);
	else if (off == 0x80 && t->c->sfr)
		*v = t->c->sfr;
	else if (off == g->cr)
		*v = t->cr;
	else if (off == g->opt)
		*v = t->optr;
	return 0;
}

static int nrf_flash_write(struct dapsim_target *t, uint32_t addr, int size, uint32_t v)
{
	uint8_t b[4], *p;

	if (t->c->nrf53 && t->nvmc_config == 2 && v == 0xFFFFFFFFu && !(addr & (t->c->page - 1))) {
		memset(t->flash + addr, 0xFF, t->c->page);	/* a page erase */
		t->n.erases++;
		set_busy(t, t->c->page_us);
		return 0;
	}
	if (t->nvmc_config != 1) {
		violation(t, "write to flash 0x%08x with NVMC.CONFIG %u (not WEN)", addr, t->nvmc_config);
		return -1;
	}
	if (size != 4 || (addr & 3)) {
		violation(t, "%d-byte write to flash 0x%08x (NVMC writes whole words)", size, addr);
		return -1;
	}
	wr32(b, v);
	if (is_nrf_uicr(t, addr)) {
		p = t->uicr + (addr - 0x10001000);
		p[0] &= b[0]; p[1] &= b[1]; p[2] &= b[2]; p[3] &= b[3];
		t->n.programs++;
	} else {
		flash_and(t, addr, b, 4);
	}
	set_busy(t, chip_us(t->c->prog_us, NRF_PROG_US));
	return 0;
}

static int nrf_reg_write(struct dapsim_target *t, uint32_t off, uint32_t v)
{
	switch (off) {
	case 0x504:
		if (busy(t))
			violation(t, "NVMC.CONFIG changed while busy");
		t->nvmc_config = v & 3;
		return 0;
	case 0x508:	/* ERASEPAGE */
	case 0x50C:	/* ERASEALL */
	case 0x514:	/* ERASEUICR */
		if (t->nvmc_config != 2) {
			violation(t, "NVMC erase with CONFIG %u (not EEN)", t->nvmc_config);
			return 0;
		}
		if (off == 0x508) {
			if (t->c->nrf53) {
				violation(t, "ERASEPAGE written: the nRF5340 NVMC has none");
				return 0;
			}
			if (!in_flash(t, v) || (v & (t->c->page - 1))) {
				violation(t, "ERASEPAGE 0x%08x is not a page", v);
				return 0;
			}
			memset(t->flash + v, 0xFF, t->c->page);
			t->n.erases++;
			set_busy(t, chip_us(t->c->page_us, 85000));
		} else if (off == 0x50C && (v & 1)) {
			memset(t->flash, 0xFF, t->c->flash_size);
			memset(t->uicr, 0xFF, 0x1000);
			t->n.mass_erases++;
			set_busy(t, chip_us(t->c->mass_us, 200000));
		} else if (off == 0x514 && (v & 1)) {
			memset(t->uicr, 0xFF, 0x1000);
			set_busy(t, 85000);
		}
		return 0;
	}
	return 0;
}

/* ---- STM32L0 (RM0377 chapter 3): the NVM interface ---- */

#define L0_US	3200	/* a word or a page (L073); the L152 gives its own */

/* PEKEYR opens PECR (PELOCK), PRGKEYR then the program memory (PRGLOCK). */
static int l0_reg_write(struct dapsim_target *t, uint32_t off, uint32_t v)
{
	switch (off) {
	case 0x04:	/* PECR: lock bits are set by writing 1, cleared by keys */
		if (t->cr & 1) {
			violation(t, "FLASH_PECR written while PELOCK (0x%08x ignored)", v);
			return 0;
		}
		if (v & 1)
			t->n.relocks++;
		t->cr = (t->cr & 7) | (v & 0x71F);
		return 0;
	case 0x0C:
		return keyr_write2(t, 1, 0x89ABCDEFu, 0x02030405u, v, "FLASH_PEKEYR");
	case 0x10:
		if (t->cr & 1) {
			violation(t, "FLASH_PRGKEYR written while PELOCK");
			return -1;
		}
		return keyr_write2(t, 2, 0x8C9DAEBFu, 0x13141516u, v, "FLASH_PRGKEYR");
	case 0x18: t->sr &= ~(v & 0x32F00u); return 0;
	}
	return 0;
}

static int l0_reg_read(struct dapsim_target *t, uint32_t off, uint32_t *v)
{
	if (off == 0x04)
		*v = t->cr;
	else if (off == 0x18)	/* BSY, else READY */
		*v = t->sr | (busy(t) ? 1u : 8u);
	return 0;
}

/* Words only; with ERASE and PROG the write erases its page instead. */
static int l0_flash_write(struct dapsim_target *t, uint32_t addr, int size, uint32_t v)
{
	uint32_t off = addr - t->c->flash_base;

	if (t->cr & 3) {
		violation(t, "write to flash 0x%08x while PECR is locked (0x%x)", addr, t->cr);
		t->sr |= 1u << 8;	/* WRPERR */
		return -1;
	}
	if (size != 4) {
		violation(t, "%d-byte write to flash (words only here)", size);
		t->sr |= 1u << 10;	/* SIZERR */
		return 0;
	}
	if ((t->cr & 0x208) == 0x208) {
		memset(t->flash + (off & ~(t->c->page - 1)), 0, t->c->page);	/* to 0 */
		t->n.erases++;
	} else {
		if (rd32(t->flash + off))
			violation(t, "word 0x%08x programmed twice without erase", addr);
		wr32(t->flash + off, v);
		t->n.programs++;
	}
	set_busy(t, chip_us(t->c->prog_us, L0_US));
	return 0;
}

/* ---- STM32F0/F1/F3 (RM0008 3.3, RM0091 3.2, RM0316 4.2): the FPEC ---- */

/* STRT starts what PER (with the page in AR) or MER asks for. */
static void f1_cr_write(struct dapsim_target *t, uint32_t v)
{
	uint32_t off = t->ar - t->c->flash_base;

	if (t->cr & 0x80) {
		if (v & ~0x80u)
			violation(t, "FLASH_CR written while locked (0x%08x ignored)", v);
		return;
	}
	t->cr = v & 0x1637u;
	if (v & 0x80) {
		t->cr |= 0x80;
		t->n.relocks++;
	}
	if (!(v & 0x40))
		return;
	if (busy(t)) {
		violation(t, "FLASH_CR.STRT while BSY");
		return;
	}
	if (v & 4) {				/* MER */
		memset(t->flash, 0xFF, t->c->flash_size);
		t->n.mass_erases++;
		set_busy(t, t->c->mass_us);
	} else if (v & 2) {			/* PER */
		if (!in_flash(t, t->ar)) {
			violation(t, "page erase at FLASH_AR 0x%08x: not in flash", t->ar);
			return;
		}
		memset(t->flash + (off & ~(t->c->page - 1)), 0xFF, t->c->page);
		t->n.erases++;
		set_busy(t, t->c->page_us);
	} else {
		violation(t, "FLASH_CR.STRT without PER or MER");
	}
}

/* Half-words only: a wider write is a bus error; a half-word not erased
 * takes only 0x0000, else PGERR. */
static int f1_flash_write(struct dapsim_target *t, uint32_t addr, int size, uint32_t v)
{
	uint8_t *p = t->flash + (addr - t->c->flash_base), b[2];

	if (!(t->cr & 1)) {
		violation(t, "write to flash 0x%08x without FLASH_CR.PG", addr);
		return -1;
	}
	if (size != 2) {
		violation(t, "%d-byte write to flash (half-words only)", size);
		return -1;
	}
	lane_put(b, addr, 2, v);
	if ((p[0] != 0xFF || p[1] != 0xFF) && (b[0] || b[1])) {
		violation(t, "half-word 0x%08x programmed twice without erase", addr);
		t->sr |= 1u << 2;	/* PGERR */
		return 0;
	}
	flash_and(t, addr, b, 2);
	set_busy(t, t->c->prog_us);
	return 0;
}

/* ---- STM32H7 (RM0433): two banks, 256-bit flash words ---- */

#define H7_PROG_US	100
#define H7_SECTOR_US	2000000
#define H7_BANK_US	8000000

/* SWAP_BANK (RM0433 4.3.13) puts bank 2 in the lower half. */
static int h7_swapped(const struct dapsim_target *t)
{
	return t->c->ctl == CTL_H7 && (t->optr >> 31);
}

static struct h7bank *h7_bank_of(struct dapsim_target *t, uint32_t addr)
{
	return &t->h7[(addr - t->c->flash_base >= t->c->flash_size / 2) ^ h7_swapped(t)];
}

static void h7_cr_write(struct dapsim_target *t, int b, uint32_t v)
{
	struct h7bank *k = &t->h7[b];
	uint32_t half = t->c->flash_size / 2, snb = (v >> 8) & 7;

	if (k->cr & 1) {
		if (v != (k->cr | 1))
			violation(t, "FLASH_CR%d written while locked (0x%08x ignored)", b + 1, v);
		return;
	}
	k->cr = v & ~(1u << 7);
	if (v & 1)
		t->n.relocks++;
	if (!(v & (1u << 7)))
		return;
	if (t->now < k->busy_until) {
		violation(t, "FLASH_CR%d.START while busy", b + 1);
		return;
	}
	if (v & (1u << 3)) {			/* BER */
		memset(t->flash + (b ^ h7_swapped(t)) * half, 0xFF, half);
		t->n.mass_erases++;
		k->busy_until = t->now + H7_BANK_US;
	} else if (v & (1u << 2)) {		/* SER */
		memset(t->flash + (b ^ h7_swapped(t)) * half + snb * t->c->page, 0xFF, t->c->page);
		t->n.erases++;
		k->busy_until = t->now + H7_SECTOR_US;
	} else {
		k->sr |= 1u << 18;		/* PGSERR */
	}
}

static int h7_reg_write(struct dapsim_target *t, uint32_t off, uint32_t v)
{
	int b = off >= 0x100;
	struct h7bank *k = &t->h7[b];

	switch (off & 0xFF) {
	case 0x04:	/* KEYR */
		return keyr_write(t, &k->keyseq, &k->cr, 1u, v, b ? "FLASH_KEYR2" : "FLASH_KEYR1");
	case 0x0C: h7_cr_write(t, b, v); return 0;
	case 0x14: k->sr &= ~(v & 0x07EE0000u); return 0;	/* CCR */
	}
	return 0;
}

static int h7_reg_read(struct dapsim_target *t, uint32_t off, uint32_t *v)
{
	struct h7bank *k = &t->h7[off >= 0x100];
	int bsy = t->now < k->busy_until;

	switch (off & 0xFF) {
	case 0x0C: *v = k->cr; break;
	case 0x18: *v = (t->optr & 0x80000000u) | 1; break;	/* OPTCR: SWAP_BANK, OPTLOCK */
	case 0x10: *v = k->sr | (bsy ? 5u : 0) | (k->wb_addr != ~0u ? 2u : 0); break;
	default: *v = 0;
	}
	return 0;
}

/* Words gather in the bank's write buffer; the eighth word of a 32-byte
 * flash word programs it. A word for another flash word first is INCERR. */
static int h7_flash_write(struct dapsim_target *t, uint32_t addr, int size, uint32_t v)
{
	int h5 = t->c->ctl == CTL_H5;	/* one buffer of 16 bytes for both banks */
	struct h7bank *k = h5 ? &t->h7[0] : h7_bank_of(t, addr);
	uint32_t n = h5 ? 16 : 32, fw = addr & ~(n - 1), full = h5 ? 0xFFFFu : 0xFFFFFFFFu, i;
	uint8_t *p;

	if (!(k->cr & 2)) {
		violation(t, "write to flash 0x%08x without FLASH_CR.PG of its bank", addr);
		k->sr |= 1u << 18;
		return 0;
	}
	if (k->wb_addr != ~0u && k->wb_addr != fw) {
		violation(t, "flash word 0x%08x left half written for 0x%08x", k->wb_addr, addr);
		k->sr |= 1u << 21;	/* INCERR */
		k->wb_addr = ~0u;
		return 0;
	}
	if (k->wb_addr == ~0u) {
		k->wb_addr = fw;
		k->wb_mask = 0;
		memset(k->wb, 0xFF, 32);
	}
	lane_put(k->wb + (addr & (n - 1)), addr, size, v);
	k->wb_mask |= ((1u << size) - 1) << (addr & (n - 1));
	if (k->wb_mask != full)
		return 0;
	p = t->flash + (fw - t->c->flash_base);
	for (i = 0; i < n && p[i] == 0xFF; i++)
		;
	if (i < n)
		violation(t, "flash word 0x%08x programmed twice without erase (ECC)", fw);
	flash_and(t, fw, k->wb, (int)n);
	k->wb_addr = ~0u;
	k->busy_until = t->now + chip_us(t->c->prog_us, H7_PROG_US);
	return 0;
}

/* ---- STM32H5 (RM0481 chapter 7): the non-secure registers ---- */

/* BKSEL picks the physical bank: swapped banks (OPTCR.SWAP_BANK) put
 * bank 1 in the second half of the address space. */
static void h5_cr_write(struct dapsim_target *t, uint32_t v)
{
	struct h7bank *k = &t->h7[0];
	uint32_t half = t->c->flash_size / 2, snb = (v >> 6) & 0x7F;
	uint32_t at = ((v >> 31) ^ (t->optr >> 31)) * half;

	if (k->cr & 1) {
		if (v & ~1u)
			violation(t, "FLASH_NSCR written while locked (0x%08x ignored)", v);
		return;
	}
	k->cr = v & ~(1u << 5);
	if (v & 1)
		t->n.relocks++;
	if (!(v & (1u << 5)))
		return;
	if (t->now < k->busy_until) {
		violation(t, "FLASH_NSCR.STRT while busy");
		return;
	}
	if (v & (1u << 15)) {			/* MER */
		memset(t->flash, 0xFF, t->c->flash_size);
		t->n.mass_erases++;
		k->busy_until = t->now + t->c->mass_us;
	} else if ((v & 4) && snb * t->c->page < half) {	/* SER */
		memset(t->flash + at + snb * t->c->page, 0xFF, t->c->page);
		t->n.erases++;
		k->busy_until = t->now + t->c->page_us;
	} else {
		violation(t, "FLASH_NSCR.STRT without a sector or MER (0x%08x)", v);
		k->sr |= 1u << 18;		/* PGSERR */
	}
}

static int h5_reg_write(struct dapsim_target *t, uint32_t off, uint32_t v)
{
	struct h7bank *k = &t->h7[0];

	switch (off) {
	case 0x04: return keyr_write(t, &k->keyseq, &k->cr, 1u, v, "FLASH_NSKEYR");
	case 0x28: h5_cr_write(t, v); return 0;
	case 0x30: k->sr &= ~(v & 0x00FF0000u); return 0;	/* NSCCR */
	}
	return 0;
}

/* OPTCR, OPTSR_CUR: SWAP_BANK; product state open (0xED); OPTSR2_CUR:
 * TZEN 0xC3 off, 0xB4 on. */
static int h5_reg_read(struct dapsim_target *t, uint32_t off, uint32_t *v)
{
	struct h7bank *k = &t->h7[0];

	switch (off) {
	case 0x1C: *v = (t->optr & 0x80000000u) | 1; break;
	case 0x20: *v = k->sr | (t->now < k->busy_until) | (k->wb_addr != ~0u ? 2u : 0); break;
	case 0x28: *v = k->cr; break;
	case 0x50: *v = (t->optr & 0x80000000u) | 0xED00u; break;
	case 0x70: *v = (t->tzen ? 0xB4u : 0xC3u) << 24; break;
	default: *v = 0;
	}
	return 0;
}

/* CPU2 takes the flash for a while when the debugger first looks. */
static void cpu2_arm(struct dapsim_target *t)
{
	if (t->pesd_us) {
		t->pesd_until = t->now + t->pesd_us;
		t->pesd_us = 0;
	}
}

/* The erase left running shows from the first access to the controller. */
static void left_busy_arm(struct dapsim_target *t)
{
	if (t->left_busy_us) {
		set_busy(t, t->left_busy_us);
		t->left_busy_us = 0;
	}
}

static int flashctl_read(struct dapsim_target *t, uint32_t off, uint32_t *v)
{
	*v = 0;
	cpu2_arm(t);
	left_busy_arm(t);
	switch (t->c->ctl) {
	case CTL_F4:
		return stm32_reg_read(t, &f4_regs, off, v);
	case CTL_L4:
		return stm32_reg_read(t, t->c->ns_regs ? &u5_regs : &l4_regs, off, v);
	case CTL_H7:
		return h7_reg_read(t, off, v);
	case CTL_L0:
		return l0_reg_read(t, off, v);
	case CTL_RP2:
		return -1;	/* no flash controller: the ROM writes the flash */
	case CTL_F1:
		return stm32_reg_read(t, &f1_regs, off, v);
	case CTL_H5:
		return h5_reg_read(t, off, v);
	case CTL_NRF:
		if (off == 0x400 || off == 0x408)
			*v = !busy(t);
		else if (off == 0x504)
			*v = t->nvmc_config;
		return 0;
	}
	return 0;
}

static int flashctl_write(struct dapsim_target *t, uint32_t off, uint32_t v)
{
	left_busy_arm(t);
	switch (t->c->ctl) {
	case CTL_F4: return stm32_reg_write(t, &f4_regs, off, v);
	case CTL_L4: return stm32_reg_write(t, t->c->ns_regs ? &u5_regs : &l4_regs, off, v);
	case CTL_NRF: return nrf_reg_write(t, off, v);
	case CTL_H7: return h7_reg_write(t, off, v);
	case CTL_L0: return l0_reg_write(t, off, v);
	case CTL_RP2: return -1;
	case CTL_H5: return h5_reg_write(t, off, v);
	case CTL_F1:
		if (off == 0x14)
			t->ar = v;
		return off == 0x14 ? 0 : stm32_reg_write(t, &f1_regs, off, v);
	}
	return 0;
}

/* ---- System control space and the rest of the PPB ---- */

static void dhcsr_write(struct dapsim_target *t, uint32_t v)
{
	if ((v >> 16) != 0xA05F)
		return;		/* DBGKEY missing: ignored, as the core does */
	t->dhcsr_c = v & 0x2F;
	if (t->riscv)
		return;		/* held in reset: nothing runs or halts */
	if (!(v & 1)) {
		t->halted = 0;
		t->cpu.running = 0;	/* runs the (unsimulated) application */
		return;
	}
	if (v & 2) {
		t->halted = 1;
		t->cpu.running = 0;
		return;
	}
	if (t->halted) {
		uint32_t pc = t->regs[15];

		t->halted = 0;
		t->retire = 1;
		/* code in RAM (a debugger's algorithm) is interpreted; the
		 * application in flash runs unsimulated */
		if ((pc >= t->c->ram_base && pc - t->c->ram_base < t->c->ram_size) ||
		    (t->ram2 && pc >= t->c->ram2_base && pc - t->c->ram2_base < t->c->ram2_size) ||
		    (t->rp2 && dapsim_rp2_in_rom(pc))) {
			thumb_resume(&t->cpu, t->regs);
		}
	}
}

static int scs_read(struct dapsim_target *t, uint32_t addr, uint32_t *v)
{
	uint32_t *s;

	switch (addr) {
	case 0xE000ED00: *v = t->c->cpuid; return 0;
	case 0xE000ED0C: *v = 0xFA050000u; return 0;
	case 0xE000EDF0:
		if (t->riscv) {		/* the Arm core is held in reset */
			*v = t->dhcsr_c | 1u << 25;
			return 0;
		}
		*v = t->dhcsr_c | 1u << 16 | (t->halted ? 1u << 17 : 0) | (t->lockup ? 1u << 19 : 0) |
		     (t->retire ? 1u << 24 : 0) | (t->reset_st ? 1u << 25 : 0);
		t->reset_st = 0;	/* S_RESET_ST and S_RETIRE_ST clear on read */
		t->retire = 0;
		return 0;
	case 0xE000EDF8: *v = t->dcrdr; return 0;
	case 0xE000EDFC: *v = t->demcr; return 0;
	case 0xE000EF40: *v = 0x10110021; return 0;	/* MVFR0: FPv4-SP */
	case 0xE000EF44: *v = 0x11000011; return 0;	/* MVFR1 */
	}
	if (t->c->dbgmcu && addr == t->c->dbgmcu_addr) {
		*v = t->idcode;
		return 0;
	}
	s = scratch(t, addr, 0);
	*v = s ? *s : 0;
	return 0;
}

static int scs_write(struct dapsim_target *t, uint32_t addr, uint32_t v)
{
	uint32_t *s;
	unsigned r;

	switch (addr) {
	case 0xE000ED0C:
		if ((v >> 16) == 0x05FA && (v & 4) && !t->riscv)
			sysreset(t);
		return 0;
	case 0xE000EDF0: dhcsr_write(t, v); return 0;
	case 0xE000EDF4:
		r = v & 0x7F;
		if (!t->halted) {
			violation(t, "DCRSR access while the core runs");
			return 0;
		}
		if (r >= sizeof(t->regs) / sizeof(t->regs[0]))
			return 0;
		if (v & (1u << 16))
			t->regs[r] = r == 15 ? t->dcrdr & ~1u : t->dcrdr;
		else
			t->dcrdr = t->regs[r];
		return 0;
	case 0xE000EDF8: t->dcrdr = v; return 0;
	case 0xE000EDFC: t->demcr = v & 0x010F07F1u; return 0;
	}
	if (t->c->dbgmcu && addr == t->c->dbgmcu_addr)
		return 0;	/* read-only */
	if ((s = scratch(t, addr, 1)))
		*s = v;
	return 0;
}

/* The CRC unit at its reset values (CRC-32 polynomial 0x04C11DB7, initial
 * value all ones, words in as they are, most significant bit first, no
 * reversal): DR +0 takes a word and reads the result, IDR +4 is scratch,
 * CR +8 bit 0 resets DR. Unclocked (its RCC bit clear) it does nothing.
 * 0 when addr is not the unit's. */
static int crc_unit(struct dapsim_target *t, uint32_t addr, uint32_t *rd, uint32_t wv)
{
	uint32_t off = addr - t->c->crc, *en;
	int k;

	if (!t->c->crc || off > 0x08)
		return 0;
	en = scratch(t, t->c->crc_enr, 0);
	if (!en || !(*en & t->c->crc_bit)) {
		if (rd)
			*rd = 0;
		return 1;
	}
	if (off == 0x00 && rd) {
		*rd = t->crc_dr;
	} else if (off == 0x00) {
		t->crc_dr ^= wv;
		for (k = 0; k < 32; k++)
			t->crc_dr = t->crc_dr & 0x80000000u ? t->crc_dr << 1 ^ 0x04C11DB7u
							     : t->crc_dr << 1;
	} else if (off == 0x08 && !rd && (wv & 1)) {
		t->crc_dr = 0xFFFFFFFFu;
	} else {
		return 0;	/* IDR: plain scratch */
	}
	return 1;
}

/* A word written at addr with the status bits its rules report. */
static uint32_t ready_bits(const struct ready_rule *r, uint32_t addr, uint32_t v)
{
	int sh;
	uint32_t w;

	for (; r && r->addr; r++) {
		if (r->addr != addr)
			continue;
		v &= ~r->rdy;
		if (!r->ctl) {
			v |= r->rdy;
			continue;
		}
		sh = __builtin_ctz(r->rdy) - __builtin_ctz(r->ctl);
		w = v & r->ctl;
		v |= (sh >= 0 ? w << sh : w >> -sh) & r->rdy;
	}
	return v;
}

static int periph_read(struct dapsim_target *t, uint32_t addr, uint32_t *v)
{
	uint32_t *s;

	if (crc_unit(t, addr, v, 0))
		return 0;
	if (addr >= t->c->regs && addr < t->c->regs + 0x1000)
		return flashctl_read(t, addr - t->c->regs, v);
	if (addr >= 0xE0000000u && addr < 0xE0100000u)
		return scs_read(t, addr, v);
	if (t->c->dbgmcu && addr == t->c->dbgmcu_addr)
		return scs_read(t, addr, v);
	if (addr >= 0x40000000u && addr < 0x60000000u) {
		s = scratch(t, addr, 0);
		*v = s ? *s : 0;
		return 0;
	}
	return -1;
}

static int periph_write(struct dapsim_target *t, uint32_t addr, uint32_t v)
{
	uint32_t *s;

	if (crc_unit(t, addr, NULL, v))
		return 0;
	if (addr >= t->c->regs && addr < t->c->regs + 0x1000)
		return flashctl_write(t, addr - t->c->regs, v);
	if ((addr >= 0xE0000000u && addr < 0xE0100000u) ||
	    (t->c->dbgmcu && addr == t->c->dbgmcu_addr))
		return scs_write(t, addr, v);
	if (addr >= 0x40000000u && addr < 0x60000000u) {
		v = ready_bits(t->c->ready, addr, v);
		if ((s = scratch(t, addr, 1)))
			*s = v;
		return 0;
	}
	return -1;
}

/* ---- the bus, as the MEM-AP (and the simulated core) see it ---- */

/* 0 ok, -1 bus fault, 1 stall (the AHB holds the access: WAIT on the DP) */
static int bus_read(struct dapsim_target *t, uint32_t addr, int size, uint32_t *v)
{
	int ro, rc;
	uint8_t *p;

	if (addr & (size - 1))
		return -1;
	if (t->rp2 && (rc = dapsim_rp2_read(t->rp2, addr, size, v, t->now)) != RP2_NOT_MINE)
		return rc;
	if ((in_flash(t, addr) || is_nrf_uicr(t, addr)) && busy(t))
		return 1;	/* reads of flash wait for the operation */
	if ((p = direct(t, addr, size, &ro))) {
		*v = dapsim_lane_get(p, addr, size);
		return 0;
	}
	return periph_read(t, addr & ~3u, v);
}

/* A worn cell reads wrong to the core and the debugger alike. */
int dapsim_bus_read(struct dapsim_target *t, uint32_t addr, int size, uint32_t *v)
{
	uint32_t k = t->stuck;
	int rc = bus_read(t, addr, size, v);

	if (!rc && k && k >= addr && k - addr < (uint32_t)size)
		*v &= ~(1u << (8 * (k & 3)));
	return rc;
}

int dapsim_bus_write(struct dapsim_target *t, uint32_t addr, int size, uint32_t v)
{
	int ro;
	uint8_t *p;
	uint32_t old, mask;
	int rc;

	if (addr & (size - 1))
		return -1;
	if (t->rp2 && (rc = dapsim_rp2_write(t->rp2, addr, size, v, t->now)) != RP2_NOT_MINE)
		return rc;
	if (in_flash(t, addr) || is_nrf_uicr(t, addr)) {
		if (busy(t)) {
			t->n.stalls++;
			return 1;
		}
		switch (t->c->ctl) {
		case CTL_F4: return f4_flash_write(t, addr, size, v);
		case CTL_L4: return l4_flash_write(t, addr, size, v);
		case CTL_NRF: return nrf_flash_write(t, addr, size, v);
		case CTL_H7: case CTL_H5: return h7_flash_write(t, addr, size, v);
		case CTL_L0: return l0_flash_write(t, addr, size, v);
		case CTL_RP2: return -1;
		case CTL_F1: return f1_flash_write(t, addr, size, v);
		}
	}
	if ((p = direct(t, addr, size, &ro))) {
		if (ro)
			return -1;
		lane_put(p, addr, size, v);
		return 0;
	}
	mask = size == 4 ? ~0u : ((1u << (8 * size)) - 1) << (8 * (addr & 3));
	if (size != 4 && periph_read(t, addr & ~3u, &old) == 0)
		v = (old & ~mask) | (v & mask);
	return periph_write(t, addr & ~3u, v);
}

/* ---- SWD line: line reset, JTAG-to-SWD, DPIDR first ---- */

/* With swd_off, SWD is gone while the application runs: the pins are
 * GPIOs then. Held in reset, or halted before the application starts,
 * the debug port answers. */
static int pins_are_swd(const struct dapsim_target *t)
{
	return !t->swd_off || !t->nreset || t->halted || t->cpu.running;
}

/* A multidrop DP's dormant state (ADIv5.2 B5.3.4): SWD-to-dormant 0xE3BC
 * or JTAG-to-dormant 0x33BBBBBA (31 bits) puts it there; the 128-bit
 * selection alert, 4 low cycles and the SWD activation code 0x1A wake it
 * (a line reset then selects SWD). 1 when the bit was the dormant
 * state's (the DP ignores it otherwise). */
static int dormant_bit(struct dapsim_target *t, int b)
{
	t->seq_lo = t->seq_lo >> 1 | (t->seq_hi & 1) << 63;
	t->seq_hi = t->seq_hi >> 1 | (uint64_t)b << 63;
	if (!t->dormant) {
		if ((t->seq_hi >> 48) == 0xE3BC || (t->seq_hi >> 33) == 0x33BBBBBAu) {
			t->dormant = 1;
			t->swd = t->armed = t->alert = 0;
		}
		return 0;
	}
	if (t->alert && ++t->alert == 13) {
		t->alert = 0;
		if ((t->seq_hi >> 56) == 0x1A) {
			t->dormant = 0;
			t->armed = 1;
			t->ones = 0;
		}
	} else if (t->seq_hi == 0x19BC0EA2E3DDAFE9ull && t->seq_lo == 0x86852D956209F392ull) {
		t->alert = 1;
	}
	return 1;
}

void dapsim_swj_sequence(struct dapsim_target *t, const uint8_t *bits, unsigned n)
{
	unsigned i;

	if (!pins_are_swd(t))
		return;
	for (i = 0; i < n; i++) {
		int b = bits[i / 8] >> (i % 8) & 1;

		if (t->c->multidrop && dormant_bit(t, b))
			continue;
		if (b) {
			if (++t->ones == 50) {	/* a line reset */
				if (t->armed)
					t->swd = 1;
				if (t->swd)
					t->need_dpidr = 1;
				t->sel = -2;
			}
		} else {
			t->ones = 0;
		}
		t->shift = (uint16_t)(t->shift >> 1 | (unsigned)b << 15);
		if (t->shift == 0xE79E)
			t->armed = 1;	/* JTAG-to-SWD seen: the next line reset selects SWD */
		else if (t->shift == 0xE73C)
			t->armed = t->swd = 0;
	}
}

/* nRESET resets the system, not the debug domain: DHCSR.C_DEBUGEN and
 * DEMCR survive, so a debugger can set VC_CORERESET while it holds the
 * pin and catch the core at the reset vector when it lets go. */
void dapsim_set_nreset(struct dapsim_target *t, int level)
{
	if (!level && t->nreset)
		sysreset(t);
	if (level && !t->nreset) {
		t->halted = (t->dhcsr_c & 1) && (t->demcr & 1);
		if (t->halted)
			t->dhcsr_c |= 2;
		t->reset_st = 1;
	}
	t->nreset = level;
}

void dapsim_target_cpu_corrupt(struct dapsim_target *t, uint32_t addr)
{
	t->cpu_corrupt = addr;
}

void dapsim_target_riscv(struct dapsim_target *t)
{
	t->riscv = t->c->v6;
}

void dapsim_target_left_busy(struct dapsim_target *t, uint64_t us)
{
	t->left_busy_us = us;
}

void dapsim_target_clock(struct dapsim_target *t, uint32_t hz, uint32_t tpp_us)
{
	if (t->rp2)
		dapsim_rp2_clock(t->rp2, hz, tpp_us);
}

void dapsim_target_stuck(struct dapsim_target *t, uint32_t addr)
{
	t->stuck = addr;
}

void dapsim_target_swd_off(struct dapsim_target *t)
{
	t->swd_off = 1;
}


static int mem_ap_enabled(struct dapsim_target *t)
{
	return !((t->c->ctl == CTL_NRF || t->c->v6) && t->approtect == 1);
}

static int size_of_csw(uint32_t csw)
{
	return (csw & 7) == 0 ? 1 : (csw & 7) == 1 ? 2 : 4;
}

static void tar_advance(struct dapsim_target *t)
{
	uint32_t inc = (t->csw >> 4) & 3;

	if (inc == 1)	/* TAR increments within the AP's window (M4 4 KiB, M7 1 KiB) */
		t->tar = (t->tar & ~(t->c->wrap - 1)) | ((t->tar + size_of_csw(t->csw)) & (t->c->wrap - 1));
}

/* A data access through DRW or BDn; returns ACK. */
static int mem_access(struct dapsim_target *t, uint32_t addr, int rnw, uint32_t *data, int drw)
{
	int size = size_of_csw(t->csw), rc;

	/* no access at all, or (Secure debug disabled) no Secure one */
	if (!mem_ap_enabled(t) || (t->c->v6 && t->approtect == 2 && !(t->csw & (1u << 30)))) {
		t->ctrl |= 1u << 5;
		return 4;
	}
	rc = rnw ? dapsim_bus_read(t, addr, size, data) : dapsim_bus_write(t, addr, size, *data);
	if (rc == 1)
		return 2;	/* WAIT: the probe retries */
	if (rc < 0) {
		if (rnw)
			*data = 0;
		t->ctrl |= 1u << 5;	/* STICKYERR: the next AP access FAULTs */
	}
	if (drw)
		tar_advance(t);
	return 1;
}

static int ctrl_ap(struct dapsim_target *t, uint8_t reg, int rnw, uint32_t *data)
{
	if (rnw) {
		switch (reg) {
		case 0x00: *data = t->ctrl_reset; break;
		case 0x08: *data = t->now < t->eraseall_until; break;
		case 0x0C: *data = !t->approtect; break;
		case 0xFC: *data = 0x12880000; break;
		default: *data = 0;
		}
		return 1;
	}
	if (reg == 0x00) {
		if (t->ctrl_reset && !(*data & 1))
			sysreset(t);	/* the reset pulse ends */
		t->ctrl_reset = *data & 1;
	} else if (reg == 0x04 && (*data & 1) && t->now >= t->eraseall_until) {
		memset(t->flash, 0xFF, t->c->flash_size);
		memset(t->uicr, 0xFF, 0x1000);
		memset(t->ram, 0, t->c->ram_size);
		t->n.mass_erases++;
		t->eraseall_until = t->now + 200000;
	}
	return 1;
}

/* The STM32H5's AP 0, an APB-AP onto the debug components: DBGMCU_IDCODE
 * reads at 0xE0044000 there (RM0481 "Debug support"), the rest as zero. */
static int debug_apb(struct dapsim_target *t, uint8_t reg, int rnw, uint32_t *data)
{
	if (!rnw) {
		if (reg == 0x04)
			t->apb_tar = *data;
		return 1;
	}
	*data = reg == 0xFC ? 0x54770002u : reg == 0x04 ? t->apb_tar :
		reg == 0x0C && t->apb_tar == 0xE0044000u ? t->idcode : 0;
	return 1;
}

/* The RP-AP (RP2350 datasheet 3.5.10): CTRL.RESCUE_RESTART set and
 * cleared is a rescue reset: the whole chip but the DP and the RP-AP, the
 * boot ROM then halting core 0 in the Arm architecture (3.5.8). */
static int rp_ap(struct dapsim_target *t, uint32_t off, int rnw, uint32_t *data)
{
	if (rnw) {
		*data = off == 0xDFC ? 0x0A77000Du : off == 0 ? t->rp_ctrl : 0;
		return 1;
	}
	if (off == 0) {
		if ((t->rp_ctrl >> 31) && !(*data >> 31)) {
			sysreset(t);
			t->riscv = 0;
			t->halted = 1;
			t->dhcsr_c |= 3;
		}
		t->rp_ctrl = *data & 0xC000007Fu;
	}
	return 1;
}

/* An ADIv6 access: SELECT[31:4] and A[3:2] are a debug address. Core 0's
 * MEM-AP keeps its registers at 0xD00-0xDFF of its 4 KiB (*reg then, 0
 * returned); 1 or 4 is the ACK of an access handled here. Where no AP
 * sits (an ADIv5 SELECT with APSEL in bits 31:24 lands there) the access
 * is refused: a violation and a FAULT. */
static int v6_ap(struct dapsim_target *t, uint8_t a32, int rnw, uint32_t *data, uint8_t *reg)
{
	uint32_t addr = (t->select & ~0xFu) | a32, base = addr & ~0xFFFu, off = addr & 0xFFF;

	if (t->select1)
		base = ~0u;	/* above 4 GiB: nothing */
	if (base == 0x2000 && off >= 0xD00) {
		*reg = (uint8_t)(off - 0xD00);
		return 0;
	}
	if (base == 0x80000)
		return rp_ap(t, off, rnw, data);
	if (base == 0x2000 || base == 0x4000 || base == 0xA000) {
		if (rnw)	/* core 1's MEM-AP and the RISC-V DM's APB-AP: IDR only */
			*data = off != 0xDFC ? 0 : base == 0xA000 ? 0x34770006u : t->c->ap_idr;
		return 1;
	}
	violation(t, "AP access at debug address 0x%08x, where no AP is (SELECT 0x%08x)",
		  addr, t->select);
	t->ctrl |= 1u << 5;
	return 4;
}

static int ap_access(struct dapsim_target *t, uint8_t a32, int rnw, uint32_t *data)
{
	uint8_t ap = t->select >> 24, reg = (t->select & 0xF0) | a32;

	if (t->ctrl & ((1u << 5) | (1u << 1) | (1u << 7)))
		return 4;	/* sticky error: FAULT until cleared through ABORT */
	if ((t->ctrl & 0x50000000u) != 0x50000000u) {
		violation(t, "AP access with the debug domain powered down (CTRL/STAT 0x%08x)", t->ctrl);
		t->ctrl |= 1u << 5;
		return 4;
	}
	if (ap == 1 && t->c->ctl == CTL_NRF && !t->c->nrf51 && !t->c->nrf53)
		return ctrl_ap(t, reg, rnw, data);
	if (t->c->v6 && (ap = v6_ap(t, a32, rnw, data, &reg)) != 0)
		return ap == 1 ? 1 : 4;
	if (ap == 0 && t->c->sys_ap)
		return debug_apb(t, reg, rnw, data);
	if (ap != t->c->sys_ap) {
		if (rnw)
			*data = 0;	/* no AP there: reads as zero */
		return 1;
	}
	switch (reg) {
	case 0x00:
		if (rnw) {
			/* DeviceEn; on ADIv6 SDeviceEn too (RP2350 3.5.9.1) */
			*data = t->csw | (!mem_ap_enabled(t) ? 0 : !t->c->v6 ? 1u << 6
					  : t->approtect ? 1u << 6 : 1u << 23 | 1u << 6);
		} else {
			/* packed transfers are not implemented: AddrInc 2 reads back as off */
			t->csw = *data & 0xFF00FF37u;
			if (((t->csw >> 4) & 3) >= 2)
				t->csw &= ~0x30u;
			if ((t->csw & 7) > 2)
				t->csw &= ~7u;
		}
		return 1;
	case 0x04:
		if (rnw)
			*data = t->tar;
		else
			t->tar = *data;
		return 1;
	case 0x0C:
		return mem_access(t, t->tar, rnw, data, 1);
	case 0x10: case 0x14: case 0x18: case 0x1C:
		return mem_access(t, (t->tar & ~0xFu) | (reg & 0xC), rnw, data, 0);
	case 0xF4: if (rnw) *data = 0; return 1;		/* CFG: 32-bit, little endian */
	case 0xF8: if (rnw) *data = 0xE00FF003; return 1;	/* BASE: ROM table */
	case 0xFC: if (rnw) *data = t->c->ap_idr; return 1;
	}
	if (rnw)
		*data = 0;
	return 1;
}

/* TARGETSEL after a line reset (ADIv5.2 B4.3.4): the DP whose TARGETID
 * and instance it names answers from now on, every other one stays
 * silent until the next line reset. RP2040: instance 0 and 1 are the
 * cores; the rescue DP (instance 15) is not modelled. RP2350: one DP,
 * instance 0. */
static void targetsel(struct dapsim_target *t, uint32_t v)
{
	unsigned inst = v >> 28;

	if (t->sel != -2)
		dapsim_violation(&t->n.violations, t->c->name, "TARGETSEL 0x%08x not straight "
				 "after a line reset", v);
	t->sel = -1;
	if ((v & 0x0FFFFFFFu) != t->c->targetid || inst > (t->other ? 1u : 0u) || t->dormant)
		return;
	if ((int)inst != t->core)
		core_swap(t);
	t->sel = (int)inst;
}

/* DAP_SWD_Sequence segments: a TARGETSEL write is its request (0x99),
 * five cycles nobody drives (read as 1: the line is pulled up) and 33
 * bits of data and parity. Other output only clocks the line. */
void dapsim_swd_sequence(struct dapsim_target *t, const uint8_t *out, unsigned n, uint8_t *in)
{
	uint32_t v;
	unsigned i, par = 0;
	int listens = pins_are_swd(t) && t->swd && !t->dormant;

	if (in) {
		memset(in, 0xFF, (n + 7) / 8);
		if ((t->tsel_pos != 1 || n != 5) && listens)
			dapsim_violation(&t->n.violations, t->c->name, "DAP_SWD_Sequence reads %u "
					 "cycles outside a TARGETSEL write", n);
		t->tsel_pos = t->tsel_pos == 1 && n == 5 ? 2 : 0;
		return;
	}
	if (n == 8 && out[0] == 0x99) {
		t->tsel_pos = 1;
		return;
	}
	if (t->tsel_pos == 2 && n == 33) {
		t->tsel_pos = 0;
		v = out[0] | (uint32_t)out[1] << 8 | (uint32_t)out[2] << 16 | (uint32_t)out[3] << 24;
		for (i = 0; i < 33; i++)
			par ^= (i < 32 ? v >> i : out[4]) & 1;
		if (par && listens)
			dapsim_violation(&t->n.violations, t->c->name, "TARGETSEL 0x%08x with a "
					 "parity error", v);
		else if (t->c->multidrop && listens)
			targetsel(t, v);
		return;
	}
	t->tsel_pos = 0;
	dapsim_swj_sequence(t, out, n);
}

/* Whether a multidrop DP takes part in this transfer: 0 yes, else the
 * ACK the line gives (none: nobody drives it). */
static int multidrop_gate(struct dapsim_target *t, uint8_t req, uint32_t *data)
{
	if (t->dormant || !t->swd || t->sel == -1)
		return 7;	/* dormant or deselected: the DP does not drive the line */
	if (t->sel != -2)
		return 0;
	/* TARGETSEL as a DAP_Transfer: the write is not ACKed; anything else
	 * gets no answer either: an RP2040 DP answers only once TARGETSEL
	 * named it (RP2040 datasheet 2.3.4) */
	if (req == 0x0C) {
		targetsel(t, *data);
		return 7;
	}
	if (t->other)
		return 7;
	t->sel = 0;	/* the RP2350's one DP answers without TARGETSEL too */
	return 0;
}

static int dp_access(struct dapsim_target *t, uint8_t a32, int rnw, uint32_t *data)
{
	if (!rnw) {
		switch (a32) {
		case 0x0:	/* ABORT */
			if (*data & 0x04) t->ctrl &= ~(1u << 5);
			if (*data & 0x08) t->ctrl &= ~(1u << 7);
			if (*data & 0x10) t->ctrl &= ~(1u << 1);
			if (*data & 0x02) t->ctrl &= ~(1u << 4);
			return 1;
		case 0x4:	/* CTRL/STAT in bank 0 only; DPv3 bank 5: SELECT1 */
			if ((t->select & 0xF) == 5 && t->c->v6)
				t->select1 = *data;
			if (t->select & 0xF)
				return 1;
			/* the power requests are acknowledged at once */
			t->ctrl = (t->ctrl & 0x000000B2u) | (*data & 0x54000F01u);
			t->ctrl |= (*data & 0x50000000u) << 1 | (*data & 0x04000000u) << 1;
			return 1;
		case 0x8: t->select = *data; return 1;
		}
		return 1;	/* TARGETSEL: single-drop, ignored */
	}
	switch (a32) {
	case 0x0:	/* DPv3 bank 1 DPIDR1: ASIZE 32 bits; banks 2, 3
			 * BASEPTR0/1: no ROM table pointer given (the model's) */
		*data = !t->c->v6 || !(t->select & 0xF) ? t->c->dpidr
		      : (t->select & 0xF) == 1 ? 0x20 : 0;
		break;
	case 0x4:	/* DPBANKSEL 0 CTRL/STAT, 2 TARGETID, 3 DLPIDR */
		*data = (t->select & 0xF) == 0 ? t->ctrl | 0x40
		      : (t->select & 0xF) == 2 ? t->c->targetid
		      : (t->select & 0xF) == 3 && t->c->targetid ? (uint32_t)t->core << 28 | 1
		      : (t->select & 0xF) == 5 && t->c->v6 ? t->select1 : 0;
		break;
	case 0x8: *data = t->last_ap_read; break;
	case 0xC: *data = t->last_ap_read; break;
	}
	return 1;
}

int dapsim_transfer(struct dapsim_target *t, uint8_t req, uint32_t *data, uint64_t now_us)
{
	int apndp = req & 1, rnw = req >> 1 & 1, ack;
	uint8_t a32 = req & 0xC;

	dapsim_run(t, now_us, 2000);
	if (now_us > t->now)
		t->now = now_us;
	if (!pins_are_swd(t))
		return 7;	/* nobody listens on a GPIO */
	if (t->c->multidrop && (ack = multidrop_gate(t, req & 0xF, data)))
		return ack;
	if (!t->swd) {
		violation(t, "SWD transfer before the JTAG-to-SWD sequence");
		return 7;
	}
	if (t->need_dpidr) {
		if (apndp || !rnw || a32 != 0) {
			violation(t, "first transfer after a line reset is not a DPIDR read");
			return 7;
		}
		t->need_dpidr = 0;
	}
	if (!apndp)
		return dp_access(t, a32, rnw, data);
	ack = ap_access(t, a32, rnw, data);
	if (ack == 1 && rnw)
		t->last_ap_read = *data;
	return ack;
}

/* ---- the core running code in RAM (flash algorithms) ---- */

/* A core polling a busy flash controller spins until it is done: the
 * spin is skipped (its time passes at once, up to the slice's end). */
static int cpu_read(void *ctx, uint32_t addr, int size, uint32_t *v)
{
	struct dapsim_target *t = ctx;
	/* any byte of the status word: stlink-tools' F4 loader polls BSY with
	 * a halfword read of SR's upper half */
	uint32_t off = (addr - t->c->regs) & ~3u;
	int status = addr >= t->c->regs && off < 0x1000 &&
		     (t->c->ctl == CTL_NRF ? off == 0x400 || off == 0x408
		      : t->c->ctl == CTL_H7 ? (off & 0xFF) == 0x10
		      : t->c->ctl == CTL_L0 ? off == 0x18
		      : off == (t->c->ctl == CTL_F4 ? 0x0Cu : 0x10u));

	if (status && busy(t)) {
		/* the H7 banks keep their own busy time */
		uint64_t end = t->busy_until;

		end = t->h7[0].busy_until > end ? t->h7[0].busy_until : end;
		end = t->h7[1].busy_until > end ? t->h7[1].busy_until : end;
		t->now = end < t->run_limit ? end : t->run_limit;
	}
	return dapsim_bus_read(ctx, addr, size, v);
}

static int cpu_write(void *ctx, uint32_t addr, int size, uint32_t v)
{
	struct dapsim_target *t = ctx;
	uint32_t k = t->cpu_corrupt;

	if (k && in_flash(t, addr) && k >= addr && k - addr < (uint32_t)size)
		v ^= 1u << (8 * (k & 3));
	return dapsim_bus_write(ctx, addr, size, v);
}

/* Whether core 0 may use the RP2350's RCP (coprocessor 7): enabled in
 * CPACR (bits 15:14, ARMv8-M D1.2.8), else every RCP instruction faults. */
static int rcp_enabled(struct dapsim_target *t)
{
	uint32_t *cpacr = scratch(t, 0xE000ED88u, 0);

	return cpacr && ((*cpacr >> 14) & 3);
}

/* The RP2040 and RP2350 ROMs' flash functions run natively (rp2.c); the
 * RP2350's need the RCP enabled and seeded (RP2350 datasheet 3.6.3). */
static int cpu_native(void *ctx, uint32_t *regs, uint64_t *now_us, uint64_t limit_us)
{
	struct dapsim_target *t = ctx;
	int rc = dapsim_rp2_native(t->rp2, regs, now_us, limit_us,
				   !t->c->v6 || (rcp_enabled(t) && t->rcp_seeded));

	if (rc < 0)
		t->cpu.why = "a boot ROM function with the RCP not enabled and seeded";
	return rc;
}

/* The RCP instructions a debugger's code uses (RP2350 datasheet 3.6.3):
 * MRC p7, #1, APSR_nzcv, c0, c0, #0 reads whether the seeds are set into
 * N; MCRR p7, #8, Rt, Rt2, c0 and c1 set them, once (twice faults). */
static int cpu_cp(void *ctx, uint32_t op, uint32_t *regs)
{
	struct dapsim_target *t = ctx;

	if (!t->c->v6 || ((op >> 8) & 15) != 7 || !rcp_enabled(t))
		return -1;
	if ((op & 0xFFFFFFFFu) == 0xEE30F710u) {
		regs[16] = (regs[16] & 0x0FFFFFFFu) | (t->rcp_seeded ? 0x80000000u : 0);
		return 0;
	}
	if ((op & 0xFFF00FFEu) == 0xEC400780u) {
		if (t->rcp_seeded && !(op & 1))
			return -1;
		t->rcp_seeded = 1;
		return 0;
	}
	return -1;
}

void dapsim_run(struct dapsim_target *t, uint64_t now_us, unsigned max)
{
	int rc;

	if (t->halted || !t->cpu.running || !t->nreset || now_us <= t->now)
		return;
	t->cpu.read = cpu_read;
	t->cpu.write = cpu_write;
	t->cpu.native = t->rp2 ? cpu_native : NULL;
	t->cpu.hz = t->rp2 ? dapsim_rp2_clk_hz(t->rp2) : 0;
	t->cpu.cp = cpu_cp;
	t->cpu.ctx = t;
	t->cpu.ram = t->ram;
	t->cpu.ram_base = t->c->ram_base;
	t->cpu.ram_size = t->c->ram_size;
	t->run_limit = now_us;
	/* the core keeps real time as far as max instructions allow; an
	 * interpreter slower than the part loses the rest of the slice */
	rc = thumb_step(&t->cpu, t->regs, max, &t->now, now_us);
	if (rc == THUMB_BKPT) {
		/* entering Debug state sets C_HALT too (ARMv7-M C1.6.3, DHCSR):
		 * stlink-tools waits for C_HALT, not S_HALT */
		t->halted = 1;
		t->dhcsr_c |= 2;
	} else if (rc == THUMB_FAULT) {
		violation(t, "core fault at pc 0x%08x: %s", t->regs[15], t->cpu.why);
		t->lockup = 1;
		t->halted = 1;
	}
	if (t->now < now_us)
		t->now = now_us;
}
