#!/bin/sh
test_description='mpf-dfu writes .bin, .dfu and .hex images to an STM32 in DFU mode

Stands for: an STM32F405 in its system bootloader (0483:df11, DfuSe). The
device is the libusb simulator (tests/sim/libusb, checked against dfu-util
in t6001); what mpf-dfu wrote is read back with dfu-util, and which
sectors were erased comes from the simulator trace.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

usbsim_devices "stm32dfu:serial=315A28A0B956:time_scale=0.01"
DFU_FILE=$MPF_BUILD/sim/dfu-file
test_lazy_prereq OBJCOPY 'command -v objcopy'

test_expect_success USBSIM,DFU_UTIL,JQ '.bin: written, verified, byte for byte, and the board leaves DFU' '
	head -c 70000 /dev/urandom >x.bin &&
	usbsim mpf-dfu write x.bin --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out flashed.bytes)" = 70000 &&
	test "$(json_field out flashed.verified)" = true &&
	test "$(json_field out flashed.method)" = dfu &&
	test "$(json_field out usb_serial)" = 315A28A0B956 &&
	test "$(usbsim_count "event: leave: jump to 0x08000000")" = 1 &&
	dfu_readback 0x08000000 70000 y.bin &&
	cmp x.bin y.bin &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM,DFU_UTIL 'only the sectors the image touches are erased, each once' '
	usbsim_reset &&
	head -c 4096 /dev/urandom >keep.bin &&
	dfu_fill 0x08020000 keep.bin &&
	: >"$MPF_USBSIM_LOG" &&
	usbsim mpf-dfu write x.bin --wait 0 >out &&
	for s in 0 1 2 3 4; do test "$(usbsim_count "event: erase sector $s ")" = 1 || return 1; done &&
	test "$(usbsim_count "event: erase sector")" = 5 &&
	test "$(usbsim_count "event: mass erase")" = 0 &&
	dfu_readback 0x08020000 4096 kept.bin &&
	cmp keep.bin kept.bin
'

test_expect_success USBSIM,DFU_UTIL,JQ '--erase-all: one mass erase, no sector erases' '
	: >"$MPF_USBSIM_LOG" &&
	usbsim mpf-dfu write --erase-all x.bin --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(usbsim_count "event: mass erase")" = 1 &&
	test "$(usbsim_count "event: erase sector")" = 0 &&
	dfu_readback 0x08020000 4096 gone.bin &&
	! cmp -s keep.bin gone.bin &&
	dfu_readback 0x08000000 70000 y.bin &&
	cmp x.bin y.bin
'

test_expect_success USBSIM,DFU_UTIL,DFUSE_PACK,JQ '.dfu made by dfu-util dfuse-pack: each element where it says' '
	head -c 3000 /dev/urandom >a.bin &&
	head -c 5000 /dev/urandom >b.bin &&
	/usr/bin/python3 "$(command -v dfuse-pack)" -b 0x08000000:a.bin -b 0x08060000:b.bin \
		-D 0x0483:0xdf11 two.dfu >/dev/null &&
	: >"$MPF_USBSIM_LOG" &&
	usbsim mpf-dfu write two.dfu --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.bytes)" = 8000 &&
	test "$(usbsim_count "event: erase sector")" = 2 &&
	test "$(usbsim_count "event: erase sector 7 ")" = 1 &&
	dfu_readback 0x08000000 3000 a2.bin && cmp a.bin a2.bin &&
	dfu_readback 0x08060000 5000 b2.bin && cmp b.bin b2.bin
'

test_expect_success USBSIM,DFU_UTIL,JQ '.dfu made by lib/proto/dfuse is accepted by dfu-util and by mpf-dfu' '
	"$DFU_FILE" pack -D 0483:df11 0x08004000:a.bin 0x08010000:b.bin ours.dfu &&
	"$DFU_FILE" dump ours.dfu >dump &&
	printf "device 0483:df11\n0 0x08004000 3000\n0 0x08010000 5000\n" >expect &&
	test_cmp expect dump &&
	usbsim dfu-util -a 0 -D ours.dfu >du.out 2>&1 &&
	dfu_readback 0x08010000 5000 b3.bin && cmp b.bin b3.bin &&
	usbsim_reset &&
	usbsim mpf-dfu write ours.dfu --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.verified)" = true &&
	dfu_readback 0x08004000 3000 a3.bin && cmp a.bin a3.bin
'

test_expect_success USBSIM,DFU_UTIL,OBJCOPY,JQ '.hex made by objcopy goes to the addresses it names' '
	objcopy -I binary -O ihex --change-addresses 0x08004000 b.bin b.hex &&
	usbsim mpf-dfu write b.hex --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.bytes)" = 5000 &&
	dfu_readback 0x08004000 5000 b4.bin && cmp b.bin b4.bin
'

test_expect_success USBSIM,DFU_UTIL '--address puts a .bin elsewhere; --no-leave stays in DFU' '
	: >"$MPF_USBSIM_LOG" &&
	usbsim mpf-dfu --address 0x08010000 --no-leave write a.bin >out &&
	test "$(usbsim_count "event: leave")" = 0 &&
	test "$(usbsim_count "event: erase sector 4 ")" = 1 &&
	dfu_readback 0x08010000 3000 a5.bin && cmp a.bin a5.bin
'

test_expect_success USBSIM,JQ '--no-verify writes without reading back' '
	: >"$MPF_USBSIM_LOG" &&
	usbsim mpf-dfu --no-verify write a.bin --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(jq -r .flashed.verified out)" = false &&
	test "$(usbsim_count " ctrl a1 02 ")" = 0
'

test_expect_success USBSIM 'read saves flash to a file, erase clears it, leave starts the firmware' '
	usbsim mpf-dfu --address 0x08000000 --no-leave write x.bin >/dev/null &&
	(umask 002 && usbsim mpf-dfu read 0x08000000 70000 r.bin >out) &&
	test "$(stat -c %a r.bin)" = 664 &&
	cmp x.bin r.bin &&
	usbsim mpf-dfu read 0x08000000 64K r64.bin &&
	test $(wc -c <r64.bin) = 65536 &&
	: >"$MPF_USBSIM_LOG" &&
	usbsim mpf-dfu erase >out &&
	test "$(usbsim_count "event: mass erase")" = 1 &&
	usbsim mpf-dfu read 0x08000000 16 e.bin &&
	printf "\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377" >ff.bin &&
	cmp ff.bin e.bin &&
	usbsim mpf-dfu leave >out &&
	test "$(usbsim_count "event: leave: jump to 0x08000000")" = 1
'

two="stm32dfu:serial=AAA:time_scale=0.01,stm32dfu:serial=BBB:time_scale=0.01:port=2.3"
test_expect_success USBSIM,JQ 'list shows the device; --device narrows it' '
	usbsim_devices "$two" &&
	usbsim mpf-dfu list -o jsonl >out &&
	test $(wc -l <out) = 2 &&
	usbsim mpf-dfu list --device BBB -o jsonl >out &&
	test "$(json_field out location)" = 1-2.3 &&
	usbsim mpf-dfu list --device 1-1 -o jsonl >out &&
	test "$(json_field out usb_serial)" = AAA &&
	usbsim mpf-dfu list --device 0483:df11 -o jsonl >out &&
	test $(wc -l <out) = 2
'

test_expect_success USBSIM,DFU_UTIL,JQ 'two devices: --device SERIAL writes one, the other is untouched' '
	usbsim_devices "$two" &&
	usbsim_reset &&
	usbsim mpf-dfu --device BBB write a.bin --wait 0 -o jsonl >out &&
	test "$(json_field out usb_serial)" = BBB &&
	test "$(usbsim_count "stm32dfu:AAA event")" = 0 &&
	test "$(usbsim_count "stm32dfu:BBB event: write")" -gt 0 &&
	usbsim dfu-util -S BBB -a 0 -s 0x08000000:3000 -U a6.bin >/dev/null 2>&1 && cmp a.bin a6.bin
'

test_expect_success USBSIM 'two devices and no --device: refused, naming both, nothing written' '
	usbsim_devices "$two" &&
	: >"$MPF_USBSIM_LOG" &&
	test_expect_code 2 usbsim mpf-dfu write a.bin 2>err &&
	grep "2 DFU devices fit" err && grep AAA err && grep BBB err &&
	test "$(usbsim_count "event:")" = 0
'

test_done
