#!/bin/sh
test_description='the ST-LINK probe model holds up against Debian openocd

openocd 0.12 drives ST-LINKs two ways: as a high-level adapter
(interface/stlink.cfg, transport hla_swd: the probe does memory access
and core registers itself) and through raw DP/AP access with the probe'"'"'s
memory commands and RW_MISC batches (interface/stlink-dap.cfg, transport
dapdirect_swd). On an ST-LINK/V2-1 and a V3 model with an STM32F405
behind it, openocd must program and verify through both, running its
flash loader on the simulated core, without one protocol violation; then
each side checks the other: mpf-swd reads back what openocd wrote, and
openocd verifies what mpf-swd wrote.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

# oocd IFACE TRANSPORT CMD...: openocd on the simulated probe; output in ./out
oocd() {
	_if=$1 && _tr=$2 && shift 2 &&
	usbsim timeout -s KILL 120 openocd -c "gdb_port disabled; tcl_port disabled; telnet_port disabled" \
		-f "interface/$_if" -c "transport select $_tr" -f target/stm32f4x.cfg "$@" >out 2>&1
}

no_violation() { test "$(usbsim_count violation)" = 0 || { grep violation "$MPF_USBSIM_LOG"; false; }; }

for v in 2.1 3; do
	usbsim_devices "stlink:version=$v:serial=OOCDSTL$(echo $v | tr -d .)00000000000000001"
	for mode in "stlink.cfg hla_swd" "stlink-dap.cfg dapdirect_swd"; do
		set -- $mode
		test_expect_success USBSIM,OPENOCD "ST-LINK/V$v, $2: openocd programs and verifies, mpf-swd reads back" '
			head -c 24000 /dev/urandom >x.bin &&
			oocd '"$1 $2"' -c "program x.bin 0x08000000 verify reset exit" &&
			grep "Verified OK" out &&
			grep "STLINK V'"$(echo $v | cut -c1)"'J" out &&
			usbsim mpf-swd read 0x08000000 24000 y.bin -o jsonl >rec &&
			cmp x.bin y.bin &&
			no_violation || { tail -n 20 out; false; }
		'
		test_expect_success USBSIM,OPENOCD "ST-LINK/V$v, $2: openocd verifies what mpf-swd wrote" '
			head -c 30000 /dev/urandom >z.bin &&
			usbsim mpf-swd write z.bin -o jsonl >rec &&
			test "$(json_field rec flashed.ok)" = true &&
			oocd '"$1 $2"' -c "init; reset halt; puts [capture {verify_image z.bin 0x08000000}]; exit" &&
			grep "verified 30000 bytes" out &&
			no_violation || { tail -n 20 out; false; }
		'
	done
done

test_done
