#!/bin/sh
test_description='mpf-dfu writes what a firmware file means, never its container bytes

Stands for: an STM32F405 in its system bootloader (DfuSe). An ELF file
goes to its load addresses; a TI Stellaris or NXP LPC prefix is taken off
as dfu-util does for a DfuSe device. Flash is read back with dfu-util.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
mkimage=$(mpf_sim mkimage)

usbsim_devices "stm32dfu:serial=315A28A0B956:time_scale=0.01"

test_expect_success USBSIM 'setup' '
	head -c 3000 /dev/urandom >a.bin &&
	head -c 5000 /dev/urandom >b.bin
'

test_expect_success USBSIM,DFU_UTIL,JQ 'an ELF file: its segments at their load addresses' '
	"$mkimage" elf fw.elf 0x08004000:a.bin 0x08020000:b.bin@0x20000000 &&
	usbsim mpf-dfu write fw.elf --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out flashed.verified)" = true &&
	test "$(json_field out flashed.bytes)" = 8000 &&
	dfu_readback 0x08004000 3000 a2.bin && cmp a.bin a2.bin &&
	dfu_readback 0x08020000 5000 b2.bin && cmp b.bin b2.bin &&
	dfu_readback 0x08000000 4 head.bin &&
	! printf "\177ELF" | cmp -s - head.bin
'

test_expect_success USBSIM,DFU_UTIL,DFU_FILE_TOOLS,JQ 'a TI Stellaris prefix is taken off, as dfu-util does' '
	cp a.bin pre.bin &&
	dfu-prefix -s 0 -a pre.bin >/dev/null &&
	dfu-suffix -v 0483 -p df11 -a pre.bin >/dev/null &&
	usbsim mpf-dfu --address 0x08008000 write pre.bin --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.bytes)" = 3000 &&
	test "$(json_field out flashed.verified)" = true &&
	dfu_readback 0x08008000 3000 a3.bin && cmp a.bin a3.bin
'

test_expect_success USBSIM,DFU_UTIL,DFU_FILE_TOOLS 'an NXP LPC prefix is taken off too' '
	cp b.bin lpc.bin &&
	dfu-prefix -L -a lpc.bin >/dev/null &&
	dfu-suffix -v 0483 -p df11 -a lpc.bin >/dev/null &&
	usbsim mpf-dfu --address 0x08010000 write lpc.bin --wait 0 >/dev/null &&
	dfu_readback 0x08010000 5000 b3.bin && cmp b.bin b3.bin
'

test_done
