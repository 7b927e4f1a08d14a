#!/bin/sh
test_description='mpf-bootloader: UF2 boards without USB identity in their records enter their
bootloaders together, each drive going to its board by evidence; only boards the
evidence cannot tell apart go one at a time, and their records say why'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/uf2drive/env.sh"

# at_port N: sysfs as Linux shows board N's USB device on hub port 1-1.N,
# without a serial number: its serial port (the pty behind ttyN, as
# /sys/class/tty/ttyACM0 is) and its bootloader's disk /dev/uf2simN.
at_port() {
	_u=$PWD/sys/devices/pci0000:00/usb1/1-1/1-1.$1
	_pts=$(readlink tty$1) &&
	mkdir -p "$_u/1-1.$1:1.0/tty/${_pts##*/}" "$_u/1-1.$1:1.0/host$1/block/uf2sim$1" \
		sys/class/tty sys/class/block &&
	echo 1 >"$_u/busnum" &&
	ln -sfn "$_u/1-1.$1:1.0/tty/${_pts##*/}" "sys/class/tty/${_pts##*/}" &&
	ln -sf "$_u/1-1.$1:1.0/host$1/block/uf2sim$1" sys/class/block/uf2sim$1
}

# rec N [FIRMWARE]: the record of board N, without usb_serial or location
rec() {
	printf '{"serial":"%s","port":"rp2","method":"uf2","bootloader":["touch1200"],"firmware":{"file":"%s"}}\n' \
		"$PWD/tty$1" "${2:-fw.uf2}"
}

now_ms() { date +%s%3N; }

# ev FILE EVENT: the time of the first EVENT line of a simulator's log
ev() { grep "^$2" "$1" | head -n 1 | sed 's/.* @//'; }

test_expect_success 'setup: 1.24.0 and 1.24.1 images' '
	mpy_uf2 1.24.0 fw-1.24.0.uf2 && mpy_uf2 1.24.1 fw-1.24.1.uf2 &&
	cp fw-1.24.1.uf2 fw.uf2
'

# One board, then four told apart by their ports' USB topology, then the
# same four with nothing to tell them apart: side by side in one run.
test_expect_success FUSE,JQ 'four boards without USB serial enter their bootloaders at once' '
	for n in 0 1 2 3 4 5 6 7 8; do
		board $n --enter-ms 1000 -- --fsname /dev/uf2sim$n && at_port $n || return 1
	done &&
	rec 0 >in1 && t0=$(now_ms) &&
	MPF_TEST_SYSFS=$PWD/sys mpf-bootloader <in1 >out1 && t1=$(now_ms) &&
	for n in 1 2 3 4; do rec $n || return 1; done >in4 && t2=$(now_ms) &&
	MPF_TEST_SYSFS=$PWD/sys mpf-bootloader -j 4 --keep-order <in4 >out4 && t3=$(now_ms) &&
	for n in 5 6 7 8; do rec $n || return 1; done >in4s && t4=$(now_ms) &&
	mpf-bootloader -j 4 <in4s >out4s && t5=$(now_ms) &&
	one=$((t1 - t0)) four=$((t3 - t2)) apart=$((t5 - t4)) &&
	say "one board $one ms; four at once $four ms; four one at a time $apart ms" &&
	i=1 && for n in 1 2 3 4; do
		test "$(json_field out4 target.path $i)" = "$PWD/drv$n" &&
		test "$(json_field out4 target.location $i)" = "1-1.$n" &&
		test "$(json_field out4 target.matched $i)" = location &&
		test -z "$(json_field out4 target.serialised $i)" &&
		i=$((i + 1)) || return 1
	done &&
	test "$(jq -r .target.matched out4s | sort -u)" = alone &&
	# every board left its port within a second of the first
	first=$(for n in 1 2 3 4; do ev b$n.log touch1200; done | sort -n | head -1) &&
	last=$(for n in 1 2 3 4; do ev b$n.log touch1200; done | sort -n | tail -1) &&
	test $((last - first)) -lt 1000 &&
	# close to one board (generous: the machine is shared): at most 2.5x one,
	# and under 0.6x the four one at a time (which take about 4x one)
	test $((four * 10)) -le $((one * 25)) &&
	test $((four * 10)) -lt $((apart * 6))
'

test_expect_success FUSE,JQ 'two boards nothing tells apart go one at a time, the records say why; a third goes with them' '
	board 10 && board 11 &&
	board 12 -- --board-id SAMD21G18A-Zero-v0 --family 0x68ED2B88 &&
	{ rec 10; rec 11; rec 12 | sed "s/\"rp2\"/\"samd\"/"; } >in3 &&
	mpf-bootloader -j 3 --keep-order <in3 >out3 &&
	for i in 1 2 3; do
		test "$(json_field out3 target.path $i)" = "$PWD/drv1$((i - 1))" || return 1
	done &&
	jq -c "select(.serial | endswith(\"tty10\")) | .target.serialised.with" out3 >with10 &&
	echo "[\"$PWD/tty11\"]" >expect && test_cmp expect with10 &&
	jq -c "select(.serial | endswith(\"tty11\")) | .target.serialised.with" out3 >with11 &&
	echo "[\"$PWD/tty10\"]" >expect && test_cmp expect with11 &&
	json_field out3 target.serialised.why 1 >why &&
	grep -q "neither .*tty1[01] nor .*tty1[01] has a USB serial number or location to tell its device by, and a RP2040 drive would fit both" why &&
	# the SAMD board went with the first, its drive told by INFO_UF2.TXT
	# (or alone, when no other board was entering as its drive came)
	test -z "$(json_field out3 target.serialised 3)" &&
	case $(json_field out3 target.matched 3) in info|alone) ;; *) false ;; esac &&
	# one RP2 board asked only once the other had its drive
	a=$(ev b10.log touch1200) && b=$(ev b11.log touch1200) && s=$(ev b12.log touch1200) &&
	if [ "$a" -lt "$b" ]; then early=10 late=$b; else early=11 late=$a; fi &&
	test "$late" -ge "$(ev drv$early.log mounted)" &&
	test $((s - (a < b ? a : b))) -lt 300
'

# Drives that appear in the opposite order of the boards: a board taking
# the first new drive would take its neighbour's and flash the wrong
# firmware. Each board gets its own version; each must come back on it.
test_expect_success FUSE,JQ 'a drive is never given to the wrong board' '
	board 20 --enter-ms 1500 -- --fsname /dev/uf2sim20 && at_port 20 &&
	board 21 --enter-ms 200 -- --fsname /dev/uf2sim21 && at_port 21 &&
	{ rec 20 fw-1.24.0.uf2; rec 21 fw-1.24.1.uf2; } >in2 &&
	MPF_TEST_SYSFS=$PWD/sys mpf-bootloader -j 2 --keep-order <in2 >out2 &&
	test "$(json_field out2 target.path 1)" = "$PWD/drv20" &&
	test "$(json_field out2 target.path 2)" = "$PWD/drv21" &&
	mpf-uf2 -j 2 <out2 >out2b &&
	test "$(jq -r .flashed.ok out2b | sort -u)" = true &&
	wait_for 10 grep -q "^back 1.24.0" b20.log &&
	wait_for 10 grep -q "^back 1.24.1" b21.log
'

test_done
