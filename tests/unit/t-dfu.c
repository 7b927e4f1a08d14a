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

#define NAK GETSTATUS_FAILS(MPF_ERR_TIMEOUT)
#define STALL GETSTATUS_FAILS(MPF_ERR_PROTO)

/* An erase: busy with a 100 ms poll, busy again, done. */
static const struct step busy[] = {
	GETSTATUS(0, 100, MPF_DFU_DNBUSY),
	GETSTATUS(0, 100, MPF_DFU_DNBUSY),
	GETSTATUS(0, 0, MPF_DFU_DNLOAD_IDLE),
};

/* The F405 mass erase: 100 ms reported, the ROM NAKs GETSTATUS for
 * seconds (each times out at the 5 s control timeout); we keep asking. */
static const struct step mass[] = {
	GETSTATUS(0, 100, MPF_DFU_DNBUSY),
	NAK,
	NAK,
	{ 0xa1, 3, 0, 6, 6, ST(0, 0, MPF_DFU_DNLOAD_IDLE), 2000, 0 },
};

/* 30 s of NAKs: within the quirk's 35 s, past the plain 20 s */
static const struct step mass30[] = {
	GETSTATUS(0, 100, MPF_DFU_DNBUSY),
	NAK, NAK, NAK, NAK, NAK, NAK,
	{ 0xa1, 3, 0, 6, 6, ST(0, 0, MPF_DFU_DNLOAD_IDLE), 2000, 0 },
};

static const struct step nak[] = { NAK };

/* STM32L4: a stall after a too-short poll; retried with the last poll
 * time when the quirk is set, at most 3 times. */
static const struct step stall[] = {
	GETSTATUS(0, 20, MPF_DFU_DNBUSY),
	STALL,
	GETSTATUS(0, 0, MPF_DFU_DNLOAD_IDLE),
};

static const struct step stall4[] = {
	GETSTATUS(0, 20, MPF_DFU_DNBUSY),
	STALL, STALL, STALL, STALL,
};

static const struct step error_status[] = {
	GETSTATUS(0, 10, MPF_DFU_DNBUSY),
	GETSTATUS(4, 0, MPF_DFU_ERROR),
};

/* Black Magic Probe style: busy forever with no poll timeout (filled in
 * by t_wait). */
static struct step stuck[100];

#define MASS MPF_DFU_QUIRK_MASS_ERASE_POLL
#define EARLY MPF_DFU_QUIRK_EARLY_STALL

/* One poll (mpf_dfu_wait) against a script. A poll that works ends in
 * dfuDNLOAD-IDLE; every request it makes is a GETSTATUS. */
static const struct wait_case {
	const char *name;
	const struct step *s;
	size_t n;
	unsigned quirks;
	const char *op;
	int mass;		/* the poll after a mass erase */
	int want;
	const char *says;	/* in the message, or NULL */
	const char *message;	/* the whole message, or NULL */
	int slept;		/* ms, or -1: not checked */
	size_t used;		/* steps the poll takes; 0: the whole script */
} waits[] = {
	{ "sleep bwPollTimeout while dfuDNBUSY",
	  busy, N(busy), 0, "erase", 0, MPF_OK, NULL, NULL, 200, 0 },
	{ "a ROM NAKing GETSTATUS while erasing is asked again",
	  mass, N(mass), MASS, "mass erase", 1, MPF_OK, NULL, NULL, -1, 0 },
	{ "30 s of NAKs after a mass erase: within the quirk's 35 s",
	  mass30, N(mass30), MASS, "mass erase", 1, MPF_OK, NULL, NULL, -1, 0 },
	{ "30 s of NAKs after a mass erase: past 20 s without the quirk",
	  mass30, N(mass30), 0, "mass erase", 1, MPF_ERR_TIMEOUT, NULL, NULL, -1, 5 },
	{ "a timeout before any busy reply is an error",
	  nak, N(nak), 0, "write 0x08000000", 0, MPF_ERR_TIMEOUT,
	  "write 0x08000000: GETSTATUS", NULL, -1, 0 },
	{ "an L4 early stall retried with the quirk",
	  stall, N(stall), EARLY, "erase", 0, MPF_OK, NULL, NULL, 40, 0 },
	{ "an L4 early stall retried three times at most",
	  stall4, N(stall4), EARLY, "erase", 0, MPF_ERR_PROTO, NULL, NULL, -1, 0 },
	{ "without the quirk the first stall is the end",
	  stall, N(stall), 0, "erase", 0, MPF_ERR_PROTO, NULL, NULL, -1, 2 },
	{ "an error status is reported with its name",
	  error_status, N(error_status), 0, "erase page 0x08004000", 0, MPF_ERR_PROTO, NULL,
	  "erase page 0x08004000: device reports errERASE (memory erase function failed) (dfuERROR)",
	  -1, 0 },
	{ "100 busy replies without a poll timeout give up",
	  stuck, N(stuck), 0, "erase", 0, MPF_ERR_PROTO, "no poll timeout", NULL, -1, 0 },
};

static void t_wait(const struct wait_case *c)
{
	struct fake f;
	struct mpf_dfu *d = fake_setup(&f, c->s, c->n);
	struct mpf_dfu_status st = { 0 };
	struct mpf_buf err = MPF_BUF_INIT;

	d->quirks = c->quirks;
	check_int(mpf_dfu_wait(d, c->op, c->mass, &st, &err), ==, c->want);
	if (c->want == MPF_OK)
		check_int(st.state, ==, MPF_DFU_DNLOAD_IDLE);
	if (c->says && !check(strstr(mpf_buf_str(&err), c->says) != NULL))
		test_msg("said: %s", mpf_buf_str(&err));
	if (c->message)
		check_str(mpf_buf_str(&err), c->message);
	if (c->slept >= 0)
		check_int(f.slept, ==, c->slept);
	check_int(d->stats.getstatus, ==, f.at);
	if (c->used)
		check_int(f.at, ==, c->used);
	else
		fake_done(&f);
	mpf_buf_release(&err);
}

/* The F4 ROM as dfu-util logged it: dfuERROR/errFIRMWARE at first. */
static void t_to_idle(void)
{
	static const struct step s[] = {
		GETSTATUS(10, 0, MPF_DFU_ERROR),
		CLRSTATUS,
		GETSTATUS(0, 0, MPF_DFU_DNLOAD_IDLE),
		ABORT,
		GETSTATUS(0, 0, MPF_DFU_IDLE),
	};
	static const struct step app[] = { GETSTATUS(0, 0, MPF_DFU_APP_IDLE) };
	struct fake f;
	struct mpf_dfu *d;
	struct mpf_buf err = MPF_BUF_INIT;

	d = fake_setup(&f, s, N(s));
	check_int(mpf_dfu_to_idle(d, &err), ==, MPF_OK);
	fake_done(&f);
	d = fake_setup(&f, app, N(app));
	check_int(mpf_dfu_to_idle(d, &err), ==, MPF_ERR_PROTO);
	check(strstr(err.buf, "run-time mode") != NULL);
	mpf_buf_release(&err);
}

/* DFU 1.1 section 7: blocks 0, 1, ... then a zero-length DNLOAD and the
 * manifestation: a manifestation-tolerant device returns to dfuIDLE. */
static void t_std_download(void)
{
	static const struct step s[] = {
		DNLOAD_BUSY(0, 1024, 0, 5),
		DNLOAD(1, 476, 0),
		GETSTATUS(0, 0, MPF_DFU_DNLOAD_IDLE),
		DNLOAD(2, 0, 0),
		GETSTATUS(0, 10, MPF_DFU_MANIFEST),
		GETSTATUS(0, 0, MPF_DFU_IDLE),
	};
	static uint8_t img[1500];
	struct fake f;
	struct mpf_dfu *d;
	struct mpf_buf err = MPF_BUF_INIT;

	d = fake_setup(&f, s, N(s));
	d->func.transfer_size = 1024;
	d->func.version = 0x0110;
	d->func.attributes = MPF_DFU_CAN_DNLOAD | MPF_DFU_MANIFEST_TOLERANT;
	check_int(mpf_dfu_download(d, img, sizeof(img), NULL, NULL, &err), ==, MPF_OK);
	fake_done(&f);
	mpf_buf_release(&err);
}

int main(void)
{
	size_t i;

	TEST(t_status(), "GETSTATUS replies decode; state and status names");
	TEST(t_func(), "functional descriptor: the F4 ROM's, DFU 1.0's, a cut one");
	TEST(t_quirks(), "the quirk table knows the STM32 ROM");
	TEST(t_crc(), "DFU CRC-32 has no final inversion");
	for (i = 0; i < N(stuck); i++)
		stuck[i] = (struct step)GETSTATUS(0, 0, MPF_DFU_DNBUSY);
	for (i = 0; i < N(waits); i++)
		TEST(t_wait(&waits[i]), "poll: %s", waits[i].name);
	TEST(t_to_idle(), "recovery to dfuIDLE: CLRSTATUS, ABORT; run-time mode refused");
	TEST(t_std_download(), "standard DFU 1.1 download and manifestation");
	return test_done();
}
