#!/bin/sh
test_description='mpf-esp write: a 1.5 MB image to each chip model, compared byte for byte with the simulated flash; multi-region writes; the ESP8266 ROM erase-size workaround'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

for chip in esp8266 esp32 esp32s2 esp32s3 esp32c2 esp32c3 esp32c6 esp32h2 esp32c5 esp32p4; do
	test_expect_success JQ "1.5 MB image written to $chip and read back from its flash" "
		esp_mkimage --chip $chip --size 1555136 --random 560 >$chip.bin &&
		esp_sim_start $chip --chip $chip &&
		test_when_finished 'esp_sim_stop $chip' &&
		mpf-esp --serial $chip.tty info -o jsonl >info &&
		off=\$(case $chip in esp32|esp32s2) echo 4096;; esp32c5|esp32p4) echo 8192;; *) echo 0;; esac) &&
		mpf-esp --serial $chip.tty write \$off $chip.bin -o jsonl >out &&
		test \"\$(json_field out flashed.ok)\" = true &&
		test \"\$(json_field out flashed.bytes)\" = 1555136 &&
		flash_at $chip \$off 1555136 >back &&
		cmp $chip.bin back &&
		esp_sim_clean $chip
	"
done

test_expect_success JQ 'ESP32 family: compressed blocks, MD5-verified' '
	grep -q FLASH_DEFL_DATA esp32s3.log && ! grep -q "^FLASH_DATA" esp32s3.log &&
	grep -q SPI_FLASH_MD5 esp32s3.log
'

test_expect_success 'ESP8266: plain blocks, no verify (its ROM has no MD5)' '
	grep -q "^FLASH_DATA" esp8266.log && ! grep -q DEFL esp8266.log &&
	! grep -q MD5 esp8266.log
'

test_expect_success JQ 'ESP8266 result says it is not verified' '
	esp_sim e8 --chip esp8266 &&
	esp_mkimage --chip esp8266 --size 20000 >small.bin &&
	mpf-esp --serial e8.tty write 0 small.bin -o jsonl >out &&
	test "$(jq -r .flashed.verified out)" = false
'

test_expect_success JQ 'bootloader + partition table + app in one session' '
	esp_mkimage --chip esp32s3 --boot-only >boot.bin &&
	head -c 3072 /dev/urandom >part.bin &&
	esp_mkimage --chip esp32s3 --size 300000 --seed 7 >app.bin &&
	esp_sim multi --chip esp32s3 &&
	mpf-esp --serial multi.tty write 0x10000 app.bin 0x0 boot.bin 0x8000 part.bin -o jsonl >out &&
	test "$(json_field out flashed.verified)" = true &&
	test "$(grep -c "BEGIN erase=" multi.log)" = 3 &&
	flash_at multi 0 $(stat -c %s boot.bin) | cmp - boot.bin &&
	flash_at multi 32768 3072 | cmp - part.bin &&
	flash_at multi 65536 300000 | cmp - app.bin &&
	esp_sim_clean multi
'

test_expect_success JQ 'ESP32: the ROM programs the rest of its inflate window past a compressed write; nothing outside the regions changes' '
	yes "pattern" | head -c 4194304 >ow.flash && cp ow.flash pattern &&
	esp_mkimage --chip esp32 --boot-only >b32.bin &&
	esp_mkimage --chip esp32 --size 98304 --random 300 --seed 4 >a32.bin &&
	esp_sim ow --chip esp32 &&
	mpf-esp --serial ow.tty write 0x1000 b32.bin 0x8000 part.bin 0x10000 a32.bin -o jsonl >out &&
	test "$(json_field out flashed.verified)" = true &&
	grep "inflate window over-write" ow.log &&
	flash_at ow 0x8000 3072 | cmp - part.bin &&
	flash_at ow $((0x9000)) $((0x7000)) >got && tail -c +$((0x9000 + 1)) pattern | head -c $((0x7000)) | cmp - got &&
	flash_at ow $((0x28000)) 65536 >got && tail -c +$((0x28000 + 1)) pattern | head -c 65536 | cmp - got &&
	flash_at ow $((0x10000)) 98304 | cmp - a32.bin &&
	esp_sim_clean ow
'

test_expect_success 'overlapping regions and regions past the end are refused before any write' '
	esp_sim ovl --chip esp32c3 --flash-size 2MB &&
	esp_mkimage --chip esp32c3 --size 100000 >c3.bin &&
	test_expect_code 1 mpf-esp --serial ovl.tty write 0x0 c3.bin 0x10000 c3.bin -o jsonl >out &&
	grep overlaps out &&
	test_expect_code 1 mpf-esp --serial ovl.tty write 0x1F0000 c3.bin -o jsonl >out &&
	grep "past the end" out &&
	! grep BEGIN ovl.log
'

test_expect_success 'ESP8266: data after the region survives (erase-size workaround)' '
	esp_sim wa --chip esp8266 &&
	printf "MARKER-AFTER-THE-REGION" >marker &&
	mpf-esp --serial wa.tty write 0x30000 marker -o jsonl >/dev/null &&
	esp_mkimage --chip esp8266 --size 196608 --seed 3 >e.bin &&
	mpf-esp --serial wa.tty write 0 e.bin -o jsonl >/dev/null &&
	flash_at wa 0 196608 | cmp - e.bin &&
	flash_at wa 196608 23 >got && printf "MARKER-AFTER-THE-REGION" | cmp - got &&
	grep "FLASH_BEGIN erase=0x20000 blocks=192 offset=0x0" wa.log &&
	esp_sim_clean wa
'

test_expect_success 'a write inside a sector erases from the sector start (0xFF-padded, as the ROM erases whole sectors) and leaves the next sector alone' '
	esp_sim ua --chip esp32 &&
	printf "0123456789abcdef" >data &&
	mpf-esp --serial ua.tty write 0x101000 data -o jsonl >/dev/null &&
	mpf-esp --serial ua.tty write 0x100800 data -o jsonl >/dev/null &&
	flash_at ua 1050624 16 | cmp - data &&
	grep "offset=0x100000" ua.log &&
	esp_sim_clean ua
'

test_expect_success JQ 'ESP32-C2 with a 26 MHz crystal: the baud request is scaled for its ROM' '
	esp_sim c2x --chip esp32c2 --xtal 26 &&
	esp_mkimage --chip esp32c2 --size 100000 >c2.bin &&
	mpf-esp --serial c2x.tty write 0 c2.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.verified out)" = true &&
	grep "CHANGE_BAUDRATE 708923" c2x.log &&
	! grep retrying err && ! grep garbage c2x.log
'

test_done
