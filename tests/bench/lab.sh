#!/bin/sh
# lab.sh - a lab of mixed boards flashed by one pipeline, default options:
#
#   mpf-uf2 | mpf-dfu --wait 0 | mpf-esp | mpf-swd
#
# 16 boards (4 UF2, 4 DFU, 4 ESP, 4 SWD) and 64 boards (16 of each), each
# against the time of the slowest board flashed alone through the same
# pipeline in the same run, then the same with -j 1 on every stage. The
# simulators are paced at real rates:
#   - UF2: uf2drive-sim in FUSE, 4.2 ms per 256-byte block (the RP2040 boot
#     ROM took 32 blocks per 130-140 ms: raspberrypi/pico-bootrom-rp2040#21);
#     the drive is mounted before the run (bootloader entry is uf2.sh's).
#   - DFU: the libusb simulator's STM32F405 ROM, datasheet erase and
#     program times (time_scale=1), 1 ms per control transfer and 800
#     bytes/ms on EP0 (a full-speed estimate, as dfu.sh).
#   - ESP: esp-rom --pace --flash-timing: 10 bit times a byte at the baud
#     rate set (mpf-esp's 460800 after the 115200 sync), datasheet-like
#     erase and write times.
#   - SWD: the CMSIS-DAP v2 simulator, 125 us a USB transfer, 46 SWCLK
#     cycles a transfer at 4 MHz, STM32F405 datasheet flash times.
# mpf-dfu's --wait 0: the simulated DFU devices have no serial side to
# come back as (the wait would add 10 s to every DFU board); UF2 records
# name only their drive, so mpf-uf2 has nothing to wait for either.
# CPU is every pipeline stage's user+system time (GNU time over the
# pipeline; the simulators run outside it), divided by the boards; memory
# is the largest stage's peak RSS.
. "$MPF_SRC/tests/bench/lib.sh"

sim=$MPF_BUILD/sim
lib=$sim/libusb
if ! [ -x "$sim/uf2drive-sim" ] || ! [ -w /dev/fuse ] || ! [ -e "$lib/libusb-1.0.so.0" ] ||
   ! [ -x "$sim/esp-rom" ] || ! [ -x /usr/bin/time ]; then
	echo "lab: skipped (needs the FUSE, libusb and ESP ROM simulators, /dev/fuse, GNU time)"
	exit 0
fi
# (not bench_tmp: its EXIT trap fires as soon as a $(...) subshell ends)
d=$(mktemp -d "${TMPDIR:-/tmp}/mpf-bench-lab.XXXXXX") || exit 1
cd "$d" || exit 1
# the boards of one run live in lab/: drives u*, ESP ports e*.tty, USB state
stop_sims() {
	for m in lab/u*; do [ -d "$m" ] && { umount -l "$m" 2>/dev/null || fusermount3 -u -z "$m" 2>/dev/null; }; done
	for p in $(cat lab/*.pid 2>/dev/null); do kill "$p" 2>/dev/null; done
	sleep 0.2
	rm -rf lab
}
trap 'stop_sims; rm -rf "$d"' EXIT
trap 'exit 1' HUP INT TERM

KIB=256
head -c $((KIB * 1024)) /dev/urandom >fw.bin
mpf-uf2 convert --family RP2040 fw.bin fw.uf2 2>/dev/null || exit 1
"$sim/esp-mkimage" --chip esp32 --size $((KIB * 1024)) >esp.bin || exit 1
export MPF_USBSIM_STATE=$d/lab/usb

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# lab N: start N boards of each method, write their records to "in"
lab() {
	stop_sims
	mkdir -p lab/usb
	rm -f in
	usb=
	i=0
	while [ $i -lt "$1" ]; do
		mkdir lab/u$i
		"$sim/uf2drive-sim" --block-us 4200 "$d/lab/u$i" >/dev/null 2>&1 &
		echo $! >lab/u$i.pid
		"$sim/esp-rom" --chip esp32 --flash "$d/lab/e$i.flash" --link "$d/lab/e$i.tty" \
			--pace --flash-timing >/dev/null 2>&1 &
		echo $! >lab/e$i.pid
		usb="$usb${usb:+,}stm32dfu:serial=DFU$i:time_scale=1:latency_us=1000:bytes_per_ms=800"
		usb="$usb,cmsisdap:serial=DAP$i:time_scale=1:latency_us=125"
		printf '{"board_id":"RPI_PICO","method":"uf2","target":{"kind":"uf2","path":"%s"},"firmware":{"file":"%s"}}\n' "$d/lab/u$i" "$d/fw.uf2" >>in
		printf '{"kind":"dfu","usb_serial":"DFU%d","method":"dfu","firmware":{"file":"%s"}}\n' $i "$d/fw.bin" >>in
		printf '{"serial":"%s","cpu":"ESP32","method":"esp","firmware":{"file":"%s","offset":4096,"chip":"esp32"}}\n' "$d/lab/e$i.tty" "$d/esp.bin" >>in
		printf '{"kind":"probe","usb_serial":"DAP%d","cpu":"STM32F405RG","method":"swd","firmware":{"file":"%s"}}\n' $i "$d/fw.bin" >>in
		i=$((i + 1))
	done
	MPF_USBSIM=$usb
	export MPF_USBSIM
	i=0
	while [ $i -lt "$1" ]; do
		_w=0
		while ! { [ -f lab/u$i/INFO_UF2.TXT ] && [ -e lab/e$i.tty ]; } && [ $_w -lt 200 ]; do
			sleep 0.05; _w=$((_w + 1))
		done
		i=$((i + 1))
	done
}

# flash INPUT [-j 1]: the pipeline over INPUT; sets ms, ok, cpu (s), rss (KiB)
flash() {
	_in=$1
	shift
	_s=$(now_ms)
	/usr/bin/time -f "%U %S %M" -o time.out sh -c '
		mpf-uf2 "$@" | LD_LIBRARY_PATH=$0 mpf-dfu --wait 0 "$@" | mpf-esp "$@" |
		LD_LIBRARY_PATH=$0 mpf-swd "$@"' "$lib" "$@" <"$_in" >out 2>err
	_e=$(now_ms)
	ms=$((_e - _s))
	ok=$(grep -c '"ok":true' out)
	set -- $(tail -n 1 time.out)	# after "Command exited with ..."
	cpu=$(awk -v u="$1" -v s="$2" 'BEGIN { printf "%.2f", u + s }')
	rss=$3
}

# slowest: each method's first board alone through the pipeline; sets
# single (ms) and what (the method)
slowest() {
	single=0 what=
	for m in uf2 dfu esp swd; do
		grep "\"method\":\"$m\"" in | head -n 1 >one
		flash one "$@"
		[ "$ok" = 1 ] || echo "lab: one $m board alone: not flashed ($(grep -o '"message":"[^"]*"' out | head -n 1))"
		echo "lab one $m board alone: $(awk -v m="$ms" 'BEGIN { printf "%.2f", m / 1000 }') s"
		[ "$ms" -gt "$single" ] && single=$ms what=$m
	done
}

# report N LABEL GOAL [-j 1]
report() {
	_n=$1 _label=$2 _goal=$3
	shift 3
	flash in "$@"
	total=$((_n * 4))
	echo "lab $total boards$_label: $(awk -v m="$ms" 'BEGIN { printf "%.2f", m / 1000 }') s, $ok of $total flashed; $(awk -v a="$ms" -v b="$single" 'BEGIN { printf "%.2f", a / b }') x the slowest single board ($what, $(awk -v m="$single" 'BEGIN { printf "%.2f", m / 1000 }') s; goal $_goal)"
	echo "lab $total boards$_label: CPU $(awk -v c="$cpu" -v n="$total" 'BEGIN { printf "%.0f", c * 1000 / n }') ms per board ($cpu s for the pipeline), largest stage $(( rss / 1024 )) MiB peak RSS ($(( rss / total )) KiB per board)"
	echo "lab $total boards$_label: longest flash per method: $(jq -r "select(.flashed) | \"\\(.flashed.method) \\(.flashed.seconds)\"" out |
		awk '{ if ($2 > m[$1]) m[$1] = $2 } END { for (k in m) printf "%s %.2f s, ", k, m[k] }' | sed 's/, $//') (each record's flashed.seconds)"
	[ "$ok" = "$total" ] || grep -o '"message":"[^"]*"' out | sort | uniq -c | head -n 3 | sed 's/^/lab: /'
}

# each method's boards: 4 (16 boards) and 16 (64 boards)
for per in 4 16; do
	lab $per
	slowest
	lab $per
	report $per "" "$([ $per = 4 ] && echo "<= 1.2" || echo "<= 1.5")"
	lab $per
	report $per ", -j 1" "none, for comparison" -j 1
done
echo "lab: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end (a shared machine: the ratios are side by side in one run)"
