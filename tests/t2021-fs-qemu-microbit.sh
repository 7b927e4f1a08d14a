#!/bin/sh
test_description='mpf-fs against real MicroPython 1.9.2 (QEMU micro:bit, Debian firmware): its flat file system, no hashlib (the check is Adler-32, and the records say so), plain raw mode'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"
. "$MPF_SRC/tests/fs-lib.sh"

test_have_prereq QEMU_MICROBIT || skip_all "qemu-system-arm or firmware-microbit-micropython missing"
test_have_prereq JQ || skip_all "jq missing"
command -v python3 >/dev/null || skip_all "python3 missing"

trap 'stop_microbit' EXIT
trap 'exit 1' HUP INT TERM PIPE
start_microbit || { stop_microbit; echo "Bail out! QEMU micro:bit did not start"; exit 1; }
PTY=$(cat microbit.pty)
KEY=$(echo "${PTY#/dev/}" | tr / _)

# backup_once DIR: a backup, once more when the first failed. The emulated
# micro:bit drops input bytes when the host machine is busy (its UART has no
# flow control and QEMU falls behind); mpf-fs then reports the loss and must
# claim nothing: the failed record carries an error and no backup, and its
# folder is not left behind.
backup_once() {
	fs --timeout 30 backup "$1" "$PTY" && return 0
	jq -e ".error and (.backup == null)" out >/dev/null && ! test -e "$1/$KEY" || return 1
	say "first backup failed (nothing claimed): $(jq -r .error.message out)"
	fs --timeout 30 backup "$1" "$PTY"
}

# once_more FIELD: after a failed run (in out), only when it claimed no FIELD
# and said why: the dropped-input case of backup_once, for any operation.
once_more() {
	jq -e ".error and (.$1 == null)" out >/dev/null || return 1
	say "first $1 failed (nothing claimed): $(jq -r .error.message out)"
}

mkdir -p src/files
printf 'from microbit import *\ndisplay.scroll("hi")\n' >src/files/main.py
: >src/files/empty.txt
printf "caf\303\251 \"q\" 'x' \\\\ \r\n" >"src/files/café x.py"
awk 'BEGIN { for (r = 0; r < 4; r++) for (i = 0; i < 256; i++) printf "%c", i }' >src/files/bin.dat
make_manifest src flat

test_expect_success 'restore onto the flat file system, each file checked by Adler-32 computed on the board' '
	test $(wc -c <src/files/bin.dat) = 1024 &&
	mpf-fs --yes format "$PTY" </dev/null >/dev/null &&
	{ fs --timeout 30 restore src "$PTY" ||
	  { once_more restore && fs --timeout 30 restore src "$PTY"; }; } &&
	test "$(jq -c "[.restore.files, .restore.check, .error]" out)" = "[4,\"adler32\",null]"
'

test_expect_success 'ls' '
	fs ls "$PTY" &&
	test "$(jq -c "[.fs.layout, .fs.check, .fs.files]" out)" = "[\"flat\",\"adler32\",4]" &&
	jq -r ".fs.entries[] | \"\(.path) \(.size)\"" out | LC_ALL=C sort >got &&
	(cd src/files && for f in *; do echo "$f $(wc -c <"$f")"; done) | LC_ALL=C sort >want &&
	test_cmp want got
'

test_expect_success 'backup: the same bytes; the record and the manifest claim adler32 from the board, sha256 only of the copy' '
	backup_once bk &&
	test "$(jq -c "[.backup.files, .backup.check]" out)" = "[4,\"adler32\"]" &&
	diff -r src/files bk/$KEY/files &&
	test "$(jq -r .check bk/$KEY/manifest.json)" = adler32 &&
	test "$(jq -r .layout bk/$KEY/manifest.json)" = flat &&
	# the micro:bit'"'"'s machine.unique_id(): its nRF51 FICR DEVICEID, 8 bytes
	jq -r .identity.unique_id bk/$KEY/manifest.json | grep -q "^[0-9a-f]\{16\}$"
'

test_expect_success 'a backup of a tree is refused on a flat file system, nothing written' '
	mkdir -p tree/files/flash && echo x >tree/files/flash/t.py && make_manifest tree tree &&
	test_expect_code 1 mpf-fs restore tree "$PTY" </dev/null >out &&
	grep -q "the backup is of a tree file system" out &&
	mpf-fs ls "$PTY" </dev/null >out && test "$(jq .fs.files out)" = 4
'

test_expect_success 'format --yes removes every file (a flat file system: no block device to make one afresh on)' '
	if fs --yes format "$PTY"; then
		test "$(jq -c "[.format.how, .format.fs, .format.removed]" out)" = "[\"files-deleted\",\"flat\",4]"
	else
		once_more format && fs --yes format "$PTY" &&
		test "$(jq -c "[.format.how, .format.fs]" out)" = "[\"files-deleted\",\"flat\"]"
	fi &&
	mpf-fs ls "$PTY" </dev/null >out && test "$(jq .fs.files out)" = 0
'

test_expect_success 'the backup restored gives the same files back, the board left at its friendly REPL' '
	{ fs --timeout 30 restore bk "$PTY" ||
	  { once_more restore && fs --timeout 30 restore bk "$PTY"; }; } &&
	test "$(jq -c "[.restore.files, .restore.identity.checked, .restore.identity.same]" out)" = \
		"[4,\"unique_id\",true]" &&
	backup_once bk2 &&
	diff -r src/files bk2/$KEY/files &&
	mpf-info "$PTY" </dev/null >out && test "$(json_field out version)" = 1.9.2
'

stop_microbit
test_done
