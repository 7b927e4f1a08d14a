#!/bin/sh
test_description='network serial ports: rfc2217:// and socket:// against ser2net and an RFC 2217 peer'
. "${MPF_SRC:-.}/tests/lib.sh"

tool=$(mpf_sim mpf-test-tool)
peer=$(mpf_sim rfc2217-peer)

base=$(tcp_ports 6)
p_peer=$base p_rfc=$((base + 1)) p_raw=$((base + 2)) p_cut=$((base + 3)) p_refuse=$((base + 4))
p_silent=$((base + 5))

test_expect_success 'setup: an echoing board on a pty, ser2net in front of it, RFC 2217 peers' '
	# one board per ser2net port: ser2net holds a device for a moment
	# after a client leaves, and two accepters on one device would race
	$tool pty-echo "$TRASH/board" & echo $! >>pids &&
	$tool pty-echo "$TRASH/board2" & echo $! >>pids &&
	wait_for 5 test -e "$TRASH/board" -a -e "$TRASH/board2" &&
	cat >s2n.yaml <<-EOF &&
	connection: &rfc
	  accepter: telnet(rfc2217),tcp,127.0.0.1,$p_rfc
	  connector: serialdev,$TRASH/board,115200n81,local
	connection: &raw
	  accepter: tcp,127.0.0.1,$p_raw
	  connector: serialdev,$TRASH/board2,115200n81,local
	EOF
	if test_have_prereq SER2NET; then
		ser2net -n -c "$TRASH/s2n.yaml" -P "$TRASH/s2n.pid" >s2n.log 2>&1 & echo $! >>pids
	fi &&
	$peer $p_peer peer.log & echo $! >>pids &&
	$peer $p_cut cut.log --close-after 4 & echo $! >>pids &&
	$peer $p_refuse refuse.log --refuse & echo $! >>pids &&
	sleep 0.3
'

test_expect_success SER2NET 'rfc2217 through ser2net: data both ways, 0xFF bytes intact' '
	$tool port rfc2217://127.0.0.1:$p_rfc "w:ab\xffc\x00d" r:5000:6 >out &&
	echo 6162ff630064 >expect &&
	test_cmp expect out
'

test_expect_success SER2NET 'rfc2217 through ser2net: a baud change reaches the real port' '
	# checked while connected: ser2net resets the port when a client leaves
	$tool port rfc2217://127.0.0.1:$p_rfc baud:460800 sleep:3000 &
	pid=$! &&
	dev=$(readlink -f "$TRASH/board") &&
	wait_for 3 sh -c "stty -F $dev speed | grep -qx 460800" &&
	wait $pid
'

test_expect_success SER2NET 'socket:// (raw TCP) through ser2net: data both ways' '
	$tool port socket://127.0.0.1:$p_raw "w:raw\xff" r:5000:4 >out &&
	echo 726177ff >expect &&
	test_cmp expect out
'

test_expect_success SOCAT 'rfc2217:// at a plain TCP service is a clear error, not a hang' '
	# a service that reads and never answers, like a raw ser2net port
	# in front of a quiet board
	socat -u TCP-LISTEN:$p_silent,bind=127.0.0.1,reuseaddr,fork OPEN:/dev/null & echo $! >>pids &&
	sleep 0.3 &&
	start=$(date +%s) &&
	test_must_fail $tool port rfc2217://127.0.0.1:$p_silent "w:x" 2>err &&
	grep -q "no RFC 2217 answer" err &&
	test $(( $(date +%s) - start )) -lt 10
'

test_expect_success 'the DTR/RTS changes of a reset sequence reach the peer in order' '
	: >peer.log &&
	# esptool classic reset: DTR=0 RTS=1, 100 ms, DTR=1 RTS=0, 50 ms, DTR=0
	$tool port rfc2217://127.0.0.1:$p_peer lines:0,1 sleep:100 lines:1,0 sleep:50 dtr:0 &&
	wait_for 2 grep -q closed peer.log &&
	sed -n "/^flow none/,/^closed/p" peer.log >order &&
	printf "%s\n" "flow none" "dtr 0" "rts 1" "dtr 1" "rts 0" "dtr 0" closed >expect &&
	test_cmp expect order
'

test_expect_success 'opening sets 115200 8N1 without flow control; purge on flush' '
	head -n 5 peer.log >setup &&
	printf "%s\n" "baud 115200" "datasize 8" "parity 1" "stopsize 1" "flow none" >expect &&
	test_cmp expect setup &&
	: >peer.log &&
	$tool port rfc2217://127.0.0.1:$p_peer flush &&
	wait_for 2 grep -q "purge 1" peer.log
'

test_expect_success 'a server that refuses COM-PORT-OPTION is reported' '
	test_must_fail $tool port rfc2217://127.0.0.1:$p_refuse 2>err &&
	grep -q "refuses RFC 2217" err
'

test_expect_success 'a connection dropped mid-transfer is an error, never a hang' '
	start=$(date +%s) &&
	test_must_fail $tool port rfc2217://127.0.0.1:$p_cut "w:12345678" r:3000 "w:more" r:3000 2>err &&
	grep -q "connection closed" err &&
	test $(( $(date +%s) - start )) -lt 10
'

test_expect_success 'nobody listening: refused within the connect deadline' '
	start=$(date +%s) &&
	test_must_fail $tool port socket://127.0.0.1:1 2>err &&
	grep -q "cannot connect" err &&
	test $(( $(date +%s) - start )) -lt 10
'

test_expect_success 'malformed network ports are usage errors' '
	test_must_fail $tool port rfc2217://nohost 2>err && grep -q "bad network port" err &&
	test_must_fail $tool port ftp://x:1 2>err && grep -q "unknown port scheme" err
'

test_expect_success 'mpf-scan lists network ports named with --serial as given' '
	mpf-scan --serial rfc2217://127.0.0.1:$p_rfc --serial "socket://[::1]:4000" -k serial -o jsonl >out &&
	jq -r .serial out >names &&
	printf "%s\n" rfc2217://127.0.0.1:$p_rfc "socket://[::1]:4000" >expect &&
	test_cmp expect names
'

test_expect_success 'mpf-scan reads a lab port list with --ports-from' '
	printf "%s\n" "# lab hosts" "rfc2217://127.0.0.1:$p_rfc   # board 1" "" \
		"socket://127.0.0.1:$p_raw" >lab.txt &&
	mpf-scan -k serial --ports-from lab.txt -o jsonl >out &&
	jq -r .serial out >names &&
	printf "%s\n" rfc2217://127.0.0.1:$p_rfc socket://127.0.0.1:$p_raw >expect &&
	test_cmp expect names &&
	test_expect_code 66 mpf-scan --ports-from no-such-file 2>err &&
	grep -q "cannot read" err
'

test_expect_success 'cleanup' '
	kill $(cat pids) 2>/dev/null; true
'

test_done
