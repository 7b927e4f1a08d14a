# info-lib.sh - helpers for the mpf-info tests (sourced after tests/lib.sh).

# start_sim NAME [mpy-repl options]: start the REPL simulator; its pty
# paths go to NAME.ptys (one per board), its stderr to NAME.err, its pid
# to NAME.pid. Stop it with stop_sim NAME in the same test.
start_sim() {
	_sim=$1
	shift
	rm -f "$_sim.ptys" "$_sim.err" "$_sim.pid"
	"$(mpf_sim mpy-repl)" "$@" >"$_sim.ptys" 2>"$_sim.err" &
	echo $! >"$_sim.pid"
	# a failing test never reaches stop_sim: do not leave it running
	test_when_finished "kill $! 2>/dev/null"
	# the simulator writes all its paths in one write
	wait_for 10 test -s "$_sim.ptys"
}

# stop_sim NAME: stop it; fails when the simulator saw protocol
# violations from the client (exit status 3) or died.
stop_sim() {
	kill "$(cat "$1.pid")" 2>/dev/null
	wait "$(cat "$1.pid")"
	_rc=$?
	[ $_rc -eq 0 ] || { echo "simulator exited $_rc:"; cat "$1.err"; }
	[ $_rc -eq 0 ]
}

pty_of() { sed -n "${2:-1}p" "$1.ptys"; }

MICROBIT_HEX=/usr/share/firmware-microbit-micropython/firmware.hex
test_lazy_prereq QEMU_MICROBIT 'command -v qemu-system-arm && test -f "$MICROBIT_HEX"'

# start_microbit: QEMU's micro:bit running Debian's MicroPython 1.9.2 on a
# pty (a real peer, README's Development section); its path in
# microbit.pty, its pid in microbit.pid.
# Waits until the emulated board answers: it boots slowly, and QEMU
# notices a client on its pty only by polling once a second.
# The caller stops it with stop_microbit, also on its way out:
#   trap stop_microbit EXIT; trap 'exit 1' HUP INT TERM PIPE
start_microbit() {
	rm -f microbit.out microbit.pid microbit.pty
	qemu-system-arm -M microbit -nographic -monitor none -serial pty \
		-device loader,file="$MICROBIT_HEX" >microbit.out 2>&1 </dev/null &
	MICROBIT_PID=$!
	echo $MICROBIT_PID >microbit.pid
	wait_for 20 grep -q "redirected to /dev/" microbit.out || return 1
	sed -n 's|.*redirected to \(/dev/[^ ]*\).*|\1|p' microbit.out | head -1 >microbit.pty
	_i=0
	while [ $_i -lt 20 ]; do
		mpf-info --timeout 5 "$(cat microbit.pty)" </dev/null >/dev/null 2>&1 && return 0
		_i=$((_i + 1))
	done
	echo "the micro:bit never answered"
	return 1
}

stop_microbit() {
	[ -n "${MICROBIT_PID:-}" ] && kill "$MICROBIT_PID" 2>/dev/null
	MICROBIT_PID=
}

# QEMU's mps2-an385 running modern MicroPython, built once from the
# source tarball beside the repository (tests/peers/mps2-build.sh).
test_lazy_prereq QEMU_MPS2 '"$MPF_SRC/tests/peers/mps2-build.sh" --check'

# start_mps2 [FIRMWARE]: boot it (or that firmware.elf) on a pty; its path in mps2.pty, its pid in mps2.pid.
# The emulated CPU runs at about 1 MIPS (-icount 10, aligned to real
# time): a board slower than a real one, and a machine shared with other
# tests keeps its cores. The caller holds the pty open between steps (QEMU
# looks for a new client only once a second after the last close) and
# stops it with stop_mps2, also on its way out:
#   trap stop_mps2 EXIT; trap 'exit 1' HUP INT TERM PIPE
start_mps2() {
	rm -f mps2.out mps2.pid mps2.pty
	_fw=${1:-$("$MPF_SRC/tests/peers/mps2-build.sh")} || return 1
	qemu-system-arm -machine mps2-an385 -nographic -monitor null -semihosting \
		-icount shift=10,align=on -serial pty -kernel "$_fw" >mps2.out 2>&1 </dev/null &
	MPS2_PID=$!
	echo $MPS2_PID >mps2.pid
	wait_for 20 grep -q "redirected to /dev/" mps2.out || return 1
	sed -n 's|.*redirected to \(/dev/[^ ]*\).*|\1|p' mps2.out | head -1 >mps2.pty
}

# A board started inside a test body (a subshell) is known by its pid file only.
stop_mps2() {
	_pid=${MPS2_PID:-$(cat "$TRASH/mps2.pid" 2>/dev/null)}
	[ -n "$_pid" ] && kill -CONT "$_pid" 2>/dev/null && kill "$_pid" 2>/dev/null
	MPS2_PID=
}
