#!/bin/sh
test_description='after a write that stopped part way, the record and the table say the
version is unknown

A board interrupted mid-write holds neither its old firmware nor the new
one. The record kept "version" from before (and a table showed it next to
"failed"); now the flasher moves it to "previous", "flashed" says
{"ok": false, "complete": false} with a note, and mpf-info'"'"'s table says
"unknown: flash again".'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

# stop SIG EVENT CMD...: start CMD on the simulator with in as stdin, send SIG
# at the model's trace EVENT, wait for it to end
stop_at() {
	sig=$1 ev=$2 && shift 2 &&
	: >"$MPF_USBSIM_LOG" &&
	{ LD_LIBRARY_PATH=$USBSIM_LIB_DIR "$@" <in >out 2>err & } && pid=$! &&
	wait_for 30 grep -q -E "event: $ev" "$MPF_USBSIM_LOG" &&
	kill -$sig $pid && { wait $pid || :; }
}

test_expect_success USBSIM 'setup' '
	head -c 200000 /dev/urandom >big.bin
'

test_expect_success USBSIM,JQ 'DFU: SIGINT mid-write: no version in the record, the table says unknown' '
	usbsim_devices stm32dfu:serial=F00:time_scale=1 &&
	echo "{\"kind\":\"serial\",\"usb_serial\":\"F00\",\"method\":\"dfu\",\"version\":\"1.22.0\",\"build\":\"12\",\"firmware\":{\"file\":\"big.bin\",\"version\":\"1.24.1\"}}" >in &&
	stop_at INT write mpf-dfu --wait 0 -o jsonl &&
	test "$(json_field out error.code)" = interrupted &&
	test "$(jq -r ".version // \"none\"" out)" = none &&
	test "$(jq -r ".build // \"none\"" out)" = none &&
	test "$(json_field out previous.version)" = 1.22.0 &&
	test "$(jq -r .flashed.complete out)" = false &&
	json_field out flashed.note | grep -q "may not boot until it is flashed again" &&
	test_expect_code 1 mpf-info -o table <out >table &&
	grep -q "unknown: flash again" table &&
	! grep -q "1.24.1" table
'

test_expect_success USBSIM,JQ 'SWD: SIGTERM mid-erase: flashed.complete is false' '
	usbsim_devices cmsisdap:serial=P1:target=stm32f405:time_scale=1 &&
	: >in &&
	stop_at TERM "erase 2" mpf-swd --address 0x08000000 -o jsonl write big.bin &&
	test "$(jq -r .flashed.ok out)" = false &&
	test "$(jq -r .flashed.complete out)" = false
'

test_expect_success USBSIM,JQ 'a refusal before anything is written leaves the version alone' '
	usbsim_devices stm32dfu:serial=F00:time_scale=0.01 &&
	echo "{\"kind\":\"serial\",\"usb_serial\":\"NOPE\",\"method\":\"dfu\",\"version\":\"1.22.0\",\"firmware\":{\"file\":\"big.bin\"}}" >in &&
	test_expect_code 1 usbsim mpf-dfu --wait 0 -o jsonl <in >out &&
	test "$(json_field out version)" = 1.22.0 &&
	test "$(jq -r ".flashed.complete // \"none\"" out)" = none
'

test_done
