#!/bin/sh
test_description='mpf-scan: serial ports named explicitly, globs, ignore lists, kinds'
. "${MPF_SRC:-.}/tests/lib.sh"


# A socat pty pair stands for a USB CDC port that no enumeration lists
# (a pty, or a link in /dev/serial/by-id): real ttys, opened by nobody.
start_ptys() {
	socat -d -d pty,raw,echo=0,link=$TRASH/ttyA pty,raw,echo=0,link=$TRASH/ttyB 2>socat.log &
	echo $! >socat.pid
	wait_for 5 test -e "$TRASH/ttyA" -a -e "$TRASH/ttyB"
}

test_expect_success SOCAT 'setup: a pty pair' '
	start_ptys
'

test_expect_success SOCAT 'a pty given with --serial shows up as a serial record' '
	mpf-scan -k serial --serial "$TRASH/ttyA" -o jsonl >out &&
	test $(wc -l <out) -eq 1 &&
	test "$(json_field out kind)" = serial &&
	test "$(json_field out serial)" = "$TRASH/ttyA"
'

test_expect_success SOCAT 'the real device path works too, and operands act like --serial' '
	dev=$(readlink -f "$TRASH/ttyA") &&
	mpf-scan -k serial "$dev" -o jsonl >out &&
	test "$(json_field out serial)" = "$dev"
'

test_expect_success SOCAT 'a glob names several ports, sorted' '
	mpf-scan -k serial --serial "$TRASH/tty?" -o jsonl >out &&
	jq -r .serial out >names &&
	printf "%s\n" "$TRASH/ttyA" "$TRASH/ttyB" >expect &&
	test_cmp expect names
'

test_expect_success SOCAT '--ignore and MPF_IGNORE leave ports out (path or base name)' '
	mpf-scan -k serial --serial "$TRASH/tty?" --ignore "$TRASH/ttyA" -o jsonl >out &&
	test "$(jq -r .serial out)" = "$TRASH/ttyB" &&
	MPF_IGNORE="ttyB other" mpf-scan -k serial --serial "$TRASH/tty?" -o jsonl >out &&
	test "$(jq -r .serial out)" = "$TRASH/ttyA" &&
	MPF_IGNORE="ttyB" mpf-scan -k serial --serial "$TRASH/tty?" --ignore "*A" -o jsonl >out &&
	test ! -s out
'

test_expect_success 'a missing port is not listed' '
	mpf-scan -k serial --serial /dev/no-such-tty -o jsonl >out &&
	test ! -s out
'

test_expect_success SOCAT '--kind restricts the search' '
	mpf-scan --serial "$TRASH/ttyA" --kind uf2,dfu,probe -o jsonl >out &&
	! grep -q "\"serial\"" out
'

test_expect_success SOCAT 'table output on request has a header and one row per port' '
	mpf-scan --serial "$TRASH/tty?" -o table >out &&
	head -n 1 out | grep -q "^Kind  *Port" &&
	grep -q "^serial  *$TRASH/ttyB" out
'

test_expect_success 'no USB bus is not an error' '
	mpf-scan -o jsonl >out 2>err &&
	! grep -qi "error" err
'

test_expect_success SOCAT 'cleanup' '
	kill $(cat socat.pid)
'

test_done
