#!/bin/sh
test_description='mpf-dfu reports device faults clearly and copes with known quirks

Stands for: stalls, timeouts, unplugging mid-write, permission and claim
problems, flash that fails to erase/program or reads back wrong, read
protection, and the STM32 ROM behaviours dfu-util works around (a ROM that
starts in dfuERROR, a mass erase that takes far longer than its reported
poll timeout, L4 ROMs that stall an early GETSTATUS). The faults are
injected by the libusb simulator.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

base="stm32dfu:serial=F00:time_scale=0.01"

# write_fails DEVICE CODE MESSAGE: mpf-dfu write a.bin to DEVICE exits 1
# with an error record of CODE (- for any) whose message has MESSAGE
write_fails() {
	usbsim_devices "$1" &&
	test_expect_code 1 usbsim mpf-dfu write a.bin -o jsonl >out &&
	{ test "$2" = - || test "$(json_field out error.code)" = "$2"; } &&
	json_field out error.message | grep "$3"
}

test_expect_success USBSIM 'setup' '
	head -c 5000 /dev/urandom >a.bin
'

test_expect_success USBSIM,JQ 'a stalled DNLOAD is a protocol error on the record, exit 1' '
	write_fails "$base:fault_req=1:stall=4" protocol "stalled" &&
	test "$(jq -r .flashed.ok out)" = false
'

test_expect_success USBSIM,JQ 'a device unplugged mid-write is no-device' '
	write_fails "$base:fault_req=1:gone=4" no-device "gone"
'

test_expect_success USBSIM,JQ 'a request that times out is a timeout' '
	usbsim_devices "$base:fault_req=1:timeout=3" &&
	test_expect_code 1 usbsim mpf-dfu --timeout 0.2 write a.bin -o jsonl >out &&
	test "$(json_field out error.code)" = timeout
'

test_expect_success USBSIM 'no permission: exit 77 and the udev rule to install' '
	usbsim_devices "$base:deny=1" &&
	test_expect_code 77 usbsim mpf-dfu write a.bin 2>err &&
	grep "65-mpf-stm32-dfu.rules" err && grep "make install-udev" err
'

test_expect_success USBSIM 'a serial number we cannot read: the hint says why it is not found' '
	usbsim_devices "$base:deny=1" &&
	test_expect_code 69 usbsim mpf-dfu --device F00 write a.bin 2>err &&
	grep "no DFU device found (serial F00); a DFU device could not be opened" err &&
	grep "65-mpf-stm32-dfu.rules" err
'

test_expect_success USBSIM 'interface held by another program: exit 75' '
	usbsim_devices "$base:busy=1" &&
	test_expect_code 75 usbsim mpf-dfu write a.bin 2>err &&
	grep "in use by another program" err
'

test_expect_success USBSIM,JQ 'a kernel driver on the interface is detached, then claimed' '
	usbsim_devices "$base:kdriver=1" &&
	: >"$MPF_USBSIM_LOG" &&
	usbsim mpf-dfu write a.bin --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(usbsim_count "detach-kernel-driver 0")" = 1
'

test_expect_success USBSIM,JQ 'a weak flash cell is caught by verify; --no-verify cannot know' '
	write_fails "$base:corrupt=0x08000100" mismatch "1 byte differ, the first at 0x08000100" &&
	usbsim mpf-dfu --no-verify write a.bin --wait 0 -o jsonl >out &&
	test "$(jq -r .flashed.verified out)" = false
'

test_expect_success USBSIM,JQ 'erase and program failures name the DFU status' '
	write_fails "$base:fail_erase=0x08000000" - "erase page 0x08000000: device reports errERASE" &&
	write_fails "$base:fail_write=0x08001000" - "write 0x08001000: device reports errPROG"
'

test_expect_success USBSIM,JQ 'read protection: refused with errVENDOR, said plainly' '
	usbsim_reset &&
	write_fails "stm32dfu:serial=RDP:time_scale=0.01:rdp=1" - "errVENDOR" &&
	json_field out error.message | grep "read protection"
'

test_expect_success USBSIM,JQ 'unprotect removes read protection (the chip erases itself)' '
	usbsim_devices "stm32dfu:serial=RDP:time_scale=0.01:rdp=1" &&
	: >"$MPF_USBSIM_LOG" &&
	usbsim mpf-dfu unprotect -o jsonl >out &&
	test "$(json_field out error)" = "" &&
	test "$(usbsim_count "event: read unprotect")" = 1 &&
	usbsim mpf-dfu write a.bin --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.verified)" = true
'

test_expect_success USBSIM,JQ 'a ROM that starts in dfuERROR is cleared first' '
	usbsim_devices "$base:start=error" &&
	usbsim mpf-dfu write a.bin --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.ok)" = true
'

test_expect_success USBSIM,JQ 'an L4-style ROM that stalls an early GETSTATUS still works' '
	# real time: the ROM reports a 100 ms poll for a sector erase that takes
	# longer, so the GETSTATUS after the poll comes early; scaled down, a
	# host slowed by a loaded machine would miss the window
	usbsim_devices "stm32dfu:serial=L4:time_scale=1:early_stall=1" &&
	: >"$MPF_USBSIM_LOG" &&
	usbsim mpf-dfu write a.bin --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(usbsim_count "stalled a request that came while busy")" -gt 0
'

test_expect_success USBSIM,JQ 'a mass erase longer than the control timeout: keep asking (F405 quirk)' '
	# 8 s mass erase scaled to 0.8 s, reported as 100 ms scaled to 10 ms;
	# each GETSTATUS is NAKed until the erase ends and times out at 0.2 s
	usbsim_devices "stm32dfu:serial=F405:time_scale=0.1" &&
	: >"$MPF_USBSIM_LOG" &&
	usbsim mpf-dfu --timeout 0.2 --erase-all write a.bin --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(usbsim_count " ctrl a1 03 0000 0000 6 -> -7")" -ge 2
'

test_expect_success USBSIM,JQ 'SIGTERM mid-erase: an interrupted record, exit 143, the interface released' '
	# (SIGINT is ignored by background jobs of a non-interactive shell)
	usbsim_devices "stm32dfu:serial=SLOW:time_scale=1" &&
	: >"$MPF_USBSIM_LOG" || exit 1
	(LD_LIBRARY_PATH=$USBSIM_LIB_DIR exec mpf-dfu write a.bin -o jsonl >out 2>err) &
	pid=$! &&
	wait_for 20 grep -q "event: erase sector 0" "$MPF_USBSIM_LOG" &&
	kill -TERM $pid &&
	{ wait $pid; rc=$?; } &&
	test $rc = 143 &&
	test "$(json_field out error.code)" = interrupted &&
	wait_for 5 grep -q "SLOW close" "$MPF_USBSIM_LOG" &&
	test "$(usbsim_count "event: write")" = 0
'

test_expect_success USBSIM,JQ 'the board not coming back as a serial port is a warning, not a failure' '
	usbsim_devices "$base" &&
	usbsim mpf-dfu write a.bin --wait 0.3 -o jsonl >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out warning.code)" = timeout &&
	json_field out warning.message | grep "did not come back as a serial port" &&
	test "$(json_field out error)" = ""
'

# A pyboard sent to its bootloader from /dev/ttyACM0 (or a by-id link, or
# rfc2217://) leaves that port; after DFU's leave MicroPython starts and
# the port comes back. mpf-dfu waits for that path, as mpf-uf2 does.
test_expect_success USBSIM,JQ 'a board that left its serial port for DFU is found back on it' '
	usbsim_devices "$base" &&
	: >"$MPF_USBSIM_LOG" &&
	echo "{\"kind\":\"serial\",\"serial\":\"$TRASH/ttyACM-pyb\",\"board_id\":\"PYBV11\",\"method\":\"dfu\",\"firmware\":{\"file\":\"a.bin\"},\"target\":{\"kind\":\"dfu\",\"usb_serial\":\"F00\"}}" >in &&
	{ usbsim mpf-dfu --wait 10 <in >out 2>err & } &&
	dfu=$! &&
	wait_for 20 grep -q "event: leave" "$MPF_USBSIM_LOG" &&
	{ "$(mpf_sim mpf-test-tool)" pty-echo "$TRASH/ttyACM-pyb" & } &&
	echo_pid=$! &&
	test_when_finished "kill $echo_pid" &&
	wait $dfu &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out serial)" = "$TRASH/ttyACM-pyb" &&
	test "$(json_field out warning)" = "" &&
	! grep "did not come back" err
'

test_done
