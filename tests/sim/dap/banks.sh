# banks.sh - sourced by the dual-bank flash tests after tests/lib.sh and
# tests/sim/libusb/env.sh: the checks every two-bank part must pass.

# banks_across LABEL ERASES: an image of 0x30000 bytes from 0x080F0000 (the
# end of bank 1, the start of bank 2 at 0x08100000) is written with ERASES
# sector erases, verified and read back; then the first sector of bank 2
# is erased alone while bank 1 keeps its own.
banks_across() {
	test_expect_success USBSIM "$1: an image across both banks is written and verified" "
		head -c 196608 /dev/urandom >fw.bin &&
		before=\$(usbsim_count 'erase [0-9]') &&
		usbsim mpf-swd --address 0x080F0000 write fw.bin -o jsonl >rec &&
		test \"\$(json_field rec flashed.verified)\" = true &&
		test \$((\$(usbsim_count 'erase [0-9]') - before)) = $2 &&
		usbsim mpf-swd read 0x080F0000 196608 back.bin >/dev/null &&
		cmp fw.bin back.bin &&
		test \"\$(usbsim_count violation)\" = 0
	"

	test_expect_success USBSIM "$1: a sector of bank 2 is erased there, bank 1 keeps its own" "
		head -c 4096 /dev/urandom >b1.bin &&
		usbsim mpf-swd --address 0x08000000 write b1.bin >/dev/null &&
		usbsim mpf-swd --address 0x08100000 erase >/dev/null &&
		usbsim mpf-swd read 0x08100000 4096 s.bin >/dev/null &&
		test \"\$(tr -d '\\377' <s.bin | wc -c)\" = 0 &&
		usbsim mpf-swd read 0x08000000 4096 back.bin >/dev/null && cmp b1.bin back.bin &&
		usbsim mpf-swd read 0x080F0000 65536 back.bin >/dev/null &&
		head -c 65536 fw.bin | cmp - back.bin &&
		test \"\$(usbsim_count violation)\" = 0
	"
}
