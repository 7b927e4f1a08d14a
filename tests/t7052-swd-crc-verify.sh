#!/bin/sh
test_description='mpf-swd verifies what the host programmed by a CRC-32 on the target

Parts whose flash controller has no routine of ours (RP2040, RP2350, nRF51,
STM32F0/F1/H5/L0), or whose bank layout the routines do not program
(STM32F76x dual bank, STM32H7 with swapped banks), are programmed from
the host; the write is then checked by our verify-only routine, run on
the simulator'"'"'s Thumb interpreter: the record says via "host" and
verify "crc32", and what a second process reads back equals the image.
--no-algorithm reads every byte back instead. A worn flash cell (one bit
reads 0 to the core and the debugger alike) fails the CRC, and the block
is then read back so that the error names the byte, as the read-back
verify does.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
. "$MPF_SRC/tests/sim/dap/written.sh"

# check_crc NAME DEVICE ADDR LEN: DEVICE is the usbsim device string
# without its stuck= option
check_crc() {
	name=$1 dev=$2 addr=$3 len=$4
	usbsim_devices "$dev"

	test_expect_success USBSIM "$name: programmed from the host, CRC-32 on the target" "
		head -c $len /dev/urandom >img.bin &&
		swd_written host $addr img.bin
	"

	test_expect_success USBSIM "$name: --no-algorithm reads back" "
		head -c $len /dev/urandom >img.bin &&
		usbsim mpf-swd --no-algorithm --address $addr write img.bin -o jsonl >rec &&
		test \"\$(json_field rec flashed.ok)\" = true &&
		test \"\$(json_field rec flashed.verify)\" = readback &&
		usbsim mpf-swd read $addr $len back.bin >/dev/null &&
		cmp img.bin back.bin
	"

	# the byte 1001 into the image is 0x5b; its cell reads bit 0 as 0
	bad=$(printf 0x%08x $((addr + 1001)))
	usbsim_devices "$dev:stuck=$bad"
	test_expect_success USBSIM,JQ "$name: a worn cell fails the CRC, the error names its byte" "
		{ head -c 1001 /dev/urandom && printf '\\133' &&
		  head -c $((len - 1002)) /dev/urandom; } >img.bin &&
		test_expect_code 1 usbsim mpf-swd --address $addr write img.bin -o jsonl >rec &&
		cat rec >&2 &&
		test \"\$(jq -r .flashed.ok rec)\" = false &&
		test \"\$(jq -r .flashed.verified rec)\" = false &&
		test \"\$(json_field rec flashed.via)\" = host &&
		test \"\$(json_field rec error.code)\" = mismatch &&
		test \"\$(json_field rec error.message)\" = \\
			'verify failed at $bad: wrote 0x5b, read back 0x5a' &&
		test_expect_code 1 usbsim mpf-swd --no-algorithm --address $addr write img.bin \\
			-o jsonl >rec2 &&
		test \"\$(json_field rec2 error.message)\" = \"\$(json_field rec error.message)\" &&
		test \"\$(usbsim_count violation)\" = 0
	"
}

check_crc rp2040 "cmsisdap:serial=RP:target=rp2040:time_scale=0.01" 0x10013000 9000
check_crc rp2350 "cmsisdap:serial=RP2:target=rp2350:time_scale=0.01" 0x10013000 9000
check_crc nrf51822 "cmsisdap:serial=N51:target=nrf51822:time_scale=0.01" 0x00008000 9000
check_crc stm32f072 "cmsisdap:serial=F0:target=stm32f072:time_scale=0.01" 0x08004000 9000
check_crc stm32f103 "cmsisdap:serial=F1:target=stm32f103:time_scale=0.01" 0x08004000 9000
check_crc "stm32f103 through an ST-LINK/V2-1" "stlink:serial=STF1:target=stm32f103:time_scale=0.01" \
	0x08008000 5000
check_crc stm32h563 "cmsisdap:serial=H5:target=stm32h563:time_scale=0.01" 0x08004000 9000
check_crc stm32l073 "cmsisdap:serial=L0:target=stm32l073:time_scale=0.01" 0x08004000 9000
# across the banks, each with the routine its part has: the F76x's CRC
# unit, the H7's own routine in its AXI SRAM
check_crc "stm32f767 dual bank" "cmsisdap:serial=F7:target=stm32f767:time_scale=0.01" \
	0x080FF000 9000
check_crc "stm32h743 with SWAP_BANK" \
	"cmsisdap:serial=H7S:target=stm32h743:swap_bank=1:time_scale=0.01" 0x080FF000 9000

test_done
