#!/bin/sh
test_description='MPF_FAULT: the Nth open, read or write through a transport fails as EIO would'
. "${MPF_SRC:-.}/tests/lib.sh"

tool=$(mpf_sim mpf-test-tool)

test_expect_success 'setup: an echoing board on a pty' '
	$tool pty-echo "$TRASH/board" & echo $! >pid &&
	wait_for 5 test -e "$TRASH/board"
'

test_expect_success 'no MPF_FAULT: the exchange works' '
	$tool port "$TRASH/board" w:ab r:5000:2 w:cd r:5000:2 >out &&
	printf "6162\n6364\n" >expect &&
	test_cmp expect out
'

test_expect_success 'open:1 fails the open with a clear message' '
	test_must_fail env MPF_FAULT=open:1 $tool port "$TRASH/board" w:ab 2>err &&
	grep -q "injected open fault" err
'

test_expect_success 'read:2 fails the second read, not the first' '
	test_must_fail env MPF_FAULT=read:2 $tool port "$TRASH/board" w:ab r:5000:2 w:cd r:5000:2 >out 2>err &&
	grep -q "injected read fault" err &&
	echo 6162 >expect && head -n 1 out >first && test_cmp expect first
'

test_expect_success 'write:1 and several faults at once' '
	test_must_fail env MPF_FAULT=write:1 $tool port "$TRASH/board" w:ab 2>err &&
	grep -q "injected write fault" err &&
	test_must_fail env MPF_FAULT=read:9,write:2 $tool port "$TRASH/board" w:ab r:5000:2 w:cd 2>err &&
	grep -q "injected write fault" err
'

test_expect_success 'cleanup' 'kill $(cat pid)'

test_done
