#!/bin/sh
test_description='mpf-swd through ST-LINK/V2, V2-1 and V3 probes

The ST-LINK model (tests/sim/libusb/stlink.c, the probe firmware of
tests/sim/dap/stlink.c) in front of the same target models the CMSIS-DAP
tests use: mpf-swd must identify the probe and its firmware, set the clock
from the V2 divisor table or the V3 frequency list, write and read back
through the probe'"'"'s own memory commands, reach the nRF52 CTRL-AP (AP 1)
where the firmware allows, work with old firmware that has AP 0 only, and
turn a bus fault into a clear error. No protocol violation is allowed.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

# on VERSION [KEY=VAL...] CMD...: CMD with one ST-LINK of that version
# (its serial, and so its flash state, from the version and $unit)
on() {
	_v=$1 && shift &&
	_spec="stlink:version=$_v:serial=STL$(echo "$_v" | tr -d .)00000000000000000000${unit:-1}:time_scale=0.01" &&
	while test $# -gt 0 && case $1 in *=*) true;; *) false;; esac; do
		_spec="$_spec:$1" && shift
	done &&
	usbsim_devices "$_spec" &&
	usbsim "$@"
}

no_violation() { test "$(usbsim_count violation)" = 0 || { grep violation "$MPF_USBSIM_LOG"; false; }; }

test_expect_success USBSIM 'info names the probe, its firmware and the clock each generation sets' '
	on 2 mpf-swd info -o jsonl >v2 &&
	on 2.1 mpf-swd info -o jsonl >v21 &&
	on 3 mpf-swd info -o jsonl >v3 &&
	test "$(json_field v2 swd.stlink_firmware)" = V2J37S7 &&
	test "$(json_field v2 pid)" = 3748 &&
	test "$(json_field v21 swd.stlink_firmware)" = V2J40M27 &&
	test "$(json_field v21 pid)" = 374b &&
	test "$(json_field v3 swd.stlink_firmware)" = V3J7M27S7 &&
	test "$(json_field v3 stlink_version)" = 3 &&
	test "$(json_field v2 swd.frequency)" = 4000000 &&
	test "$(json_field v3 swd.frequency)" = 3300000 &&
	test "$(json_field v21 swd.target)" = "STM32F405/407/415/417" &&
	no_violation
'

test_expect_success USBSIM '--frequency picks the fastest clock not above it' '
	on 2 mpf-swd --frequency 1M info -o jsonl >a &&
	on 3 mpf-swd --frequency 1M info -o jsonl >b &&
	on 3 mpf-swd --frequency 30M info -o jsonl >c &&
	test "$(json_field a swd.frequency)" = 950000 &&
	test "$(json_field b swd.frequency)" = 1000000 &&
	test "$(json_field c swd.frequency)" = 24000000 &&
	test_expect_code 2 on 2 mpf-swd --frequency 2k info -o jsonl >d;
	test "$(json_field d error.code)" = argument &&
	grep "no SWD clock at or below 2000 Hz" d
'

for v in 2 2.1 3; do
	test_expect_success USBSIM "write and read back through ST-LINK/V$v" '
		head -c 70000 /dev/urandom >x.bin &&
		on '"$v"' mpf-swd write x.bin -o jsonl >w &&
		test "$(json_field w flashed.verified)" = true &&
		on '"$v"' mpf-swd read 0x08000000 70000 y.bin -o jsonl >r &&
		cmp x.bin y.bin &&
		no_violation
	'
done

test_expect_success USBSIM 'erase a sector through the probe' '
	on 2.1 mpf-swd erase --address 0x08000000 -o jsonl >e &&
	test "$(json_field e erased.size)" = 16384 &&
	on 2.1 mpf-swd read 0x08000000 16384 z.bin -o jsonl >r &&
	test "$(tr -d "\377" <z.bin | wc -c)" = 0
'

test_expect_success USBSIM 'a protected nRF52840 is opened through its CTRL-AP (AP 1)' '
	unit=2 &&
	on 2.1 target=nrf52840 protect=1 mpf-swd info -o jsonl >p;
	test "$(json_field p error.code)" = permission &&
	head -c 9000 /dev/urandom >n.bin &&
	on 2.1 target=nrf52840 protect=1 mpf-swd --unlock write n.bin -o jsonl >w &&
	test "$(json_field w flashed.verified)" = true &&
	on 2.1 target=nrf52840 mpf-swd read 0 9000 m.bin -o jsonl >r &&
	cmp n.bin m.bin &&
	no_violation
'

test_expect_success USBSIM 'old firmware (V2 J20: AP 0 only, no DAP registers) still flashes an STM32' '
	head -c 5000 /dev/urandom >o.bin &&
	unit=3 &&
	on 2 fw=20 target=stm32h743 mpf-swd write o.bin -o jsonl >w &&
	test "$(json_field w flashed.verified)" = true &&
	on 2 fw=20 target=stm32h743 mpf-swd read 0x08000000 5000 p.bin -o jsonl >r &&
	cmp o.bin p.bin &&
	no_violation
'

test_expect_success USBSIM 'a bus fault comes back as an error naming the address' '
	test_expect_code 1 on 3 mpf-swd read 0x60000000 64 f.bin -o jsonl >f;
	test "$(json_field f error.code)" = protocol &&
	grep "0x60000000" f && grep "SWD AP FAULT" f &&
	! test -e f.bin
'

test_done
