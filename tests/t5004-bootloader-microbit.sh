#!/bin/sh
test_description='mpf-bootloader mpy activator against real MicroPython (QEMU micro:bit, 1.9.2)'
. "${MPF_SRC:-.}/tests/lib.sh"

# The real peer for the raw REPL exchange of the mpy activator: Debian's
# MicroPython for the micro:bit under QEMU. Its machine module has no
# bootloader(), so the board answers with a traceback, which must come
# back as the reason, and the next activator must be tried.
fw=/usr/share/firmware-microbit-micropython/firmware.hex
test_lazy_prereq QEMU "command -v qemu-system-arm && test -f $fw"

test_expect_success QEMU,JQ 'mpy: raw REPL reached, machine.bootloader() refused by the board' '
	{ qemu-system-arm -M microbit -nographic -monitor none -serial pty \
		-device loader,file=$fw >qemu.out 2>&1 & } &&
	echo $! >qemu.pid &&
	test_when_finished "kill \$(cat qemu.pid)" &&
	wait_for 20 grep -q /dev/pts/ qemu.out &&
	pty=$(grep -o "/dev/pts/[0-9]*" qemu.out) &&
	echo "{\"serial\":\"$pty\",\"port\":\"nrf\",\"bootloader\":[\"mpy\",\"none\"]}" |
	test_expect_code 1 mpf-bootloader --wait 1 --timeout 2 >out 2>err &&
	json_field out error.message |
	grep -q "no UF2 drive appeared after trying .*mpy: machine.bootloader() failed: AttributeError: .module. object has no attribute .bootloader." &&
	test -e "$pty"
'

test_done
