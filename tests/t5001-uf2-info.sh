#!/bin/sh
test_description='mpf-uf2 info and convert: UF2 files checked block by block (doc/protocols.md 3.1)'
. "${MPF_SRC:-.}/tests/lib.sh"

test_lazy_prereq SIM 'test -x "$(mpf_sim uf2drive-sim)"'

# A stand-in firmware binary with the banner real MicroPython images carry.
test_expect_success 'setup: a binary' '
	{ printf "MicroPython v1.24.1 on 2024-11-29; Raspberry Pi Pico W with RP2040\0"
	  head -c 3000 /dev/urandom; } >fw.bin
'

test_expect_success JQ 'convert makes 256-byte blocks at the family base; info describes them' '
	(umask 002 && mpf-uf2 convert --family RP2040 fw.bin fw.uf2) &&
	test "$(stat -c %a fw.uf2)" = 664 &&
	size=$(wc -c <fw.bin) && blocks=$(( (size + 255) / 256 )) &&
	test $(wc -c <fw.uf2) -eq $((blocks * 512)) &&
	mpf-uf2 info -o jsonl fw.uf2 >out &&
	test "$(json_field out blocks)" = $blocks &&
	test "$(json_field out "families[0].family")" = RP2040 &&
	test "$(json_field out "families[0].start")" = 0x10000000 &&
	test "$(json_field out "families[0].payload")" = 256
'

test_expect_success SIM 'the bootloader simulator assembles exactly the binary from it' '
	"$(mpf_sim uf2drive-sim)" --flash img --parse fw.uf2 &&
	cmp -n $(wc -c <fw.bin) img fw.bin
'

test_expect_success JQ 'SAMD51 takes its usual base; --base overrides it' '
	mpf-uf2 convert --family samd51 fw.bin s.uf2 &&
	mpf-uf2 info -o jsonl s.uf2 >out &&
	test "$(json_field out "families[0].start")" = 0x00004000 &&
	mpf-uf2 convert --family 0x68ed2b88 --base 0x2000 fw.bin d.uf2 &&
	mpf-uf2 info -o jsonl d.uf2 >out &&
	test "$(json_field out "families[0].family")" = SAMD21 &&
	test "$(json_field out "families[0].start")" = 0x00002000
'

test_expect_success 'convert refuses bad arguments with usage errors' '
	test_expect_code 2 mpf-uf2 convert fw.bin x.uf2 2>err && grep -q "needs --family" err &&
	test_expect_code 2 mpf-uf2 convert --family Z80 fw.bin x.uf2 2>err &&
	grep -q "family.* takes one of .*RP2040|.*SAMD51" err &&
	test_expect_code 2 mpf-uf2 convert --family NRF52840 fw.bin x.uf2 2>err && grep -q "needs --base for NRF52840" err &&
	test_expect_code 65 mpf-uf2 convert --family RP2040 --base 0x10000080 fw.bin x.uf2 2>err &&
	grep -q "not aligned" err && ! test -e x.uf2 &&
	test_expect_code 66 mpf-uf2 convert --family RP2040 missing.bin x.uf2
'

test_expect_success JQ 'convert takes a family ID that is in no table, as mpf-uf2(1) says' '
	test_expect_code 2 mpf-uf2 convert --family 0x5ee21073 fw.bin x.uf2 2>err &&
	grep -q "needs --base for 0x5ee21073" err &&
	mpf-uf2 convert --family 0x5ee21073 --base 0x8000 fw.bin n.uf2 &&
	mpf-uf2 info -o jsonl n.uf2 >out &&
	test "$(json_field out "families[0].family")" = 0x5ee21073 &&
	test "$(json_field out "families[0].start")" = 0x00008000
'

test_expect_success 'convert replaces its output whole, and not at all when it fails' '
	echo old >a.uf2 &&
	test_must_fail mpf-uf2 convert --family RP2040 --base 0x10000001 fw.bin a.uf2 &&
	echo old >expect && test_cmp expect a.uf2 &&
	mpf-uf2 convert --family RP2040 fw.bin a.uf2 && cmp a.uf2 fw.uf2 &&
	! ls | grep -q "\.tmp\."
'

# Corruptions a real download or a bad tool produces; each must be named.
corrupt() { # FILE OFFSET BYTES...
	f=$1 off=$2; shift 2
	printf "$@" | dd of="$f" bs=1 seek="$off" conv=notrunc 2>/dev/null
}

test_expect_success JQ 'a corrupt UF2 is refused with the block and the reason' '
	cp fw.uf2 bad1.uf2 && corrupt bad1.uf2 1536 "XXXX" &&
	test_must_fail mpf-uf2 info -o jsonl bad1.uf2 >out &&
	test "$(json_field out error.code)" = format &&
	json_field out error.message | grep -q "block 3 (offset 1536): bad magic" &&
	head -c 2000 fw.uf2 >bad2.uf2 &&
	test_must_fail mpf-uf2 info -o jsonl bad2.uf2 >out &&
	json_field out error.message | grep -q "not a multiple of 512" &&
	cp fw.uf2 bad3.uf2 && corrupt bad3.uf2 $((512 + 20)) "\000\000\000\000" &&
	test_must_fail mpf-uf2 info -o jsonl bad3.uf2 >out &&
	json_field out error.message | grep -q "block number 0 appears twice" &&
	cp fw.uf2 bad4.uf2 && corrupt bad4.uf2 16 "\000\002\000\000" &&
	test_must_fail mpf-uf2 info -o jsonl bad4.uf2 >out &&
	json_field out error.message | grep -q "payload size 512"
'

test_expect_success JQ 'info goes on after a bad file and reports each in order' '
	test_must_fail mpf-uf2 info --keep-order -o jsonl bad1.uf2 fw.uf2 fw.bin >out &&
	test $(wc -l <out) -eq 3 &&
	test "$(json_field out file 2)" = fw.uf2 && test -z "$(json_field out error 2)" &&
	test "$(json_field out error.code 3)" = format
'

test_done
