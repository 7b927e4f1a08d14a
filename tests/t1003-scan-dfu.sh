#!/bin/sh
test_description='mpf-scan lists USB DFU devices through libusb

Stands for: an STM32 board in its system bootloader (0483:df11) is a dfu
record with its alt settings (the DfuSe memory layout) and USB identity;
a device mpf may not open (no udev rule) is still listed, with "access":
"denied" and a hint naming the rule. Runs mpf-scan against the libusb
simulator loaded in place of libusb-1.0.so.0.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

test_expect_success USBSIM,JQ 'an STM32 DFU device is a dfu record with its alt names' '
	usbsim_devices "stm32dfu:serial=315A28A0B956:port=1.4:address=9" &&
	usbsim mpf-scan --kind dfu -o jsonl >out &&
	test $(wc -l <out) -eq 1 &&
	test "$(json_field out kind)" = dfu &&
	test "$(json_field out vid):$(json_field out pid)" = 0483:df11 &&
	test "$(json_field out usb_serial)" = 315A28A0B956 &&
	test "$(json_field out location)" = 1-1.4 &&
	test "$(json_field out bus)/$(json_field out address)" = 1/9 &&
	test "$(json_field out product)" = "STM32  BOOTLOADER" &&
	jq -r ".alts[] | \"\(.interface) \(.alt) \(.name)\"" out >alts &&
	cat >expect <<-\EOT &&
	0 0 @Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg
	0 1 @Option Bytes  /0x1FFFC000/01*016 g
	0 2 @OTP Memory /0x1FFF7800/01*512 g,01*016 g
	0 3 @Device Feature/0xFFFF0000/01*004 g
	EOT
	test_cmp expect alts &&
	test "$(json_field out access)" = ""
'

test_expect_success USBSIM,JQ 'a device we may not open is listed as denied with the udev hint' '
	usbsim_devices "stm32dfu:serial=A,stm32dfu:serial=B:deny=1" &&
	usbsim mpf-scan --kind dfu -o jsonl >out &&
	test $(wc -l <out) -eq 2 &&
	test "$(json_field out usb_serial 1)" = A &&
	test "$(json_field out access 1)" = "" &&
	test "$(json_field out access 2)" = denied &&
	test "$(json_field out usb_serial 2)" = "" &&
	json_field out hint 2 | grep "65-mpf-stm32-dfu.rules" &&
	json_field out hint 2 | grep "make install-udev" &&
	test "$(sed -n 2p out | jq "[.alts[] | select(has(\"name\"))] | length")" = 0 &&
	test "$(sed -n 2p out | jq ".alts | length")" = 4
'

test_expect_success USBSIM 'no USB devices is not an error' '
	usbsim_devices "" &&
	usbsim mpf-scan --kind dfu -o jsonl >out &&
	test ! -s out
'

test_done
