#!/bin/sh
test_description='SIGINT and SIGTERM in the middle of a DFU and an SWD flash

Stands for Ctrl-C (or a service manager stopping mpf) while a board is
being erased and programmed at real flash speed: mpf must stop, say in
the record that it was interrupted and how far it got (flashed.ok false),
release the device (the USB handle is closed, the probe disconnected) and
exit 130 or 143; the board is left in a state the next flash starts from
without a protocol violation, and that flash succeeds.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

# interrupt SIG CODE EVENT MIN CMD...: start CMD (an applet, not a shell
# function: the signal must reach mpf itself) on the simulator, wait for
# the model's trace EVENT, send SIG, expect exit CODE and an honest record
# (flashed.bytes at least MIN, less than the image).
interrupt() {
	sig=$1 code=$2 ev=$3 min=$4 && shift 4 &&
	: >"$MPF_USBSIM_LOG" &&
	{ LD_LIBRARY_PATH=$USBSIM_LIB_DIR "$@" >out 2>err & } && pid=$! &&
	wait_for 30 grep -q -E "event: $ev" "$MPF_USBSIM_LOG" &&
	kill -$sig $pid && rc=0 && { wait $pid || rc=$?; } &&
	{ test $rc = $code || { echo "exit $rc, not $code"; cat err; false; }; } &&
	test "$(json_field out error.code)" = interrupted &&
	test "$(jq -r .flashed.ok out)" = false &&
	b=$(json_field out flashed.bytes) &&
	test "$b" -ge $min && test "$b" -lt $(wc -c <big.bin) &&
	tail -n 1 "$MPF_USBSIM_LOG" | grep -E " close$" &&
	test "$(usbsim_count violation)" = 0
}

test_expect_success USBSIM 'setup' '
	head -c 200000 /dev/urandom >big.bin && head -c 3000 /dev/urandom >small.bin
'

for s in INT:130 TERM:143; do
	sig=${s%:*} code=${s#*:}
	test_expect_success USBSIM,JQ "DFU: SIG$sig while flashing: exit $code, device left usable" "
		usbsim_devices stm32dfu:serial=F00:time_scale=1 &&
		interrupt $sig $code write 1 mpf-dfu write big.bin --wait 0 -o jsonl &&
		usbsim_devices stm32dfu:serial=F00:time_scale=0.01 &&
		usbsim mpf-dfu write small.bin --wait 0 -o jsonl >out &&
		test \"\$(json_field out flashed.verified)\" = true &&
		test \"\$(usbsim_count violation)\" = 0
	"
	test_expect_success USBSIM,JQ "SWD: SIG$sig while flashing: exit $code, target left usable" "
		usbsim_devices cmsisdap:serial=P1:target=stm32f405:time_scale=1 &&
		interrupt $sig $code \"erase 2\" 0 mpf-swd --address 0x08000000 write big.bin -o jsonl &&
		usbsim_devices cmsisdap:serial=P1:target=stm32f405:time_scale=0.01 &&
		usbsim mpf-swd --address 0x08000000 write small.bin -o jsonl >out &&
		test \"\$(json_field out flashed.verified)\" = true &&
		test \"\$(usbsim_count violation)\" = 0
	"
done

test_done
