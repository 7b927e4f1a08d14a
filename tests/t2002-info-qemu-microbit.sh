#!/bin/sh
test_description='mpf-info against real MicroPython: QEMU micro:bit running Debian firmware-microbit-micropython (1.9.2, plain raw mode, no raw paste)'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"

test_have_prereq QEMU_MICROBIT || skip_all "qemu-system-arm or firmware-microbit-micropython missing"
test_have_prereq JQ || skip_all "jq missing"

# has_lock PID: the process holds a flock (mpf's exclusive claim on a port,
# taken right after open(); waiting for the open alone would race).
has_lock() { grep -q "FLOCK  *ADVISORY  *WRITE $1 " /proc/locks; }

# One QEMU for the whole file: it boots slowly.
trap 'stop_microbit' EXIT
trap 'exit 1' HUP INT TERM PIPE
start_microbit || { stop_microbit; echo "Bail out! QEMU micro:bit did not start"; exit 1; }
PTY=$(cat microbit.pty)

test_expect_success 'the real board: family, version, build, board, cpu' '
	mpf-info "$PTY" </dev/null >out1 &&
	cp out1 out &&
	test "$(jq -c "[.family, .version, .build, .preview, .port, .board, .cpu]" out)" = \
		"[\"micropython\",\"1.9.2\",34,true,\"microbit\",\"micro:bit with nRF51822\",\"nRF51822\"]" &&
	test "$(jq -c "[.board_id, .variant, .mpy, .arch, .error]" out)" = "[null,null,null,null,null]"
'

test_expect_success 'the simulator'"'"'s micro:bit profile answers byte for byte as the real board (prompts, raw-paste probe, script, banner)' '
	# Plain raw mode has no flow control and the emulated board, starved
	# of CPU on a loaded machine, can lose a byte of the script (then it
	# answers with a traceback, which mpf-info retries but repl-bare,
	# doing the bare exchange, does not): take the first clean transcript.
	for i in 1 2 3; do
		"$(mpf_sim repl-bare)" "$PTY" >real && grep -q "OKmpf1 ((name=" real && break
	done &&
	start_sim s --board microbit-1.9.2 &&
	"$(mpf_sim repl-bare)" "$(pty_of s)" >simulated &&
	stop_sim s &&
	grep -q "OKmpf1 ((name=" real &&
	test_cmp real simulated
'

test_expect_success 'the board is left at its friendly REPL (Ctrl-B), not reset' '
	mpf-info "$PTY" </dev/null >/dev/null &&
	exec 3<>"$PTY" && stty raw -echo <&3 &&
	{ timeout 12 cat <&3 >seen & } && cat_pid=$! &&
	# QEMU notices a client by polling once a second and emulates slowly
	# on a busy machine: ask again until the prompt shows
	for i in 1 2 3 4 5 6 7 8 9 10; do
		printf "\r" >&3 && sleep 1 && grep -q ">>> " seen && break
	done;
	# cat must be gone before the next test: it would read its bytes
	kill $cat_pid 2>/dev/null; wait $cat_pid; exec 3<&- &&
	grep -q ">>> " seen && ! grep -q "raw REPL" seen
'

test_expect_success 'table output' '
	mpf-info -o table "$PTY" </dev/null >out &&
	grep "^Serial  *Family  *Port  *Board  *CPU  *Version  *Build" out &&
	grep "micropython  *microbit  *micro:bit with nRF51822  *nRF51822  *1.9.2  *34" out
'

test_expect_success '--reset: soft reboot in the raw REPL, then identified' '
	mpf-info --reset "$PTY" </dev/null >out &&
	test "$(json_field out version)" = 1.9.2
'

test_expect_success 'two mpf-info on the real port: one succeeds, the other reports busy' '
	# Freeze the emulated board so the first one is still waiting for
	# its answer when the second one tries the port.
	kill -STOP "$(cat microbit.pid)" &&
	test_when_finished "kill -CONT $(cat microbit.pid)" &&
	{ mpf-info --timeout 8 "$PTY" </dev/null >first & } &&
	first=$! &&
	wait_for 10 has_lock $first &&
	test_expect_code 1 mpf-info "$PTY" </dev/null >second &&
	kill -CONT "$(cat microbit.pid)" &&
	wait $first &&
	test "$(json_field first version)" = 1.9.2 &&
	test "$(json_field second error.code)" = busy
'

test_expect_success 'piped from records, passing other fields through' '
	printf "{\"kind\":\"serial\",\"serial\":\"%s\",\"location\":\"qemu\"}\n" "$PTY" |
	mpf-info >out &&
	cat out &&
	test "$(jq -c "[.location, .cpu]" out)" = "[\"qemu\",\"nRF51822\"]"
'

stop_microbit
test_done
