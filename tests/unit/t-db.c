/* t-db.c - the firmware catalogue: schema, board table, firmware rows,
 * validators, and two writers at once (parallel applets share the file). */
#include "test-lib.h"
#include "buf.h"
#include "db.h"
#include "err.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256], path[300];

static struct mpf_fw row(const char *board, const char *variant, const char *version, int build,
			 const char *url)
{
	struct mpf_fw fw;

	memset(&fw, 0, sizeof(fw));
	snprintf(fw.board_id, sizeof(fw.board_id), "%s", board);
	snprintf(fw.variant, sizeof(fw.variant), "%s", variant);
	snprintf(fw.version, sizeof(fw.version), "%s", version);
	fw.preview = strstr(version, "preview") != NULL;
	fw.build = build;
	snprintf(fw.port, sizeof(fw.port), "rp2");
	snprintf(fw.format, sizeof(fw.format), "uf2");
	snprintf(fw.url, sizeof(fw.url), "%s", url ? url : "");
	fw.size = -1;
	snprintf(fw.source, sizeof(fw.source), "download");
	return fw;
}

static int count_cb(const struct mpf_fw *fw, void *ctx)
{
	(*(int *)ctx)++;
	return 0;
}

static int first_cb(const struct mpf_fw *fw, void *ctx)
{
	*(struct mpf_fw *)ctx = *fw;
	return 1;
}

static int count(struct mpf_db *db, const char *board, const char *version)
{
	struct mpf_db_query q = { board, NULL, NULL, version, NULL };
	int n = 0;

	mpf_db_fw_each(db, &q, count_cb, &n, NULL);
	return n;
}

static void t_open(void)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_db *db;
	struct mpf_db_board b;

	if (!check_int(mpf_db_open(path, &db, &err), ==, 0)) {
		test_msg("%s", mpf_buf_str(&err));
		return;
	}
	check(mpf_db_board_get(db, "RPI_PICO_W", "", &b));
	check_str(b.port, "rp2");
	check_str(b.mcu, "rp2040");
	check(mpf_db_board_get(db, "ESP32_GENERIC_S3", "SPIRAM_OCT", &b));
	check_str(b.mcu, "esp32s3");
	check(!mpf_db_board_get(db, "NO_SUCH_BOARD", "", &b));
	/* a board the mirror lists and the table lacks is learned */
	check_int(mpf_db_board_learn(db, "SIM_NEW", "rp2", &err), ==, 0);
	check(mpf_db_board_get(db, "SIM_NEW", "", &b));
	check_str(b.source, "mirror");
	mpf_db_close(db);
	mpf_buf_release(&err);
}

/* The catalogue file behind mpf_db's back: run sql, or read the first
 * column of its first row (-1: no row). */
static void sql_exec(const char *sql)
{
	sqlite3 *h;

	sqlite3_open(path, &h);
	sqlite3_exec(h, sql, NULL, NULL, NULL);
	sqlite3_close(h);
}

static int sql_int(const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	int v = -1;

	sqlite3_open(path, &h);
	sqlite3_prepare_v2(h, sql, -1, &st, NULL);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static void t_reopen_keeps_boards(void)
{
	static const char marked[] = "SELECT count(*) FROM boards WHERE description = 'marker'";
	struct mpf_db *db;

	/* the table is not reloaded on every open: a marker row survives */
	sql_exec("UPDATE boards SET description = 'marker' WHERE board_id = 'RPI_PICO_W'"
		 " AND source = 'table'");
	if (!check_int(mpf_db_open(path, &db, NULL), ==, 0))
		return;
	mpf_db_close(db);
	check(sql_int(marked) > 0);
	check_int(sql_int("PRAGMA user_version"), ==, MPF_DB_SCHEMA);
	/* a changed table (here: a changed marker) is reloaded */
	sql_exec("UPDATE meta SET value = 'old' WHERE name = 'boards_table'");
	if (!check_int(mpf_db_open(path, &db, NULL), ==, 0))
		return;
	mpf_db_close(db);
	check_int(sql_int(marked), ==, 0);
}

static void t_firmware(void)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_db *db;
	struct mpf_fw a = row("RPI_PICO", "", "1.24.1", 0, "http://m/RPI_PICO-20241129-v1.24.1.uf2");
	struct mpf_fw p = row("RPI_PICO", "", "1.25.0-preview", 7, "http://m/RPI_PICO-p7.uf2");
	struct mpf_fw got, local;

	if (!check_int(mpf_db_open(path, &db, &err), ==, 0))
		return;
	check_int(mpf_db_begin(db, &err), ==, 0);
	check_int(mpf_db_fw_listed(db, &a, "page", 1, &err), ==, 0);
	check_int(mpf_db_fw_listed(db, &p, "page", 1, &err), ==, 0);
	check_int(mpf_db_commit(db, &err), ==, 0);
	check_int(count(db, "RPI_PICO", NULL), ==, 2);
	check_int(count(db, "RPI_PICO", "1.24.1"), ==, 1);
	/* a download is recorded and survives the page being listed again */
	check_int(mpf_db_fw_set_file(db, a.url, "rp2/RPI_PICO-v1.24.1.uf2", "ab", 10, &err), ==, 0);
	check_int(mpf_db_fw_listed(db, &a, "page", 2, &err), ==, 0);
	check(mpf_db_fw_by_url(db, a.url, &got));
	check_str(got.file, "rp2/RPI_PICO-v1.24.1.uf2");
	check_str(got.sha256, "ab");
	check_int(got.size, ==, 10);
	check_int(got.preview, ==, 0);
	/* the preview, gone from the page and never downloaded, is pruned */
	check_int(mpf_db_fw_prune(db, "page", 2, &err), ==, 1);
	check_int(count(db, "RPI_PICO", NULL), ==, 1);
	/* local builds are keyed by their file */
	local = row("RPI_PICO", "", "1.26.0-preview", 3, NULL);
	snprintf(local.file, sizeof(local.file), "/tmp/build/firmware.uf2");
	snprintf(local.source, sizeof(local.source), "custom");
	check_int(mpf_db_fw_add(db, &local, &err), ==, 0);
	local.build = 4;
	check_int(mpf_db_fw_add(db, &local, &err), ==, 0);
	check_int(count(db, "RPI_PICO", NULL), ==, 2);
	check_int(count(db, "RPI_PICO", "1.26.0-preview"), ==, 1);
	mpf_db_close(db);
	mpf_buf_release(&err);
}

static void t_pages(void)
{
	struct mpf_db *db;
	struct mpf_db_page p = { "\"e1\"", "Tue, 15 Apr 2025 12:00:00 GMT", "abc" }, q;

	if (!check_int(mpf_db_open(path, &db, NULL), ==, 0))
		return;
	check(!mpf_db_page_get(db, "http://x/", &q));
	check_str(q.etag, "");
	check_int(mpf_db_page_put(db, "http://x/", &p, NULL), ==, 0);
	check(mpf_db_page_get(db, "http://x/", &q));
	check_str(q.etag, "\"e1\"");
	check_str(q.last_modified, "Tue, 15 Apr 2025 12:00:00 GMT");
	check_str(q.sha256, "abc");
	mpf_db_close(db);
}

/* Two connections (as two processes would have) write at once. */
static void *writer(void *arg)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_db *db;
	long id = (long)arg, i;
	char url[64];
	intptr_t fails = 0;

	if (mpf_db_open(path, &db, &err))
		return (void *)1000;
	for (i = 0; i < 50; i++) {
		struct mpf_fw fw;

		snprintf(url, sizeof(url), "http://w%ld/%ld.uf2", id, i);
		fw = row("W", "", "1.24.1", 0, url);
		if (mpf_db_begin(db, &err) || mpf_db_fw_listed(db, &fw, url, 1, &err) ||
		    mpf_db_commit(db, &err)) {
			mpf_db_rollback(db);
			fails++;
		}
	}
	mpf_db_close(db);
	mpf_buf_release(&err);
	return (void *)fails;
}

static void t_parallel(void)
{
	pthread_t t[2];
	void *r0, *r1;
	struct mpf_db *db;

	pthread_create(&t[0], NULL, writer, (void *)0L);
	pthread_create(&t[1], NULL, writer, (void *)1L);
	pthread_join(t[0], &r0);
	pthread_join(t[1], &r1);
	check_int((intptr_t)r0, ==, 0);
	check_int((intptr_t)r1, ==, 0);
	if (!check_int(mpf_db_open(path, &db, NULL), ==, 0))
		return;
	check_int(count(db, "W", NULL), ==, 100);
	mpf_db_close(db);
}

/* A catalogue of schema 1 (no builds: no git_commit, no dirty, source
 * download, local or custom) keeps every row and its id when it becomes
 * schema 2, and takes builds after. */
static void t_migrate_builds(void)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_db *db;
	struct mpf_fw b = row("RPI_PICO", "", "1.26.0-preview", 9, NULL), got;
	struct mpf_db_query q = { "RPI_PICO", NULL, NULL, "1.26.0-preview", "build" };
	int before = sql_int("SELECT count(*) FROM firmware"), id = sql_int("SELECT max(id) FROM firmware");

	check(before > 0);
	sql_exec("ALTER TABLE firmware DROP COLUMN git_commit; ALTER TABLE firmware DROP COLUMN dirty;"
		 "PRAGMA user_version = 1");
	check_int(sql_int("SELECT count(*) FROM pragma_table_info('firmware') WHERE name = 'dirty'"), ==, 0);
	if (!check_int(mpf_db_open(path, &db, &err), ==, 0)) {
		test_msg("%s", mpf_buf_str(&err));
		return;
	}
	check_int(sql_int("PRAGMA user_version"), ==, MPF_DB_SCHEMA);
	check_int(sql_int("SELECT count(*) FROM firmware"), ==, before);
	check_int(sql_int("SELECT max(id) FROM firmware"), ==, id);
	check_int(sql_int("SELECT count(*) FROM firmware WHERE dirty != 0 OR git_commit != ''"), ==, 0);
	snprintf(b.file, sizeof(b.file), "/tmp/build/x/firmware.uf2");
	snprintf(b.source, sizeof(b.source), "build");
	snprintf(b.commit, sizeof(b.commit), "1c3c201149f37fe8d81246191b3127bb198d6306");
	b.dirty = 1;
	check_int(mpf_db_fw_add(db, &b, &err), ==, 0);
	memset(&got, 0, sizeof(got));
	check_int(mpf_db_fw_each(db, &q, first_cb, &got, &err), ==, 1);
	check_str(got.commit, b.commit);
	check_int(got.dirty, ==, 1);
	mpf_db_close(db);
	mpf_buf_release(&err);
}

static void t_newer_schema(void)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_db *db;

	sql_exec("PRAGMA user_version = 99");
	check_int(mpf_db_open(path, &db, &err), ==, MPF_ERR_SUPP);
	check(strstr(mpf_buf_str(&err), "newer") != NULL);
	mpf_buf_release(&err);
}

/* where the catalogue and the firmware folder are for the environment now */
static void paths_are(const char *db, const char *fw)
{
	char *d = NULL, *f = NULL;

	check_int(mpf_db_paths(&d, &f, NULL), ==, 0);
	check_str(d, db);
	check_str(f, fw);
	free(d), free(f);
}

static void t_paths(void)
{
	setenv("MPF_HOME", "/h", 1);
	paths_are("/h/mpf.db", "/h/firmware");
	unsetenv("MPF_HOME");
	setenv("XDG_DATA_HOME", "/d", 1);
	setenv("XDG_CACHE_HOME", "/c", 1);
	paths_are("/d/mpf/mpf.db", "/c/mpf/firmware");
	unsetenv("XDG_DATA_HOME");
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", "/u", 1);
	paths_are("/u/.local/share/mpf/mpf.db", "/u/.cache/mpf/firmware");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/t-db.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/sub/mpf.db", dir);
	TEST(t_open(), "a new database gets the schema and the board table; boards are learned");
	TEST(t_reopen_keeps_boards(), "the board table loads once per table content");
	TEST(t_firmware(), "firmware rows: upsert keeps downloads, prune, local builds by file");
	TEST(t_pages(), "HTTP validators per page");
	TEST(t_parallel(), "two writers at once both succeed (WAL, busy timeout)");
	TEST(t_migrate_builds(), "schema 1 becomes 2: every row kept, builds carry commit and dirty");
	TEST(t_newer_schema(), "a schema newer than mpf is refused with a clear message");
	TEST(t_paths(), "MPF_HOME, XDG and HOME paths");
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			test_msg("could not remove %s", dir);
	}
	return test_done();
}
