#!/bin/sh
test_description='mpf-uf2 extract turns UF2 files back into raw images; not-main-flash blocks count as bootloaders count them'
. "${MPF_SRC:-.}/tests/lib.sh"

# mkuf2 OUT FLAGS:ADDR:NO:COUNT:FAMILY:BYTE ...: one 512-byte block per
# argument (microsoft/uf2 README), 256 payload bytes of BYTE.
mkuf2() {
	_out=$1
	shift
	python3 - "$_out" "$@" <<-\EOT
	import struct, sys
	out = b""
	for spec in sys.argv[2:]:
	    flags, addr, no, count, fam, byte = (int(x, 0) for x in spec.split(":"))
	    data = bytes([byte]) * 256 + bytes(476 - 256)
	    out += struct.pack("<8I", 0x0A324655, 0x9E5D5157, flags, addr, 256, no, count, fam)
	    out += data + struct.pack("<I", 0x0AB16F30)
	open(sys.argv[1], "wb").write(out)
	EOT
}

test_expect_success 'a bin survives convert and extract unchanged' '
	head -c 4096 /dev/urandom >fw.bin &&
	mpf-uf2 convert --family RP2040 fw.bin fw.uf2 &&
	mpf-uf2 extract fw.uf2 back.bin 2>err &&
	cmp fw.bin back.bin &&
	grep -q "4096 bytes of RP2040 for 0x10000000-0x10001000" err
'

test_expect_success PYTHON 'gaps between blocks are erased flash (0xff); order does not matter' '
	mkuf2 gap.uf2 0x2000:0x10000200:1:2:0xe48bff56:0xbb 0x2000:0x10000000:0:2:0xe48bff56:0xaa &&
	mpf-uf2 extract gap.uf2 gap.bin &&
	{ head -c 256 /dev/zero | tr "\0" "\252"; head -c 256 /dev/zero | tr "\0" "\377";
	  head -c 256 /dev/zero | tr "\0" "\273"; } >want.bin &&
	cmp want.bin gap.bin
'

test_expect_success PYTHON,JQ 'a MakeCode file: its not-main-flash block is counted, not missing, and not extracted' '
	mkuf2 mc.uf2 0x2000:0x2000:0:5:0x68ed2b88:1 0x2000:0x2100:1:5:0x68ed2b88:2 \
		0x2000:0x2200:2:5:0x68ed2b88:3 0x2000:0x2300:3:5:0x68ed2b88:4 \
		0x2001:0x10000000:4:5:0x68ed2b88:0x55 &&
	mpf-uf2 info mc.uf2 -o json >out &&
	test "$(jq -r ".[0].not_main_flash" out)" = 1 &&
	test "$(jq -r ".[0].families[0].bytes" out)" = 1024 &&
	test "$(jq -r ".[0].families[0].end" out)" = 0x00002400 &&
	mpf-uf2 extract mc.uf2 mc.bin &&
	test $(wc -c <mc.bin) = 1024 &&
	! grep -q U mc.bin
'

test_expect_success PYTHON 'a block really missing is still reported' '
	mkuf2 miss.uf2 0x2000:0x2000:0:4:0x68ed2b88:1 0x2001:0x10000000:1:4:0x68ed2b88:0x55 \
		0x2000:0x2100:3:4:0x68ed2b88:1 0x2000:0x4000:0:1:0x55114460:1 &&
	test_expect_code 65 mpf-uf2 extract miss.uf2 x.bin 2>err &&
	grep -q "SAMD21: 1 of 4 blocks missing (first: block 2)" err
'

test_expect_success 'several families: --family picks one, without it extract refuses' '
	mpf-uf2 convert --family SAMD21 fw.bin samd.uf2 &&
	cat samd.uf2 fw.uf2 >multi.uf2 &&
	test_expect_code 2 mpf-uf2 extract multi.uf2 x.bin 2>err &&
	grep -q "several families (SAMD21, RP2040): pick one with --family" err &&
	test ! -e x.bin &&
	mpf-uf2 extract --family rp2040 multi.uf2 rp.bin && cmp fw.bin rp.bin &&
	mpf-uf2 extract --family 0x68ed2b88 multi.uf2 sd.bin && cmp fw.bin sd.bin &&
	test_expect_code 65 mpf-uf2 extract --family NRF52840 multi.uf2 x.bin 2>err &&
	grep -q "has no NRF52840 blocks" err
'

test_expect_success PYTHON 'a file container is refused' '
	mkuf2 fc.uf2 0x1000:0:0:1:1024:0x41 &&
	test_expect_code 65 mpf-uf2 extract fc.uf2 x.bin 2>err &&
	grep -q "file.container" err && test ! -e x.bin
'

test_expect_success 'extract never replaces its input' '
	cp fw.uf2 keep.uf2 &&
	test_expect_code 2 mpf-uf2 extract fw.uf2 ./fw.uf2 2>err &&
	grep -q "same file" err && cmp fw.uf2 keep.uf2
'

test_done
