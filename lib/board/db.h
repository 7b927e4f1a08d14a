/* db.h - the firmware catalogue (sqlite3), shared by mpf-fetch, mpf-pick
 * and mpf-info.
 *
 * The database runs in WAL mode with a busy timeout, and every write is a
 * BEGIN IMMEDIATE transaction, so parallel applets (two mpf-fetch at once,
 * mpf-pick reading while mpf-fetch writes) share it without "database is
 * locked" failures. The schema carries a version (PRAGMA user_version) and
 * is brought up to date by the migrations in db.c, once, by whichever
 * process opens it first.
 *
 * Tables:
 *   boards    the board table compiled into mpf (lib/board/boards.h), loaded
 *             once per table content (meta "boards_table"), plus boards the
 *             mirror lists that the table lacks (source "mirror")
 *   firmware  one row per firmware file: board_id, variant, version,
 *             preview, build, port, format, url, file, sha256, size, date,
 *             source ("download", "local", "custom" or "build"), and for
 *             builds (mpf-build) the commit and whether the tree was dirty
 *   pages     the HTTP validators (ETag, Last-Modified) of each page
 *
 * Paths (mpf(7), ENVIRONMENT): $MPF_HOME/mpf.db and $MPF_HOME/firmware when
 * MPF_HOME is set, else $XDG_DATA_HOME/mpf/mpf.db and
 * $XDG_CACHE_HOME/mpf/firmware (~/.local/share and ~/.cache by default).
 */
#ifndef MPF_DB_H
#define MPF_DB_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct mpf_buf;
struct mpf_db;

#define MPF_DB_SCHEMA 2

struct mpf_fw {
	int64_t id;
	char board_id[64], variant[64];
	char version[32];	/* "1.24.1", "1.25.0-preview" */
	int preview, build;
	char port[24], format[8];
	char url[512];		/* "" for local and custom builds */
	char file[4096];	/* downloads: relative to the firmware directory */
	char sha256[65];
	int64_t size;		/* -1 unknown */
	char date[11];		/* "2024-11-29" or "" */
	char source[10];	/* "download", "local", "custom", "build" */
	char commit[48];	/* builds: the source tree's commit, "" when not a git tree */
	int dirty;		/* builds: the tree had uncommitted changes */
};

struct mpf_db_board {
	char board_id[64], board_name[64], variant[64], version[16];
	char mcu[32], port[24], description[160], source[8];
};

/* The database path and the firmware directory (malloc'ed; either may be
 * NULL when not wanted). MPF_ERR_ARG with a message when no home is known. */
int mpf_db_paths(char **db_path, char **fw_dir, struct mpf_buf *err);

/* Open (creating directories, the file and the schema as needed). */
int mpf_db_open(const char *path, struct mpf_db **db, struct mpf_buf *err);
void mpf_db_close(struct mpf_db *db);

/* Write transactions (BEGIN IMMEDIATE: waits for other writers). */
int mpf_db_begin(struct mpf_db *db, struct mpf_buf *err);
int mpf_db_commit(struct mpf_db *db, struct mpf_buf *err);
void mpf_db_rollback(struct mpf_db *db);

/* What is known of a page: its HTTP validators and the sha256 of its
 * body (which tells an unchanged page from a server that sends no
 * validators). Strings are "" when unknown. */
struct mpf_db_page {
	char etag[256], last_modified[64], sha256[65];
};
/* 1 found, 0 none. */
int mpf_db_page_get(struct mpf_db *db, const char *url, struct mpf_db_page *p);
int mpf_db_page_put(struct mpf_db *db, const char *url, const struct mpf_db_page *p,
		    struct mpf_buf *err);

/* A file listed on a page (source "download"): inserted, or updated
 * keeping its local file and checksum. gen marks the rows seen this time. */
int mpf_db_fw_listed(struct mpf_db *db, const struct mpf_fw *fw, const char *page,
		     int64_t gen, struct mpf_buf *err);
/* Drop rows of page not listed in gen and not downloaded; returns count. */
int mpf_db_fw_prune(struct mpf_db *db, const char *page, int64_t gen, struct mpf_buf *err);
/* Register a local or custom build (keyed by its file). */
int mpf_db_fw_add(struct mpf_db *db, const struct mpf_fw *fw, struct mpf_buf *err);
/* Unregister the local, custom or source build whose file is file (rows
 * of downloads are kept); returns the rows removed. */
int mpf_db_fw_remove(struct mpf_db *db, const char *file, struct mpf_buf *err);
/* Record the downloaded file of url. */
int mpf_db_fw_set_file(struct mpf_db *db, const char *url, const char *file,
		       const char *sha256, int64_t size, struct mpf_buf *err);
/* The row of url: 1 found, 0 not. */
int mpf_db_fw_by_url(struct mpf_db *db, const char *url, struct mpf_fw *fw);

/* Rows matching every non-NULL field (board_id, variant, port, version,
 * source), passed to fn in catalogue order; fn returns nonzero to stop.
 * Returns the number of rows passed, or a negative mpf_err. */
struct mpf_db_query {
	const char *board_id, *variant, *port, *version, *source;
};
int mpf_db_fw_each(struct mpf_db *db, const struct mpf_db_query *q,
		   int (*fn)(const struct mpf_fw *fw, void *ctx), void *ctx,
		   struct mpf_buf *err);

/* The boards a port index listed last time (for a 304 index page), and
 * replacing that list. fn gets each board id. */
int mpf_db_listing_each(struct mpf_db *db, const char *port,
			void (*fn)(const char *board, void *ctx), void *ctx);
int mpf_db_listing_set(struct mpf_db *db, const char *port, const char *const *boards,
		       size_t n, struct mpf_buf *err);

/* The "firmware" object of a record for a row (file made absolute against
 * fw_dir, and only when it exists). */
json_t *mpf_fw_json(const struct mpf_fw *fw, const char *fw_dir);
/* Absolute path of a row's file (malloc'ed), NULL when none. */
char *mpf_fw_path(const struct mpf_fw *fw, const char *fw_dir);

/* A board the mirror lists: remembered when the compiled table lacks it. */
int mpf_db_board_learn(struct mpf_db *db, const char *board_id, const char *port,
		       struct mpf_buf *err);
/* The newest row of board with variant ("" base): 1 found, 0 not. */
int mpf_db_board_get(struct mpf_db *db, const char *board, const char *variant,
		     struct mpf_db_board *out);

#endif
