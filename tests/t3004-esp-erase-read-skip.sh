#!/bin/sh
test_description='mpf-esp --no-stub erase (through FLASH_BEGIN, no stub), erase-region, read (READ_FLASH_SLOW), --skip-unchanged and --erase-all'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

test_expect_success JQ 'setup: an ESP32-C3 with firmware' '
	esp_mkimage --chip esp32c3 --size 400000 >fw.bin &&
	esp_sim_start c3 --chip esp32c3 --flash-size 2MB &&
	mpf-esp --no-stub --serial c3.tty write 0 fw.bin -o jsonl >out &&
	test "$(jq -r .flashed.verified out)" = true
'

test_expect_success JQ '--skip-unchanged writes nothing when the image is already there (7 MD5s to compare the 98 sectors, one to verify them)' '
	: >c3.log &&
	mpf-esp --no-stub --serial c3.tty --skip-unchanged write 0 fw.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.verified out)" = true &&
	! grep -E "BEGIN|DATA" c3.log &&
	test "$(grep -c "SPI_FLASH_MD5 " c3.log)" = 8 &&
	grep "401408 of 401408 bytes unchanged" err
'

test_expect_success JQ '--skip-unchanged rewrites only the 64 KiB regions that differ' '
	cp fw.bin fw2.bin &&
	printf "CHANGED" | dd of=fw2.bin bs=1 seek=200000 conv=notrunc 2>/dev/null &&
	: >c3.log &&
	mpf-esp --no-stub --serial c3.tty --skip-unchanged write 0 fw2.bin -o jsonl >out &&
	test "$(jq -r .flashed.verified out)" = true &&
	test "$(grep -c "BEGIN erase=" c3.log)" = 1 && test "$(grep -c "MD5 0x40000" c3.log)" = 1 &&
	grep "BEGIN erase=0x10000 blocks=.* offset=0x30000" c3.log &&
	flash_at c3 0 400000 | cmp - fw2.bin
'

test_expect_success 'read gives back what is in flash, in a file of mode 0666 less the umask' '
	(umask 002 && mpf-esp --no-stub --serial c3.tty read 0x30000 5000 back.bin -o jsonl >out) &&
	test "$(stat -c %a back.bin)" = 664 &&
	dd if=fw2.bin bs=1 skip=196608 count=5000 2>/dev/null >want &&
	cmp want back.bin &&
	grep -c READ_FLASH_SLOW c3.log >/dev/null
'

test_expect_success 'read past the end of flash is refused' '
	test_expect_code 1 mpf-esp --no-stub --serial c3.tty read 0x1FF000 0x2000 x.bin -o jsonl >out &&
	grep "past the end" out && ! test -e x.bin
'

test_expect_success 'erase-region erases exactly the region, through FLASH_BEGIN' '
	mpf-esp --no-stub --serial c3.tty erase-region 0x10000 0x2000 -o jsonl >out &&
	grep "FLASH_BEGIN erase=0x2000 blocks=0 offset=0x10000" c3.log &&
	! grep -E "ERASE_(FLASH|REGION)" c3.log &&
	flash_at c3 65536 8192 | tr -d "\377" | wc -c | grep -qx 0 &&
	flash_at c3 73728 4096 | cmp - $(dd if=fw2.bin bs=4096 skip=18 count=1 of=s18 2>/dev/null; echo s18) &&
	flash_at c3 61440 4096 | cmp - $(dd if=fw2.bin bs=4096 skip=15 count=1 of=s15 2>/dev/null; echo s15)
'

test_expect_success 'erase clears the whole flash' '
	mpf-esp --no-stub --serial c3.tty erase -o jsonl >out &&
	grep "FLASH_BEGIN erase=0x200000 blocks=0 offset=0x0" c3.log &&
	test "$(tr -d "\377" <c3.flash | wc -c)" = 0 &&
	esp_sim_clean c3 && esp_sim_stop c3
'

test_expect_success JQ '--erase-all erases, then writes' '
	esp_sim ea --chip esp32 --flash-size 1MB &&
	printf "keep me?" | mpf-esp --no-stub --serial ea.tty write 0xF0000 /dev/stdin -o jsonl >/dev/null &&
	esp_mkimage --chip esp32 --size 50000 >e.bin &&
	mpf-esp --no-stub --serial ea.tty --erase-all write 0x1000 e.bin -o jsonl >out &&
	test "$(jq -r .flashed.verified out)" = true &&
	flash_at ea 983040 8 | tr -d "\377" | wc -c | grep -qx 0 &&
	flash_at ea 4096 50000 | cmp - e.bin
'

test_expect_success 'ESP8266: read and --skip-unchanged say what its ROM cannot do' '
	esp_sim e8 --chip esp8266 &&
	test_expect_code 1 mpf-esp --no-stub --serial e8.tty read 0 64 x.bin -o jsonl >out &&
	grep "ESP8266 ROM cannot read flash" out &&
	esp_mkimage --chip esp8266 --size 8192 >e8.bin &&
	mpf-esp --no-stub --serial e8.tty --skip-unchanged write 0 e8.bin -o jsonl >out 2>err &&
	grep "no MD5 command" err &&
	esp_sim_clean e8
'

test_done
