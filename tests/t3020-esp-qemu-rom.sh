#!/bin/sh
test_description='mpf-esp against the real ESP32 and ESP32-C3 mask ROMs (Espressif QEMU): info, three regions written compressed and plain, checked byte for byte with every byte around them unchanged, --skip-unchanged, erase and read, a bad checksum recovered, and the same write on the esp-rom simulator giving the same record and flash'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

# The flash starts as a pattern, not erased, so that a byte the ROM
# programs or erases outside the regions asked for shows.
test_expect_success 'pattern flash and images' '
	yes "mpf flash pattern, never to be touched" | head -c 4194304 >pattern.flash &&
	esp_mkimage --chip esp32 --boot-only >boot32.bin &&
	esp_mkimage --chip esp32c3 --boot-only >bootc3.bin &&
	head -c 3072 /dev/urandom >part.bin &&
	esp_mkimage --chip esp32 --size 98304 --random 300 --seed 4 >app32.bin &&
	esp_mkimage --chip esp32c3 --size 70000 --random 300 --seed 6 >appc3.bin
'

# expect NAME ADDR FILE...: pattern.flash with each file written at ADDR,
# the rest of its first and last sectors erased (the ROM erases sectors).
expect() {
	_out=$1
	shift
	cp pattern.flash "$_out"
	while [ $# -gt 1 ]; do
		_a=$(($1)) _n=$(stat -c %s "$2")
		_s=$((_a / 4096 * 4096)) _e=$(( (_a + _n + 4095) / 4096 * 4096 ))
		tr '\0' '\377' </dev/zero | head -c $((_e - _s)) |
			dd of="$_out" bs=4096 seek=$((_s / 4096)) conv=notrunc 2>/dev/null
		dd if="$2" of="$_out" bs=1 seek=$_a conv=notrunc 2>/dev/null
		shift 2
	done
}

# same FLASH EXPECTED: equal, or the first differing ranges
same() {
	cmp "$1" "$2" && return 0
	cmp -l "$1" "$2" | awk '{ printf "0x%x\n", $1 - 1 }' | sed -n '1p;$p'
	return 1
}

# a chip just started may miss the first SYNCs for a few seconds; the
# emulated UART paces host-to-chip bytes at the rate the ROM set (the
# peer's README, "UART pacing"), so the writes go at 2 Mbaud
FAST="--baud 2000000"
qesp() { mpf-esp --no-stub --serial "$ESPQ_PTY" --before no-reset --after no-reset --connect-attempts 30 $FAST "$@"; }

test_expect_success ESP_QEMU,JQ,NOT_VALGRIND 'ESP32: info names the chip, package D0WD-V3 and revision, and does not wait for GET_SECURITY_INFO' '
	ESP32_FLASH=$PWD/pattern.flash esp_qemu_start esp32 &&
	echo "$ESPQ_DIR" >e32.dir && echo "$ESPQ_PTY" >e32.pty &&
	qesp info -o jsonl >warm &&
	t0=$(date +%s%N) && qesp info -o jsonl >out && t1=$(date +%s%N) &&
	echo "info took $(( (t1 - t0) / 1000000 )) ms" &&
	test "$(json_field out esp.chip)" = ESP32 &&
	test "$(json_field out esp.package)" = ESP32-D0WD-V3 &&
	test "$(json_field out esp.revision)" = v3.0 &&
	test "$(json_field out esp.mac)" = 24:0a:c4:12:34:56 &&
	test "$(json_field out esp.flash_size)" = 4MB &&
	test $(( (t1 - t0) / 1000000 )) -lt 2500
'

for chip in esp32 esp32c3; do
	case $chip in esp32) b=0x1000 s=32 ;; *) b=0x0 s=c3 ;; esac
	test_expect_success ESP_QEMU,JQ "$chip: bootloader, partition table and app in one compressed write, exact, nothing around them touched" "
		ESP32_FLASH=\$PWD/pattern.flash ESP32C3_FLASH=\$PWD/pattern.flash esp_qemu_start $chip &&
		qesp write $b boot$s.bin 0x8000 part.bin 0x10000 app$s.bin -o jsonl >out &&
		test \"\$(json_field out flashed.verified)\" = true &&
		expect want.$chip $b boot$s.bin 0x8000 part.bin 0x10000 app$s.bin &&
		same \"\$ESPQ_DIR/flash.bin\" want.$chip &&
		cp out rec.$chip
	"
	test_expect_success ESP_QEMU,JQ "$chip: plain blocks (--no-compress) at an address inside a sector, exact" "
		ESP32_FLASH=\$PWD/pattern.flash ESP32C3_FLASH=\$PWD/pattern.flash esp_qemu_start $chip &&
		qesp --no-compress write 0x20800 part.bin -o jsonl >out &&
		test \"\$(json_field out flashed.verified)\" = true &&
		expect want 0x20800 part.bin &&
		same \"\$ESPQ_DIR/flash.bin\" want
	"
done

test_expect_success ESP_QEMU,JQ 'ESP32: --skip-unchanged writes nothing the second time; erase-region and read' '
	ESP32_FLASH=$PWD/pattern.flash esp_qemu_start esp32 &&
	qesp write 0x10000 app32.bin -o jsonl >out &&
	qesp --skip-unchanged write 0x10000 app32.bin -o jsonl >out 2>err &&
	test "$(json_field out flashed.verified)" = true &&
	grep "98304 of 98304 bytes unchanged" err &&
	qesp erase-region 0x30000 0x2000 -o jsonl >out &&
	qesp read 0x2f000 0x4000 back -o jsonl >out &&
	expect want 0x10000 app32.bin &&
	tr "\0" "\377" </dev/zero | head -c 8192 |
		dd of=want bs=4096 seek=48 conv=notrunc 2>/dev/null &&
	tail -c +$((0x2f000 + 1)) want | head -c 16384 | cmp - back &&
	same "$ESPQ_DIR/flash.bin" want
'

test_expect_success ESP_QEMU,JQ 'ESP32: a block with a bad checksum: reconnected, the write goes on from the last good sector' '
	ESP32_FLASH=$PWD/pattern.flash esp_qemu_start esp32 &&
	MPF_FAULT=espsum:40 qesp --baud 115200 --no-compress write 0x10000 app32.bin -o jsonl >out 2>err &&
	test "$(json_field out flashed.verified)" = true &&
	grep "reconnecting to go on at 0x19000" err &&
	expect want 0x10000 app32.bin &&
	same "$ESPQ_DIR/flash.bin" want
'

test_expect_success ESP_QEMU,JQ 'the esp-rom simulator gives the same record and the same flash as the real ESP32 ROM' '
	test -f rec.esp32 &&
	cp pattern.flash sim.flash &&
	esp_sim sim --chip esp32 &&
	mpf-esp --no-stub --serial sim.tty --before no-reset --after no-reset $FAST \
		write 0x1000 boot32.bin 0x8000 part.bin 0x10000 app32.bin -o jsonl >out &&
	jq -c "del(.serial, .flashed.seconds)" rec.esp32 >want.rec &&
	jq -c "del(.serial, .flashed.seconds)" out >got.rec &&
	test_cmp want.rec got.rec &&
	same sim.flash want.esp32 &&
	grep "inflate window over-write" sim.log &&
	esp_sim_clean sim
'

test_done
