#!/bin/sh
test_description='the STM32G0 and STM32L0 through an ST-LINK/V2-1

The way their Nucleo boards carry them (NUCLEO-G071RB, NUCLEO-L073RZ):
the ST-LINK model does memory access itself, so the G0 double words and
the L0 word-by-word programming with its BSY polls go through the probe'"'"'s
own memory commands; what is written must read back, with no violation.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

for model in stm32g071 stm32l073; do
	usbsim_devices "stlink:version=2.1:serial=STL21000000000000000$model:target=$model:time_scale=0.01"

	test_expect_success USBSIM "$model through an ST-LINK/V2-1: write, verify, read back" "
		head -c 3000 /dev/urandom >st.bin &&
		usbsim mpf-swd --address 0x08010000 write st.bin -o jsonl >rec &&
		test \"\$(json_field rec flashed.verified)\" = true &&
		usbsim mpf-swd read 0x08010000 3000 back.bin >/dev/null &&
		cmp st.bin back.bin &&
		test \"\$(usbsim_count violation)\" = 0
	"
done

test_done
