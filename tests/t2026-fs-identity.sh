#!/bin/sh
test_description='mpf-fs restore writes a backup only onto the board it came from: the manifest records the board'"'"'s machine.unique_id(), and a board that differs is refused before anything is written, unless --any-board'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"
. "$MPF_SRC/tests/fs-lib.sh"

test_have_prereq JQ || skip_all "jq missing"

UID_A=e6614c311b3c8a2b
UID_B=e6614c311b3c1234
# two boards, A (fs0) and B (fs1), with different files
boards() {
	rm -rf fs0 fs1 && mkdir -p fs0/flash/lib fs1/flash &&
	printf 'print("A")\n' >fs0/flash/main.py && printf 'X=1\n' >fs0/flash/lib/x.py &&
	printf 'print("B")\n' >fs1/flash/main.py && printf 'B=1\n' >fs1/flash/b.cfg &&
	rm -rf orig0 orig1 && cp -r fs0 orig0 && cp -r fs1 orig1 &&
	start_sim s --count 2 --fs "$PWD/fs" --unique-id "$UID_A,$UID_B"
}
key() { pty_of s "$1" | sed 's|^/dev/||; s|/|_|g'; }
records() { printf '{"kind":"serial","serial":"%s"}\n' "$(pty_of s 1)" "$(pty_of s 2)"; }

test_expect_success 'the backup'"'"'s manifest records the board'"'"'s unique_id, what mpf-info said of it, and the time' '
	boards &&
	mpf-info "$(pty_of s 1)" | mpf-fs backup bk >out &&
	json_field out backup.dir >bkA &&
	m=$(cat bkA)/manifest.json &&
	test "$(jq -c "[.identity.unique_id, .identity.port, .identity.version, .identity.board_id]" $m)" = \
		"[\"$UID_A\",\"rp2\",\"1.24.1\",\"RPI_PICO_W\"]" &&
	jq -r .time $m | grep -q "^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-9:]*Z$" &&
	stop_sim s
'

test_expect_success 'A'"'"'s backup onto B is refused, naming both unique_ids and --any-board; B is untouched' '
	boards &&
	test_expect_code 1 mpf-fs restore "$(cat bkA)" "$(pty_of s 2)" </dev/null >out &&
	cat out &&
	test "$(json_field out error.code)" = mismatch &&
	json_field out error.message | grep "unique_id is $UID_B, the backup.s is $UID_A" |
		grep -q -- --any-board &&
	test -z "$(json_field out restore)" &&
	diff -r orig1 fs1 &&
	stop_sim s
'

test_expect_success 'A'"'"'s backup onto A: written, and the record says the unique_id was checked' '
	boards && rm -rf fs0/flash/* &&
	fs restore "$(cat bkA)" "$(pty_of s 1)" &&
	test "$(jq -c ".restore.identity" out)" = \
		"{\"checked\":\"unique_id\",\"board\":\"$UID_A\",\"backup\":\"$UID_A\",\"same\":true}" &&
	diff -r orig0 fs0 &&
	stop_sim s
'

test_expect_success '--any-board writes A'"'"'s backup onto B, and says whose it was' '
	boards &&
	mpf-fs --any-board restore "$(cat bkA)" "$(pty_of s 2)" </dev/null >out 2>err &&
	cat out err &&
	test "$(jq -c "[.restore.files, .restore.identity.checked, .restore.identity.same]" out)" = \
		"[2,\"unique_id\",false]" &&
	grep -q "another board" err &&
	diff -r orig0/flash/lib fs1/flash/lib && diff orig0/flash/main.py fs1/flash/main.py &&
	stop_sim s
'

test_expect_success 'boards whose ports were swapped (keys from port names): each gets its own backup, found by its unique_id' '
	boards &&
	rm -rf bk2 && records | mpf-fs backup bk2 >out &&
	test "$(jq -r .backup.dir out | wc -l)" = 2 &&
	mv "bk2/$(key 1)" bk2/tmp && mv "bk2/$(key 2)" "bk2/$(key 1)" && mv bk2/tmp "bk2/$(key 2)" &&
	rm -rf fs0/flash/* fs1/flash/* &&
	records | mpf-fs --keep-order restore bk2 >out &&
	cat out &&
	test "$(jq -r "[.restore.dir, .restore.identity.same] | @tsv" out)" = \
		"$(printf "bk2/$(key 2)\ttrue\nbk2/$(key 1)\ttrue")" &&
	diff -r orig0 fs0 && diff -r orig1 fs1 &&
	stop_sim s
'

test_expect_success 'a port'"'"'s key holding another board'"'"'s backup, and none of its own: refused, nothing written' '
	boards &&
	rm -rf bk3 && records | mpf-fs backup bk3 >out &&
	rm -rf "bk3/$(key 2)" && mv "bk3/$(key 1)" "bk3/$(key 2)" &&
	rm -rf fs1/flash/* && mkdir -p e1 &&
	records | test_expect_code 1 mpf-fs --keep-order restore bk3 >out &&
	cat out &&
	test "$(jq -c "[.restore, .error.code]" out | tr -d "\n")" = "[null,null][null,\"mismatch\"]" &&
	diff -r orig0 fs0 && diff -r e1 fs1/flash &&
	stop_sim s
'

test_expect_success 'a port named without a backup under its name: the board'"'"'s own, by its unique_id; none: an error' '
	boards &&
	rm -rf bk5 && mpf-fs backup bk5 "$(pty_of s 1)" </dev/null >out &&
	mv "bk5/$(key 1)" bk5/moved && rm -rf fs0/flash/* && mkdir -p e1 && rm -rf fs1/flash/* &&
	fs restore bk5 "$(pty_of s 1)" &&
	test "$(jq -c "[.restore.dir, .restore.identity.same]" out)" = "[\"bk5/moved\",true]" &&
	diff -r orig0 fs0 &&
	test_expect_code 1 mpf-fs restore bk5 "$(pty_of s 2)" </dev/null >out &&
	json_field out error.message | grep -q "no backup for this board in .bk5. (.*unique_id $UID_B)" &&
	diff -r e1 fs1/flash &&
	stop_sim s
'

test_expect_success 'two backups of the board in DIR: which is meant is unknown, so neither is written' '
	boards &&
	rm -rf bk4 && records | mpf-fs backup bk4 >out &&
	mv "bk4/$(key 1)" bk4/tmp && mv "bk4/$(key 2)" "bk4/$(key 1)" && mv bk4/tmp "bk4/$(key 2)" &&
	cp -r "bk4/$(key 2)" bk4/copy && rm -rf fs0/flash/* && mkdir -p e0 &&
	printf "{\"kind\":\"serial\",\"serial\":\"%s\"}\n" "$(pty_of s 1)" |
		test_expect_code 1 mpf-fs restore bk4 >out 2>err &&
	cat out err &&
	grep -q "holds 2 backups of the board $UID_A" err &&
	test "$(json_field out error.code)" = mismatch &&
	diff -r e0 fs0/flash &&
	stop_sim s
'

test_done
