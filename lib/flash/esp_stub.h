/* esp_stub.h - our own flasher stub (built by make from stub/ in the
 * source tree) and its upload into a chip's RAM through the ROM loader
 * (doc/protocols.md 1.14).
 *
 *   const struct mpf_esp_stub *s = mpf_esp_stub_for(e.chip);
 *   if (s && mpf_esp_stub_start(&e, s, &err) == 0)
 *       ... e.stub is set: the stub answers from now on ...
 *
 * The images are generated at build time from the stub's ELF files; a
 * chip whose toolchain was missing at build time has none (NULL) and
 * stays on the ROM path. */
#ifndef MPF_ESP_STUB_H
#define MPF_ESP_STUB_H

#include <stdint.h>

#include "buf.h"
#include "esp_chip.h"
#include "esp_flash.h"

/* One embedded image: where its two segments go and where it starts. */
struct mpf_esp_stub {
	const char *chip;	/* mpf_esp_chip key: "esp32c3" */
	uint32_t entry;
	uint32_t text_addr;	/* instruction RAM */
	const uint8_t *text;
	uint32_t text_len;
	uint32_t data_addr;	/* data RAM: constants, initialised data */
	const uint8_t *data;
	uint32_t data_len;
	uint32_t ram_end;	/* its .bss and stack run from the data up to here */
};

/* The stub built for chip, NULL when there is none or it would not lie
 * in the RAM the chip's ROM leaves to loaded code (esp_chip.h). */
const struct mpf_esp_stub *mpf_esp_stub_for(const struct mpf_esp_chip *chip);

/* Upload s with MEM_BEGIN/MEM_DATA/MEM_END, start it and wait for its
 * "OHAI" greeting. 0 on success: e->stub is set and replies carry two
 * status bytes from now on. Negative (an MPF_ERR_* code) with err set
 * when the ROM refused MEM_* (Secure Download Mode), the stub did not
 * greet, or a reply timed out; the chip is then still in its ROM
 * loader, unless it was running our code when the greeting failed. */
int mpf_esp_stub_start(struct mpf_esp *e, const struct mpf_esp_stub *s, struct mpf_buf *err);

#endif
