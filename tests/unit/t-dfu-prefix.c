/* t-dfu-prefix.c - the prefixes of plain DFU files as dfu-util's
 * dfu_file.c probes them (TI Stellaris, NXP LPC), and the suffix length. */
#include "test-lib.h"

#include "buf.h"
#include "dfuse.h"

#include <string.h>

static void t_stellaris(void)
{
	uint8_t f[64] = { 0x01, 0x00, 0x08, 0x00, 56, 0, 0, 0 };
	struct mpf_dfu_prefix p;

	check_int(mpf_dfu_prefix_parse(f, sizeof(f), 0, &p), ==, MPF_DFU_PREFIX_STELLARIS);
	check_uint(p.length, ==, 8);
	check_uint(p.address, ==, 0x2000);
	check_uint(p.payload, ==, 56);
	/* too short for a prefix, or for the prefix and the suffix */
	check_int(mpf_dfu_prefix_parse(f, 7, 0, &p), ==, MPF_DFU_PREFIX_NONE);
	check_int(mpf_dfu_prefix_parse(f, 20, 16, &p), ==, MPF_DFU_PREFIX_NONE);
	check_uint(p.length, ==, 0);
	check_int(mpf_dfu_prefix_parse(f, 24, 16, &p), ==, MPF_DFU_PREFIX_STELLARIS);
}

static void t_lpc(void)
{
	uint8_t f[64] = { 0x1a, 0x3f, 0x06, 0x00 };
	struct mpf_dfu_prefix p;

	check_int(mpf_dfu_prefix_parse(f, sizeof(f), 0, &p), ==, MPF_DFU_PREFIX_LPC);
	check_uint(p.length, ==, 16);
	check_uint(p.payload, ==, 3072);
	/* dfu-util looks at the low six bits of the first two bytes only */
	f[0] = 0xda;
	f[1] = 0xff;
	check_int(mpf_dfu_prefix_parse(f, sizeof(f), 0, &p), ==, MPF_DFU_PREFIX_LPC);
	f[1] = 0x3e;
	check_int(mpf_dfu_prefix_parse(f, sizeof(f), 0, &p), ==, MPF_DFU_PREFIX_NONE);
}

static void t_suffix_length(void)
{
	struct mpf_dfu_suffix s = { 0xffff, 0xdf11, 0x0483, 0x011a, 0 }, got;
	struct mpf_buf b = MPF_BUF_INIT;

	mpf_buf_add(&b, "firmware", 8);
	mpf_dfu_suffix_append(&b, &s);
	check_int(mpf_dfu_suffix_parse((uint8_t *)b.buf, b.len, &got, NULL), ==, 1);
	check_uint(got.length, ==, 16);
	check_uint(got.vid, ==, 0x0483);
	mpf_buf_release(&b);
}

int main(void)
{
	TEST(t_stellaris(), "a TI Stellaris prefix: address in KiB, payload length");
	TEST(t_lpc(), "an NXP LPC prefix: the masked signature, 512-byte blocks");
	TEST(t_suffix_length(), "the suffix's bLength is read");
	return test_done();
}
