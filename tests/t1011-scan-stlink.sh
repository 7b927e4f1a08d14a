#!/bin/sh
test_description='mpf-scan and mpf-swd list show ST-LINK probes beside CMSIS-DAP ones

An ST-LINK/V2-1 and a V3 model beside a CMSIS-DAP v2 probe: mpf-scan
--kind probe lists all three, the ST-LINKs with stlink_version, and
mpf-swd list agrees; an ST-LINK the user may not open is still listed,
with the udev rule file that grants access, and that file (generated
from the id table) names every ST-LINK id.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

usbsim_devices "stlink:version=2.1:serial=066DFF485457725187092521,stlink:version=3:serial=066DFF485457725187092530,cmsisdap:serial=DAPV2"

test_expect_success USBSIM 'mpf-scan --kind probe lists ST-LINKs beside the CMSIS-DAP probe' '
	usbsim mpf-scan --kind probe -o jsonl >out &&
	test "$(wc -l <out)" -eq 3 &&
	test "$(jq -r "select(.usb_serial == \"066DFF485457725187092521\") | .stlink_version" out)" = 2 &&
	test "$(jq -r "select(.usb_serial == \"066DFF485457725187092530\") | .stlink_version" out)" = 3 &&
	test "$(jq -r "select(.usb_serial == \"066DFF485457725187092530\") | .vid + \":\" + .pid" out)" = 0483:374e &&
	test "$(jq -r "select(.usb_serial == \"DAPV2\") | .dap_version" out)" = 2
'

test_expect_success USBSIM 'mpf-swd list agrees, and its table names each protocol' '
	usbsim mpf-swd list -o jsonl >list &&
	jq -c "{usb_serial, dap_version, stlink_version}" out | sort >a &&
	jq -c "{usb_serial, dap_version, stlink_version}" list | sort >b &&
	test_cmp a b &&
	usbsim mpf-swd list -o table >table &&
	grep "066DFF485457725187092530 *STLINK-V3 *ST-LINK/V3" table &&
	grep "DAPV2 .*CMSIS-DAP v2" table
'

test_expect_success USBSIM 'an ST-LINK without access is listed with its udev rule' '
	usbsim_devices "stlink:version=2:serial=066DFF485457725187092520:deny=1" &&
	usbsim mpf-swd list -o jsonl >denied &&
	test "$(json_field denied access)" = denied &&
	grep "50-mpf-stlink.rules" denied &&
	usbsim mpf-scan --kind probe -o jsonl >scan &&
	test "$(json_field scan pid)" = 3748
'

test_expect_success 'the ST-LINK udev rules cover V2, V2-1 and the V3 family' '
	for pid in 3748 374b 3752 374e 374f 3753 3754 3757; do
		grep "ATTRS{idVendor}==\"0483\", ATTRS{idProduct}==\"$pid\"" \
			"$MPF_SRC/scripts/udev/50-mpf-stlink.rules" || return 1
	done
'

test_done
