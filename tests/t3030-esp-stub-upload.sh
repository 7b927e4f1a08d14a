#!/bin/sh
test_description='our flasher stub: uploaded into the real ESP32 and ESP32-C3 ROMs under QEMU, it greets with OHAI and answers as the stub protocol says'
. "${MPF_SRC:-.}/tests/lib.sh"

client() { "$(mpf_sim esp-stub-client)" "$ESPQ_PTY" "$@"; }

test_expect_success ESP_QEMU,ESP_STUB_C3 'ESP32-C3: upload, greeting, then the stub answers' '
	esp_qemu_start esp32c3 &&
	client start raw:0x08: raw:0x55: raw:0x0a:00 >out &&
	sed -n 1p out >first && echo "start esp32c3 ok" >expect && test_cmp expect first &&
	# SYNC: once, value 0, two status bytes
	grep -qx "raw 0 0x00 0x00000000 " out &&
	# an unknown command: failed, 0xFF "not implemented"
	grep -qx "raw 1 0xff 0x00000000 " out &&
	# READ_REG with 1 byte of data instead of 4: 0xC0 "bad data length"
	grep -qx "raw 1 0xc0 0x00000000 " out
'

test_expect_success ESP_QEMU,ESP_STUB_C3 'ESP32-C3: the stub reads registers as the ROM did' '
	esp_qemu_start esp32c3 &&
	client reg:0x40001000 start reg:0x40001000 >out &&
	test "$(sed -n 1p out)" = "$(sed -n 3p out)"
'

test_expect_success ESP_QEMU,ESP_STUB_ESP32 'ESP32: the lx106-built stub greets on the LX6 and answers' '
	esp_qemu_start esp32 &&
	client start reg:0x40001000 raw:0x55: >out &&
	test "$(sed -n 1p out)" = "start esp32 ok" &&
	test "$(sed -n 2p out)" = "reg 0x00f01d83" &&
	test "$(sed -n 3p out)" = "raw 1 0xff 0x00000000 "
'

test_done
