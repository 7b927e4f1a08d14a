#!/bin/sh
test_description='a record reaching a flasher without firmware fails; "| mpf-uf2 FILE |"
flashes the records'"'"' targets and nothing else

Before, a record mpf-bootloader had put at a UF2 drive passed through
mpf-uf2 untouched when it had no method (the README'"'"'s own "reset, flash,
identify" line), and mpf-uf2 FILE ignored its stdin and flashed whatever
UF2 drive fitted.'
. "${MPF_SRC:-.}/tests/lib.sh"

. "$MPF_SRC/tests/sim/uf2drive/env.sh"

test_expect_success 'setup: an RP2040 image' '
	head -c 20000 /dev/urandom >fw.bin &&
	mpf-uf2 convert --family RP2040 fw.bin fw.uf2
'

test_expect_success FUSE,JQ 'a UF2 target with no firmware is an error record, nothing written' '
	test_when_finished "stop_drive d1" &&
	start_drive d1 --flash d1.img &&
	echo "{\"kind\":\"serial\",\"serial\":\"/dev/ttyS9\",\"target\":{\"kind\":\"uf2\",\"path\":\"$PWD/d1\"}}" |
		test_expect_code 1 mpf-uf2 --no-wait -o jsonl >out &&
	json_field out error.message | grep -q "no firmware.file" &&
	! grep -q "^block" d1.log
'

test_expect_success FUSE,JQ '| mpf-uf2 FILE: a record without a UF2 target fails, no other drive is flashed' '
	test_when_finished "stop_drive d2" &&
	start_drive d2 --flash d2.img &&
	echo "{\"kind\":\"serial\",\"serial\":\"/dev/ttyS9\"}" |
		test_expect_code 1 mpf-uf2 --no-wait -o jsonl fw.uf2 >out &&
	json_field out error.message | grep -q "no UF2 target" &&
	! grep -q "^block" d2.log
'

test_expect_success FUSE,JQ '| mpf-uf2 FILE: FILE goes to each record'"'"'s target' '
	test_when_finished "stop_drive d3; stop_drive d4" &&
	start_drive d3 --flash d3.img && start_drive d4 --flash d4.img &&
	echo "{\"kind\":\"serial\",\"serial\":\"/dev/ttyS9\",\"firmware\":{\"file\":\"other.uf2\",\"version\":\"1.24.1\"},\"target\":{\"kind\":\"uf2\",\"path\":\"$PWD/d3\"}}" |
		mpf-uf2 --no-wait -o jsonl fw.uf2 >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out firmware.file)" = fw.uf2 &&
	test "$(json_field out firmware.version)" = "" &&
	cmp -n $(wc -c <fw.bin) d3.img fw.bin &&
	! grep -q "^block" d4.log
'

test_expect_success 'the README flashes a file it names in its "reset, flash, identify" line' '
	grep "reset, flash, identify" "$MPF_SRC/README.md" | grep -q "mpf-uf2 [A-Za-z0-9_.-]*\.uf2 |"
'

test_done
