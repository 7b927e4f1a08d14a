/* rp2.h - what of the Raspberry Pi RP2040 a debugger sees besides its
 * Cortex-M0+ cores, for the target model (target.c): the boot ROM with its
 * magic, function table and debug trampoline (RP2040 datasheet 2.8.3), the
 * SSI and the QSPI chip-select override as far as a debugger drives them,
 * and a Winbond W25Q16JV behind them. The ROM's flash functions are not
 * ROM code here: when a core reaches one of their table addresses, a
 * native handler does what the datasheet says the function does, taking
 * the flash chip's typical page program and erase times (W25Q16JV
 * datasheet, AC electrical characteristics; doc/protocols.md 5.13) and the
 * SPI bytes they shift at the ROM's clock divider; XIP reads wait for the
 * cache's line fetches; the core runs at clk_sys (the ring oscillator).
 * Calls out of order (erase before flash_exit_xip, XIP reads before
 * flash_flush_cache or flash_enter_cmd_xip) are protocol violations.
 */
#ifndef DAPSIM_RP2_H
#define DAPSIM_RP2_H

#include <stdint.h>

#include "target.h"

#define RP2_NOT_MINE 2

struct dapsim_rp2;

/* The chip's ROM, SSI and flash; n counts erases, programs, violations.
 * rp2350: the RP2350's ROM table, QMI and SYSINFO instead (rp2.c). */
struct dapsim_rp2 *dapsim_rp2_new(struct dapsim_target *t, struct dapsim_counts *n, int rp2350);
void dapsim_rp2_free(struct dapsim_rp2 *r);
/* The flash chip's contents (size bytes, the caller's memory). */
void dapsim_rp2_memory(struct dapsim_rp2 *r, uint8_t *flash, uint32_t size);
/* A system reset: a ROM call in progress is abandoned. */
void dapsim_rp2_reset(struct dapsim_rp2 *r);
/* Bus access to the ROM, XIP window, SSI and IO_QSPI: 0 ok, -1 bus fault,
 * 1 stall, RP2_NOT_MINE for any other address. */
int dapsim_rp2_read(struct dapsim_rp2 *r, uint32_t addr, int size, uint32_t *v, uint64_t now);
int dapsim_rp2_write(struct dapsim_rp2 *r, uint32_t addr, int size, uint32_t v, uint64_t now);
/* A core about to execute at regs[15]: 1 when that is a ROM function run
 * natively (it returns to lr once its flash time has passed, *now moving
 * on towards limit meanwhile), 0 for code the interpreter runs, -1 when
 * an RP2350 ROM function is reached with the RCP not ready (rcp_ready 0:
 * its first RCP instruction faults). */
int dapsim_rp2_native(struct dapsim_rp2 *r, uint32_t *regs, uint64_t *now, uint64_t limit,
		      int rcp_ready);
/* The chip's core clock (clk_sys) after a debugger's reset, in Hz. */
uint32_t dapsim_rp2_clk_hz(const struct dapsim_rp2 *r);
/* clk_sys at hz, pages programmed in tpp_us, from now on (0: unchanged). */
void dapsim_rp2_clock(struct dapsim_rp2 *r, uint32_t hz, uint32_t tpp_us);
/* 1 when addr is in the boot ROM (the core interprets it). */
int dapsim_rp2_in_rom(uint32_t addr);

#endif
