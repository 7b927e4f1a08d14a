#!/bin/sh
test_description='fault walk and signals: a UF2 copy with its Nth write to the drive failing, and Ctrl-C mid-copy

Stands for a bootloader drive that returns EIO part way (a flaky hub, a
cable) at every write of a copy to the RP2040 boot ROM drive (FUSE
simulator), and for SIGINT/SIGTERM while the copy runs at the ROM real
speed. Each run must end with the drive rebooted into the new image
(flashed.ok true, the image assembled from the blocks equal to the
firmware) or an error record, exit 1 or 130/143 and flashed.ok not true,
with the drive still there for the next attempt, which then works.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/lib-faultwalk.sh"

sim=$(mpf_sim uf2drive-sim)

start_drive() {
	_d=$1 && shift && rm -f "$_d.log" && mkdir -p "$_d" &&
	{ "$sim" --log "$_d.log" "$@" "$PWD/$_d" & } && echo $! >"$_d.pid" &&
	wait_for 10 test -f "$_d/INFO_UF2.TXT"
}
stop_drive() {
	umount -l "$1" 2>/dev/null || fusermount3 -u -z "$1" 2>/dev/null
	kill "$(cat "$1.pid")" 2>/dev/null
	wait_for 10 esp_gone "$(cat "$1.pid")"
	return 0
}
esp_gone() { ! test -d "/proc/$1" || grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat"; }

# --timeout 3: an error on the last block may be the reset (adafruit/tinyuf2#88),
# so mpf-uf2 waits for the drive to go; here it never does.
walk_run() {
	rm -f img && start_drive d --flash img || return 99
	rc=0 && mpf-uf2 --timeout 3 --drive d fw.uf2 -o jsonl || rc=$?
	stop_drive d
	return $rc
}
walk_ok() {
	test "$(json_field out flashed.ok)" = true && cmp -n $(wc -c <fw.bin) img fw.bin
}
walk_failed() { ! test -e img; }

test_expect_success FUSE,JQ 'setup: a 40 KB RP2040 image' '
	{ printf "MicroPython v1.24.1 on 2024-11-29; Raspberry Pi Pico with RP2040\0"
	  head -c 40000 /dev/urandom; } >fw.bin &&
	mpf-uf2 convert --family RP2040 fw.bin fw.uf2
'

test_expect_success FUSE,JQ 'every failing write to the drive ends in an honest record; then it works' '
	fault_walk fwrite 4
'

for s in INT:130 TERM:143; do
	sig=${s%:*} code=${s#*:}
	test_expect_success FUSE,JQ "SIG$sig mid-copy: exit $code, interrupted, the drive stays, the next copy works" "
		test_when_finished 'stop_drive d' &&
		rm -f img && start_drive d --flash img --block-us 4000 &&
		{ mpf-uf2 --drive d fw.uf2 -o jsonl >out 2>err & } && pid=\$! &&
		wait_for 30 grep -q '^block' d.log &&
		kill -$sig \$pid && rc=0 && { wait \$pid || rc=\$?; } &&
		{ test \$rc = $code || { echo \"exit \$rc\"; cat err; false; }; } &&
		test \"\$(json_field out error.code)\" = interrupted &&
		test \"\$(jq -r .flashed.ok out)\" != true &&
		test -f d/INFO_UF2.TXT && ! test -e img &&
		mpf-uf2 --drive d fw.uf2 -o jsonl >out &&
		test \"\$(json_field out flashed.ok)\" = true &&
		cmp -n \$(wc -c <fw.bin) img fw.bin
	"
done

test_done
