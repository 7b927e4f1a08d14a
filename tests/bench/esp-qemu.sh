#!/bin/sh
# esp-qemu.sh - mpf-esp through our stub against the ROM path (--no-stub),
# the same 1 MiB image in the same run, on Espressif's QEMU running the
# real ESP32-C3 ROM (../shared/peers/esp-qemu beside the repository). The
# emulated UART is not paced like a wire (chip-to-host bytes are instant),
# so only the ratio of the two times is a figure.
. "$MPF_SRC/tests/bench/lib.sh"
q=${ESP_QEMU_DIR:-$MPF_SRC/../shared/peers/esp-qemu}
if ! [ -x "$q/run-esp32c3.sh" ] || ! command -v socat >/dev/null ||
   ! grep -q '{ "esp32c3"' "$MPF_BUILD/gen/esp_stub_images.h" 2>/dev/null; then
	echo "esp_qemu_c3_stub_vs_rom: skipped (no Espressif QEMU peer, socat or ESP32-C3 stub)"
	exit 0
fi
d=$(mktemp -d "${TMPDIR:-/tmp}/mpf-bench-espq.XXXXXX") || exit 1
out=$("$q/run-esp32c3.sh") || exit 1
pty=$(echo "$out" | sed -n 1p) pid=$(echo "$out" | sed -n 2p)
mon=$(echo "$out" | sed -n 3p) dir=$(echo "$out" | sed -n 4p)
trap 'kill "$pid" 2>/dev/null; rm -rf "$dir" "$d"' EXIT
"$MPF_BUILD/sim/esp-mkimage" --chip esp32c3 --size 1048576 --random 560 >"$d/fw.bin"

# timed OPTS...: seconds for one write of the image at 0x10000, then a reset
timed() {
	s=$(date +%s%N)
	mpf-esp --serial "$pty" --before no-reset --after no-reset --connect-attempts 15 "$@" \
		write 0x10000 "$d/fw.bin" -o jsonl >"$d/out" 2>/dev/null || { echo fail; return; }
	e=$(date +%s%N)
	cmp -s "$d/fw.bin" "$(tail -c +65537 "$dir/flash.bin" | head -c 1048576 >"$d/back"; echo "$d/back")" ||
		{ echo mismatch; return; }
	echo "$s $e" | awk '{ printf "%.2f", ($2 - $1) / 1e9 }'
	echo system_reset | socat - UNIX-CONNECT:"$mon" >/dev/null
	sleep 0.5
}
stub=$(timed)
rom=$(timed --no-stub)
echo "esp_qemu_c3_stub_vs_rom: $(echo "$stub $rom" | awk '{ if ($1 + 0 > 0) printf "%.2f", $2 / $1; else print "n/a" }') (ROM path $rom s / stub $stub s, 1 MiB image at 460800, byte for byte in the emulated flash; Espressif QEMU with the real ESP32-C3 ROM, UART not paced: only the ratio counts)"
