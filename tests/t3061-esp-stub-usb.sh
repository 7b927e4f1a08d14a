#!/bin/sh
test_description='mpf-esp on a chip'"'"'s own USB port (USB-Serial/JTAG, the ROM'"'"'s USB-OTG CDC) flashes through the ROM loader: our stub speaks on UART0 only, so it is not uploaded there'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

# rec NAME VID PID FILE: the record that flashes FILE on NAME.tty
rec() {
	printf "{\"serial\":\"%s\",\"vid\":\"%s\",\"pid\":\"%s\",\"method\":\"esp\",\"firmware\":{\"file\":\"%s\"}}\n" \
		"$PWD/$1.tty" "$2" "$3" "$PWD/$4"
}

# name, chip, simulator port option, USB id
while read -r name chip port vid pid; do
	test_expect_success JQ "$chip on $port ($vid:$pid): the ROM loader flashes, no upload, no warning" "
		esp_mkimage --chip $chip --size 100000 >$name.bin &&
		esp_sim_start $name --chip $chip --$port &&
		test_when_finished 'esp_sim_stop $name' &&
		rec $name $vid $pid $name.bin | mpf-esp -v >out 2>err &&
		test \"\$(jq -r .flashed.loader out)\" = rom &&
		test \"\$(jq -r .flashed.verified out)\" = true &&
		! grep MEM_ $name.log &&
		grep 'speaks on UART0 only' err &&
		! grep 'did not start' err &&
		esp_sim_clean $name
	"
done <<EOT
s3j	esp32s3	usb-jtag	303a	1001
s2o	esp32s2	usb-otg	303a	0002
EOT

test_done
