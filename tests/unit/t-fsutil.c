/* t-fsutil.c - the one atomic file writer and the one whole-file loader:
 * mode from the umask, a fresh temporary file that follows no link, short
 * writes continued, failures leave nothing behind, the size cap. */
#define _DEFAULT_SOURCE		/* mkdtemp, symlink */
#include "test-lib.h"
#include "buf.h"
#include "err.h"
#include "fsutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static const char *at(const char *name)
{
	static char p[2][512];
	static int i;

	i ^= 1;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static int files_in_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

static int has(const char *path, const char *want)
{
	struct mpf_buf b = MPF_BUF_INIT;
	int ok = !mpf_load_file(path, 1 << 20, &b, NULL) && b.len == strlen(want) &&
		 !memcmp(b.buf, want, b.len);

	mpf_buf_release(&b);
	return ok;
}

/* Runs first: MPF_FAULT (set in main) cuts the first three write(2)s
 * to one byte each. */
static void t_short_writes(void)
{
	struct mpf_buf err = MPF_BUF_INIT;

	check_int(mpf_write_file(at("short"), "0123456789", 10, &err), ==, 0);
	check(has(at("short"), "0123456789"));
	mpf_buf_release(&err);
}

/* Runs second: the second file's write fails as a full disk. */
static void t_full_disk(void)
{
	struct mpf_buf err = MPF_BUF_INIT;
	int before;

	before = files_in_dir();
	check_int(mpf_write_file(at("full"), "data", 4, &err), ==, MPF_ERR_IO);	/* fwrite:2 */
	check(strstr(mpf_buf_str(&err), "No space left") != NULL);
	check_int(files_in_dir(), ==, before);
	check_int(mpf_write_file(at("short"), "new", 3, &err), ==, 0);
	check_int(mpf_write_file(at("short"), "newer", 5, &err), ==, 0);
	check(has(at("short"), "newer"));
	check_int(files_in_dir(), ==, before);
	mpf_buf_release(&err);
}

static void t_mode(void)
{
	static const mode_t masks[] = { 022, 077 };
	struct stat st;
	size_t i;

	for (i = 0; i < 2; i++) {
		mode_t old = umask(masks[i]);

		check_int(mpf_write_file(at("mode"), "x", 1, NULL), ==, 0);
		umask(old);
		if (check_int(stat(at("mode"), &st), ==, 0))
			check_int(st.st_mode & 0777, ==, 0666 & ~masks[i]);
	}
}

/* The names the writers used to take, path.tmp.PID and mkstemp's
 * path.XXXXXX, are links to a file that must stay as it is. */
static void t_no_link_followed(void)
{
	char tmp[64];

	check_int(mpf_write_file(at("victim"), "keep", 4, NULL), ==, 0);
	snprintf(tmp, sizeof(tmp), "out.tmp.%ld", (long)getpid());
	check_int(symlink(at("victim"), at(tmp)), ==, 0);
	check_int(symlink(at("victim"), at("out.XXXXXX")), ==, 0);
	check_int(mpf_write_file(at("out"), "data", 4, NULL), ==, 0);
	check(has(at("victim"), "keep"));
	check(has(at("out"), "data"));
	unlink(at(tmp));
	unlink(at("out.XXXXXX"));
}

static void t_failure_cleans_up(void)
{
	struct mpf_buf err = MPF_BUF_INIT;
	int before;

	/* the rename fails: path is a folder that is not empty */
	check_int(mkdir(at("adir"), 0755), ==, 0);
	check_int(mpf_write_file(at("adir/f"), "x", 1, NULL), ==, 0);
	before = files_in_dir();
	check_int(mpf_write_file(at("adir"), "x", 1, &err), ==, MPF_ERR_IO);
	check(strstr(mpf_buf_str(&err), "adir") != NULL);
	check_int(files_in_dir(), ==, before);
	mpf_buf_reset(&err);
	/* no folder to create the temporary file in */
	check_int(mpf_write_file(at("nodir/f"), "x", 1, &err), ==, MPF_ERR_IO);
	check(strstr(mpf_buf_str(&err), "nodir/f") != NULL);
	mpf_buf_release(&err);
}

static void t_load_cap(void)
{
	struct mpf_buf b = MPF_BUF_INIT, err = MPF_BUF_INIT;

	check_int(mpf_write_file(at("ten"), "0123456789", 10, NULL), ==, 0);
	check_int(mpf_load_file(at("ten"), 10, &b, &err), ==, 0);
	check_int(b.len, ==, 10);
	mpf_buf_reset(&b);
	check_int(mpf_load_file(at("ten"), 9, &b, &err), ==, MPF_ERR_FORMAT);
	check(strstr(mpf_buf_str(&err), at("ten")) != NULL);
	check(strstr(mpf_buf_str(&err), "9 bytes") != NULL);
	test_msg("%s", mpf_buf_str(&err));
	mpf_buf_reset(&b);
	mpf_buf_reset(&err);
	check_int(mpf_load_file(at("missing"), 10, &b, &err), ==, MPF_ERR_IO);
	check(strstr(mpf_buf_str(&err), at("missing")) != NULL);
	mpf_buf_release(&b);
	mpf_buf_release(&err);
}

static void t_read_line(void)
{
	char line[16];

	check_int(mpf_write_file(at("attr"), "  RPI     \nrest\n", 16, NULL), ==, 0);
	check_int(mpf_read_line(at("attr"), line, sizeof(line)), ==, 1);
	check_str(line, "RPI");
	check_int(mpf_read_line(at("none"), line, sizeof(line)), ==, 0);
	check_str(line, "");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char cmd[600];

	setenv("MPF_FAULT", "fshort:1,fshort:2,fshort:3,fwrite:2", 1);
	snprintf(dir, sizeof(dir), "%s/t-fsutil.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return 1;
	TEST(t_short_writes(), "short writes are continued to the last byte");
	TEST(t_full_disk(), "a failed write leaves neither the file nor a temporary one");
	TEST(t_mode(), "the file's mode is 0666 less the umask (022, 077)");
	TEST(t_no_link_followed(), "a link at a guessable temporary name is not followed");
	TEST(t_failure_cleans_up(), "a failed rename or create leaves nothing, names the file");
	TEST(t_load_cap(), "the loader refuses a file over its cap, naming both");
	TEST(t_read_line(), "the first line of a sysfs attribute, trimmed; none: empty");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		test_msg("could not remove %s", dir);
	return test_done();
}
