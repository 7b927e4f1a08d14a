#!/bin/sh
test_description='mpf-swd with two probes in one pipeline

Each record is flashed through the probe it names (a probe record from
mpf-scan names its own by usb_serial, a board record by "probe"), both
probes at once; records for one probe take turns. Only a record that
names no probe, or direct use without --probe, meets the ambiguity.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

usbsim_devices "cmsisdap:serial=PROBEA:target=stm32f405:time_scale=0.05,cmsisdap:serial=PROBEB:target=nrf52840:time_scale=0.05"

# names LOG: the probe of each transfer line, runs of one name folded
names() {
	sed -n "s/^cmsisdap:\(PROBE[AB]\) bulk.*/\1/p" "$1" | uniq | tr "\n" " "
}

test_expect_success USBSIM 'setup: an image for each board' '
	head -c 20000 /dev/urandom >fa.bin &&
	head -c 12000 /dev/urandom >fb.bin &&
	cat >in <<-EOF
	{"kind":"probe","usb_serial":"PROBEA","cpu":"STM32F405RG","method":"swd","firmware":{"file":"fa.bin"}}
	{"kind":"serial","serial":"/dev/ttyACM3","cpu":"STM32F405RG"}
	{"kind":"serial","serial":"/dev/ttyACM4","probe":"PROBEB","cpu":"nRF52840","method":"swd","firmware":{"file":"fb.bin"}}
	EOF
'

test_expect_success USBSIM 'each record is flashed through its own probe, both at once' '
	rm -f "$MPF_USBSIM_LOG" &&
	usbsim mpf-swd <in >out &&
	test "$(wc -l <out)" -eq 3 &&
	test "$(jq -r "select(.usb_serial == \"PROBEA\") | .flashed.target" out)" = "STM32F405/407/415/417" &&
	test "$(jq -r "select(.probe == \"PROBEB\") | .flashed.target" out)" = nRF52840 &&
	test "$(jq -r "select(.flashed) | .flashed.ok" out | sort -u)" = true &&
	usbsim mpf-swd --probe PROBEA read 0x08000000 20000 ba.bin >/dev/null &&
	usbsim mpf-swd --probe PROBEB read 0x00000000 12000 bb.bin >/dev/null &&
	cmp fa.bin ba.bin && cmp fb.bin bb.bin &&
	# both probes took turns on the bus many times: they worked at once
	test "$(names "$MPF_USBSIM_LOG" | wc -w)" -gt 10
'

test_expect_success USBSIM '-j 1: one probe after the other' '
	rm -f "$MPF_USBSIM_LOG" &&
	usbsim mpf-swd -j 1 <in >out &&
	test "$(jq -r "select(.flashed) | .flashed.ok" out | sort -u)" = true &&
	names "$MPF_USBSIM_LOG" >runs &&
	test "$(cat runs)" = "PROBEA PROBEB "
'

test_expect_success USBSIM 'two records for one probe take turns' '
	sed -n 1p in >same && sed -n 1p in >>same &&
	rm -f "$MPF_USBSIM_LOG" &&
	usbsim mpf-swd <same >out &&
	test "$(jq -r .flashed.ok out | tr "\n" " ")" = "true true " &&
	# a second claim while the first job holds the probe would be BUSY
	test "$(grep -c "^cmsisdap:PROBEA claim 0 -> ok" "$MPF_USBSIM_LOG")" = 2 &&
	! grep -q "^cmsisdap:PROBEA claim 0 -> LIBUSB_ERROR" "$MPF_USBSIM_LOG"
'

test_expect_success USBSIM 'a record naming no probe: an error on it only, --probe chooses' '
	echo "{\"serial\":\"/dev/ttyACM5\",\"cpu\":\"STM32F405RG\",\"method\":\"swd\",\"firmware\":{\"file\":\"fa.bin\"}}" >none &&
	cat none in >mixed &&
	test_expect_code 1 usbsim mpf-swd <mixed >out &&
	test "$(jq -r "select(.serial == \"/dev/ttyACM5\") | .error.message" out | grep -c "choose one with --probe")" = 1 &&
	test "$(jq -r "select(.flashed) | .flashed.ok" out | sort -u)" = true &&
	usbsim mpf-swd --probe PROBEA <none >out &&
	test "$(json_field out flashed.ok)" = true
'

test_expect_success USBSIM 'direct use without --probe is ambiguous with two attached' '
	test_must_fail usbsim mpf-swd info -o jsonl >out 2>err &&
	grep -q "2 probes attached: choose one with --probe" out &&
	usbsim mpf-swd --probe PROBEB info -o jsonl >out &&
	test "$(json_field out swd.target)" = nRF52840
'

test_done
