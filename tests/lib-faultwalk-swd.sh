# lib-faultwalk-swd.sh - the SWD fault walks (t0502, t0509), sourced after
# tests/lib-faultwalk.sh: a write through a CMSIS-DAP probe model whose
# Nth USB transfer fails.

walk_run() { usbsim mpf-swd --address $addr write a.bin -o jsonl; }
walk_ok() {
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out flashed.verify)" = crc32 &&
	usbsim mpf-swd read $addr $size back.bin >/dev/null && cmp a.bin back.bin
}
walk_failed() {
	b=$(json_field out flashed.bytes) &&
	test "${b:-0}" -le $size &&
	{ test "$(json_field out flashed.verified)" != true || test "$b" = $size; }
}

# walk MODEL ADDR SIZE [every|K]: the probe model (target included) reports
# no violation; "every": each transfer is walked, not a sample; K: each
# Kth after the first 20
walk() {
	usbsim_devices "cmsisdap:serial=$1:target=$1:time_scale=0.01"
	addr=$2 size=$3

	test_expect_success USBSIM,JQ "$1 setup: a clean write counts the transfers" '
		: >"$MPF_USBSIM_LOG" &&
		head -c $size /dev/urandom >a.bin &&
		walk_run >out &&
		test "$(json_field out flashed.ok)" = true &&
		usbsim_count " (ctrl|bulk|intr) " >bound &&
		test "$(cat bound)" -gt 20 &&
		head -c $size /dev/urandom >a.bin
	'

	test_expect_success USBSIM,JQ "$1: every failing transfer ends in an honest record; then it works" "
		: >\"\$MPF_USBSIM_LOG\" &&
		fault_walk usb \$(cat bound) ${4-} &&
		test \"\$(usbsim_count violation)\" = 0
	"
}
