#!/bin/sh
test_description='the ST-LINK probe model holds up against Debian stlink-tools

stlink-tools 1.7 is an independent ST-LINK host: st-info --probe reads the
probe version and the chip, st-flash write loads its own flash loader into
SRAM and runs it on the simulated core (core registers, run, the C_HALT
wait), and st-flash read reads memory back. On ST-LINK/V2, V2-1 and V3
models with an STM32F405 behind them, each must write and read back, and
each side reads back what the other wrote (mpf-swd and st-flash).'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

# stlink-tools catch SIGTERM and SIGSEGV (to let the probe go), so a model
# fault could leave one spinning: each run is bounded and killed
st() { usbsim timeout -s KILL 120 "$@"; }

no_violation() { test "$(usbsim_count violation)" = 0 || { grep violation "$MPF_USBSIM_LOG"; false; }; }

# stlink-tools take a probe only with a 24-digit serial, as ST's have
for v in 2 2.1 3; do
	serial="066DFF4854577251870925$(echo $v | tr -d . | sed "s/^.\$/&0/")"
	usbsim_devices "stlink:version=$v:serial=$serial"
	test_expect_success USBSIM,STLINK_TOOLS "ST-LINK/V$v: st-info --probe sees the probe and the chip" '
		st st-info --probe >info &&
		grep "Found 1 stlink programmers" info &&
		grep "version: *V'"$(echo $v | cut -c1)"'J" info &&
		grep "serial: *'"$serial"'" info &&
		grep "chipid: *0x0413" info
	'
	test_expect_success USBSIM,STLINK_TOOLS "ST-LINK/V$v: st-flash writes and reads back, mpf-swd reads it too" '
		head -c 40000 /dev/urandom >x.bin &&
		st st-flash write x.bin 0x08000000 >out 2>&1 &&
		grep "Flash written and verified" out &&
		st st-flash read y.bin 0x08000000 40000 >out 2>&1 &&
		cmp x.bin y.bin &&
		usbsim mpf-swd read 0x08000000 40000 z.bin -o jsonl >rec &&
		cmp x.bin z.bin &&
		no_violation || { tail -n 5 out; false; }
	'
	test_expect_success USBSIM,STLINK_TOOLS "ST-LINK/V$v: st-flash reads back what mpf-swd wrote" '
		head -c 33000 /dev/urandom >w.bin &&
		usbsim mpf-swd write w.bin -o jsonl >rec &&
		test "$(json_field rec flashed.ok)" = true &&
		st st-flash read r.bin 0x08000000 33000 >out 2>&1 &&
		cmp w.bin r.bin &&
		no_violation
	'
done

test_done
