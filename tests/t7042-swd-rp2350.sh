#!/bin/sh
test_description='mpf-swd refuses an RP2350 by name, before touching its access ports

The RP2350 has an ADIv6 debug port (DPIDR version 3), whose access ports,
for its Arm and RISC-V cores alike, are addressed in a way mpf-swd does not
speak. The model has only that debug port: any AP access through an ADIv5
SELECT is a violation, so the refusal must come from DPIDR and TARGETID
alone, and nothing is written.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

usbsim_devices "cmsisdap:serial=PICO2:target=rp2350:time_scale=0.01"

test_expect_success USBSIM 'info names the RP2350 and says why it is refused' '
	test_expect_code 1 usbsim mpf-swd info -o jsonl >rec &&
	test "$(json_field rec error.code)" = unsupported &&
	grep "the target is an RP2350 (TARGETID 0x00040927)" rec &&
	grep "Arm and its RISC-V cores alike" rec &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM 'write refuses it and erases nothing' '
	head -c 4096 /dev/urandom >a.bin &&
	test_expect_code 1 usbsim mpf-swd write a.bin -o jsonl >rec &&
	test "$(json_field rec error.code)" = unsupported &&
	test "$(usbsim_count "PICO2 event: erase")" = 0 &&
	test "$(usbsim_count violation)" = 0
'

test_done
