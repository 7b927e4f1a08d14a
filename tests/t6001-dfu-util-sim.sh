#!/bin/sh
test_description='the libusb simulator holds up against Debian dfu-util

The STM32F405 DfuSe model is what mpf-dfu is tested against, so it is
first checked against a real peer: dfu-util 0.11 must list it, write a
binary with :leave and read back the same bytes in a second process, as it
does with a real board in the ST system bootloader.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

usbsim_devices "stm32dfu:serial=315A28A0B956:time_scale=0.01"

test_expect_success USBSIM,DFU_UTIL 'dfu-util -l lists the four alt settings' '
	usbsim dfu-util -l >out 2>&1 &&
	grep "Found DFU: \[0483:df11\] ver=2100, devnum=2, cfg=1, intf=0, path=\"1-1\", alt=0, name=\"@Internal Flash  /0x08000000/04\*016Kg,01\*064Kg,07\*128Kg\", serial=\"315A28A0B956\"" out &&
	grep "alt=1, name=\"@Option Bytes  /0x1FFFC000/01\*016 g\"" out &&
	grep "alt=2, name=\"@OTP Memory /0x1FFF7800/01\*512 g,01\*016 g\"" out &&
	grep "alt=3, name=\"@Device Feature/0xFFFF0000/01\*004 g\"" out
'

test_expect_success USBSIM,DFU_UTIL 'dfu-util -D with :leave writes, erases only touched sectors' '
	head -c 70000 /dev/urandom >x.bin &&
	usbsim dfu-util -a 0 -s 0x08000000:leave -D x.bin >out 2>&1 &&
	grep "File downloaded successfully" out &&
	grep "Transitioning to dfuMANIFEST state" out &&
	test "$(usbsim_count "event: erase sector")" = 5 &&
	test "$(usbsim_count "event: erase sector 5")" = 0 &&
	test "$(usbsim_count "event: leave: jump to 0x08000000")" = 1 &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM,DFU_UTIL 'dfu-util -U in a new process reads back the same bytes' '
	usbsim dfu-util -a 0 -s 0x08000000:70000 -U y.bin >out 2>&1 &&
	cmp x.bin y.bin
'

test_expect_success USBSIM,DFU_UTIL 'dfu-util :mass-erase:force clears the whole flash' '
	head -c 4096 /dev/urandom >high.bin &&
	usbsim dfu-util -a 0 -s 0x08040000 -D high.bin >out 2>&1 &&
	usbsim dfu-util -a 0 -s 0x08040000:4096 -U high2.bin >out 2>&1 &&
	cmp high.bin high2.bin &&
	usbsim dfu-util -a 0 -s 0x08000000:mass-erase:force -D x.bin >out 2>&1 &&
	test "$(usbsim_count "event: mass erase")" = 1 &&
	usbsim dfu-util -a 0 -s 0x08000000:70000 -U y2.bin >out 2>&1 &&
	cmp x.bin y2.bin &&
	usbsim dfu-util -a 0 -s 0x08040000:4096 -U high3.bin >out 2>&1 &&
	test "$(od -An -tx1 -v high3.bin | tr -s " \n" "\n\n" | sort -u | grep .)" = ff
'

test_expect_success USBSIM,DFU_UTIL 'a device that is not there is not found' '
	MPF_USBSIM= usbsim dfu-util -l >out 2>&1 &&
	! grep "Found DFU" out
'

test_done
