/* family.h - what each flash controller's routine (algo/FAMILY.c) gives
 * the core (core.c). */
#ifndef MPF_ALGO_FAMILY_H
#define MPF_ALGO_FAMILY_H

#include "algo.h"

#define REG(a) (*(volatile uint32_t *)(a))

/* Program len bytes from src into erased flash at addr (neither crossing
 * a bank); 0 or the controller's error bits. The controller is unlocked. */
uint32_t algo_program(const struct algo_ctl *c, uint32_t addr, const uint32_t *src,
		      uint32_t len);

#endif
