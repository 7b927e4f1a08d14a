#!/bin/sh
test_description='mpf-dfu in a pipeline: records with method dfu

Stands for: records from mpf-pick/mpf-fetch/mpf-bootloader naming an STM32
board to flash over DFU, with two boards in DFU mode at once. mpf-dfu must
pick the right device (bootloader target, usb_serial), never guess, add
flashed, and pass every other record through untouched.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

two="stm32dfu:serial=AAA:time_scale=0.01:address=5,stm32dfu:serial=BBB:time_scale=0.01:address=7"
usbsim_devices "$two"

test_expect_success USBSIM 'setup' '
	head -c 5000 /dev/urandom >fw.bin &&
	head -c 3000 /dev/urandom >fw2.bin
'

test_expect_success USBSIM,DFU_UTIL,JQ 'a target from mpf-bootloader picks the device by bus and address' '
	echo "{\"serial\":\"/dev/ttyACM0\",\"board_id\":\"PYBV11\",\"method\":\"dfu\",\"firmware\":{\"file\":\"fw.bin\"},\"target\":{\"kind\":\"dfu\",\"bus\":1,\"address\":7}}" >in &&
	usbsim mpf-dfu --wait 0 <in >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out flashed.bytes)" = 5000 &&
	test "$(json_field out board_id)" = PYBV11 &&
	test "$(json_field out serial)" = /dev/ttyACM0 &&
	test "$(usbsim_count "stm32dfu:AAA event: write")" = 0 &&
	usbsim dfu-util -S BBB -a 0 -s 0x08000000:5000 -U back.bin >/dev/null 2>&1 &&
	cmp fw.bin back.bin
'

test_expect_success USBSIM,JQ 'records for other methods pass through byte for byte' '
	printf "%s\n" "{\"method\":\"esp\",  \"serial\":\"/dev/ttyUSB0\"}" "{\"kind\":\"uf2\",\"path\":\"/media/x\"}" >in &&
	usbsim mpf-dfu <in >out &&
	test_cmp in out
'

test_expect_success USBSIM,JQ 'the usb_serial of a board names its DFU device' '
	: >"$MPF_USBSIM_LOG" &&
	echo "{\"kind\":\"serial\",\"usb_serial\":\"AAA\",\"method\":\"dfu\",\"firmware\":{\"file\":\"fw2.bin\"}}" >in &&
	usbsim mpf-dfu --wait 0 <in >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(usbsim_count "stm32dfu:BBB event: write")" = 0 &&
	test "$(usbsim_count "stm32dfu:AAA event: write")" -gt 0
'

test_expect_success USBSIM,JQ 'a dfu record from mpf-scan carries its own bus and address' '
	usbsim mpf-scan --kind dfu -o jsonl >scan &&
	sed -n 2p scan | jq -c ". + {method: \"dfu\", firmware: {file: \"fw2.bin\"}}" >in &&
	: >"$MPF_USBSIM_LOG" &&
	usbsim mpf-dfu --wait 0 <in >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out usb_serial)" = BBB &&
	test "$(usbsim_count "stm32dfu:AAA event: write")" = 0
'

test_expect_success USBSIM,JQ 'two devices and nothing to tell them apart: an error, never a guess' '
	: >"$MPF_USBSIM_LOG" &&
	echo "{\"method\":\"dfu\",\"firmware\":{\"file\":\"fw.bin\"}}" >in &&
	test_expect_code 1 usbsim mpf-dfu <in >out &&
	json_field out error.message | grep "2 DFU devices fit" &&
	json_field out error.message | grep AAA &&
	test "$(usbsim_count "event:")" = 0
'

test_expect_success USBSIM,JQ 'with one DFU device, a record without identity uses it' '
	usbsim_devices "stm32dfu:serial=ONLY:time_scale=0.01" &&
	echo "{\"method\":\"dfu\",\"firmware\":{\"file\":\"fw.bin\"}}" >in &&
	usbsim mpf-dfu --wait 0 <in >out &&
	test "$(json_field out flashed.ok)" = true
'

test_expect_success USBSIM,JQ 'a usb_serial no DFU device has is an error, not another board' '
	echo "{\"usb_serial\":\"ZZZ\",\"method\":\"dfu\",\"firmware\":{\"file\":\"fw.bin\"}}" >in &&
	test_expect_code 1 usbsim mpf-dfu <in >out &&
	test "$(json_field out error.code)" = no-device &&
	json_field out error.message | grep "serial ZZZ"
'

test_expect_success USBSIM,JQ 'no firmware.file: an error telling to run mpf-fetch' '
	echo "{\"method\":\"dfu\",\"firmware\":{\"url\":\"http://x/fw.dfu\"}}" >in &&
	test_expect_code 1 usbsim mpf-dfu <in >out &&
	json_field out error.message | grep "mpf-fetch"
'

test_expect_success USBSIM,JQ 'two boards flashed in parallel (-j2), --keep-order: output in input order' '
	usbsim_devices "$two" &&
	printf "%s\n" "{\"n\":1,\"usb_serial\":\"AAA\",\"method\":\"dfu\",\"firmware\":{\"file\":\"fw.bin\"}}" \
		"{\"n\":2,\"usb_serial\":\"BBB\",\"method\":\"dfu\",\"firmware\":{\"file\":\"fw2.bin\"}}" >in &&
	usbsim mpf-dfu -j2 --keep-order --wait 0 <in >out &&
	test "$(json_field out n 1):$(json_field out flashed.bytes 1)" = 1:5000 &&
	test "$(json_field out n 2):$(json_field out flashed.bytes 2)" = 2:3000
'

test_expect_success USBSIM,JQ 'records with an error pass through untouched (exit 1: a board failed upstream)' '
	echo "{\"method\":\"dfu\",\"firmware\":{\"file\":\"fw.bin\"},\"error\":{\"applet\":\"mpf-fetch\",\"code\":\"io\",\"message\":\"x\"}}" >in &&
	test_expect_code 1 usbsim mpf-dfu <in >out &&
	test_cmp in out
'

test_done
