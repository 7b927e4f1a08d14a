#!/bin/sh
test_description='a port that cannot be the board'"'"'s fails at once, with the right error

mpf-bootloader once waited its whole --timeout for a device (and could
adopt another board'"'"'s drive) when given a port that was not there, a
file or a directory; a port it may not open was reported as a timeout.'
. "${MPF_SRC:-.}/tests/lib.sh"

mkdir dir && echo text >file
# as root, a user without permissions to run as (the trash directory and
# the binary reachable by it)
test_lazy_prereq SETPRIV 'test "$(id -u)" = 0 && mknod p c 5 0 && rm p &&
	setpriv --reuid=65534 --regid=65534 --clear-groups mpf-bootloader --help'

# fails_fast CODE MESSAGE PORT [ARGS]: an error record with CODE and MESSAGE
# within 5 s (the timeout given is 60 s), exit 1
fails_fast() {
	_code=$1 _msg=$2 _port=$3
	shift 3
	test_expect_code 1 timeout 5 mpf-bootloader --timeout 60 -o jsonl "$@" "$_port" >out 2>err &&
	grep -q "\"code\":\"$_code\"" out &&
	grep -q "$_msg" out || { cat out err; return 1; }
}

test_expect_success 'no such port, a file, a directory: at once' '
	fails_fast no-device "no such port" /dev/ttyNOPE &&
	fails_fast argument "not a serial port" file &&
	fails_fast argument "not a serial port" dir &&
	fails_fast argument "not a serial port" dir --using touch1200
'

test_expect_success 'a record whose port is a file fails at once' '
	echo "{\"kind\":\"serial\",\"serial\":\"file\",\"port\":\"rp2\"}" |
		test_expect_code 1 timeout 5 mpf-bootloader --timeout 60 --using touch1200 -o jsonl >out &&
	grep -q "\"code\":\"argument\".*not a serial port" out
'

test_expect_success SETPRIV 'permission denied is a permission error, not a timeout' '
	mknod ctty c 5 0 && chmod 600 ctty && chmod 755 . &&
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		timeout 5 mpf-bootloader --timeout 60 -o jsonl "$PWD/ctty" >out;
	test $? = 1 &&
	grep -q "\"code\":\"permission\".*permission denied" out
'

test_expect_success 'mpf-scan warns about a named port that is not there' '
	mpf-scan --kind serial --serial /dev/ttyNOPE --serial "/dev/ttyNOPE*" -o jsonl >out 2>err &&
	grep -q "warning:.*/dev/ttyNOPE.*no such port" err &&
	test $(grep -c warning err) = 1 &&
	mpf-scan --kind serial --serial file -o jsonl >out 2>err &&
	grep -q "warning:.*not a serial port" err
'

test_done
