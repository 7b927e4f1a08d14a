#!/bin/sh
test_description='mpf-esp --no-stub write plan: files that share a flash sector both survive, every region is verified after the last write and the record says how, overlaps name both files, empty files are skipped with a warning'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

# all_ff NAME OFFSET LEN: that range of the simulated flash is erased
all_ff() { test "$(flash_at "$1" "$2" "$3" | tr -d "\377" | wc -c)" = 0; }

# data_before_md5 LOG: every data block came before the first MD5
data_before_md5() {
	_last=$(grep -n "DATA seq=" "$1" | tail -n 1 | cut -d: -f1)
	_first=$(grep -n "^SPI_FLASH_MD5 0x" "$1" | head -n 1 | cut -d: -f1)
	test -n "$_last" && test -n "$_first" && test "$_last" -lt "$_first"
}

test_expect_success 'set up' '
	esp_sim_start s3 --chip esp32s3 &&
	head -c 1280 /dev/urandom >a.bin &&
	head -c 768 /dev/urandom >b.bin &&
	printf "MARKER-IN-THE-NEXT-SECTOR" >marker
'

test_expect_success JQ 'files at 0xd00 and 0x1d00 share a sector: both in flash, 0xFF around them, the next sector kept' '
	mpf-esp --no-stub --serial s3.tty write 0x2000 marker -o jsonl >/dev/null &&
	: >s3.log &&
	mpf-esp --no-stub --serial s3.tty write 0xd00 a.bin 0x1d00 b.bin -o jsonl >out 2>err &&
	test "$(json_field out flashed.verified)" = true &&
	test "$(json_field out flashed.verify)" = md5 &&
	test "$(json_field out flashed.bytes)" = 2048 &&
	flash_at s3 0xd00 1280 | cmp - a.bin &&
	flash_at s3 0x1d00 768 | cmp - b.bin &&
	all_ff s3 0 0xd00 &&
	all_ff s3 0x1200 0xb00 &&
	flash_at s3 0x2000 25 | cmp - marker &&
	test "$(grep -c "^erased" s3.log)" = 1 &&
	grep "^erased 0x00000000+0x2000" s3.log &&
	grep "a.bin (0xd00) and b.bin (0x1d00) share a flash sector" err &&
	data_before_md5 s3.log &&
	esp_sim_clean s3
'

test_expect_success JQ 'three regions: every one verified after the last write, the tail of a last sector erased and checked' '
	esp_mkimage --chip esp32s3 --boot-only >boot.bin &&
	head -c 3072 /dev/urandom >part.bin &&
	esp_mkimage --chip esp32s3 --size 100000 --seed 5 >app.bin &&
	: >s3.log &&
	mpf-esp --no-stub --serial s3.tty write 0x10000 app.bin 0x0 boot.bin 0x8000 part.bin -o jsonl >out &&
	test "$(json_field out flashed.verify)" = md5 &&
	test "$(grep -c "^SPI_FLASH_MD5 0x" s3.log)" = 3 &&
	data_before_md5 s3.log &&
	flash_at s3 0x8000 3072 | cmp - part.bin &&
	all_ff s3 0x8c00 0x400 &&
	flash_at s3 0x10000 100000 | cmp - app.bin &&
	esp_sim_clean s3
'

test_expect_success JQ 'overlapping files: both named with their ranges, nothing erased' '
	: >s3.log &&
	test_expect_code 1 mpf-esp --no-stub --serial s3.tty write 0xd00 a.bin 0x1000 b.bin -o jsonl >out &&
	test "$(jq -r .error.message out)" = "b.bin at 0x1000-0x12ff overlaps a.bin at 0xd00-0x11ff" &&
	! grep -E "BEGIN|erased" s3.log
'

test_expect_success JQ 'an empty file among several is skipped with a warning, as esptool does' '
	: >empty.bin &&
	: >s3.log &&
	mpf-esp --no-stub --serial s3.tty write 0x20000 a.bin 0x30000 empty.bin -o jsonl >out 2>err &&
	test "$(json_field out flashed.verified)" = true &&
	test "$(json_field out flashed.bytes)" = 1280 &&
	grep "empty.bin is empty: nothing written at 0x30000" err &&
	flash_at s3 0x20000 1280 | cmp - a.bin &&
	test "$(grep -c "^erased" s3.log)" = 1
'

test_expect_success JQ 'only empty files: refused, nothing erased' '
	: >s3.log &&
	test_expect_code 1 mpf-esp --no-stub --serial s3.tty write 0x30000 empty.bin -o jsonl >out 2>err &&
	jq -r .error.message out | grep "nothing to write" &&
	! grep -E "BEGIN|erased" s3.log
'

test_expect_success JQ 'ESP8266: its ROM has no MD5, and the record says so' '
	esp_sim_start e8 --chip esp8266 &&
	test_when_finished "esp_sim_stop e8" &&
	mpf-esp --no-stub --serial e8.tty write 0x20000 a.bin -o jsonl >out &&
	test "$(jq -r .flashed.verified out)" = false &&
	test "$(json_field out flashed.verify)" = none
'

test_expect_success 'stop' '
	esp_sim_clean s3 &&
	esp_sim_stop s3
'

test_done
