#!/bin/sh
test_description='mpf-esp image-info: an image file described offline, as esptool image-info does: chip, segments, entry, flash parameters, checksum and SHA-256 status, chip revisions, each part of a merged image'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

# field N PATH: a field of the Nth record of out
field() { sed -n "$1p" out | jq -c ".$2"; }

test_expect_success JQ 'a bootloader image: its header, segments and digests, no port needed' '
	esp_mkimage --chip esp32s3 --boot-only --rev 3-199 >boot.bin &&
	mpf-esp image-info boot.bin -o jsonl >out &&
	test "$(wc -l <out)" = 1 &&
	test "$(field 1 image.chip)" = "\"ESP32-S3\"" &&
	test "$(field 1 image.chip_id)" = 9 &&
	test "$(field 1 image.entry)" = "\"0x40080400\"" &&
	test "$(field 1 image.segments)" = "[{\"address\":\"0x3ffe0000\",\"length\":6144,\"file_offset\":\"0x20\"},{\"address\":\"0x40078000\",\"length\":9216,\"file_offset\":\"0x1828\"}]" &&
	test "$(field 1 image.flash_mode)" = "\"dio\"" &&
	test "$(field 1 image.flash_size)" = "\"4MB\"" &&
	test "$(field 1 image.flash_freq)" = "\"40m\"" &&
	test "$(field 1 image.checksum)" = "\"valid\"" &&
	test "$(field 1 image.sha256)" = "\"valid\"" &&
	test "$(field 1 image.min_rev)" = "\"v0.3\"" &&
	test "$(field 1 image.max_rev)" = "\"v1.99\"" &&
	test "$(field 1 image.length)" = "$(stat -c %s boot.bin)"
'

test_expect_success JQ 'a merged image: bootloader at the chip offset, partition table, app' '
	esp_mkimage --chip esp32 --merged --size 300000 >merged.bin &&
	mpf-esp image-info merged.bin -o jsonl >out &&
	test "$(wc -l <out)" = 3 &&
	test "$(field 1 image.part)" = "\"bootloader\"" &&
	test "$(field 1 image.address)" = "\"0x1000\"" &&
	test "$(field 2 image.part)" = "\"partition-table\"" &&
	test "$(field 2 image.partitions[2])" = "{\"label\":\"factory\",\"type\":\"app\",\"subtype\":0,\"offset\":\"0x10000\",\"size\":\"0x1f0000\"}" &&
	test "$(field 3 image.part)" = "\"app\"" &&
	test "$(field 3 image.address)" = "\"0x10000\"" &&
	test "$(field 3 image.file_offset)" = "\"0xf000\"" &&
	test "$(field 3 image.sha256)" = "\"valid\"" &&
	mpf-esp image-info merged.bin -o table >table &&
	grep "^app  *0x10000  *ESP32  *1  *0x40080400  *dio  *4MB  *40m  *valid  *valid" table
'

test_expect_success JQ 'a damaged checksum and digest are shown, and are an error' '
	cp boot.bin bad.bin &&
	printf "X" | dd of=bad.bin bs=1 seek=100 conv=notrunc 2>/dev/null &&
	test_expect_code 1 mpf-esp image-info bad.bin -o jsonl >out &&
	test "$(field 1 image.checksum)" = "\"invalid\"" &&
	test "$(field 1 image.sha256)" = "\"invalid\"" &&
	jq -r .error.message out | grep "checksum"
'

test_expect_success JQ 'a truncated merged image: the cut app is an error record' '
	head -c 100000 merged.bin >cut.bin &&
	test_expect_code 1 mpf-esp image-info cut.bin -o jsonl >out &&
	test "$(field 1 image.checksum)" = "\"valid\"" &&
	jq -r "select(.image.part == \"app\") | .error.message" out | grep "image truncated"
'

test_expect_success JQ 'newer chips by name, not by number' '
	esp_mkimage --chip esp32c61 --boot-only >c61.bin &&
	mpf-esp image-info c61.bin -o jsonl >out &&
	test "$(field 1 image.chip)" = "\"ESP32-C61\"" &&
	test "$(field 1 image.chip_id)" = 20 &&
	esp_mkimage --chip esp32h4 --boot-only >h4.bin &&
	mpf-esp image-info h4.bin -o jsonl >out &&
	test "$(field 1 image.chip)" = "\"ESP32-H4\""
'

test_expect_success JQ 'an ESP8266 image: no extended header' '
	esp_mkimage --chip esp8266 --boot-only >e8.bin &&
	mpf-esp image-info e8.bin -o jsonl >out &&
	test "$(field 1 image.chip)" = "\"ESP8266\"" &&
	test "$(field 1 image.chip_id)" = null &&
	test "$(field 1 image.flash_size)" = "\"1MB\""
'

test_expect_success JQ 'text is no image' '
	printf "hello" >text.bin &&
	test_expect_code 1 mpf-esp image-info text.bin -o jsonl >out &&
	jq -r .error.message out | grep "text.bin is not an ESP image"
'

test_done
