/* t-daplink.c - DETAILS.TXT and FAIL.TXT of DAPLink drives, in the layout
 * DAPLink's vfs_user.c writes them (doc/protocols.md section 3.4). */
#include "test-lib.h"
#include "daplink.h"
#include "err.h"

#include <string.h>

static void t_details(void)
{
	/* micro:bit v1 in interface mode, CRLF */
	const char *mb = "# DAPLink Firmware - see https://daplink.io\r\n"
			 "Unique ID: 9900000037024e450073201100000021000000009796990b\r\n"
			 "HIC ID: 9796990b\r\nAuto Reset: 0\r\nAutomation allowed: 0\r\n"
			 "Daplink Mode: Interface\r\nInterface Version: 0255\r\n"
			 "Bootloader Version: 0243\r\nGit SHA: 1436bdcc\r\nLocal Mods: 0\r\n"
			 "USB Interfaces: MSD, CDC, HID, WebUSB\r\nInterface CRC: 0x5b5cc0f1\r\n"
			 "Remount count: 3\r\nURL: https://microbit.org/device/?id=9900&v=0255\r\n";
	/* the bootloader (MAINTENANCE), LF; firmware before 0241 wrote "Version:" */
	const char *bl = "Unique ID: 0240000032044e4500441004d6f200038e71\nHIC ID: 97969900\n"
			 "Daplink Mode: Bootloader\nBootloader Version: 0244\n";
	const char *old = "Version: 0234\nUnique ID: 9900000031864e45003c10070000002e0000000097969901\n";
	struct mpf_daplink_details d;

	check_int(mpf_daplink_details_parse(mb, strlen(mb), &d), ==, 0);
	check_str(d.board_id, "9900");
	check_str(d.family_id, "0000");
	check_str(d.hic_id, "9796990b");
	check_str(d.mode, "Interface");
	check_str(d.version, "0255");
	check_str(d.bl_version, "0243");
	check_int(d.remounts, ==, 3);
	check_int(mpf_daplink_maintenance(&d), ==, 0);
	check_int(mpf_daplink_details_parse(bl, strlen(bl), &d), ==, 0);
	check_int(mpf_daplink_maintenance(&d), ==, 1);
	check_str(d.board_id, "0240");
	check_str(d.bl_version, "0244");
	check_int(d.remounts, ==, -1);
	check_int(mpf_daplink_details_parse(old, strlen(old), &d), ==, 0);
	check_str(d.version, "0234");
	check_str(d.board_id, "9900");
}

static void t_not_details(void)
{
	const char *uf2 = "UF2 Bootloader v3.0\r\nModel: Raspberry Pi RP2\r\nBoard-ID: RPI-RP2\r\n";
	struct mpf_daplink_details d;

	check_int(mpf_daplink_details_parse(uf2, strlen(uf2), &d), ==, MPF_ERR_FORMAT);
	check_int(mpf_daplink_details_parse("Unique ID: xyz\n", 15, &d), ==, MPF_ERR_FORMAT);
	check_int(mpf_daplink_details_parse("", 0, &d), ==, MPF_ERR_FORMAT);
}

static void t_fail(void)
{
	const char *f = "error: The hex file cannot be decoded. Checksum calculation failure "
			"occurred.\r\ntype: transient, user\r\n";
	char msg[128];

	mpf_daplink_fail_message(f, strlen(f), msg, sizeof(msg));
	check_str(msg, "The hex file cannot be decoded. Checksum calculation failure occurred.");
	mpf_daplink_fail_message("something odd\r\nmore\r\n", 21, msg, sizeof(msg));
	check_str(msg, "something odd");
	mpf_daplink_fail_message(f, strlen(f), msg, 10);
	check_str(msg, "The hex f");
}

int main(void)
{
	TEST(t_details(), "DETAILS.TXT of interface, bootloader and old firmware parses");
	TEST(t_not_details(), "INFO_UF2.TXT and junk are not DETAILS.TXT");
	TEST(t_fail(), "FAIL.TXT gives its error line, else its first line");
	return test_done();
}
