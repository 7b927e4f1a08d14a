#!/bin/sh
test_description='mpf-dfu make builds DfuSe files byte for byte as dfu-util dfuse-pack does

Stands for: a user packing images for an STM32 (0483:df11). The reference
is Debian'"'"'s dfu-util dfuse-pack (UM0391 layout: prefix "DfuSe" v1 with
the file size, targets "Target" named "ST...", elements address and size,
suffix bcdDFU 0x011a "UFD" 16 and the CRC); the file made is then written to
the simulated STM32 and read back with dfu-util.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

usbsim_devices "stm32dfu:serial=315A28A0B956:time_scale=0.01"
test_lazy_prereq INTELHEX '/usr/bin/python3 -c "import intelhex"'
pack() { /usr/bin/python3 "$(command -v dfuse-pack)" "$@" >/dev/null; }

test_expect_success 'setup: images of odd sizes' '
	head -c 1001 /dev/urandom >a.bin &&
	head -c 70000 /dev/urandom >b.bin &&
	head -c 77 /dev/urandom >c.bin
'

test_expect_success DFUSE_PACK 'one image: the same file as dfuse-pack' '
	mpf-dfu make one.dfu 0x08000000:a.bin &&
	pack -b 0x08000000:a.bin ref.dfu &&
	cmp ref.dfu one.dfu
'

test_expect_success DFUSE_PACK 'several elements and alt settings: the same file as dfuse-pack' '
	mpf-dfu make many.dfu 0x08000000:a.bin 0x08020000:b.bin 0x1fff7800@1:c.bin 0x08060000@0:a.bin &&
	pack -b 0x08000000:a.bin -b 0x08020000:b.bin -b 0x1fff7800@1:c.bin -b 0x08060000@0:a.bin ref.dfu &&
	cmp ref.dfu many.dfu
'

test_expect_success DFUSE_PACK '--vid and --pid: the same file as dfuse-pack -D' '
	mpf-dfu make --vid 0x1209 --pid 0xbeef id.dfu 0x08000000:b.bin 2>err &&
	grep -q "for 1209:beef" err &&
	pack -D 0x1209:0xbeef -b 0x08000000:b.bin ref.dfu &&
	cmp ref.dfu id.dfu
'

test_expect_success DFUSE_PACK,INTELHEX 'an Intel HEX file: the same file as dfuse-pack -i' '
	$MPF_BUILD/sim/dfu-file hex 0x08004000 b.bin b.hex &&
	mpf-dfu make hex.dfu b.hex &&
	pack -i b.hex ref.dfu &&
	cmp ref.dfu hex.dfu
'

test_expect_success 'an Intel HEX file gives the elements its addresses give' '
	$MPF_BUILD/sim/dfu-file hex 0x08004000 b.bin b.hex &&
	mpf-dfu make hex.dfu @1:b.hex &&
	mpf-dfu make bin.dfu 0x08004000@1:b.bin &&
	cmp bin.dfu hex.dfu &&
	$MPF_BUILD/sim/dfu-file dump hex.dfu >got &&
	printf "device 0483:df11\n1 0x08004000 70000\n" >want &&
	test_cmp want got
'

test_expect_success DFUSE_PACK 'dfu-util reads what make writes: CRC, suffix, every element' '
	/usr/bin/python3 "$(command -v dfuse-pack)" many.dfu >dump &&
	! grep -q ERROR dump &&
	grep -q "usb: 0483:df11, device: 0x0000, dfu: 0x011a, b.UFD., 16" dump &&
	test $(grep -c "address: 0x0" dump) = 3 &&
	grep -q "alt setting: 1" dump
'

test_expect_success 'what make refuses, writing nothing' '
	test_expect_code 2 mpf-dfu make x.dfu a.bin 2>err &&
	grep -q "a.bin is a raw binary: give its address, as ADDR:a.bin" err &&
	$MPF_BUILD/sim/dfu-file hex 0x08004000 a.bin a.hex &&
	test_expect_code 2 mpf-dfu make x.dfu 0x08000000:a.hex 2>err &&
	grep -q "carries its addresses" err &&
	test_expect_code 65 mpf-dfu make x.dfu 0x08000000:one.dfu 2>err &&
	grep -q "one.dfu is a DfuSe file" err &&
	cp a.bin sfx.bin && dfu-suffix -a sfx.bin -v 0x0483 -p 0xdf11 >/dev/null 2>&1 &&
	test_expect_code 65 mpf-dfu make x.dfu 0x08000000:sfx.bin 2>err &&
	grep -q "has a DFU suffix" err &&
	mpf-uf2 convert --family RP2040 a.bin a.uf2 &&
	test_expect_code 65 mpf-dfu make x.dfu 0x10000000:a.uf2 2>err &&
	grep -q "is a UF2 file" err &&
	test_expect_code 2 mpf-dfu make x.dfu 0x08000000@300:a.bin &&
	test ! -e x.dfu &&
	cp a.bin keep.bin &&
	test_expect_code 2 mpf-dfu make a.bin 0x08000000:./a.bin 2>err &&
	grep -q "input too" err && cmp a.bin keep.bin
'

test_expect_success USBSIM,DFU_UTIL,JQ 'a made file flashes: each element where it says' '
	mpf-dfu make two.dfu 0x08000000:a.bin 0x08020000:b.bin &&
	usbsim mpf-dfu write two.dfu --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.verified)" = true &&
	dfu_readback 0x08000000 1001 a.back && cmp a.bin a.back &&
	dfu_readback 0x08020000 70000 b.back && cmp b.bin b.back
'

test_done
