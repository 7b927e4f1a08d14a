#!/bin/sh
# info.sh - mpf-info timing.
#
# 1. The real MicroPython (QEMU micro:bit, Debian's 1.9.2 firmware): wall
#    time of `mpf-info PORT` against the bare raw-REPL exchange
#    (build/sim/repl-bare: the same bytes on the wire, same pacing, nothing
#    else), measured alternately in the same run; the difference is
#    mpf-info's own overhead. QEMU's pty notices a new client only by
#    polling once a second, which would add 0-1000 ms of noise to both,
#    so a process holds the pty open (hold_pty).
# 2. Eight simulated boards (tests/sim/mpy-repl, one process each, output
#    paced at 115200 baud like a UART, 5 ms to run the script) identified
#    in one call, against one board.
. "$MPF_SRC/tests/bench/lib.sh"
. "$MPF_SRC/tests/lib.sh" >/dev/null 2>&1 </dev/null
. "$MPF_SRC/tests/info-lib.sh"
N=15
bare=$MPF_BUILD/sim/repl-bare
sim=$MPF_BUILD/sim/mpy-repl
microbit_bench

if test_have_prereq QEMU_MICROBIT && start_microbit; then
	pty=$(cat microbit.pty)
	hold_pty "$pty"
	mpf-info "$pty" </dev/null >/dev/null 2>&1
	# alternate the two, so drift in the emulator's speed hits both
	i=0
	while [ $i -lt $N ]; do
		a=$(median_ms 1 mpf-info "$pty")
		b=$(median_ms 1 "$bare" "$pty")
		echo "$a $b"
		i=$((i + 1))
	done >pairs
	ti=$(awk '{print $1}' pairs | median)
	tb=$(awk '{print $2}' pairs | median)
	echo "info_qemu_microbit: $ti ms (mpf-info PORT, median of $N, QEMU micro:bit MicroPython 1.9.2, plain raw mode)"
	echo "info_qemu_bare_exchange: $tb ms (repl-bare PORT: the same raw-REPL bytes and pacing, median of $N, same run)"
	echo "info_qemu_overhead: $(awk -v a="$ti" -v b="$tb" 'BEGIN { printf "%.3f", a - b }') ms (mpf-info minus the bare exchange; target < 50)"
else
	echo "info_qemu_microbit: skipped (qemu-system-arm or firmware-microbit-micropython missing, or no boot)"
fi

"$sim" --board rp2-1.24.1 --baud 115200 --exec-ms 5 >one.ptys 2>/dev/null &
pids="$pids $!"
i=0
while [ $i -lt 8 ]; do
	"$sim" --board rp2-1.24.1 --baud 115200 --exec-ms 5 >eight.$i 2>/dev/null &
	pids="$pids $!"
	i=$((i + 1))
done
wait_for 10 sh -c 'test -s one.ptys && test -s eight.7' || { echo "info_sim: simulators did not start"; exit 1; }
cat eight.? >eight.ptys
t1=$(median_ms $N mpf-info $(cat one.ptys))
t8=$(median_ms $N mpf-info $(cat eight.ptys))
echo "info_sim_1_board: $t1 ms (mpf-info, one simulated rp2 board, output paced at 115200 baud, median of $N)"
echo "info_sim_8_boards: $t8 ms (mpf-info, eight simulated boards in one call, same pacing, median of $N)"
t8s=$(median_ms 5 mpf-info -j 1 $(cat eight.ptys))
echo "info_sim_8_vs_1: $(awk -v a="$t8" -v b="$t1" 'BEGIN { printf "%.2f", a / b }') x (target <= 1.5)"
echo "info_sim_8_boards_j1: $t8s ms (the same eight one after another, -j 1, as mpflash does; median of 5)"
