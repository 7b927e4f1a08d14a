#!/bin/sh
test_description='the flasher stub core on the ESP8266 core (lx106, Debian qemu-system-xtensa) over a semihosted UART and a fake flash: greeting, deflated write with MD5, READ_FLASH, corrupt and overlong streams refused without writing outside, ERASE_REGION'
. "${MPF_SRC:-.}/tests/lib.sh"

test_lazy_prereq QEMU_LX106 'qemu-system-xtensa -cpu help | grep -qw lx106 &&
	test -e "$MPF_BUILD/stub/lx106-core.elf"'

test_expect_success PYTHON,QEMU_LX106 'the stub core answers on the lx106 as the protocol says' '
	python3 "$MPF_SRC/tests/stub-lx106/session.py" qemu-system-xtensa \
		"$MPF_BUILD/stub/lx106-core.elf" >out &&
	cat out &&
	test $(grep -c "^ok" out) = 7
'

test_done
