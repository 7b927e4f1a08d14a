# swd.sh - mpf-swd against the CMSIS-DAP probe simulator, with
# openocd's figures on the same simulator in the same run.
#
# The simulated probe is paced at real rates: every USB transfer costs a
# fixed latency (latency_us, 125 = one high-speed microframe), the SWD
# wire costs 46 SWCLK cycles a transfer at the clock the host set (4 MHz
# for mpf-swd, 2 MHz then 8 MHz for openocd's stm32f4x.cfg), and flash
# erase/program take the STM32F405 datasheet's typical times (time_scale=1).
# Round trips are counted from the simulator's trace (one per command
# packet) with flash times scaled to nothing (time_scale=0.001), so that
# only data movement is counted; the minimum a packet size allows is the
# image carried in full DAP_TransferBlock packets, out and back (verify).
. "$MPF_SRC/tests/bench/lib.sh"
usbsim_bench swd
kib=256
head -c $((kib * 1024)) /dev/urandom >"$tmp/fw.bin"

sim() { LD_LIBRARY_PATH=$lib "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
packets() { grep -c -E "(bulk|intr) 01 [1-9]" "$MPF_USBSIM_LOG"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# minimum packets per KiB written then read back: words per block packet
minimum() { awk -v p="$1" 'BEGIN { printf "%.2f", 1024 / (4 * int((p - 5) / 4)) + 1024 / (4 * int((p - 4) / 4)) }'; }

mpf_write() {	# MODEL OPTS
	rm -f "$MPF_USBSIM_LOG"
	MPF_USBSIM="$1:$2" sim mpf-swd write "$tmp/fw.bin" -o jsonl >"$tmp/rec" 2>/dev/null
}
oocd_write() {	# OPTS
	rm -f "$MPF_USBSIM_LOG"
	MPF_USBSIM="cmsisdap:$1" sim openocd -c "gdb_port disabled; tcl_port disabled; telnet_port disabled" -f interface/cmsis-dap.cfg -f target/stm32f4x.cfg \
		-c "program $tmp/fw.bin 0x08000000 verify reset exit" >"$tmp/oocd" 2>&1 &&
	grep -q "Verified OK" "$tmp/oocd"
}

t0=$(now_ms); mpf_write cmsisdap "time_scale=1:latency_us=125"; t1=$(now_ms)
echo "swd_write_f405_v2: $((kib * 1024 * 1000 / (t1 - t0))) B/s ($kib KiB .bin, erase 6 sectors + program + verify + reset, CMSIS-DAP v2 512-byte packets x4, 125 us/transfer, real flash times: $((t1 - t0)) ms)"
if command -v openocd >/dev/null; then
	t0=$(now_ms)
	if oocd_write "time_scale=1:latency_us=125"; then
		t1=$(now_ms)
		echo "swd_write_f405_v2_openocd: $((kib * 1024 * 1000 / (t1 - t0))) B/s (openocd 0.12 program ... verify reset exit, same image and simulator: $((t1 - t0)) ms including its start-up)"
	else
		echo "swd_write_f405_v2_openocd: failed"
	fi
fi

mpf_write cmsisdap "time_scale=0.001:latency_us=125"
n=$(packets); min=$(minimum 512)
echo "swd_roundtrips_v2: $(ratio "$n" $kib) per KiB (mpf-swd write+verify, 512-byte packets; minimum $min; $(ratio "$n" "$(awk -v m="$min" -v k=$kib 'BEGIN{print m*k}')") x minimum; $n packets incl. connect, erase polls, reset)"
mpf_write cmsisdap "time_scale=0.001:latency_us=125:execute=0"
n=$(packets)
echo "swd_roundtrips_v2_noexec: $(ratio "$n" $kib) per KiB (the same with a probe without DAP_ExecuteCommands: one command a packet, 9 packets per 4 KiB TAR window; $(ratio "$n" "$(awk -v m="$min" -v k=$kib 'BEGIN{print m*k}')") x minimum)"
if command -v openocd >/dev/null && oocd_write "time_scale=0.001:latency_us=125"; then
	n=$(packets)
	echo "swd_roundtrips_v2_openocd: $(ratio "$n" $kib) per KiB (openocd program+verify, same simulator; verify is a CRC run on the target)"
fi
mpf_write cmsisdap1 "time_scale=0.001:latency_us=1000"
n=$(packets); min=$(minimum 64)
echo "swd_roundtrips_v1: $(ratio "$n" $kib) per KiB (mpf-swd write+verify over HID, 64-byte reports; minimum $min; $(ratio "$n" "$(awk -v m="$min" -v k=$kib 'BEGIN{print m*k}')") x minimum)"
t0=$(now_ms); mpf_write cmsisdap1 "time_scale=1:latency_us=1000"; t1=$(now_ms)
echo "swd_write_f405_v1: $((kib * 1024 * 1000 / (t1 - t0))) B/s ($kib KiB over CMSIS-DAP v1 HID, 64-byte reports x4, 1 ms/transfer (full-speed frame), real flash times: $((t1 - t0)) ms)"
