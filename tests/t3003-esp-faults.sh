#!/bin/sh
test_description='mpf-esp --no-stub under wire faults: a dropped byte, a corrupted checksum and a lost block are sent again; a device vanishing mid-write is an error record with nothing claimed; a failed baud switch falls back to 115200'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

test_expect_success 'image' '
	esp_mkimage --chip esp32s3 --size 300000 >fw.bin &&
	esp_mkimage --chip esp8266 --size 60000 >fw8266.bin
'

for fault in drop checksum; do
	test_expect_success JQ "$fault in block 5: the block is sent again and the write verifies" "
		esp_sim_start $fault --chip esp32s3 --fault $fault:5 &&
		test_when_finished 'esp_sim_stop $fault' &&
		mpf-esp --no-stub --serial $fault.tty write 0 fw.bin -o jsonl >out 2>err &&
		test \"\$(jq -r .flashed.verified out)\" = true &&
		grep 'block 4:.*sending it again' err &&
		grep 'fault $fault' $fault.log &&
		test \"\$(grep -c 'FLASH_DEFL_DATA seq=4 ' $fault.log)\" = 1 &&
		flash_at $fault 0 300000 | cmp - fw.bin &&
		esp_sim_clean $fault
	"
done

test_expect_success JQ 'ESP8266 (2 status bytes): a corrupted block is sent again' '
	esp_sim e8 --chip esp8266 --fault checksum:3 &&
	mpf-esp --no-stub --serial e8.tty write 0 fw8266.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.ok out)" = true &&
	grep "checksum error seq=2" e8.log &&
	flash_at e8 0 60000 | cmp - fw8266.bin
'

test_expect_success JQ 'no reply to block 5: after the timeout it is sent again' '
	esp_sim noreply --chip esp32c6 --fault noreply:5 &&
	esp_mkimage --chip esp32c6 --size 300000 >c6.bin &&
	mpf-esp --no-stub --serial noreply.tty write 0 c6.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.verified out)" = true &&
	grep "no reply to FLASH_DEFL_DATA" err &&
	flash_at noreply 0 300000 | cmp - c6.bin
'

test_expect_success JQ 'the device vanishes mid-write: error record, nothing claimed as flashed, the version unknown' '
	esp_sim gone --chip esp32s3 --fault vanish:20 &&
	test_expect_code 1 mpf-esp --no-stub --serial gone.tty write 0 fw.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.complete out)" = false &&
	test "$(jq -r .error.code out)" = no-device &&
	jq -r .error.message out | grep "went away" &&
	! grep "retrying" err
'

test_expect_success JQ 'in a pipeline the vanished board fails alone; the next record is flashed' '
	esp_sim gone2 --chip esp32s3 --fault vanish:3 &&
	esp_sim fine --chip esp32s3 &&
	for p in gone2 fine; do
		printf "{\"serial\":\"%s\",\"method\":\"esp\",\"firmware\":{\"file\":\"%s\"}}\n" "$PWD/$p.tty" "$PWD/fw.bin"
	done >in &&
	test_expect_code 1 mpf-esp --no-stub <in >out &&
	test "$(sed -n 1p out | jq -r .error.code)" = no-device &&
	test "$(sed -n 1p out | jq -r .flashed.complete)" = false &&
	test "$(sed -n 2p out | jq -r .flashed.verified)" = true
'

test_expect_success JQ 'the UART never switches baud: retried once at 115200 and flashed' '
	esp_sim baud --chip esp32 --fault baud &&
	esp_mkimage --chip esp32 --size 100000 >e32.bin &&
	mpf-esp --no-stub --serial baud.tty write 0x1000 e32.bin -o jsonl >out 2>err &&
	grep "retrying once at 115200" err &&
	test "$(jq -r .flashed.verified out)" = true &&
	flash_at baud 4096 100000 | cmp - e32.bin &&
	grep "garbage: host at 460800" baud.log
'

test_expect_success JQ '--timeout gives up on a board that stops answering' '
	esp_sim slow --chip esp32 --fault noreply:3 &&
	test_expect_code 1 mpf-esp --no-stub --serial slow.tty --timeout 1.5 write 0x1000 e32.bin -o jsonl >out &&
	test "$(jq -r .error.code out)" = timeout &&
	test "$(jq -r .flashed.complete out)" = false
'

test_done
