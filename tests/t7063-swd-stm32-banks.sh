#!/bin/sh
test_description='mpf-swd erases the sectors the option bytes make, and no others

A 1 MiB STM32F429ZG is one bank of 4 x 16 KiB, 64 KiB and 7 x 128 KiB
sectors with OPTCR.DB1M clear, and two banks of 4 x 16 KiB, 64 KiB and
3 x 128 KiB with it set, bank 2 at 0x08080000 as sectors 12-19 (RM0090
3.3, Tables 6 and 7). A 512 KiB STM32L476RE with OPTR.DUALBANK clear is
one bank of 256 pages numbered 0-255 (RM0351 3.3.1, 3.7.8). An image
written at 0x08080000 (or 0x08040000) erases the sector or pages under it
in the layout the option bytes choose, and what the user did not ask to
write, beside it, reads back as it was; erase --all empties both banks.
The 2 MiB STM32F429ZI is always two banks, bank 2 at 0x08100000; an
STM32F767 with OPTCR.nDBANK set is one bank of 32, 128 and 256 KiB sectors
(RM0410 3.3.1).'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
. "$MPF_SRC/tests/sim/dap/banks.sh"

ffs() { test "$(tr -d "\377" <"$1" | wc -c)" = 0; }

# keeps ADDR LEN FILE: the flash at ADDR reads back as FILE
keeps() { usbsim mpf-swd read "$1" "$2" back.bin >/dev/null && cmp "$3" back.bin; }

# beside LO AT HI NLO NAT NHI ERASES: NLO random bytes at LO and NHI at HI
# (the neighbours), then an image of NAT bytes at AT, which must take
# ERASES erases and leave the neighbours as they were
beside() {
	head -c "$4" /dev/urandom >lo.bin &&
	head -c "$5" /dev/urandom >fw.bin &&
	head -c "$6" /dev/urandom >hi.bin &&
	usbsim mpf-swd --address "$1" write lo.bin >/dev/null &&
	usbsim mpf-swd --address "$3" write hi.bin >/dev/null &&
	before=$(usbsim_count "erase [0-9]") &&
	usbsim mpf-swd --address "$2" write fw.bin -o jsonl >rec &&
	test "$(json_field rec flashed.verified)" = true &&
	test $(($(usbsim_count "erase [0-9]") - before)) = "$7" &&
	keeps "$2" "$5" fw.bin &&
	keeps "$1" "$4" lo.bin &&
	keeps "$3" "$6" hi.bin &&
	test "$(usbsim_count violation)" = 0
}

# the neighbours of 0x08080000 in both banks' layouts
beside_f429() { beside 0x0807C000 0x08080000 0x080A0000 16384 16384 16384 1; }

usbsim_devices "cmsisdap:serial=ZG:target=stm32f429zg:time_scale=0.001"

test_expect_success USBSIM 'stm32f429zg, DB1M clear: one bank, 0x08080000 is the 128 KiB sector 8' '
	usbsim mpf-swd info -o jsonl >rec &&
	test "$(json_field rec swd.target)" = STM32F42x/43x &&
	beside_f429 &&
	usbsim mpf-swd read 0x08084000 114688 rest.bin >/dev/null && ffs rest.bin
'

usbsim_devices "cmsisdap:serial=ZGDB:target=stm32f429zg:options=0x4FFFAAED:time_scale=0.001"

test_expect_success USBSIM 'stm32f429zg, DB1M set: 0x08080000 is bank 2 sector 12, 16 KiB' '
	head -c 65536 /dev/urandom >s13.bin &&
	usbsim mpf-swd --address 0x08084000 write s13.bin >/dev/null &&
	beside_f429 &&
	keeps 0x08084000 65536 s13.bin
'

test_expect_success USBSIM 'stm32f429zg, DB1M set: erase --all empties both banks' '
	usbsim mpf-swd erase --all >/dev/null &&
	usbsim mpf-swd read 0x08060000 262144 back.bin >/dev/null && ffs back.bin &&
	test "$(usbsim_count violation)" = 0
'

usbsim_devices "cmsisdap:serial=ZI:target=stm32f429zi:time_scale=0.001"
# bank 1 sector 11 (128 KiB), bank 2 sectors 12-16 (4 x 16 KiB, 64 KiB)
banks_across stm32f429zi 6

usbsim_devices "cmsisdap:serial=F7SB:target=stm32f767:options=0x2FFFAAED:time_scale=0.001"

test_expect_success USBSIM 'stm32f767, nDBANK set: one bank, 0x08100000 is the 256 KiB sector 8' '
	beside 0x080FC000 0x08100000 0x08140000 16384 16384 16384 1 &&
	usbsim mpf-swd read 0x08104000 245760 rest.bin >/dev/null && ffs rest.bin
'

usbsim_devices "cmsisdap:serial=L4RE:target=stm32l476re:time_scale=0.001"

test_expect_success USBSIM 'stm32l476re, DUALBANK clear: 0x08040000 is page 128 of one bank' '
	beside 0x0803F800 0x08040000 0x08041000 2048 4096 2048 2
'

test_done
