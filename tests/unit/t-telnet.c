/* t-telnet.c - Telnet framing and RFC 2217 commands as they appear on the
 * wire (RFC 854 IAC rules, RFC 2217 section 3 command layout). */
#include "test-lib.h"
#include "telnet.h"

#include <string.h>

static struct mpf_telnet_event evs[8];
static int nev;

static void on_event(void *ctx, const struct mpf_telnet_event *ev)
{
	(void)ctx;
	if (nev < 8)
		evs[nev++] = *ev;
}

static void t_decode(void)
{
	/* data, IAC IAC, IAC DO COM-PORT, a SET-BAUDRATE ack for 115200 split
	 * at every byte, data again */
	static const unsigned char wire[] = {
		'a', 0xFF, 0xFF, 'b', 0xFF, 0xFD, 44, 0xFF, 0xFA, 44, 101, 0x00, 0x01, 0xC2,
		0x00, 0xFF, 0xF0, 'c',
	};
	struct mpf_telnet_decoder d = { 0 };
	struct mpf_buf out = MPF_BUF_INIT;
	size_t i;

	nev = 0;
	for (i = 0; i < sizeof(wire); i++)
		mpf_telnet_decode(&d, wire + i, 1, &out, on_event, NULL);
	check_uint(out.len, ==, 4);
	check_mem(out.buf, "a\xff" "bc", 4);
	if (!check_int(nev, ==, 2))
		return;
	check_int(evs[0].cmd, ==, TN_DO);
	check_int(evs[0].opt, ==, 44);
	check_int(evs[1].cmd, ==, TN_SB);
	check_uint(evs[1].len, ==, 5);
	check_int(evs[1].data[0], ==, 101);
	mpf_buf_release(&out);
}

static void t_encode(void)
{
	struct mpf_buf b = MPF_BUF_INIT;
	/* baud 0x0001C2FF: the 0xFF value byte must be doubled */
	static const unsigned char want[] = { 0xFF, 0xFA, 44, 1, 0x00, 0x01, 0xC2, 0xFF, 0xFF,
					      0xFF, 0xF0 };

	mpf_telnet_comport(&b, CPO_SET_BAUDRATE, 0x0001C2FF, 4);
	check_uint(b.len, ==, sizeof(want));
	check_mem(b.buf, want, sizeof(want));
	mpf_buf_reset(&b);
	mpf_telnet_comport(&b, CPO_SET_CONTROL, CPO_CONTROL_DTR_ON, 1);
	check_mem(b.buf, "\xff\xfa\x2c\x05\x08\xff\xf0", 7);
	mpf_buf_reset(&b);
	mpf_telnet_escape(&b, "\xff\xff", 2);
	check_uint(b.len, ==, 4);
	mpf_buf_release(&b);
}

int main(void)
{
	TEST(t_decode(), "data, doubled IAC, negotiation and sub-negotiation, split anywhere");
	TEST(t_encode(), "COM-PORT commands big-endian with IAC doubled");
	return test_done();
}
