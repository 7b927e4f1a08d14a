/* mirror.h - the micropython.org download pages and firmware file names
 * (pure: buffers in, values out; doc/boards.md 3).
 *
 * Layout of a mirror rooted at BASE (https://micropython.org/):
 *   BASE download/?port=<port>   the port index: one <a class="board-card"
 *                                href="..."> per board, the href naming the board
 *   BASE download/<BOARD>/       the board page: <a href="/resources/firmware/NAME">
 *                                per file, newest first
 *   BASE resources/firmware/NAME the files:
 *        <BOARD>[-<VARIANT>]-<YYYYMMDD>-v<X.Y.Z>[-preview.<N>.g<hash>].<ext>
 * Quirks handled: board names hold '_' and never '-', so the first '-'
 * after the board starts the variant; builds before 1.22 were named
 * "-unstable-v1.19.1-59-g<hash>"; files from before the 1.20 board renames
 * sit on the new board's page under their old names ("rp2-pico-20220618-
 * v1.19.1.uf2"): they belong to the page's board, with no variant.
 *
 * A file:// mirror (an air-gapped copy made with wget -r) stores the pages
 * as download/index.html?port=<port> and download/<BOARD>/index.html.
 */
#ifndef MPF_MIRROR_H
#define MPF_MIRROR_H

#include <stddef.h>

#include "version.h"

#define MPF_MIRROR_DEFAULT "https://micropython.org/"

struct mpf_fwname {
	char board[64];		/* "ESP32_GENERIC" */
	char variant[64];	/* "SPIRAM", "" for the base board */
	char date[11];		/* "2024-11-29" */
	char version[32];	/* "1.24.1", "1.25.0-preview" (mpf(7), RECORDS) */
	struct mpf_version v;	/* preview, build, hash */
	char format[8];		/* "uf2", "bin", "dfu", "hex", "elf" */
	int legacy;		/* an old name that does not start with the board */
};

/* Call fn(ctx, value) for each href of a tag. */
typedef void (*mpf_mirror_fn)(void *ctx, const char *value);

/* The board ids the port index lists (each once, in page order). */
void mpf_mirror_index_boards(const char *html, size_t len, mpf_mirror_fn fn, void *ctx);
/* The firmware file names a board page links (hrefs under
 * /resources/firmware/, reduced to the file name; others are ignored). */
void mpf_mirror_board_files(const char *html, size_t len, mpf_mirror_fn fn, void *ctx);

/* Parse a firmware file name. board is the board whose page listed it
 * (NULL when unknown: the name is then split at its first '-'). Returns 0,
 * MPF_ERR_FORMAT for a name that is not a firmware file (".map", no date,
 * no version), or MPF_ERR_SUPP for a format mpf does not flash. */
int mpf_mirror_parse_name(const char *name, const char *board, struct mpf_fwname *fw);

/* 1 if s is a plausible board, variant or port id: [A-Za-z0-9_]+, or
 * with '-' allowed when dash is set; at most 63 characters. The one check
 * a name from outside (an option, a record, a mirror page, a file name)
 * passes before it becomes part of a path. */
int mpf_mirror_valid_id(const char *s, int dash);

/* URLs of the pages, with base ending in '/' (file:// mirrors use the
 * wget names). Returned malloc'ed. */
char *mpf_mirror_index_url(const char *base, const char *port);
char *mpf_mirror_board_url(const char *base, const char *board);
char *mpf_mirror_file_url(const char *base, const char *name);

/* The cache path of a file relative to the firmware directory:
 * "<port>/<BOARD[-VARIANT]>-v<X.Y.Z>[-preview.<build>].<ext>". Returns 0,
 * or MPF_ERR_ARG when a part is not a valid id (mpf_mirror_valid_id) or
 * the format not a firmware format, or the name does not fit. */
int mpf_mirror_cache_name(const char *port, const char *board, const char *variant,
			  const struct mpf_version *v, const char *format,
			  char *out, size_t cap);

#endif
