/* t-uf2drive.c - INFO_UF2.TXT as real bootloaders write it, and the
 * mount table lines the kernel gives. */
#include "test-lib.h"
#include "uf2drive.h"
#include "err.h"

#include <string.h>

static void t_info(void)
{
	/* Raspberry Pi RP2040 boot ROM (CRLF) */
	const char *rp2 = "UF2 Bootloader v3.0\r\nModel: Raspberry Pi RP2\r\nBoard-ID: RPI-RP2\r\n";
	/* TinyUF2 (adafruit/tinyuf2#147) */
	const char *tiny = "TinyUF2 Bootloader 0.10.2 - tinyusb (0.12.0-145-g9775e7691)\n"
			   "Model: LOLIN S2 Mini\nBoard-ID: ESP32S2FN4R2-S2Mini-1-0-0\n"
			   "Date: Jun 30 2022\n";
	struct mpf_uf2_info i;

	check_int(mpf_uf2_info_parse(rp2, strlen(rp2), &i), ==, 0);
	check_str(i.bootloader, "UF2 Bootloader v3.0");
	check_str(i.model, "Raspberry Pi RP2");
	check_str(i.board_id, "RPI-RP2");
	check_int(mpf_uf2_info_parse(tiny, strlen(tiny), &i), ==, 0);
	check_str(i.board_id, "ESP32S2FN4R2-S2Mini-1-0-0");
	check_str(i.date, "Jun 30 2022");
	check_int(mpf_uf2_info_parse("hello\n", 6, &i), ==, MPF_ERR_FORMAT);
}

static void t_mountinfo(void)
{
	char mnt[256], fs[64], src[256];
	const char *l1 = "36 35 98:0 / /media/u/RPI-RP2 rw,nosuid shared:1 - vfat /dev/sdb1 rw\n";
	const char *l2 = "40 35 0:50 / /mnt/my\\040drive rw - fuse.fusefat /dev/loop0 rw\n";

	check_int(mpf_mountinfo_parse(l1, mnt, sizeof(mnt), fs, sizeof(fs), src, sizeof(src)), ==, 0);
	check_str(mnt, "/media/u/RPI-RP2");
	check_str(fs, "vfat");
	check_str(src, "/dev/sdb1");
	check_int(mpf_mountinfo_parse(l2, mnt, sizeof(mnt), fs, sizeof(fs), src, sizeof(src)), ==, 0);
	check_str(mnt, "/mnt/my drive");
	check_str(fs, "fuse.fusefat");
	check_int(mpf_mountinfo_parse("garbage\n", mnt, sizeof(mnt), fs, sizeof(fs), src,
				      sizeof(src)), ==, MPF_ERR_FORMAT);
}

int main(void)
{
	TEST(t_info(), "INFO_UF2.TXT of the RP2040 ROM and TinyUF2 parse");
	TEST(t_mountinfo(), "mountinfo lines decode, escapes undone");
	return test_done();
}
