#!/bin/sh
test_description='mpf-swd programs through its own routine in target RAM and verifies by CRC-32 on the target

Each simulated part whose flash controller has a routine (STM32F405,
STM32H743 across its two banks, nRF52840, STM32L476, STM32G071) is
written through the routine, which the simulator runs on its Thumb
interpreter: the record says via "algorithm" and verify "crc32", and
what a second process reads back equals the image. --no-algorithm
programs and reads back from the host. A routine that programs one bit
wrong (the model flips it) fails the write on the CRC, read back to name
the byte, and claims nothing; the host path on the same model is unaffected. An image that
covers a whole bank has that bank erased at once.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
. "$MPF_SRC/tests/sim/dap/written.sh"

# check_algo MODEL ADDR LEN
check_algo() {
	model=$1 addr=$2 len=$3
	usbsim_devices "cmsisdap:serial=$model:target=$model:time_scale=0.01"

	test_expect_success USBSIM "$model: written through the routine, CRC-32 on the target" "
		head -c $len /dev/urandom >$model.bin &&
		swd_written algorithm $addr $model.bin
	"

	test_expect_success USBSIM "$model: --no-algorithm programs and reads back from the host" "
		head -c $len /dev/urandom >$model-2.bin &&
		usbsim mpf-swd --no-algorithm --address $addr write $model-2.bin -o jsonl >rec &&
		test \"\$(json_field rec flashed.ok)\" = true &&
		test \"\$(json_field rec flashed.via)\" = host &&
		test \"\$(json_field rec flashed.verify)\" = readback &&
		usbsim mpf-swd read $addr $len back.bin >/dev/null &&
		cmp $model-2.bin back.bin
	"

	# the byte at 1000 into the image: its bit 0 goes wrong when the core programs it
	bad=$(printf 0x%08x $((addr + 1000)))
	usbsim_devices "cmsisdap:serial=$model-bad:target=$model:time_scale=0.01:cpu_corrupt=$bad"
	test_expect_success USBSIM,JQ "$model: a routine that programs one bit wrong fails the write" "
		test_expect_code 1 usbsim mpf-swd --address $addr write $model.bin -o jsonl >rec &&
		cat rec >&2 &&
		test \"\$(jq -r .flashed.ok rec)\" = false &&
		test \"\$(jq -r .flashed.verified rec)\" = false &&
		test \"\$(json_field rec error.code)\" = mismatch &&
		json_field rec error.message | grep -q '^verify failed at $bad: wrote ' &&
		usbsim mpf-swd read $addr $len back.bin >/dev/null &&
		! cmp -s $model.bin back.bin
	"

	test_expect_success USBSIM "$model: the host path on that model writes it right" "
		usbsim mpf-swd --no-algorithm --address $addr write $model.bin -o jsonl >rec &&
		test \"\$(json_field rec flashed.ok)\" = true &&
		usbsim mpf-swd read $addr $len back.bin >/dev/null &&
		cmp $model.bin back.bin
	"
}

# bank_erase MODEL ADDR KIB SECTORS: an image covering a whole bank erases
# that bank at once (one "mass erase" event) and only SECTORS sectors besides
bank_erase() {
	model=$1 addr=$2 kib=$3 sectors=$4
	usbsim_devices "cmsisdap:serial=$model-bank:target=$model:time_scale=0.01"
	test_expect_success USBSIM "$model: an image covering a bank erases the bank at once" "
		head -c $((kib * 1024)) /dev/urandom >big.bin &&
		: >\"\$MPF_USBSIM_LOG\" &&
		usbsim mpf-swd --address $addr write big.bin -o jsonl >rec &&
		test \"\$(json_field rec flashed.ok)\" = true &&
		test \"\$(usbsim_count 'mass erase')\" = 1 &&
		test \"\$(usbsim_count 'erase [0-9]')\" = $sectors &&
		usbsim mpf-swd read $addr $((kib * 1024)) back.bin >/dev/null &&
		cmp big.bin back.bin
	"
}

check_algo stm32f405 0x08004000 70000
# 64 KiB before the end of bank 1 to 64 KiB into bank 2
check_algo stm32h743 0x080f0000 131072
check_algo nrf52840 0x00010000 40000
check_algo stm32l476 0x08080000 20000
check_algo stm32g071 0x08001000 9000
# bank 1 of the H743 and one 128 KiB sector of bank 2; all of the F405
bank_erase stm32h743 0x08000000 1152 1
bank_erase stm32f405 0x08000000 1024 0

test_done
