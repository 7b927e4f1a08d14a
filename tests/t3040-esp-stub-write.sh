#!/bin/sh
test_description='mpf-esp writes through our flasher stub by default: uploaded with MEM_*, 16 KiB deflated blocks, erase as it goes, exact bytes around the region; --no-stub keeps the ROM loader'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

test_expect_success ESP_STUB_C3 'setup: an image and an ESP32-C3 whose flash holds other data' '
	esp_mkimage --chip esp32c3 --size 300000 >fw.bin &&
	head -c 2097152 /dev/zero | tr "\000" "\132" >c3.flash &&
	esp_sim_start c3 --chip esp32c3 --flash-size 2MB
'

test_expect_success ESP_STUB_C3,JQ 'the stub is uploaded, greets, and flashes: flashed.loader is stub' '
	mpf-esp -v --serial c3.tty write 0x10000 fw.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.loader out)" = stub &&
	test "$(jq -r .flashed.verified out)" = true &&
	grep "the stub greeted" err &&
	grep "^MEM_BEGIN" c3.log && grep "^stub loaded" c3.log &&
	grep "stub FLASH_DEFL_BEGIN size=0x4a000 blocks=.* block=0x4000 offset=0x10000" c3.log &&
	! grep "^FLASH_DEFL_BEGIN" c3.log &&
	grep "stub SPI_FLASH_MD5 0x10000+0x4a000" c3.log &&
	flash_at c3 65536 300000 | cmp - fw.bin &&
	esp_sim_clean c3
'

test_expect_success ESP_STUB_C3 'only the sectors written are erased: the rest of the last sector is 0xFF, the bytes around are the old ones' '
	test "$(flash_at c3 $((65536 + 300000)) $((303104 - 300000)) | tr -d "\377" | wc -c)" = 0 &&
	test "$(flash_at c3 0 65536 | tr -d Z | wc -c)" = 0 &&
	test "$(flash_at c3 $((65536 + 303104)) 65536 | tr -d Z | wc -c)" = 0
'

test_expect_success ESP_STUB_C3 'erase as it goes: 64 KiB blocks where whole ones are written, sectors for the rest, each erased as the data reaches it' '
	sed -n "/stub FLASH_DEFL_BEGIN/,\$p" c3.log >w &&
	sed -n 2p w | grep "^erased 0x00010000+0x10000" &&
	grep "^erased 0x00040000+0x10000" w && grep "^erased 0x00059000+0x1000" w &&
	! grep "^erased 0x0005a000" w &&
	test "$(grep -c "^erased" w)" = 14 &&
	awk "/stub FLASH_DEFL_DATA/ { d++ } /^erased 0x00040000/ { print d }" w >n &&
	test "$(cat n)" -ge 5
'

test_expect_success ESP_STUB_C3,JQ '--no-stub keeps the ROM loader: no upload, 1 KiB blocks, the region erased up front' '
	: >c3.log &&
	esp_mkimage --chip esp32c3 --size 100000 --seed 7 >fw2.bin &&
	mpf-esp --no-stub --serial c3.tty write 0x10000 fw2.bin -o jsonl >out &&
	test "$(jq -r .flashed.loader out)" = rom &&
	! grep MEM_ c3.log &&
	grep "^FLASH_DEFL_BEGIN erase=0x19000 blocks=.* offset=0x10000" c3.log &&
	flash_at c3 65536 100000 | cmp - fw2.bin &&
	esp_sim_clean c3
'

test_expect_success ESP_STUB_C3,JQ 'info needs no stub' '
	: >c3.log &&
	mpf-esp --serial c3.tty info -o jsonl >out &&
	test "$(jq -r .esp.chip out)" = ESP32-C3 &&
	! grep MEM_ c3.log &&
	esp_sim_stop c3
'

test_done
