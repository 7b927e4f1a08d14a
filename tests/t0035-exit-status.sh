#!/bin/sh
test_description='every applet'"'"'s error paths exit as the table in mpf(7) says

One row per error path: the exit status, the error code of the record on
stdout ("-" when the applet fails before any record), the records on
stdin ("-" for none), then the command. The statuses are checked against
the EXIT STATUS list of mpf(7) as well, so a row cannot expect a status
the manual does not document.'
. "${MPF_SRC:-.}/tests/lib.sh"

sed -n '/^\.SH EXIT STATUS/,/^\.SH /s/^\.B \([0-9]*\)$/\1/p' "$MPF_SRC/man/mpf.7" >documented
head -c 4096 /dev/urandom >fw.bin
mpf-uf2 convert --family RP2040 fw.bin fw.uf2 >/dev/null 2>&1
echo text >file
mkdir dir
echo '{"kind":"serial","serial":"/dev/ttyNOPE"}' >plain
for m in uf2 dfu esp swd; do
	echo "{\"kind\":\"serial\",\"serial\":\"/dev/ttyNOPE\",\"method\":\"$m\"}" >"no-fw-$m"
done
echo '{"kind":"serial","serial":"/dev/ttyNOPE","target":{"kind":"uf2","path":"/nonexistent"}}' >no-fw-target

while read -r status code input cmd; do
	case $status in '#'*|'') continue ;; esac
	test_expect_success "$status $code: $cmd" "
		grep -qx $status documented &&
		if test $input = -; then in=/dev/null; else in=$input; fi &&
		test_expect_code $status timeout 20 $cmd <\$in >out 2>err &&
		if test $code = -; then
			! grep -q '\"error\"' out
		else
			grep -q '\"code\":\"$code\"' out
		fi
	"
done <<'EOF2'
# usage errors, before anything is opened
2	-	-	mpf-swd erase --all --address 0x1000
2	-	-	mpf-scan --kind nope
2	-	-	mpf-esp --baud 12 info
2	-	-	mpf-pick --version newest --board RPI_PICO
2	-	-	mpf-bootloader --using nope /dev/ttyNOPE
2	-	-	mpf-dfu --device nope:nope write fw.bin
# an input file that is not there, or a directory: 66 in every applet
66	-	-	mpf-uf2 --drive . nope.uf2
66	-	-	mpf-uf2 nope.uf2
66	-	-	mpf-uf2 convert --family RP2040 nope.bin out.uf2
66	-	-	mpf-dfu write nope.dfu
66	-	-	mpf-esp -s /dev/ttyNOPE write 0x1000 nope.bin
66	-	-	mpf-swd write nope.bin
66	-	-	mpf-swd write dir
66	-	-	mpf-fetch --add nope.uf2 --board RPI_PICO --version 1.24.1
66	-	-	mpf-scan --ports-from nope
# a port that is not there or is no port: an error record, exit 1
1	no-device	-	mpf-bootloader /dev/ttyNOPE
1	no-device	-	mpf-info /dev/ttyNOPE
1	no-device	-	mpf-esp -s /dev/ttyNOPE info
1	argument	-	mpf-bootloader file
1	argument	-	mpf-info file
1	argument	-	mpf-esp -s file info
# a record that reaches its flasher without firmware
1	argument	no-fw-uf2	mpf-uf2 -o jsonl
1	argument	no-fw-dfu	mpf-dfu -o jsonl
1	argument	no-fw-esp	mpf-esp -o jsonl
1	argument	no-fw-swd	mpf-swd -o jsonl
1	argument	no-fw-target	mpf-uf2 -o jsonl
1	argument	plain	mpf-uf2 -o jsonl fw.uf2
EOF2

test_expect_success PYTHON 'a locked catalogue: said on stderr, 75 when the lock outlasts the wait' '
	mpf-fetch --list -o jsonl >/dev/null &&
	db=$(find "$MPF_HOME" -name "*.db" | head -1) && test -n "$db" &&
	{ python3 -c "import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute(\"BEGIN EXCLUSIVE\")
open(\"locked\", \"w\").close()
time.sleep(10)" "$db" & } &&
	wait_for 10 test -f locked &&
	test_expect_code 75 env MPF_DB_WAIT=1 mpf-fetch --add fw.uf2 --board RPI_PICO --version 1.24.1 >out 2>err &&
	grep -q "locked by another mpf: waiting up to 1 s" err &&
	grep -q "75" documented
'

test_done
