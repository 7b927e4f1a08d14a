#!/bin/sh
test_description='mpf-fs restore compares USB serial numbers, as the OS reports them now, where a board has no machine.unique_id; the unique_id wins where both sides have it (a serial number that changed with the firmware)'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"
. "$MPF_SRC/tests/fs-lib.sh"

test_have_prereq JQ || skip_all "jq missing"

# usb N SERIAL: the simulator's pty N as a USB device with that serial
# number in a sysfs of our own (MPF_TEST_SYSFS; "" for a device without
# one, as a CP2102 without a serial number)
usb() {
	_t=$(basename "$(realpath "$(pty_of s "$1")")") &&
	_d=$PWD/sys/devices/usb1/1-$1 &&
	rm -rf "$_d" && mkdir -p "$_d/1-$1:1.0/tty/$_t" sys/class/tty &&
	echo 1 >"$_d/busnum" &&
	{ test -z "$2" || echo "$2" >"$_d/serial"; } &&
	ln -sfn "$_d/1-$1:1.0/tty/$_t" "sys/class/tty/$_t"
}
MPF_TEST_SYSFS=$PWD/sys
export MPF_TEST_SYSFS

boards() {
	rm -rf fs0 fs1 sys && mkdir -p fs0/flash fs1/flash &&
	printf 'print("A")\n' >fs0/flash/main.py && printf 'print("B")\n' >fs1/flash/main.py &&
	rm -rf orig0 orig1 && cp -r fs0 orig0 && cp -r fs1 orig1 &&
	start_sim s --count 2 --fs "$PWD/fs" "$@"
}

test_expect_success 'without unique_id: the backup is keyed and identified by the USB serial number the OS reports' '
	boards && usb 1 SERA && usb 2 SERB &&
	fs backup bk "$(pty_of s 1)" &&
	test "$(json_field out backup.dir)" = bk/SERA &&
	test "$(jq -c .identity bk/SERA/manifest.json)" = "{\"usb_serial\":\"SERA\"}" &&
	stop_sim s
'

test_expect_success 'onto another USB serial number: refused, nothing written; onto the same: written' '
	boards && usb 1 SERA && usb 2 SERB &&
	test_expect_code 1 mpf-fs restore bk/SERA "$(pty_of s 2)" </dev/null >out &&
	json_field out error.message | grep -q "its usb_serial is SERB, the backup.s is SERA" &&
	diff -r orig1 fs1 &&
	rm fs0/flash/main.py &&
	fs restore bk/SERA "$(pty_of s 1)" &&
	test "$(jq -c "[.restore.identity.checked, .restore.identity.same]" out)" = "[\"usb_serial\",true]" &&
	diff -r orig0 fs0 &&
	stop_sim s
'

test_expect_success 'a record whose usb_serial is stale (the board was replugged): the serial number the port has now counts' '
	boards && usb 1 SERA && usb 2 SERB &&
	printf "{\"kind\":\"serial\",\"serial\":\"%s\",\"usb_serial\":\"SERA\"}\n" "$(pty_of s 2)" >rec &&
	mpf-fs restore bk <rec >out &&
	test "$(jq -c "[.restore, .error]" out)" = "[null,null]" &&
	jq -c ". + {backup: {dir: \"bk/SERA\"}}" rec | test_expect_code 1 mpf-fs restore bk >out &&
	json_field out error.message | grep -q "its usb_serial is SERB, the backup.s is SERA" &&
	diff -r orig1 fs1 &&
	stop_sim s
'

test_expect_success 'a serial number that changed with the firmware, the same unique_id: matched by unique_id' '
	boards --unique-id 0011223344556677,8899aabbccddeeff && usb 1 OLD && usb 2 OTHER &&
	fs backup bk2 "$(pty_of s 1)" &&
	test "$(jq -c .identity bk2/OLD/manifest.json)" = \
		"{\"unique_id\":\"0011223344556677\",\"usb_serial\":\"OLD\"}" &&
	usb 1 NEW && rm fs0/flash/main.py &&
	fs restore bk2/OLD "$(pty_of s 1)" &&
	test "$(jq -c "[.restore.identity.checked, .restore.identity.same]" out)" = "[\"unique_id\",true]" &&
	diff -r orig0 fs0 &&
	test_expect_code 1 mpf-fs restore bk2/OLD "$(pty_of s 2)" </dev/null >out &&
	json_field out error.message | grep -q "unique_id is 8899aabbccddeeff" &&
	diff -r orig1 fs1 &&
	stop_sim s
'

test_done
