#!/bin/sh
test_description='the USB identity of a port or drive (vid, pid, serial, location) comes from the scan layer only'
. "${MPF_SRC:-.}/tests/lib.sh"

# Who reads it from sysfs: the tty and block device classes, and the USB
# device attributes. libusb's descriptors (lib/transport/usb.c) are not
# sysfs; the udev rules text names ATTRS{idVendor}, never "idVendor".
readers() {
	(cd "$1" && grep -rlE '"(idVendor|idProduct|busnum|devnum)"|/class/(tty|block)/' lib cmd | sort)
}

test_expect_success 'only lib/board/scan.c reads USB identity from sysfs' '
	readers "$MPF_SRC" >out &&
	echo lib/board/scan.c >expect &&
	test_cmp expect out
'

test_expect_success 'an applet walking sysfs for idVendor is found' '
	mkdir -p tree && cp -r "$MPF_SRC"/lib "$MPF_SRC"/cmd tree/ &&
	echo "static const char *attr = \"idVendor\";" >>tree/cmd/esp.c &&
	readers tree >out &&
	printf "cmd/esp.c\nlib/board/scan.c\n" >expect &&
	test_cmp expect out
'

test_done
