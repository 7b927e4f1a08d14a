#!/bin/sh
# esp.sh - mpf-esp write throughput against the ROM loader simulator paced
# at real UART rates (10 bit times per byte, both directions; the ROM
# answers each block before the next is sent, as the real ROM does).
# Image: 1,555,136 bytes mixed random/repetitive content that deflates to
# about 1,020,000 bytes, as the esptool reference image (1,022,998).
. "$MPF_SRC/tests/bench/lib.sh"
# (not bench_tmp: its EXIT trap fires when the $(...) subshell ends)
d=$(mktemp -d "${TMPDIR:-/tmp}/mpf-bench-esp.XXXXXX") || exit 1
trap 'kill "$(cat "$d/sim.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$d"' EXIT
cd "$d" || exit 1
sim=$MPF_BUILD/sim/esp-rom

"$MPF_BUILD/sim/esp-mkimage" --chip esp32 --size 1555136 --random 560 >fw.bin

start() {
	rm -f tty
	"$sim" --chip esp32 --flash flash.bin --link "$d/tty" --pace "$@" >/dev/null 2>sim.err &
	echo $! >sim.pid
	n=0
	while [ ! -e tty ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
}
stop() { kill "$(cat sim.pid)" 2>/dev/null; sleep 0.1; }

# one_run: a paced write; sets total, frac, ms, wire, z from its debug line
one_run() {
	s=$(date +%s%N)
	mpf-esp -v --serial tty "$@" write 0x1000 fw.bin -o jsonl >out 2>err || return 1
	e=$(date +%s%N)
	total=$(echo "$s $e" | awk '{ printf "%.2f", ($2 - $1) / 1e9 }')
	line=$(grep "of the wire limit" err | tail -1)
	frac=$(echo "$line" | sed -n 's/.*wire bytes: \([0-9.]*\) of the wire limit.*/\1/p')
	ms=$(echo "$line" | sed -n 's/.* sent in \([0-9]*\) ms.*/\1/p')
	wire=$(echo "$line" | sed -n 's/.*(\([0-9]*\) wire bytes.*/\1/p')
	z=$(grep -o '[0-9]* deflated' err | head -1 | cut -d' ' -f1)
	turn=$(echo "$line" | sed -n 's/.*our turnaround \([0-9]*\) us.*/\1/p')
}

# run LABEL RUNS [sim options]: the median run of RUNS (by data phase)
run() {
	label=$1 runs=$2
	shift 2
	: >runs
	i=0
	while [ $i -lt "$runs" ]; do
		start "$@"
		if one_run; then
			echo "$ms $frac $total $wire $z $turn" >>runs
		else
			echo "esp_$label: failed ($(tail -1 err))"
			stop
			return
		fi
		stop
		i=$((i + 1))
	done
	set -- $(sort -n runs | awk -v n="$runs" 'NR == int((n + 1) / 2)')
	ms=$1 frac=$2 total=$3 wire=$4 z=$5 turn=$6
	best=$(sort -n runs | head -1 | cut -d' ' -f2)
	load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)
	echo "esp_${label}_data_phase: $(echo "$ms" | awk '{ printf "%.2f", $1 / 1000 }') s (median of $runs; FLASH_DEFL_DATA phase, $z deflated bytes, $wire bytes on the wire incl. headers and SLIP; simulator paced at 460800 baud, load average $load)"
	echo "esp_${label}_wire_fraction: $frac (wire limit $(echo "$wire" | awk '{ printf "%.2f", $1 * 10 / 460800 }') s / data phase, median of $runs, best $best; goal >= 0.95; ROM replies cost 0.013 of it)"
	# the payload alone: the deflated bytes with SLIP escaping, without
	# the 24-byte command headers and 2 delimiters each 0x400 block carries
	blocks=$(( (z + 1023) / 1024 ))
	echo "esp_${label}_payload_fraction: $(echo "$wire $blocks $ms" | awk '{ printf "%.3f", ($1 - 26 * $2) * 10 / 460800 * 1000 / $3 }') (payload-only wire limit $(echo "$wire $blocks" | awk '{ printf "%.2f", ($1 - 26 * $2) * 10 / 460800 }') s / data phase, median run; one-block-at-a-time ROM protocol caps this at $(echo "$wire $blocks" | awk '{ p = $1 - 26 * $2; printf "%.3f", p / ($1 + 14 * $2) }'))"
	echo "esp_${label}_client_turnaround: $(echo "$turn $blocks" | awk '{ printf "%.0f", $1 / $2 }') us per block (mpf-esp from parsing a ROM reply to having written the next block, $blocks blocks, $(echo "$turn" | awk '{ printf "%.3f", $1 / 1e6 }') s in all; the rest of the gap is the simulator and the scheduler)"
	echo "esp_${label}_total: $total s (1555136 bytes incl. reset, sync, detect, baud change, attach, JEDEC, erase, MD5 verify; esptool with its stub on hardware: 25.1 s)"
}

run write_460800 3
run write_460800_flash_timing 1 --flash-timing

# re-flash the same image with --skip-unchanged (MD5 per 64 KiB, no writes)
start
mpf-esp --serial tty write 0x1000 fw.bin -o jsonl >/dev/null 2>&1
s=$(date +%s%N)
if mpf-esp --serial tty --skip-unchanged write 0x1000 fw.bin -o jsonl >out 2>/dev/null; then
	e=$(date +%s%N)
	echo "esp_reflash_skip_unchanged_total: $(echo "$s $e" | awk '{ printf "%.2f", ($2 - $1) / 1e9 }') s (same 1555136-byte image already in flash; 24 ROM MD5 round trips, nothing written; paced at 460800, MD5 compute time not modelled)"
else
	echo "esp_reflash_skip_unchanged_total: failed"
fi
stop
