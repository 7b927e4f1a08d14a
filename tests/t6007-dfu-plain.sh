#!/bin/sh
test_description='mpf-dfu on a plain DFU 1.1 device (no DfuSe)

Stands for: a device that speaks the DFU 1.1 specification without ST'"'"'s
extensions: one image in blocks 0, 1, 2, ..., manifestation, upload from
block 0. The simulator model (tests/sim/libusb/dfu11.c) is first held
against dfu-util, then mpf-dfu writes and verifies.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

usbsim_devices "dfu11:serial=P1:time_scale=0.01"
DFU_FILE=$MPF_BUILD/sim/dfu-file

test_expect_success USBSIM,DFU_UTIL 'dfu-util lists, downloads and uploads the same bytes' '
	head -c 10000 /dev/urandom >x.bin &&
	usbsim dfu-util -l >out 2>&1 &&
	grep "Found DFU: \[1209:0001\] ver=0100.*name=\"Flash\", serial=\"P1\"" out &&
	usbsim dfu-util -D x.bin >out 2>&1 &&
	grep "dfuIDLE" out &&
	usbsim dfu-util -U y.bin >out 2>&1 &&
	cmp x.bin y.bin &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM,DFU_UTIL,JQ 'mpf-dfu writes a .bin and verifies it by upload' '
	head -c 7000 /dev/urandom >z.bin &&
	usbsim mpf-dfu write z.bin --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out flashed.verified)" = true &&
	test "$(json_field out flashed.bytes)" = 7000 &&
	rm -f w.bin && usbsim dfu-util -U w.bin >/dev/null 2>&1 &&
	cmp z.bin w.bin &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM,JQ 'a DfuSe file is refused: the device has no addresses' '
	"$DFU_FILE" pack 0x08000000:z.bin z.dfu &&
	test_expect_code 1 usbsim mpf-dfu write z.dfu -o jsonl >out &&
	json_field out error.message | grep "takes a .bin image only"
'

test_expect_success USBSIM,JQ 'not manifestation tolerant: a USB reset starts the firmware' '
	usbsim_devices "dfu11:serial=P2:time_scale=0.01:tolerant=0" &&
	: >"$MPF_USBSIM_LOG" &&
	usbsim mpf-dfu write z.bin --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(jq -r .flashed.verified out)" = false &&
	test "$(usbsim_count "event: reset: starting the firmware")" = 1
'

test_done
