#!/bin/sh
test_description='mpf-uf2 and mpf-scan with DAPLink drives (MICROBIT, DAPLINK): DETAILS.TXT, .hex and .bin, FAIL.TXT, the remount (FUSE simulator in DAPLink mode)'
. "${MPF_SRC:-.}/tests/lib.sh"

. "$MPF_SRC/tests/sim/uf2drive/env.sh"

test_lazy_prereq DFU_SUFFIX 'command -v dfu-suffix'

mounted() { grep -q " $PWD/$1 " /proc/self/mountinfo; }

test_expect_success 'setup: images with a vector table for a micro:bit v2 (nRF52833)' '
	# initial SP 0x20020000, reset/NMI/HardFault handlers in the flash
	printf "\000\000\002\040\301\000\000\000\303\000\000\000\305\000\000\000" >vt &&
	{ cat vt; head -c 40000 /dev/urandom; } >fw.bin &&
	objcopy -I binary -O ihex fw.bin fw.hex &&
	objcopy -I binary -O ihex --change-addresses 0x7f000 fw.bin past.hex &&
	head -c 4096 /dev/zero >novt.bin &&
	mpf-uf2 convert --family SAMD21 fw.bin fw.uf2 &&
	printf ":10000000000002\n" >broken.hex
'

test_expect_success FUSE,JQ 'mpf-scan lists a DAPLink drive with what its DETAILS.TXT says' '
	test_when_finished "stop_drive d0" &&
	start_daplink d0 &&
	MPF_TEST_DRIVES="$PWD/d*" mpf-scan --kind uf2 >out &&
	test "$(json_field out kind)" = daplink &&
	test "$(json_field out path)" = "$PWD/d0" &&
	test "$(json_field out board_id)" = 9904 &&
	test "$(json_field out hic_id)" = 9796990b &&
	test "$(json_field out daplink_mode)" = Interface &&
	test "$(json_field out daplink_version)" = 0255 &&
	json_field out unique_id | grep -q "^9904[0-9a-f]\{44\}$"
'

test_expect_success FUSE,JQ 'a .hex is copied, the drive remounts, flashed says what was checked, never verified' '
	test_when_finished "stop_drive d1" &&
	start_daplink d1 --flash img1 &&
	mpf-uf2 --drive d1 fw.hex >out &&
	test "$(json_field out kind)" = daplink &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out flashed.method)" = daplink &&
	test "$(json_field out flashed.format)" = hex &&
	test "$(json_field out flashed.bytes)" = $(wc -c <fw.bin) &&
	test "$(jq -r .flashed.verified out)" = false &&
	json_field out flashed.checked | grep -q "remounted with no FAIL.TXT" &&
	cmp -n $(wc -c <fw.bin) img1 fw.bin &&
	grep -q "^transfer fw.hex .*: programmed" d1.log &&
	grep -q "^remount" d1.log && mounted d1 && ! test -e d1/FAIL.TXT
'

test_expect_success FUSE,JQ 'a .bin goes to the start of the flash; a file not named .bin is named so on the drive' '
	test_when_finished "stop_drive d2" &&
	start_daplink d2 --flash img2 &&
	cp fw.bin firmware.img &&
	mpf-uf2 --drive d2 firmware.img >out &&
	test "$(json_field out flashed.format)" = bin &&
	grep -q "^transfer firmware.bin " d2.log &&
	cmp -n $(wc -c <fw.bin) img2 fw.bin
'

test_expect_success FUSE,JQ,DFU_SUFFIX 'a .bin with a DFU suffix goes without it' '
	test_when_finished "stop_drive d10" &&
	start_daplink d10 --flash img10 &&
	cp fw.bin sfx.bin && dfu-suffix -v 0483 -p df11 -a sfx.bin >/dev/null &&
	mpf-uf2 --drive d10 sfx.bin >out &&
	test "$(json_field out flashed.bytes)" = $(wc -c <fw.bin) &&
	grep -q "^transfer sfx.bin $(wc -c <fw.bin) bytes: programmed" d10.log &&
	cmp -n $(wc -c <fw.bin) img10 fw.bin
'

test_expect_success FUSE,JQ 'FAIL.TXT after the remount: flashed.ok is false with DAPLink'"'"'s message' '
	test_when_finished "stop_drive d3" &&
	start_daplink d3 --flash img3 &&
	test_expect_code 1 mpf-uf2 --drive d3 past.hex >out 2>err &&
	test "$(jq -r .flashed.ok out)" = false &&
	test "$(json_field out flashed.fail_txt)" = "Flash algorithm missing for a region" &&
	test "$(json_field out error.code)" = protocol &&
	json_field out error.message | grep -q "DAPLink could not program the target: Flash algorithm missing" &&
	grep -q "^remount" d3.log && ! test -e img3 &&
	test_expect_code 1 mpf-uf2 --drive d3 novt.bin >out &&
	json_field out flashed.fail_txt | grep -q "application file format is unknown"
'

test_expect_success FUSE,JQ 'after a failed copy a good one succeeds: the old FAIL.TXT is not taken for the new copy'"'"'s' '
	test_when_finished "stop_drive d8" &&
	start_daplink d8 --flash img8 --program-ms 400 &&
	test_expect_code 1 mpf-uf2 --drive d8 past.hex >out &&
	test -e d8/FAIL.TXT &&
	mpf-uf2 --drive d8 fw.hex >out &&
	test "$(json_field out flashed.ok)" = true &&
	! test -e d8/FAIL.TXT && cmp -n $(wc -c <fw.bin) img8 fw.bin &&
	test $(grep -c "^remount" d8.log) = 2
'

test_expect_success FUSE,JQ 'a drive that does not remount in --timeout is an error, not success' '
	test_when_finished "stop_drive d9" &&
	start_daplink d9 --flash img9 --program-ms 3000 &&
	test_expect_code 1 mpf-uf2 --timeout 1 --drive d9 fw.hex >out &&
	test "$(json_field out error.code)" = timeout &&
	json_field out error.message | grep -q "did not remount within 1 s of the copy" &&
	test "$(jq -r .flashed.ok out)" = false
'

test_expect_success FUSE,JQ 'a UF2 file or a broken .hex is refused before a byte is written' '
	test_when_finished "stop_drive d4" &&
	start_daplink d4 --flash img4 &&
	test_expect_code 1 mpf-uf2 --drive d4 fw.uf2 >out &&
	test "$(json_field out error.code)" = format &&
	json_field out error.message | grep -q "fw.uf2 is a UF2 file for SAMD21: a DAPLink drive .* takes Intel HEX (.hex) or a raw binary (.bin) only; nothing copied" &&
	test -z "$(json_field out flashed.ok)" &&
	test_expect_code 1 mpf-uf2 --drive d4 broken.hex >out &&
	json_field out error.message | grep -q "^broken.hex: .*nothing copied" &&
	! grep -q "^transfer" d4.log && test "$(ls d4)" = DETAILS.TXT
'

test_expect_success FUSE,JQ 'MAINTENANCE (DAPLink'"'"'s own bootloader) is refused: it would replace the probe firmware' '
	test_when_finished "stop_drive d5" &&
	start_daplink d5 --maintenance &&
	test_expect_code 1 mpf-uf2 --drive d5 fw.hex >out &&
	test "$(json_field out error.code)" = unsupported &&
	json_field out error.message | grep -q "MAINTENANCE" &&
	! grep -q "^transfer" d5.log
'

test_expect_success FUSE,JQ 'alone, a .hex goes to the one mounted DAPLink drive; none is a clear error' '
	test_when_finished "stop_drive d6" &&
	MPF_TEST_DRIVES="$PWD/d6" test_expect_code 69 mpf-uf2 --timeout 1 fw.hex 2>err &&
	grep -q "no DAPLink drive (MICROBIT, DAPLINK) is mounted for fw.hex" err &&
	start_daplink d6 --flash img6 &&
	MPF_TEST_DRIVES="$PWD/d6" mpf-uf2 fw.hex >out &&
	test "$(json_field out flashed.ok)" = true &&
	cmp -n $(wc -c <fw.bin) img6 fw.bin
'

test_expect_success FUSE,JQ,SOCAT 'in a pipeline: the record of the board'"'"'s port is flashed through its DAPLink drive and is back on its port' '
	test_when_finished "stop_drive d7; kill \$(cat socat.pid) 2>/dev/null" &&
	start_daplink d7 --flash img7 &&
	{ socat pty,link=tty0,raw pty,raw & } && echo $! >socat.pid &&
	wait_for 10 test -e tty0 &&
	printf "{\"serial\":\"%s\",\"target\":{\"kind\":\"daplink\",\"path\":\"%s\"},\"firmware\":{\"file\":\"fw.hex\"}}\n" \
		"$PWD/tty0" "$PWD/d7" | mpf-uf2 --timeout 5 >out 2>err &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out serial)" = "$PWD/tty0" &&
	test -z "$(json_field out warning)" &&
	cmp -n $(wc -c <fw.bin) img7 fw.bin &&
	MPF_TEST_DRIVES="$PWD/d7" mpf-scan --kind uf2 | mpf-uf2 --no-wait fw.hex >out &&
	test "$(json_field out flashed.ok)" = true && test "$(json_field out kind)" = daplink
'

test_done
