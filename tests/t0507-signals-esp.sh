#!/bin/sh
test_description='SIGINT and SIGTERM in the middle of an ESP flash

Stands for Ctrl-C while an ESP32-S3 is written through its ROM loader at
real UART and flash speed (the simulator paced at the baud rate, with
erase and program times): mpf must stop between blocks, report the run
interrupted with nothing claimed as flashed, close the port and exit 130
or 143; the next write to the same chip, still in its loader, succeeds
with no protocol violation.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

test_expect_success 'setup: an ESP32-S3 at real speed' '
	esp_mkimage --chip esp32s3 --size 400000 --random 1000 >big.bin &&
	esp_mkimage --chip esp32s3 --size 20000 >small.bin &&
	esp_sim_start s --chip esp32s3 --pace --flash-timing
'

for s in INT:130 TERM:143; do
	sig=${s%:*} code=${s#*:}
	test_expect_success JQ "SIG$sig mid-write: exit $code, interrupted, the next write works" "
		: >s.log &&
		{ mpf-esp --serial s.tty write 0 big.bin -o jsonl >out 2>err & } && pid=\$! &&
		wait_for 60 grep -q 'FLASH_DEFL_DATA seq=2 ' s.log &&
		kill -$sig \$pid && rc=0 && { wait \$pid || rc=\$?; } &&
		{ test \$rc = $code || { echo \"exit \$rc\"; cat err; false; }; } &&
		test \"\$(json_field out error.code)\" = interrupted &&
		test \"\$(jq -r .flashed.ok out)\" != true &&
		test \"\$(jq -r .flashed.verified out)\" != true &&
		mpf-esp --serial s.tty write 0 small.bin -o jsonl >out &&
		test \"\$(jq -r .flashed.verified out)\" = true &&
		flash_at s 0 $(wc -c <small.bin) | cmp - small.bin &&
		esp_sim_clean s
	"
done

test_expect_success 'stop the simulator' 'esp_sim_stop s'

test_done
