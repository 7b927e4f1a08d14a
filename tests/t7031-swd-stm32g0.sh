#!/bin/sh
test_description='mpf-swd writes, verifies and erases an STM32G0

The simulated STM32G071RB is a Cortex-M0+ whose DBGMCU_IDCODE (DEV_ID
0x460) reads at 0x40015800 on the APB, with the L4-style flash controller
(2 KiB pages, 64-bit double words, BSY and CFGBSY) paced at the datasheet
times; an image is written and read back, only the touched pages are
erased, and a page and the whole flash are erased on request.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

erases() { usbsim_count "erase [0-9]"; }

usbsim_devices "cmsisdap:serial=G0:target=stm32g071:time_scale=0.01"

test_expect_success USBSIM 'info names the part, its core and its flash' '
	usbsim mpf-swd info -o jsonl >rec &&
	test "$(json_field rec swd.target)" = STM32G07x/08x &&
	test "$(json_field rec swd.core)" = Cortex-M0+ &&
	grep -q "\"flash_size\":131072" rec
'

# 5000 bytes at +0x1E400: pages 60, 61 and 62 of the 64 (128 KiB)
test_expect_success USBSIM 'write verifies and erases only the touched pages' '
	head -c 5000 /dev/urandom >fw.bin &&
	before=$(erases) &&
	usbsim mpf-swd --address 0x0801E400 write fw.bin -o jsonl >rec &&
	test "$(json_field rec flashed.ok)" = true &&
	test "$(json_field rec flashed.verified)" = true &&
	test $(($(erases) - before)) = 3 &&
	usbsim mpf-swd read 0x0801E400 5000 back.bin >/dev/null &&
	cmp fw.bin back.bin &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM 'an image past the end of the flash is refused' '
	test_expect_code 1 usbsim mpf-swd --address 0x0801F800 write fw.bin -o jsonl >rec &&
	grep -q "outside the flash" rec
'

test_expect_success USBSIM 'erase of one page leaves its neighbour' '
	usbsim mpf-swd --address 0x0801E800 erase -o jsonl >rec &&
	usbsim mpf-swd read 0x0801E000 4096 back.bin >/dev/null &&
	dd if=fw.bin bs=1024 skip=0 count=1 2>/dev/null >want &&
	dd if=back.bin bs=1024 skip=1 count=1 2>/dev/null | cmp - want &&
	dd if=back.bin bs=2048 skip=1 2>/dev/null | tr -d "\377" | wc -c | grep -qx 0
'

test_expect_success USBSIM 'erase --all empties the flash' '
	usbsim mpf-swd erase --all -o jsonl >rec &&
	test "$(usbsim_count "mass erase")" = 1 &&
	usbsim mpf-swd read 0x0801E400 5000 back.bin >/dev/null &&
	test "$(tr -d "\377" <back.bin | wc -c)" = 0 &&
	test "$(usbsim_count violation)" = 0
'

test_done
