/* swd.h - an SWD session: probe set up, target connected, identified and
 * (when asked) halted. The layer cmd/swd.c and the tests build on.
 */
#ifndef MPF_SWD_H
#define MPF_SWD_H

#include "adiv5.h"
#include "swd_target.h"
#include "usb_dap.h"

#define MPF_SWD_DEFAULT_HZ 4000000u

struct mpf_swd_opts {
	uint32_t hz;		/* 0: MPF_SWD_DEFAULT_HZ */
	const char *target;	/* flash driver name to use instead of detection */
	int unlock;		/* nRF52: mass-erase through the CTRL-AP when protected */
	int halt;		/* reset and halt the core after attaching */
	int no_reset;		/* a look only: never connect under reset */
};

struct mpf_swd {
	struct mpf_adiv5 a;
	struct mpf_target t;
	uint32_t cpuid;
	int unlocked;		/* --unlock erased a protected nRF52 */
	int under_reset;	/* reached only by connecting under reset: the core
				 * waits at its reset vector until let go */
};

/* Through the open probe l, CMSIS-DAP or ST-LINK. */
int mpf_swd_attach(struct mpf_swd *s, struct mpf_probe_link *l, const struct mpf_swd_opts *o,
		   struct mpf_buf *err);
/* Release the target: optionally reset it to run, then let the probe go. */
int mpf_swd_detach(struct mpf_swd *s, int reset_run, struct mpf_buf *err);

#endif
