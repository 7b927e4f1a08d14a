#!/bin/sh
test_description='mpf-swd refuses an STM32 it has no flash driver for, by name

The simulated STM32L552 reads DEV_ID 0x472 from its DBGMCU_IDCODE at
0xE0044000; no driver in mpf-swd drives the L5 flash controller, so info,
write and erase name the part and stop before the flash is unlocked, also
when a neighbouring family'"'"'s driver is asked for with --target.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

usbsim_devices "cmsisdap:serial=L5:target=stm32l552:time_scale=0.01"

test_expect_success USBSIM 'info names the part and refuses it' '
	test_expect_code 1 usbsim mpf-swd info -o jsonl >rec &&
	grep -q "STM32L55x/56x (DEV_ID 0x472) has no flash driver" rec
'

test_expect_success USBSIM 'write and erase are refused before the flash is unlocked' '
	head -c 4096 /dev/urandom >fw.bin &&
	test_expect_code 1 usbsim mpf-swd write fw.bin -o jsonl >rec &&
	grep -q "STM32L55x/56x" rec &&
	test_expect_code 1 usbsim mpf-swd erase --all -o jsonl >rec &&
	grep -q "STM32L55x/56x" rec &&
	test "$(usbsim_count "flash unlocked")" = 0 &&
	test "$(usbsim_count "erase")" = 0 &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM 'a neighbour'"'"'s driver asked for by name is not used either' '
	test_expect_code 1 usbsim mpf-swd --target stm32l4 write fw.bin -o jsonl >rec &&
	grep -q "STM32L55x/56x" rec &&
	test "$(usbsim_count "flash unlocked")" = 0
'

test_done
