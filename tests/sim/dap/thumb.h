/* thumb.h - a small Thumb/Thumb-2 interpreter, enough to run the flash and
 * checksum algorithms debuggers load into RAM (OpenOCD's stm32f2x and
 * armv7m_crc loaders use about 30 encodings). An instruction outside the
 * subset faults loudly instead of doing something plausible.
 */
#ifndef DAPSIM_THUMB_H
#define DAPSIM_THUMB_H

#include <stdint.h>

enum { THUMB_RUNNING, THUMB_BKPT, THUMB_FAULT };

struct thumb_cpu {
	int running;
	uint8_t it;		/* ITSTATE */
	/* the core clock: 0 keeps the old pace of 100 instructions per us;
	 * else each instruction costs 1 cycle, 1 more per data access and
	 * 1 more when it branches (Cortex-M0+ TRM 3.3: LDR and STR 2, LDM
	 * and PUSH 1 + n, taken branches 2, BL 3), at hz cycles a second */
	uint32_t hz;
	uint64_t sub;		/* time within the current microsecond */
	unsigned mem;		/* data accesses of the current instruction */
	/* 0 ok, -1 bus fault, 1 stall */
	int (*read)(void *ctx, uint32_t addr, int size, uint32_t *v);
	int (*write)(void *ctx, uint32_t addr, int size, uint32_t v);
	void *ctx;
	/* code run natively (a boot ROM's functions): 1 when the core at
	 * regs[15] was handled, 0 to interpret it, -1 when the core faults
	 * there (why set); may be NULL */
	int (*native)(void *ctx, uint32_t *regs, uint64_t *now_us, uint64_t limit_us);
	/* a coprocessor register transfer (MRC, MCR, MCRR, MRRC: ARMv8-M
	 * C2.4): 0 done, -1 the core faults (no such coprocessor, or not
	 * enabled in CPACR); NULL: every one faults */
	int (*cp)(void *ctx, uint32_t op, uint32_t *regs);
	/* plain RAM read and written directly, not through read/write
	 * (the interpreter's speed is the simulated core's) */
	uint8_t *ram;
	uint32_t ram_base, ram_size;
	/* the registers as the current instruction found them, taken before
	 * its first bus access (saved): put back when that access stalls */
	uint32_t *regs, save[17];
	int saved;
	/* idle detection: a backward branch taken again and again with the
	 * same registers and the same stores in between (none, or a watchdog
	 * fed each round: openocd's nRF5 loader) is a loop waiting for the
	 * host; stores is a hash of the round's (address, value) pairs */
	uint32_t loop_pc, loop_regs[13];
	unsigned loop_count;
	uint32_t stores, loop_stores;
	const char *why;
	char whybuf[80];
};

/* regs: r0-r15 then xPSR at 16 (the DCRSR numbering). */
void thumb_resume(struct thumb_cpu *c, uint32_t *regs);
/* Execute up to max instructions while *now_us < limit_us, advancing
 * *now_us (at the core clock hz, or 100 instructions per us; a stalled
 * access waits 1 us). */
int thumb_step(struct thumb_cpu *c, uint32_t *regs, unsigned max, uint64_t *now_us,
	       uint64_t limit_us);

#endif
