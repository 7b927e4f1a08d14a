/* fwcheck.h - is a firmware file what its name says, for the board's
 * port? Checked before a download is renamed into the cache and before
 * mpf-fetch --add registers a build: an empty file, a web page saved
 * under a firmware name or another family's image is refused there, not
 * on the board. The parsing is lib/proto's (uf2, dfuse, ihex, elf,
 * esp_image).
 */
#ifndef MPF_FWCHECK_H
#define MPF_FWCHECK_H

#include <stddef.h>
#include <stdint.h>

struct mpf_buf;

/* Check the file at path as a file of format ("uf2", "dfu", "hex", "elf",
 * "bin") for port (NULL or "": any): it must not be empty; a UF2 must
 * parse and carry a family of the port; a .dfu must be a DfuSe file or
 * carry a DFU suffix; a .hex must parse; an .elf must have loadable
 * segments; a .bin for an ESP port must start with the ESP image magic
 * 0xE9. Returns 0, MPF_ERR_FORMAT with err set, or the error of reading
 * the file. */
int mpf_fw_check_file(const char *path, const char *format, const char *port,
		      struct mpf_buf *err);

#endif
