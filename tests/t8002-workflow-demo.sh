#!/bin/sh
test_description='make demo: mpf-list and mpf-update over a micro:bit (QEMU), a Pico W (UF2 drive), an ESP32 (REPL + ROM loader), a pyboard (DFU), an nRF52840 (CMSIS-DAP) and the loopback mirror
Stands for a user running mpf-update over a mix of UF2, ESP, DFU and SWD
boards in one pipeline: each flashed by its own applet, the before/after
table, exit 0, and nothing left running or mounted.'
. "${MPF_SRC:-.}/tests/lib.sh"

test_expect_success FUSE,USBSIM 'scripts/demo flashes the Pico W, the ESP32, the pyboard and the nRF52840 and cleans up' '
	TMPDIR=$PWD MPF_BUILD=$MPF_BUILD "$MPF_SRC/scripts/demo" >out 2>err ||
		{ cat out err; false; } &&
	grep -q "RPI_PICO_W  uf2  [0-9.]* s  1\.22\.2 -> 1\.25\.0  ok" out &&
	grep -q "ESP32_GENERIC  esp  [0-9.]* s  1\.20\.0 -> 1\.25\.0  ok" out &&
	grep -q "ttyACM-pyboard  PYBV11  dfu  [0-9.]* s  1\.22\.2 -> 1\.25\.0  ok" out &&
	grep -q "ARDUINO_NANO_33_BLE_SENSE  swd  [0-9.]* s  .*  ok" out &&
	grep -q "exit status 0" out &&
	if command -v qemu-system-arm >/dev/null &&
	   test -f /usr/share/firmware-microbit-micropython/firmware.hex; then
		grep -q "ttyACM-microbit .*micro:bit with nRF51822 .*1\.9\.2" out &&
		grep -q "micro:bit: skipped (--ignore)" out
	fi &&
	! ls -d mpf-demo.* 2>/dev/null &&
	! grep -q "$PWD/mpf-demo" /proc/self/mountinfo
'

test_expect_success FUSE,USBSIM 'interrupted midway (TERM), the demo still stops and removes everything it started' '
	mkdir t && TMPDIR=$PWD/t MPF_BUILD=$MPF_BUILD "$MPF_SRC/scripts/demo" >out2 2>&1 &
	demo=$! &&
	wait_for 30 grep -q "mpf-list" out2 &&
	kill -TERM $demo &&
	{ wait $demo; test $? = 143; } &&
	test -z "$(ls t)" &&
	! grep -q "$PWD/t/" /proc/self/mountinfo &&
	! pgrep -f "$PWD/t/mpf-demo" >/dev/null
'

test_expect_success USBSIM 'mpf-update: one board fails, the others are still flashed, the exit status is 1' '
	"$(mpf_sim mpmirror)" >port 2>/dev/null & mirror=$! &&
	test_when_finished "kill $mirror" &&
	wait_for 10 test -s port && mkdir -p usbsim &&
	MPF_MIRROR=http://127.0.0.1:$(cat port)/ MPF_TEST_DRIVES="$PWD/none" \
	LD_LIBRARY_PATH=$MPF_BUILD/sim/libusb \
	MPF_USBSIM=stm32dfu:serial=X1:time_scale=0.01,stm32dfu:serial=X2:time_scale=0.01 \
	MPF_USBSIM_STATE=$PWD/usbsim \
	test_expect_code 1 mpf-update --serial "$PWD/none*" --board X1=NO_SUCH_BOARD --board X2=PYBV11 \
		-o jsonl >out 2>err &&
	test "$(json_field out board_id 1)" = NO_SUCH_BOARD &&
	test "$(json_field out error.applet 1)" = mpf-pick &&
	test "$(json_field out board_id 2)" = PYBV11 &&
	test "$(json_field out flashed.ok 2)" = true &&
	test_expect_code 2 mpf-update --method nfc 2>err &&
	grep -q "unknown method" err &&
	test_expect_code 2 mpf-update --board 2>err &&
	grep -q "needs a value" err
'

test_done
