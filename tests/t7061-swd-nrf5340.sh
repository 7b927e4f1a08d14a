#!/bin/sh
test_description='mpf-swd writes, verifies and erases the nRF5340 application core

The simulated nRF5340 answers at AP 0 with its application core (AP 1,
the network core, is not a CTRL-AP); its FICR at 0x00FF0000 names the part
(INFO.PART 0x5340) and gives 256 pages of 4 KiB; its NVMC sits at
0x50039000 and has no ERASEPAGE: a page is erased by a word of ones at its
start with CONFIG at erase. An image is written and read back with only
the touched pages erased, one page and the whole flash are erased, and an
image for the network core (0x01000000) is refused before anything is
erased.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

erases() { usbsim_count "erase [0-9]"; }
ffs() { test "$(tr -d "\377" <"$1" | wc -c)" = 0; }

usbsim_devices "cmsisdap:serial=N53:target=nrf5340:time_scale=0.01"

test_expect_success USBSIM 'info names the application core and its flash' '
	usbsim mpf-swd info -o jsonl >rec &&
	test "$(json_field rec swd.target)" = "nRF5340 application core" &&
	test "$(json_field rec swd.core)" = Cortex-M33 &&
	grep -q "\"flash_size\":1048576" rec
'

# 9001 bytes at 0x10800: pages 0x10000..0x13000, three of 4 KiB
test_expect_success USBSIM 'write verifies and erases only the touched pages' '
	head -c 9001 /dev/urandom >fw.bin &&
	before=$(erases) &&
	usbsim mpf-swd --address 0x10800 write fw.bin -o jsonl >rec &&
	test "$(json_field rec flashed.verified)" = true &&
	test $(($(erases) - before)) = 3 &&
	usbsim mpf-swd read 0x10800 9001 back.bin >/dev/null &&
	cmp fw.bin back.bin &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM 'erase of one page leaves its neighbours' '
	usbsim mpf-swd --address 0x11000 erase >/dev/null &&
	usbsim mpf-swd read 0x11000 4096 p.bin >/dev/null && ffs p.bin &&
	usbsim mpf-swd read 0x10800 2048 back.bin >/dev/null &&
	head -c 2048 fw.bin | cmp - back.bin &&
	test "$(usbsim_count violation)" = 0
'

test_expect_success USBSIM 'an image for the network core is refused, nothing erased' '
	before=$(erases) &&
	test_expect_code 1 usbsim mpf-swd --address 0x01000000 write fw.bin -o jsonl >rec &&
	grep -q "outside the flash" rec &&
	test "$(erases)" = "$before"
'

test_expect_success USBSIM 'erase --all empties the flash' '
	usbsim mpf-swd erase --all >/dev/null &&
	test "$(usbsim_count "mass erase")" = 1 &&
	usbsim mpf-swd read 0x10800 9001 back.bin >/dev/null && ffs back.bin &&
	test "$(usbsim_count violation)" = 0
'

test_done
