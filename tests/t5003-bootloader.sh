#!/bin/sh
test_description='mpf-bootloader: activators, waiting for each board s UF2 drive, pass-through'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/uf2drive/env.sh"

rec() { # N [ACTIVATORS]
	printf '{"serial":"%s","port":"rp2","method":"uf2","bootloader":[%s],"firmware":{"file":"fw.uf2"}}\n' \
		"$PWD/tty$1" "${2:-\"touch1200\"}"
}

test_expect_success 'setup: a 1.24.1 image' '
	{ printf "MicroPython v1.24.1 on 2024-11-29; Raspberry Pi Pico W with RP2040\0"
	  head -c 30000 /dev/urandom; } >fw.bin &&
	mpf-uf2 convert --family RP2040 fw.bin fw.uf2
'

test_expect_success FUSE,JQ 'touch1200: the board sees 1200 baud, leaves its port, its drive is the target' '
	board 0 &&
	rec 0 | mpf-bootloader >out &&
	grep -q "^touch1200" b0.log &&
	test "$(json_field out target.kind)" = uf2 &&
	test "$(json_field out target.path)" = "$PWD/drv0" &&
	test "$(json_field out target.board_id)" = RPI-RP2 &&
	test "$(json_field out target.activator)" = touch1200 &&
	test "$(json_field out firmware.file)" = fw.uf2 &&
	# then mpf-uf2 flashes it and the board comes back running 1.24.1
	mpf-uf2 <out >out2 &&
	test "$(json_field out2 flashed.ok)" = true &&
	test "$(json_field out2 serial)" = "$PWD/tty0" &&
	wait_for 10 grep -q "^back 1.24.1" b0.log
'

test_expect_success FUSE,JQ 'an activator without effect is followed by the next one' '
	board 1 &&
	# usbboard-sim has no REPL: mpy gets no raw REPL prompt, touch1200 works
	rec 1 "\"mpy\",\"touch1200\"" | mpf-bootloader -v --wait 1 >out 2>err &&
	grep -q "mpy: no raw REPL prompt" err &&
	test "$(json_field out target.activator)" = touch1200
'

test_expect_success FUSE,JQ 'no further activator is tried on a port that vanished' '
	board 2 --enter-ms 5000 &&
	rec 2 "\"touch1200\",\"mpy\",\"manual\"" |
	test_expect_code 1 mpf-bootloader -v --timeout 1 >out 2>err &&
	grep -q "not trying mpy: the port is gone" err &&
	! grep -q "put the board in its bootloader" err &&
	test "$(json_field out error.code)" = timeout &&
	json_field out error.message | grep -q "left .*tty2 but no UF2 drive that fits it appeared within 1 s"
'

test_expect_success FUSE,JQ 'manual: instructions for the port, then the board appears' '
	board 3 &&
	{ sleep 0.5 && kill -USR1 $(cat b3.pid) & } &&
	rec 3 "\"manual\"" | mpf-bootloader --timeout 20 >out 2>err &&
	grep -q "hold the BOOTSEL button while plugging the board in" err &&
	grep -q "^manual" b3.log &&
	test "$(json_field out target.path)" = "$PWD/drv3" &&
	test "$(json_field out target.activator)" = manual
'

test_expect_success FUSE,JQ 'manual: nobody presses anything, the wait ends at the timeout' '
	board 4 &&
	rec 4 "\"manual\"" | test_expect_code 1 mpf-bootloader --timeout 1 >out 2>err &&
	test "$(json_field out error.code)" = timeout &&
	! grep -q bootloader b4.log
'


test_expect_success SCRIPT 'manual on a terminal: Enter ends the wait at once' '
	start=$(date +%s) &&
	{ sleep 1; printf "\n"; sleep 2; } |
	test_expect_code 1 script -qec "mpf-bootloader --using manual --timeout 60 /dev/null" /dev/null >tty.out &&
	grep -q "(Enter when done)" tty.out &&
	grep -q "no UF2 drive appeared after trying manual" tty.out &&
	test $(( $(date +%s) - start )) -lt 30
'

test_expect_success SCRIPT 'manual on a terminal with stderr in a pipe (mpf-update'"'"'s live table): Enter still ends the wait' '
	start=$(date +%s) &&
	{ sleep 1; printf "\n"; sleep 2; } |
	script -qec "mpf-bootloader --using manual --timeout 60 /dev/null 2>&1 | cat" /dev/null >tty.out &&
	grep -q "(Enter when done)" tty.out &&
	grep -q "no UF2 drive appeared after trying manual" tty.out &&
	test $(( $(date +%s) - start )) -lt 30
'

test_expect_success SCRIPT 'manual without a terminal: no Enter is offered' '
	setsid -w mpf-bootloader --using manual --timeout 1 /dev/null </dev/null >out 2>err;
	grep -q "put the board in its bootloader" err &&
	! grep -q "(Enter when done)" err
'

test_expect_success JQ 'a bare PORT gets the generic activators, and the error lists them' '
	test_expect_code 1 mpf-bootloader --timeout 1 --wait 0.2 /dev/null >out 2>err &&
	json_field out error.message | grep -q "no UF2 drive appeared after trying touch1200,mpy,manual (touch1200: " &&
	grep -q "press RESET while holding the board.s boot button" err
'

test_expect_success FUSE,JQ 'two boards at once (-j 2): each gets its own drive' '
	board 5 && board 6 &&
	{ rec 5; rec 6; } | mpf-bootloader -j 2 --keep-order >out &&
	test "$(json_field out target.path 1)" = "$PWD/drv5" &&
	test "$(json_field out target.path 2)" = "$PWD/drv6" &&
	mpf-uf2 -j 2 --keep-order <out >out2 &&
	test "$(json_field out2 flashed.ok 1)" = true &&
	test "$(json_field out2 flashed.ok 2)" = true &&
	wait_for 10 grep -q "^back 1.24.1" b5.log &&
	wait_for 10 grep -q "^back 1.24.1" b6.log
'

# usb_disk N: sysfs as Linux shows a USB mass-storage disk /dev/uf2simN on
# hub port 1-1.N, so a drive mounted from it has that location.
usb_disk() {
	_u=$PWD/sys/devices/pci0000:00/usb1/1-1/1-1.$1
	mkdir -p "$_u/1-1.$1:1.0/host$1/target$1:0:0/block/uf2sim$1" sys/class/block &&
	echo 1 >"$_u/busnum" && echo "E6614103E7$1" >"$_u/serial" &&
	ln -sf "$_u/1-1.$1:1.0/host$1/target$1:0:0/block/uf2sim$1" sys/class/block/uf2sim$1
}

test_expect_success FUSE,JQ 'four boards with USB locations (-j 4): each takes the drive at its location' '
	for n in 10 11 12 13; do
		usb_disk $n && board $n -- --fsname /dev/uf2sim$n || return 1
	done &&
	for n in 10 11 12 13; do
		rec $n | sed "s/}\$/,\"location\":\"1-1.$n\"}/" || return 1
	done >in4 &&
	MPF_TEST_SYSFS=$PWD/sys mpf-bootloader -j 4 --keep-order <in4 >out4 &&
	i=1 && for n in 10 11 12 13; do
		test "$(json_field out4 target.path $i)" = "$PWD/drv$n" &&
		test "$(json_field out4 target.location $i)" = "1-1.$n" &&
		test "$(json_field out4 target.usb_serial $i)" = "E6614103E7$n" &&
		i=$((i + 1)) || return 1
	done &&
	mpf-uf2 -j 4 <out4 >out4b &&
	test $(jq -r ".flashed.ok" out4b | grep -c true) = 4 &&
	for n in 10 11 12 13; do wait_for 10 grep -q "^back 1.24.1" b$n.log || return 1; done
'

test_expect_success JQ 'ESP records and records without a bootloader list pass through untouched' '
	cat >in <<-\IN &&
	{"serial":"/dev/ttyUSB0","port":"esp32","method":"esp","bootloader":["touch1200"]}
	{"serial":"/dev/ttyACM9",  "port":"rp2","method":"uf2"}
	{"kind":"probe","bus":1,"address":4}
	IN
	mpf-bootloader <in >out &&
	test_cmp in out
'

test_expect_success JQ 'an unknown activator is an error in the record' '
	echo "{\"serial\":\"/dev/null\",\"port\":\"rp2\",\"bootloader\":[\"reboot\"]}" |
	test_expect_code 1 mpf-bootloader >out &&
	json_field out error.message | grep -q "unknown activator .reboot."
'

test_expect_success FUSE,JQ 'none: a board already in BOOTSEL, its drive is taken as it is' '
	mkdir -p drv7 &&
	{ "$(mpf_sim uf2drive-sim)" "$PWD/drv7" & } && echo $! >d7.pid &&
	wait_for 10 test -f drv7/INFO_UF2.TXT &&
	echo "{\"port\":\"rp2\",\"method\":\"uf2\",\"bootloader\":[\"none\"]}" |
	mpf-bootloader >out &&
	test "$(json_field out target.path)" = "$PWD/drv7"
'

test_expect_success FUSE,JQ 'a drive record from mpf-scan is its own target' '
	mpf-scan --kind uf2 -o jsonl >scan &&
	grep -q drv7 scan &&
	jq -c ". + {port:\"rp2\",method:\"uf2\",bootloader:[\"mpy\",\"touch1200\",\"manual\"]}" scan |
	mpf-bootloader >out 2>err &&
	test "$(json_field out target.path)" = "$PWD/drv7" &&
	test "$(json_field out target.activator)" = none &&
	! grep -q "put the board" err
'

test_expect_success FUSE,JQ 'a port already gone: the drive that is there is the board s' '
	test_when_finished "kill \$(cat d7.pid); umount -l drv7" &&
	echo "{\"serial\":\"$PWD/ttyGONE\",\"port\":\"rp2\",\"method\":\"uf2\",\"bootloader\":[\"mpy\",\"touch1200\"]}" |
	mpf-bootloader -v >out 2>err &&
	test "$(json_field out target.path)" = "$PWD/drv7" &&
	! grep -q "touch1200 sent" err
'

test_expect_success FUSE,JQ 'a samd board does not take an RP2 drive' '
	mkdir -p drv8 &&
	{ "$(mpf_sim uf2drive-sim)" "$PWD/drv8" & } && echo $! >d8.pid &&
	test_when_finished "kill \$(cat d8.pid); umount -l drv8" &&
	wait_for 10 test -f drv8/INFO_UF2.TXT &&
	echo "{\"port\":\"samd\",\"method\":\"uf2\",\"bootloader\":[\"none\"]}" |
	test_expect_code 1 mpf-bootloader --timeout 0.5 >out &&
	test "$(json_field out error.code)" = timeout
'

test_done
