#!/bin/sh
test_description='mpf-swd writes both banks of an STM32F767 and an STM32H743

The simulated STM32F767ZI has OPTCR.nDBANK clear: two banks of 4 x 16 KiB,
64 KiB and 7 x 128 KiB sectors, bank 2 at 0x08100000 erased by SNB 16-27
(RM0410 3.3.2). The STM32H743 has two banks of 128 KiB sectors, each with
its own registers; with SWAP_BANK set, bank 2 answers in the lower half.
An image across both banks is written, verified and read back, a sector
of bank 2 is erased without touching bank 1, and the bank swap option is
read and left as it is.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

. "$MPF_SRC/tests/sim/dap/banks.sh"

ffs() { test "$(tr -d "\377" <"$1" | wc -c)" = 0; }

usbsim_devices "cmsisdap:serial=F7:target=stm32f767:time_scale=0.001"

test_expect_success USBSIM 'stm32f767: info names the part and its 2 MiB' '
	usbsim mpf-swd info -o jsonl >rec &&
	test "$(json_field rec swd.target)" = STM32F76x/77x &&
	test "$(json_field rec swd.core)" = Cortex-M7 &&
	grep -q "\"flash_size\":2097152" rec
'

# bank 1 sector 11 (128 KiB), bank 2 sectors 0-4 (4 x 16 KiB, 64 KiB)
banks_across stm32f767 6

test_expect_success USBSIM 'stm32f767: erase --all erases both banks at once' '
	usbsim mpf-swd erase --all >/dev/null &&
	test "$(usbsim_count "mass erase")" = 1 &&
	usbsim mpf-swd read 0x080F0000 196608 back.bin >/dev/null && ffs back.bin &&
	usbsim mpf-swd read 0x08000000 4096 back.bin >/dev/null && ffs back.bin
'

usbsim_devices "cmsisdap:serial=H7:target=stm32h743:time_scale=0.001"
# bank 1 sector 7, bank 2 sector 0
banks_across stm32h743 2

usbsim_devices "cmsisdap:serial=H7SWAP:target=stm32h743:swap_bank=1:time_scale=0.001"
banks_across "stm32h743 with SWAP_BANK" 2

usbsim_devices "stlink:version=3:serial=STLF7:target=stm32f767:time_scale=0.001"
banks_across "stm32f767 through an ST-LINK/V3" 6

test_done
