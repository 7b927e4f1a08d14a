#!/bin/sh
test_description='mpf-swd list shows the target behind each probe

Three probes: an ST-LINK/V3 with an STM32F405, a CMSIS-DAP probe with an
nRF52840, and an ST-LINK whose target turned its SWD pins into GPIOs.
list names the first two targets (target, family, core) and leaves the
third without one; it only looks: no target is reset or halted, and no
protocol is broken.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

usbsim_devices "stlink:version=3:serial=066DFF485457725187092531,cmsisdap:serial=DAPNRF:target=nrf52840,stlink:serial=066DFF485457725187092599:swd_off=1"

test_expect_success USBSIM 'each attached target is named, an absent one is not' '
	usbsim mpf-swd list -o jsonl >list &&
	test "$(wc -l <list)" -eq 3 &&
	test "$(jq -r "select(.usb_serial == \"066DFF485457725187092531\") | .swd.target" list)" = "STM32F405/407/415/417" &&
	test "$(jq -r "select(.usb_serial == \"066DFF485457725187092531\") | .swd.core" list)" = Cortex-M4 &&
	test "$(jq -r "select(.usb_serial == \"DAPNRF\") | .swd.target" list)" = nRF52840 &&
	test "$(jq -r "select(.usb_serial == \"DAPNRF\") | .swd.family" list)" = nrf52 &&
	test "$(jq -r "select(.usb_serial == \"066DFF485457725187092599\") | .swd" list)" = null
'

test_expect_success USBSIM 'listing resets nothing and breaks no protocol' '
	test "$(usbsim_count "event: reset")" = 0 &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM 'the table shows the targets' '
	usbsim mpf-swd list -o table >table &&
	grep "066DFF485457725187092531.*STM32F405/407/415/417 *Cortex-M4" table &&
	grep "DAPNRF.*nRF52840" table
'

test_done
