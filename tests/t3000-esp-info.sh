#!/bin/sh
test_description='mpf-esp info: reset, sync, detect each chip in the table, read MAC and flash id (ROM loader simulator on a pty)'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

for chip in esp8266 esp32 esp32s2 esp32s3 esp32c2 esp32c3 esp32c6 esp32h2 esp32c5 esp32p4; do
	test_expect_success JQ "info on $chip" "
		esp_sim_start $chip --chip $chip --flash-size 8MB &&
		test_when_finished 'esp_sim_stop $chip' &&
		mpf-esp --serial $chip.tty info -o jsonl >out &&
		want=\$(echo $chip | sed 's/^esp32\(..*\)/ESP32-\1/; s/esp/ESP/' | tr a-z A-Z) &&
		test \"\$(json_field out esp.chip)\" = \"\$want\" &&
		test \"\$(json_field out esp.flash_size)\" = 8MB &&
		json_field out esp.mac | grep -Eq '^[0-9a-f]{2}(:[0-9a-f]{2}){5}\$' &&
		esp_sim_clean $chip
	"
done

test_expect_success JQ 'ESP32 info names the package and revision from eFuses' '
	esp_sim e32 --chip esp32 &&
	mpf-esp --serial e32.tty chip-id -o jsonl >out &&
	test "$(json_field out esp.package)" = ESP32-D0WD-V3 &&
	test "$(json_field out esp.revision)" = v3.0 &&
	test "$(json_field out esp.mac)" = 24:0a:c4:12:34:56 &&
	test "$(json_field out esp.flash_id)" = 1640ef
'

test_expect_success JQ,NOT_VALGRIND 'ESP32: the ROM refuses GET_SECURITY_INFO in the header of its last reply; taken as unsupported at once' '
	esp_sim sec --chip esp32 &&
	t0=$(date +%s%N) &&
	mpf-esp --serial sec.tty info -o jsonl >out &&
	ms=$(( ($(date +%s%N) - t0) / 1000000 )) && echo "info took $ms ms" &&
	grep "unsupported GET_SECURITY_INFO" sec.log &&
	test "$(json_field out esp.chip)" = ESP32 &&
	test $ms -lt 2000 &&
	esp_sim_clean sec
'

test_expect_success JQ 'newer chips: revision from eFuse block 1' '
	esp_sim rv --chip esp32c6 --rev 102 &&
	mpf-esp --serial rv.tty info -o jsonl >out &&
	test "$(json_field out esp.revision)" = v1.2 &&
	test "$(json_field out esp.mac)" = 24:0a:c4:12:34:56
'

test_expect_success JQ 'ESP8266 MAC is built from the OTP words with its OUI' '
	esp_sim e8266 --chip esp8266 &&
	mpf-esp --serial e8266.tty info -o jsonl >out &&
	test "$(json_field out esp.mac)" = 18:fe:34:12:34:56 &&
	esp_sim_clean e8266
'

test_expect_success JQ 'an ESP32-S2 in Secure Download Mode is recognised' '
	esp_sim sdm --chip esp32s2 --secure-download &&
	mpf-esp --serial sdm.tty info -o jsonl >out &&
	test "$(json_field out esp.chip)" = ESP32-S2 &&
	test "$(json_field out esp.security.secure_download)" = true
'

test_expect_success JQ 'wrong boot strap: the error quotes the boot log' '
	esp_sim strap --chip esp32s3 --boot strap &&
	test_expect_code 1 mpf-esp --serial strap.tty --connect-attempts 1 info -o jsonl >out &&
	json_field out error.message >msg &&
	grep "booted its firmware" msg && grep "boot:0x8" msg && grep "BOOT" msg
'

test_expect_success JQ 'download mode but deaf: says the host-to-chip line is suspect' '
	esp_sim deaf --chip esp32 --boot deaf &&
	test_expect_code 1 mpf-esp --serial deaf.tty --connect-attempts 1 info -o jsonl >out &&
	json_field out error.message | grep "waiting for download" &&
	test "$(json_field out error.code)" = timeout
'

test_expect_success JQ 'no answer at all: says so and suggests --before no-reset' '
	esp_sim silent --chip esp32 --boot silent &&
	test_expect_code 1 mpf-esp --serial silent.tty --connect-attempts 1 info -o jsonl >out &&
	json_field out error.message | grep "no answer" &&
	json_field out error.message | grep -- "--before no-reset"
'

test_expect_success '--chip refuses another chip' '
	esp_sim other --chip esp32c3 &&
	test_expect_code 1 mpf-esp --serial other.tty --chip esp32s3 info -o jsonl >out &&
	grep "expected ESP32-S3, chip is ESP32-C3" out
'

test_expect_success 'usage errors' '
	test_expect_code 2 mpf-esp info </dev/null &&
	test_expect_code 2 mpf-esp --serial x write 0x1000 &&
	test_expect_code 2 mpf-esp --serial x erase-region 0x1001 0x1000 &&
	test_expect_code 2 mpf-esp --serial x frobnicate
'

test_done
