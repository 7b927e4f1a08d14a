#!/bin/sh
test_description='mpf-swd writes, verifies and erases an STM32L0 and an STM32L1

The simulated STM32L073RZ (Cortex-M0+, DEV_ID 0x447 at 0x40015800, NVM
interface at 0x40022000, 128-byte pages) and STM32L152RE (Cortex-M3,
DEV_ID 0x437 at 0xE0042000, NVM interface at 0x40023C00, 256-byte pages)
open PECR by two key pairs, erase a page to 0x00 by a word write with
ERASE and PROG, and program words at the datasheet time. An image is
written and read back, gaps between segments read as erased (0x00), only
the touched pages are erased, and a page and the whole flash on request.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
mkimage=$(mpf_sim mkimage)

erases() { usbsim_count "erase [0-9]"; }
zeros() { test "$(tr -d "\000" <"$1" | wc -c)" = 0; }

# check_nvm MODEL PART CORE FLASH_SIZE PAGE TOUCHED
check_nvm() {
	model=$1 part=$2 core=$3 size=$4 page=$5 touched=$6
	usbsim_devices "cmsisdap:serial=$model:target=$model:time_scale=0.01"

	test_expect_success USBSIM "$model: info names the part, its core and its flash" "
		usbsim mpf-swd info -o jsonl >rec &&
		test \"\$(json_field rec swd.target)\" = \"$part\" &&
		test \"\$(json_field rec swd.core)\" = $core &&
		grep -q '\"flash_size\":$size' rec
	"

	# 1000 bytes at +0x2F040: $touched pages
	test_expect_success USBSIM "$model: write verifies and erases only the touched pages" "
		head -c 1000 /dev/urandom >fw.bin &&
		before=\$(erases) &&
		usbsim mpf-swd --address 0x0802F040 write fw.bin -o jsonl >rec &&
		test \"\$(json_field rec flashed.ok)\" = true &&
		test \"\$(json_field rec flashed.verified)\" = true &&
		test \$((\$(erases) - before)) = $touched &&
		usbsim mpf-swd read 0x0802F040 1000 back.bin >/dev/null &&
		cmp fw.bin back.bin &&
		test \"\$(usbsim_count violation)\" = 0
	"

	test_expect_success USBSIM "$model: .elf segments with a gap: the gap reads erased (0x00)" '
		head -c 301 /dev/urandom >a.bin &&
		head -c 100 /dev/urandom >b.bin &&
		"$mkimage" elf fw.elf 0x08001000:a.bin 0x08001130:b.bin &&
		usbsim mpf-swd write fw.elf -o jsonl >rec &&
		test "$(json_field rec flashed.ok)" = true &&
		usbsim mpf-swd read 0x08001000 404 back.bin >/dev/null &&
		head -c 301 back.bin | cmp - a.bin &&
		dd if=back.bin bs=1 skip=301 count=3 2>/dev/null >gap && zeros gap &&
		tail -c 100 back.bin | cmp - b.bin &&
		test "$(usbsim_count violation)" = 0
	'

	# the second page from 0x0802F000 goes; the first keeps fw[0..page-0x40)
	test_expect_success USBSIM "$model: erase of one page leaves its neighbours" "
		usbsim mpf-swd --address \$((0x0802F000 + $page)) erase -o jsonl >rec &&
		usbsim mpf-swd read 0x0802F000 $((3 * page)) back.bin >/dev/null &&
		head -c $page back.bin | tail -c $((page - 64)) >p0 &&
		head -c $((page - 64)) fw.bin | cmp - p0 &&
		dd if=back.bin bs=$page skip=1 count=1 2>/dev/null >p1 && zeros p1 &&
		tail -c $page back.bin >p2 &&
		dd if=fw.bin bs=1 skip=$((2 * page - 64)) count=$page 2>/dev/null | cmp - p2
	"

	test_expect_success USBSIM "$model: erase --all empties the flash, page by page" "
		before=\$(erases) &&
		usbsim mpf-swd erase --all -o jsonl >rec &&
		test \$((\$(erases) - before)) = $((size / page)) &&
		usbsim mpf-swd read 0x0802F040 1000 back.bin >/dev/null && zeros back.bin &&
		usbsim mpf-swd read 0x08001000 404 back.bin >/dev/null && zeros back.bin &&
		test \"\$(usbsim_count violation)\" = 0
	"
}

# openocd's stm32l0.cfg and stm32l1.cfg switch SYSCLK to HSI16 (HSI) in
# reset-init; stm32l0.cfg then waits for RCC_CFGR.SWS to report it, as
# silicon does at once (RM0377 7.3.3)
hsi_switch() {
	model=$1 cfg=$2 cfgr=$3
	usbsim_devices "cmsisdap:serial=$model:target=$model:time_scale=0.01"
	test_expect_success USBSIM,OPENOCD "$model: openocd's reset init finds SYSCLK switched" "
		usbsim timeout -s KILL 30 openocd -c 'gdb_port disabled; tcl_port disabled; telnet_port disabled' \\
			-f interface/cmsis-dap.cfg -f target/$cfg \\
			-c 'init; reset init; puts cfgr=[format 0x%x [mrw $cfgr]]; exit' >out 2>&1 &&
		grep -E '^cfgr=0x[0-9a-f]*5\$' out
	"
}

hsi_switch stm32l073 stm32l0.cfg 0x4002100c
hsi_switch stm32l152 stm32l1.cfg 0x40023808

check_nvm stm32l073 STM32L07x/08x Cortex-M0+ 196608 128 9
check_nvm stm32l152 "STM32L1 Cat.5/6" Cortex-M3 524288 256 5

test_done
