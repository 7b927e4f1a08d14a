#!/bin/sh
# esp.sh - mpf-esp write times against the esp-rom simulator, paced as the
# hardware is: the UART at baud/10 both ways, and (--flash-timing) the
# datasheet flash times: 64 KiB block erase 150 ms, 4 KiB sector 45 ms,
# page program 0.7 ms per 256 bytes, the stub's MD5 reading at 10 MB/s.
# Through the simulator's stub model (default: paced as mpf's own stub in
# stub/ runs: 16 KiB blocks acknowledged on receipt and programmed while
# the next arrives, which the stub receives while the flash is busy;
# erase as it goes) and through the ROM loader (--no-stub: 1 KiB blocks answered after
# programming, the region erased up front), side by side in one run.
# Image: 1,555,136 bytes of mixed random/repetitive content that
# deflates to about 1,020,000 bytes, as the esptool reference image
# (1,022,998). The first line is the headline: the stub with flash timing.
. "$MPF_SRC/tests/bench/lib.sh"
# (not bench_tmp: its EXIT trap fires when the $(...) subshell ends)
d=$(mktemp -d "${TMPDIR:-/tmp}/mpf-bench-esp.XXXXXX") || exit 1
trap 'kill "$(cat "$d/sim.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$d"' EXIT
cd "$d" || exit 1
sim=$MPF_BUILD/sim/esp-rom
SIMFIG="esp-rom simulator, UART paced at baud/10"

has_stub() { grep -q "{ \"$1\"" "$MPF_BUILD/gen/esp_stub_images.h" 2>/dev/null; }

# the chip of the stub figures: the ESP32 when its stub is built
stubchip=esp32
has_stub esp32 || stubchip=esp32c3
for c in esp32 esp32c3 esp8266; do
	"$MPF_BUILD/sim/esp-mkimage" --chip $c --size 1555136 --random 560 >fw-$c.bin
done
offset() { [ "$1" = esp32 ] && echo 0x1000 || echo 0; }

start() {
	rm -f tty flash.bin
	"$sim" --flash flash.bin --link "$d/tty" --pace "$@" >/dev/null 2>sim.err &
	echo $! >sim.pid
	n=0
	while [ ! -e tty ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
}
stop() { kill "$(cat sim.pid)" 2>/dev/null; sleep 0.1; }

# one_run CHIP [mpf-esp options]: a paced write; sets total, frac, ms,
# wire, z, turn, loader from its output
one_run() {
	c=$1
	shift
	s=$(date +%s%N)
	mpf-esp -v --serial tty "$@" write "$(offset $c)" fw-$c.bin -o jsonl >out 2>err || return 1
	e=$(date +%s%N)
	total=$(echo "$s $e" | awk '{ printf "%.2f", ($2 - $1) / 1e9 }')
	line=$(grep "of the wire limit" err | tail -1)
	frac=$(echo "$line" | sed -n 's/.*wire bytes: \([0-9.]*\) of the wire limit.*/\1/p')
	ms=$(echo "$line" | sed -n 's/.* sent in \([0-9]*\) ms.*/\1/p')
	wire=$(echo "$line" | sed -n 's/.*(\([0-9]*\) wire bytes.*/\1/p')
	z=$(grep -o '[0-9]* deflated' err | head -1 | cut -d' ' -f1)
	turn=$(echo "$line" | sed -n 's/.*our turnaround \([0-9]*\) us.*/\1/p')
	z=${z:-0} turn=${turn:-0}
	loader=$(sed -n 's/.*"loader":"\([a-z]*\)".*/\1/p' out)
	verified=$(sed -n 's/.*"verified":\([a-z]*\).*/\1/p' out)
}

# run LABEL CHIP BAUD RUNS [sim options] -- [mpf-esp options]: the median
# run of RUNS (by data phase)
run() {
	label=$1 chip=$2 baud=$3 runs=$4
	shift 4
	simopts=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do simopts="$simopts $1"; shift; done
	[ "${1:-}" = -- ] && shift
	: >runs
	i=0
	while [ $i -lt "$runs" ]; do
		start --chip $chip $simopts
		if one_run $chip --baud $baud "$@"; then
			echo "$ms $frac $total $wire $z $turn $loader $verified" >>runs
		else
			echo "esp_$label: failed ($(tail -1 err))"
			stop
			return
		fi
		stop
		i=$((i + 1))
	done
	set -- $(sort -n runs | awk -v n="$runs" 'NR == int((n + 1) / 2)')
	ms=$1 frac=$2 total=$3 wire=$4 z=$5 turn=$6 loader=$7 verified=$8
	load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)
	timing=$(case "$simopts" in *flash-timing*) echo "flash timing on" ;; *) echo "flash timing OFF: not a physical figure" ;; esac)
	echo "esp_${label}_total: $total s ($chip, 1555136 bytes at $baud baud through the $loader loader, verified $verified, reset to verify included; $SIMFIG, $timing$([ "$loader" = stub ] && echo "; the stub model paced as stub/ runs"); median of $runs, load average $load)"
	echo "esp_${label}_wire_fraction: $frac (wire limit $(echo "$wire $baud" | awk '{ printf "%.2f", $1 * 10 / $2 }') s for $wire bytes on the wire, $z deflated, / data phase $(echo "$ms" | awk '{ printf "%.2f", $1 / 1000 }') s; $SIMFIG, $timing)"
	blocks=$(( (z + 1023) / 1024 ))
	[ "$loader" = stub ] && blocks=$(( (z + 16383) / 16384 ))
	echo "esp_${label}_client_turnaround: $(echo "$turn $blocks" | awk '{ printf "%.0f", $1 / $2 }') us per block (mpf-esp from parsing a reply to having written the next block, $blocks blocks)"
}

run stub_${stubchip}_460800_flash_timing $stubchip 460800 1 --flash-timing
[ $stubchip = esp32 ] ||
	echo "esp_stub_esp32: no stub built for the ESP32 (its compiler is missing): the ESP32-C3 stands in above; the stub model and the wire are the same for every chip"
run rom_esp32_460800_flash_timing esp32 460800 1 --flash-timing -- --no-stub
if has_stub esp8266; then
	run stub_esp8266_460800_flash_timing esp8266 460800 1 --flash-timing
else
	echo "esp_stub_esp8266: no stub built for the ESP8266 (its compiler is missing): its ROM path only (115200, plain blocks, no MD5: about 150 s for this image)"
fi
run stub_${stubchip}_921600_flash_timing $stubchip 921600 1 --flash-timing
run rom_esp32_460800 esp32 460800 1 -- --no-stub

# re-flash the same image with --skip-unchanged: the stub's MD5
start --chip $stubchip --flash-timing
mpf-esp --serial tty write "$(offset $stubchip)" fw-$stubchip.bin -o jsonl >/dev/null 2>&1
s=$(date +%s%N)
if mpf-esp --serial tty --skip-unchanged write "$(offset $stubchip)" fw-$stubchip.bin -o jsonl >out 2>/dev/null; then
	e=$(date +%s%N)
	echo "esp_stub_${stubchip}_reflash_skip_unchanged_total: $(echo "$s $e" | awk '{ printf "%.2f", ($2 - $1) / 1e9 }') s (same 1555136-byte image already in flash; stub upload, one stub MD5 over the image, the verifying MD5, nothing written; goal <= 2 s; $SIMFIG, flash timing on)"
else
	echo "esp_stub_reflash_skip_unchanged_total: failed"
fi
stop
