#!/bin/sh
test_description='our flasher stub on the real ESP32 and ESP32-C3 ROMs under QEMU: deflated writes checked byte for byte in flash.bin with the bytes around them unchanged, its MD5, READ_FLASH, ERASE_REGION, CHANGE_BAUDRATE'
. "${MPF_SRC:-.}/tests/lib.sh"

client() { "$(mpf_sim esp-stub-client)" "$ESPQ_PTY" "$@"; }
# The emulated UART paces host-to-chip bytes at the rate the chip set
# (the peer's README, "UART pacing"): the bulk cases change to a fast
# rate first, or each would spend a minute at 115200.
FAST=baud:3000000
# bytes [off, off+len) of the emulated flash
flash_at() { tail -c +$(($1 + 1)) "$ESPQ_DIR/flash.bin" | head -c $2; }

test_expect_success 'images: noise and text, a flash to start from' '
	head -c 150000 /dev/urandom >noise && yes "stub me" | head -c 150001 >text &&
	cat noise text >app.bin && head -c 50000 /dev/urandom >boot.bin &&
	head -c $((4 << 20)) /dev/urandom >start.bin
'

for chip in esp32c3 esp32; do
	case $chip in esp32c3) P=ESP_QEMU,ESP_STUB_C3 ;; *) P=ESP_QEMU,ESP_STUB_ESP32 ;; esac
	test_expect_success $P "$chip: two images, exact, nothing around them changed" "
		ESP32C3_FLASH=\$PWD/start.bin ESP32_FLASH=\$PWD/start.bin esp_qemu_start $chip &&
		client start $FAST attach write:0x10000:app.bin write:0x1000:boot.bin \
			md5:0x10000:300001 >out &&
		flash_at 0x10000 300001 >back && cmp app.bin back &&
		flash_at 0x1000 50000 >back && cmp boot.bin back &&
		# before, between and after the two regions: as they were
		cmp -n 4096 start.bin \"\$ESPQ_DIR/flash.bin\" &&
		test \"\$(flash_at 54096 \$((0x10000 - 54096)) | md5sum)\" = \
		     \"\$(tail -c +54097 start.bin | head -c \$((0x10000 - 54096)) | md5sum)\" &&
		test \"\$(flash_at 365537 1000000 | md5sum)\" = \
		     \"\$(tail -c +365538 start.bin | head -c 1000000 | md5sum)\" &&
		echo \"md5 \$(md5sum <app.bin | cut -c1-32)\" >expect &&
		tail -n 1 out >actual && test_cmp expect actual
	"

	test_expect_success $P "$chip: READ_FLASH returns the flash, ERASE_REGION erases only its sectors" "
		ESP32C3_FLASH=\$PWD/start.bin ESP32_FLASH=\$PWD/start.bin esp_qemu_start $chip &&
		client start $FAST attach read:0x3000:100000:got erase:0x20000:0x11000 >out &&
		tail -c +\$((0x3000 + 1)) start.bin | head -c 100000 >want && cmp want got &&
		flash_at 0x20000 \$((0x11000)) | tr -d '\\377' | wc -c >left &&
		echo 0 >zero && test_cmp zero left &&
		cmp -n \$((0x20000)) start.bin \"\$ESPQ_DIR/flash.bin\" &&
		test \"\$(flash_at \$((0x31000)) 100000 | md5sum)\" = \
		     \"\$(tail -c +\$((0x31000 + 1)) start.bin | head -c 100000 | md5sum)\"
	"

	test_expect_success $P "$chip: CHANGE_BAUDRATE to 921600, then a write" "
		esp_qemu_start $chip &&
		client start baud:921600 attach write:0x8000:boot.bin md5:0x8000:50000 >out &&
		grep -q '^baud 921600 ok' out &&
		echo \"md5 \$(md5sum <boot.bin | cut -c1-32)\" >expect &&
		tail -n 1 out >actual && test_cmp expect actual
	"
done

test_done
