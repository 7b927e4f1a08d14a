#!/bin/sh
test_description='mpf-swd writes and verifies an RP2350 from .bin, .uf2 and .elf

The RP2350 model has one ADIv6 debug port (DPv3), dormant at power-up and
selected by TARGETSEL, in front of access ports at debug addresses (core
0 at 0x2000): an access port register reached through an ADIv5 SELECT is
a violation. Its flash is written only through the boot ROM functions
that rom_table_lookup returns, called on the Cortex-M33 with the RCP
enabled and seeded (else the core faults), in the order connect, exit
XIP, erase, program, flush the cache, enter XIP.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
mkimage=$(mpf_sim mkimage)

erases() { usbsim_count "PICO2 event: erase [0-9]"; }
# written BYTES: the record in ./rec says BYTES were written and read back
written() {
	test "$(json_field rec flashed.ok)" = true &&
	test "$(json_field rec flashed.verified)" = true &&
	test "$(json_field rec flashed.bytes)" = "$1"
}
nothing_wrong() { test "$(usbsim_count "violation|core fault")" = 0; }

usbsim_devices "cmsisdap:serial=PICO2:target=rp2350:time_scale=0.01"

test_expect_success USBSIM 'info and list name the RP2350A by its CHIP_ID and package, core running' '
	usbsim mpf-swd info -o jsonl >rec &&
	test "$(json_field rec swd.target)" = RP2350A &&
	test "$(json_field rec swd.family)" = rp2350 &&
	test "$(json_field rec swd.core)" = Cortex-M33 &&
	test "$(json_field rec swd.dpidr)" = 0x4c013477 &&
	test "$(json_field rec swd.idcode)" = 0x20004927 &&
	test -z "$(json_field rec swd.flash_size)" &&
	test "$(usbsim_count "PICO2 event: reset")" = 0 &&
	usbsim mpf-swd list -o jsonl >rec &&
	test "$(json_field rec swd.target)" = RP2350A &&
	test "$(json_field rec swd.core)" = Cortex-M33 &&
	nothing_wrong
'

test_expect_success USBSIM '.bin at an address: touched sectors erased, bytes around untouched' '
	head -c 65536 /dev/urandom >around.bin &&
	usbsim mpf-swd --address 0x10010000 write around.bin -o jsonl >rec &&
	written 65536 &&
	head -c 10000 /dev/urandom >a.bin &&
	before=$(erases) &&
	usbsim mpf-swd --address 0x10013000 write a.bin -o jsonl >rec &&
	written 10000 &&
	test "$(json_field rec swd.flash_size)" = 4194304 &&
	test $(($(erases) - before)) = 3 &&
	usbsim mpf-swd read 0x10010000 65536 back.bin >/dev/null &&
	cmp -n 12288 back.bin around.bin &&
	dd if=back.bin bs=4096 skip=3 count=3 2>/dev/null | head -c 10000 | cmp - a.bin &&
	dd if=back.bin bs=4096 skip=6 2>/dev/null >tail.bin &&
	dd if=around.bin bs=4096 skip=6 2>/dev/null | cmp - tail.bin &&
	nothing_wrong
'

test_expect_success USBSIM 'a MicroPython-style UF2 for RP2350_ARM_S goes to its addresses' '
	head -c 70000 /dev/urandom >u.bin &&
	mpf-uf2 convert --family RP2350_ARM_S --base 0x10040000 u.bin u.uf2 &&
	before=$(erases) &&
	usbsim mpf-swd write u.uf2 -o jsonl >rec &&
	test $(($(erases) - before)) = 3 &&
	written 70144 &&
	usbsim mpf-swd read 0x10040000 70000 back.bin >/dev/null &&
	cmp u.bin back.bin &&
	nothing_wrong
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
	nothing_wrong
'

test_expect_success USBSIM 'erase --all empties the 4 MiB chip by 64 KiB blocks' '
	before=$(erases) &&
	usbsim mpf-swd erase --all -o jsonl >rec &&
	test "$(json_field rec erased.size)" = 4194304 &&
	test $(($(erases) - before)) = 64 &&
	usbsim mpf-swd read 0x10040000 16 e.bin >/dev/null &&
	test "$(od -An -tx1 e.bin | tr -d " \n")" = ffffffffffffffffffffffffffffffff &&
	nothing_wrong
'

test_done
