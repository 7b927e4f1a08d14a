#!/bin/sh
test_description='mpf-swd writes, verifies and erases an STM32WL55 and an STM32WB55

Both keep the L4 flash controller at 0x58004000 (RM0461, RM0434) and their
DBGMCU_IDCODE at 0xE0042000 (DEV_ID 0x497, 0x495); the WL55JC has 2 KiB
pages, the WB55RG 4 KiB pages of which those from FLASH_SFR.SFSA on belong
to CPU2 (its wireless stack): mpf-swd writes below them only and erases
page by page. Both are programmed by the L4 routine in their RAM, which
also waits on SR.PESD: while CPU2 holds flash operations nothing is
started.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

erases() { usbsim_count "erase [0-9]"; }
ffs() { test "$(tr -d "\377" <"$1" | wc -c)" = 0; }

# check_wx MODEL PART FLASH_SIZE PAGE
check_wx() {
	model=$1 part=$2 size=$3 page=$4
	usbsim_devices "cmsisdap:serial=$model:target=$model:time_scale=0.01"

	test_expect_success USBSIM "$model: info names the part and the flash mpf-swd writes" "
		usbsim mpf-swd info -o jsonl >rec &&
		test \"\$(json_field rec swd.target)\" = $part &&
		grep -q '\"flash_size\":$size' rec
	"

	test_expect_success USBSIM "$model: write verifies and erases only the touched pages" "
		head -c 9001 /dev/urandom >fw.bin &&
		before=\$(erases) &&
		usbsim mpf-swd --address 0x08010000 write fw.bin -o jsonl >rec &&
		test \"\$(json_field rec flashed.verified)\" = true &&
		test \"\$(json_field rec flashed.via)\" = algorithm &&
		test \$((\$(erases) - before)) = \$(((9001 + $page - 1) / $page)) &&
		usbsim mpf-swd read 0x08010000 9001 back.bin >/dev/null &&
		cmp fw.bin back.bin &&
		test \"\$(usbsim_count violation)\" = 0
	"

	test_expect_success USBSIM "$model: erase of one page leaves its neighbours" "
		usbsim mpf-swd --address \$((0x08010000 + $page)) erase >/dev/null &&
		usbsim mpf-swd read \$((0x08010000 + $page)) $page p.bin >/dev/null && ffs p.bin &&
		usbsim mpf-swd read 0x08010000 $page back.bin >/dev/null &&
		head -c $page fw.bin | cmp - back.bin
	"

	usbsim_devices "cmsisdap:serial=${model}pes:target=$model:time_scale=0.01:c2_pes=30000"

	test_expect_success USBSIM "$model: nothing starts while CPU2 holds the flash (PESD)" "
		usbsim mpf-swd --address 0x08010000 write fw.bin -o jsonl >rec &&
		test \"\$(json_field rec flashed.verified)\" = true &&
		test \"\$(json_field rec flashed.via)\" = algorithm &&
		test \"\$(usbsim_count violation)\" = 0
	"
}

check_wx stm32wl55 STM32WLE5/WL55 262144 2048
check_wx stm32wb55 STM32WB50/55 917504 4096

usbsim_devices "cmsisdap:serial=stm32wb55:target=stm32wb55:time_scale=0.01"

test_expect_success USBSIM 'stm32wb55: CPU2 pages (from SFSA 0xE0) are refused, nothing erased' '
	before=$(erases) &&
	test_expect_code 1 usbsim mpf-swd --address 0x080DF000 write fw.bin -o jsonl >rec &&
	grep -q "outside the flash" rec &&
	test "$(erases)" = "$before"
'

test_expect_success USBSIM 'stm32wb55: erase --all is page by page, below CPU2s pages' '
	before=$(erases) &&
	usbsim mpf-swd erase --all -o jsonl >rec 2>err &&
	test $(($(erases) - before)) = 224 &&
	test "$(usbsim_count "mass erase")" = 0 &&
	grep -q "is CPU2.s" err &&
	usbsim mpf-swd read 0x08010000 9001 back.bin >/dev/null && ffs back.bin
'

usbsim_devices "stlink:version=2.1:serial=STLWB55:target=stm32wb55:time_scale=0.01"

test_expect_success USBSIM 'stm32wb55 through an ST-LINK/V2-1 (NUCLEO-WB55RG)' '
	usbsim mpf-swd --address 0x08010000 write fw.bin -o jsonl >rec &&
	test "$(json_field rec flashed.verified)" = true &&
	usbsim mpf-swd read 0x08010000 9001 back.bin >/dev/null &&
	cmp fw.bin back.bin &&
	test "$(usbsim_count violation)" = 0
'

test_done
