/* t-dfu.c - DFU 1.1 decoding, the status poll and its quirks, recovery to
 * dfuIDLE, the standard download (doc/protocols.md 2.1). */
#include "dfu-fake.h"

#define N(a) (sizeof(a) / sizeof(a[0]))

static void t_status(void)
{
	static const uint8_t b[6] = { 0, 0x64, 0x00, 0x00, 4, 0 };
	static const uint8_t big[6] = { 7, 0x10, 0x27, 0x01, 10, 3 };
	struct mpf_dfu_status st;

	check_int(mpf_dfu_status_parse(b, 6, &st), ==, MPF_OK);
	check_int(st.poll_ms, ==, 100);
	check_int(st.state, ==, MPF_DFU_DNBUSY);
	check_int(mpf_dfu_status_parse(big, 6, &st), ==, MPF_OK);
	check_int(st.poll_ms, ==, 0x012710);
	check_int(st.status, ==, 7);
	check_int(st.istring, ==, 3);
	check_int(mpf_dfu_status_parse(b, 5, &st), ==, MPF_ERR_PROTO);
	check_str(mpf_dfu_state_name(4), "dfuDNBUSY");
	check_str(mpf_dfu_state_name(99), "unknown state");
	check(strstr(mpf_dfu_status_name(7), "errVERIFY") != NULL);
	check(strstr(mpf_dfu_status_name(15), "errSTALLEDPKT") != NULL);
}

static void t_func(void)
{
	/* the STM32F4 ROM's, from lsusb (dfu-util device-logs) */
	static const uint8_t f4[] = { 9, 0x21, 0x0b, 0xff, 0x00, 0x00, 0x08, 0x1a, 0x01 };
	static const uint8_t dfu10[] = { 5, 0x24, 1, 2, 3, 7, 0x21, 0x03, 0x10, 0x00, 0x00, 0x04 };
	static const uint8_t cut[] = { 9, 0x21, 0x0b, 0xff };
	struct mpf_dfu_func f;

	check_int(mpf_dfu_func_parse(f4, sizeof(f4), &f), ==, 1);
	check_int(f.attributes, ==, 0x0b);
	check_int(f.detach_ms, ==, 255);
	check_int(f.transfer_size, ==, 2048);
	check_int(f.version, ==, 0x011a);
	check_int(mpf_dfu_func_parse(dfu10, sizeof(dfu10), &f), ==, 1);
	check_int(f.version, ==, 0x0100);
	check_int(f.transfer_size, ==, 1024);
	check_int(mpf_dfu_func_parse(cut, sizeof(cut), &f), ==, MPF_ERR_PROTO);
	check_int(mpf_dfu_func_parse(dfu10, 5, &f), ==, 0);
}

static void t_quirks(void)
{
	size_t n;

	check(mpf_dfu_quirks(0x0483, 0xdf11, 0x2200) & MPF_DFU_QUIRK_MASS_ERASE_POLL);
	check(mpf_dfu_quirks(0x0483, 0xdf11, 0x2200) & MPF_DFU_QUIRK_EARLY_STALL);
	check_int(mpf_dfu_quirks(0x1209, 0xdb42, 0x0100), ==, 0);
	check(mpf_dfu_quirk_table(&n) != NULL && n >= 2);
}

static void t_crc(void)
{
	/* CRC-32 of "123456789" is 0xcbf43926; DFU keeps it uninverted */
	check_uint(mpf_dfu_crc32((const uint8_t *)"123456789", 9), ==, 0x340bc6d9u);
	check_uint(mpf_dfu_crc32(NULL, 0), ==, 0xffffffffu);
}

/* An erase: busy with a 100 ms poll, busy again, done. */
static void t_wait_busy(void)
{
	static const struct step s[] = {
		GETSTATUS(0, 100, MPF_DFU_DNBUSY),
		GETSTATUS(0, 100, MPF_DFU_DNBUSY),
		GETSTATUS(0, 0, MPF_DFU_DNLOAD_IDLE),
	};
	struct fake f;
	struct mpf_dfu_io io;
	struct mpf_dfu d;
	struct mpf_dfu_status st;
	struct mpf_buf err = MPF_BUF_INIT;

	fake_setup(&f, &io, &d, s, N(s));
	check_int(mpf_dfu_wait(&d, "erase", 0, &st, &err), ==, MPF_OK);
	check_int(st.state, ==, MPF_DFU_DNLOAD_IDLE);
	check_int(f.slept, ==, 200);
	check_int(d.stats.getstatus, ==, 3);
	fake_done(&f);
	mpf_buf_release(&err);
}

/* The F405 mass erase: 100 ms reported, the ROM NAKs GETSTATUS for
 * seconds (each times out at the 5 s control timeout); we keep asking. */
static void t_wait_mass_erase(void)
{
	static const struct step s[] = {
		GETSTATUS(0, 100, MPF_DFU_DNBUSY),
		{ 0xa1, 3, 0, 6, MPF_ERR_TIMEOUT, { 0 }, 0, 0 },
		{ 0xa1, 3, 0, 6, MPF_ERR_TIMEOUT, { 0 }, 0, 0 },
		{ 0xa1, 3, 0, 6, 6, ST(0, 0, MPF_DFU_DNLOAD_IDLE), 2000, 0 },
	};
	struct fake f;
	struct mpf_dfu_io io;
	struct mpf_dfu d;
	struct mpf_dfu_status st;
	struct mpf_buf err = MPF_BUF_INIT;

	static struct step many[12];
	size_t i;

	fake_setup(&f, &io, &d, s, N(s));
	d.quirks = MPF_DFU_QUIRK_MASS_ERASE_POLL;
	check_int(mpf_dfu_wait(&d, "mass erase", 1, &st, &err), ==, MPF_OK);
	fake_done(&f);
	/* 30 s of NAKs: within the quirk's 35 s, past the plain 20 s */
	many[0] = s[0];
	for (i = 1; i < 7; i++)
		many[i] = s[1];
	many[7] = s[3];
	fake_setup(&f, &io, &d, many, 8);
	d.quirks = MPF_DFU_QUIRK_MASS_ERASE_POLL;
	check_int(mpf_dfu_wait(&d, "mass erase", 1, &st, &err), ==, MPF_OK);
	fake_done(&f);
	fake_setup(&f, &io, &d, many, 8);
	check_int(mpf_dfu_wait(&d, "mass erase", 1, &st, &err), ==, MPF_ERR_TIMEOUT);
	check_int(f.at, ==, 5);
	mpf_buf_release(&err);
}

/* A timeout before the device ever said busy is a real failure. */
static void t_wait_timeout(void)
{
	static const struct step s[] = {
		{ 0xa1, 3, 0, 6, MPF_ERR_TIMEOUT, { 0 }, 0, 0 },
	};
	struct fake f;
	struct mpf_dfu_io io;
	struct mpf_dfu d;
	struct mpf_dfu_status st;
	struct mpf_buf err = MPF_BUF_INIT;

	fake_setup(&f, &io, &d, s, N(s));
	check_int(mpf_dfu_wait(&d, "write 0x08000000", 0, &st, &err), ==, MPF_ERR_TIMEOUT);
	check(strstr(err.buf, "write 0x08000000: GETSTATUS") != NULL);
	fake_done(&f);
	mpf_buf_release(&err);
}

/* STM32L4: a stall after a too-short poll; retried with the last poll
 * time when the quirk is set, at most 3 times. */
static void t_wait_early_stall(void)
{
	static const struct step ok[] = {
		GETSTATUS(0, 20, MPF_DFU_DNBUSY),
		{ 0xa1, 3, 0, 6, MPF_ERR_PROTO, { 0 }, 0, 0 },
		GETSTATUS(0, 0, MPF_DFU_DNLOAD_IDLE),
	};
	static const struct step bad[] = {
		GETSTATUS(0, 20, MPF_DFU_DNBUSY),
		{ 0xa1, 3, 0, 6, MPF_ERR_PROTO, { 0 }, 0, 0 },
		{ 0xa1, 3, 0, 6, MPF_ERR_PROTO, { 0 }, 0, 0 },
		{ 0xa1, 3, 0, 6, MPF_ERR_PROTO, { 0 }, 0, 0 },
		{ 0xa1, 3, 0, 6, MPF_ERR_PROTO, { 0 }, 0, 0 },
	};
	struct fake f;
	struct mpf_dfu_io io;
	struct mpf_dfu d;
	struct mpf_dfu_status st;
	struct mpf_buf err = MPF_BUF_INIT;

	fake_setup(&f, &io, &d, ok, N(ok));
	d.quirks = MPF_DFU_QUIRK_EARLY_STALL;
	check_int(mpf_dfu_wait(&d, "erase", 0, &st, &err), ==, MPF_OK);
	check_int(f.slept, ==, 40);
	fake_done(&f);
	fake_setup(&f, &io, &d, bad, N(bad));
	d.quirks = MPF_DFU_QUIRK_EARLY_STALL;
	check_int(mpf_dfu_wait(&d, "erase", 0, &st, &err), ==, MPF_ERR_PROTO);
	fake_done(&f);
	/* without the quirk the first stall is the end */
	fake_setup(&f, &io, &d, ok, N(ok));
	check_int(mpf_dfu_wait(&d, "erase", 0, &st, &err), ==, MPF_ERR_PROTO);
	check_int(f.at, ==, 2);
	mpf_buf_release(&err);
}

static void t_wait_error_status(void)
{
	static const struct step s[] = {
		GETSTATUS(0, 10, MPF_DFU_DNBUSY),
		GETSTATUS(4, 0, MPF_DFU_ERROR),
	};
	struct fake f;
	struct mpf_dfu_io io;
	struct mpf_dfu d;
	struct mpf_dfu_status st;
	struct mpf_buf err = MPF_BUF_INIT;

	fake_setup(&f, &io, &d, s, N(s));
	check_int(mpf_dfu_wait(&d, "erase page 0x08004000", 0, &st, &err), ==, MPF_ERR_PROTO);
	check_str(err.buf, "erase page 0x08004000: device reports errERASE (memory erase "
		  "function failed) (dfuERROR)");
	fake_done(&f);
	mpf_buf_release(&err);
}

/* Black Magic Probe style: busy forever with no poll timeout. */
static void t_wait_stuck(void)
{
	static struct step s[100];
	struct fake f;
	struct mpf_dfu_io io;
	struct mpf_dfu d;
	struct mpf_dfu_status st;
	struct mpf_buf err = MPF_BUF_INIT;
	size_t i;

	for (i = 0; i < N(s); i++)
		s[i] = (struct step)GETSTATUS(0, 0, MPF_DFU_DNBUSY);
	fake_setup(&f, &io, &d, s, N(s));
	check_int(mpf_dfu_wait(&d, "erase", 0, &st, &err), ==, MPF_ERR_PROTO);
	check(strstr(err.buf, "no poll timeout") != NULL);
	fake_done(&f);
	mpf_buf_release(&err);
}

/* The F4 ROM as dfu-util logged it: dfuERROR/errFIRMWARE at first. */
static void t_to_idle(void)
{
	static const struct step s[] = {
		GETSTATUS(10, 0, MPF_DFU_ERROR),
		{ 0x21, 4, 0, 0, 0, { 0 }, 0, 0 },
		GETSTATUS(0, 0, MPF_DFU_DNLOAD_IDLE),
		{ 0x21, 6, 0, 0, 0, { 0 }, 0, 0 },
		GETSTATUS(0, 0, MPF_DFU_IDLE),
	};
	static const struct step app[] = { GETSTATUS(0, 0, MPF_DFU_APP_IDLE) };
	struct fake f;
	struct mpf_dfu_io io;
	struct mpf_dfu d;
	struct mpf_buf err = MPF_BUF_INIT;

	fake_setup(&f, &io, &d, s, N(s));
	check_int(mpf_dfu_to_idle(&d, &err), ==, MPF_OK);
	fake_done(&f);
	fake_setup(&f, &io, &d, app, N(app));
	check_int(mpf_dfu_to_idle(&d, &err), ==, MPF_ERR_PROTO);
	check(strstr(err.buf, "run-time mode") != NULL);
	mpf_buf_release(&err);
}

/* DFU 1.1 section 7: blocks 0, 1, ... then a zero-length DNLOAD and the
 * manifestation: a manifestation-tolerant device returns to dfuIDLE. */
static void t_std_download(void)
{
	static const struct step s[] = {
		{ 0x21, 1, 0, 1024, 1024, { 0 }, 0, 0 },
		GETSTATUS(0, 5, MPF_DFU_DNBUSY),
		GETSTATUS(0, 0, MPF_DFU_DNLOAD_IDLE),
		{ 0x21, 1, 1, 476, 476, { 0 }, 0, 0 },
		GETSTATUS(0, 0, MPF_DFU_DNLOAD_IDLE),
		{ 0x21, 1, 2, 0, 0, { 0 }, 0, 0 },
		GETSTATUS(0, 10, MPF_DFU_MANIFEST),
		GETSTATUS(0, 0, MPF_DFU_IDLE),
	};
	static uint8_t img[1500];
	struct fake f;
	struct mpf_dfu_io io;
	struct mpf_dfu d;
	struct mpf_buf err = MPF_BUF_INIT;

	fake_setup(&f, &io, &d, s, N(s));
	d.func.transfer_size = 1024;
	d.func.version = 0x0110;
	d.func.attributes = MPF_DFU_CAN_DNLOAD | MPF_DFU_MANIFEST_TOLERANT;
	check_int(mpf_dfu_download(&d, img, sizeof(img), NULL, NULL, &err), ==, MPF_OK);
	fake_done(&f);
	mpf_buf_release(&err);
}

int main(void)
{
	TEST(t_status(), "GETSTATUS replies decode; state and status names");
	TEST(t_func(), "functional descriptor: the F4 ROM's, DFU 1.0's, a cut one");
	TEST(t_quirks(), "the quirk table knows the STM32 ROM");
	TEST(t_crc(), "DFU CRC-32 has no final inversion");
	TEST(t_wait_busy(), "poll: sleep bwPollTimeout while dfuDNBUSY");
	TEST(t_wait_mass_erase(), "poll: a ROM NAKing GETSTATUS while erasing is asked again");
	TEST(t_wait_timeout(), "poll: a timeout before any busy reply is an error");
	TEST(t_wait_early_stall(), "poll: L4 early stalls retried three times with the quirk");
	TEST(t_wait_error_status(), "poll: an error status is reported with its name");
	TEST(t_wait_stuck(), "poll: 100 busy replies without a poll timeout give up");
	TEST(t_to_idle(), "recovery to dfuIDLE: CLRSTATUS, ABORT; run-time mode refused");
	TEST(t_std_download(), "standard DFU 1.1 download and manifestation");
	return test_done();
}
