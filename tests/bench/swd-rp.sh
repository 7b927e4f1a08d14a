# swd-rp.sh - mpf-swd and openocd writing 1 MiB to the RP2040 and RP2350
# models through the probe simulator, side by side in one run.
#
# What the models pace (tests/sim/dap/rp2.c; doc/protocols.md 5.13, 5.16):
# the USB transfers (125 us each, a high-speed microframe), the SWD wire at
# the clock each host sets (mpf-swd 4 MHz, openocd 5 MHz: the "adapter
# speed 5000" of Raspberry Pi's getting-started guide; the stock
# target/rp2040.cfg sets none), the W25Q16JV's typical busy times (64 KiB
# block erase 150 ms, page 0.4 ms), and the chip as a debugger's reset
# leaves it: clk_sys on the ring oscillator (RP2040 6.5 MHz, RP2350
# 13 MHz, both typical) running the core at a cycle a simple instruction,
# the boot ROM's SPI clock (clk_sys / 6 on the RP2040, / 12 on the RP2350)
# shifting each page's command, address and data, and each 8-byte XIP
# cache miss a 03h fetch at that clock (89 us on either). The same times
# whoever's code runs: our CRC-32 routine, openocd's checksum routine, or
# the host reading back through the AHB-AP. The _pll lines take clk_sys at
# 125 MHz instead: the PLL MicroPython sets, should the reset keep it.
. "$MPF_SRC/tests/bench/lib.sh"
usbsim_bench swd-rp
rpkib=1024
head -c $((rpkib * 1024)) /dev/urandom >"$tmp/rp.bin"

sim() { LD_LIBRARY_PATH=$lib "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
paced="125 us/transfer, W25Q16JV typical times, core, ROM SPI and XIP line fetches at clk_sys"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# rp_write NAME SIMOPTS [OPTION]: mpf-swd writes the image; ms its time
rp_write() {
	ms=
	t0=$(now_ms)
	MPF_USBSIM="cmsisdap:serial=$1:time_scale=1:latency_us=125:$2" \
		sim mpf-swd write "$tmp/rp.bin" $3 -o jsonl >"$tmp/rec" 2>/dev/null
	t1=$(now_ms)
	if grep -q '"verified":true' "$tmp/rec"; then
		ms=$((t1 - t0))
		echo "$1: $((rpkib * 1024 * 1000 / ms)) B/s ($rpkib KiB .bin: erase 16 blocks + program through the boot ROM + verify ($(sed -n 's/.*"verify":"\([a-z0-9]*\)".*/\1/p' "$tmp/rec")) + reset; $2; $paced: $ms ms)"
	else
		echo "$1: failed"
	fi
}

# oocd_write NAME SIMOPTS: openocd 0.12 programs and verifies the image
oocd_write() {
	ms=
	command -v openocd >/dev/null || return 0
	t0=$(now_ms)
	MPF_USBSIM="cmsisdap:serial=$1:time_scale=1:latency_us=125:$2" \
		sim openocd -c "gdb_port disabled; tcl_port disabled; telnet_port disabled" \
		-f interface/cmsis-dap.cfg -f target/rp2040.cfg -c "adapter speed 5000" \
		-c "program $tmp/rp.bin 0x10000000 verify reset exit" >"$tmp/oocd" 2>&1
	t1=$(now_ms)
	if grep -q "Verified OK" "$tmp/oocd"; then
		ms=$((t1 - t0))
		echo "$1: $((rpkib * 1024 * 1000 / ms)) B/s (openocd 0.12 program ... verify reset exit with target/rp2040.cfg, verify by its checksum routine on the core; same image and simulator; $2; $paced: $ms ms including its start-up)"
	else
		echo "$1: failed"
	fi
}

# vs NAME OPENOCD_MS MPF_MS READBACK_MS: the side-by-side ratio
vs() {
	[ -n "$2" ] && [ -n "$3" ] && [ -n "$4" ] &&
		echo "$1: $(ratio "$2" "$3") x (openocd's time over mpf-swd's, same run; mpf-swd reading back instead of its CRC: $(ratio "$2" "$4") x)"
}

for clk in rosc pll; do
	o="target=rp2040"
	[ $clk = pll ] && o="$o:clk_khz=125000"
	rp_write "swd_write_rp2040_$clk" "$o"; crc=$ms
	rp_write "swd_write_rp2040_${clk}_readback" "$o" --no-algorithm; rb=$ms
	oocd_write "swd_write_rp2040_${clk}_openocd" "$o"
	vs "swd_write_rp2040_${clk}_vs_openocd" "$ms" "$crc" "$rb"
done

# The RP2350 (Raspberry Pi Pico 2): its ADIv6 MEM-AP at 0x2000 and the boot
# ROM functions rom_table_lookup returns, called on Arm core 0; the W25Q32's
# times are the W25Q16JV's. openocd 0.12 has no RP2350 flash driver, so
# there is no peer figure.
rp_write swd_write_rp2350_rosc "target=rp2350"
rp_write swd_write_rp2350_rosc_readback "target=rp2350" --no-algorithm
