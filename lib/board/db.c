/* db.c - the firmware catalogue in sqlite3 (see db.h). */
#include "db.h"
#include "clock.h"
#include "fsutil.h"
#include "boards.h"
#include "buf.h"
#include "err.h"
#include "log.h"
#include "version.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The compiled-in board table (lib/board/boards_csv.S), hashed to tell when the
 * boards rows must be reloaded. */
extern const char mpf_boards_csv[], mpf_boards_csv_end[];

struct mpf_db {
	sqlite3 *h;
	char *path;
	int told;		/* "waiting for the lock" said once */
	int64_t wait_end;	/* of the current wait */
};

/* Waiting this long for another writer is generous: writes are short.
 * MPF_DB_WAIT (seconds) changes it. */
#define BUSY_TIMEOUT_MS 30000

static int busy_timeout_ms(void)
{
	const char *s = getenv("MPF_DB_WAIT");

	return s && *s ? (int)(atof(s) * 1000) : BUSY_TIMEOUT_MS;
}

/* sqlite's busy handler: another process holds the lock. Say so once, wait
 * up to the timeout; then the statement fails with SQLITE_BUSY
 * (MPF_ERR_BUSY, exit 75). */
static int busy_wait(void *ctx, int n)
{
	struct mpf_db *db = ctx;

	if (!n) {
		db->wait_end = mpf_now_ms() + busy_timeout_ms();
		if (!db->told++)
			mpf_warn("the catalogue %s is locked by another mpf: waiting up to %d s",
				 db->path, (busy_timeout_ms() + 999) / 1000);
	}
	return mpf_now_ms() < db->wait_end && mpf_sleep_ms(20) >= 0;
}

/* Migrations: entry i brings user_version i to i + 1. Never edit one that
 * has shipped; append. */
static const char *const migrations[] = {
	"CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE boards(board_id TEXT NOT NULL, version TEXT NOT NULL, vkey INTEGER NOT NULL,"
	" board_name TEXT NOT NULL, mcu TEXT NOT NULL DEFAULT '', variant TEXT NOT NULL DEFAULT '',"
	" port TEXT NOT NULL DEFAULT '', path TEXT NOT NULL DEFAULT '',"
	" description TEXT NOT NULL DEFAULT '', family TEXT NOT NULL DEFAULT 'micropython',"
	" source TEXT NOT NULL CHECK(source IN ('table','mirror')),"
	" PRIMARY KEY(board_id, version));"
	"CREATE INDEX boards_name ON boards(board_name, variant);"
	"CREATE TABLE firmware(id INTEGER PRIMARY KEY, board_id TEXT NOT NULL,"
	" variant TEXT NOT NULL DEFAULT '', version TEXT NOT NULL, vkey INTEGER NOT NULL,"
	" preview INTEGER NOT NULL DEFAULT 0, build INTEGER NOT NULL DEFAULT 0,"
	" port TEXT NOT NULL DEFAULT '', format TEXT NOT NULL, url TEXT UNIQUE, file TEXT,"
	" sha256 TEXT, size INTEGER, date TEXT NOT NULL DEFAULT '',"
	" source TEXT NOT NULL CHECK(source IN ('download','local','custom')),"
	" page TEXT, gen INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX firmware_board ON firmware(board_id, variant);"
	"CREATE INDEX firmware_page ON firmware(page);"
	"CREATE UNIQUE INDEX firmware_local ON firmware(file) WHERE url IS NULL;"
	"CREATE TABLE listing(port TEXT NOT NULL, board_id TEXT NOT NULL,"
	" PRIMARY KEY(port, board_id));"
	"CREATE TABLE pages(url TEXT PRIMARY KEY, etag TEXT NOT NULL DEFAULT '',"
	" last_modified TEXT NOT NULL DEFAULT '', sha256 TEXT NOT NULL DEFAULT '',"
	" checked TEXT NOT NULL);",
	/* 2: builds from a source tree (mpf-build): source "build", the
	 * commit and whether the tree had uncommitted changes. sqlite cannot
	 * change a CHECK constraint in place, so the table is copied. */
	"CREATE TABLE firmware2(id INTEGER PRIMARY KEY, board_id TEXT NOT NULL,"
	" variant TEXT NOT NULL DEFAULT '', version TEXT NOT NULL, vkey INTEGER NOT NULL,"
	" preview INTEGER NOT NULL DEFAULT 0, build INTEGER NOT NULL DEFAULT 0,"
	" port TEXT NOT NULL DEFAULT '', format TEXT NOT NULL, url TEXT UNIQUE, file TEXT,"
	" sha256 TEXT, size INTEGER, date TEXT NOT NULL DEFAULT '',"
	" source TEXT NOT NULL CHECK(source IN ('download','local','custom','build')),"
	" page TEXT, gen INTEGER NOT NULL DEFAULT 0,"
	" git_commit TEXT NOT NULL DEFAULT '', dirty INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO firmware2(id, board_id, variant, version, vkey, preview, build, port, format,"
	" url, file, sha256, size, date, source, page, gen) SELECT id, board_id, variant, version,"
	" vkey, preview, build, port, format, url, file, sha256, size, date, source, page, gen"
	" FROM firmware;"
	"DROP TABLE firmware;"
	"ALTER TABLE firmware2 RENAME TO firmware;"
	"CREATE INDEX firmware_board ON firmware(board_id, variant);"
	"CREATE INDEX firmware_page ON firmware(page);"
	"CREATE UNIQUE INDEX firmware_local ON firmware(file) WHERE url IS NULL;",
};

static void col(sqlite3_stmt *st, int i, char *out, size_t cap);

static int db_err(struct mpf_db *db, struct mpf_buf *err, const char *what)
{
	int rc = sqlite3_errcode(db->h);

	return mpf_errf(err, rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? MPF_ERR_BUSY : MPF_ERR_IO,
			"database: %s: %s", what, sqlite3_errmsg(db->h));
}

static int exec(struct mpf_db *db, const char *sql, struct mpf_buf *err)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_err(db, err, sql);
	return 0;
}

int mpf_db_begin(struct mpf_db *db, struct mpf_buf *err)
{
	return exec(db, "BEGIN IMMEDIATE", err);
}

int mpf_db_commit(struct mpf_db *db, struct mpf_buf *err)
{
	return exec(db, "COMMIT", err);
}

void mpf_db_rollback(struct mpf_db *db)
{
	sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

static sqlite3_stmt *prep(struct mpf_db *db, const char *sql, struct mpf_buf *err)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK) {
		db_err(db, err, "prepare");
		return NULL;
	}
	return st;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Step a statement that returns no rows, then finalize it. */
static int run(struct mpf_db *db, sqlite3_stmt *st, struct mpf_buf *err, const char *what)
{
	int rc = sqlite3_step(st), r = 0;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		r = db_err(db, err, what);
	sqlite3_finalize(st);
	return r;
}

static int user_version(struct mpf_db *db)
{
	sqlite3_stmt *st = prep(db, "PRAGMA user_version", NULL);
	int v = -1;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int migrate(struct mpf_db *db, struct mpf_buf *err)
{
	int n = (int)(sizeof(migrations) / sizeof(migrations[0])), v, r;
	char sql[64];

	if (user_version(db) == n)
		return 0;	/* the common case: no lock taken */
	if ((r = mpf_db_begin(db, err)))
		return r;
	v = user_version(db);	/* another process may have migrated meanwhile */
	if (v > n) {
		mpf_db_rollback(db);
		return mpf_errf(err, MPF_ERR_SUPP,
				"database schema %d is newer than this mpf knows (%d): upgrade mpf",
				v, n);
	}
	for (; v >= 0 && v < n; v++) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if ((r = exec(db, migrations[v], err)) || (r = exec(db, sql, err))) {
			mpf_db_rollback(db);
			return r;
		}
	}
	return mpf_db_commit(db, err);
}

/* A sortable key: releases by number, a preview of X.Y.Z before X.Y.Z. */
static int64_t vkey(const char *version)
{
	struct mpf_version v;

	if (mpf_version_parse(version, &v))
		return 0;
	return (((int64_t)v.major * 1000 + v.minor) * 1000 + v.patch) * 2 +
	       (v.preview && !v.dev ? 0 : 1);
}

static void table_hash(char *out, size_t cap)
{
	uint64_t h = 1469598103934665603ull;
	const char *p;

	for (p = mpf_boards_csv; p < mpf_boards_csv_end; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	snprintf(out, cap, "%d:%016llx", MPF_DB_SCHEMA, (unsigned long long)h);
}

static int meta_get(struct mpf_db *db, const char *name, char *out, size_t cap)
{
	sqlite3_stmt *st = prep(db, "SELECT value FROM meta WHERE name = ?", NULL);
	int found = 0;

	if (!st)
		return 0;
	bind_text(st, 1, name);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

static int insert_table(struct mpf_db *db, struct mpf_buf *err)
{
	sqlite3_stmt *st;
	const struct mpf_board *b = NULL;
	size_t n, i;
	int r = 0;

	b = mpf_boards(&n);
	st = prep(db, "INSERT OR REPLACE INTO boards(board_id, version, vkey, board_name, mcu,"
		  " variant, port, path, description, family, source)"
		  " VALUES(?,?,?,?,?,?,?,?,?,?,'table')", err);
	if (!st)
		return MPF_ERR_IO;
	for (i = 0; i < n && !r; i++) {
		const char *f[] = { b[i].board_id, b[i].version, NULL, b[i].board_name, b[i].mcu,
				    b[i].variant, b[i].port, b[i].path, b[i].description,
				    b[i].family };
		int k;

		for (k = 0; k < 10; k++)
			bind_text(st, k + 1, f[k]);
		sqlite3_bind_int64(st, 3, vkey(b[i].version));
		if (sqlite3_step(st) != SQLITE_DONE)
			r = db_err(db, err, "loading the board table");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return r;
}

/* Reload the boards rows from the compiled table when it changed (once
 * per mpf build, not on every run). */
static int load_boards(struct mpf_db *db, struct mpf_buf *err)
{
	char want[64], have[64] = "";
	sqlite3_stmt *st;
	int r;

	table_hash(want, sizeof(want));
	if (meta_get(db, "boards_table", have, sizeof(have)) && !strcmp(have, want))
		return 0;
	if ((r = mpf_db_begin(db, err)))
		return r;
	if (meta_get(db, "boards_table", have, sizeof(have)) && !strcmp(have, want))
		return mpf_db_commit(db, err);
	r = exec(db, "DELETE FROM boards WHERE source = 'table'", err);
	if (!r)
		r = insert_table(db, err);
	/* a board learned from the mirror that the table now knows is the table's */
	if (!r)
		r = exec(db, "DELETE FROM boards WHERE source = 'mirror' AND board_id IN"
			 " (SELECT board_name FROM boards WHERE source = 'table')", err);
	if (!r && (st = prep(db, "INSERT OR REPLACE INTO meta VALUES('boards_table', ?)", err))) {
		bind_text(st, 1, want);
		r = run(db, st, err, "meta");
	}
	if (r) {
		mpf_db_rollback(db);
		return r;
	}
	return mpf_db_commit(db, err);
}

/* Switching to WAL takes an exclusive lock, and sqlite's busy handler does
 * not wait for it: while another process creates or migrates a new
 * database this fails at once with SQLITE_BUSY. Wait here instead, up to
 * the busy timeout. (Once a database is in WAL mode the switch is a no-op.) */
static int set_wal(struct mpf_db *db)
{
	int64_t end = mpf_now_ms() + busy_timeout_ms();
	int r;

	for (;;) {
		r = sqlite3_exec(db->h, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		if ((r != SQLITE_BUSY && r != SQLITE_LOCKED) || mpf_now_ms() >= end ||
		    mpf_sleep_ms(20) < 0)
			return r;
	}
}

int mpf_db_open(const char *path, struct mpf_db **out, struct mpf_buf *err)
{
	struct mpf_db *db = mpf_xcalloc(1, sizeof(*db));
	int r;

	*out = NULL;
	if ((r = mpf_mkdir_parents(path, err))) {
		free(db);
		return r;
	}
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		r = mpf_errf(err, MPF_ERR_IO, "cannot open database %s: %s", path,
			     db->h ? sqlite3_errmsg(db->h) : "out of memory");
		mpf_db_close(db);
		return r;
	}
	db->path = mpf_xstrdup(path);
	sqlite3_busy_handler(db->h, busy_wait, db);
	r = set_wal(db);
	if (r != SQLITE_OK) {
		if (r == SQLITE_BUSY || r == SQLITE_LOCKED)
			r = mpf_errf(err, MPF_ERR_BUSY, "database %s is busy: %s", path,
				     sqlite3_errmsg(db->h));
		else
			r = mpf_errf(err, MPF_ERR_IO, "cannot use database %s: %s (move it away; "
				     "mpf-fetch --update builds a new one)", path,
				     sqlite3_errmsg(db->h));
		mpf_db_close(db);
		return r;
	}
	if (!r)
		r = exec(db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", err);
	if (!r)
		r = migrate(db, err);
	if (!r)
		r = load_boards(db, err);
	if (r) {
		if (err && err->len)
			mpf_buf_addf(err, " (%s)", path);
		mpf_db_close(db);
		return r;
	}
	*out = db;
	return 0;
}

void mpf_db_close(struct mpf_db *db)
{
	if (!db)
		return;
	sqlite3_close(db->h);
	free(db->path);
	free(db);
}

static char *env_dir(const char *var, const char *home_rel, const char *leaf, struct mpf_buf *err)
{
	const char *v = getenv(var), *home = getenv("HOME");

	if (v && *v == '/')
		return mpf_xasprintf("%s/mpf/%s", v, leaf);
	if (!home || !*home) {
		mpf_errf(err, MPF_ERR_ARG, "neither MPF_HOME, %s nor HOME is set", var);
		return NULL;
	}
	return mpf_xasprintf("%s/%s/mpf/%s", home, home_rel, leaf);
}

int mpf_db_paths(char **db_path, char **fw_dir, struct mpf_buf *err)
{
	const char *home = getenv("MPF_HOME");
	char *d = NULL, *f = NULL;

	if (home && *home) {
		d = mpf_xasprintf("%s/mpf.db", home);
		f = mpf_xasprintf("%s/firmware", home);
	} else {
		d = env_dir("XDG_DATA_HOME", ".local/share", "mpf.db", err);
		f = d ? env_dir("XDG_CACHE_HOME", ".cache", "firmware", err) : NULL;
		if (!f) {
			free(d);
			return MPF_ERR_ARG;
		}
	}
	if (db_path)
		*db_path = d;
	else
		free(d);
	if (fw_dir)
		*fw_dir = f;
	else
		free(f);
	return 0;
}

int mpf_db_page_get(struct mpf_db *db, const char *url, struct mpf_db_page *p)
{
	sqlite3_stmt *st = prep(db, "SELECT etag, last_modified, sha256 FROM pages WHERE url = ?",
				NULL);
	int found = 0;

	memset(p, 0, sizeof(*p));
	if (!st)
		return 0;
	bind_text(st, 1, url);
	if (sqlite3_step(st) == SQLITE_ROW) {
		col(st, 0, p->etag, sizeof(p->etag));
		col(st, 1, p->last_modified, sizeof(p->last_modified));
		col(st, 2, p->sha256, sizeof(p->sha256));
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

int mpf_db_page_put(struct mpf_db *db, const char *url, const struct mpf_db_page *p,
		    struct mpf_buf *err)
{
	sqlite3_stmt *st = prep(db, "INSERT OR REPLACE INTO pages(url, etag, last_modified, sha256,"
				" checked) VALUES(?, ?, ?, ?, datetime('now'))", err);

	if (!st)
		return MPF_ERR_IO;
	bind_text(st, 1, url);
	bind_text(st, 2, p->etag);
	bind_text(st, 3, p->last_modified);
	bind_text(st, 4, p->sha256);
	return run(db, st, err, "saving page validators");
}

static void bind_fw(sqlite3_stmt *st, const struct mpf_fw *fw)
{
	bind_text(st, 1, fw->board_id);
	bind_text(st, 2, fw->variant);
	bind_text(st, 3, fw->version);
	sqlite3_bind_int64(st, 4, vkey(fw->version));
	sqlite3_bind_int(st, 5, fw->preview);
	sqlite3_bind_int(st, 6, fw->build);
	bind_text(st, 7, fw->port);
	bind_text(st, 8, fw->format);
	bind_text(st, 9, fw->url[0] ? fw->url : NULL);
	bind_text(st, 10, fw->file[0] ? fw->file : NULL);
	bind_text(st, 11, fw->sha256[0] ? fw->sha256 : NULL);
	if (fw->size >= 0)
		sqlite3_bind_int64(st, 12, fw->size);
	else
		sqlite3_bind_null(st, 12);
	bind_text(st, 13, fw->date);
	bind_text(st, 14, fw->source);
	bind_text(st, 15, fw->commit);
	sqlite3_bind_int(st, 16, fw->dirty);
}

#define FW_COLS "board_id, variant, version, vkey, preview, build, port, format, url, file," \
		" sha256, size, date, source, git_commit, dirty"
#define FW_VALUES "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?"

int mpf_db_fw_listed(struct mpf_db *db, const struct mpf_fw *fw, const char *page, int64_t gen,
		     struct mpf_buf *err)
{
	sqlite3_stmt *st = prep(db, "INSERT INTO firmware(" FW_COLS ", page, gen)"
		" VALUES(" FW_VALUES ",?,?) ON CONFLICT(url) DO UPDATE SET"
		" board_id = excluded.board_id, variant = excluded.variant,"
		" version = excluded.version, vkey = excluded.vkey, preview = excluded.preview,"
		" build = excluded.build, port = excluded.port, format = excluded.format,"
		" date = excluded.date, page = excluded.page, gen = excluded.gen", err);

	if (!st)
		return MPF_ERR_IO;
	bind_fw(st, fw);
	bind_text(st, 17, page);
	sqlite3_bind_int64(st, 18, gen);
	return run(db, st, err, "saving a firmware row");
}

int mpf_db_fw_prune(struct mpf_db *db, const char *page, int64_t gen, struct mpf_buf *err)
{
	sqlite3_stmt *st = prep(db, "DELETE FROM firmware WHERE page = ? AND gen != ?"
				" AND file IS NULL", err);
	int r;

	if (!st)
		return MPF_ERR_IO;
	bind_text(st, 1, page);
	sqlite3_bind_int64(st, 2, gen);
	r = run(db, st, err, "pruning firmware rows");
	return r ? r : sqlite3_changes(db->h);
}

int mpf_db_fw_add(struct mpf_db *db, const struct mpf_fw *fw, struct mpf_buf *err)
{
	sqlite3_stmt *st = prep(db, "INSERT INTO firmware(" FW_COLS ")"
		" VALUES(" FW_VALUES ") ON CONFLICT(file) WHERE url IS NULL"
		" DO UPDATE SET board_id = excluded.board_id, variant = excluded.variant,"
		" version = excluded.version, vkey = excluded.vkey, preview = excluded.preview,"
		" build = excluded.build, port = excluded.port, format = excluded.format,"
		" sha256 = excluded.sha256, size = excluded.size, date = excluded.date,"
		" source = excluded.source, git_commit = excluded.git_commit,"
		" dirty = excluded.dirty", err);

	if (!st)
		return MPF_ERR_IO;
	bind_fw(st, fw);
	return run(db, st, err, "registering a build");
}

int mpf_db_fw_remove(struct mpf_db *db, const char *file, struct mpf_buf *err)
{
	sqlite3_stmt *st = prep(db, "DELETE FROM firmware WHERE file = ? AND url IS NULL", err);
	int r;

	if (!st)
		return MPF_ERR_IO;
	bind_text(st, 1, file);
	r = run(db, st, err, "unregistering a build");
	return r ? r : sqlite3_changes(db->h);
}

int mpf_db_fw_set_file(struct mpf_db *db, const char *url, const char *file, const char *sha256,
		       int64_t size, struct mpf_buf *err)
{
	sqlite3_stmt *st = prep(db, "UPDATE firmware SET file = ?, sha256 = ?, size = ?"
				" WHERE url = ?", err);

	if (!st)
		return MPF_ERR_IO;
	bind_text(st, 1, file);
	bind_text(st, 2, sha256);
	sqlite3_bind_int64(st, 3, size);
	bind_text(st, 4, url);
	return run(db, st, err, "recording a download");
}

static void col(sqlite3_stmt *st, int i, char *out, size_t cap)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	snprintf(out, cap, "%s", s ? (const char *)s : "");
}

static void read_fw(sqlite3_stmt *st, struct mpf_fw *fw)
{
	memset(fw, 0, sizeof(*fw));
	fw->id = sqlite3_column_int64(st, 0);
	col(st, 1, fw->board_id, sizeof(fw->board_id));
	col(st, 2, fw->variant, sizeof(fw->variant));
	col(st, 3, fw->version, sizeof(fw->version));
	fw->preview = sqlite3_column_int(st, 5);
	fw->build = sqlite3_column_int(st, 6);
	col(st, 7, fw->port, sizeof(fw->port));
	col(st, 8, fw->format, sizeof(fw->format));
	col(st, 9, fw->url, sizeof(fw->url));
	col(st, 10, fw->file, sizeof(fw->file));
	col(st, 11, fw->sha256, sizeof(fw->sha256));
	fw->size = sqlite3_column_type(st, 12) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 12);
	col(st, 13, fw->date, sizeof(fw->date));
	col(st, 14, fw->source, sizeof(fw->source));
	col(st, 15, fw->commit, sizeof(fw->commit));
	fw->dirty = sqlite3_column_int(st, 16);
}

int mpf_db_fw_by_url(struct mpf_db *db, const char *url, struct mpf_fw *fw)
{
	sqlite3_stmt *st = prep(db, "SELECT id, " FW_COLS " FROM firmware WHERE url = ?", NULL);
	int found = 0;

	if (!st)
		return 0;
	bind_text(st, 1, url);
	if (sqlite3_step(st) == SQLITE_ROW) {
		read_fw(st, fw);
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

int mpf_db_fw_each(struct mpf_db *db, const struct mpf_db_query *q,
		   int (*fn)(const struct mpf_fw *fw, void *ctx), void *ctx, struct mpf_buf *err)
{
	sqlite3_stmt *st = prep(db, "SELECT id, " FW_COLS " FROM firmware WHERE"
		" (?1 IS NULL OR board_id = ?1 COLLATE NOCASE) AND"
		" (?2 IS NULL OR variant = ?2 COLLATE NOCASE) AND"
		" (?3 IS NULL OR port = ?3) AND (?4 IS NULL OR version = ?4) AND"
		" (?5 IS NULL OR source = ?5)"
		" ORDER BY port, board_id, variant, vkey DESC, build DESC, format, id", err);
	struct mpf_fw fw;
	int rc, n = 0;

	if (!st)
		return MPF_ERR_IO;
	bind_text(st, 1, q->board_id);
	bind_text(st, 2, q->variant);
	bind_text(st, 3, q->port);
	bind_text(st, 4, q->version);
	bind_text(st, 5, q->source);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_fw(st, &fw);
		n++;
		if (fn(&fw, ctx))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		n = db_err(db, err, "reading the catalogue");
	sqlite3_finalize(st);
	return n;
}

int mpf_db_board_learn(struct mpf_db *db, const char *board_id, const char *port,
		       struct mpf_buf *err)
{
	sqlite3_stmt *st;

	if (mpf_board_find(board_id, NULL))
		return 0;
	st = prep(db, "INSERT OR IGNORE INTO boards(board_id, version, vkey, board_name, port,"
		  " source) VALUES(?1, '', 0, ?1, ?2, 'mirror')", err);
	if (!st)
		return MPF_ERR_IO;
	bind_text(st, 1, board_id);
	bind_text(st, 2, port);
	return run(db, st, err, "learning a board");
}

int mpf_db_board_get(struct mpf_db *db, const char *board, const char *variant,
		     struct mpf_db_board *b)
{
	sqlite3_stmt *st = prep(db, "SELECT board_id, board_name, variant, version, mcu, port,"
				" description, source FROM boards WHERE board_name = ?1 COLLATE NOCASE"
				" AND variant = ?2 COLLATE NOCASE ORDER BY board_name = ?1 DESC,"
				" vkey DESC LIMIT 1", NULL);
	int found = 0;

	if (!st)
		return 0;
	bind_text(st, 1, board);
	bind_text(st, 2, variant ? variant : "");
	if (sqlite3_step(st) == SQLITE_ROW) {
		col(st, 0, b->board_id, sizeof(b->board_id));
		col(st, 1, b->board_name, sizeof(b->board_name));
		col(st, 2, b->variant, sizeof(b->variant));
		col(st, 3, b->version, sizeof(b->version));
		col(st, 4, b->mcu, sizeof(b->mcu));
		col(st, 5, b->port, sizeof(b->port));
		col(st, 6, b->description, sizeof(b->description));
		col(st, 7, b->source, sizeof(b->source));
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

int mpf_db_listing_each(struct mpf_db *db, const char *port,
			void (*fn)(const char *board, void *ctx), void *ctx)
{
	sqlite3_stmt *st = prep(db, "SELECT board_id FROM listing WHERE port = ?"
				" ORDER BY rowid", NULL);
	int n = 0;

	if (!st)
		return MPF_ERR_IO;
	bind_text(st, 1, port);
	while (sqlite3_step(st) == SQLITE_ROW) {
		fn((const char *)sqlite3_column_text(st, 0), ctx);
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

int mpf_db_listing_set(struct mpf_db *db, const char *port, const char *const *boards,
		       size_t n, struct mpf_buf *err)
{
	sqlite3_stmt *st = prep(db, "DELETE FROM listing WHERE port = ?", err);
	size_t i;
	int r;

	if (!st)
		return MPF_ERR_IO;
	bind_text(st, 1, port);
	if ((r = run(db, st, err, "listing")))
		return r;
	for (i = 0; i < n && !r; i++) {
		if (!(st = prep(db, "INSERT OR IGNORE INTO listing VALUES(?, ?)", err)))
			return MPF_ERR_IO;
		bind_text(st, 1, port);
		bind_text(st, 2, boards[i]);
		r = run(db, st, err, "listing");
	}
	return r;
}

char *mpf_fw_path(const struct mpf_fw *fw, const char *fw_dir)
{
	if (!fw->file[0])
		return NULL;
	if (fw->file[0] == '/' || !fw_dir)
		return mpf_xstrdup(fw->file);
	return mpf_xasprintf("%s/%s", fw_dir, fw->file);
}

json_t *mpf_fw_json(const struct mpf_fw *fw, const char *fw_dir)
{
	json_t *o = json_object();
	char *path = mpf_fw_path(fw, fw_dir);

	json_object_set_new(o, "board_id", json_string(fw->board_id));
	json_object_set_new(o, "variant", json_string(fw->variant));
	json_object_set_new(o, "version", json_string(fw->version));
	json_object_set_new(o, "preview", json_boolean(fw->preview));
	if (fw->preview)
		json_object_set_new(o, "build", json_integer(fw->build));
	json_object_set_new(o, "format", json_string(fw->format));
	if (fw->url[0])
		json_object_set_new(o, "url", json_string(fw->url));
	if (path && !access(path, R_OK)) {
		json_object_set_new(o, "file", json_string(path));
		if (fw->sha256[0])
			json_object_set_new(o, "sha256", json_string(fw->sha256));
		if (fw->size >= 0)
			json_object_set_new(o, "size", json_integer(fw->size));
	} else if (fw->url[0] && fw->sha256[0]) {
		/* known from an earlier download: lets mpf-fetch verify a new copy */
		json_object_set_new(o, "sha256", json_string(fw->sha256));
		if (fw->size >= 0)
			json_object_set_new(o, "size", json_integer(fw->size));
	}
	if (fw->date[0])
		json_object_set_new(o, "date", json_string(fw->date));
	json_object_set_new(o, "source", json_string(fw->source));
	if (!strcmp(fw->source, "build")) {
		if (fw->commit[0])
			json_object_set_new(o, "commit", json_string(fw->commit));
		json_object_set_new(o, "dirty", json_boolean(fw->dirty));
	}
	free(path);
	return o;
}
