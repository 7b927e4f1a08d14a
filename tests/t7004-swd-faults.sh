#!/bin/sh
test_description='mpf-swd when things go wrong

A probe pulled out halfway through a write, a protected nRF52 with and
without --unlock, an ambiguous --probe, no probe at all: each ends in a
clear error (in the record, exit 1, or a sysexits code before any record)
and never in a silent partial success; an erase a session before left
running is waited for, never started over.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

test_expect_success USBSIM 'a probe unplugged mid-write fails the record with no-device' '
	usbsim_devices "cmsisdap:serial=GONE:time_scale=0.01:unplug_after=60" &&
	head -c 100000 /dev/urandom >fw.bin &&
	test_expect_code 1 usbsim mpf-swd write fw.bin -o jsonl >out 2>err &&
	test "$(json_field out error.code)" = no-device &&
	grep -q "gone" out &&
	test "$(jq -r .flashed.ok out)" = false &&
	test "$(usbsim_count "unplugged after")" = 1
'

erase_started() { test "$(usbsim_count "INTR event: erase 1")" = 1; }

test_expect_success USBSIM 'SIGTERM mid-write: the record says interrupted, the flash is relocked' '
	usbsim_devices "cmsisdap:serial=INTR:time_scale=1" &&
	head -c 262144 /dev/urandom >big.bin &&
	LD_LIBRARY_PATH=$USBSIM_LIB_DIR mpf-swd write big.bin -o jsonl >out 2>err &
	pid=$! &&
	wait_for 20 erase_started &&
	kill -TERM $pid &&
	rc=0 && { wait $pid || rc=$?; } &&
	test $rc = 143 &&
	test "$(json_field out error.code)" = interrupted &&
	test "$(usbsim_count "INTR event: erase")" -lt 6 &&
	test "$(usbsim_count "INTR event: flash unlocked")" = 1 &&
	grep -E "INTR event: flash (un)?locked" "$MPF_USBSIM_LOG" | tail -1 | grep -q "flash locked"
'

test_expect_success USBSIM 'a protected nRF52 is refused without --unlock, flash untouched' '
	usbsim_devices "cmsisdap:serial=LOCKED:target=nrf52840:protect=1:time_scale=0.01" &&
	test_expect_code 1 usbsim mpf-swd info -o jsonl >out &&
	test "$(json_field out error.code)" = permission &&
	grep -q -- "--unlock" out &&
	test "$(usbsim_count "mass erase")" = 0
'

test_expect_success USBSIM 'with --unlock it is mass-erased through the CTRL-AP, then written' '
	usbsim_devices "cmsisdap:serial=LOCKED:target=nrf52840:protect=1:time_scale=0.01" &&
	head -c 8000 /dev/urandom >nrf.bin &&
	usbsim mpf-swd --unlock write nrf.bin -o jsonl >out 2>err &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(usbsim_count "mass erase")" = 1 &&
	grep -q "nRF52 is protected" err &&
	usbsim mpf-swd read 0 8000 back.bin >/dev/null &&
	cmp nrf.bin back.bin
'

test_expect_success USBSIM 'firmware that turned SWD off: connect under reset (nRESET held)' '
	usbsim_devices "cmsisdap:serial=BRICK:swd_off=1:time_scale=0.01" &&
	head -c 20000 /dev/urandom >brick.bin &&
	usbsim mpf-swd write brick.bin -o jsonl >out 2>err &&
	test "$(json_field out flashed.ok)" = true &&
	grep -q "connecting under reset" err &&
	usbsim mpf-swd read 0x08000000 20000 back.bin >/dev/null 2>&1 &&
	cmp brick.bin back.bin &&
	resets=$(usbsim_count "BRICK event: reset") &&
	usbsim mpf-swd info -o jsonl >out 2>err &&
	test "$(json_field out swd.target)" = "STM32F405/407/415/417" &&
	test "$(usbsim_count "BRICK event: reset")" -ge $((resets + 2)) &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM 'an ambiguous --probe substring is an error naming the candidates' '
	usbsim_devices "cmsisdap:serial=ABC123,cmsisdap:serial=ABC456" &&
	test_expect_code 1 usbsim mpf-swd --probe ABC info -o jsonl >out &&
	test "$(json_field out error.code)" = argument &&
	grep -q "ABC123" out && grep -q "ABC456" out &&
	usbsim mpf-swd --probe C45 info -o jsonl >out &&
	test "$(json_field out usb_serial)" = ABC456 &&
	usbsim mpf-swd --probe ABC123 info -o jsonl >out &&
	test "$(json_field out usb_serial)" = ABC123
'

test_expect_success USBSIM 'a probe we may not open: listed as denied, the udev rule named' '
	usbsim_devices "cmsisdap:serial=DENY:deny=1" &&
	usbsim mpf-swd list -o jsonl >out &&
	test "$(json_field out access)" = denied &&
	grep -q "50-mpf-cmsis-dap.rules" out &&
	test_expect_code 1 usbsim mpf-swd info -o jsonl >out &&
	test "$(json_field out error.code)" = permission &&
	grep -q "50-mpf-cmsis-dap.rules" out
'

test_expect_success USBSIM 'no probe attached' '
	usbsim_devices "stm32dfu:serial=X" &&
	test_expect_code 1 usbsim mpf-swd info -o jsonl >out &&
	test "$(json_field out error.code)" = no-device &&
	usbsim mpf-swd list -o jsonl >out &&
	test ! -s out
'

test_expect_success USBSIM '--frequency and --target reach the probe and the driver table' '
	usbsim_devices "cmsisdap:serial=OPTS" &&
	usbsim mpf-swd --frequency 1800k info -o jsonl >out &&
	test "$(json_field out swd.frequency)" = 1800000 &&
	usbsim mpf-swd --target stm32f4 info -o jsonl >out &&
	test "$(json_field out swd.family)" = stm32f4 &&
	test_expect_code 1 usbsim mpf-swd --target nrf52 info -o jsonl >out &&
	grep -q "not a known nrf52 part" out &&
	: >"$MPF_USBSIM_LOG" &&
	test_expect_code 2 usbsim mpf-swd --frequency 4Q info -o jsonl >out 2>err &&
	grep -q "expects a frequency" err && test ! -s out &&
	test "$(usbsim_count " open")" = 0
'

# An erase a session before left running (the probe unplugged under it,
# the board not reset; flash_busy=MS): the next write starts nothing while the
# controller is busy, it waits (BSY, or the NVMC's READY) and then writes.
busy_write() {
	usbsim_devices "cmsisdap:serial=BUSY:target=$1:flash_busy=150" &&
	: >"$MPF_USBSIM_LOG" &&
	head -c 2048 /dev/urandom >b.bin &&
	usbsim mpf-swd --address $2 write b.bin -o jsonl >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(usbsim_count violation)" = 0 &&
	usbsim mpf-swd read $2 2048 back.bin >/dev/null && cmp b.bin back.bin
}
for m in stm32f405:0x08004000 stm32l476:0x08004000 stm32g071:0x08004000 \
	 stm32f103:0x08004000 stm32f072:0x08004000 nrf52840:0x10000; do
	test_expect_success USBSIM,JQ "${m%%:*}: an erase left running is waited for" "
		busy_write ${m%%:*} ${m#*:}
	"
done

test_expect_success USBSIM 'bad arguments are usage errors' '
	test_expect_code 2 mpf-swd read 0x0 &&
	test_expect_code 2 mpf-swd frobnicate &&
	test_expect_code 2 mpf-swd --all info
'

test_done
