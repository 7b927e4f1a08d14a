#!/bin/sh
test_description='mpf-info on network serial ports: rfc2217:// and socket:// through ser2net in front of the REPL simulator (a board on another machine)'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"

base=$(tcp_ports 2)
p_rfc=$base p_raw=$((base + 1))

test_expect_success SER2NET,JQ 'rfc2217:// and socket:// ports are identified like local ones' '
	start_sim rfc --board esp32-spiram-1.25.0 &&
	start_sim raw --board rp2-preview &&
	cat >s2n.yaml <<-EOF &&
	connection: &rfc
	  accepter: telnet(rfc2217),tcp,127.0.0.1,$p_rfc
	  connector: serialdev,$(pty_of rfc),115200n81,local
	connection: &raw
	  accepter: tcp,127.0.0.1,$p_raw
	  connector: serialdev,$(pty_of raw),115200n81,local
	EOF
	{ ser2net -n -c "$TRASH/s2n.yaml" -P "$TRASH/s2n.pid" >s2n.log 2>&1 & } &&
	s2n=$! &&
	test_when_finished "kill $s2n" &&
	wait_for 10 test -s s2n.pid &&
	ok=0 &&
	for i in 1 2 3 4 5 6 7 8 9 10; do
		mpf-info --keep-order --timeout 5 rfc2217://127.0.0.1:$p_rfc socket://127.0.0.1:$p_raw </dev/null >out &&
		ok=1 && break
		sleep 0.3
	done &&
	test $ok = 1 &&
	kill $s2n && wait $s2n;
	stop_sim rfc && stop_sim raw &&
	test "$(jq -c "[.serial, .board_id, .variant, .build // .version]" out | tr "\n" " ")" = \
		"[\"rfc2217://127.0.0.1:$p_rfc\",\"ESP32_GENERIC\",\"SPIRAM\",\"1.25.0\"] [\"socket://127.0.0.1:$p_raw\",\"RPI_PICO_W\",\"\",236] "
'

test_done
