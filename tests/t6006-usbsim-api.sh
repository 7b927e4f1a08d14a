#!/bin/sh
test_description='the libusb simulator keeps the libusb-1.0 API semantics

Stands for: the contract between programs (mpf, dfu-util, openocd) and
libusb: descriptors parsed as libusb parses them, kernel drivers and
claims as usbfs enforces them, asynchronous transfers with callbacks (as
openocd cmsis-dap uses), and a device unplugged mid-session.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

test_expect_success USBSIM 'API checks (tests/sim/usbsim-check.c)' '
	usbsim_devices "stm32dfu:serial=A:kdriver=1:port=1.4,stm32dfu:serial=B:gone=2" &&
	usbsim "$(mpf_sim usbsim-check)"
'

test_expect_success USBSIM 'unknown models and keys are refused loudly' '
	usbsim_devices "stm32dfu:serial=A:colour=blue" &&
	usbsim mpf-scan --kind dfu -v >out 2>err;
	grep "stm32dfu does not take .colour." err &&
	usbsim_devices "nosuchmodel" &&
	usbsim mpf-scan --kind dfu >out 2>err;
	grep "unknown device model .nosuchmodel." err
'

test_expect_success USBSIM 'dfu-util and openocd load it with every symbol resolved' '
	usbsim_devices "stm32dfu:serial=A" &&
	if command -v dfu-util >/dev/null; then LD_BIND_NOW=1 usbsim dfu-util -V >/dev/null; fi &&
	if command -v openocd >/dev/null; then LD_BIND_NOW=1 usbsim openocd --version 2>/dev/null; fi
'

test_done
