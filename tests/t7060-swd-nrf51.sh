#!/bin/sh
test_description='mpf-swd writes, verifies and erases an nRF51822 (micro:bit v1)

The simulated nRF51822 is a Cortex-M0 without a CTRL-AP whose FICR gives
256 pages of 1 KiB; its NVMC is the nRF52 one (CONFIG, ERASEPAGE,
ERASEALL, READY), paced at the reference manual times. An image is
written and read back with only the touched pages erased, openocd (its
nrf51 target) and mpf-swd read back what the other wrote, and a part
with read-back protection of all flash is refused before anything is
erased.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

erases() { usbsim_count "erase [0-9]"; }
ffs() { test "$(tr -d "\377" <"$1" | wc -c)" = 0; }

oocd() {
	usbsim openocd -c "gdb_port disabled; tcl_port disabled; telnet_port disabled" \
		-f interface/cmsis-dap.cfg -f target/nrf51.cfg "$@" >out 2>&1
}

usbsim_devices "cmsisdap:serial=N51:target=nrf51822:time_scale=0.01"

test_expect_success USBSIM 'info names the nRF51, its core and its flash' '
	usbsim mpf-swd info -o jsonl >rec &&
	test "$(json_field rec swd.target)" = "nRF51 (HWID 0x0087)" &&
	test "$(json_field rec swd.core)" = Cortex-M0 &&
	grep -q "\"flash_size\":262144" rec
'

# 3001 bytes at 0x18200: pages 0x18000..0x18C00, four of 1 KiB
test_expect_success USBSIM 'write verifies and erases only the touched pages' '
	head -c 3001 /dev/urandom >fw.bin &&
	before=$(erases) &&
	usbsim mpf-swd --address 0x18200 write fw.bin -o jsonl >rec &&
	test "$(json_field rec flashed.verified)" = true &&
	test $(($(erases) - before)) = 4 &&
	usbsim mpf-swd read 0x18200 3001 back.bin >/dev/null &&
	cmp fw.bin back.bin &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM 'erase of one page leaves its neighbours' '
	usbsim mpf-swd --address 0x18400 erase >/dev/null &&
	usbsim mpf-swd read 0x18400 1024 p.bin >/dev/null && ffs p.bin &&
	usbsim mpf-swd read 0x18200 512 back.bin >/dev/null &&
	head -c 512 fw.bin | cmp - back.bin &&
	usbsim mpf-swd read 0x18800 1024 back.bin >/dev/null &&
	dd if=fw.bin bs=512 skip=3 count=2 2>/dev/null | cmp - back.bin
'

test_expect_success USBSIM,OPENOCD 'openocd verifies what mpf-swd wrote' '
	head -c 20001 /dev/urandom >z.bin &&
	usbsim mpf-swd --address 0x1000 write z.bin -o jsonl >rec &&
	test "$(json_field rec flashed.verified)" = true &&
	oocd -c "init; reset halt; puts [capture {verify_image z.bin 0x1000}]; exit" &&
	grep "verified 20001 bytes" out
'

test_expect_success USBSIM,OPENOCD 'mpf-swd reads back what openocd programmed' '
	head -c 20000 /dev/urandom >x.bin &&
	oocd -c "program x.bin 0x0 verify reset exit" &&
	grep "Verified OK" out &&
	usbsim mpf-swd read 0x0 20000 y.bin >/dev/null &&
	cmp x.bin y.bin &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM 'erase --all empties the flash' '
	usbsim mpf-swd erase --all >/dev/null &&
	test "$(usbsim_count "mass erase")" -ge 1 &&
	usbsim mpf-swd read 0x0 20000 back.bin >/dev/null && ffs back.bin
'

usbsim_devices "cmsisdap:serial=N51P:target=nrf51822:protect=1:time_scale=0.01"

test_expect_success USBSIM 'read-back protection of all flash: refused, nothing erased' '
	before=$(erases) &&
	test_must_fail usbsim mpf-swd --address 0x1000 write fw.bin -o jsonl >rec &&
	grep -q "read-back protection" rec &&
	test "$(erases)" = "$before"
'

test_done
