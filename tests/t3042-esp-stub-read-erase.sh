#!/bin/sh
test_description='through the stub: READ_FLASH with acknowledgements and its MD5, ERASE_REGION and ERASE_FLASH, --skip-unchanged settled by the stub MD5'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

test_expect_success ESP_STUB_C3,JQ 'setup: an ESP32-C3 with firmware' '
	esp_mkimage --chip esp32c3 --size 400000 >fw.bin &&
	esp_sim_start c3 --chip esp32c3 --flash-size 2MB &&
	mpf-esp --serial c3.tty write 0 fw.bin -o jsonl >out &&
	test "$(jq -r .flashed.loader out)" = stub
'

test_expect_success ESP_STUB_C3 'read: READ_FLASH, 4 KiB packets acknowledged, the bytes in flash' '
	: >c3.log &&
	mpf-esp --serial c3.tty read 0x1000 300001 back.bin -o jsonl >out &&
	grep "stub READ_FLASH 0x1000+0x493e1 packets of 4096, 64 ahead" c3.log &&
	! grep READ_FLASH_SLOW c3.log &&
	tail -c +4097 fw.bin | head -c 300001 | cmp - back.bin &&
	esp_sim_clean c3
'

test_expect_success ESP_STUB_C3,JQ '--skip-unchanged: one stub MD5 over the whole image, nothing written' '
	: >c3.log &&
	mpf-esp --serial c3.tty --skip-unchanged write 0 fw.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.verified out)" = true &&
	! grep -E "FLASH_(DEFL_)?(BEGIN|DATA)" c3.log &&
	test "$(grep -c "stub SPI_FLASH_MD5 " c3.log)" = 2 &&
	grep "401408 of 401408 bytes unchanged" err
'

test_expect_success ESP_STUB_C3,JQ '--skip-unchanged rewrites only the 64 KiB region that differs' '
	cp fw.bin fw2.bin &&
	printf "CHANGED" | dd of=fw2.bin bs=1 seek=200000 conv=notrunc 2>/dev/null &&
	: >c3.log &&
	mpf-esp --serial c3.tty --skip-unchanged write 0 fw2.bin -o jsonl >out &&
	test "$(jq -r .flashed.verified out)" = true &&
	test "$(grep -c "FLASH_DEFL_BEGIN" c3.log)" = 1 &&
	grep "stub FLASH_DEFL_BEGIN size=0x10000 .*offset=0x30000" c3.log &&
	flash_at c3 0 400000 | cmp - fw2.bin
'

test_expect_success ESP_STUB_C3 'erase-region: ERASE_REGION, exactly the region' '
	: >c3.log &&
	mpf-esp --serial c3.tty erase-region 0x10000 0x2000 -o jsonl >out &&
	grep "stub ERASE_REGION 0x10000+0x2000" c3.log &&
	! grep FLASH_BEGIN c3.log &&
	test "$(flash_at c3 65536 8192 | tr -d "\377" | wc -c)" = 0 &&
	flash_at c3 73728 4096 | cmp - $(dd if=fw2.bin bs=4096 skip=18 count=1 of=s18 2>/dev/null; echo s18) &&
	flash_at c3 61440 4096 | cmp - $(dd if=fw2.bin bs=4096 skip=15 count=1 of=s15 2>/dev/null; echo s15)
'

test_expect_success ESP_STUB_C3 'erase: ERASE_FLASH clears the whole flash' '
	: >c3.log &&
	mpf-esp --serial c3.tty erase -o jsonl >out &&
	grep "stub ERASE_FLASH 0x0+0x200000" c3.log &&
	test "$(tr -d "\377" <c3.flash | wc -c)" = 0 &&
	esp_sim_clean c3 && esp_sim_stop c3
'

test_done
