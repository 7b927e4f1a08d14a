#!/bin/sh
test_description='mpf-esp under wire faults: a dropped byte, a corrupted checksum and a lost block are sent again; a device vanishing mid-write is an error record with nothing claimed; a failed baud switch falls back to 115200'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

test_expect_success 'image' '
	esp_mkimage --chip esp32s3 --size 300000 >fw.bin &&
	esp_mkimage --chip esp8266 --size 60000 >fw8266.bin
'

for fault in drop checksum; do
	test_expect_success JQ "$fault in block 5: the ROM lost the write; reconnected, written again, verified" "
		esp_sim_start $fault --chip esp32s3 --fault $fault:5 &&
		test_when_finished 'esp_sim_stop $fault' &&
		mpf-esp --serial $fault.tty write 0 fw.bin -o jsonl >out 2>err &&
		test \"\$(jq -r .flashed.verified out)\" = true &&
		grep 'reconnecting to go on at 0x0' err &&
		! grep 'retrying once' err &&
		grep 'fault $fault' $fault.log &&
		test \"\$(grep -c 'FLASH_DEFL_BEGIN erase=' $fault.log)\" = 2 &&
		flash_at $fault 0 300000 | cmp - fw.bin &&
		esp_sim_clean $fault
	"
done

# The real ROMs (Espressif QEMU, t3020): after a checksum error the ROM
# counts the block, answers 0x05 to every resend and would write the next
# block where the refused one belonged.
test_expect_success JQ 'a bad checksum (host side) at 115200, plain blocks: the write goes on from the last good sector, nothing retried at another rate' '
	esp_sim plain --chip esp32 &&
	esp_mkimage --chip esp32 --size 200000 --seed 5 >p.bin &&
	MPF_FAULT=espsum:100 mpf-esp --serial plain.tty --baud 115200 --no-compress \
		write 0x1000 p.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.verified out)" = true &&
	grep "checksum error seq=99" plain.log &&
	grep "reconnecting to go on at 0x19000" err &&
	grep "FLASH_BEGIN erase=0x19000 blocks=100 offset=0x19000" plain.log &&
	! grep "written where block" plain.log &&
	flash_at plain 4096 200000 | cmp - p.bin &&
	esp_sim_clean plain
'

test_expect_success JQ 'ESP8266 (2 status bytes): a corrupted block: reconnected and written again' '
	esp_sim e8 --chip esp8266 --fault checksum:3 &&
	mpf-esp --serial e8.tty write 0 fw8266.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.ok out)" = true &&
	grep "checksum error seq=2" e8.log &&
	grep "reconnecting to go on at 0x0" err &&
	flash_at e8 0 60000 | cmp - fw8266.bin
'

test_expect_success JQ 'no reply to block 5: after the timeout it is sent again' '
	esp_sim noreply --chip esp32c6 --fault noreply:5 &&
	esp_mkimage --chip esp32c6 --size 300000 >c6.bin &&
	mpf-esp --serial noreply.tty write 0 c6.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.verified out)" = true &&
	grep "no reply to FLASH_DEFL_DATA" err &&
	flash_at noreply 0 300000 | cmp - c6.bin
'

test_expect_success JQ 'the device vanishes mid-write: error record, nothing claimed as flashed, the version unknown' '
	esp_sim gone --chip esp32s3 --fault vanish:20 &&
	test_expect_code 1 mpf-esp --serial gone.tty write 0 fw.bin -o jsonl >out 2>err &&
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
	test_expect_code 1 mpf-esp <in >out &&
	# both at once, each written when it ends: found by port
	test "$(grep gone2.tty out | jq -r .error.code)" = no-device &&
	test "$(grep gone2.tty out | jq -r .flashed.complete)" = false &&
	test "$(grep fine.tty out | jq -r .flashed.verified)" = true
'

test_expect_success JQ 'the UART never switches baud: retried once at 115200 and flashed' '
	esp_sim baud --chip esp32 --fault baud &&
	esp_mkimage --chip esp32 --size 100000 >e32.bin &&
	mpf-esp --serial baud.tty write 0x1000 e32.bin -o jsonl >out 2>err &&
	grep "retrying once at 115200" err &&
	test "$(jq -r .flashed.verified out)" = true &&
	flash_at baud 4096 100000 | cmp - e32.bin &&
	grep "garbage: host at 460800" baud.log
'

test_expect_success JQ 'no reset possible (--before no-reset): the retry syncs at the rate the ROM was left at and sets it back to 115200' '
	esp_sim held --chip esp32 --no-auto-reset --fault noreply:5*3 &&
	mpf-esp --serial held.tty --before no-reset write 0x1000 e32.bin -o jsonl >out 2>err &&
	grep "retrying once at 115200" err &&
	test "$(jq -r .flashed.verified out)" = true &&
	grep "CHANGE_BAUDRATE 115200" held.log &&
	! grep garbage held.log &&
	flash_at held 4096 100000 | cmp - e32.bin &&
	esp_sim_clean held
'

test_expect_success JQ '--timeout gives up on a board that stops answering' '
	esp_sim slow --chip esp32 --fault noreply:3 &&
	test_expect_code 1 mpf-esp --serial slow.tty --timeout 1.5 write 0x1000 e32.bin -o jsonl >out &&
	test "$(jq -r .error.code out)" = timeout &&
	test "$(jq -r .flashed.complete out)" = false
'

test_done
