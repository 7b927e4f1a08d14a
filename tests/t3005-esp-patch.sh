#!/bin/sh
test_description='mpf-esp --flash-mode/--flash-size/--flash-freq: the bootloader header patch rule (only at the bootloader offset, only valid images, never in secure download mode) with the SHA-256 recomputed'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

# digest_ok NAME OFFSET LEN: the SHA-256 at the end of LEN bytes matches the rest
digest_ok() {
	flash_at "$1" "$2" $(($3 - 32)) | sha256sum | cut -c1-64 >d.want &&
	flash_at "$1" $(($2 + $3 - 32)) 32 | od -An -tx1 -v | tr -d " \n" >d.got &&
	echo >>d.got && test_cmp d.want d.got
}

test_expect_success 'setup' '
	esp_mkimage --chip esp32s3 --boot-only >boot.bin &&
	L=$(stat -c %s boot.bin) && echo $L >len &&
	test "$(bytes boot.bin 2 2)" = 0220
'

test_expect_success 'patched at the bootloader offset: mode, detected size, freq; digest recomputed' '
	esp_sim p1 --chip esp32s3 --flash-size 8MB &&
	mpf-esp --serial p1.tty --flash-mode qio --flash-size detect --flash-freq 80m \
		write 0 boot.bin -o jsonl >out 2>err &&
	grep "flash parameters patched" err &&
	test "$(bytes p1.flash 2 2)" = 003f &&
	digest_ok p1 0 $(cat len) &&
	test "$(jq -r .flashed.verified out)" = true &&
	flash_at p1 4 $(($(cat len) - 36)) | cmp - $(tail -c +5 boot.bin | head -c $(($(cat len) - 36)) >mid; echo mid) &&
	esp_sim_clean p1
'

test_expect_success 'only the named field changes (size kept)' '
	esp_sim p2 --chip esp32s3 &&
	mpf-esp --serial p2.tty --flash-freq 80m write 0 boot.bin -o jsonl >out &&
	test "$(bytes p2.flash 2 2)" = 022f &&
	digest_ok p2 0 $(cat len)
'

test_expect_success 'not at the bootloader offset: written as it is' '
	esp_sim p3 --chip esp32s3 &&
	mpf-esp --serial p3.tty --flash-mode dout write 0x10000 boot.bin -o jsonl >out &&
	flash_at p3 65536 $(cat len) | cmp - boot.bin
'

test_expect_success 'a merged ESP32 image at 0x1000 is patched like its bootloader' '
	esp_mkimage --chip esp32 --size 120000 >merged.bin &&
	esp_sim p4 --chip esp32 &&
	mpf-esp --serial p4.tty --flash-mode dout write 0x1000 merged.bin -o jsonl >out &&
	test "$(bytes p4.flash 4098 1)" = 03 &&
	flash_at p4 24576 90000 | cmp - $(tail -c +20481 merged.bin | head -c 90000 >tail.bin; echo tail.bin)
'

test_expect_success 'a size the chip does not have is refused before writing' '
	esp_sim p5 --chip esp32c2 &&
	esp_mkimage --chip esp32c2 --boot-only >c2.bin &&
	test_expect_code 1 mpf-esp --serial p5.tty --flash-freq 80m write 0 c2.bin -o jsonl >out &&
	grep "80m" out && ! grep "BEGIN erase=[^0]" p5.log
'

test_expect_success JQ 'secure download mode: never patched, plain blocks, not verified' '
	esp_mkimage --chip esp32s2 --boot-only >s2.bin &&
	esp_sim p6 --chip esp32s2 --secure-download &&
	mpf-esp --serial p6.tty --flash-mode dout write 0x1000 s2.bin -o jsonl >out &&
	flash_at p6 4096 $(stat -c %s s2.bin) | cmp - s2.bin &&
	test "$(jq -r .flashed.verified out)" = false &&
	! grep DEFL p6.log && esp_sim_clean p6
'

test_done
