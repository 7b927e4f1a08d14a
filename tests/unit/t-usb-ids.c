/* t-usb-ids.c - the udev rules and the probes mpf knows come from one
 * table: every device a rule names is known for what its file says. */
#include "test-lib.h"
#include "usb.h"

#include <stdio.h>
#include <string.h>

/* Each vid:pid of the generated rules of file name: known_probe must be
 * want for all, and the hint must name the file. Returns how many. */
static int each_rule(const char *name, int want)
{
	struct mpf_buf b = MPF_BUF_INIT;
	unsigned vid, pid;
	const char *p;
	int n = 0;

	if (!check_int(mpf_usb_udev_rules(name, &b), ==, 0))
		return 0;
	for (p = mpf_buf_str(&b); (p = strstr(p, "idVendor}==\"")); p++) {
		if (!check_int(sscanf(p, "idVendor}==\"%4x\", ATTRS{idProduct}==\"%4x\"", &vid,
				      &pid), ==, 2))
			break;
		check_int(mpf_usb_known_probe((uint16_t)vid, (uint16_t)pid), ==, want);
		check_str(mpf_usb_udev_rule((uint16_t)vid, (uint16_t)pid), name);
		n++;
	}
	mpf_buf_release(&b);
	return n;
}

static void t_rules_agree(void)
{
	check_str(mpf_usb_udev_file(0), "50-mpf-cmsis-dap.rules");
	check_str(mpf_usb_udev_file(1), "50-mpf-stlink.rules");
	check_str(mpf_usb_udev_file(2), "65-mpf-stm32-dfu.rules");
	check(mpf_usb_udev_file(3) == NULL);
	check_int(each_rule("50-mpf-cmsis-dap.rules", 1), >, 20);
	check_int(each_rule("50-mpf-stlink.rules", 1), ==, 8);
	check_int(each_rule("65-mpf-stm32-dfu.rules", 0), ==, 1);
}

static void t_named_ones(void)
{
	struct mpf_buf b = MPF_BUF_INIT;

	/* the rules name PICkit 4 and MPLAB Snap: both are probes we list */
	check(mpf_usb_known_probe(0x03eb, 0x2177));
	check(mpf_usb_known_probe(0x03eb, 0x2180));
	check(!mpf_usb_known_probe(0x0483, 0xdf11));
	/* ST-LINKs: the protocol version by id; V1 (SCSI) and the V3 boot
	 * loader are none */
	check_int(mpf_usb_stlink_version(0x0483, 0x3748), ==, 2);
	check_int(mpf_usb_stlink_version(0x0483, 0x374b), ==, 2);
	check_int(mpf_usb_stlink_version(0x0483, 0x374e), ==, 3);
	check_int(mpf_usb_stlink_version(0x0483, 0x3744), ==, 0);
	check_int(mpf_usb_stlink_version(0x0483, 0x374d), ==, 0);
	check_int(mpf_usb_stlink_version(0x0d28, 0x0204), ==, 0);
	/* any other device we may not open is a DFU device */
	check_str(mpf_usb_udev_rule(0x1234, 0x5678), "65-mpf-stm32-dfu.rules");
	check_int(mpf_usb_udev_rules("99-other.rules", &b), ==, -1);
	mpf_buf_release(&b);
}

int main(void)
{
	TEST(t_rules_agree(), "every id in the udev rules is known for what its file says");
	TEST(t_named_ones(), "probes the rules name are known; other devices get the DFU rules");
	return test_done();
}
