#!/bin/sh
test_description='our flasher stub on each chip it is built for, against the simulator: uploaded into the RAM the ROM leaves free, greets, writes deflated 16 KiB blocks, verifies with its MD5 and reads back, the bytes around the region untouched'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

# A chip's stub is built where its compiler is installed (stub/stub.mk):
# there, mpf-esp must flash through it.
test_lazy_prereq STUB_XTENSA 'command -v xtensa-lx106-elf-gcc'
test_lazy_prereq STUB_RISCV 'command -v riscv64-unknown-elf-gcc'

# One row per chip: a short name, its key, the compiler it is built with,
# the RAM its ROM leaves to loaded code as lib/proto/esp_chip.c says
# (instruction view, data view; doc/protocols.md 1.14), which the upload
# must stay in, and options for the simulated chip.
chips='
s3	esp32s3	XTENSA	0x40378000 0x403C7E00 0x3FC88000 0x3FCD7E00
s2	esp32s2	XTENSA	0x40028000 0x4006AB00 0x3FFB8000 0x3FFEAB00
c6	esp32c6	RISCV	0x40800000 0x4086AD08 0x40800000 0x4086AD08
h2	esp32h2	RISCV	0x40800000 0x4083BA78 0x40800000 0x4083BA78
c2	esp32c2	RISCV	0x40380000 0x403AB264 0x3FCA0000 0x3FCCB264
c2x	esp32c2	RISCV	0x40380000 0x403AB264 0x3FCA0000 0x3FCCB264 --xtal 26
c5	esp32c5	RISCV	0x40800000 0x4084E5A0 0x40800000 0x4084E5A0
c61	esp32c61	RISCV	0x40800000 0x4083E670 0x40800000 0x4083E670
p4	esp32p4	RISCV	0x4FF40000 0x4FFA96B8 0x4FF40000 0x4FFA96B8 --rev 300
'

# in_ram ADDR LEN ILO IHI DLO DHI: [ADDR, ADDR+LEN) in one of the windows
in_ram() {
	_a=$(($1)); _e=$(($1 + $2))
	{ [ $_a -ge $(($3)) ] && [ $_e -le $(($4)) ]; } ||
	{ [ $_a -ge $(($5)) ] && [ $_e -le $(($6)) ]; }
}

while read -r tag key cc ilo ihi dlo dhi opts; do
	[ -n "$tag" ] || continue
	P=STUB_$cc
	ram="$ilo $ihi $dlo $dhi"

	test_expect_success "$P,JQ" "$key${opts:+ $opts}: setup: an image, a flash holding other data" "
		esp_mkimage --chip $key --size 200000 --seed 3 >$tag.bin &&
		head -c 4194304 /dev/zero | tr '\\000' '\\132' >$tag.flash &&
		esp_sim_start $tag --chip $key --flash-size 4MB $opts
	"

	test_expect_success "$P,JQ" "$key${opts:+ $opts}: the stub is uploaded into free RAM, greets and writes deflated" "
		mpf-esp -v --serial $tag.tty write 0x10000 $tag.bin -o jsonl >out 2>err &&
		test \"\$(jq -r .flashed.loader out)\" = stub &&
		test \"\$(jq -r .flashed.verified out)\" = true &&
		grep 'the stub greeted' err && grep '^stub loaded' $tag.log &&
		grep '^MEM_BEGIN size' $tag.log | sed 's/.*size=\\([0-9]*\\) .*addr=\\(0x[0-9a-f]*\\)/\\1 \\2/' >mem &&
		test \$(wc -l <mem) = 2 &&
		while read -r n a; do in_ram \$a \$n $ram || return 1; done <mem &&
		grep 'stub FLASH_DEFL_BEGIN size=0x31000 .* block=0x4000 offset=0x10000' $tag.log &&
		! grep '^FLASH_DEFL_BEGIN' $tag.log &&
		grep 'stub SPI_FLASH_MD5 0x10000+0x31000' $tag.log &&
		flash_at $tag 65536 200000 | cmp - $tag.bin &&
		test \"\$(flash_at $tag 0 65536 | tr -d Z | wc -c)\" = 0 &&
		test \"\$(flash_at $tag \$((65536 + 200000)) 704 | tr -d '\\377' | wc -c)\" = 0 &&
		test \"\$(flash_at $tag \$((65536 + 200704)) 65536 | tr -d Z | wc -c)\" = 0 &&
		esp_sim_clean $tag
	"

	test_expect_success "$P" "$key${opts:+ $opts}: the stub reads the image back" "
		: >$tag.log &&
		mpf-esp --serial $tag.tty read 0x10000 200000 back.bin -o jsonl >out &&
		grep 'stub READ_FLASH 0x10000+0x30d40' $tag.log &&
		cmp $tag.bin back.bin &&
		esp_sim_clean $tag
	"
	esp_sim_stop $tag
done <<EOT
$chips
EOT

test_expect_success STUB_RISCV,JQ 'an ESP32-P4 before v3.0 stays on the ROM loader: its ROM keeps the RAM the stub goes to' '
	esp_mkimage --chip esp32p4 --size 100000 >p4v1.bin &&
	esp_sim_start p4v1 --chip esp32p4 --rev 100 &&
	test_when_finished "esp_sim_stop p4v1" &&
	mpf-esp -v --serial p4v1.tty write 0x10000 p4v1.bin -o jsonl >out 2>err &&
	test "$(jq -r .flashed.loader out)" = rom &&
	test "$(jq -r .flashed.verified out)" = true &&
	! grep MEM_ p4v1.log &&
	grep "chip revision whose ROM keeps the stub" err &&
	flash_at p4v1 65536 100000 | cmp - p4v1.bin &&
	esp_sim_clean p4v1
'

test_expect_success JQ 'the ESP32-C61 ROM loader: found by its chip id, written and verified with --no-stub' '
	esp_mkimage --chip esp32c61 --size 100000 >c61rom.bin &&
	esp_sim_start c61rom --chip esp32c61 &&
	test_when_finished "esp_sim_stop c61rom" &&
	mpf-esp --serial c61rom.tty info -o jsonl >out &&
	test "$(jq -r .esp.chip out)" = ESP32-C61 &&
	mpf-esp --no-stub --serial c61rom.tty write 0x10000 c61rom.bin -o jsonl >out &&
	test "$(jq -r .flashed.loader out)" = rom &&
	test "$(jq -r .flashed.verified out)" = true &&
	flash_at c61rom 65536 100000 | cmp - c61rom.bin &&
	esp_sim_clean c61rom
'

test_done
