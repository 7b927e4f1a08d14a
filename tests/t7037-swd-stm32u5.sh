#!/bin/sh
test_description='mpf-swd writes, verifies and erases an STM32U575 (NUCLEO-U575ZI-Q)

The simulated STM32U575ZI has DBGMCU_IDCODE (DEV_ID 0x482) at 0xE0044000,
the flash size at 0x0BFA07A0, and the L4 flash controller in its
non-secure layout (NSKEYR, NSSR +0x20, NSCR +0x28, OPTR +0x40): two banks
of 8 KiB pages, programmed in 128-bit quad-words. An image across the
banks is written and read back, a page of bank 2 is erased alone, and a
part with TrustZone on or with its banks swapped is refused before
anything is erased.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

erases() { usbsim_count "erase [0-9]"; }
ffs() { test "$(tr -d "\377" <"$1" | wc -c)" = 0; }

usbsim_devices "cmsisdap:serial=U5:target=stm32u575:time_scale=0.01"

test_expect_success USBSIM 'info names the part, its core and its flash' '
	usbsim mpf-swd info -o jsonl >rec &&
	test "$(json_field rec swd.target)" = STM32U575/585 &&
	test "$(json_field rec swd.core)" = Cortex-M33 &&
	grep -q "\"flash_size\":2097152" rec
'

# 20001 bytes from 0x080FF000: the last page of bank 1, two of bank 2
test_expect_success USBSIM 'write across the banks verifies and erases three pages' '
	head -c 20001 /dev/urandom >fw.bin &&
	before=$(erases) &&
	usbsim mpf-swd --address 0x080FF000 write fw.bin -o jsonl >rec &&
	test "$(json_field rec flashed.verified)" = true &&
	test $(($(erases) - before)) = 3 &&
	usbsim mpf-swd read 0x080FF000 20001 back.bin >/dev/null &&
	cmp fw.bin back.bin &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM 'a page of bank 2 is erased there, bank 1 keeps its own' '
	head -c 4096 /dev/urandom >b1.bin &&
	usbsim mpf-swd --address 0x08000000 write b1.bin >/dev/null &&
	usbsim mpf-swd --address 0x08100000 erase >/dev/null &&
	usbsim mpf-swd read 0x08100000 8192 p.bin >/dev/null && ffs p.bin &&
	usbsim mpf-swd read 0x08000000 4096 back.bin >/dev/null && cmp b1.bin back.bin &&
	usbsim mpf-swd read 0x08102000 4096 back.bin >/dev/null &&
	dd if=fw.bin bs=4096 skip=3 count=1 2>/dev/null | cmp - back.bin
'

test_expect_success USBSIM 'erase --all empties both banks in one mass erase' '
	usbsim mpf-swd erase --all >/dev/null &&
	test "$(usbsim_count "mass erase")" = 1 &&
	usbsim mpf-swd read 0x08000000 4096 back.bin >/dev/null && ffs back.bin &&
	usbsim mpf-swd read 0x080FF000 20001 back.bin >/dev/null && ffs back.bin &&
	test "$(usbsim_count violation)" = 0
'

usbsim_devices "stlink:version=3:serial=STLU5:target=stm32u575:time_scale=0.01"

test_expect_success USBSIM 'through an ST-LINK/V3: quad-words, read back' '
	usbsim mpf-swd --address 0x080FF000 write fw.bin -o jsonl >rec &&
	test "$(json_field rec flashed.verified)" = true &&
	usbsim mpf-swd read 0x080FF000 20001 back.bin >/dev/null &&
	cmp fw.bin back.bin &&
	test "$(usbsim_count violation)" = 0
'

for opt in protect=1:"TrustZone on" swap_bank=1:"banks swapped"; do
	usbsim_devices "cmsisdap:serial=U5${opt%%=*}:target=stm32u575:${opt%%:*}:time_scale=0.01"

	test_expect_success USBSIM "${opt#*:}: refused by name, nothing erased" "
		before=\$(erases) &&
		test_expect_code 1 usbsim mpf-swd --address 0x08000000 write fw.bin -o jsonl >rec &&
		grep -q 'STM32U575/585 has' rec &&
		test \"\$(erases)\" = \"\$before\"
	"
done

test_done
