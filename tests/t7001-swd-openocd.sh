#!/bin/sh
test_description='the CMSIS-DAP probe simulator holds up against Debian openocd

mpf-swd is tested against the cmsisdap device model (a CMSIS-DAP v2 probe
with an STM32F405 behind it), so the model is first checked against a real
peer: openocd 0.12 must program, verify and reset through it exactly as it
does a real board, running its own flash loader and CRC algorithm on the
simulated core (STM32F405 with the stock interface/cmsis-dap.cfg and target/stm32f4x.cfg, and the
STM32L476 and nRF52840 models with their openocd drivers too). Then each side checks the other: mpf-swd reads back what
openocd wrote, and openocd verifies what mpf-swd wrote.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

# oocd_programs SERIAL TARGET CONFIG ADDR ERASES: openocd programs and
# verifies x.bin at ADDR on a probe with the TARGET model, which sees
# ERASES erases and no violation; mpf-swd reads the same bytes back
oocd_programs() {
	usbsim_devices "cmsisdap:serial=$1:target=$2" &&
	usbsim_openocd "$3" -c "program x.bin $4 verify reset exit" &&
	grep "Verified OK" out &&
	test "$(usbsim_count "$1 event: erase [0-9]")" = "$5" &&
	test "$(usbsim_count "$1 violation")" = 0 &&
	usbsim mpf-swd read "$4" 20000 y.bin >/dev/null &&
	cmp x.bin y.bin
}

usbsim_devices "cmsisdap:serial=OOCD01"

test_expect_success USBSIM,OPENOCD 'openocd programs, verifies and resets the simulated STM32F405' '
	head -c 20000 /dev/urandom >x.bin &&
	usbsim_openocd stm32f4x.cfg -c "program x.bin 0x08000000 verify reset exit" &&
	grep "SWD DPIDR 0x2ba01477" out &&
	grep "Cortex-M4 r0p1 processor detected" out &&
	grep "device id = 0x10076413" out &&
	grep "flash size = 1024 KiB" out &&
	grep "Verified OK" out &&
	test "$(usbsim_count "erase [0-9]")" = 2 &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM,OPENOCD 'mpf-swd reads back what openocd wrote' '
	usbsim mpf-swd read 0x08000000 20000 y.bin -o jsonl >rec &&
	cmp x.bin y.bin &&
	test "$(json_field rec swd.target)" = "STM32F405/407/415/417"
'

test_expect_success USBSIM,OPENOCD 'openocd verifies what mpf-swd wrote' '
	head -c 30000 /dev/urandom >z.bin &&
	usbsim mpf-swd write z.bin -o jsonl >rec &&
	test "$(json_field rec flashed.ok)" = true &&
	usbsim_openocd stm32f4x.cfg -c "init; reset halt; puts [capture {verify_image z.bin 0x08000000}]; exit" &&
	grep "verified 30000 bytes" out &&
	test "$(usbsim_count violation)" = 0 || {
		cat rec; tail -n 15 out; grep violation "$MPF_USBSIM_LOG"; false
	}
'

test_expect_success USBSIM,OPENOCD 'openocd programs the simulated STM32L476 (its C-compiled loader)' '
	oocd_programs OOCDL4 stm32l476 stm32l4x.cfg 0x08000000 10
'

test_expect_success USBSIM,OPENOCD 'openocd programs the simulated nRF52840 (NVMC, its loader)' '
	oocd_programs OOCDNRF nrf52840 nrf52.cfg 0x0 5
'

test_done
