#!/bin/sh
test_description='mpf-esp --no-stub on the ROM USB-OTG CDC port (303a, PID = chip id): DTR/RTS reset nothing there, so the board is left running through an RTC watchdog reset'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

# rec NAME PID FILE [VID]: the record that flashes FILE on NAME.tty, seen
# with USB id VID:PID (VID 303a, Espressif's, by default)
rec() {
	printf "{\"serial\":\"%s\",\"vid\":\"%s\",\"pid\":\"%s\",\"method\":\"esp\",\"firmware\":{\"file\":\"%s\"}}\n" \
		"$PWD/$1.tty" "${4:-303a}" "$2" "$PWD/$3"
}

# otg_flashes NAME CHIP PID: an image for CHIP, NAME.bin, flashed and
# verified on a simulated CHIP on its USB-OTG port (303a:PID)
otg_flashes() {
	esp_mkimage --chip "$2" --size 100000 >"$1.bin" &&
	esp_sim "$1" --chip "$2" --usb-otg &&
	rec "$1" "$3" "$1.bin" | mpf-esp --no-stub >out &&
	test "$(jq -r .flashed.verified out)" = true
}

test_expect_success JQ 'ESP32-S2 on USB-OTG: flashed, then a watchdog reset runs the firmware' '
	otg_flashes s2 esp32s2 0002 &&
	grep "watchdog armed: reset, boot:flash" s2.log &&
	grep "running the firmware" s2.log &&
	esp_sim_clean s2
'

test_expect_success JQ 'ESP32-S3 on USB-OTG: the force-download flag is cleared first' '
	otg_flashes s3 esp32s3 0009 &&
	grep "OPTION1 = 0x0" s3.log &&
	grep "running the firmware" s3.log
'

test_expect_success JQ '--after no-reset leaves it in the loader' '
	esp_sim s2b --chip esp32s2 --usb-otg &&
	rec s2b 0002 s2.bin | mpf-esp --no-stub --after no-reset >out &&
	test "$(jq -r .flashed.ok out)" = true &&
	! grep "watchdog armed" s2b.log
'

test_expect_success JQ 'on a USB-UART bridge the same chip gets the RTS reset, not the watchdog' '
	esp_sim s2c --chip esp32s2 --usb-otg &&
	rec s2c ea60 s2.bin 10c4 | mpf-esp --no-stub >out &&
	test "$(jq -r .flashed.ok out)" = true &&
	! grep "watchdog armed" s2c.log
'

test_done
