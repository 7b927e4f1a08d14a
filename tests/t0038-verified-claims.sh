#!/bin/sh
test_description='every flasher says how it verified, and claims "verified" only for a compare

flashed.verified is true only when every byte written was compared with
the flash after the last write; flashed.verify names how (mpf(7)).'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
. "$MPF_SRC/tests/sim/uf2drive/env.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

claim() { jq -r "[.flashed.ok, .flashed.verified, .flashed.verify] | @tsv" "$1"; }

test_expect_success USBSIM,JQ 'mpf-dfu: read back, or nothing claimed with --no-verify' '
	usbsim_devices "stm32dfu:serial=A:time_scale=0.01" &&
	head -c 4096 /dev/urandom >fw.bin &&
	usbsim mpf-dfu write fw.bin --wait 0 -o jsonl >out &&
	test "$(claim out)" = "true	true	readback" &&
	usbsim mpf-dfu --no-verify write fw.bin --wait 0 -o jsonl >out &&
	test "$(claim out)" = "true	false	none"
'

test_expect_success USBSIM,JQ 'mpf-swd: a CRC-32 on the target, or read back with --no-algorithm' '
	usbsim_devices "cmsisdap:serial=F4:target=stm32f405:time_scale=0.01" &&
	head -c 4096 /dev/urandom >fw.bin &&
	usbsim mpf-swd write fw.bin -o jsonl >out &&
	test "$(claim out)" = "true	true	crc32" &&
	usbsim mpf-swd --no-algorithm write fw.bin -o jsonl >out &&
	test "$(claim out)" = "true	true	readback"
'

test_expect_success FUSE,JQ 'mpf-uf2: a drive cannot be read back, so nothing is claimed' '
	head -c 4096 /dev/urandom >fw.bin &&
	mpf-uf2 convert --family RP2040 fw.bin fw.uf2 &&
	start_drive d --flash img &&
	test_when_finished "stop_drive d" &&
	mpf-uf2 --drive d --no-wait fw.uf2 -o jsonl >out &&
	test "$(claim out)" = "true	false	none"
'

test_expect_success JQ 'mpf-esp: the stub or ROM MD5 of every region, none on the ESP8266 ROM' '
	esp_sim e32 --chip esp32 &&
	esp_mkimage --chip esp32 --size 8000 >app.bin &&
	mpf-esp --serial e32.tty write 0x10000 app.bin -o jsonl >out &&
	test "$(claim out)" = "true	true	md5" &&
	mpf-esp --no-stub --serial e32.tty write 0x10000 app.bin -o jsonl >out &&
	test "$(claim out)" = "true	true	md5" &&
	esp_sim e8 --chip esp8266 &&
	esp_mkimage --chip esp8266 --size 8000 >app8.bin &&
	mpf-esp --no-stub --serial e8.tty write 0 app8.bin -o jsonl >out &&
	test "$(claim out)" = "true	false	none" &&
	if grep -q "{ \"esp8266\"" "$MPF_BUILD/gen/esp_stub_images.h"; then
		mpf-esp --serial e8.tty write 0 app8.bin -o jsonl >out &&
		test "$(claim out)" = "true	true	md5"
	fi
'

test_done
