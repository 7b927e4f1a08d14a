#!/bin/sh
test_description='mpf-swd in a pipeline: records with method swd

What mpf-pick and mpf-fetch hand on: a board record with its cpu (from
mpf-info), method "swd" and firmware.file. The part behind the probe must
be the record'"'"'s cpu before anything is erased; other records pass
through untouched (in input order with --keep-order).'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

usbsim_devices "cmsisdap:serial=PIPE1:time_scale=0.01"

test_expect_success USBSIM 'setup: firmware file and records' '
	head -c 30000 /dev/urandom >fw.bin &&
	cat >in <<-EOF
	{"kind":"serial","serial":"/dev/ttyACM0","cpu":"RP2040","method":"uf2"}
	{"kind":"serial","serial":"/dev/ttyACM1","cpu":"STM32F405RG","method":"swd","firmware":{"file":"fw.bin"}}
	{"kind":"serial","serial":"/dev/ttyACM2"}
	EOF
	cat >wrong <<-EOF
	{"kind":"serial","serial":"/dev/ttyACM1","cpu":"STM32F411CE","method":"swd","firmware":{"file":"fw.bin"}}
	EOF
	cat >nocpu <<-EOF
	{"kind":"serial","serial":"/dev/ttyACM1","method":"swd","firmware":{"file":"fw.bin"}}
	EOF
'

test_expect_success USBSIM 'the swd record is flashed, the others pass through untouched' '
	usbsim mpf-swd --keep-order <in >out &&
	test_line_count() { test "$(wc -l <"$2")" -eq "$1"; } &&
	test_line_count 3 out &&
	sed -n 1p in >expect1 && sed -n 1p out >got1 && test_cmp expect1 got1 &&
	sed -n 3p in >expect3 && sed -n 3p out >got3 && test_cmp expect3 got3 &&
	test "$(json_field out flashed.ok 2)" = true &&
	test "$(json_field out flashed.method 2)" = swd &&
	test "$(json_field out flashed.bytes 2)" = 30000 &&
	test "$(json_field out serial 2)" = /dev/ttyACM1 &&
	usbsim mpf-swd read 0x08000000 30000 back.bin >/dev/null &&
	cmp fw.bin back.bin
'

test_expect_success USBSIM 'a board whose cpu is not the part found is refused, nothing erased' '
	before=$(usbsim_count "erase [0-9]") &&
	test_expect_code 1 usbsim mpf-swd <wrong >out &&
	test "$(json_field out error.code)" = mismatch &&
	grep -q "STM32F411CE" out &&
	test "$(usbsim_count "erase [0-9]")" = "$before" &&
	usbsim mpf-swd read 0x08000000 30000 back.bin >/dev/null &&
	cmp fw.bin back.bin
'

test_expect_success USBSIM 'a record without cpu is refused' '
	test_expect_code 1 usbsim mpf-swd <nocpu >out &&
	grep -q "no cpu" out
'

test_expect_success USBSIM 'a record that already failed passes through untouched' '
	echo "{\"method\":\"swd\",\"cpu\":\"STM32F405RG\",\"firmware\":{\"file\":\"fw.bin\"},\"error\":{\"applet\":\"mpf-fetch\",\"code\":\"io\",\"message\":\"x\"}}" >failed &&
	usbsim mpf-swd <failed >out;
	test_cmp failed out
'

test_done
