#!/bin/sh
test_description='mpf-swd on an RP2350: what it refuses, and RISC-V firmware

A UF2 for another chip is refused before anything is erased; a RISC-V
UF2 is written (the flash holds images of either architecture and the
boot ROM starts each on its cores). With RISC-V firmware running, the Arm
cores are held in reset: a rescue reset through the RP-AP brings core 0
up halted in the boot ROM and the flash is written through it. A part
whose OTP disables debug is refused with what its access port says, an
ST-LINK (which can neither wake nor select the dormant DP) with why.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

erases() { usbsim_count "$1 event: erase [0-9]"; }
nothing_wrong() { test "$(usbsim_count "violation|core fault")" = 0; }

test_expect_success USBSIM 'a UF2 for the RP2040 is refused once the target reads as an RP2350, nothing erased' '
	usbsim_devices "cmsisdap:serial=PICO2:target=rp2350:time_scale=0.01" &&
	head -c 9000 /dev/urandom >u.bin &&
	mpf-uf2 convert --family RP2040 u.bin u40.uf2 &&
	test_expect_code 1 usbsim mpf-swd write u40.uf2 -o jsonl >rec &&
	grep "u40.uf2 is a UF2 file for RP2040, but the target is RP2350A" rec &&
	test "$(erases PICO2)" = 0 &&
	nothing_wrong
'

test_expect_success USBSIM 'a RISC-V UF2 for the RP2350 is written and read back' '
	usbsim_devices "cmsisdap:serial=PICO2:target=rp2350:time_scale=0.01" &&
	mpf-uf2 convert --family RP2350_RISCV u.bin rv.uf2 &&
	usbsim mpf-swd write rv.uf2 -o jsonl >rec &&
	test "$(json_field rec flashed.verified)" = true &&
	usbsim mpf-swd read 0x10000000 9000 back.bin >/dev/null &&
	cmp u.bin back.bin &&
	nothing_wrong
'

test_expect_success USBSIM 'RISC-V firmware running: a rescue reset, then written through Arm core 0' '
	usbsim_devices "cmsisdap:serial=PICO2:target=rp2350:time_scale=0.01:riscv=1" &&
	head -c 5000 /dev/urandom >r.bin &&
	usbsim mpf-swd write r.bin -o jsonl >rec 2>err &&
	grep "rescue reset through the RP2350" err &&
	test "$(json_field rec flashed.verified)" = true &&
	usbsim mpf-swd read 0x10000000 5000 back.bin >/dev/null &&
	cmp r.bin back.bin &&
	nothing_wrong
'

# refused_locked SERIAL PROTECT WHAT: a write to an RP2350 whose OTP sets
# PROTECT (1 debug, 2 Secure debug disabled) fails naming WHAT, erasing nothing
refused_locked() {
	usbsim_devices "cmsisdap:serial=$1:target=rp2350:time_scale=0.01:protect=$2" &&
	test_expect_code 1 usbsim mpf-swd write r.bin -o jsonl >rec &&
	test "$(json_field rec error.code)" = permission &&
	grep "$3" rec &&
	test "$(erases "$1")" = 0 &&
	nothing_wrong
}

test_expect_success USBSIM 'debug disabled in OTP: refused with what the MEM-AP says, nothing erased' '
	refused_locked LOCKED 1 "at 0x2000 does not reach the bus (CSW 0x[0-9a-f]*, DeviceEn clear)" &&
	grep "OTP CRIT1.DEBUG_DISABLE" rec
'

test_expect_success USBSIM 'Secure debug disabled in OTP: refused naming SDeviceEn, nothing erased' '
	refused_locked SLOCKED 2 "the Secure bus (CSW 0x[0-9a-f]*, SDeviceEn clear)" &&
	grep "OTP CRIT1.SECURE_DEBUG_DISABLE" rec
'

test_expect_success USBSIM 'an ST-LINK cannot wake the RP2350: a clear refusal' '
	usbsim_devices "stlink:serial=STRP2:target=rp2350" &&
	test_expect_code 1 usbsim mpf-swd info -o jsonl >rec &&
	grep "dormant at power-up, such as the RP2350, does not answer through an ST-LINK" rec
'

test_done
