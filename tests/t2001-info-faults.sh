#!/bin/sh
test_description='mpf-info against boards that misbehave: busy main.py, boot chatter, no REPL, a board vanishing, a script exception, raw paste refused, CircuitPython, a port in use'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"

test_expect_success JQ 'a main.py busy in a loop is interrupted (Ctrl-C)' '
	start_sim s --busy &&
	# (not a timing test: room for a loaded machine and the sanitizer build)
	mpf-info --timeout 10 "$(pty_of s)" </dev/null >out &&
	stop_sim s &&
	test "$(json_field out board_id)" = RPI_PICO_W
'

test_expect_success JQ 'a main.py that catches the first KeyboardInterrupt needs the second' '
	start_sim s --busy-catch &&
	mpf-info "$(pty_of s)" </dev/null >out &&
	stop_sim s &&
	test "$(json_field out board_id)" = RPI_PICO_W
'

test_expect_success JQ 'ESP boot chatter while the board boots (input ignored meanwhile)' '
	start_sim s --board esp32-spiram-1.25.0 --chatter --boot-ms 700 &&
	mpf-info "$(pty_of s)" </dev/null >out &&
	stop_sim s &&
	test "$(json_field out variant)" = SPIRAM
'

test_expect_success JQ 'a port with no REPL: error no-repl with the time waited, exit 1, no hang' '
	start_sim s --silent &&
	test_expect_code 1 mpf-info --timeout 0.5 "$(pty_of s)" </dev/null >out &&
	stop_sim s &&
	test "$(json_field out error.code)" = no-repl &&
	test "$(json_field out error.applet)" = mpf-info &&
	w=$(json_field out error.waited_ms) && test "$w" -ge 500 && test "$w" -lt 3000 &&
	json_field out error.message | grep "no REPL prompt within 500 ms: the port was silent (waited [0-9]* ms)" &&
	test -z "$(json_field out family)"
'

test_expect_success JQ 'a board that vanishes mid-exchange (a reset): error nodev' '
	start_sim s --vanish &&
	test_expect_code 1 mpf-info "$(pty_of s)" </dev/null >out &&
	wait "$(cat s.pid)";
	test "$(json_field out error.code)" = no-device &&
	json_field out error.message | grep "device went away"
'

test_expect_success JQ 'an exception on the board: error with the traceback last line' '
	start_sim s --raise &&
	test_expect_code 1 mpf-info "$(pty_of s)" </dev/null >out &&
	stop_sim s &&
	test "$(json_field out error.code)" = script &&
	json_field out error.message | grep "failed on the board: MemoryError: memory allocation failed, allocating 2048 bytes"
'

test_expect_success JQ 'code that does not finish: error timeout, interrupted (Ctrl-C) and left (Ctrl-B)' '
	start_sim s -v --exec-ms 60000 &&
	test_expect_code 1 mpf-info --timeout 2 "$(pty_of s)" </dev/null >out &&
	stop_sim s &&
	cat out s.err &&
	test "$(json_field out error.code)" = timeout &&
	json_field out error.message | grep "did not finish within 2000 ms" &&
	grep "code interrupted" s.err && grep "friendly REPL" s.err
'

test_expect_success JQ 'plain raw mode: a board that loses bytes gets the script again, more slowly' '
	start_sim s -v --board microbit-1.9.2 --drop 20 &&
	mpf-info -v "$(pty_of s)" </dev/null >out 2>err &&
	stop_sim s &&
	grep "bytes of the code were lost" s.err &&
	grep "the board lost bytes, sending again more slowly" err &&
	test "$(json_field out version)" = 1.9.2
'

# QEMU's micro:bit under load lost one letter of the script
# ("implementatin"): not a SyntaxError, yet the same lost bytes.
test_expect_success JQ 'plain raw mode: one letter lost (AttributeError) is sent again too' '
	start_sim s -v --board microbit-1.9.2 --drop 1 \
		--drop-error "AttributeError: '"'"'module'"'"' object has no attribute '"'"'implementatin'"'"'" &&
	mpf-info -v "$(pty_of s)" </dev/null >out 2>err &&
	stop_sim s &&
	grep "the board lost bytes, sending again more slowly" err &&
	grep "implementatin" err &&
	test "$(json_field out version)" = 1.9.2
'

test_expect_success JQ 'a script that fails on every try is an error record, after one retry' '
	start_sim s -v --board microbit-1.9.2 --raise &&
	test_expect_code 1 mpf-info -v "$(pty_of s)" </dev/null >out 2>err &&
	stop_sim s &&
	test $(grep -c "sending again more slowly" err) = 1 &&
	json_field out error.message | grep "identification script failed on the board"
'

test_expect_success JQ 'raw paste refused (R\\x00): plain raw mode' '
	start_sim s -v --no-raw-paste &&
	mpf-info "$(pty_of s)" </dev/null >out &&
	stop_sim s &&
	! grep "raw paste, window" s.err &&
	test "$(json_field out board_id)" = RPI_PICO_W
'

test_expect_success JQ 'raw paste with a small window (samd, 32 bytes) keeps to flow control' '
	start_sim s -v --board samd-1.21.0 &&
	mpf-info "$(pty_of s)" </dev/null >out &&
	stop_sim s &&
	grep "raw paste, window 32" s.err &&
	test "$(json_field out board_id)" = SEEED_WIO_TERMINAL
'

test_expect_success JQ '--no-raw-paste sends plain raw mode to a board that offers it' '
	start_sim s -v &&
	mpf-info --no-raw-paste "$(pty_of s)" </dev/null >out &&
	stop_sim s &&
	! grep "raw paste" s.err &&
	test "$(json_field out board_id)" = RPI_PICO_W
'

test_expect_success JQ 'CircuitPython waiting at "Press any key to enter the REPL"' '
	start_sim s --board circuitpython-9.0.0 --busy &&
	mpf-info "$(pty_of s)" </dev/null >out &&
	stop_sim s &&
	test "$(json_field out family)" = circuitpython
'

test_expect_success JQ 'two mpf-info on one port: one succeeds, the other reports busy' '
	start_sim s -v --exec-ms 1500 &&
	{ mpf-info "$(pty_of s)" </dev/null >first & } &&
	first=$! &&
	wait_for 10 grep -q "running code" s.err &&
	test_expect_code 1 mpf-info "$(pty_of s)" </dev/null >second &&
	wait $first &&
	stop_sim s &&
	test "$(json_field first board_id)" = RPI_PICO_W &&
	test "$(json_field second error.code)" = busy &&
	json_field second error.message | grep "is busy"
'

test_expect_success JQ 'a port that does not exist: error record, others still identified, in order' '
	start_sim s --count 2 &&
	{
		printf "{\"kind\":\"serial\",\"serial\":\"%s\"}\n" "$(pty_of s 1)" &&
		echo "{\"kind\":\"serial\",\"serial\":\"/dev/mpf-no-such-port\"}" &&
		printf "{\"kind\":\"serial\",\"serial\":\"%s\"}\n" "$(pty_of s 2)"
	} >in &&
	test_expect_code 1 mpf-info --keep-order <in >out &&
	stop_sim s &&
	test "$(jq -r ".serial" out | tr "\n" " ")" = "$(pty_of s 1) /dev/mpf-no-such-port $(pty_of s 2) " &&
	test "$(json_field out error.code 2)" = no-device &&
	test "$(json_field out family 3)" = micropython
'

test_expect_success JQ '-j: eight boards and a silent one at once, --keep-order: results in input order' '
	start_sim fast --count 8 --board rp2-preview &&
	start_sim slow --silent &&
	{ sed -n 1,4p fast.ptys; cat slow.ptys; sed -n 5,8p fast.ptys; } >ports &&
	while read p; do printf "{\"kind\":\"serial\",\"serial\":\"%s\"}\n" "$p"; done <ports >in &&
	test_expect_code 1 mpf-info -j 16 --keep-order --timeout 1 <in >out &&
	stop_sim fast && stop_sim slow &&
	jq -r .serial out >order && test_cmp ports order &&
	test "$(jq -r ".build // .error.code" out | sort | uniq -c | awk "{ printf \"%s %s \", \$1, \$2 }")" = "8 236 1 no-repl "
'

test_done
