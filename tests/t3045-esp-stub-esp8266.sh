#!/bin/sh
test_description='ESP8266 through our stub: compressed writes, the stub CHANGE_BAUDRATE (the ROM has none), MD5 verification and reading, none of which its ROM can do'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

test_lazy_prereq STUB_BUILT_ESP8266 'grep -q "{ \"esp8266\"" "$MPF_BUILD/gen/esp_stub_images.h"'

test_expect_success STUB_BUILT_ESP8266,JQ 'write: deflated 16 KiB blocks at 460800, verified by MD5' '
	esp_mkimage --chip esp8266 --size 300000 >fw.bin &&
	esp_sim_start e8 --chip esp8266 &&
	mpf-esp --serial e8.tty write 0 fw.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.loader out)" = stub &&
	test "$(jq -r .flashed.verified out)" = true &&
	test "$(jq -r .flashed.verify out)" = md5 &&
	grep "stub CHANGE_BAUDRATE 460800" e8.log &&
	grep "stub FLASH_DEFL_BEGIN .*block=0x4000 offset=0x0" e8.log &&
	grep "stub SPI_FLASH_MD5 0x0+" e8.log &&
	! grep "cannot change baud" err &&
	flash_at e8 0 300000 | cmp - fw.bin
'

test_expect_success STUB_BUILT_ESP8266,JQ 'read and --skip-unchanged work on the ESP8266 too' '
	mpf-esp --serial e8.tty read 0x1000 5000 back.bin -o jsonl >out &&
	tail -c +4097 fw.bin | head -c 5000 | cmp - back.bin &&
	mpf-esp --serial e8.tty --skip-unchanged write 0 fw.bin -o jsonl >out 2>err &&
	grep "of 303104 bytes unchanged" err &&
	esp_sim_clean e8 && esp_sim_stop e8
'

test_expect_success JQ '--no-stub on the ESP8266: plain ROM blocks, nothing verified, as before' '
	esp_mkimage --chip esp8266 --size 60000 >small.bin &&
	esp_sim r8 --chip esp8266 &&
	mpf-esp --no-stub --serial r8.tty write 0 small.bin -o jsonl >out &&
	test "$(jq -r .flashed.loader out)" = rom &&
	test "$(jq -r .flashed.verified out)" = false &&
	flash_at r8 0 60000 | cmp - small.bin
'

test_done
