#!/bin/sh
test_description='mpf-update: the summary shows each board as it finishes (method, time, result):
a table redrawn in place on a terminal, plain lines in a pipe'
. "${MPF_SRC:-.}/tests/lib.sh"

# Two DFU boards named by USB serial: X1 is no board the catalogue has
# (mpf-pick fails it at once), X2 a pyboard flashed at the simulator's
# full pace (seconds of erase and programming).
update() {
	MPF_MIRROR=http://127.0.0.1:$(cat port)/ MPF_TEST_DRIVES="$PWD/none" \
	LD_LIBRARY_PATH=$MPF_BUILD/sim/libusb \
	MPF_USBSIM=stm32dfu:serial=X1:time_scale=0.01,stm32dfu:serial=X2:time_scale=1 \
	MPF_USBSIM_STATE=$PWD/usbsim \
	mpf-update --serial "$PWD/none*" --board X1=NO_SUCH_BOARD --board X2=PYBV11 "$@"
}

# stamp: each line of stdin with the time (ms) it arrived
stamp() { while IFS= read -r l; do echo "$(date +%s%3N) $l"; done; }

test_expect_success USBSIM 'setup: the loopback mirror' '
	{ "$(mpf_sim mpmirror)" >port 2>/dev/null & } && echo $! >mirror.pid &&
	wait_for 10 test -s port && mkdir -p usbsim
'

test_expect_success USBSIM 'in a pipe: one plain line per board, each as it finishes' '
	{ update -o table 2>err; echo $? >rc; } | stamp >lines &&
	end=$(date +%s%3N) &&
	test "$(cat rc)" = 1 &&
	test $(wc -l <lines) = 2 &&
	! grep -q "$(printf "\033")" lines &&
	grep -q "^[0-9]* X1  NO_SUCH_BOARD  -  [0-9.]* s  - -> -  failed: NO_SUCH_BOARD: unknown board" lines &&
	grep -q "^[0-9]* X2  PYBV11  dfu  [0-9.]* s  - -> -  ok (warning: the board did not come back" lines &&
	# the failed board was reported while the other was still being flashed
	x1=$(grep " X1 " lines | cut -d" " -f1) && x2=$(grep " X2 " lines | cut -d" " -f1) &&
	say "X1 at +0, X2 $((x2 - x1)) ms later, the end $((end - x1)) ms later" &&
	test $((x2 - x1)) -ge 1000
'

test_expect_success USBSIM,SCRIPT 'on a terminal: a table redrawn in place as boards finish' '
	MPF_MIRROR=http://127.0.0.1:$(cat port)/ MPF_TEST_DRIVES="$PWD/none" &&
	LD_LIBRARY_PATH=$MPF_BUILD/sim/libusb MPF_USBSIM_STATE=$PWD/usbsim &&
	MPF_USBSIM=stm32dfu:serial=X1:time_scale=0.01,stm32dfu:serial=X2:time_scale=1 &&
	export MPF_MIRROR MPF_TEST_DRIVES LD_LIBRARY_PATH MPF_USBSIM MPF_USBSIM_STATE &&
	test_expect_code 1 script -qec "stty cols 200; mpf-update --serial \"$PWD/none*\" --board X1=NO_SUCH_BOARD --board X2=PYBV11" /dev/null >tty.out &&
	tr -d "\r" <tty.out >tty.txt &&
	# drawn first with one row and the rest to come, then again with both
	grep -q "1 of 2 boards done; the others are still being flashed" tty.txt &&
	grep -q "$(printf "\033\\[[0-9]*A\033\\[J")" tty.txt &&
	tail -n 3 tty.txt | sed "s/.*$(printf "\033")\[J//" >final &&
	grep -q "^Board *Name *Method *Time *Before *Version *Result" final &&
	grep -q "^X1 *NO_SUCH_BOARD *- *[0-9.]* s *- *- *failed: NO_SUCH_BOARD: unknown board" final &&
	grep -q "^X2 *PYBV11 *dfu *[0-9.]* s *- *- *ok (warning: " final &&
	# below it, a line per running job with its phase and percentage,
	# from the progress events of every applet (one display for all)
	grep -q "^  usb:[0-9.-]*  *write [0-9]*%$" tty.txt &&
	! grep -q "\"event\":" tty.txt &&
	# the applets messages are shown above the table, not through it
	grep -q "^$(printf "\[[0-9]*A\[J")mpf-dfu: warning: X2: flashed" tty.txt
'

test_expect_success USBSIM 'stop the mirror' '
	kill $(cat mirror.pid)
'

test_done
