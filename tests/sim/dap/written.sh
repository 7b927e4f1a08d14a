# written.sh - sourced by the SWD write tests after tests/lib.sh and
# tests/sim/libusb/env.sh.

# swd_written VIA ADDR FILE: mpf-swd writes FILE at ADDR; its record (in
# ./rec) says ok, via VIA, verify crc32 and FILE's size, a second process
# reads FILE back, and no model reported a violation.
swd_written() {
	_len=$(wc -c <"$3") &&
	usbsim mpf-swd --address "$2" write "$3" -o jsonl >rec &&
	{ cat rec; grep violation "$MPF_USBSIM_LOG" || :; } >&2 &&
	test "$(json_field rec flashed.ok)" = true &&
	test "$(json_field rec flashed.via)" = "$1" &&
	test "$(json_field rec flashed.verify)" = crc32 &&
	test "$(json_field rec flashed.bytes)" = "$_len" &&
	usbsim mpf-swd read "$2" "$_len" back.bin >/dev/null &&
	cmp "$3" back.bin &&
	test "$(usbsim_count violation)" = 0
}
