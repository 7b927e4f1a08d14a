#!/bin/sh
test_description='openocd gets through its clock set-up on the STM32U5 and L5 models

openocd 0.12 target/stm32u5x.cfg and stm32l5x.cfg raise the core clock in
reset-init and spin until the regulator, the PLL and the clock switch say
they are ready (PWR_VOSR VOSRDY and BOOSTRDY, RCC_CR PLLRDY, RCC_CFGR SWS).
The models report them as silicon does, so openocd programs and verifies
the U5, and reaches its flash driver on the L5 (a part mpf-swd refuses).'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

# oocd CFG CMDS: openocd through the simulated probe, killed after 30 s
# (a status bit never set keeps it in its wait loop)
oocd() {
	usbsim timeout -s KILL 30 openocd -c "gdb_port disabled; tcl_port disabled; telnet_port disabled" \
		-f interface/cmsis-dap.cfg -f "target/$1" -c "$2" >out 2>&1
}

usbsim_devices "cmsisdap:serial=U5:target=stm32u575:time_scale=0.01"

test_expect_success USBSIM,OPENOCD 'openocd programs and verifies the simulated STM32U575' '
	head -c 20000 /dev/urandom >x.bin &&
	oocd stm32u5x.cfg "program x.bin 0x08000000 verify reset exit" &&
	grep "Verified OK" out &&
	test "$(usbsim_count violation)" = 0 &&
	usbsim mpf-swd read 0x08000000 20000 y.bin >/dev/null &&
	cmp x.bin y.bin
'

test_expect_success USBSIM,OPENOCD 'the U5 reports the PLL locked and switched in' '
	oocd stm32u5x.cfg "init; reset init; puts cr=[format 0x%x [mrw 0x46020C00]]; puts sws=[format 0x%x [mrw 0x46020C1C]]; exit" &&
	grep -E "^cr=0x3[0-9a-f]{6}$" out &&
	grep -E "^sws=0x[0-9a-f]*f$" out
'

usbsim_devices "cmsisdap:serial=L5:target=stm32l552:time_scale=0.01"

test_expect_success USBSIM,OPENOCD 'openocd gets through reset init on the STM32L552 model' '
	oocd stm32l5x.cfg "init; reset init; puts sws=[format 0x%x [mrw 0x40021008]]; exit" &&
	grep -E "^sws=0x[0-9a-f]*f$" out
'

test_done
