/* t-repl-fs.c - what the file helper prints, parsed, and what mpf-fs
 * sends, encoded (doc/protocols.md section 6.1). The listing and the
 * bytes literals are those QEMU's micro:bit (MicroPython 1.9.2) printed. */
#include "test-lib.h"
#include "repl_fs.h"
#include "err.h"

#include <string.h>

/* _mpf_ls on the micro:bit: a space and UTF-8 in a name */
static const char microbit_ls[] = "F 4 b'a b.txt'\r\nF 2048 b'caf\\xc3\\xa9 x.py'\r\n";

static void t_ls_flat(void)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_fs_entry *e;
	size_t n;

	if (!check_int(mpf_fs_parse_ls(microbit_ls, strlen(microbit_ls), &e, &n, &err), ==, 0))
		return;
	check_int(n, ==, 2);
	check_str(e[0].path, "a b.txt");
	check_int(e[0].size, ==, 4);
	check_str(e[1].path, "caf\xc3\xa9 x.py");
	check_int(e[1].size, ==, 2048);
	check_int(e[1].dir, ==, 0);
	mpf_fs_entries_free(e, n);
}

static void t_ls_tree(void)
{
	static const char ls[] = "D 0 b'/flash'\nD 0 b'/flash/a\\nb'\nF 0 b\"/flash/it's\"\n";
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_fs_entry *e;
	size_t n;

	if (!check_int(mpf_fs_parse_ls(ls, strlen(ls), &e, &n, &err), ==, 0))
		return;
	check_int(n, ==, 3);
	check_int(e[0].dir, ==, 1);
	check_str(e[1].path, "/flash/a\nb");
	check_str(e[2].path, "/flash/it's");
	mpf_fs_entries_free(e, n);
}

static void t_ls_refused(void)
{
	static const char *const bad[] = {
		"F 4 'a'\r\n", "X 0 b'a'\n", "F -1 b'a'\n", "F 1 b'a\n", "F 1 b'a' x\n",
		"F 1 b''\n", "F 1 b'a\\x00'\n", "F 1 b'\\q'\n", "Traceback (most recent call last):\n",
	};
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_fs_entry *e;
	size_t n, i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!check_int(mpf_fs_parse_ls(bad[i], strlen(bad[i]), &e, &n, &err), ==,
			       MPF_ERR_PROTO))
			test_msg("accepted: %s", bad[i]);
	check(strstr(err.buf, "unreadable file list line") != NULL);
	mpf_buf_release(&err);
}

/* repr() of bytes 0..255 as the micro:bit writes it, decoded, and our
 * literal of the same bytes decoded back */
static void t_pylit(void)
{
	static const char repr[] = "b'\\x00\\x07\\x0e\\x15\\x1c#*18?FMT[bipw~\\x85\\x8c\\x93\\x9a"
		"\\xa1\\xa8\\xaf\\xb6\\xbd\\xc4\\xcb\\xd2\\xd9\\xe0\\xe7\\xee\\xf5\\xfc'";
	struct mpf_buf out = MPF_BUF_INIT, lit = MPF_BUF_INIT, back = MPF_BUF_INIT;
	unsigned char all[256], seven[37];
	int i;

	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	for (i = 0; i < 37; i++)
		seven[i] = (unsigned char)(i * 7);
	check_int(mpf_pylit_decode(repr, strlen(repr), &out), ==, (long)strlen(repr));
	if (check_int(out.len, ==, 37))
		check_mem(out.buf, seven, 37);
	mpf_pylit_encode(all, 256, &lit);
	check_int(mpf_pylit_decode(lit.buf, lit.len, &back), ==, (long)lit.len);
	if (check_int(back.len, ==, 256))
		check_mem(back.buf, all, 256);
	mpf_buf_reset(&out);
	check_int(mpf_pylit_decode("b'\\t\\n\\r\\\\\\'\"'", 14, &out), ==, 14);
	check_str(out.buf, "\t\n\r\\'\"");
	mpf_buf_release(&out);
	mpf_buf_release(&lit);
	mpf_buf_release(&back);
}

static void t_b64(void)
{
	struct mpf_buf out = MPF_BUF_INIT, enc = MPF_BUF_INIT;

	check_int(mpf_b64_decode("AAR oaQ==", 9, &out), ==, MPF_ERR_PROTO);
	mpf_buf_reset(&out);
	check_int(mpf_b64_decode("AARoaQ==", 8, &out), ==, 0);
	if (check_int(out.len, ==, 4))
		check_mem(out.buf, "\0\4hi", 4);
	mpf_b64_encode("\0\4hi", 4, &enc);
	check_str(enc.buf, "AARoaQ==");
	mpf_buf_reset(&out);
	check_int(mpf_b64_decode("aGk=", 4, &out), ==, 0);
	check_int(out.len, ==, 2);
	mpf_buf_release(&out);
	mpf_buf_release(&enc);
}

/* the values the micro:bit's helper printed for these bytes */
static void t_adler32(void)
{
	unsigned char b[2048];
	int i;

	for (i = 0; i < 2048; i++)
		b[i] = (unsigned char)i;
	check_uint(mpf_adler32(1, "\0\4hi", 4), ==, 0x014900d6);
	check_uint(mpf_adler32(1, b, sizeof(b)), ==, 0x4138fc2e);
	check_uint(mpf_adler32(mpf_adler32(1, b, 1000), b + 1000, 1048), ==, 0x4138fc2e);
}

/* _mpf_mnt's output (doc/boards.md section 10): the port's block device,
 * the class mounted (or the port's where the boot mounts nothing else),
 * the port's own class on a board too old to list its mounts */
static void t_mkfs_plan(void)
{
	struct mpf_fs_mkfs p;

	check_int(mpf_fs_mkfs_plan("P rp2\r\nM / VfsLfs2\r\n", &p), ==, 1);
	check_str(p.mount, "/");
	check_str(p.fs, "VfsLfs2");
	check_str(p.bdev, "__import__('rp2').Flash()");
	check_str(p.args, "'progsize':256");
	check_int(mpf_fs_mkfs_plan("P rp2\r\nM / VfsFat\r\n", &p), ==, 1);
	check_str(p.fs, "VfsLfs2");
	check_str(p.seen, "VfsFat");
	check_int(mpf_fs_mkfs_plan("P pyboard\r\nM /flash VfsFat\r\nM /sd VfsFat\r\n", &p), ==, 1);
	check_str(p.bdev, "__import__('pyb').Flash()");
	check_str(p.args, "");
	check_int(mpf_fs_mkfs_plan("P pyboard\r\nM /flash VfsLfs2\r\n", &p), ==, 1);
	check_str(p.bdev, "__import__('pyb').Flash(start=0)");
	check_int(mpf_fs_mkfs_plan("P mimxrt\r\n", &p), ==, 1);
	check_str(p.mount, "/flash");
	check_str(p.seen, "");
	/* any other board: its flashbdev module, the class mounted at / or /flash */
	check_int(mpf_fs_mkfs_plan("P qemu\r\nM /flash VfsLfs2\r\n", &p), ==, 1);
	check_str(p.bdev, "__import__('flashbdev').bdev");
	check_str(p.mount, "/flash");
	check_int(mpf_fs_mkfs_plan("P qemu\r\n", &p), ==, 0);
	/* not mounted where the port mounts it, a ROM, no platform */
	check_int(mpf_fs_mkfs_plan("P pyboard\r\nM /sd VfsFat\r\n", &p), ==, 0);
	check_int(mpf_fs_mkfs_plan("P unix\r\nM / VfsPosix\r\n", &p), ==, 0);
	check_str(p.seen, "VfsPosix");
	check_int(mpf_fs_mkfs_plan("", &p), ==, 0);
}

/* mpf_fs_uid_script's reply: the micro:bit's (QEMU's nRF51 FICR), the
 * mps2's (no unique_id), and replies that lost bytes on the way */
static void t_uid(void)
{
	static const char *const bad[] = {
		"U machine unique_i 0300000078563412\r\n", "U machin unique_id -\r\n",
		"U machine unique_id\r\n", "U machine unique_id 030000007856341\r\n",
		"U machine unique_id 03000000785634zz\r\n", "", "Traceback\r\n",
	};
	struct mpf_buf err = MPF_BUF_INIT;
	char uid[80];
	size_t i;

	check_int(mpf_fs_parse_uid("U machine unique_id 0300000078563412\r\n", uid, sizeof(uid),
				   &err), ==, 1);
	check_str(uid, "0300000078563412");
	check_int(mpf_fs_parse_uid("U machine unique_id -\r\n", uid, sizeof(uid), &err), ==, 0);
	check_str(uid, "");
	check_int(mpf_fs_parse_uid("U machine unique_id 0300000078563412\r\n", uid, 16, &err), ==,
		  MPF_ERR_PROTO);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mpf_buf_reset(&err);
		check_int(mpf_fs_parse_uid(bad[i], uid, sizeof(uid), &err), ==, MPF_ERR_PROTO);
		check_str(uid, "");
	}
	mpf_buf_release(&err);
}

int main(void)
{
	TEST(t_ls_flat(), "the micro:bit's listing: spaces and UTF-8 in names");
	TEST(t_ls_tree(), "a tree's listing: directories, a newline and a quote in names");
	TEST(t_ls_refused(), "lines that are no listing are refused");
	TEST(t_pylit(), "bytes literals as repr() writes them, both ways");
	TEST(t_b64(), "base64 both ways, padding, refusals");
	TEST(t_adler32(), "Adler-32 as the board's helper computes it, in pieces too");
	TEST(t_uid(), "the board's unique_id, or none, and replies that lost bytes");
	TEST(t_mkfs_plan(), "a fresh file system per port, from the board's mounts");
	return test_done();
}
