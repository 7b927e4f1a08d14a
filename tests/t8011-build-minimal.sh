#!/bin/sh
test_description='mpf-build builds the minimal port for the STM32F405 (CROSS=1) from the source tarball; its .dfu and .elf go through mpf-dfu and mpf-swd into the simulated STM32F405

Stands for: an STM32F405 in its DFU bootloader and one behind a CMSIS-DAP
probe (the libusb simulators). The port makes firmware.elf, firmware.bin
and firmware.dfu; mpf-pick gives each method the format it takes, and
what the simulated flash holds afterwards must be firmware.bin at
0x08000000.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/build-lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

test_have_prereq MPY_TREE || skip_all "no MicroPython source tarball or no arm-none-eabi-gcc"
test_have_prereq JQ || skip_all "jq missing"
SRC=$(mpy_tree) || { echo "Bail out! cannot unpack the MicroPython tarball"; exit 1; }

test_expect_success 'built (or taken from the cache) and registered as MINIMAL of port minimal' '
	mpf-build --src "$SRC" --port minimal --board MINIMAL -o jsonl -- CROSS=1 </dev/null >recs 2>err ||
		{ cat err; false; } &&
	cat recs &&
	jq -r .firmware.format recs | sort >formats &&
	printf "bin\ndfu\nelf\n" >want && test_cmp want formats &&
	test "$(jq -r "[.port, .firmware.board_id, .firmware.version, .firmware.source] | @tsv" recs | sort -u)" = \
		"$(printf "minimal\tMINIMAL\t1.29.0-preview\tbuild")" &&
	bin=$(jq -r "select(.firmware.format == \"bin\") | .firmware.file" recs) &&
	cp "$bin" firmware.bin &&
	# an ARM image: the vector table starts with the stack pointer in SRAM
	test "$(od -An -tx1 -j3 -N1 firmware.bin | tr -d " ")" = 20
'

test_expect_success 'mpf-pick gives each method its format: .dfu for dfu, .elf for swd' '
	mpf-pick --board MINIMAL --port minimal --method dfu --version latest --custom -o jsonl >dfu &&
	test "$(json_field dfu firmware.format)" = dfu &&
	mpf-pick --board MINIMAL --port minimal --method swd --version latest --custom -o jsonl >swd &&
	test "$(json_field swd firmware.format)" = elf
'

test_expect_success USBSIM,DFU_UTIL 'through mpf-dfu: a device in DFU mode gains the build and is flashed with it' '
	usbsim_devices "stm32dfu:serial=315A28A0B956:time_scale=0.01" &&
	echo "{\"kind\":\"dfu\",\"usb_serial\":\"315A28A0B956\"}" |
	mpf-build --src "$SRC" --as MINIMAL --port minimal --method dfu -- CROSS=1 >rec &&
	cat rec &&
	test "$(json_field rec firmware.format)" = dfu &&
	test "$(json_field rec method)" = dfu &&
	usbsim mpf-dfu --wait 0 -o jsonl <rec >out &&
	cat out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out flashed.verified)" = true &&
	dfu_readback 0x08000000 $(wc -c <firmware.bin) back.bin &&
	cmp firmware.bin back.bin
'

test_expect_success USBSIM 'through mpf-swd: a board behind a probe gains the .elf and is flashed with it' '
	usbsim_devices "cmsisdap:serial=PROBE1:target=stm32f405:time_scale=0.01" &&
	echo "{\"kind\":\"probe\",\"usb_serial\":\"PROBE1\",\"cpu\":\"STM32F405RG\"}" |
	mpf-build --src "$SRC" --as MINIMAL --port minimal --method swd -- CROSS=1 >rec &&
	test "$(json_field rec firmware.format)" = elf &&
	usbsim mpf-swd -o jsonl <rec >out &&
	cat out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out flashed.verified)" = true &&
	usbsim mpf-swd read 0x08000000 $(wc -c <firmware.bin) back.bin >/dev/null &&
	cmp firmware.bin back.bin
'

test_done
