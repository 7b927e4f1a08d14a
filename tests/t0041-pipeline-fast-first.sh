#!/bin/sh
test_description='a real pipeline: a fast board'"'"'s record leaves before a slow board ahead of it finishes

mpf-dfu | mpf-esp with a slow DFU board (an STM32F405 at its datasheet
erase and program times) first and a fast ESP board second. Each stage
passes on at once the records it does nothing for and writes a record
when its job ends, so the ESP board is flashed while the DFU board is
still being written, and its record leaves the pipeline first.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

usbsim_devices "stm32dfu:serial=SLOW1:time_scale=1"

# stamp: each line of stdin with the time (ms) it arrived
stamp() { while IFS= read -r l; do echo "$(date +%s%3N) $l"; done; }

test_expect_success USBSIM,JQ 'the ESP record leaves seconds before the DFU record ahead of it' '
	head -c 196608 /dev/urandom >slow.bin &&
	esp_mkimage --chip esp32 --size 16384 >fast.bin &&
	esp_sim fast --chip esp32 &&
	{
		printf "{\"kind\":\"dfu\",\"usb_serial\":\"SLOW1\",\"method\":\"dfu\",\"firmware\":{\"file\":\"%s\"}}\n" "$PWD/slow.bin"
		printf "{\"serial\":\"%s\",\"method\":\"esp\",\"firmware\":{\"file\":\"%s\",\"offset\":4096,\"chip\":\"esp32\"}}\n" "$PWD/fast.tty" "$PWD/fast.bin"
	} >in &&
	start=$(date +%s%3N) &&
	usbsim mpf-dfu --wait 0 <in | mpf-esp | stamp >out &&
	test $(wc -l <out) = 2 &&
	# first out: the ESP board, flashed; then the DFU board, flashed
	sed -n 1p out | cut -d" " -f2- | jq -e ".method == \"esp\" and .flashed.ok" &&
	sed -n 2p out | cut -d" " -f2- | jq -e ".method == \"dfu\" and .flashed.ok" &&
	esp=$(sed -n 1p out | cut -d" " -f1) && dfu=$(sed -n 2p out | cut -d" " -f1) &&
	say "ESP record at +$((esp - start)) ms, DFU record at +$((dfu - start)) ms" &&
	test $((dfu - esp)) -ge 1000 &&
	esp_sim_clean fast
'

test_expect_success USBSIM,JQ 'with --keep-order on both stages the records keep input order' '
	esp_sim fast --chip esp32 &&
	usbsim mpf-dfu --wait 0 --keep-order <in | mpf-esp --keep-order >out2 &&
	jq -r .method out2 | tr "\n" " " >order &&
	printf "dfu esp " >expect && test_cmp expect order
'

test_done
