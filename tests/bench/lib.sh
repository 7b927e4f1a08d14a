# lib.sh - helpers for benchmarks (sourced by tests/bench/*.sh).

# median: the middle one of the numbers on stdin, one a line
median() {
	sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# median_ms N CMD...: run CMD N times, print the median wall time in ms
# (with three decimals). A subshell: its counters are not the caller's.
median_ms() (
	_n=$1
	shift
	_i=0
	while [ $_i -lt "$_n" ]; do
		_s=$(date +%s%N)
		"$@" >/dev/null 2>&1
		_e=$(date +%s%N)
		echo $(( (_e - _s) / 1000 ))
		_i=$((_i + 1))
	done | median | awk '{ printf "%.3f\n", $1 / 1000 }'
)

# bench_tmp VAR: make a scratch directory, store its path in VAR and remove
# it when the benchmark exits. (Not $(bench_tmp): a trap set in a command
# substitution's subshell fires as soon as it ends.)
bench_tmp() {
	_d=$(mktemp -d "${TMPDIR:-/tmp}/mpf-bench.XXXXXX") || return 1
	eval "$1=\$_d"
	trap 'rm -rf "$_d"' EXIT
}

# The QEMU micro:bit benchmarks run in tests/lib.sh's trash directory and
# start processes, whose ids they add to $pids.
# microbit_bench: at exit the processes and QEMU are stopped and the trash
# removed.
microbit_bench() {
	pids=
	trap microbit_bench_end EXIT
	trap 'exit 1' HUP INT TERM PIPE
}

microbit_bench_end() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	stop_microbit
	cd "$MPF_SRC" && rm -rf "$TRASH"
}

# hold_pty PTY: a process holds PTY open, so that QEMU, which polls for a
# client once a second, stays connected, as a real USB port always is.
hold_pty() {
	sleep 100000 <>"$1" &
	pids="$pids $!"
}

# usbsim_bench NAME: the libusb simulator for an SWD benchmark: sets lib
# (its folder) and tmp (a scratch directory holding the simulated flash and
# the trace), or says NAME is skipped and exits when it is not built.
usbsim_bench() {
	lib=$MPF_BUILD/sim/libusb
	if ! [ -e "$lib/libusb-1.0.so.0" ]; then
		echo "$1: skipped (the libusb simulator is not built)"
		exit 0
	fi
	bench_tmp tmp
	export MPF_USBSIM_STATE=$tmp/state MPF_USBSIM_LOG=$tmp/log
	mkdir -p "$MPF_USBSIM_STATE"
}
