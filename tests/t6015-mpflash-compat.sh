#!/bin/sh
test_description='what mpflash'"'"'s own tests expect: board ids in any case, named ports beat --ignore, ports with no USB identity hidden on Linux

mpflash (Josverl/mpflash) tests/test_filtered_comports.py: a port included by
name is listed whatever the ignore globs say ("include-over"); on Linux a port with
no USB location is left out (test_skip_bogus_comports_linux). Its board ids
are matched whatever their case.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/lib-mirror.sh"

start_mirror || exit 1

# A port the system enumerates that has no USB identity (a PC's ttyS UART).
test_lazy_prereq NONUSB_PORT '
	mpf-scan --all -k serial -o jsonl | jq -e "select(.vid == null)" >/dev/null
'

test_expect_success SOCAT 'setup: a pty pair' '
	socat -d -d pty,raw,echo=0,link=$TRASH/ttyA pty,raw,echo=0,link=$TRASH/ttyB 2>socat.log &
	echo $! >socat.pid &&
	wait_for 5 test -e "$TRASH/ttyA" -a -e "$TRASH/ttyB"
'

test_expect_success SOCAT,JQ 'a port named with --serial is listed even when --ignore or MPF_IGNORE matches it' '
	mpf-scan -k serial --serial "$TRASH/ttyA" --ignore "$TRASH/ttyA" -o jsonl >out &&
	test "$(jq -r .serial out)" = "$TRASH/ttyA" &&
	mpf-scan -k serial --serial "$TRASH/ttyA" --ignore "*" -o jsonl >out &&
	test "$(jq -r .serial out)" = "$TRASH/ttyA" &&
	MPF_IGNORE="ttyA" mpf-scan -k serial --serial "$TRASH/ttyA" -o jsonl >out &&
	test "$(jq -r .serial out)" = "$TRASH/ttyA" &&
	mpf-scan -k serial --serial "$TRASH/ttyA" --serial "$TRASH/tty?" --ignore "$TRASH/tty*" -o jsonl >out &&
	test "$(jq -r .serial out)" = "$TRASH/ttyA"
'

test_expect_success NONUSB_PORT,JQ 'ports with no USB identity: hidden by default, shown with --all or when named' '
	port=$(mpf-scan --all -k serial -o jsonl | jq -r "select(.vid == null) | .serial" | head -n 1) &&
	mpf-scan -k serial -o jsonl >out &&
	! jq -r .serial out | grep -qx "$port" &&
	mpf-scan --all -k serial -o jsonl >out &&
	jq -r .serial out | grep -qx "$port" &&
	mpf-scan -k serial --serial "$port" -o jsonl >out &&
	jq -r .serial out | grep -qx "$port" &&
	mpf-scan --all -k serial --ignore "$port" -o jsonl >out &&
	! jq -r .serial out | grep -qx "$port" &&
	MPF_IGNORE="other ${port##*/}" mpf-scan --all -k serial -o jsonl >out &&
	! jq -r .serial out | grep -qx "$port"
'

test_expect_success CURL 'setup: the catalogue' '
	mpf-fetch --update 2>err
'

test_expect_success CURL,JQ 'mpf-pick: board ids in any case, former names too' '
	for b in RPI_PICO_W rpi_pico_w Rpi_Pico_W pico_w PICO_W; do
		mpf-pick --board $b >out &&
		test "$(json_field out firmware.board_id)" = RPI_PICO_W &&
		test "$(json_field out firmware.version)" = 1.25.0 || { echo "board $b"; return 1; }
	done &&
	mpf-pick --board esp32_generic --variant spiram >out &&
	test "$(json_field out firmware.board_id)" = ESP32_GENERIC &&
	test "$(json_field out firmware.variant)" = SPIRAM
'

test_expect_success CURL,JQ 'mpf-fetch --list and --update --board: any case' '
	mpf-fetch --list --board RPI_PICO_W -o jsonl >upper &&
	test -s upper &&
	mpf-fetch --list --board rpi_pico_w -o jsonl >lower &&
	test_cmp upper lower &&
	mpf-fetch --update --board rpi_pico_w 2>err &&
	mpf-fetch --list --board Rpi_Pico_W -o jsonl >again &&
	test_cmp upper again
'

test_expect_success SOCAT 'cleanup' '
	kill $(cat socat.pid)
'

test_done
