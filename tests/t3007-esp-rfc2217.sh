#!/bin/sh
test_description='mpf-esp through a network serial port: Debian ser2net (RFC 2217) in front of the ROM simulator; the baud change must reach the real port'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

port=$(tcp_ports 1)

test_expect_success SER2NET 'setup: ESP32-S3 simulator behind ser2net' '
	esp_sim_start net --chip esp32s3 &&
	cat >s2n.yaml <<-EOF &&
	connection: &esp
	  accepter: telnet(rfc2217),tcp,127.0.0.1,$port
	  connector: serialdev,$TRASH/net.tty,115200n81,local
	EOF
	ser2net -n -c "$TRASH/s2n.yaml" -P "$TRASH/s2n.pid" >s2n.log 2>&1 &
	echo $! >s2n.pid2 &&
	sleep 0.3
'

test_expect_success SER2NET,JQ 'write over rfc2217://, switched to 460800 on the pty, verified' '
	esp_mkimage --chip esp32s3 --size 300000 >fw.bin &&
	mpf-esp -v --serial rfc2217://127.0.0.1:$port write 0 fw.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.verified out)" = true &&
	grep "now at 460800 baud" err &&
	! grep retrying err &&
	grep "CHANGE_BAUDRATE 460800" net.log &&
	! grep garbage net.log &&
	flash_at net 0 300000 | cmp - fw.bin &&
	esp_sim_clean net
'

test_expect_success SER2NET 'cleanup' '
	kill $(cat s2n.pid2) 2>/dev/null; esp_sim_stop net; true
'

test_done
