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
. "$MPF_SRC/tests/sim/dap/banks.sh"

erases() { usbsim_count "erase [0-9]"; }
ffs() { test "$(tr -d "\377" <"$1" | wc -c)" = 0; }

usbsim_devices "cmsisdap:serial=U5:target=stm32u575:time_scale=0.01"

test_expect_success USBSIM 'info names the part, its core and its flash' '
	usbsim mpf-swd info -o jsonl >rec &&
	test "$(json_field rec swd.target)" = STM32U575/585 &&
	test "$(json_field rec swd.core)" = Cortex-M33 &&
	grep -q "\"flash_size\":2097152" rec
'

# bank 1 from 0x080F0000: eight 8 KiB pages; bank 2 to 0x08120000: sixteen
banks_across stm32u575 24

test_expect_success USBSIM 'erase --all empties both banks in one mass erase' '
	usbsim mpf-swd erase --all >/dev/null &&
	test "$(usbsim_count "mass erase")" = 1 &&
	usbsim mpf-swd read 0x08000000 4096 back.bin >/dev/null && ffs back.bin &&
	usbsim mpf-swd read 0x080F0000 196608 back.bin >/dev/null && ffs back.bin &&
	test "$(usbsim_count violation)" = 0
'

usbsim_devices "stlink:version=3:serial=STLU5:target=stm32u575:time_scale=0.01"

test_expect_success USBSIM 'through an ST-LINK/V3: quad-words, read back' '
	usbsim mpf-swd --address 0x080F0000 write fw.bin -o jsonl >rec &&
	test "$(json_field rec flashed.verified)" = true &&
	usbsim mpf-swd read 0x080F0000 196608 back.bin >/dev/null &&
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
