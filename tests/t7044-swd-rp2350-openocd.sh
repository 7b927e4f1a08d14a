#!/bin/sh
test_description='openocd reads back over ADIv6 what mpf-swd wrote to the RP2350 model

Debian'"'"'s openocd 0.12 speaks ADIv6 ("dap create ... -adiv6") and
multidrop, but has no RP2350 target configuration or flash driver. The
test writes its own small configuration: the one DP selected by TARGETSEL
0x00040927 instance 0, core 0'"'"'s Cortex-M33 behind the MEM-AP at debug
address 0x2000. openocd wakes the DP from dormant, powers the debug
domain, examines and halts the core and reads the flash through XIP: it
must read what mpf-swd wrote, and the model must see no violation.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

cat >rp2350-adiv6.cfg <<'CFG'
transport select swd
adapter speed 4000
swd newdap rp2350 cpu -expected-id 0x4c013477
dap create rp2350.dap -chain-position rp2350.cpu -adiv6 -dp-id 0x00040927 -instance-id 0
target create rp2350.cm0 cortex_m -dap rp2350.dap -ap-num 0x2000
CFG

# oocd CMD...: openocd on the simulated probe with the configuration above
oocd() {
	usbsim openocd -c "gdb_port disabled; tcl_port disabled; telnet_port disabled" \
		-f interface/cmsis-dap.cfg -f ./rp2350-adiv6.cfg "$@" >out 2>&1
}

usbsim_devices "cmsisdap:serial=OOCD2350:target=rp2350:time_scale=0.01"

test_expect_success USBSIM,OPENOCD 'mpf-swd writes a UF2; openocd halts core 0 and reads it back at 0x10000000' '
	head -c 30000 /dev/urandom >z.bin &&
	mpf-uf2 convert --family RP2350_ARM_S z.bin z.uf2 &&
	usbsim mpf-swd write z.uf2 -o jsonl >rec &&
	test "$(json_field rec flashed.verified)" = true &&
	oocd -c "init; halt; dump_image w.bin 0x10000000 30000" \
		-c "echo [format chip:0x%08x [read_memory 0x40000000 32 1]]; exit" &&
	grep "SWD DPIDR 0x4c013477" out &&
	grep "Cortex-M33 r1p0 processor detected" out &&
	grep "chip:0x20004927" out &&
	cmp z.bin w.bin &&
	test "$(usbsim_count violation)" = 0 || {
		cat rec; tail -n 15 out; grep violation "$MPF_USBSIM_LOG"; false
	}
'

test_done
