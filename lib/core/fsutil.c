/* fsutil.c - file-system helpers (fsutil.h). */
#define _DEFAULT_SOURCE		/* fsync */
#include "fsutil.h"
#include "err.h"
#include "fault.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int mpf_mkdir_parents(const char *path, struct mpf_buf *err)
{
	char *p = mpf_xstrdup(path), *s;
	int r = 0;

	for (s = p + 1; *s && !r; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			r = mpf_errf(err, errno == EACCES ? MPF_ERR_PERM : MPF_ERR_IO,
				     "cannot create %s: %s", p, strerror(errno));
		*s = '/';
	}
	free(p);
	return r;
}

int mpf_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	size_t done = 0;
	ssize_t n;

	if (mpf_fault("fwrite")) {
		errno = ENOSPC;
		return -1;
	}
	while (done < len) {
		n = write(fd, p + done, mpf_fault("fshort") ? 1 : len - done);
		if (n < 0 && errno == EINTR && !mpf_interrupted)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

/* Eight letters nobody can guess, from getrandom(2); should that fail (a
 * kernel before 3.17), from the clock and the address of a local. */
static void random_name(char out[9])
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
	unsigned char r[8];
	struct timespec ts;
	int i;

	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		uint64_t x;

		clock_gettime(CLOCK_REALTIME, &ts);
		x = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15u ^ (uint64_t)(uintptr_t)&ts ^
		    (uint64_t)getpid() << 32;
		memcpy(r, &x, sizeof(r));
	}
	for (i = 0; i < 8; i++)
		out[i] = abc[r[i] & 63];
	out[8] = '\0';
}

/* A new file beside path, "path.XXXXXXXX", opened for writing; its name
 * in *tmp (to free). Returns the descriptor, or -1 with errno. */
static int create_temp(const char *path, char **tmp)
{
	char name[9];
	int tries, fd = -1;

	for (tries = 0; tries < 100 && fd < 0; tries++) {
		random_name(name);
		*tmp = mpf_xasprintf("%s.%s", path, name);
		fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd < 0) {
			free(*tmp);
			*tmp = NULL;
			if (errno != EEXIST)
				break;
		}
	}
	return fd;
}

int mpf_write_file(const char *path, const void *data, size_t len, struct mpf_buf *err)
{
	char *tmp;
	int fd = create_temp(path, &tmp), e = 0;

	if (fd < 0)
		return mpf_errf(err, errno == EACCES || errno == EROFS ? MPF_ERR_PERM : MPF_ERR_IO,
				"cannot write %s: %s", path, strerror(errno));
	if (mpf_write_all(fd, data, len) < 0 || fsync(fd) < 0)
		e = errno;
	if (close(fd) < 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) < 0)
		e = errno;
	if (e)
		unlink(tmp);
	free(tmp);
	if (e)
		return mpf_errf(err, MPF_ERR_IO, "cannot write %s: %s", path, strerror(e));
	mpf_fsync_dir(path);
	return 0;
}

/* "64 MiB", "100 bytes": the cap in the words of a message. */
static void add_size(struct mpf_buf *b, size_t n)
{
	if (n >= 1 << 20 && !(n & ((1 << 20) - 1)))
		mpf_buf_addf(b, "%zu MiB", n >> 20);
	else
		mpf_buf_addf(b, "%zu bytes", n);
}

int mpf_load_file(const char *path, size_t cap, struct mpf_buf *out, struct mpf_buf *err)
{
	struct mpf_buf why = MPF_BUF_INIT;
	size_t start = out->len;
	char chunk[65536];
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return mpf_errf(err, MPF_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	while (out->len - start <= cap && (n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR && !mpf_interrupted)
			continue;
		if (n < 0)
			break;
		mpf_buf_add(out, chunk, (size_t)n);
	}
	if (n < 0) {
		r = mpf_errf(err, MPF_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	} else if (out->len - start > cap) {
		add_size(&why, cap);
		r = mpf_errf(err, MPF_ERR_FORMAT, "%s is larger than %s, the most mpf reads whole",
			     path, why.buf);
		mpf_buf_release(&why);
	}
	close(fd);
	return r;
}

int mpf_read_line(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "re");
	int ok = f && fgets(out, (int)cap, f);
	size_t n, i = 0;

	if (f)
		fclose(f);
	if (!ok)
		out[0] = '\0';
	n = strlen(out);
	while (n && strchr(" \t\r\n", out[n - 1]))
		out[--n] = '\0';
	while (out[i] == ' ' || out[i] == '\t')
		i++;
	memmove(out, out + i, n - i + 1);
	return ok;
}

int mpf_fsync_dir(const char *path)
{
	char *d = mpf_xstrdup(path), *s = strrchr(d, '/');
	int fd;

	if (s)
		s[s == d] = '\0';
	fd = open(s ? d : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(d);
	if (fd < 0)
		return -1;
	fsync(fd);
	close(fd);
	return 0;
}

int mpf_same_file(const char *a, const char *b)
{
	struct stat x, y;

	return !stat(a, &x) && !stat(b, &y) && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}
