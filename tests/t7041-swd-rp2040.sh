#!/bin/sh
test_description='mpf-swd writes and verifies an RP2040 from .bin, .uf2 and .elf

The RP2040 model answers only after SWD multidrop selection (dormant
wake-up, TARGETSEL for core 0), and its flash is written only through the
boot ROM functions called on the core: connect, exit XIP, erase, program,
flush the cache, enter XIP, in that order, or the model reports a
violation. Only the 4 KiB sectors an image touches are erased; a UF2 is
taken for the RP2040 family only; an ST-LINK, which cannot select a
multidrop target, is refused with a clear message.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
mkimage=$(mpf_sim mkimage)

erases() { usbsim_count "RP2040A event: erase [0-9]"; }
# written BYTES: the record in ./rec says BYTES were written and read back
written() {
	test "$(json_field rec flashed.ok)" = true &&
	test "$(json_field rec flashed.verified)" = true &&
	test "$(json_field rec flashed.bytes)" = "$1"
}

usbsim_devices "cmsisdap:serial=RP2040A:target=rp2040:time_scale=0.01"

test_expect_success USBSIM 'info finds the RP2040 through multidrop and leaves its core running' '
	usbsim mpf-swd info -o jsonl >rec &&
	test "$(json_field rec swd.target)" = RP2040 &&
	test "$(json_field rec swd.family)" = rp2040 &&
	test "$(json_field rec swd.core)" = Cortex-M0+ &&
	test "$(json_field rec swd.dpidr)" = 0x0bc12477 &&
	test -z "$(json_field rec swd.flash_size)" &&
	test "$(usbsim_count "RP2040A event: reset")" = 0
'

test_expect_success USBSIM '.bin at an address: touched sectors erased, written, read back' '
	head -c 10000 /dev/urandom >a.bin &&
	before=$(erases) &&
	usbsim mpf-swd --address 0x10013000 write a.bin -o jsonl >rec &&
	written 10000 &&
	test "$(json_field rec swd.flash_size)" = 2097152 &&
	test $(($(erases) - before)) = 3 &&
	usbsim mpf-swd read 0x10013000 10000 back.bin >/dev/null &&
	cmp a.bin back.bin &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM 'a UF2 for the RP2040 goes to its addresses; whole 64 KiB blocks are erased as blocks' '
	head -c 70000 /dev/urandom >u.bin &&
	mpf-uf2 convert --family RP2040 --base 0x10040000 u.bin u.uf2 &&
	before=$(erases) &&
	usbsim mpf-swd write u.uf2 -o jsonl >rec &&
	test $(($(erases) - before)) = 3 &&
	written 70144 &&
	usbsim mpf-swd read 0x10040000 70000 back.bin >/dev/null &&
	cmp u.bin back.bin &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM 'a UF2 for another family is refused before the probe is opened' '
	mpf-uf2 convert --family ESP32S3 --base 0x10000 u.bin r.uf2 &&
	before=$(usbsim_count "RP2040A open") &&
	test_expect_code 65 usbsim mpf-swd write r.uf2 2>err &&
	grep "r.uf2 is a UF2 file for ESP32S3: flash it with mpf-uf2" err &&
	test "$(usbsim_count "RP2040A open")" = "$before"
'

test_expect_success USBSIM 'a UF2 for the RP2350 is refused once the target reads as an RP2040, nothing erased' '
	mpf-uf2 convert --family RP2350_ARM_S u.bin r.uf2 &&
	before=$(erases) &&
	test_expect_code 1 usbsim mpf-swd write r.uf2 -o jsonl >rec &&
	grep "r.uf2 is a UF2 file for RP2350_ARM_S, but the target is RP2040" rec &&
	test "$(erases)" = "$before"
'

test_expect_success USBSIM '.elf segments go to their load addresses' '
	head -c 3001 /dev/urandom >text.bin &&
	head -c 1000 /dev/urandom >data.bin &&
	"$mkimage" elf fw.elf 0x10080000:text.bin 0x10080bba:data.bin@0x20000000 &&
	usbsim mpf-swd write fw.elf -o jsonl >rec &&
	written 4001 &&
	usbsim mpf-swd read 0x10080000 4002 back.bin >/dev/null &&
	head -c 3001 back.bin | cmp - text.bin &&
	tail -c 1000 back.bin | cmp - data.bin &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM 'erase --all empties the chip by 64 KiB blocks' '
	before=$(erases) &&
	usbsim mpf-swd erase --all -o jsonl >rec &&
	test "$(json_field rec erased.size)" = 2097152 &&
	test $(($(erases) - before)) = 32 &&
	usbsim mpf-swd read 0x10040000 16 e.bin >/dev/null &&
	test "$(od -An -tx1 e.bin | tr -d " \n")" = ffffffffffffffffffffffffffffffff
'

test_expect_success USBSIM 'a CMSIS-DAP v1 probe (HID, 64-byte reports): list names it, write and read back' '
	usbsim_devices "cmsisdap1:serial=RPV1:target=rp2040:time_scale=0.01" &&
	usbsim mpf-swd list -o jsonl >rec &&
	test "$(json_field rec swd.target)" = RP2040 &&
	usbsim mpf-swd write a.bin -o jsonl >rec &&
	written 10000 &&
	usbsim mpf-swd read 0x10000000 10000 back.bin >/dev/null &&
	cmp a.bin back.bin &&
	test "$(usbsim_count violation)" = 0
'

# At the slowest ring oscillator the datasheet allows (1.8 MHz) the ROM
# shifts each page at 300 kHz, 7 ms, on top of tPP, which is 3 ms at most:
# a 4 KiB sector's 16 pages take 160 ms, in real time (time_scale=1).
test_expect_success USBSIM 'slowest ring oscillator, slowest flash: the ROM calls are given the time' '
	usbsim_devices "cmsisdap:serial=RPSLOW:target=rp2040:time_scale=1:clk_khz=1800:tpp_us=3000" &&
	head -c 8192 /dev/urandom >s.bin &&
	usbsim mpf-swd write s.bin -o jsonl >rec &&
	written 8192 &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM 'a UF2 for the RP2040 is not written to an STM32' '
	usbsim_devices "cmsisdap:serial=F4RP:target=stm32f405:time_scale=0.01" &&
	test_expect_code 1 usbsim mpf-swd write u.uf2 -o jsonl >rec &&
	grep "u.uf2 is a UF2 file for RP2040, but the target is STM32F405" rec &&
	test "$(usbsim_count "F4RP event: erase [0-9]")" = 0
'

test_expect_success USBSIM 'an ST-LINK cannot select the RP2040: a clear refusal' '
	usbsim_devices "stlink:serial=STRP:target=rp2040" &&
	test_expect_code 1 usbsim mpf-swd info -o jsonl >rec &&
	grep "multidrop SWD bus, such as the RP2040, or dormant at power-up" rec
'

test_done
