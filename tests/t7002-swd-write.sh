#!/bin/sh
test_description='mpf-swd writes and verifies each target from .bin, .hex and .elf

Each of the simulated parts (STM32F405 sectors, STM32L476 dual-bank pages
and double words, nRF52840 NVMC pages, STM32H743 dual-bank sectors and
256-bit flash words behind a Cortex-M7) gets an image as a raw
binary, as an ELF whose initialised data lives at a load address other
than its link address, and as Intel HEX; what is read back through a
second process must equal the image, and only the sectors or pages the
image touches may be erased.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
mkimage=$(mpf_sim mkimage)

erases() { usbsim_count "erase [0-9]"; }

# check_target MODEL BASE PART CORE BIN_OFF BIN_LEN BIN_ERASES
check_target() {
	model=$1 base=$2 part=$3 core=$4 off=$5 len=$6 want=$7
	usbsim_devices "cmsisdap:serial=$model:target=$model:time_scale=0.01"

	test_expect_success USBSIM "$model: info names the part" "
		usbsim mpf-swd info -o jsonl >rec &&
		test \"\$(json_field rec swd.target)\" = \"$part\" &&
		test \"\$(json_field rec swd.core)\" = $core &&
		test \"\$(json_field rec dap_version)\" = 2
	"

	test_expect_success USBSIM "$model: .bin at an address erases only touched sectors" "
		head -c $len /dev/urandom >$model.bin &&
		before=\$(erases) &&
		addr=\$(printf 0x%08x \$(($base + $off))) &&
		usbsim mpf-swd --address \$addr write $model.bin -o jsonl >rec &&
		{ cat rec; echo \"erases \$before -> \$(erases)\"; grep violation \"\$MPF_USBSIM_LOG\" || :; } >&2 &&
		test \"\$(json_field rec flashed.ok)\" = true &&
		test \"\$(json_field rec flashed.verified)\" = true &&
		test \"\$(json_field rec flashed.bytes)\" = $len &&
		test \$((\$(erases) - before)) = $want &&
		usbsim mpf-swd read \$addr $len back.bin >/dev/null &&
		cmp $model.bin back.bin &&
		test \"\$(usbsim_count violation)\" = 0
	"

	test_expect_success USBSIM "$model: .elf segments go to their load addresses" "
		head -c 3001 /dev/urandom >text.bin &&
		head -c 1000 /dev/urandom >data.bin &&
		t=\$(($base + 0x30000)) && d=\$((t + 3002)) &&
		\"\$mkimage\" elf fw.elf \$t:text.bin \$d:data.bin@0x20000000 &&
		usbsim mpf-swd write fw.elf -o jsonl >rec &&
		test \"\$(json_field rec flashed.bytes)\" = 4001 &&
		usbsim mpf-swd read \$t 4002 back.bin >/dev/null &&
		head -c 3001 back.bin | cmp - text.bin &&
		dd if=back.bin bs=1 skip=3001 count=1 2>/dev/null | od -An -tx1 | grep -q ff &&
		tail -c 1000 back.bin | cmp - data.bin &&
		usbsim mpf-swd read 0x20000000 16 ram.bin >/dev/null &&
		! head -c 16 data.bin | cmp -s - ram.bin
	"

	test_expect_success USBSIM "$model: .hex records across a 64 KiB boundary" "
		head -c 5000 /dev/urandom >h.bin &&
		h=\$(($base + 0x4F000)) &&
		\"\$mkimage\" hex fw.hex \$h:h.bin &&
		usbsim mpf-swd write fw.hex -o jsonl >rec &&
		test \"\$(json_field rec flashed.ok)\" = true &&
		usbsim mpf-swd read \$h 5000 back.bin >/dev/null &&
		cmp h.bin back.bin
	"
}

# 70000 bytes at +0x4000: F405 sectors 1, 2, 3 and 4 (16, 16, 16, 64 KiB)
check_target stm32f405 0x08000000 "STM32F405/407/415/417" Cortex-M4 0x4000 70000 4
# 6000 bytes at +0x7F800: L476 pages 255 of bank 1 and 0-1 of bank 2
check_target stm32l476 0x08000000 "STM32L47x/48x" Cortex-M4 0x7F800 6000 3
# 9000 bytes at +0x1000: nRF52840 pages 1-3
check_target nrf52840 0x00000000 nRF52840 Cortex-M4 0x1000 9000 3
# 70000 bytes at +0xF8000: H743 sector 7 of bank 1 and sector 0 of bank 2,
# through a 1 KiB TAR window (Cortex-M7 AHB-AP) in 256-bit flash words
check_target stm32h743 0x08000000 "STM32H74x/75x" Cortex-M7 0xF8000 70000 2

usbsim_devices "cmsisdap1:serial=HID1:time_scale=0.01"

test_expect_success USBSIM 'a CMSIS-DAP v1 (HID) probe writes and verifies too' '
	head -c 5000 /dev/urandom >v1.bin &&
	usbsim mpf-swd write v1.bin -o jsonl >rec &&
	test "$(json_field rec dap_version)" = 1 &&
	test "$(json_field rec swd.packet_size)" = 64 &&
	test "$(json_field rec flashed.ok)" = true &&
	(umask 002 && usbsim mpf-swd read 0x08000000 5000 back.bin >/dev/null) &&
	test "$(stat -c %a back.bin)" = 664 &&
	cmp v1.bin back.bin
'

usbsim_devices "cmsisdap:serial=NOEXEC:execute=0:time_scale=0.01"

test_expect_success USBSIM 'a probe without DAP_ExecuteCommands: one command a packet, same result' '
	head -c 40000 /dev/urandom >ne.bin &&
	usbsim mpf-swd write ne.bin -o jsonl >rec &&
	test "$(json_field rec flashed.ok)" = true &&
	usbsim mpf-swd read 0x08000000 40000 back.bin >/dev/null &&
	cmp ne.bin back.bin &&
	test "$(usbsim_count "NOEXEC bulk 01 ")" -gt 0 &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM 'a raw binary outside the flash is refused before anything is erased' '
	before=$(erases) &&
	test_expect_code 1 usbsim mpf-swd --address 0x080FF000 write v1.bin -o jsonl >rec &&
	test "$(json_field rec error.code)" = argument &&
	grep -q "outside the flash" rec &&
	test "$(erases)" = "$before"
'

test_done
