#!/bin/sh
# workflow.sh - the workflow scripts' timing.
#
# 1. make demo end to end (scripts/demo): the mirror, QEMU's micro:bit,
#    the Pico W round trip through its FUSE drive, the ESP32 (REPL + ROM
#    loader, unpaced pty), the DFU pyboard and the nRF52840 behind a probe
#    (libusb simulator at time_scale 0.02), mpf-list twice, mpf-update.
#    Includes mpf-dfu's 10 s wait for the pyboard to come back as a serial
#    port, which the simulated DFU device never does.
# 2. mpf-list over eight simulated boards (mpy-repl, one process each,
#    unpaced) against mpf-scan | mpf-info by hand: the script's own cost.
. "$MPF_SRC/tests/bench/lib.sh"
bench_tmp work
cd "$work" || exit 1

if [ -c /dev/fuse ] && [ -e "$MPF_BUILD/sim/libusb/libusb-1.0.so.0" ]; then
	echo "workflow-demo: $(median_ms 1 env TMPDIR="$work" "$MPF_SRC/scripts/demo") ms (make demo's script once, wall time, simulators unpaced)"
fi

pids=
trap 'for p in $pids; do kill $p 2>/dev/null; done; rm -rf "$work"' EXIT
i=0
while [ $i -lt 8 ]; do
	"$MPF_BUILD/sim/mpy-repl" --board rp2-1.22.2 --link "$work/ttyACM$i" >/dev/null 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
n=0; while [ ! -e "$work/ttyACM7" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
echo "workflow-list-8: $(median_ms 5 mpf-list --serial "$work/ttyACM*" -o jsonl) ms (mpf-list, 8 simulated boards, median of 5)"
echo "workflow-list-8-pipeline: $(median_ms 5 sh -c "mpf-scan --kind serial --serial '$work/ttyACM*' | mpf-info -j 16 -o jsonl") ms (mpf-scan | mpf-info by hand, same boards)"
