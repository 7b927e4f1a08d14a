#!/bin/sh
test_description='mpf-esp image checks, one rule for the command line and for records: truncated or damaged images and non-images at the bootloader offset are refused before any erase, minimum and maximum chip revisions as esptool checks them, --force overrides'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

# record FILE [OFFSET]: a record for the simulated board
record() {
	printf "{\"serial\":\"%s\",\"method\":\"esp\",\"firmware\":{\"file\":\"%s\"%s}}\n" \
		"$PWD/s3.tty" "$PWD/$1" "${2:+,\"offset\":$2}"
}

nothing_erased() { ! grep -E "BEGIN|erased" "$1.log"; }

test_expect_success 'set up' '
	esp_sim_start s3 --chip esp32s3 --rev 100 &&
	esp_mkimage --chip esp32s3 --boot-only >boot.bin &&
	head -c 8000 boot.bin >boot-cut.bin &&
	esp_mkimage --chip esp32s3 --merged --size 300000 >merged.bin &&
	head -c 100000 merged.bin >merged-cut.bin &&
	printf "not a firmware image" >text.bin
'

# refused_both FILE MESSAGE: written at 0 from the command line and from a
# record, FILE is refused with MESSAGE (after the path), nothing erased
refused_both() {
	: >s3.log &&
	test_expect_code 1 mpf-esp --no-stub --serial s3.tty write 0 "$1" -o jsonl >out &&
	jq -r .error.message out | grep "^$1$2" &&
	record "$1" | test_expect_code 1 mpf-esp --no-stub >out &&
	jq -r .error.message out | grep "/$1$2" &&
	nothing_erased s3
}

test_expect_success JQ 'a truncated bootloader image is refused on the command line and in a record' '
	refused_both boot-cut.bin " at 0x0: image truncated"
'

test_expect_success JQ 'a merged image whose app is cut short is refused (its bootloader is whole)' '
	refused_both merged-cut.bin " at 0x10000: image truncated"
'

test_expect_success JQ 'a merged image with a damaged partition table is refused' '
	cp merged.bin merged-badtable.bin &&
	printf "X" | dd of=merged-badtable.bin bs=1 seek=$((0x8000 + 40)) conv=notrunc 2>/dev/null &&
	refused_both merged-badtable.bin ": partition table at 0x8000: its MD5 entry does not match"
'

test_expect_success JQ 'a whole merged image is written and verified' '
	mpf-esp --no-stub --serial s3.tty write 0 merged.bin -o jsonl >out &&
	test "$(json_field out flashed.verify)" = md5 &&
	flash_at s3 0 300000 | cmp - merged.bin
'

test_expect_success JQ 'a truncated app image at 0x10000 is refused' '
	tail -c +$((0x10000 + 1)) merged.bin | head -c 50000 >app-cut.bin &&
	: >s3.log &&
	test_expect_code 1 mpf-esp --no-stub --serial s3.tty write 0x10000 app-cut.bin -o jsonl >out &&
	jq -r .error.message out | grep "^app-cut.bin at 0x10000: image truncated" &&
	nothing_erased s3
'

test_expect_success JQ 'text at the bootloader offset: refused on the command line as in a record' '
	: >s3.log &&
	test_expect_code 1 mpf-esp --no-stub --serial s3.tty write 0 text.bin -o jsonl >out &&
	jq -r .error.message out >cli &&
	grep "^text.bin is not a firmware image for ESP32-S3, and 0x0 is its bootloader offset" cli &&
	record text.bin | test_expect_code 1 mpf-esp --no-stub >out &&
	jq -r .error.message out | sed "s|^$PWD/||" >rec &&
	test_cmp cli rec &&
	nothing_erased s3
'

test_expect_success JQ 'text elsewhere is data, and is written' '
	mpf-esp --no-stub --serial s3.tty write 0x200000 text.bin -o jsonl >out &&
	test "$(json_field out flashed.verified)" = true
'

test_expect_success JQ '--force writes text at the bootloader offset, with a warning' '
	mpf-esp --no-stub --serial s3.tty --force write 0 text.bin -o jsonl >out 2>err &&
	test "$(json_field out flashed.verified)" = true &&
	grep "writing it anyway (--force)" err &&
	flash_at s3 0 20 | cmp - text.bin
'

# rev_refused FILE MKIMAGE-ARGS MESSAGE: an S3 bootloader made with those
# revision fields is refused on the v1.0 chip with MESSAGE, nothing erased
rev_refused() {
	esp_mkimage --chip esp32s3 --boot-only $2 >"$1" &&
	: >s3.log &&
	test_expect_code 1 mpf-esp --no-stub --serial s3.tty write 0 "$1" -o jsonl >out &&
	test "$(jq -r .error.message out)" = "$1: it requires chip revision $3" &&
	nothing_erased s3
}

test_expect_success JQ 'an image needing chip revision v2.0 or later is refused on a v1.0 chip' '
	rev_refused rev-min.bin "--rev 200-65535" "v2.0 - max rev not set, this chip is v1.0"
'

test_expect_success JQ 'an image for revisions up to v0.99 is refused on a v1.0 chip' '
	rev_refused rev-max.bin "--rev 0-99" "v0.0 - v0.99, this chip is v1.0"
'

test_expect_success JQ 'the legacy min_rev byte (no full fields): major revision 2 refused on v1.0' '
	rev_refused rev-old.bin "--min-rev 2" "2 or higher (this chip is v1.0)"
'

test_expect_success JQ 'an image whose range holds the chip is written; --force writes the others' '
	esp_mkimage --chip esp32s3 --boot-only --rev 100-199 >rev-ok.bin &&
	mpf-esp --no-stub --serial s3.tty write 0 rev-ok.bin -o jsonl >out &&
	test "$(json_field out flashed.verified)" = true &&
	mpf-esp --no-stub --serial s3.tty --force write 0 rev-min.bin -o jsonl >out 2>err &&
	test "$(json_field out flashed.verified)" = true &&
	grep "requires chip revision v2.0" err
'

test_expect_success JQ 'an image for another chip at an app offset is refused, named' '
	esp_mkimage --chip esp32c3 --boot-only >c3.bin &&
	test_expect_code 1 mpf-esp --no-stub --serial s3.tty write 0x10000 c3.bin -o jsonl >out &&
	test "$(jq -r .error.message out)" = "image is for ESP32-C3, chip is ESP32-S3 (c3.bin)"
'

test_expect_success 'stop' '
	esp_sim_clean s3 &&
	esp_sim_stop s3
'

test_done
