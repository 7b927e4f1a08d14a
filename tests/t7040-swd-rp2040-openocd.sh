#!/bin/sh
test_description='the RP2040 model holds up against Debian openocd, and openocd reads back mpf-swd

openocd 0.12 with the stock interface/cmsis-dap.cfg and target/rp2040.cfg
wakes both cores'"'"' debug ports out of dormant, selects each with TARGETSEL,
reads the flash chip'"'"'s JEDEC ID through the SSI and programs through the
boot ROM'"'"'s functions, called through its debug trampoline: the model must
take all of it with no protocol violation. Then each side checks the
other: mpf-swd reads back what openocd wrote, and openocd verifies what
mpf-swd wrote (through the ROM calls of its own flash driver).'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

# oocd CMD...: openocd on the simulated probe with the stock configuration
oocd() {
	usbsim openocd -c "gdb_port disabled; tcl_port disabled; telnet_port disabled" \
		-f interface/cmsis-dap.cfg -f target/rp2040.cfg -c "adapter speed 4000" \
		"$@" >out 2>&1
}

usbsim_devices "cmsisdap:serial=OOCDRP:target=rp2040:time_scale=0.1"

# No "reset" after verify: openocd checks the image with a CRC routine in
# the work area, then puts the area's saved contents back and resumes the
# core where the routine stopped, so the core runs on through SRAM into a
# fault until the reset request lands, as a real RP2040 would (a HardFault);
# the model reports every core fault, and whether this one happens depends
# on how fast the reset follows.
test_expect_success USBSIM,OPENOCD 'openocd programs and verifies the simulated RP2040' '
	head -c 70000 /dev/urandom >x.bin &&
	oocd -c "program x.bin 0x10000000 verify exit" &&
	grep "SWD DPIDR 0x0bc12477, DLPIDR 0x00000001" out &&
	grep "SWD DPIDR 0x0bc12477, DLPIDR 0x10000001" out &&
	grep "Found flash device .win w25q16jv. (ID 0x001540ef)" out &&
	grep "Verified OK" out &&
	test "$(usbsim_count "erase [0-9]")" = 2 &&
	test "$(usbsim_count violation)" = 0 || {
		tail -n 20 out; grep violation "$MPF_USBSIM_LOG"; false
	}
'

test_expect_success USBSIM,OPENOCD 'mpf-swd reads back what openocd wrote' '
	usbsim mpf-swd read 0x10000000 70000 y.bin -o jsonl >rec &&
	cmp x.bin y.bin &&
	test "$(json_field rec swd.target)" = RP2040 &&
	test "$(json_field rec swd.family)" = rp2040 &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM,OPENOCD 'openocd verifies what mpf-swd wrote' '
	head -c 30000 /dev/urandom >z.bin &&
	usbsim mpf-swd write z.bin -o jsonl >rec &&
	test "$(json_field rec flashed.ok)" = true &&
	test "$(json_field rec flashed.verified)" = true &&
	oocd -c "init; reset halt; flash probe 0; puts [capture {verify_image z.bin 0x10000000}]; exit" &&
	grep "verified 30000 bytes" out &&
	oocd -c "init; reset halt; flash read_bank 0 w.bin 0 30000; exit" &&
	cmp z.bin w.bin &&
	test "$(usbsim_count violation)" = 0 || {
		cat rec; tail -n 15 out; grep violation "$MPF_USBSIM_LOG"; false
	}
'

test_done
