#!/bin/sh
test_description='after flashing, a board that never comes back as a serial port is the same warning with the same exit status from mpf-uf2 and mpf-dfu'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

# What a pipeline sees of the step: the exit status, flashed.ok, the
# warning's code and applet-independent message, the error, the serial.
seen() { # RC FILE
	jq -c --arg rc "$1" '[$rc, .flashed.ok, .warning.code,
		(.warning.message // "" | sub("within [0-9]+ s"; "in time")), .error, .serial]' "$2"
}

# The board was on ttyGONE before its bootloader trip and never returns.
test_expect_success 'setup' '
	{ printf "MicroPython v1.24.1 on 2024-11-29; Raspberry Pi Pico W with RP2040\0"
	  head -c 5000 /dev/urandom; } >fw.bin &&
	mpf-uf2 convert --family RP2040 fw.bin fw.uf2
'

test_expect_success FUSE,JQ 'mpf-uf2: flashed, a warning, exit 0' '
	mkdir d &&
	{ "$(mpf_sim uf2drive-sim)" --log d.log --flash img "$PWD/d" & } &&
	echo $! >d.pid &&
	test_when_finished "umount -l d 2>/dev/null || fusermount3 -u -z d; kill \$(cat d.pid)" &&
	wait_for 10 test -f d/INFO_UF2.TXT &&
	echo "{\"serial\":\"$PWD/ttyGONE\",\"port\":\"rp2\",\"method\":\"uf2\",\"firmware\":{\"file\":\"fw.uf2\"},\"target\":{\"kind\":\"uf2\",\"path\":\"$PWD/d\"}}" |
	mpf-uf2 --timeout 1 >uf2.out 2>uf2.err &&
	echo 0 >uf2.rc &&
	test "$(json_field uf2.out warning.applet)" = mpf-uf2 &&
	grep "flashed, but the board did not come back as a serial port within 1 s" uf2.err
'

test_expect_success USBSIM,JQ 'mpf-dfu: flashed, a warning, exit 0' '
	usbsim_devices "stm32dfu:serial=F00:time_scale=0.01" &&
	echo "{\"serial\":\"$PWD/ttyGONE\",\"port\":\"stm32\",\"method\":\"dfu\",\"firmware\":{\"file\":\"fw.bin\"}}" |
	usbsim mpf-dfu --wait 1 >dfu.out 2>dfu.err &&
	echo 0 >dfu.rc &&
	test "$(json_field dfu.out warning.applet)" = mpf-dfu &&
	grep "flashed, but the board did not come back as a serial port within 1 s" dfu.err
'

test_expect_success FUSE,USBSIM,JQ 'both give the same fields and exit status' '
	seen "$(cat uf2.rc)" uf2.out >uf2.seen &&
	seen "$(cat dfu.rc)" dfu.out >dfu.seen &&
	echo "[\"0\",true,\"timeout\",\"the board did not come back as a serial port in time\",null,\"$PWD/ttyGONE\"]" >want &&
	test_cmp want uf2.seen &&
	test_cmp want dfu.seen
'

test_done
