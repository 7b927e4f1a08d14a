/* target.h - a Cortex-M target behind an SWD debug port, for the CMSIS-DAP
 * probe simulator: DP and AP registers with sticky errors and WAIT, MEM-AP
 * memory, DHCSR/DEMCR/AIRCR, and the flash controllers of three parts with
 * their locks, keys, busy times and error flags (doc/protocols.md 4.4-5.5):
 *
 *   stm32f405  F4 controller, sectors 4x16K/64K/7x128K, x8..x32 program
 *   stm32l476  L4 controller, dual bank of 256 x 2 KiB pages, double words
 *   nrf52840   NVMC, 256 x 4 KiB pages, CTRL-AP (ERASEALL, APPROTECT)
 *   stm32h743  H7 controller, 2 banks of 8 x 128 KiB sectors, 256-bit flash
 *              words through a write buffer; Cortex-M7 with a 1 KiB TAR window
 *   stm32f103, stm32f072, stm32f303
 *              the FPEC: 1 or 2 KiB pages erased through AR, half-words only
 *   stm32h563  H5 non-secure interface, 2 banks of 128 x 8 KiB sectors, 128-bit
 *              quad-words; the core behind AP 1, the debug APB at AP 0
 *   stm32u575  L4 controller in the U5 non-secure layout, 2 banks of 128 x
 *              8 KiB pages, 128-bit quad-words
 *   nrf51822   NVMC at 1 KiB pages, no CTRL-AP (micro:bit v1)
 *   nrf5340    application core: NVMC at 0x50039000, pages erased by a word
 *              of ones
 *   stm32f767  F4 controller with nDBANK clear: two banks of the F405 layout;
 *              set, one bank of 32/128/256 KiB sectors
 *   stm32f429zi, stm32f429zg
 *              F4 controller, 2 MiB in two banks; 1 MiB, two banks with DB1M
 *   stm32l476re
 *              L4 controller, 512 KiB in one bank of 256 pages (DUALBANK clear)
 *   stm32wl55, stm32wb55
 *              L4 controller at 0x58004000; the WB's pages from SFSA are
 *              CPU2's, and CPU2 may hold operations (PESD)
 *
 * Pure: transactions in, ACKs and values out, time passed in (us). Protocol
 * violations (AP access before power-up, no DPIDR read after line reset,
 * writes to flash without the controller set up) are logged on stderr as
 * "dapsim: ..." and answered the way the hardware answers (FAULT, no ACK,
 * error flags), never silently accepted.
 */
#ifndef DAPSIM_TARGET_H
#define DAPSIM_TARGET_H

#include <stddef.h>
#include <stdint.h>

struct dapsim_target;

/* model: "stm32f405", "stm32l476", "nrf52840", "stm32h743", ..., "rp2040";
 * NULL if unknown */
struct dapsim_target *dapsim_target_new(const char *model);
void dapsim_target_free(struct dapsim_target *t);
/* Size of the model's flash. */
uint32_t dapsim_flash_size(const struct dapsim_target *t);
/* What erased flash reads as: 0x00 on the STM32L0, else 0xFF. */
int dapsim_flash_erased(const struct dapsim_target *t);
/* Keep flash (dapsim_flash_size bytes) and the nRF UICR (4 KiB) in memory
 * the caller owns (a file mapped shared, so that flash outlives a
 * process); their contents are used as they are. Then a power-on reset. */
void dapsim_target_use_memory(struct dapsim_target *t, uint8_t *flash, uint8_t *uicr);
/* Lock the nRF52 (UICR.APPROTECT = 0, effective from the next reset);
 * on the RP2350, debug disabled in OTP (CRIT1.DEBUG_DISABLE: the MEM-APs'
 * CSW.DeviceEn reads 0, their accesses fail);
 * on the STM32H5 and U5, turn TrustZone on; on the nRF51, set read-back
 * protection of all flash (UICR RBPCONF.PALL). */
void dapsim_target_protect(struct dapsim_target *t);

/* RP2350: Secure debug disabled in OTP (CRIT1.SECURE_DEBUG_DISABLE): the
 * MEM-APs' CSW.SDeviceEn reads 0 and their Secure accesses fail. */
void dapsim_target_protect_secure(struct dapsim_target *t);

/* The STM32 option register the flash driver reads (F4 OPTCR, L4/G4/WL/WB
 * OPTR, U5 OPTR, H5/H7 OPTCR) takes v, as option bytes loaded at reset. */
void dapsim_target_set_options(struct dapsim_target *t, uint32_t v);

/* DBGMCU_IDCODE reads idcode and the flash size register flash_kib, as
 * another part of the model's family would answer; the flash itself and
 * its controller stay the model's. How a test holds the drivers' part
 * tables against the manuals without a model per part. */
void dapsim_target_present(struct dapsim_target *t, uint32_t idcode, uint32_t flash_kib);

/* The option bytes swap the flash banks (STM32H5, U5, H7 SWAP_BANK):
 * the second half of the address space is bank 1. */
void dapsim_target_swap_banks(struct dapsim_target *t);

/* STM32WB: CPU2 suspends CPU1's flash operations (SR.PESD) for us from
 * the first access to the flash controller. */
void dapsim_target_cpu2_pes(struct dapsim_target *t, uint64_t us);

/* A wrong flash routine: what the core (not the debugger) programs into
 * the flash byte at addr has bit 0 flipped. */
void dapsim_target_cpu_corrupt(struct dapsim_target *t, uint32_t addr);

/* A worn flash cell: bit 0 of the byte at addr reads 0, to the core and
 * the debugger alike, whatever was programmed. */
void dapsim_target_stuck(struct dapsim_target *t, uint32_t addr);

/* An erase a session before left running (the probe unplugged under it):
 * the flash controller is busy for us from the first access to it. */
void dapsim_target_left_busy(struct dapsim_target *t, uint64_t us);

/* The application reconfigures the SWD pins (a "bricked" board): the
 * debug port only answers under reset or with the core halted. */
void dapsim_target_swd_off(struct dapsim_target *t);
/* RP2040, RP2350: clk_sys at hz instead of the ring oscillator's typical
 * frequency (the core, the ROM's SPI clock and XIP fetches follow it), and
 * the flash chip's page program time tpp_us instead of its typical 0.4 ms;
 * 0 leaves either as it is. */
void dapsim_target_clock(struct dapsim_target *t, uint32_t hz, uint32_t tpp_us);

/* RP2350: the cores run RISC-V firmware; the Arm cores are held in reset
 * (DHCSR S_RESET_ST, no halt) until a rescue reset through the RP-AP. */
void dapsim_target_riscv(struct dapsim_target *t);

/* Bits clocked on SWDIO with SWCLK (SWJ_Sequence), LSB first. */
void dapsim_swj_sequence(struct dapsim_target *t, const uint8_t *bits, unsigned n);
/* DAP_SWD_Sequence: n output bits (in NULL), or n input bits read into
 * in: how a host writes TARGETSEL to select one DP of a multidrop bus. */
void dapsim_swd_sequence(struct dapsim_target *t, const uint8_t *out, unsigned n, uint8_t *in);
/* nRESET pin: 0 asserted (held in reset), 1 released. */
void dapsim_set_nreset(struct dapsim_target *t, int level);
/* One SWD transaction: req bits 0 APnDP, 1 RnW, 2-3 A[3:2]. Returns the
 * ACK (1 OK, 2 WAIT, 4 FAULT, 7 none); *data is written or read. */
int dapsim_transfer(struct dapsim_target *t, uint8_t req, uint32_t *data, uint64_t now_us);
/* Let a running core execute (a flash algorithm in RAM) up to now_us, at
 * most max instructions: the probe gives it a large slice per command and
 * every transaction a small one, so the core keeps up with the host
 * without one transfer costing milliseconds of real time. */
#define DAPSIM_SLICE 2000000	/* per command: 20 ms of the core, the most a
				 * host polling every millisecond on a busy
				 * machine leaves between two commands */
void dapsim_run(struct dapsim_target *t, uint64_t now_us, unsigned max);

/* The bus as the MEM-AP sees it: 0 ok, -1 bus fault, 1 stall. size 1, 2, 4;
 * values in their byte lanes. */
int dapsim_bus_read(struct dapsim_target *t, uint32_t addr, int size, uint32_t *v);
int dapsim_bus_write(struct dapsim_target *t, uint32_t addr, int size, uint32_t v);

/* size bytes from p (addr's byte lanes) as the bus returns them. */
uint32_t dapsim_lane_get(const uint8_t *p, uint32_t addr, int size);
/* Direct access for tests: memory as the bus sees it (no side effects). */
int dapsim_peek(struct dapsim_target *t, uint32_t addr, uint8_t *out, size_t len);
int dapsim_poke(struct dapsim_target *t, uint32_t addr, const uint8_t *in, size_t len);
int dapsim_halted(const struct dapsim_target *t);
/* The model's own clock, in microseconds: time as the target saw it. */
uint64_t dapsim_now(const struct dapsim_target *t);
const char *dapsim_model(const struct dapsim_target *t);
/* Counters for tests: program operations, erase operations, resets. */
struct dapsim_counts {
	unsigned long programs, erases, mass_erases, resets, violations, stalls;
	unsigned long unlocks, relocks;	/* flash controller key sequence / LOCK set again */
};
const struct dapsim_counts *dapsim_counts(const struct dapsim_target *t);

/* A probe model's protocol violation: counted in *count, told on stderr
 * as "dapsim: WHO: ..." (the probe models share it). */
void dapsim_violation(unsigned long *count, const char *who, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
