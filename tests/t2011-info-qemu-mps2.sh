#!/bin/sh
test_description='mpf-info against real modern MicroPython (QEMU mps2-an385, raw paste, built from the source tarball), held still at chosen points with SIGSTOP: late prompts never pass for a reply'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"

test_have_prereq QEMU_MPS2 || skip_all "no MicroPython source tarball, arm-none-eabi-gcc or qemu-system-arm"
test_have_prereq JQ || skip_all "jq missing"
command -v python3 >/dev/null || skip_all "python3 missing"

STALL="python3 $MPF_SRC/tests/peers/stall.py"

trap 'stop_mps2' EXIT
trap 'exit 1' HUP INT TERM PIPE
start_mps2 || { stop_mps2; echo "Bail out! QEMU mps2-an385 did not start"; exit 1; }
PTY=$(cat mps2.pty)
QEMU=$MPS2_PID
# Held open for the whole file, so QEMU keeps its client and every reply
# comes at once (it looks for a new one only once a second).
exec 3<>"$PTY"

# received LOG: every byte mpf-info -vv read, escaped, on one line
received() { sed -n 's/^mpf-info: trace: [^ ]* < //p' "$1" | tr -d '\n'; }

identified() {
	cat "$1" &&
	test "$(jq -c "[.version, .port, .board, .board_id, .error]" "$1")" = \
		"[\"1.29.0-preview\",\"qemu\",\"mps2-an385 with Cortex-M3\",\"MPS2_AN385\",null]"
}

test_expect_success 'the real board: version, port, board, board_id' '
	# the boot banner went nowhere; the first answer may take a second
	wait_for 20 mpf-info --timeout 5 "$PTY" </dev/null >out &&
	identified out
'

# transcript NAME [mpf-info options]: what the board sent during one
# identification (NAME.log: the -vv log); fails when mpf-info had to
# interrupt more than once (a loaded machine), which changes the bytes.
transcript() {
	_n=$1
	shift
	mpf-info -vv "$@" "$PTY" </dev/null 2>"$_n.log" >/dev/null &&
	! grep -q "interrupting again" "$_n.log" &&
	received "$_n.log" >"$_n"
}

test_expect_success 'the simulator'"'"'s mps2 profile answers byte for byte as the real board' '
	start_sim s --board mps2-1.29.0-preview &&
	for o in "" --reset --no-raw-paste; do
		for i in 1 2 3; do transcript real $o && break; done &&
		PTY=$(pty_of s) transcript sim $o &&
		test_cmp real sim || exit 1
	done &&
	stop_sim s
'

# A board held still (SIGSTOP) while mpf-info waits for its first raw
# prompt: mpf-info interrupts again, and is itself held between the two
# writes of that second interruption, so the board answers the first one
# alone; the board is held again before the second, and mpf-info goes on.
# The prompt for the second Ctrl-A comes 500 ms later, after whatever
# mpf-info sent next: the raw-paste request, or the soft reset.
late_raw_prompt() {
	kill -STOP $QEMU &&
	{ mpf-info -vv --timeout 10 "$@" "$PTY" </dev/null >out 2>log & } &&
	mpf=$! &&
	$STALL stop-on $mpf log "interrupting again" &&
	kill -CONT $QEMU && $STALL quiet "$PTY" && kill -STOP $QEMU &&
	kill -CONT $mpf && sleep 0.5 && kill -CONT $QEMU &&
	{ wait $mpf; rc=$?; } &&
	cat out && received log >rx && cat rx && echo &&
	test $rc = 0 &&
	test $(grep -o "CTRL-B to exit" rx | wc -l) -ge 2
}

test_expect_success 'a raw prompt that comes late is not the reply to the raw-paste request' '
	test_when_finished "kill -CONT $QEMU" &&
	late_raw_prompt &&
	identified out
'

test_expect_success 'nor the end of the soft reset (--reset)' '
	test_when_finished "kill -CONT $QEMU" &&
	late_raw_prompt --reset &&
	grep -q "MPY: soft reboot" rx &&
	identified out
'

test_expect_success 'a friendly prompt later than mpf-info waits after Ctrl-B keeps the identification' '
	test_when_finished "kill -CONT $QEMU" &&
	{ mpf-info -vv --timeout 10 "$PTY" </dev/null >out 2>log & } &&
	mpf=$! &&
	# mpf-info held once the script is sent; the board answers it, then
	# is held too, so Ctrl-B waits 1.5 s for it
	$STALL stop-on $mpf log " > \\x04
" &&
	$STALL quiet "$PTY" && kill -STOP $QEMU &&
	kill -CONT $mpf && sleep 1.5 && kill -CONT $QEMU &&
	{ wait $mpf; rc=$?; } &&
	identified out && test $rc = 0 &&
	grep "warning: .*identified, but leaving the raw REPL: timed out" log &&
	# and the board was left at its friendly REPL all the same
	mpf-info --timeout 5 "$PTY" </dev/null >again &&
	identified again
'

exec 3<&-
stop_mps2
test_done
