#!/bin/sh
test_description='openocd programs the simulated nRF52840 about as fast as an STM32F405

At real pacing (flash busy times as the datasheets give them, 125 us of USB
latency per transfer) openocd writes the nRF52840 through its nRF5 loader
in target RAM, which waits for the host by reading the FIFO pointers and
feeding the watchdog (a store to WDT RR[0]) every round. The simulated core
must see that loop as idle, as it sees a loop without stores: otherwise it
interprets millions of instructions per probe command and openocd crawls at
about 1 KB/s. Both parts need about 0.5 s of flash time for 32 KiB, so the
two runs, side by side on the same machine, take about as long.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"

# oocd_ms MODEL CONFIG ADDR: openocd programs and verifies x.bin on the
# MODEL at real pacing; prints the wall time in milliseconds
oocd_ms() {
	usbsim_devices "cmsisdap:serial=P$1:target=$1:time_scale=1:latency_us=125" &&
	_t0=$(date +%s%N) &&
	usbsim_openocd "$2" -c "program x.bin $3 verify reset exit" &&
	_t1=$(date +%s%N) &&
	grep -q "Verified OK" out &&
	echo $(( (_t1 - _t0) / 1000000 ))
}

test_expect_success USBSIM,OPENOCD,NOT_VALGRIND 'openocd on the nRF52840 takes at most 3 times as long as on the STM32F405' '
	head -c 32768 /dev/urandom >x.bin &&
	stm=$(oocd_ms stm32f405 stm32f4x.cfg 0x08000000) &&
	nrf=$(oocd_ms nrf52840 nrf52.cfg 0x0) &&
	echo "stm32f405 $stm ms, nrf52840 $nrf ms" &&
	test "$(usbsim_count violation)" = 0 &&
	test "$nrf" -lt $((3 * stm))
'

test_done
