#!/bin/sh
test_description='applets on boards exported by ser2net (rfc2217://): identify the real QEMU micro:bit, enter the bootloader, flash and wait for the board to come back, ESP reset lines in order'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"

# A lab exports each board's serial port with ser2net (RFC 2217) and mpf
# runs elsewhere. Here ser2net runs on loopback in front of the boards'
# ptys; the UF2 drive of a board in its bootloader is local to the test.
base=$(tcp_ports 3)
p_bit=$base p_pico=$((base + 1)) p_peer=$((base + 2))
peer=$(mpf_sim rfc2217-peer)

start_ser2net() {
	cat >s2n.yaml <<-EOF
	connection: &microbit
	  accepter: telnet(rfc2217),tcp,127.0.0.1,$p_bit
	  connector: serialdev,$(cat microbit.pty),115200n81,local
	connection: &pico
	  accepter: telnet(rfc2217),tcp,127.0.0.1,$p_pico
	  connector: serialdev,$TRASH/a.tty,115200n81,local
	EOF
	ser2net -n -c "$TRASH/s2n.yaml" -P "$TRASH/s2n.pid" >s2n.log 2>&1 &
	echo $! >s2n.ppid
	sleep 0.5
}

# test_done removes the trash directory (and the pid files in it) before
# the shell exits: stop everything in a last test, the trap is for a file
# that dies early
stop_all() { stop_microbit; kill $(cat "$TRASH/microbit.pid" "$TRASH/s2n.ppid" "$TRASH/peer.pid" 2>/dev/null) 2>/dev/null; }
trap stop_all EXIT

test_expect_success SER2NET,QEMU_MICROBIT,JQ 'setup: QEMU micro:bit and ser2net in front of it' '
	start_microbit &&
	start_ser2net
'

test_expect_success SER2NET,QEMU_MICROBIT,JQ 'the real micro:bit identified through ser2net is the same board as direct' '
	mpf-info --timeout 8 "$(cat microbit.pty)" </dev/null >direct &&
	mpf-info --timeout 8 rfc2217://127.0.0.1:$p_bit </dev/null >remote &&
	jq -c "{family, version, build, cpu, board}" direct >a &&
	jq -c "{family, version, build, cpu, board}" remote >b &&
	test_cmp a b &&
	test "$(json_field remote version)" = 1.9.2 &&
	test "$(json_field remote serial)" = rfc2217://127.0.0.1:$p_bit
'

test_expect_success SER2NET,FUSE,JQ 'a Pico W behind ser2net: mpy bootloader, UF2 flash, back on the network port, 1.24.1' '
	printf "MicroPython v1.22.2 on 2024-02-22; Raspberry Pi Pico W with RP2040\0" >a.img &&
	{ printf "MicroPython v1.24.1 on 2024-11-29; Raspberry Pi Pico W with RP2040\0"
	  head -c 30000 /dev/urandom; } >fw.bin &&
	mpf-uf2 convert --family RP2040 fw.bin fw.uf2 &&
	mkdir -p a.drv &&
	start_sim a --board rp2-1.22.2 -v --link "$PWD/a.tty" --uf2 "$PWD/a.drv" \
		--flash a.img --drive-sim "$(mpf_sim uf2drive-sim)" &&
	wait_for 10 test -e a.tty &&
	mpf-info rfc2217://127.0.0.1:$p_pico </dev/null >before &&
	test "$(json_field before version)" = 1.22.2 &&
	jq -c ". + {method: \"uf2\", bootloader: [\"mpy\"], firmware: {file: \"fw.uf2\"}}" before |
	mpf-bootloader | mpf-uf2 --timeout 20 | mpf-info >after &&
	test "$(json_field after serial)" = rfc2217://127.0.0.1:$p_pico &&
	test "$(json_field after flashed.ok)" = true &&
	test "$(json_field after version)" = 1.24.1 &&
	test "$(json_field after previous.version)" = 1.22.2 &&
	grep -q "machine.bootloader(): resetting into the UF2 bootloader" a.err &&
	stop_sim a
'

test_expect_success 'setup: an RFC 2217 peer that logs line changes' '
	$peer $p_peer peer.log & echo $! >peer.pid &&
	sleep 0.3
'

test_expect_success 'touch1200 over rfc2217: 1200 baud, then DTR dropped, reach the wire in that order' '
	: >peer.log &&
	echo "{\"serial\":\"rfc2217://127.0.0.1:$p_peer\",\"port\":\"rp2\",\"bootloader\":[\"touch1200\"]}" |
	mpf-bootloader --wait 1 --timeout 2 >out 2>err;
	wait_for 3 grep -q closed peer.log &&
	# the port is opened at 1200 baud (set while negotiating), then DTR drops
	grep -E "^(baud|dtr|rts)" peer.log >order &&
	test "$(sed -n 1p order)" = "baud 1200" &&
	grep -q "^dtr 0" order
'

test_expect_success 'mpf-esp reset sequence over rfc2217: the lines reach the wire in the order of doc/protocols.md 1.9' '
	: >peer.log &&
	test_must_fail mpf-esp --serial rfc2217://127.0.0.1:$p_peer --connect-attempts 1 --timeout 3 info >out 2>err &&
	wait_for 3 grep -q closed peer.log &&
	grep -E "^(dtr|rts) " peer.log | sed -n 1,11p | tr "\n" " " >got &&
	# the tight reset: (0,0) -> (1,1) -> DTR0,RTS1 (EN low) -> DTR1,RTS0 (IO0
	# low, EN high: download mode) -> (0,0), then DTR=0; each pair sent DTR first
	printf "dtr 0 rts 0 dtr 1 rts 1 dtr 0 rts 1 dtr 1 rts 0 dtr 0 rts 0 dtr 0 " >want &&
	test_cmp want got
'

test_expect_success 'cleanup: QEMU, ser2net and the peer are stopped' '
	stop_all; true
'

test_done
