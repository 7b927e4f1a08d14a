#!/bin/sh
test_description='the STM32F1, F0 and F3 models hold up against Debian openocd

openocd programs and verifies each model with its own driver (stm32f1x,
which runs its half-word loader on the simulated core), with the stock
target configurations; mpf-swd reads back what openocd wrote, and openocd
verifies what mpf-swd wrote.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

# both_ways MODEL CONFIG DEVICE_ID
both_ways() {
	usbsim_devices "cmsisdap:serial=OO$1:target=$1"

	test_expect_success USBSIM,OPENOCD "openocd programs and verifies the simulated $1" "
		head -c 20000 /dev/urandom >x.bin &&
		usbsim_openocd $2 -c 'program x.bin 0x08000000 verify reset exit' &&
		grep 'device id = $3' out &&
		grep 'Verified OK' out &&
		test \"\$(usbsim_count violation)\" = 0 &&
		usbsim mpf-swd read 0x08000000 20000 y.bin >/dev/null &&
		cmp x.bin y.bin
	"

	test_expect_success USBSIM,OPENOCD "openocd verifies what mpf-swd wrote on the $1" "
		head -c 30001 /dev/urandom >z.bin &&
		usbsim mpf-swd --address 0x08000400 write z.bin -o jsonl >rec &&
		test \"\$(json_field rec flashed.ok)\" = true &&
		usbsim_openocd $2 -c 'init; reset halt; puts [capture {verify_image z.bin 0x08000400}]; exit' &&
		grep 'verified 30001 bytes' out &&
		test \"\$(usbsim_count violation)\" = 0 || {
			cat rec; tail -n 15 out; grep violation \"\$MPF_USBSIM_LOG\"; false
		}
	"
}

both_ways stm32f103 stm32f1x.cfg 0x20036410
both_ways stm32f072 stm32f0x.cfg 0x20006448
both_ways stm32f303 stm32f3x.cfg 0x10036446

test_done
