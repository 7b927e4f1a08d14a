#!/bin/sh
# uf2.sh - from the bootloader request to the board back on its serial port,
# by phase, for one board and for four boards in one pipeline with -j 4:
#
#   mpf-bootloader -j N | mpf-uf2 -j N
#
# against usbboard-sim (a CDC board on a pty; touch1200 resets it) and
# uf2drive-sim (its BOOTSEL drive in FUSE), paced at real rates:
#   - 4.2 ms per 256-byte block: the RP2040 boot ROM took 32 blocks per
#     130-140 ms (a user's log, raspberrypi/pico-bootrom-rp2040#21)
#   - 1.0 s from reset to the drive mounted and 1.0 s from the drive's
#     reboot to the serial port back: assumed (USB enumeration, SCSI probe,
#     MicroPython boot), not measured on hardware
# Phases come from the simulators' event times (" @MS" in their logs).
. "$MPF_SRC/tests/bench/lib.sh"

sim=$MPF_BUILD/sim
if ! [ -x "$sim/uf2drive-sim" ] || ! [ -x "$sim/usbboard-sim" ] || ! [ -w /dev/fuse ]; then
	echo "uf2: skipped (needs the FUSE simulators and /dev/fuse)"
	exit 0
fi
# (not bench_tmp: its EXIT trap fires as soon as the $(...) subshell ends)
d=$(mktemp -d "${TMPDIR:-/tmp}/mpf-bench-uf2.XXXXXX")
cd "$d" || exit 1
trap 'for p in $(cat "$d"/*.pid 2>/dev/null); do kill "$p" 2>/dev/null; done; sleep 0.3; rm -rf "$d"' EXIT
MPF_TEST_DRIVES="$d/*"
export MPF_TEST_DRIVES

ENTER_MS=1000 BACK_MS=1000 BLOCK_US=4200 KIB=256
{ printf "MicroPython v1.24.1 on 2024-11-29; Raspberry Pi Pico W with RP2040\0"
  head -c $((KIB * 1024)) /dev/urandom; } >fw.bin
mpf-uf2 convert --family RP2040 fw.bin fw.uf2 2>/dev/null || exit 1
blocks=$(( $(wc -c <fw.uf2) / 512 ))
how="simulated RP2040, $blocks blocks at 4.2 ms, ${ENTER_MS} ms reset-to-drive, ${BACK_MS} ms reboot-to-port"

now_ms() { date +%s%3N; }
# at FILE EVENT: the time of the first EVENT line
at() { grep "^$2" "$1" | head -n 1 | sed 's/.* @//'; }

# usb_disk N: sysfs for a USB disk /dev/uf2simN on hub port 1-1.N
usb_disk() {
	_u=$d/sys/devices/usb1/1-1/1-1.$1
	mkdir -p "$_u/1-1.$1:1.0/host$1/block/uf2sim$1" sys/class/block &&
	echo 1 >"$_u/busnum" && echo "SER$1" >"$_u/serial" &&
	ln -sf "$_u/1-1.$1:1.0/host$1/block/uf2sim$1" sys/class/block/uf2sim$1
}

# usb_port N: the board's serial port (the pty behind ttyN) on the same
# USB device, as /sys/class/tty/ttyACM0 is, and no serial number: a board
# whose record has no USB identity, told by its port's place in sysfs
usb_port() {
	_u=$d/sys/devices/usb1/1-1/1-1.$1
	_pts=$(readlink "$d/tty$1")
	rm -f "$_u/serial" && mkdir -p "$_u/1-1.$1:1.0/tty/${_pts##*/}" sys/class/tty &&
	ln -sfn "$_u/1-1.$1:1.0/tty/${_pts##*/}" "sys/class/tty/${_pts##*/}"
}

# run NAME N IDENTITY(yes|topology|no): prints the figures of one pipeline run
run() {
	for p in $(cat b*.pid 2>/dev/null); do kill "$p" 2>/dev/null; done
	rm -rf b* drv* in out sys
	n=0
	while [ $n -lt "$2" ]; do
		usb_disk $n
		printf "MicroPython v1.22.2\0" >b$n.img
		mkdir drv$n
		"$sim/usbboard-sim" --link "$d/tty$n" --drive "$d/drv$n" --flash b$n.img \
			--drive-sim "$sim/uf2drive-sim" --log b$n.log --enter-ms $ENTER_MS \
			--back-ms $BACK_MS -- --log "$d/drv$n.log" --block-us $BLOCK_US \
			--fsname /dev/uf2sim$n >/dev/null 2>&1 &
		echo $! >b$n.pid
		loc=
		[ "$3" = yes ] && loc=",\"location\":\"1-1.$n\""
		printf '{"serial":"%s","port":"rp2","method":"uf2","bootloader":["touch1200"],"firmware":{"file":"fw.uf2"}%s}\n' \
			"$d/tty$n" "$loc" >>in
		n=$((n + 1))
	done
	n=0
	while [ $n -lt "$2" ]; do
		i=0
		while ! [ -e tty$n ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		[ "$3" = topology ] && usb_port $n
		n=$((n + 1))
	done
	t0=$(now_ms)
	MPF_TEST_SYSFS=$d/sys mpf-bootloader -j "$2" <in 2>/dev/null | mpf-uf2 -j "$2" >out 2>/dev/null
	t1=$(now_ms)
	ok=$(grep -c '"ok":true' out)
	n=0
	while [ $n -lt "$2" ]; do
		i=0
		while ! grep -q "^back" b$n.log 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		echo "$(at b$n.log touch1200) $(at drv$n.log mounted) $(at drv$n.log block) $(at drv$n.log all) $(at drv$n.log reboot) $(at b$n.log back)"
		kill "$(cat b$n.pid)" 2>/dev/null
		n=$((n + 1))
	done | awk -v t0="$t0" -v t1="$t1" -v name="$1" -v ok="$ok" -v n="$2" -v how="$how" '
	{ g += $1 - t0; a += $2 - $1; s += $3 - $2; c += $4 - $3; r += $5 - $4; b += $6 - $5
	  if ($6 > last) last = $6 }
	END {
		printf "uf2 %s: request to %s back on its port: %.2f s (%d of %d flashed; %s)\n", name, (n > 1 ? "every board" : "the board"), (last - t0) / 1000, ok, n, how
		printf "uf2 %s: phase request to port gone: %.3f s (mean per board)\n", name, g / NR / 1000
		printf "uf2 %s: phase port gone to drive mounted: %.3f s (mean; simulator pacing)\n", name, a / NR / 1000
		printf "uf2 %s: phase drive mounted to first block: %.3f s (mean; mpf finds the drive, checks the image)\n", name, s / NR / 1000
		printf "uf2 %s: phase copy: %.3f s (mean; %.0f KB/s of UF2 file)\n", name, c / NR / 1000, (c > 0 ? '"$blocks"' * 512 / (c / NR) : 0)
		printf "uf2 %s: phase last block to drive gone: %.3f s (mean)\n", name, r / NR / 1000
		printf "uf2 %s: phase drive gone to port back: %.3f s (mean; simulator pacing)\n", name, b / NR / 1000
		print (last - t0) > "'"$d"'/total." n
	}'
	sleep 0.3
}

run "one board" 1 yes
run "four boards -j 4, USB locations" 4 yes
one=$(cat total.1)
four=$(cat total.4)
echo "uf2 four boards / one board: $(awk -v a="$four" -v b="$one" 'BEGIN { printf "%.2f", a / b }') x (goal < 1.5; boards told apart by USB location go in parallel)"
run "four boards -j 4, no USB serial or location in the records" 4 topology
echo "uf2 four boards without identity in their records / one board: $(awk -v a="$(cat total.4)" -v b="$one" 'BEGIN { printf "%.2f", a / b }') x (goal < 1.5; each drive told by its serial port's USB location in sysfs)"
run "four boards -j 4, nothing to tell them apart" 4 no
echo "uf2 four boards nothing tells apart / one board: $(awk -v a="$(cat total.4)" -v b="$one" 'BEGIN { printf "%.2f", a / b }') x (bootloader entry one board at a time, as it must be; copies overlap)"

# The mpy activator (machine.bootloader() over the raw REPL) on the REPL
# simulator: same pacing; phases from the drive's log, the end is mpf-uf2
# seeing the port back.
if [ -x "$sim/mpy-repl" ]; then
	rm -rf drvm*
	printf "MicroPython v1.22.2 on 2024-02-22; Raspberry Pi Pico W with RP2040\0" >m.img
	mkdir drvm
	"$sim/mpy-repl" --board rp2-1.22.2 --link "$d/ttym" --uf2 "$d/drvm" --flash m.img \
		--drive-sim "$sim/uf2drive-sim" --reset-ms $ENTER_MS --back-ms $BACK_MS \
		--drive-arg --log --drive-arg "$d/drvm.log" --drive-arg --block-us \
		--drive-arg $BLOCK_US >/dev/null 2>&1 &
	echo $! >m.pid
	i=0
	while ! [ -e ttym ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	printf '{"serial":"%s","port":"rp2","method":"uf2","bootloader":["mpy"],"firmware":{"file":"fw.uf2"}}\n' \
		"$d/ttym" >inm
	t0=$(now_ms)
	mpf-bootloader <inm 2>/dev/null | mpf-uf2 >outm 2>/dev/null
	t1=$(now_ms)
	kill "$(cat m.pid)" 2>/dev/null
	echo "$(at drvm.log mounted) $(at drvm.log block) $(at drvm.log all) $(at drvm.log reboot)" |
	awk -v t0="$t0" -v t1="$t1" -v ok="$(grep -c '"ok":true' outm)" -v how="$how" '{
		printf "uf2 one board, mpy activator: request to the board back on its port: %.2f s (%d of 1 flashed; mpy-repl, %s)\n", (t1 - t0) / 1000, ok, how
		printf "uf2 one board, mpy activator: phase request to drive mounted: %.3f s (raw REPL, machine.bootloader(), %d ms simulated reset)\n", ($1 - t0) / 1000, '"$ENTER_MS"'
		printf "uf2 one board, mpy activator: phase copy: %.3f s\n", ($3 - $2) / 1000
		printf "uf2 one board, mpy activator: phase drive gone to port seen by mpf-uf2: %.3f s (%d ms simulated)\n", (t1 - $4) / 1000, '"$BACK_MS"'
	}'
fi
