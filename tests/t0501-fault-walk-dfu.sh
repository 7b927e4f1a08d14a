#!/bin/sh
test_description='fault walk: a DFU flash with its Nth USB transfer failing, for every N

Stands for a cable pulled or a hub resetting at any point of a DfuSe
write (enumeration, claim, erase, download, GETSTATUS polls, verify
upload, leave) on the STM32 ROM model of the libusb simulator. Each run
must end with the image written and verified (read back by dfu-util, not
by mpf) or with an error record, exit 1 and flashed.ok false; the run
after the last transfer must succeed on the board the failures left.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
. "$MPF_SRC/tests/lib-faultwalk.sh"

usbsim_devices "stm32dfu:serial=F00:time_scale=0.01"
size=3000

walk_run() { usbsim mpf-dfu write a.bin --wait 0 -o jsonl; }
walk_ok() {
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out flashed.verified)" = true &&
	dfu_readback 0x08000000 $size back.bin && cmp a.bin back.bin
}
# A failure may come after the bytes went in (the leave request): then
# bytes and verified say so, but never more than was written.
walk_failed() {
	b=$(json_field out flashed.bytes) &&
	test "${b:-0}" -le $size &&
	{ test "$(json_field out flashed.verified)" != true || test "$b" = $size; }
}

test_expect_success USBSIM,JQ,DFU_UTIL 'setup: a clean write counts the transfers' '
	head -c $size /dev/urandom >a.bin &&
	usbsim mpf-dfu write a.bin --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.ok)" = true &&
	usbsim_count " (ctrl|bulk|intr) " >bound &&
	test "$(cat bound)" -gt 20 &&
	head -c $size /dev/urandom >a.bin
'

test_expect_success USBSIM,JQ,DFU_UTIL 'every failing transfer ends in an honest record; then it works' '
	: >"$MPF_USBSIM_LOG" &&
	fault_walk usb $(cat bound) &&
	test "$(usbsim_count violation)" = 0
'

test_done
