#!/bin/sh
test_description='mpf-swd writes, verifies and erases an STM32H563 (NUCLEO-H563ZI)

The simulated STM32H563ZI keeps its Cortex-M33 behind AP 1 (AP 0 is the
debug APB), its DBGMCU_IDCODE (DEV_ID 0x484) at 0x44024000 and the flash
size at 0x08FFF80C; the non-secure flash interface erases 8 KiB sectors
of the bank BKSEL names and programs 128-bit quad-words through one write
buffer. An image across the two banks is written and read back, a sector
of bank 2 is erased without touching bank 1, swapped banks are erased in
the bank the address means, and a part with TrustZone on is refused
before anything is erased.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
. "$MPF_SRC/tests/sim/dap/banks.sh"

erases() { usbsim_count "erase [0-9]"; }
ffs() { test "$(tr -d "\377" <"$1" | wc -c)" = 0; }

usbsim_devices "cmsisdap:serial=H5:target=stm32h563:time_scale=0.01"

test_expect_success USBSIM 'info finds the core behind AP 1 and names the part' '
	usbsim mpf-swd info -o jsonl >rec &&
	test "$(json_field rec swd.target)" = STM32H562/563/573 &&
	test "$(json_field rec swd.core)" = Cortex-M33 &&
	grep -q "\"flash_size\":2097152" rec
'

# bank 1 from 0x080F0000: eight 8 KiB sectors; bank 2 to 0x08120000: sixteen
banks_across stm32h563 24

test_expect_success USBSIM 'erase --all empties both banks' '
	usbsim mpf-swd erase --all >/dev/null &&
	test "$(usbsim_count "mass erase")" = 1 &&
	usbsim mpf-swd read 0x08000000 4096 back.bin >/dev/null && ffs back.bin &&
	usbsim mpf-swd read 0x080F0000 196608 back.bin >/dev/null && ffs back.bin
'

usbsim_devices "cmsisdap:serial=H5SWAP:target=stm32h563:swap_bank=1:time_scale=0.01"

test_expect_success USBSIM 'swapped banks: the sector erased is the one the address means' '
	usbsim mpf-swd --address 0x08100000 write b1.bin >/dev/null &&
	usbsim mpf-swd --address 0x08000000 write fw.bin -o jsonl >rec &&
	test "$(json_field rec flashed.verified)" = true &&
	usbsim mpf-swd read 0x08100000 4096 back.bin >/dev/null && cmp b1.bin back.bin &&
	test "$(usbsim_count violation)" = 0
'

for st in "3:fw=7" "2.1:fw=40"; do
	usbsim_devices "stlink:version=${st%%:*}:${st#*:}:serial=STLH5${st%%:*}:target=stm32h563:time_scale=0.01"

	test_expect_success USBSIM "through an ST-LINK/V${st%%:*} (${st#*:}): memory through AP 1" '
		usbsim mpf-swd --address 0x080F0000 write fw.bin -o jsonl >rec &&
		test "$(json_field rec flashed.verified)" = true &&
		usbsim mpf-swd read 0x080F0000 196608 back.bin >/dev/null &&
		cmp fw.bin back.bin &&
		test "$(usbsim_count violation)" = 0
	'
done

usbsim_devices "stlink:version=2.1:fw=31:serial=STLH5J31:target=stm32h563:time_scale=0.01"

test_expect_success USBSIM 'an ST-LINK/V2-1 J31 (memory through AP 0 only) says so, erases nothing' '
	before=$(erases) &&
	test_must_fail usbsim mpf-swd --address 0x08000000 write fw.bin -o jsonl >rec &&
	grep -q "through AP 0 only" rec &&
	test "$(erases)" = "$before"
'

usbsim_devices "cmsisdap:serial=H5TZ:target=stm32h563:protect=1:time_scale=0.01"

test_expect_success USBSIM 'TrustZone on: refused by name, nothing erased' '
	before=$(erases) &&
	test_expect_code 1 usbsim mpf-swd --address 0x08000000 write fw.bin -o jsonl >rec &&
	grep -q "TrustZone on" rec &&
	test "$(erases)" = "$before"
'

test_done
