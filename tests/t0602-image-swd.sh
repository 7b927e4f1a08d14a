#!/bin/sh
test_description='mpf-swd writes what a firmware file means, never its container bytes

The elements of a DfuSe file and a raw image with a TI Stellaris prefix
and a DFU suffix are written at the addresses they mean, without their
headers; a raw image that only begins like a prefix is written whole.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
DFU_FILE=$MPF_BUILD/sim/dfu-file

usbsim_devices "cmsisdap:serial=F405:target=stm32f405:time_scale=0.01"

test_expect_success USBSIM 'setup' '
	head -c 3000 /dev/urandom >a.bin &&
	head -c 5000 /dev/urandom >b.bin
'

test_expect_success USBSIM,JQ 'a DfuSe file: each element at its address, verified' '
	"$DFU_FILE" pack -D 0483:df11 0x08004000:a.bin 0x08020000:b.bin two.dfu &&
	usbsim mpf-swd write two.dfu -o jsonl >rec &&
	test "$(json_field rec flashed.ok)" = true &&
	test "$(json_field rec flashed.verified)" = true &&
	test "$(json_field rec flashed.bytes)" = 8000 &&
	usbsim mpf-swd read 0x08004000 3000 a2.bin >/dev/null && cmp a.bin a2.bin &&
	usbsim mpf-swd read 0x08020000 5000 b2.bin >/dev/null && cmp b.bin b2.bin &&
	usbsim mpf-swd read 0x08000000 16 head.bin >/dev/null &&
	! grep -q DfuSe head.bin
'

test_expect_success USBSIM 'a DfuSe target for another alt setting is refused, naming mpf-dfu' '
	"$DFU_FILE" pack -D 0483:df11 0x08004000:a.bin 0x1fffc000@1:b.bin alt.dfu &&
	: >"$MPF_USBSIM_LOG" &&
	test_must_fail usbsim mpf-swd write alt.dfu 2>err &&
	grep "alt.dfu has a DfuSe target for alt setting 1, memory other than the main flash: write it with mpf-dfu" err &&
	test "$(usbsim_count "erase [0-9]|flash unlocked")" = 0
'

test_expect_success USBSIM,DFU_FILE_TOOLS,JQ 'a Stellaris prefix and a DFU suffix are not written into flash' '
	cp a.bin pre.bin &&
	dfu-prefix -s 0 -a pre.bin >/dev/null &&
	dfu-suffix -v 0483 -p df11 -a pre.bin >/dev/null &&
	test $(wc -c <pre.bin) = 3024 &&
	usbsim mpf-swd --address 0x08008000 write pre.bin -o jsonl >rec &&
	test "$(json_field rec flashed.bytes)" = 3000 &&
	usbsim mpf-swd read 0x08008000 3000 a3.bin >/dev/null && cmp a.bin a3.bin
'

test_expect_success USBSIM 'a raw binary beginning like a Stellaris prefix is still raw' '
	{ printf "\001\000\000\000" && head -c 996 /dev/urandom; } >nop.bin &&
	usbsim mpf-swd --address 0x0800c000 write nop.bin >/dev/null &&
	usbsim mpf-swd read 0x0800c000 1000 nop2.bin >/dev/null && cmp nop.bin nop2.bin
'

test_done
