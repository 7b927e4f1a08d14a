#!/bin/sh
test_description='mpf-uf2: the drive at the target s path is written only while it is the one
mpf-bootloader matched to the board (the same USB place and serial number)'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/uf2drive/env.sh"

test_expect_success 'setup: a 1.24.1 image' '
	mpy_uf2 1.24.1 fw.uf2
'

# A drive from /dev/uf2sim1, a USB disk on hub port 1-1.1 (sysfs as Linux
# shows it), mounted at RPI-RP2 as udisks mounts every RP2040 drive.
test_expect_success FUSE 'setup: the drive' '
	_u=$PWD/sys/devices/pci0000:00/usb1/1-1/1-1.1 &&
	mkdir -p "$_u/1-1.1:1.0/host1/block/uf2sim1" sys/class/block &&
	echo 1 >"$_u/busnum" && echo E6614103E701 >"$_u/serial" &&
	ln -sf "$_u/1-1.1:1.0/host1/block/uf2sim1" sys/class/block/uf2sim1 &&
	start_drive RPI-RP2 --fsname /dev/uf2sim1 --flash flash.img
'

rec() { # LOCATION USB_SERIAL
	printf '{"serial":"/dev/ttyACM9","port":"rp2","method":"uf2","firmware":{"file":"fw.uf2"},"target":{"kind":"uf2","path":"%s","location":"%s","usb_serial":"%s"}}\n' \
		"$PWD/RPI-RP2" "$1" "$2"
}

test_expect_success FUSE,JQ 'another board s drive mounted at the same place is not written' '
	rec 1-1.2 E6614103E702 | MPF_TEST_SYSFS=$PWD/sys test_expect_code 1 mpf-uf2 --no-wait >out &&
	test "$(json_field out error.code)" = mismatch &&
	json_field out error.message | grep -q "RPI-RP2 is not the board.s any more (USB port 1-1.1, serial number E6614103E701, the board.s drive was at 1-1.2, serial number E6614103E702): not written" &&
	! grep -q "^block" RPI-RP2.log
'

test_expect_success FUSE,JQ 'the board s own drive is written' '
	test_when_finished "stop_drive RPI-RP2" &&
	rec 1-1.1 E6614103E701 | MPF_TEST_SYSFS=$PWD/sys mpf-uf2 --no-wait >out &&
	test "$(json_field out flashed.ok)" = true &&
	grep -q "^all .* blocks in" RPI-RP2.log
'

test_done
