#!/bin/sh
test_description='mpf-bootloader waits for an STM32 DFU bootloader (libusb simulator)'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

test_expect_success USBSIM,JQ 'an STM32 board in its system bootloader: the DFU device is the target' '
	usbsim_devices "stm32dfu:serial=315A28A0B956:port=1.4:address=9" &&
	echo "{\"port\":\"stm32\",\"method\":\"dfu\",\"bootloader\":[\"none\"]}" |
	usbsim mpf-bootloader >out &&
	test "$(json_field out target.kind)" = dfu &&
	test "$(json_field out target.vid):$(json_field out target.pid)" = 0483:df11 &&
	test "$(json_field out target.address)" = 9 &&
	test "$(json_field out target.usb_serial)" = 315A28A0B956
'

test_expect_success USBSIM,JQ 'two DFU devices: the board takes the one with its USB serial number' '
	usbsim_devices "stm32dfu:serial=AAAA:port=1.2:address=5,stm32dfu:serial=BBBB:port=1.3:address=6" &&
	echo "{\"port\":\"stm32\",\"usb_serial\":\"BBBB\",\"bootloader\":[\"none\"]}" |
	usbsim mpf-bootloader >out &&
	test "$(json_field out target.usb_serial)" = BBBB &&
	test "$(json_field out target.address)" = 6
'

# mpf-scan found the board already in its bootloader (BOOT0 held at
# power-up): the record is the device; nothing to press, nothing to wait.
test_expect_success USBSIM,JQ 'a DFU device record from mpf-scan is its own target, no activator run' '
	usbsim_devices "stm32dfu:serial=PYB0001:port=1.4:address=9" &&
	usbsim mpf-scan --kind dfu -o jsonl >scan &&
	jq -c ". + {port: \"stm32\", method: \"dfu\", bootloader: [\"touch1200\", \"mpy\", \"manual\"]}" scan >in &&
	usbsim mpf-bootloader --timeout 2 <in >out 2>err &&
	test "$(json_field out target.kind)" = dfu &&
	test "$(json_field out target.address)" = 9 &&
	test "$(json_field out target.usb_serial)" = PYB0001 &&
	test "$(json_field out target.activator)" = none &&
	! grep -i "BOOT0" err
'

test_expect_success USBSIM,JQ 'no DFU device: a timeout that says what was awaited' '
	usbsim_devices "" &&
	echo "{\"port\":\"stm32\",\"bootloader\":[\"none\"]}" |
	test_expect_code 1 usbsim mpf-bootloader --timeout 0.5 >out &&
	json_field out error.message | grep -q "no DFU device appeared"
'

test_done
