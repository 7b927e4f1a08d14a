#!/bin/sh
test_description='mpf-esp rates: the stub comes in at --baud where the ROM can switch, --baud up to the USB-UART adapter top rate (uart_ids.c), a failed block through the stub is sent again'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

# rec VID PID PRODUCT: a record for c3.tty with that adapter
rec() {
	printf '{"serial":"%s","vid":"%s","pid":"%s","product":"%s","method":"esp","firmware":{"file":"%s","offset":0}}\n' \
		"$PWD/c3.tty" "$1" "$2" "$3" "$PWD/fw.bin"
}

test_expect_success ESP_STUB_C3,JQ '921600: the ROM switches first, the stub is uploaded and works at that rate' '
	esp_mkimage --chip esp32c3 --size 100000 >fw.bin &&
	esp_sim_start c3 --chip esp32c3 &&
	mpf-esp --serial c3.tty --baud 921600 write 0 fw.bin -o jsonl >out &&
	test "$(jq -r .flashed.loader out)" = stub &&
	grep -n "CHANGE_BAUDRATE 921600\|^MEM_BEGIN size" c3.log | head -2 >order &&
	sed -n 1p order | grep "CHANGE_BAUDRATE 921600" &&
	flash_at c3 0 100000 | cmp - fw.bin
'

test_expect_success ESP_STUB_C3,JQ 'a CH340 runs at most 2 Mbaud: --baud 3000000 becomes 2000000, with a warning' '
	: >c3.log &&
	rec 1a86 7523 "USB Serial" | mpf-esp --baud 3000000 >out 2>err &&
	test "$(jq -r .flashed.verified out)" = true &&
	grep "warning: .*the CH340 USB-UART adapter runs at most 2000000 baud; using that, not 3000000" err &&
	grep "CHANGE_BAUDRATE 2000000" c3.log
'

test_expect_success ESP_STUB_C3,JQ 'a CP2102N (same USB id as the CP2102, told apart by its product string) takes 3 Mbaud' '
	: >c3.log &&
	rec 10c4 ea60 "CP2102N USB to UART Bridge Controller" | mpf-esp --baud 3000000 >out 2>err &&
	test "$(jq -r .flashed.verified out)" = true &&
	! grep "at most" err &&
	grep "CHANGE_BAUDRATE 3000000" c3.log
'

test_expect_success ESP_STUB_C3,JQ 'a CP2102 stops at 921600; an adapter the table does not know is not limited' '
	: >c3.log &&
	rec 10c4 ea60 "CP2102 USB to UART Bridge Controller" | mpf-esp --baud 1500000 >out 2>err &&
	grep "CP2102 USB-UART adapter runs at most 921600" err &&
	grep "CHANGE_BAUDRATE 921600" c3.log &&
	: >c3.log &&
	rec 1234 5678 "Some bridge" | mpf-esp --baud 1500000 >out 2>err &&
	! grep "at most" err &&
	grep "CHANGE_BAUDRATE 1500000" c3.log &&
	esp_sim_clean c3 && esp_sim_stop c3
'

test_expect_success ESP_STUB_C3,JQ 'a 16 KiB block corrupted on the wire: the stub refuses it, it is sent again' '
	esp_mkimage --chip esp32c3 --size 300000 --random 900 >big.bin &&
	esp_sim ck --chip esp32c3 --fault checksum:3 &&
	mpf-esp --serial ck.tty write 0 big.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.loader out)" = stub &&
	test "$(jq -r .flashed.verified out)" = true &&
	grep "checksum error seq=2" ck.log &&
	grep "block 2:.*sending it again" err &&
	flash_at ck 0 300000 | cmp - big.bin &&
	esp_sim_clean ck
'

test_expect_success ESP_STUB_C3,JQ 'no reply to a block through the stub: sent again after the timeout' '
	esp_sim nr --chip esp32c3 --fault noreply:2 &&
	mpf-esp --serial nr.tty write 0 big.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.verified out)" = true &&
	grep "no reply to FLASH_DEFL_DATA" err &&
	flash_at nr 0 300000 | cmp - big.bin
'

test_done
