# algo.sh - mpf-swd through its flash routines in target RAM against its
# host-driven path and openocd's `program ... verify`, on the CMSIS-DAP
# simulator in the same run.
#
# The simulated probe is paced like the hardware: every USB transfer costs
# 125 us (a high-speed microframe), the SWD wire 46 clock cycles a transfer
# at the clock the host sets, and flash programming and erase take the
# datasheets' typical times (time_scale=1): STM32F405 16 us a 32-bit word,
# STM32H743 100 us a 256-bit flash word, nRF52840 41 us a word. The
# simulated core runs 100 Thumb instructions a microsecond.
#
# For each part: the write phase's rate against the flash's own floor
# (the image's words times the time one takes), the verify's share of the
# write time, and the whole job (connect, erase, write, verify, reset) in
# KB/s for mpf-swd through the routine, mpf-swd from the host
# (--no-algorithm) and openocd. Phase times are from mpf-swd's record
# (flashed.phases); whole jobs are wall time of the process.
#
# The same three whole jobs for every other family openocd 0.12 programs
# on the simulator (F1, F0, F3, L4, G0, WL, WB, U5, F7, nRF51), the image sized
# to the part; where mpf-swd has no routine for the controller its default
# path programs from the host and verifies by the CRC routine ("via").
# No openocd figure: STM32L0/L1 (openocd's half-page writes fail verify on
# the model, which programs by the word), L5 (the model's flash controller
# is no L5 one: a part mpf-swd refuses), H5 and nRF5340 (no openocd 0.12
# target configuration).
#
# For a part the host programs (the STM32F103's FPEC, 53 us a half-word):
# the verify's share of the write time by the CRC-32 of the verify-only
# routine on the target against reading every byte back (--no-algorithm),
# one after the other on the same simulator. The RP2040 and RP2350, whose
# models run at their own clocks, are in swd-rp.sh.
. "$MPF_SRC/tests/bench/lib.sh"
usbsim_bench algo

sim() { LD_LIBRARY_PATH=$lib "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
field() { jq -r "$1" "$tmp/rec"; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# mpf_job MODEL KIB BASE OPTS...: write, leaves the record in rec and the ms in $ms
mpf_job() {
	model=$1 kib=$2 base=$3
	shift 3
	t0=$(now_ms)
	MPF_USBSIM="cmsisdap:serial=$model:target=$model:time_scale=1:latency_us=125" \
		sim mpf-swd "$@" --address "$base" write "$tmp/$model.bin" -o jsonl >"$tmp/rec" 2>/dev/null
	ms=$(( $(now_ms) - t0 ))
}

OOCD_LIMIT=120
oocd_job() {	# MODEL CFG BASE
	t0=$(now_ms)
	MPF_USBSIM="cmsisdap:serial=$1:target=$1:time_scale=1:latency_us=125" \
		sim timeout "$OOCD_LIMIT" openocd -c "gdb_port disabled; tcl_port disabled; telnet_port disabled" \
		-f interface/cmsis-dap.cfg -f "target/$2" \
		-c "program $tmp/$1.bin $3 verify reset exit" >"$tmp/oocd" 2>&1 &&
	grep -q "Verified OK" "$tmp/oocd"
	rc=$?
	ms=$(( $(now_ms) - t0 ))
	return $rc
}

# one MODEL KIB BASE OPENOCD_CFG FLOOR_US_PER_KIB HZ [only]: with "only",
# no host-path or openocd run
one() {
	model=$1 kib=$2 base=$3 cfg=$4 floor=$5 hz=$6 only=${7:-}
	head -c $((kib * 1024)) /dev/urandom >"$tmp/$model.bin"
	mpf_job "$model" "$kib" "$base" --frequency "$hz"
	if [ "$(field .flashed.ok)" != true ]; then
		echo "algo_${model}_$hz: mpf-swd failed: $(field .error.message)"
		return
	fi
	w=$(field .flashed.phases.write) v=$(field .flashed.phases.verify)
	e=$(field .flashed.phases.erase)
	echo "algo_${model}_${hz}_write: $(calc %.0f "$kib * 1024 / $w / 1000") KB/s" \
		"($kib KiB by mpf-swd's default path at SWD $hz, via $(field .flashed.via); $(calc %.2f "$kib * $floor / 1e6 / $w") of the flash's program-time floor of $(calc %.0f "1024 / $floor * 1e6 / 1000") KB/s; write phase $w s)"
	echo "algo_${model}_${hz}_verify: $(calc %.1f "100 * $v / $w") % of the write time" \
		"(CRC-32 on the target, verify $(field .flashed.verify): $v s)"
	echo "algo_${model}_${hz}_job: $(calc %.0f "$kib * 1024 / $ms") KB/s" \
		"(mpf-swd write, erase $e s + write + verify + reset, $ms ms wall)"
	[ -z "$only" ] || return 0
	mpf_job "$model" "$kib" "$base" --frequency "$hz" --no-algorithm
	hw=$(field .flashed.phases.write) hv=$(field .flashed.phases.verify)
	echo "algo_${model}_${hz}_host_job: $(calc %.0f "$kib * 1024 / $ms") KB/s" \
		"(mpf-swd --no-algorithm: write $hw s, read-back verify $hv s, $ms ms wall)"
	if ! command -v openocd >/dev/null; then
		echo "algo_${model}_${hz}_openocd: skipped (no openocd)"
	elif oocd_job "$model" "$cfg" "$base"; then
		echo "algo_${model}_${hz}_openocd_job: $(calc %.0f "$kib * 1024 / $ms") KB/s" \
			"(openocd program ... verify reset exit with target/$cfg, same image and simulator, $ms ms wall including its start-up)"
	elif [ "$ms" -ge $((OOCD_LIMIT * 1000)) ]; then
		# a run this slow says more about the model than about
		# openocd: no figure
		echo "algo_${model}_${hz}_openocd_job: no figure (openocd had not finished after $OOCD_LIMIT s on the simulator)"
	else
		echo "algo_${model}_${hz}_openocd_job: openocd failed ($(grep -m1 -i error "$tmp/oocd"))"
	fi
}

if ! command -v jq >/dev/null; then
	echo "algo: skipped (no jq)"
	exit 0
fi
# floor: microseconds to program 1 KiB (256 words of 16 us; 32 flash words of 100 us; 256 of 41 us)
# (the H743's floor, 320 KB/s, is what a 4 MHz SWD wire carries at best:
# it is fed at 8 MHz as well)
one stm32f405 512 0x08000000 stm32f4x.cfg 4096 4M
one stm32h743 1024 0x08000000 stm32h7x.cfg 3200 4M
one stm32h743 1024 0x08000000 stm32h7x.cfg 3200 8M only
one nrf52840 512 0x0 nrf52.cfg 10496 4M

# Every other family openocd 0.12 programs on the simulator, the image
# sized to the part (or 512 KiB), same pacing: the FPEC's half-words 53-54 us
# (F103, F072, F303: 512 a KiB), the L4 controller's double-words 82 us (85
# on the G071: 128 a KiB), the U5's quad-words 118 us (64 a KiB), F7 words
# 16 us, nRF51 words 41 us.
one stm32f103 128 0x08000000 stm32f1x.cfg 27136 4M
one stm32f072 128 0x08000000 stm32f0x.cfg 27648 4M
one stm32f303 256 0x08000000 stm32f3x.cfg 27648 4M
one stm32l476 512 0x08000000 stm32l4x.cfg 10496 4M
one stm32g071 128 0x08000000 stm32g0x.cfg 10880 4M
one stm32wl55 256 0x08000000 stm32wlx.cfg 10496 4M
one stm32wb55 512 0x08000000 stm32wbx.cfg 10496 4M
one stm32u575 512 0x08000000 stm32u5x.cfg 7552 4M
one stm32f767 512 0x08000000 stm32f7x.cfg 4096 4M
one nrf51822 256 0x0 nrf51.cfg 10496 4M

# host_verify MODEL KIB BASE: the verify of what the host programmed, by a
# CRC on the target and by read-back (--no-algorithm)
host_verify() {
	model=$1 kib=$2 base=$3
	head -c $((kib * 1024)) /dev/urandom >"$tmp/$model.bin"
	for how in crc32 readback; do
		if [ $how = crc32 ]; then
			mpf_job "$model" "$kib" "$base"
		else
			mpf_job "$model" "$kib" "$base" --no-algorithm
		fi
		if [ "$(field .flashed.verify)" != $how ]; then
			echo "algo_${model}_verify_$how: failed ($(field .flashed.verify): $(field .error.message))"
			continue
		fi
		w=$(field .flashed.phases.write) v=$(field .flashed.phases.verify)
		echo "algo_${model}_verify_$how: $(calc %.1f "100 * $v / $w") % of the write time" \
			"($kib KiB programmed from the host at SWD 4M, write $w s, verify $v s; 125 us a USB transfer, datasheet flash times)"
	done
}

host_verify stm32f103 128 0x08000000
