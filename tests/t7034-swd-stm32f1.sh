#!/bin/sh
test_description='mpf-swd writes, verifies and erases an STM32F1, F0 and F3

The simulated STM32F103RB (Cortex-M3, DEV_ID 0x410 at 0xE0042000, 1 KiB
pages), STM32F072RB (Cortex-M0, DEV_ID 0x448 at 0x40015800, 2 KiB pages)
and STM32F303RE (Cortex-M4, DEV_ID 0x446, 2 KiB pages) carry the FPEC at
0x40022000: a page is erased through FLASH_AR, and flash takes half-words
only (a 32-bit write is a bus error), each at the datasheet time. The
MEM-AP makes 16-bit accesses for them, through a CMSIS-DAP and through an
ST-LINK; an ST-LINK whose firmware has no 16-bit access is refused before
anything is erased.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
mkimage=$(mpf_sim mkimage)

erases() { usbsim_count "erase [0-9]"; }
ffs() { test "$(tr -d "\377" <"$1" | wc -c)" = 0; }

# check_fpec MODEL PART CORE FLASH_SIZE PAGE TOUCHED
check_fpec() {
	model=$1 part=$2 core=$3 size=$4 page=$5 touched=$6
	usbsim_devices "cmsisdap:serial=$model:target=$model:time_scale=0.01"

	test_expect_success USBSIM "$model: info names the part, its core and its flash" "
		usbsim mpf-swd info -o jsonl >rec &&
		test \"\$(json_field rec swd.target)\" = \"$part\" &&
		test \"\$(json_field rec swd.core)\" = $core &&
		grep -q '\"flash_size\":$size' rec
	"

	# 1001 bytes at +0x1F0C2: $touched pages; an odd length and a
	# half-word start
	test_expect_success USBSIM "$model: write verifies and erases only the touched pages" "
		head -c 1001 /dev/urandom >fw.bin &&
		before=\$(erases) &&
		usbsim mpf-swd --address 0x0801F0C2 write fw.bin -o jsonl >rec &&
		test \"\$(json_field rec flashed.ok)\" = true &&
		test \"\$(json_field rec flashed.verified)\" = true &&
		test \$((\$(erases) - before)) = $touched &&
		usbsim mpf-swd read 0x0801F0C2 1001 back.bin >/dev/null &&
		cmp fw.bin back.bin &&
		usbsim mpf-swd read 0x0801F0C0 2 head.bin >/dev/null && ffs head.bin &&
		test \"\$(usbsim_count violation)\" = 0
	"

	test_expect_success USBSIM "$model: .elf segments with a gap: the gap reads erased" '
		head -c 301 /dev/urandom >a.bin &&
		printf "\377\377\377\377\000\000" >>a.bin &&
		head -c 100 /dev/urandom >b.bin &&
		"$mkimage" elf fw.elf 0x08001000:a.bin 0x08001134:b.bin &&
		usbsim mpf-swd write fw.elf -o jsonl >rec &&
		test "$(json_field rec flashed.ok)" = true &&
		usbsim mpf-swd read 0x08001000 408 back.bin >/dev/null &&
		head -c 307 back.bin | cmp - a.bin &&
		dd if=back.bin bs=1 skip=307 count=1 2>/dev/null >gap && ffs gap &&
		tail -c 100 back.bin | cmp - b.bin &&
		test "$(usbsim_count violation)" = 0
	'

	# the page after the one holding 0x0801F0C2 goes; what the image put
	# in that one stays
	test_expect_success USBSIM "$model: erase of one page leaves its neighbours" "
		p0=\$((0x0801F0C2 / $page * $page)) &&
		n=\$((p0 + $page - 0x0801F0C2)) && n=\$((n < 1001 ? n : 1001)) &&
		usbsim mpf-swd --address \$((p0 + $page)) erase -o jsonl >rec &&
		usbsim mpf-swd read \$((p0 + $page)) $page p1 >/dev/null && ffs p1 &&
		usbsim mpf-swd read 0x0801F0C2 \$n keep >/dev/null &&
		head -c \$n fw.bin | cmp - keep
	"

	test_expect_success USBSIM "$model: erase --all is one mass erase" "
		usbsim mpf-swd erase --all -o jsonl >rec &&
		test \"\$(usbsim_count 'mass erase')\" = 1 &&
		usbsim mpf-swd read 0x0801F0C2 1001 back.bin >/dev/null && ffs back.bin &&
		usbsim mpf-swd read 0x08001000 408 back.bin >/dev/null && ffs back.bin &&
		test \"\$(usbsim_count violation)\" = 0
	"
	usbsim_reset
}

check_fpec stm32f103 "STM32F10x medium density" Cortex-M3 131072 1024 2
check_fpec stm32f072 STM32F07x Cortex-M0 131072 2048 1
check_fpec stm32f303 "STM32F302xD/E, F303xD/E" Cortex-M4 524288 2048 1

usbsim_devices "stlink:version=2.1:serial=STL21F103:target=stm32f103:time_scale=0.01"

test_expect_success USBSIM 'the F103 through an ST-LINK/V2-1: 16-bit writes, read back' '
	head -c 3000 /dev/urandom >st.bin &&
	usbsim mpf-swd --address 0x08010000 write st.bin -o jsonl >rec &&
	test "$(json_field rec flashed.verified)" = true &&
	usbsim mpf-swd read 0x08010000 3000 back.bin >/dev/null &&
	cmp st.bin back.bin &&
	test "$(usbsim_count violation)" = 0
'

# the same board (its flash kept) behind a probe with older firmware
usbsim_devices "stlink:version=2:fw=25:serial=STL21F103:target=stm32f103:time_scale=0.01"

test_expect_success USBSIM 'an ST-LINK/V2 J25 (no 16-bit access) is refused, the flash kept' '
	before=$(erases) &&
	test_expect_code 1 usbsim mpf-swd --address 0x08010000 write fw.bin -o jsonl >rec &&
	grep -q "no 16-bit memory access" rec &&
	test "$(erases)" = "$before" &&
	usbsim mpf-swd read 0x08010000 3000 back.bin >/dev/null &&
	cmp st.bin back.bin
'

test_done
