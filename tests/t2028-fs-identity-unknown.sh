#!/bin/sh
test_description='mpf-fs restore where no identity can be compared (a backup from before identities were recorded, boards without unique_id or USB serial number): a backup found for the board goes on with a warning; DIR itself given to several boards is refused unless --any-board'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"
. "$MPF_SRC/tests/fs-lib.sh"

test_have_prereq JQ || skip_all "jq missing"

# a backup as it was written before identities were recorded
mkdir -p old/files/flash && printf 'print("old")\n' >old/files/flash/main.py && make_manifest old tree

boards() {
	rm -rf fs0 fs1 && mkdir -p fs0/flash fs1/flash &&
	printf 'print("A")\n' >fs0/flash/main.py && printf 'print("B")\n' >fs1/flash/main.py &&
	rm -rf orig0 orig1 && cp -r fs0 orig0 && cp -r fs1 orig1 &&
	start_sim s --count 2 --fs "$PWD/fs" "$@"
}
records() { printf '{"kind":"serial","serial":"%s"}\n' "$(pty_of s 1)" "$(pty_of s 2)"; }

test_expect_success 'DIR itself to two boards, nothing to compare: both refused, nothing written, ports named or records' '
	boards &&
	test_expect_code 1 mpf-fs restore old "$(pty_of s 1)" "$(pty_of s 2)" </dev/null >out &&
	cat out &&
	test "$(jq -r .error.code out)" = "$(printf "argument\nargument")" &&
	grep -q -- "--any-board" out &&
	records | test_expect_code 1 mpf-fs restore old >out &&
	test "$(jq -r .error.code out)" = "$(printf "argument\nargument")" &&
	diff -r orig0 fs0 && diff -r orig1 fs1 &&
	stop_sim s
'

test_expect_success '--any-board: DIR itself onto both' '
	boards &&
	records | mpf-fs --any-board restore old >out 2>err &&
	test "$(jq -c "[.restore.files, .restore.identity.checked]" out | tr -d "\n")" = \
		"[1,\"none\"][1,\"none\"]" &&
	diff old/files/flash/main.py fs0/flash/main.py && diff old/files/flash/main.py fs1/flash/main.py &&
	stop_sim s
'

test_expect_success 'DIR itself to one board (named, or the one record): written, with a warning that its identity could not be checked' '
	boards &&
	mpf-fs restore old "$(pty_of s 2)" </dev/null >out 2>err &&
	cat err &&
	grep -q "could not check that this is the board backed up in .old." err &&
	test "$(jq -c .restore.identity out)" = "{\"checked\":\"none\"}" &&
	diff old/files/flash/main.py fs1/flash/main.py &&
	printf "{\"kind\":\"serial\",\"serial\":\"%s\"}\n" "$(pty_of s 1)" |
		mpf-fs restore old >out 2>err &&
	grep -q "could not check" err &&
	diff old/files/flash/main.py fs0/flash/main.py &&
	stop_sim s
'

test_expect_success 'an old backup at DIR/KEY for a board with a unique_id: written, with the warning' '
	boards --unique-id 0011223344556677 &&
	k=$(pty_of s 1 | sed "s|^/dev/||; s|/|_|g") &&
	mkdir -p bk && cp -r old "bk/$k" &&
	records | mpf-fs --keep-order restore bk >out 2>err &&
	cat out err &&
	grep -q "could not check" err &&
	test "$(jq -c "[.restore.identity.checked, .restore.files]" out | head -1)" = "[\"none\",1]" &&
	diff old/files/flash/main.py fs0/flash/main.py && diff -r orig1 fs1 &&
	stop_sim s
'

test_expect_success 'DIR itself to two boards that have unique_ids: the one backed up gets it, the other is refused' '
	boards --unique-id 0011223344556677,8899aabbccddeeff &&
	fs backup bk2 "$(pty_of s 1)" && d=$(json_field out backup.dir) &&
	rm fs0/flash/main.py &&
	records | test_expect_code 1 mpf-fs --keep-order restore "$d" >out &&
	test "$(jq -c "[.restore.identity.checked, .error.code]" out | tr -d "\n")" = \
		"[\"unique_id\",null][null,\"mismatch\"]" &&
	diff -r orig0 fs0 && diff -r orig1 fs1 &&
	stop_sim s
'

test_done
