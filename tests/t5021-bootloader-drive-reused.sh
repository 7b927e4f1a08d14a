#!/bin/sh
test_description='mpf-bootloader: a drive mounted where an earlier board s drive was (udisks
names mount points by label: every RP2040 drive is RPI-RP2) is a new drive, not the claimed one'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/uf2drive/env.sh"

test_expect_success 'setup: a 1.24.1 image' '
	mpy_uf2 1.24.1 fw.uf2
'

rec() {
	printf "{\"serial\":\"%s\",\"port\":\"rp2\",\"method\":\"uf2\",\"bootloader\":[\"touch1200\"],\"firmware\":{\"file\":\"fw.uf2\"}}\n" "$PWD/tty$1"
}

# Two boards nothing tells apart (one after the other), both with their
# drive at RPI-RP2: the first is flashed (its drive goes) while the second
# is entering its bootloader, whose drive then appears at the same place.
test_expect_success FUSE,JQ 'the second board takes the drive mounted where the first one was' '
	mkdir -p RPI-RP2 &&
	for b in A B; do
		printf "MicroPython v1.22.2 on 2024-02-22; Raspberry Pi Pico W with RP2040\0" >img$b || return 1
	done &&
	{ "$(mpf_sim usbboard-sim)" --link "$PWD/ttyA" --drive "$PWD/RPI-RP2" --flash imgA \
		--drive-sim "$sim" --log bA.log --enter-ms 300 & } && echo $! >bA.pid &&
	{ "$(mpf_sim usbboard-sim)" --link "$PWD/ttyB" --drive "$PWD/RPI-RP2" --flash imgB \
		--drive-sim "$sim" --log bB.log --enter-ms 4000 & } && echo $! >bB.pid &&
	test_when_finished "kill \$(cat bA.pid) \$(cat bB.pid); umount -l RPI-RP2" &&
	wait_for 10 test -e ttyA && wait_for 10 test -e ttyB &&
	# (B a moment after A, so that A goes first; udisks would mount a drive
	# at RPI-RP21 while RPI-RP2 is taken, which the simulators do not)
	{ rec A; sleep 0.5; rec B; } | mpf-bootloader -j 2 --timeout 20 | mpf-uf2 -j 2 >out &&
	test "$(jq -r .flashed.ok out | sort -u)" = true &&
	test "$(jq -r .target.path out | sort -u)" = "$PWD/RPI-RP2" &&
	wait_for 10 grep -q "^back 1.24.1" bA.log &&
	wait_for 10 grep -q "^back 1.24.1" bB.log
'

test_done
