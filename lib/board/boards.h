/* boards.h - the MicroPython board table (lib/board/micropython_boards.csv,
 * compiled in), and the rules that find a board by id or description.
 *
 * Rows are per release: version ("v1.24.1"), board_id ("BOARD" or
 * "BOARD-VARIANT"), board_name ("BOARD"), mcu, variant, port, path,
 * description ("<board name> with <mcu>", as the board's _machine says;
 * rp2 rows hold only the board part), family.
 */
#ifndef MPF_BOARDS_H
#define MPF_BOARDS_H

#include <stddef.h>

struct mpf_board {
	const char *version, *board_id, *board_name, *mcu, *variant, *port, *path,
		*description, *family;
};

/* Every row, in file order (oldest release first); parsed once, on first
 * use, thread-safe. */
const struct mpf_board *mpf_boards(size_t *n);

/* 1 if row a is of a newer release than row b (b may be NULL). */
int mpf_board_newer(const struct mpf_board *a, const struct mpf_board *b);

/* The newest row of board (a board name) with variant ("" or NULL: the
 * base board); NULL when the table has none. */
const struct mpf_board *mpf_board_find(const char *board, const char *variant);

/* Names a renamed board went by (doc/boards.md 2): PICO <-> RPI_PICO,
 * GENERIC[_X] -> <PORT>_GENERIC[_X] (ESP32 and ESP8266 when port is NULL),
 * ESP32_/ESP8266_ prefixes dropped, _SPIRAM/_THREAD suffixes dropped.
 * Writes up to cap names (board itself excluded) into out; returns count. */
size_t mpf_board_aliases(const char *board, const char *port, char out[][64], size_t cap);

/* The base board (no variant) whose description is the board's _machine
 * string descr: tried as is, up to its last " with", and without a leading
 * "Generic "; rows of version (a version string, may be NULL) first, then
 * the newest of any version. NULL when none fits: never a guess. */
const struct mpf_board *mpf_board_by_description(const char *descr, const char *version);

#endif
