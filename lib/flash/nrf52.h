/* nrf52.h - nRF52 access-port protection (APPROTECT) through the CTRL-AP. */
#ifndef MPF_NRF52_H
#define MPF_NRF52_H

#include "adiv5.h"

/* 1 when APPROTECT is in force (the AHB-AP is closed), 0 when not or not an nRF52. */
int mpf_nrf52_locked(struct mpf_adiv5 *a, struct mpf_buf *err);
/* Mass erase through the CTRL-AP (flash, UICR, RAM: everything is lost),
 * reset, reconnect. */
int mpf_nrf52_recover(struct mpf_adiv5 *a, struct mpf_buf *err);

#endif
