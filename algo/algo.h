/* algo.h - the mailbox between mpf-swd and its flash routines in target
 * RAM (algo/), read by both sides: the routines are built from algo/ and
 * lib/flash/flash_algo.c includes this header, so the layout is written once.
 *
 * The host loads a routine at the start of RAM, puts a struct algo_ctl
 * after it and starts the core at algo_main with r0 pointing at that
 * block. The routine serves two slots in turn (0, 1, 0, ...): it waits
 * until a slot's cmd is not ALGO_IDLE, does the command, writes status
 * (and result) and sets cmd back to ALGO_IDLE. The host fills one slot's
 * buffer while the routine programs from the other's.
 */
#ifndef MPF_ALGO_H
#define MPF_ALGO_H

#include <stdint.h>

enum algo_cmd {
	ALGO_IDLE = 0,
	ALGO_PROGRAM = 1,	/* len bytes from buf into erased flash at addr */
	ALGO_CRC = 2,		/* CRC-32 of len bytes at addr into result */
	ALGO_EXIT = 3,		/* stop at a breakpoint: the core halts */
};

struct algo_slot {
	uint32_t cmd;		/* written last by the host, cleared by the routine */
	uint32_t addr;
	uint32_t len;		/* PROGRAM: a multiple of the programming unit */
	uint32_t buf;		/* PROGRAM: where the data waits in RAM */
	uint32_t status;	/* 0 done; else the controller's error bits */
	uint32_t result;	/* CRC: the register after the last word (no final xor):
				 * the reflected CRC-32, or the CRC unit's (algo_ctl) */
};

struct algo_ctl {
	struct algo_slot slot[2];
	uint32_t regs;		/* the flash controller */
	uint32_t flash_base;
	uint32_t bank_size;	/* > 0: bank 2 at flash_base + bank_size */
	uint32_t table;		/* 1 KiB of RAM for the CRC table */
	/* an STM32 CRC calculation unit to use instead of the table (0: none),
	 * and the RCC register and bit that clock it */
	uint32_t crc_unit, crc_enr, crc_bit;
	/* the status bits the controller is busy in where they differ from
	 * the routine's own (the WL/WB add CPU2's suspension, PESD); 0: its own */
	uint32_t busy;
};

/* Status of a command the routine does not know. */
#define ALGO_BADCMD 0xFFFFFFFFu

#endif
