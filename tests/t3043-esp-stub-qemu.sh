#!/bin/sh
test_description='mpf-esp through our stub on the real ESP32-C3 and ESP32 ROMs under QEMU: write, read back, erase a region, byte for byte in the emulated flash with the bytes around intact (also over a flash full of other data); the ROM path beside it'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

# a session on the emulated chip (the ESP32 takes seconds to boot its ROM):
# no DTR/RTS there; reset it after, so
# that the next one meets the ROM loader again. The emulated UART paces
# host-to-chip bytes at the rate the chip set (the peer's README, "UART
# pacing"): sessions go at 2 Mbaud unless a case asks for a rate.
q() {
	mpf-esp --serial "$ESPQ_PTY" --before no-reset --after no-reset --connect-attempts 15 \
		--baud 2000000 "$@" &&
	echo system_reset | socat - UNIX-CONNECT:"$ESPQ_MON" >/dev/null && sleep 0.5
}
# until the emulated ROM answers (the ESP32 machine boots slowly on a
# loaded host, and late replies to early SYNCs can bury a first session)
qready() {
	for _i in 1 2 3 4 5; do
		mpf-esp --serial "$ESPQ_PTY" --before no-reset --after no-reset info -o jsonl \
			>/dev/null 2>&1 && return 0
		sleep 2
	done
	return 1
}
qflash() { tail -c +$(($1 + 1)) "$ESPQ_DIR/flash.bin" | head -c "$2"; }

test_expect_success ESP_QEMU,ESP_STUB_C3,SOCAT,JQ 'write through the stub, exact, the rest of the last sector erased, nothing else touched' '
	esp_qemu_start esp32c3 &&
	esp_mkimage --chip esp32c3 --size 200000 >fw.bin &&
	q write 0x10000 fw.bin -o jsonl >out &&
	test "$(jq -r .flashed.loader out)" = stub &&
	test "$(jq -r .flashed.verified out)" = true &&
	qflash 65536 200000 | cmp - fw.bin &&
	test "$(qflash 0 65536 | tr -d "\377" | wc -c)" = 0 &&
	test "$(qflash 265536 $((4194304 - 265536)) | tr -d "\377" | wc -c)" = 0 &&
	q read 0x10000 200000 back.bin -o jsonl >out &&
	cmp back.bin fw.bin &&
	q erase-region 0x20000 0x2000 -o jsonl >out &&
	test "$(qflash 131072 8192 | tr -d "\377" | wc -c)" = 0 &&
	qflash 139264 4096 | cmp - $(dd if=fw.bin bs=4096 skip=18 count=1 of=s18 2>/dev/null; echo s18) &&
	qflash 126976 4096 | cmp - $(dd if=fw.bin bs=4096 skip=15 count=1 of=s15 2>/dev/null; echo s15) &&
	q --skip-unchanged write 0x10000 fw.bin -o jsonl >out 2>err &&
	grep "of 200704 bytes unchanged" err &&
	qflash 65536 200000 | cmp - fw.bin
'

test_expect_success ESP_QEMU,ESP_STUB_C3,SOCAT,JQ 'the same image through the ROM path (--no-stub), same chip' '
	esp_qemu_start esp32c3 &&
	q --no-stub write 0x10000 fw.bin -o jsonl >out &&
	test "$(jq -r .flashed.loader out)" = rom &&
	qflash 65536 200000 | cmp - fw.bin
'

test_expect_success ESP_QEMU,ESP_STUB_ESP32,SOCAT,JQ 'ESP32: the ROM switches to 460800, our stub comes in at that rate and writes exactly' '
	esp_qemu_start esp32 &&
	esp_mkimage --chip esp32 --size 40000 >e32.bin &&
	qready &&
	q --baud 460800 write 0x10000 e32.bin -o jsonl >out &&
	test "$(jq -r .flashed.loader out)" = stub &&
	test "$(jq -r .flashed.verified out)" = true &&
	qflash 65536 40000 | cmp - e32.bin &&
	test "$(qflash 0 65536 | tr -d "\377" | wc -c)" = 0 &&
	test "$(qflash 105536 $((4194304 - 105536)) | tr -d "\377" | wc -c)" = 0
'

test_expect_success ESP_QEMU,ESP_STUB_C3,SOCAT,JQ 'ESP32-C3: plain blocks (--no-compress) through the stub, the last one in flash before the verifying MD5' '
	esp_qemu_start esp32c3 &&
	qready &&
	q --no-compress write 0x10000 fw.bin -o jsonl >out &&
	test "$(jq -r .flashed.loader out)" = stub &&
	test "$(jq -r .flashed.verified out)" = true &&
	qflash 65536 200000 | cmp - fw.bin
'

# A flash full of other data: the stub erases and programs by the SPI
# controller's registers, sector by sector and in 64 KiB blocks; the
# bytes before the image and after its last sector must stay.
# around CHIP OFFSET SIZE
around() {
	head -c 4194304 /dev/urandom >old.bin &&
	esp_mkimage --chip $1 --size $3 >img.bin &&
	ESP32_FLASH=$PWD/old.bin ESP32C3_FLASH=$PWD/old.bin esp_qemu_start $1 &&
	qready &&
	q write $2 img.bin -o jsonl >out &&
	test "$(jq -r .flashed.loader out)" = stub &&
	test "$(jq -r .flashed.verified out)" = true &&
	end=$(( ($2 + $3 + 4095) / 4096 * 4096 )) &&
	qflash 0 $2 | cmp - $(head -c $2 old.bin >before; echo before) &&
	qflash $2 $3 | cmp - img.bin &&
	test "$(qflash $(($2 + $3)) $((end - $2 - $3)) | tr -d "\377" | wc -c)" = 0 &&
	qflash $end $((4194304 - end)) | cmp - $(tail -c +$((end + 1)) old.bin >after; echo after)
}

test_expect_success ESP_QEMU,ESP_STUB_C3,SOCAT,JQ 'ESP32-C3: over other data, only the image and the rest of its last sector change' '
	around esp32c3 0x1f000 150001
'

test_expect_success ESP_QEMU,ESP_STUB_ESP32,SOCAT,JQ 'ESP32: over other data, only the image and the rest of its last sector change' '
	around esp32 0x1f000 150001
'

test_done
