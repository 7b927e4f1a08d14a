#!/bin/sh
# espqemu.sh - mpf-esp writing to the real ESP32 and ESP32-C3 mask ROMs
# under Espressif's QEMU beside the repository (ESP_QEMU_DIR, as in
# tests/lib.sh). The emulated UART lets host-to-chip bytes in at about the
# programmed rate but sends replies at once, and the guest runs at the
# speed of a shared host core: absolute times are not a wire's, only ratios
# between cases of one run count.
# Image: a quarter of esp.sh's (388,784 bytes of the same mixed content),
# written at 0x10000 at 460800 baud on a freshly started chip each time;
# the flash is compared with the image afterwards.
# esp_case LABEL MPF_ESP_OPTIONS... adds one line per chip; the ROM path
# comes first, so the stub lines' ratio is the stub's time over the ROM's.
. "$MPF_SRC/tests/bench/lib.sh"
peer=${ESP_QEMU_DIR:-$MPF_SRC/../shared/peers/esp-qemu}
if ! [ -x "$peer/run-esp32.sh" ] || ! "$peer/bin/qemu-system-xtensa" --version >/dev/null 2>&1; then
	echo "espqemu: skipped (no Espressif QEMU peer at $peer)"
	exit 0
fi
d=$(mktemp -d "${TMPDIR:-/tmp}/mpf-bench-espqemu.XXXXXX") || exit 1
qpid= qdir=
trap 'kill $qpid 2>/dev/null; rm -rf "$d"' EXIT
cd "$d" || exit 1
size=388784
for chip in esp32 esp32c3; do
	"$MPF_BUILD/sim/esp-mkimage" --chip $chip --size $size --random 560 >$chip.bin
done

# esp_case LABEL OPTIONS...: the write on each chip; prints seconds and the
# ratio to the first case of that chip
esp_case() {
	label=$1
	shift
	for chip in esp32 esp32c3; do
		out=$(ESP32_TMP=$d ESP32C3_TMP=$d "$peer/run-$chip.sh") || { echo "espqemu_$chip: QEMU did not start"; continue; }
		pty=$(echo "$out" | sed -n 1p) qpid=$(echo "$out" | sed -n 2p) qdir=$(echo "$out" | sed -n 4p)
		# the first SYNCs may be missed while the ROM starts: connect first
		mpf-esp --serial "$pty" --before no-reset --after no-reset --connect-attempts 30 \
			info -o jsonl >/dev/null 2>&1
		s=$(date +%s%N)
		if mpf-esp --serial "$pty" --before no-reset --after no-reset "$@" \
			write 0x10000 $chip.bin -o jsonl >res 2>err &&
		   tail -c +$((0x10000 + 1)) "$qdir/flash.bin" | head -c $size | cmp -s - $chip.bin; then
			e=$(date +%s%N)
			secs=$(echo "$s $e" | awk '{ printf "%.2f", ($2 - $1) / 1e9 }')
			eval "first=\${first_$chip:-}"
			[ -n "$first" ] || { eval "first_$chip=$secs"; first=$secs; }
			echo "espqemu_${chip}_$label: $secs s ($size bytes at 0x10000, mpf-esp ${*:-(defaults)} at 460800, flash compared; $(echo "$first $secs" | awk '{ printf "%.2f", $2 / $1 }') of the first case; Espressif QEMU, emulated UART not paced like a wire: only ratios count)"
		else
			echo "espqemu_${chip}_$label: failed ($(tail -1 err) $(jq -r '.error.message // "flash differs"' res 2>/dev/null))"
		fi
		kill "$qpid" 2>/dev/null
		rm -rf "$qdir"
		qpid=
	done
}

esp_case rom_deflate --no-stub
esp_case rom_plain --no-stub --no-compress
esp_case stub_deflate
esp_case stub_plain --no-compress
