/* t-slip.c - SLIP framing as the ESP ROM loader uses it (doc/protocols.md 1.1),
 * checked against the recorded esptool READ_REG exchange. */
#include "test-lib.h"
#include "slip.h"
#include "err.h"

#include <string.h>

/* recorded: READ_REG 0x40001000 and its reply (doc/protocols.md 1.1) */
static const uint8_t req_wire[] = { 0xc0, 0x00, 0x0a, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
				    0x00, 0x10, 0x00, 0x40, 0xc0 };
static const uint8_t rep_wire[] = { 0xc0, 0x01, 0x0a, 0x02, 0x00, 0x09, 0x00, 0x00, 0x00,
				    0x00, 0x00, 0xc0 };

static void t_encode_plain(void)
{
	struct mpf_buf b = MPF_BUF_INIT;

	mpf_slip_encode(&b, req_wire + 1, sizeof(req_wire) - 2);
	check_int(b.len, ==, sizeof(req_wire));
	check_mem(b.buf, req_wire, sizeof(req_wire));
	mpf_buf_release(&b);
}

static void t_escapes(void)
{
	static const uint8_t raw[] = { 0x01, 0xc0, 0x02, 0xdb, 0xc0, 0xdb };
	static const uint8_t wire[] = { 0xc0, 0x01, 0xdb, 0xdc, 0x02, 0xdb, 0xdd, 0xdb, 0xdc,
					0xdb, 0xdd, 0xc0 };
	struct mpf_buf b = MPF_BUF_INIT;
	struct mpf_slip s;
	size_t used;

	mpf_slip_encode(&b, raw, sizeof(raw));
	check_int(b.len, ==, sizeof(wire));
	check_mem(b.buf, wire, sizeof(wire));
	mpf_slip_init(&s);
	check_int(mpf_slip_feed(&s, (const uint8_t *)b.buf, b.len, &used, NULL), ==, 1);
	check_int(used, ==, b.len);
	check_int(s.frame.len, ==, sizeof(raw));
	check_mem(s.frame.buf, raw, sizeof(raw));
	mpf_slip_release(&s);
	mpf_buf_release(&b);
}

static void t_byte_by_byte(void)
{
	struct mpf_slip s;
	size_t i, used, frames = 0;

	mpf_slip_init(&s);
	for (i = 0; i < sizeof(rep_wire); i++) {
		int r = mpf_slip_feed(&s, rep_wire + i, 1, &used, NULL);

		check_int(used, ==, 1);
		if (r == 1) {
			frames++;
			check_int(i, ==, sizeof(rep_wire) - 1);
			check_int(s.frame.len, ==, 10);
			check_mem(s.frame.buf, rep_wire + 1, 10);
		}
	}
	check_int(frames, ==, 1);
	mpf_slip_release(&s);
}

static void t_junk_and_two_frames(void)
{
	static const char banner[] = "rst:0x1 (POWERON),boot:0x0 (DOWNLOAD)\r\nwaiting for download\r\n";
	uint8_t in[256];
	size_t n = 0, used;
	struct mpf_slip s;
	const uint8_t *p;

	memcpy(in, banner, sizeof(banner) - 1);
	n = sizeof(banner) - 1;
	memcpy(in + n, rep_wire, sizeof(rep_wire));
	n += sizeof(rep_wire);
	memcpy(in + n, rep_wire, sizeof(rep_wire));
	n += sizeof(rep_wire);
	mpf_slip_init(&s);
	p = in;
	check_int(mpf_slip_feed(&s, p, n, &used, NULL), ==, 1);
	check(strstr(mpf_buf_str(&s.junk), "waiting for download") != NULL);
	p += used, n -= used;
	check_int(mpf_slip_feed(&s, p, n, &used, NULL), ==, 1);
	check_int(used, ==, n);
	check_mem(s.frame.buf, rep_wire + 1, 10);
	mpf_slip_release(&s);
}

static void t_bad_escape(void)
{
	static const uint8_t bad[] = { 0xc0, 0x01, 0xdb, 0x05, 0x02, 0xc0 };
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_slip s;
	size_t used;

	mpf_slip_init(&s);
	check_int(mpf_slip_feed(&s, bad, sizeof(bad), &used, &err), ==, MPF_ERR_PROTO);
	check(strstr(mpf_buf_str(&err), "invalid escape") != NULL);
	/* resumes: the next good frame decodes */
	check_int(mpf_slip_feed(&s, bad + used, sizeof(bad) - used, &used, &err), ==, 0);
	check_int(mpf_slip_feed(&s, rep_wire, sizeof(rep_wire), &used, &err), ==, 1);
	check_mem(s.frame.buf, rep_wire + 1, 10);
	mpf_slip_release(&s);
	mpf_buf_release(&err);
}

static void t_overlong(void)
{
	static uint8_t big[70000];
	struct mpf_slip s;
	size_t used;

	memset(big, 0x55, sizeof(big));
	big[0] = 0xc0;
	mpf_slip_init(&s);
	check_int(mpf_slip_feed(&s, big, sizeof(big), &used, NULL), ==, MPF_ERR_PROTO);
	check_int(used, <, sizeof(big));
	mpf_slip_release(&s);
}

int main(void)
{
	TEST(t_encode_plain(), "the recorded READ_REG request encodes byte for byte");
	TEST(t_escapes(), "0xC0 and 0xDB are escaped and unescaped");
	TEST(t_byte_by_byte(), "a reply fed one byte at a time gives one frame");
	TEST(t_junk_and_two_frames(), "boot banner kept as junk, back-to-back frames split");
	TEST(t_bad_escape(), "an invalid escape is a framing error and decoding resumes");
	TEST(t_overlong(), "an endless frame is cut off");
	return test_done();
}
