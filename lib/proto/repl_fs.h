/* repl_fs.h - a board's files over the raw REPL: the helper code mpf runs
 * on the board and the parsing of what it prints (pure; the session is
 * cmd/fs.c over repl.h). doc/protocols.md section 6.1.
 *
 * mpf_fs_script defines, once per session, a few functions on the board
 * (the raw REPL keeps globals between runs of code) that work on every
 * MicroPython from 1.9 (the micro:bit's flat file system: os.listdir,
 * os.size, no os.stat, no hashlib, no binascii) to today's mounted
 * file systems. Every later command is one short call:
 *
 *   _mpf_id()          "mpf-fs tree|flat sha256|adler32 b64|repr SELFTEST",
 *                      SELFTEST the Adler-32 of bytes 0..255 twice as the
 *                      board's helper computes it: plain raw mode may lose
 *                      a byte of the helper that still compiles (65521
 *                      becoming 6521), and the host compares
 *   _mpf_ls()          one line per entry: "D 0 b'/flash/lib'",
 *                      "F 1234 b'/flash/main.py'" (the path's UTF-8
 *                      bytes as repr() writes them, so a name may hold
 *                      anything: spaces, non-ASCII, a newline)
 *   _mpf_ro(b'path')   open for reading, start the check
 *   _mpf_rd(K, N)      up to K lines of N bytes each, base64 ("b64") or
 *                      a bytes literal ("repr"); at the end "E <check>"
 *   _mpf_wo(b'path')   open for writing (truncating)
 *   _mpf_wa('base64', N)  append N bytes; _mpf_w(b'...', N) the same from
 *                      a literal. N is checked first: plain raw mode has
 *                      no flow control, and a printable byte lost from a
 *                      literal still compiles (ValueError "mpf-fs: bytes
 *                      lost", nothing written)
 *   _mpf_wc()          close
 *   _mpf_sum(b'path')  "S <size> <check>" of the file as the board reads it
 *   _mpf_md(b'path')   make a directory (one that exists is kept)
 *   mpf_fs_uid_script  "U machine unique_id HEX": the board's
 *                      machine.unique_id() in hex, or "-" where the board
 *                      has no machine module or no unique_id in it
 *   _mpf_fmt()         remove every file and directory (mount points stay)
 *   _mpf_mnt()         "P <sys.platform>", then "M <mount point> <class>"
 *                      for each mounted file system (MicroPython 1.20 on)
 *   _mpf_mkfs('/flash',_mpf_bd,'VfsLfs2',{'progsize':256})
 *                      unmount, make a fresh file system on the block
 *                      device _mpf_bd, mount it (mpf_fs_mkfs_plan says
 *                      which; _mpf_bd is set first, alone, so a board
 *                      without that block device fails before anything
 *                      is unmounted)
 *
 * Each call that reads or writes ends with a collection: the micro:bit's
 * heap, fragmented, fails to compile the next short call otherwise.
 *
 * The check is SHA-256 where the board has hashlib.sha256, else Adler-32
 * (RFC 1950 section 8.2) computed in Python on the board: never a claim
 * of SHA-256 the board did not compute.
 */
#ifndef MPF_REPL_FS_H
#define MPF_REPL_FS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* The helper, in parts small enough for the micro:bit to compile one at
 * a time (the whole at once runs out of its 8 KB heap); NULL-terminated. */
extern const char *const mpf_fs_script[];
/* Removes every name the helper defined (before it, after it). */
extern const char mpf_fs_cleanup_script[];
/* Prints the board's machine.unique_id() (after the helper, whose _x it
 * uses; doc/protocols.md section 6.1); mpf_fs_parse_uid reads the reply. The names it looks up are
 * printed back: a byte lost from them in plain raw mode would otherwise
 * read as a board without unique_id. */
extern const char mpf_fs_uid_script[];
/* From the reply (NUL-terminated): 1 and the unique id in hex in uid, 0
 * when the board has none (uid ""), MPF_ERR_PROTO with a message in err
 * when the reply did not arrive whole. */
int mpf_fs_parse_uid(const char *out, char *uid, size_t cap, struct mpf_buf *err);

/* Define _mpf_fmt, and _mpf_mnt and _mpf_mkfs (a tree's only: the
 * micro:bit's heap is small): sent by the format command alone. */
extern const char mpf_fs_format_script[];
extern const char mpf_fs_mkfs_script[];

/* A fresh file system for a board: where, which class, the block device
 * (Python code) and littlefs's keyword arguments ("'progsize':256"). */
struct mpf_fs_mkfs {
	char mount[64], fs[32];
	char seen[32];		/* the class mounted there, as the board said; "" */
	const char *bdev, *args;
	int fat;
};

/* From _mpf_mnt's output (NUL-terminated): 1 and the plan when the board's
 * port is in the table (or it has a flashbdev module) and its file system
 * is FAT or littlefs, mounted where the port mounts it; else 0 (format
 * then removes every file instead; plan->seen still names the class
 * mounted where the board said). */
int mpf_fs_mkfs_plan(const char *out, struct mpf_fs_mkfs *plan);

/* One entry of _mpf_ls: path (its bytes, NUL-terminated, plen long). */
struct mpf_fs_entry {
	char *path;
	size_t plen;
	int dir;
	long long size;
};

/* Parse _mpf_ls output into a new array (free with mpf_fs_entries_free).
 * MPF_ERR_PROTO with a message on a line it cannot read. */
int mpf_fs_parse_ls(const char *out, size_t len, struct mpf_fs_entry **e, size_t *n,
		    struct mpf_buf *err);
void mpf_fs_entries_free(struct mpf_fs_entry *e, size_t n);

/* A bytes literal as MicroPython's repr() writes it (b'...' or b"...",
 * escapes \\ \' \" \n \r \t \xNN), decoded and appended to out. Returns
 * the characters used, or -1 when s does not start with a whole one. */
long mpf_pylit_decode(const char *s, size_t len, struct mpf_buf *out);
/* Append the bytes literal b'...' for data (printable ASCII as is). */
void mpf_pylit_encode(const void *data, size_t len, struct mpf_buf *out);

/* Base64 (RFC 4648 section 4): decode one line (no newline) and append;
 * MPF_ERR_PROTO when it is not base64. Encode without newline. */
int mpf_b64_decode(const char *s, size_t len, struct mpf_buf *out);
void mpf_b64_encode(const void *data, size_t len, struct mpf_buf *out);

/* Adler-32 (RFC 1950 section 8.2): start with a = 1. */
uint32_t mpf_adler32(uint32_t a, const void *data, size_t len);

#endif
