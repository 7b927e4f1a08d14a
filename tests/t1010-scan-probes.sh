#!/bin/sh
test_description='mpf-scan lists CMSIS-DAP probes with their protocol version

A v2 probe (vendor interface with bulk endpoints, named CMSIS-DAP) and a
v1 probe (HID) from the probe device models: mpf-scan must list both as
kind probe with dap_version 2 and 1, the way mpf-swd list sees them.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

usbsim_devices "cmsisdap:serial=V2PROBE,cmsisdap1:serial=V1PROBE"

test_expect_success USBSIM 'mpf-scan --kind probe lists both with dap_version' '
	usbsim mpf-scan --kind probe -o jsonl >out &&
	test "$(wc -l <out)" -eq 2 &&
	test "$(jq -r "select(.usb_serial == \"V2PROBE\") | .dap_version" out)" = 2 &&
	test "$(jq -r "select(.usb_serial == \"V1PROBE\") | .dap_version" out)" = 1 &&
	test "$(jq -r "select(.usb_serial == \"V2PROBE\") | .kind" out)" = probe &&
	test "$(jq -r "select(.usb_serial == \"V1PROBE\") | .vid + \":\" + .pid" out)" = 0d28:0204
'

test_expect_success USBSIM 'mpf-swd list agrees' '
	usbsim mpf-swd list -o jsonl >list &&
	jq -c "{usb_serial, dap_version}" out >a &&
	jq -c "{usb_serial, dap_version}" list >b &&
	test_cmp a b
'

test_done
