/* esp_stubcmd.h - the commands only a flasher stub has, from the host's
 * side (doc/protocols.md 1.14): esp_flash.c calls these once e->stub is
 * set, where the ROM path has its own way or none. */
#ifndef MPF_ESP_STUBCMD_H
#define MPF_ESP_STUBCMD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "esp_flash.h"

/* Wait until the stub has programmed every block it acknowledged: it
 * answers commands in order, so the reply to a register read comes after
 * the last write. */
int mpf_esp_stub_drain(struct mpf_esp *e, struct mpf_buf *err);
/* ERASE_FLASH for the whole chip, ERASE_REGION for a part (sector
 * multiples). */
int mpf_esp_stub_erase(struct mpf_esp *e, uint32_t addr, uint32_t len, struct mpf_buf *err);
/* READ_FLASH: the stub sends packets, we acknowledge each with the count
 * received so far, it ends with the MD5 of what it sent, checked here. */
int mpf_esp_stub_read(struct mpf_esp *e, uint32_t addr, uint8_t *out, size_t len,
		      struct mpf_buf *err);

#endif
