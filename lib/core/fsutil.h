/* fsutil.h - file-system helpers: folders, whole files written and read.
 *
 * Every file mpf writes whole (a flash read back, a converted UF2) goes
 * through mpf_write_file, and every file it reads whole (a firmware image)
 * through mpf_load_file, so they all behave alike.
 */
#ifndef MPF_FSUTIL_H
#define MPF_FSUTIL_H

#include <stddef.h>

#include "buf.h"

/* The largest firmware file loaded whole (.bin, .hex, .elf, .uf2, .dfu):
 * a UF2 carries 256 data bytes in each 512-byte block, and an Intel HEX
 * file about one in 2.8, so this holds images for 90 MiB of flash and
 * more, larger than any board mpf knows. */
#define MPF_FIRMWARE_MAX ((size_t)256 << 20)

/* mkdir -p of the directory part of path ("a/b/c.db" makes a and a/b).
 * Returns 0, MPF_ERR_PERM or MPF_ERR_IO with a message in err. */
int mpf_mkdir_parents(const char *path, struct mpf_buf *err);

/* Write all len bytes of data to fd: short writes are continued and
 * EINTR retried (unless a signal asked mpf to stop). Returns 0, or -1
 * with errno set (ENOSPC when the file system took no more).
 * MPF_FAULT=fwrite:N fails the Nth call as a full disk would;
 * MPF_FAULT=fshort:N lets the Nth write(2) take a single byte. */
int mpf_write_all(int fd, const void *data, size_t len);

/* Replace path with the len bytes of data, atomically: a reader sees the
 * old file or the whole new one, never part of it. The bytes go to a new
 * file beside path (same folder, unpredictable name, created with O_EXCL
 * so nothing already there, a symbolic link say, is followed), are
 * fsync'ed, and the file is renamed over path. Its mode is 0666 less the
 * umask, as for any file the user creates. On failure path is untouched
 * and the temporary file removed. Returns 0, MPF_ERR_PERM or MPF_ERR_IO
 * with a message naming path in err. */
int mpf_write_file(const char *path, const void *data, size_t len, struct mpf_buf *err);

/* Append the whole of path to out. A file of more than cap bytes is
 * refused with MPF_ERR_FORMAT and a message naming the file and the cap;
 * one that cannot be opened or read gives MPF_ERR_IO. Returns 0 or the
 * error, with a message in err; out may then hold part of the file. */
int mpf_load_file(const char *path, size_t cap, struct mpf_buf *out, struct mpf_buf *err);

/* The first line of a small file (a sysfs attribute) into out, without
 * its newline and the blanks around it. Returns 1, or 0 with out empty
 * when the file cannot be read. */
int mpf_read_line(const char *path, char *out, size_t cap);

/* 1 if paths a and b name the same file (same device and inode, so also
 * through another path or a link), 0 otherwise or when either is missing.
 * A tool that writes b from a checks it first: b's rename would replace a. */
int mpf_same_file(const char *a, const char *b);

/* fsync the folder holding path, so that a rename into it is on disk.
 * Returns 0 or -1 with errno. */
int mpf_fsync_dir(const char *path);

#endif
