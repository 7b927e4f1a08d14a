#!/bin/sh
test_description='mpf-esp --no-stub on a USB-Serial/JTAG port (303a:1001): the watchdogs that keep running in the loader are disabled before writing, or the chip resets mid-flash'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

rec() {
	printf "{\"serial\":\"%s\",\"vid\":\"%s\",\"pid\":\"%s\",\"method\":\"esp\",\"firmware\":{\"file\":\"%s\"}}\n" \
		"$PWD/$1.tty" "$2" "$3" "$PWD/$4"
}

# one chip per watchdog register layout (the C5 shares the C6 one)
for chip in esp32c3 esp32s3 esp32c6 esp32h2 esp32p4; do
	test_expect_success JQ "$chip on USB-Serial/JTAG: watchdogs off, 300 KB written" "
		esp_mkimage --chip $chip --size 300000 >$chip.bin &&
		esp_sim_start $chip --chip $chip --usb-jtag &&
		test_when_finished 'esp_sim_stop $chip' &&
		rec $chip 303a 1001 $chip.bin | mpf-esp --no-stub >out &&
		test \"\$(jq -r .flashed.verified out)\" = true &&
		grep -c 'WDT reg' $chip.log | grep -qx 6 &&
		! grep 'watchdog reset' $chip.log &&
		esp_sim_clean $chip
	"
done

test_expect_success JQ 'the same port not known as USB-Serial/JTAG: the chip resets mid-write, reported' '
	esp_sim bite --chip esp32c3 --usb-jtag &&
	rec bite 1a86 7523 esp32c3.bin | test_expect_code 1 mpf-esp --no-stub --baud 115200 >out &&
	grep "watchdog reset" bite.log &&
	test "$(jq -r .flashed.complete out)" = false &&
	jq -r .error.message out | grep "it reset"
'

test_expect_success JQ '--before usb-reset also disables them' '
	esp_sim ur --chip esp32s3 --usb-jtag &&
	mpf-esp --no-stub --serial ur.tty --before usb-reset write 0 esp32s3.bin -o jsonl >out &&
	test "$(jq -r .flashed.verified out)" = true
'

test_done
