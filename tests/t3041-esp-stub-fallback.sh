#!/bin/sh
test_description='mpf-esp without a working stub: one that never greets falls back to the ROM loader with a warning, in the record too; Secure Download Mode stays on the ROM loader'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

test_expect_success ESP_STUB_C3,JQ 'a stub that never greets: reset, synced again, flashed through the ROM, warned' '
	esp_mkimage --chip esp32c3 --size 200000 >fw.bin &&
	esp_sim crash --chip esp32c3 --stub-crash &&
	mpf-esp --serial crash.tty write 0 fw.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.loader out)" = rom &&
	test "$(jq -r .flashed.verified out)" = true &&
	test "$(jq -r .warning.applet out)" = mpf-esp &&
	test "$(jq -r .warning.code out)" = timeout &&
	jq -r .warning.message out | grep "did not greet" &&
	grep "warning: .*the flasher stub did not start (.*did not greet.*); using the ESP32-C3 ROM loader" err &&
	grep "stub loaded .*: it crashes" crash.log &&
	grep -E "SYNC after the stub crashed|SYNC at 115200 baud .*host reset the chip" crash.log &&
	grep "^FLASH_DEFL_BEGIN" crash.log &&
	flash_at crash 0 200000 | cmp - fw.bin &&
	esp_sim_clean crash
'

test_expect_success ESP_STUB_C3,JQ 'Secure Download Mode: no upload is tried, plain ROM writes' '
	esp_sim sdm --chip esp32c3 --secure-download &&
	mpf-esp -v --serial sdm.tty write 0 fw.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.loader out)" = rom &&
	test "$(jq -r .warning out)" = null &&
	grep "Secure Download Mode (the ROM loads no code into RAM): flashing through the ROM loader" err &&
	! grep MEM_ sdm.log &&
	grep "^FLASH_BEGIN" sdm.log &&
	flash_at sdm 0 200000 | cmp - fw.bin &&
	esp_sim_clean sdm
'

test_expect_success JQ 'a chip mpf has no stub for stays on the ROM loader, saying so' '
	esp_sim s2 --chip esp32s2 &&
	esp_mkimage --chip esp32s2 --size 50000 >s2.bin &&
	if grep -q "{ \"esp32s2\"" "$MPF_BUILD/gen/esp_stub_images.h"; then
		want=stub
	else
		want=rom
	fi &&
	mpf-esp -v --serial s2.tty write 0x1000 s2.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.loader out)" = $want &&
	{ test $want = stub || grep "no flasher stub for this chip" err; } &&
	flash_at s2 4096 50000 | cmp - s2.bin
'

test_done
