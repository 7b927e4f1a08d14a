/* t-dfuse.c - DfuSe memory layouts, erase planning, commands, .dfu files,
 * and the write/read/leave exchanges (doc/protocols.md 2.2 - 2.4). */
#include "dfu-fake.h"
#include "dfuse.h"

#include <stdlib.h>

#define N(a) (sizeof(a) / sizeof(a[0]))
#define F4 "@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg"

static void t_layout_f4(void)
{
	struct mpf_dfuse_layout l;
	struct mpf_buf err = MPF_BUF_INIT;
	char f[4];

	if (!check_int(mpf_dfuse_layout_parse(F4, &l, &err), ==, MPF_OK))
		return;
	check_str(l.name, "Internal Flash");
	check_int(l.n, ==, 3);
	check_uint(l.seg[0].addr, ==, 0x08000000);
	check_uint(l.seg[0].size, ==, 65536);
	check_uint(l.seg[0].page, ==, 16384);
	check_uint(l.seg[2].addr, ==, 0x08020000);
	check_uint(l.seg[2].page, ==, 131072);
	check_str(mpf_dfuse_flags_str(l.seg[1].flags, f), "rew");
	check(mpf_dfuse_layout_find(&l, 0x080fffff) == &l.seg[2]);
	check(mpf_dfuse_layout_find(&l, 0x08100000) == NULL);
	check_int(mpf_dfuse_layout_check(&l, 0x08000000, 1 << 20, 7, &err), ==, MPF_OK);
	check_int(mpf_dfuse_layout_check(&l, 0x080ff000, 0x1001, 7, &err), ==, MPF_ERR_ARG);
	check_str(err.buf, "0x08100000 is outside the memory layout of 'Internal Flash'");
	mpf_dfuse_layout_release(&l);
	mpf_buf_release(&err);
}

static void t_layout_others(void)
{
	struct mpf_dfuse_layout l;
	struct mpf_buf err = MPF_BUF_INIT;

	/* OTP: two groups; sizes in bytes with a blank unit */
	check_int(mpf_dfuse_layout_parse("@OTP Memory /0x1FFF7800/01*512 g,01*016 g", &l, &err),
		  ==, MPF_OK);
	check_int(l.n, ==, 2);
	check_uint(l.seg[1].addr, ==, 0x1fff7a00);
	check_uint(l.seg[1].size, ==, 16);
	mpf_dfuse_layout_release(&l);
	/* several address groups; a read-only one ('a') refuses writes */
	check_int(mpf_dfuse_layout_parse("@Flash/0x08000000/8*001Ka/0x08002000/56*001Kg", &l,
					 &err), ==, MPF_OK);
	check_int(l.n, ==, 2);
	check_int(mpf_dfuse_layout_check(&l, 0x08001c00, 0x800, MPF_DFUSE_WRITE, &err), ==,
		  MPF_ERR_ARG);
	check_str(err.buf, "0x08001c00 is in a segment of 'Flash' that is not writable (it is r--)");
	check_int(mpf_dfuse_layout_check(&l, 0x08001c00, 0x800, MPF_DFUSE_READ, &err), ==,
		  MPF_OK);
	mpf_dfuse_layout_release(&l);
	check_int(mpf_dfuse_layout_parse("@M/0x0/2*1Mg", &l, &err), ==, MPF_OK);
	check_uint(l.seg[0].size, ==, 2u << 20);
	mpf_dfuse_layout_release(&l);
	check_int(mpf_dfuse_layout_parse("Internal Flash/0x08000000/04*016Kg", &l, &err), ==,
		  MPF_ERR_FORMAT);
	check_int(mpf_dfuse_layout_parse("@F/0x08000000/04*016Xg", &l, &err), ==, MPF_ERR_FORMAT);
	check(strstr(err.buf, "unit") != NULL);
	check_int(mpf_dfuse_layout_parse("@F/0x08000000/04*016Kz", &l, &err), ==, MPF_ERR_FORMAT);
	check_int(mpf_dfuse_layout_parse("@F/zz/04*016Kg", &l, &err), ==, MPF_ERR_FORMAT);
	check_int(mpf_dfuse_layout_parse("@F/0xFFFFF000/2*4Kg", &l, &err), ==, MPF_ERR_FORMAT);
	check_int(mpf_dfuse_layout_parse("@F/0x08000000/04*016Kgx", &l, &err), ==, MPF_ERR_FORMAT);
	mpf_buf_release(&err);
}

static void t_plan_erase(void)
{
	struct mpf_dfuse_layout l;
	struct mpf_buf err = MPF_BUF_INIT;
	uint32_t *p = NULL;
	size_t n = 0;

	mpf_dfuse_layout_parse(F4, &l, &err);
	/* 70000 bytes from the start: sectors 0..4 */
	check_int(mpf_dfuse_plan_erase(&l, 0x08000000, 70000, &p, &n, &err), ==, MPF_OK);
	check_int(n, ==, 5);
	check_uint(p[4], ==, 0x08010000);
	/* the same sectors again, and one byte in the last one: nothing new */
	check_int(mpf_dfuse_plan_erase(&l, 0x08003fff, 2, &p, &n, &err), ==, MPF_OK);
	check_int(mpf_dfuse_plan_erase(&l, 0x0801ffff, 1, &p, &n, &err), ==, MPF_OK);
	check_int(n, ==, 5);
	/* an element below the others is sorted in */
	check_int(mpf_dfuse_plan_erase(&l, 0x080e0001, 10, &p, &n, &err), ==, MPF_OK);
	check_int(n, ==, 6);
	check_uint(p[5], ==, 0x080e0000);
	check_int(mpf_dfuse_plan_erase(&l, 0x080fffff, 2, &p, &n, &err), ==, MPF_ERR_ARG);
	free(p);
	mpf_dfuse_layout_release(&l);
	mpf_buf_release(&err);
}

static void t_commands(void)
{
	uint8_t b[5];

	check_int(mpf_dfuse_cmd_encode(MPF_DFUSE_SET_ADDRESS, 0x08004000, b), ==, 5);
	check_mem(b, "\x21\x00\x40\x00\x08", 5);
	check_int(mpf_dfuse_cmd_encode(MPF_DFUSE_ERASE_PAGE, 0x08020000, b), ==, 5);
	check_mem(b, "\x41\x00\x00\x02\x08", 5);
	check_int(mpf_dfuse_cmd_encode(MPF_DFUSE_MASS_ERASE, 0, b), ==, 1);
	check_int(b[0], ==, 0x41);
	check_int(mpf_dfuse_cmd_encode(MPF_DFUSE_READ_UNPROTECT, 0, b), ==, 1);
	check_int(b[0], ==, 0x92);
}

static void build(struct mpf_buf *out, int pad)
{
	static const uint8_t a[5] = { 1, 2, 3, 4, 5 }, b[3] = { 9, 8, 7 };
	struct mpf_dfuse_element e0[2] = { { 0x08000000, 5, a }, { 0x08020000, 3, b } };
	struct mpf_dfuse_element e1[1] = { { 0x1fffc000, 3, b } };
	struct mpf_dfuse_target t[2] = { { 0, "ST...", e0, 2 }, { 1, "", e1, 1 } };
	struct mpf_dfuse_file f = { 0x0483, 0xdf11, 0x2200, t, 2 };

	mpf_dfuse_file_write(&f, pad, out);
}

static void t_file_roundtrip(void)
{
	struct mpf_buf b = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct mpf_dfuse_file f;

	build(&b, 0);
	check_int(b.len, ==, 11 + 274 * 2 + 8 * 3 + 5 + 3 + 3 + 16);
	if (!check_int(mpf_dfuse_file_parse((uint8_t *)b.buf, b.len, &f, &err), ==, MPF_OK)) {
		test_msg("%s", err.buf);
		return;
	}
	check_int(f.n, ==, 2);
	check_int(f.vid, ==, 0x0483);
	check_int(f.pid, ==, 0xdf11);
	check_str(f.t[0].name, "ST...");
	check_int(f.t[1].alt, ==, 1);
	check_int(f.t[0].n, ==, 2);
	check_uint(f.t[0].el[1].addr, ==, 0x08020000);
	check_mem(f.t[0].el[1].data, "\x09\x08\x07", 3);
	mpf_dfuse_file_release(&f);
	/* dfu.py pads elements to 8 bytes for L4 */
	mpf_buf_reset(&b);
	build(&b, 1);
	check_int(mpf_dfuse_file_parse((uint8_t *)b.buf, b.len, &f, &err), ==, MPF_OK);
	check_int(f.t[0].el[0].size, ==, 8);
	mpf_dfuse_file_release(&f);
	mpf_buf_release(&b);
	mpf_buf_release(&err);
}

static int parse_fails(struct mpf_buf *b, const char *want)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_dfuse_file f;
	int ok = check_int(mpf_dfuse_file_parse((uint8_t *)b->buf, b->len, &f, &err), ==,
			   MPF_ERR_FORMAT) &&
		 check(strstr(mpf_buf_str(&err), want) != NULL);

	if (!ok)
		test_msg("message: %s", mpf_buf_str(&err));
	mpf_buf_release(&err);
	return ok;
}

/* Fix the CRC after tampering, so the structure checks are reached. */
static void recrc(struct mpf_buf *b)
{
	uint32_t c = mpf_dfu_crc32((uint8_t *)b->buf, b->len - 4);

	memcpy(b->buf + b->len - 4, &c, 4);	/* little-endian host */
}

static void t_file_bad(void)
{
	struct mpf_buf b = MPF_BUF_INIT;

	build(&b, 0);
	b.buf[300] ^= 1;
	parse_fails(&b, "CRC");
	recrc(&b);
	/* element 0 says 0xff05 bytes */
	b.buf[11 + 274 + 5] = (char)0xff;
	recrc(&b);
	parse_fails(&b, "only");
	mpf_buf_reset(&b);
	build(&b, 0);
	b.buf[10] = 3;	/* three targets, two there */
	recrc(&b);
	parse_fails(&b, "\"Target\"");
	mpf_buf_reset(&b);
	build(&b, 0);
	b.buf[6] = 1;	/* image size */
	recrc(&b);
	parse_fails(&b, "prefix says");
	mpf_buf_reset(&b);
	build(&b, 0);
	b.buf[b.len - 10] = 0x1b;	/* bcdDFU 0x011b */
	recrc(&b);
	parse_fails(&b, "0x011b");
	mpf_buf_reset(&b);
	build(&b, 0);
	b.len -= 16;	/* no suffix */
	parse_fails(&b, "no DFU suffix");
	mpf_buf_reset(&b);
	mpf_buf_addstr(&b, "not a dfu file at all");
	parse_fails(&b, "not a DfuSe file");
	mpf_buf_release(&b);
}

static void t_suffix(void)
{
	struct mpf_buf b = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct mpf_dfu_suffix s = { 0x0200, 0xdf11, 0x0483, 0x0100 }, got;

	mpf_buf_add(&b, "\x00\x10\x00\x20\x01\x02\x00\x08", 8);
	check_int(mpf_dfu_suffix_parse((uint8_t *)b.buf, b.len, &got, &err), ==, 0);
	mpf_dfu_suffix_append(&b, &s);
	check_int(b.len, ==, 24);
	check_int(mpf_dfu_suffix_parse((uint8_t *)b.buf, b.len, &got, &err), ==, 1);
	check_int(got.vid, ==, 0x0483);
	check_int(got.bcd_dfu, ==, 0x0100);
	b.buf[2] ^= 0x80;
	check_int(mpf_dfu_suffix_parse((uint8_t *)b.buf, b.len, &got, &err), ==, MPF_ERR_FORMAT);
	mpf_buf_release(&b);
	mpf_buf_release(&err);
}

/* DfuSe Set Address: command 0x21 in block 0; as the GETSTATUS after it
 * runs it: busy for 1 ms, then done */
#define SET_ADDRESS DNLOAD(0, 5, 0x21)
#define SET_ADDRESS_RUNS DNLOAD_BUSY(0, 5, 0x21, 1)

/* Writing 4100 bytes at 0x08000000: one Set Address, then blocks 2, 3, 4
 * (the last one short): 3 control transfers per block, no Set Address
 * between them (pydfu sends one per block: 6 per block). */
static void t_write_exchange(void)
{
	static const struct step s[] = {
		SET_ADDRESS_RUNS,
		DNLOAD_BUSY(2, 2048, 0xaa, 9),
		DNLOAD_BUSY(3, 2048, 0xaa, 9),
		DNLOAD_BUSY(4, 4, 0xaa, 1),
	};
	static uint8_t img[4100];
	struct fake f;
	struct mpf_dfu *d;
	struct mpf_buf err = MPF_BUF_INIT;

	memset(img, 0xaa, sizeof(img));
	d = fake_setup(&f, s, N(s));
	check_int(mpf_dfuse_write(d, 0x08000000, img, sizeof(img), NULL, 0, 0, &err), ==,
		  MPF_OK);
	check_int(d->stats.control, ==, 12);
	fake_done(&f);
	/* with the SETADDR_EACH quirk every block gets its own Set Address */
	d = fake_setup(&f, s, 6);
	d->quirks = MPF_DFU_QUIRK_SETADDR_EACH;
	check_int(mpf_dfuse_write(d, 0x08000000, img, 2048, NULL, 0, 0, &err), ==, MPF_OK);
	fake_done(&f);
	mpf_buf_release(&err);
}

/* Reading: Set Address, ABORT to dfuIDLE, UPLOAD blocks 2.., ABORT. */
static void t_read_exchange(void)
{
	static const struct step s[] = {
		SET_ADDRESS_RUNS,
		ABORT,
		UPLOAD(2, 8, 8, 1, 2, 3, 4, 5, 6, 7, 8),
		ABORT,
	};
	static const struct step shortread[] = {
		SET_ADDRESS,
		GETSTATUS(0, 0, MPF_DFU_DNLOAD_IDLE),
		ABORT,
		UPLOAD(2, 8, 6, 1, 2, 3, 4, 5, 6),
	};
	uint8_t got[8];
	struct fake f;
	struct mpf_dfu *d;
	struct mpf_buf err = MPF_BUF_INIT;

	d = fake_setup(&f, s, N(s));
	check_int(mpf_dfuse_read(d, 0x08000000, got, 8, NULL, 0, 0, &err), ==, MPF_OK);
	check_mem(got, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	fake_done(&f);
	d = fake_setup(&f, shortread, N(shortread));
	check_int(mpf_dfuse_read(d, 0x08000000, got, 8, NULL, 0, 0, &err), ==, MPF_ERR_PROTO);
	check(strstr(err.buf, "sent 6 bytes, not 8") != NULL);
	mpf_buf_release(&err);
}

/* Leave: Set Address, zero-length DNLOAD, GETSTATUS says dfuMANIFEST; a
 * device that is gone before answering has left too. */
static void t_leave_exchange(void)
{
	static const struct step s[] = {
		SET_ADDRESS_RUNS,
		DNLOAD(2, 0, 0),
		GETSTATUS(0, 0, MPF_DFU_MANIFEST),
	};
	static const struct step gone[] = {
		SET_ADDRESS,
		GETSTATUS(0, 0, MPF_DFU_DNLOAD_IDLE),
		DNLOAD(2, 0, 0),
		GETSTATUS_FAILS(MPF_ERR_NODEV),
	};
	struct fake f;
	struct mpf_dfu *d;
	struct mpf_buf err = MPF_BUF_INIT;

	d = fake_setup(&f, s, N(s));
	check_int(mpf_dfuse_leave(d, 0x08000000, &err), ==, MPF_OK);
	fake_done(&f);
	d = fake_setup(&f, gone, N(gone));
	check_int(mpf_dfuse_leave(d, 0x08000000, &err), ==, MPF_OK);
	fake_done(&f);
	mpf_buf_release(&err);
}

int main(void)
{
	TEST(t_layout_f4(), "layout: the STM32F4 ROM's internal flash");
	TEST(t_layout_others(), "layout: groups, byte sizes, read-only segments, bad strings");
	TEST(t_plan_erase(), "erase plan: each touched page once, sorted");
	TEST(t_commands(), "commands: set address, erase page, mass erase, read unprotect");
	TEST(t_file_roundtrip(), ".dfu: written and read back, with and without padding");
	TEST(t_file_bad(), ".dfu: CRC, element, target, size and suffix errors");
	TEST(t_suffix(), "raw image DFU suffix: absent, present, damaged");
	TEST(t_write_exchange(), "write: one Set Address, then blocks 2, 3, 4");
	TEST(t_read_exchange(), "read: Set Address, ABORT, UPLOAD; a short reply is an error");
	TEST(t_leave_exchange(), "leave: manifest reply or the device gone");
	return test_done();
}
