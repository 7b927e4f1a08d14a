#!/bin/sh
test_description='mpf-esp as a filter: records with method esp are flashed at the chip offset, wrong chips refused with nothing written, other records pass through'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

# esp_record NAME FILE [FIELDS [FIRMWARE_FIELDS]]: the record that sends
# FILE to NAME.tty with method esp, FIELDS before the method
esp_record () {
	printf '{"serial":"%s",%s"method":"esp","firmware":{"file":"%s"%s}}\n' \
		"$PWD/$1.tty" "${3:+$3,}" "$PWD/$2" "${4:+,$4}"
}

test_expect_success JQ 'an ESP32 record is flashed at 0x1000 and gains flashed' '
	esp_mkimage --chip esp32 --size 200000 >fw.bin &&
	esp_sim s1 --chip esp32 &&
	printf "{\"serial\":\"%s\",\"cpu\":\"ESP32\",\"board_id\":\"ESP32_GENERIC\",\"method\":\"esp\",\"firmware\":{\"file\":\"%s\",\"version\":\"1.24.1\"},\"extra\":[1,2]}\n" \
		"$PWD/s1.tty" "$PWD/fw.bin" >in &&
	mpf-esp <in >out &&
	test "$(jq -r .flashed.method out)" = esp &&
	test "$(jq -r .flashed.ok out)" = true &&
	test "$(jq -r .flashed.bytes out)" = 200000 &&
	test "$(jq -r .flashed.verified out)" = true &&
	jq -e ".flashed.seconds > 0" out &&
	test "$(jq -c .extra out)" = "[1,2]" &&
	test "$(jq -r .firmware.version out)" = 1.24.1 &&
	grep "FLASH_DEFL_BEGIN .*offset=0x1000" s1.log &&
	flash_at s1 4096 200000 | cmp - fw.bin &&
	esp_sim_clean s1
'

test_expect_success JQ 'firmware.offset from mpf-pick wins over the table' '
	esp_mkimage --chip esp32c3 --size 100000 >c3.bin &&
	esp_sim s2 --chip esp32c3 &&
	esp_record s2 c3.bin "" "\"offset\":\"0x10000\"" | mpf-esp >out &&
	test "$(jq -r .flashed.ok out)" = true &&
	flash_at s2 65536 100000 | cmp - c3.bin
'

test_expect_success JQ 'a record whose cpu is another chip is refused, nothing written' '
	esp_mkimage --chip esp32s3 --size 100000 >s3.bin &&
	esp_sim s3 --chip esp32c3 &&
	cp s3.flash before.flash &&
	esp_record s3 s3.bin "\"cpu\":\"ESP32S3\"" >in &&
	test_expect_code 1 mpf-esp <in >out &&
	test "$(jq -r .error.message out)" = "expected ESP32-S3, chip is ESP32-C3" &&
	test "$(jq -r .error.code out)" = mismatch &&
	test "$(jq -r .flashed out)" = null &&
	! grep -E "BEGIN|DATA" s3.log &&
	cmp s3.flash before.flash
'

test_expect_success JQ 'firmware.chip from mpf-pick is checked too, nothing written' '
	esp_sim s3b --chip esp32c3 &&
	esp_record s3b c3.bin "" "\"chip\":\"esp32c6\",\"offset\":0" >in &&
	test_expect_code 1 mpf-esp <in >out &&
	test "$(jq -r .error.message out)" = "firmware is for ESP32-C6, chip is ESP32-C3" &&
	! grep -E "BEGIN|DATA" s3b.log
'

test_expect_success JQ 'an image built for another chip is refused: "image is for ESP32-S3, chip is ESP32-C3"' '
	esp_sim s4 --chip esp32c3 &&
	cp s4.flash before.flash &&
	esp_record s4 s3.bin >in &&
	test_expect_code 1 mpf-esp <in >out &&
	jq -r .error.message out | grep "^image is for ESP32-S3, chip is ESP32-C3" &&
	! grep -E "BEGIN|DATA" s4.log &&
	cmp s4.flash before.flash
'

test_expect_success JQ 'an ESP32 image offered to an ESP8266 is refused' '
	esp_sim s5 --chip esp8266 &&
	esp_record s5 fw.bin | test_expect_code 1 mpf-esp >out &&
	jq -r .error.message out | grep "^image is for ESP32, chip is ESP8266" &&
	! grep -E "BEGIN erase=[^0]" s5.log
'

test_expect_success JQ 'a file that is no firmware image is refused in filter mode' '
	head -c 5000 /dev/zero >zero.bin &&
	esp_sim s6 --chip esp32s3 &&
	esp_record s6 zero.bin | test_expect_code 1 mpf-esp >out &&
	test "$(jq -r .error.code out)" = format &&
	jq -r .error.message out | grep "not a firmware image"
'

test_expect_success JQ 'two boards flashed in parallel (-j 2), --keep-order: records in input order, progress as JSON events' '
	esp_mkimage --chip esp32c6 --size 150000 >c6.bin &&
	esp_sim pa --chip esp32c3 &&
	esp_sim pb --chip esp32c6 &&
	{
		esp_record pa c3.bin "\"n\":1"
		esp_record pb c6.bin "\"n\":2"
	} >in &&
	mpf-esp -j 2 --keep-order --progress json <in >out 2>events &&
	test "$(jq -r .n out | tr -d "\n")" = 12 &&
	test "$(jq -r .flashed.verified out | sort -u)" = true &&
	flash_at pa 0 100000 | cmp - c3.bin &&
	flash_at pb 0 150000 | cmp - c6.bin &&
	grep "\"event\":\"begin\"" events | grep -q "pb.tty" &&
	grep "\"event\":\"end\"" events | grep "\"ok\":true" | grep -q "pa.tty"
'

test_expect_success JQ 'records for other methods and error records pass through untouched' '
	cat >in <<-\EOF &&
	{"serial":"/dev/null","method":"uf2",  "x":1}
	{"serial":"/dev/null","method":"esp","error":{"applet":"mpf-fetch","code":"x","message":"y"}}
	{"kind":"dfu"}
	EOF
	# exit 1: a record that failed upstream still fails the pipeline
	test_expect_code 1 mpf-esp <in >out &&
	test_cmp in out
'

test_expect_success JQ 'a missing firmware file is an error record' '
	echo "{\"serial\":\"/dev/null\",\"method\":\"esp\",\"firmware\":{\"file\":\"/nonexistent.bin\"}}" |
		test_expect_code 1 mpf-esp >out &&
	jq -r .error.message out | grep nonexistent
'

test_done
