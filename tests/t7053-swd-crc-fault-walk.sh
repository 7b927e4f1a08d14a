#!/bin/sh
test_description='fault walk: the CRC verify of a host-programmed part with the Nth USB transfer failing

An STM32F072 (Cortex-M0) is programmed from the host and checked by the
verify-only routine in its RAM. With any USB transfer to the probe
failing (setup, connect, erase, programming, loading and running the
routine, reset), each run ends with the image in flash and flashed.ok
true, or with an error record, exit 1 and flashed.ok false; the run after
the last transfer succeeds on the target the failures left (no routine
left running for good, the core not left halted).'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
. "$MPF_SRC/tests/lib-faultwalk.sh"

usbsim_devices "cmsisdap:serial=F0:target=stm32f072:time_scale=0.01"
size=2048

walk_run() { usbsim mpf-swd --address 0x08004000 write a.bin -o jsonl; }
walk_ok() {
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out flashed.verify)" = crc32 &&
	usbsim mpf-swd read 0x08004000 $size back.bin >/dev/null && cmp a.bin back.bin
}
walk_failed() {
	b=$(json_field out flashed.bytes) &&
	test "${b:-0}" -le $size &&
	{ test "$(json_field out flashed.verified)" != true || test "$b" = $size; }
}

test_expect_success USBSIM,JQ 'setup: a clean write, CRC-checked, counts the transfers' '
	head -c $size /dev/urandom >a.bin &&
	walk_run >out &&
	test "$(json_field out flashed.verify)" = crc32 &&
	usbsim_count " (ctrl|bulk|intr) " >bound &&
	test "$(cat bound)" -gt 20 &&
	head -c $size /dev/urandom >a.bin
'

test_expect_success USBSIM,JQ 'every failing transfer ends in an honest record; then it works' '
	fault_walk usb $(cat bound)
'

test_done
