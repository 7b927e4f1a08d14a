#!/bin/sh
test_description='fault walk: an SWD flash with its Nth USB transfer to the probe failing

Stands for a CMSIS-DAP probe unplugged or its firmware wedging at any
point of a write to an STM32F405 (probe setup, connect, halt, sector
erase, programming, verify, reset). Each run must end with the image in
flash (read back by a second process) and flashed.ok true, or with an
error record, exit 1 and flashed.ok false; the run after the last
transfer must succeed on the target the failures left (never locked up,
never left halted for good).'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
. "$MPF_SRC/tests/lib-faultwalk.sh"

usbsim_devices "cmsisdap:serial=P1:target=stm32f405:time_scale=0.01"
size=1024

walk_run() { usbsim mpf-swd --address 0x08000000 write a.bin -o jsonl; }
walk_ok() {
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out flashed.verified)" = true &&
	usbsim mpf-swd read 0x08000000 $size back.bin >/dev/null && cmp a.bin back.bin
}
walk_failed() {
	b=$(json_field out flashed.bytes) &&
	test "${b:-0}" -le $size &&
	{ test "$(json_field out flashed.verified)" != true || test "$b" = $size; }
}

test_expect_success USBSIM,JQ 'setup: a clean write counts the transfers' '
	head -c $size /dev/urandom >a.bin &&
	walk_run >out &&
	test "$(json_field out flashed.ok)" = true &&
	usbsim_count " (ctrl|bulk|intr) " >bound &&
	test "$(cat bound)" -gt 20 &&
	head -c $size /dev/urandom >a.bin
'

test_expect_success USBSIM,JQ 'every failing transfer ends in an honest record; then it works' '
	: >"$MPF_USBSIM_LOG" &&
	fault_walk usb $(cat bound) &&
	test "$(usbsim_count violation)" = 0
'

test_done
