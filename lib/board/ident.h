/* ident.h - identify a MicroPython board from what it says about itself.
 *
 * mpf_ident_script runs on the board (raw REPL) and prints one line:
 *
 *   mpf1 (<sys.implementation>, <os.uname()>, <sys.platform>, <sys.version>,
 *         <family module>, <board id>, <board_info.toml text>)
 *
 * as the board's own repr() writes it, so the board needs no json module
 * and the script stays the same from MicroPython 1.9 (attrtuples without
 * _machine, _mpy or _build) to today's previews and CircuitPython. All
 * interpretation happens here, on the host, where it is unit-tested:
 *
 *   family, version, build, preview, port, board, cpu, arch, mpy,
 *   board_id, variant (mpf(7), RECORDS), and from board_info.toml:
 *   description, ignore and a board_id override.
 */
#ifndef MPF_IDENT_H
#define MPF_IDENT_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"

extern const char mpf_ident_script[];

/* Parse a Python literal as repr() writes it: str (with \\xNN \\uNNNN
 * escapes), int, None, True, False, tuples and attrtuples
 * ("(name='x', version=(1, 2, 3))", which become JSON objects). Returns
 * a new JSON value and sets *end past it, or NULL with a message in err. */
json_t *mpf_pylit_parse(const char *s, size_t len, size_t *end, struct mpf_buf *err);

/* Turn the script's output (all of stdout) into the record fields, a new
 * JSON object. NULL with a message in err when there is no "mpf1" line or
 * it does not parse. A bad board_info.toml is not an error: it is
 * reported through *warn (may be NULL) and left out. */
json_t *mpf_ident_parse(const char *out, size_t len, struct mpf_buf *warn, struct mpf_buf *err);

/* The board_info.toml subset boards carry: top-level description, and
 * tables [mpflash] or [mpf] with ignore (bool), board_id and description
 * (strings). Adds "description", "ignore", "board_id" to fields. Returns
 * 0, or MPF_ERR_FORMAT with "line N: ..." in err (fields untouched). */
int mpf_ident_toml(const char *text, size_t len, json_t *fields, struct mpf_buf *err);

/* sys.platform as a port name: pyb* -> stm32, win32 -> windows,
 * linux -> unix, then the known port it starts with (nrf52 -> nrf). */
void mpf_ident_port(const char *platform, char *out, size_t cap);

#endif
