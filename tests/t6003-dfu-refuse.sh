#!/bin/sh
test_description='mpf-dfu refuses bad images with nothing written

Stands for: a firmware file that is damaged, made for another device, or
addressed outside the STM32F405 memory layout must not touch the board:
the simulator trace must show no erase and no write.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

usbsim_devices "stm32dfu:serial=315A28A0B956:time_scale=0.01"
DFU_FILE=$MPF_BUILD/sim/dfu-file

nothing_written() { test "$(usbsim_count "event: (erase|mass|write)")" = 0; }

test_expect_success USBSIM 'setup' '
	head -c 3000 /dev/urandom >a.bin &&
	"$DFU_FILE" pack -D 0483:df11 0x08000000:a.bin good.dfu
'

test_expect_success USBSIM,JQ 'an element past the end of flash is refused' '
	: >"$MPF_USBSIM_LOG" &&
	"$DFU_FILE" pack -D 0483:df11 0x08000000:a.bin 0x080ffc00:a.bin past.dfu &&
	test_expect_code 1 usbsim mpf-dfu write past.dfu -o jsonl >out &&
	test "$(json_field out error.code)" = argument &&
	json_field out error.message | grep "0x08100000 is outside the memory layout" &&
	test "$(jq -r .flashed.ok out)" = false &&
	nothing_written
'

test_expect_success USBSIM,JQ 'a .bin bigger than the flash is refused' '
	: >"$MPF_USBSIM_LOG" &&
	head -c 1048577 /dev/zero >big.bin &&
	test_expect_code 1 usbsim mpf-dfu write big.bin -o jsonl >out &&
	json_field out error.message | grep "outside the memory layout" &&
	nothing_written
'

test_expect_success USBSIM,JQ 'a .dfu for another vid:pid is refused unless --force' '
	: >"$MPF_USBSIM_LOG" &&
	"$DFU_FILE" pack -D 1209:db42 0x08000000:a.bin other.dfu &&
	test_expect_code 1 usbsim mpf-dfu write other.dfu -o jsonl >out &&
	json_field out error.message | grep "made for 1209:db42" &&
	nothing_written &&
	usbsim mpf-dfu --force write other.dfu --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.ok)" = true
'

test_expect_success USBSIM 'a .dfu with a flipped byte fails its CRC' '
	: >"$MPF_USBSIM_LOG" &&
	cp good.dfu bad.dfu &&
	printf "\001" | dd of=bad.dfu bs=1 seek=600 conv=notrunc 2>/dev/null &&
	test_expect_code 65 usbsim mpf-dfu write bad.dfu 2>err &&
	grep "CRC" err && grep "damaged" err &&
	nothing_written
'

test_expect_success USBSIM 'a cut-short .dfu is refused' '
	head -c 2000 good.dfu >cut.dfu &&
	test_expect_code 65 usbsim mpf-dfu write cut.dfu 2>err &&
	grep "cut.dfu" err
'

# A .dfu is DfuSe or a raw image with a DFU suffix; with neither it is
# not firmware (an HTML error page saved under the name, a truncated
# download): written raw to 0x08000000 it would leave the board unbootable.
test_expect_success USBSIM,JQ 'a .dfu that is neither DfuSe nor suffixed is refused, not written raw' '
	: >"$MPF_USBSIM_LOG" &&
	printf "<html><body>502 Bad Gateway</body></html>\n" >page.dfu &&
	test_expect_code 65 usbsim mpf-dfu write page.dfu 2>err &&
	grep "page.dfu.: not a DFU file: no DfuSe prefix and no DFU suffix" err &&
	nothing_written &&
	cp a.bin raw.bin &&
	usbsim mpf-dfu write raw.bin --wait 0 -o jsonl >out &&
	test "$(json_field out flashed.ok)" = true
'

test_expect_success USBSIM 'a .dfu whose element runs past its target is refused' '
	# element size field (after the 11-byte prefix, the 274-byte target
	# prefix and the element address) made larger than the data
	cp good.dfu lie.dfu &&
	printf "\377\377" | dd of=lie.dfu bs=1 seek=289 conv=notrunc 2>/dev/null &&
	"$DFU_FILE" dump lie.dfu 2>&1 | grep -i "crc" &&
	test_expect_code 65 usbsim mpf-dfu write lie.dfu 2>err
'

test_expect_success USBSIM '.hex with a bad checksum is refused with its line number' '
	: >"$MPF_USBSIM_LOG" &&
	"$DFU_FILE" hex 0x08000000 a.bin a.hex &&
	# a different checksum byte: 00, or 01 where the right one is 00
	# (a.bin is random, so one line in 256 sums to 00)
	sed "3{s/00\$/01/;t;s/..\$/00/}" a.hex >badsum.hex &&
	! cmp -s a.hex badsum.hex &&
	test_expect_code 65 usbsim mpf-dfu write badsum.hex 2>err &&
	grep "line 3: bad checksum" err &&
	nothing_written
'

test_expect_success USBSIM '.hex without an end record is refused' '
	sed "\$d" a.hex >noend.hex &&
	test_expect_code 65 usbsim mpf-dfu write noend.hex 2>err &&
	grep "no end-of-file record" err
'

test_expect_success USBSIM 'a missing file is 66 (no input), and bad arguments are usage errors' '
	test_expect_code 66 usbsim mpf-dfu write nosuch.bin 2>err &&
	grep "nosuch.bin" err &&
	test_expect_code 2 usbsim mpf-dfu write 2>err &&
	test_expect_code 2 usbsim mpf-dfu read 0x08000000 2>err &&
	test_expect_code 2 usbsim mpf-dfu --address 0xnope write a.bin 2>err &&
	test_expect_code 2 usbsim mpf-dfu --device 12345:1 list 2>err &&
	test_expect_code 2 usbsim mpf-dfu frobnicate 2>err
'

test_expect_success USBSIM 'reading outside the layout is refused' '
	test_expect_code 1 usbsim mpf-dfu read 0x08100000 16 x.bin >out &&
	grep "outside the memory layout" out &&
	test ! -e x.bin
'

test_done
