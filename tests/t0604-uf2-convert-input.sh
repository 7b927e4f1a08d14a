#!/bin/sh
test_description='mpf-uf2 convert reads its input by content

Intel HEX and ELF data go to their addresses, the gaps between them filled
with 0xff (erased flash): the UF2 made from them is the one made from the
same bytes laid out by hand
(whole 256-byte blocks, 0xff after the end too). A UF2 or DfuSe file is refused, not wrapped.'
. "${MPF_SRC:-.}/tests/lib.sh"
mkimage=$(mpf_sim mkimage)
DFU_FILE=$MPF_BUILD/sim/dfu-file
ff() { head -c "$1" /dev/zero | tr "\000" "\377"; }

test_expect_success 'setup: two pieces and the flat image they make' '
	head -c 1000 /dev/urandom >a.bin &&
	head -c 300 /dev/urandom >b.bin &&
	{ cat a.bin && ff 24 && cat b.bin && ff 212; } >flat.bin &&
	mpf-uf2 convert --family RP2040 flat.bin want.uf2
'

test_expect_success 'a .hex: its data at its addresses, not its text' '
	"$mkimage" hex x.hex 0x10000000:a.bin 0x10000400:b.bin &&
	mpf-uf2 convert --family RP2040 x.hex x.uf2 &&
	cmp want.uf2 x.uf2
'

test_expect_success 'an .elf: its load addresses' '
	"$mkimage" elf x.elf 0x10000000:a.bin 0x10000400:b.bin@0x20000000 &&
	mpf-uf2 convert --family RP2040 x.elf e.uf2 &&
	cmp want.uf2 e.uf2
'

test_expect_success '--base with a .hex is ignored with a warning' '
	mpf-uf2 convert --family RP2040 --base 0x10100000 x.hex w.uf2 2>err &&
	grep "its own addresses are used" err &&
	cmp want.uf2 w.uf2
'

test_expect_success 'a UF2 file is refused, not wrapped again' '
	test_expect_code 65 mpf-uf2 convert --family RP2040 want.uf2 again.uf2 2>err &&
	grep "want.uf2 is a UF2 file for RP2040" err &&
	! test -e again.uf2
'

test_expect_success 'a DfuSe file is refused, naming mpf-dfu' '
	"$DFU_FILE" pack -D 0483:df11 0x08000000:a.bin x.dfu &&
	test_expect_code 65 mpf-uf2 convert --family STM32F4 x.dfu d.uf2 2>err &&
	grep "x.dfu is a DfuSe file: flash it with mpf-dfu" err &&
	! test -e d.uf2
'

test_expect_success 'data spread over more than 16 MiB is refused' '
	"$mkimage" hex far.hex 0x10000000:a.bin 0x12000000:b.bin &&
	test_expect_code 65 mpf-uf2 convert --family RP2040 far.hex f.uf2 2>err &&
	grep "past the end of RP2040 flash" err
'

test_expect_success 'mpf-uf2 names a file that is not UF2 for what it is' '
	test_expect_code 1 mpf-uf2 info x.hex -o jsonl >out &&
	grep "x.hex is an Intel HEX file: flash it with mpf-swd or mpf-dfu, or make a UF2 of it with mpf-uf2 convert" out &&
	test_expect_code 1 mpf-uf2 info x.dfu -o jsonl >out &&
	grep "x.dfu is a DfuSe file: flash it with mpf-dfu" out
'

test_done
