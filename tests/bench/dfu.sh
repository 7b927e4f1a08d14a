#!/bin/sh
# dfu.sh - mpf-dfu against dfu-util and pydfu's request sequence, on the
# libusb simulator's STM32F405 ROM paced at modelled real rates: datasheet
# erase/program times (time_scale=1), 1 ms per control transfer and
# 800 bytes/ms on the data stage (a full-speed EP0 estimate, not a
# measurement). Same image, same simulator, same run.
. "$MPF_SRC/tests/bench/lib.sh"
# (bench_tmp in a $(...) subshell would remove the directory at once)
d=$(mktemp -d "${TMPDIR:-/tmp}/mpf-bench-dfu.XXXXXX")
trap 'rm -rf "$d"' EXIT
lib=$MPF_BUILD/sim/libusb
[ -e "$lib/libusb-1.0.so.0" ] || { echo "dfu: no simulator (make)"; exit 0; }
export MPF_USBSIM_STATE=$d MPF_USBSIM_LOG=$d/log
export MPF_USBSIM="stm32dfu:serial=BENCH:time_scale=1:latency_us=1000:bytes_per_ms=800"
size=393216	# 384 KiB, a pyboard firmware's size: sectors 0..6
head -c $size /dev/urandom >"$d/fw.bin"
kib=$((size / 1024))

# run NAME CMD...: time one write from erased flash, count its requests
run() {
	_name=$1
	shift
	rm -f "$d"/*.mem "$d/log"
	_s=$(date +%s%N)
	LD_LIBRARY_PATH=$lib "$@" >/dev/null 2>&1 || { echo "dfu $_name: failed"; return; }
	_e=$(date +%s%N)
	_ms=$(( (_e - _s) / 1000000 ))
	_ctl=$(grep -c -E ' ctrl (21|a1) ' "$d/log")
	_er=$(grep -c -E 'event: (erase|mass)' "$d/log")
	echo "dfu $_name: $(( size * 1000 / _ms )) bytes/s ($size bytes in $_ms ms, simulated F405 at datasheet timings)"
	echo "dfu $_name control transfers: $(awk "BEGIN { printf \"%.2f\", $_ctl / $kib }") per KiB ($_ctl class requests, $_er erases)"
}

run "mpf-dfu write+verify" "$MPF_BUILD/mpf-dfu" write "$d/fw.bin" --wait 0
run "mpf-dfu write (no verify)" "$MPF_BUILD/mpf-dfu" --no-verify write "$d/fw.bin" --wait 0
command -v dfu-util >/dev/null &&
	run "dfu-util -D (no verify)" dfu-util -a 0 -s 0x08000000:leave -D "$d/fw.bin"
run "pydfu sequence (no verify)" "$MPF_BUILD/sim/dfu-seq" pydfu "$d/fw.bin"
