#!/bin/sh
test_description='openocd and mpf-swd through its routine agree on every part, the STM32H743 included

openocd'"'"'s STM32H7 loader divides (UDIV), which the simulated core now
executes: openocd programs and verifies the simulated STM32H743, and
mpf-swd reads back what it wrote. The other way round, on each part
mpf-swd writes through its own routine (the record says so) and
openocd'"'"'s verify_image, with its own CRC algorithm on the core, agrees.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

test_expect_success USBSIM,OPENOCD 'openocd programs and verifies the simulated STM32H743' '
	usbsim_devices "cmsisdap:serial=OOH7:target=stm32h743:time_scale=0.01" &&
	head -c 70000 /dev/urandom >x.bin &&
	usbsim_openocd stm32h7x.cfg -c "program x.bin 0x08000000 verify reset exit" &&
	grep "Verified OK" out &&
	test "$(usbsim_count violation)" = 0 &&
	usbsim mpf-swd read 0x08000000 70000 y.bin >/dev/null &&
	cmp x.bin y.bin || { tail -n 15 out; false; }
'

# mpf_then_oocd MODEL CONFIG ADDR
mpf_then_oocd() {
	test_expect_success USBSIM,OPENOCD "$1: openocd verifies what mpf-swd wrote through its routine" "
		usbsim_devices cmsisdap:serial=V$1:target=$1:time_scale=0.01 &&
		head -c 50000 /dev/urandom >z.bin &&
		usbsim mpf-swd --address $3 write z.bin -o jsonl >rec &&
		test \"\$(json_field rec flashed.via)\" = algorithm &&
		usbsim_openocd $2 -c \"init; reset halt; puts [capture {verify_image z.bin $3}]; exit\" &&
		grep \"verified 50000 bytes\" out &&
		test \"\$(usbsim_count violation)\" = 0 || { tail -n 15 out; false; }
	"
}

mpf_then_oocd stm32f405 stm32f4x.cfg 0x08000000
mpf_then_oocd stm32h743 stm32h7x.cfg 0x08000000
mpf_then_oocd nrf52840 nrf52.cfg 0x00000000
mpf_then_oocd stm32l476 stm32l4x.cfg 0x08000000

test_done
