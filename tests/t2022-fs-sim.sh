#!/bin/sh
test_description='mpf-fs against the REPL simulator'"'"'s file system (--fs): boards in parallel, records in and out, refusals before a board is touched'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"
. "$MPF_SRC/tests/fs-lib.sh"

test_have_prereq JQ || skip_all "jq missing"

# two boards with different files: fs0, fs1
mkdir -p fs0/flash/lib fs1/flash
printf 'print(0)\n' >fs0/flash/main.py
head -c 30000 /dev/urandom >"fs0/flash/lib/a b é.bin"
printf 'print(1)\n' >fs1/flash/main.py
: >fs1/flash/empty
cp -r fs0 orig0 && cp -r fs1 orig1

records() {
	printf '{"kind":"serial","serial":"%s","n":0}\n{"kind":"dfu","usb_serial":"X"}\n{"kind":"serial","serial":"%s","n":1}\n' \
		"$(pty_of s 1)" "$(pty_of s 2)"
}

test_expect_success 'records in, records out: two boards backed up at once, each into its own folder' '
	start_sim s --count 2 --fs "$PWD/fs" &&
	records | mpf-fs --keep-order backup bk >out &&
	cat out &&
	test "$(jq -c "[.n, .backup.files, .backup.check]" out | tr -d "\n")" = \
		"[0,2,\"sha256\"][null,null,null][1,2,\"sha256\"]" &&
	d0=$(json_field out backup.dir 1) && d1=$(json_field out backup.dir 3) &&
	test "$d0" != "$d1" &&
	diff -r orig0 "$d0/files" && diff -r orig1 "$d1/files" &&
	stop_sim s
'

test_expect_success 'format empties both; restore over the backup records puts each board'"'"'s files back' '
	start_sim s --count 2 --fs "$PWD/fs" &&
	records | mpf-fs --keep-order --yes format >fmt &&
	test "$(jq -c "[.format.how, .format.removed]" fmt | tr -d "\n")" = "[\"mkfs\",4][null,null][\"mkfs\",3]" &&
	test -z "$(find fs0 fs1 -type f)" &&
	# the backup records of the first pair of boards, on the ports the
	# boards have now (a pty of the first pair may be another'"'"'s by now)
	records | jq -c --slurpfile old out ". as \$r | if \$r.n == null then \$r else
		\$r + {backup: ([\$old[] | select(.n == \$r.n)][0].backup | del(.files))} end" |
		mpf-fs --keep-order restore bk >res &&
	cat res &&
	test "$(jq -c .restore.files res | tr -d "\n")" = "2null2" &&
	diff -r orig0 fs0 && diff -r orig1 fs1 &&
	stop_sim s
'

test_expect_success 'restore over records passes on those with no backup, untouched' '
	start_sim s --count 2 --fs "$PWD/fs" &&
	records | mpf-fs restore nothing-here >out &&
	test "$(jq -c "[.restore, .error]" out | tr -d "\n")" = "[null,null][null,null][null,null]" &&
	stop_sim s
'

test_expect_success 'format without --yes, and bad operands, are usage errors before anything is opened' '
	test_expect_code 2 mpf-fs format /dev/null/none 2>err &&
	grep -q -- "--yes" err &&
	test_expect_code 2 mpf-fs backup 2>err &&
	test_expect_code 2 mpf-fs copy x 2>err &&
	test_expect_code 2 mpf-fs 2>err
'

test_expect_success 'an existing backup is never replaced, and the port is not opened' '
	mkdir -p keep/none && echo mine >keep/none/x &&
	test_expect_code 1 mpf-fs backup keep /dev/none </dev/null >out &&
	grep -q "keep/none. exists" out && test "$(cat keep/none/x)" = mine
'

test_expect_success 'a damaged backup, or one naming a path out of its folder, writes nothing' '
	cp -r bk dmg && d=$(ls dmg | head -1) &&
	printf x >>"dmg/$d/files/flash/main.py" &&
	test_expect_code 1 mpf-fs restore "dmg/$d" /dev/none </dev/null >out &&
	grep -q "main.py. differs from its manifest" out &&
	mkdir -p evil/files/flash && echo x >evil/files/flash/a && make_manifest evil tree &&
	sed -i "s|/flash/a|/flash/../../a|" evil/manifest.json &&
	test_expect_code 1 mpf-fs restore evil /dev/none </dev/null >out &&
	grep -q "usable path\|refusing the file name" out
'

test_expect_success 'a board that goes away mid-backup: an error, nothing claimed, nothing left' '
	start_sim s --fs "$PWD/fs" --vanish &&
	test_expect_code 1 mpf-fs backup gone "$(pty_of s)" </dev/null >out &&
	test "$(jq -c "[.backup, .error.applet]" out)" = "[null,\"mpf-fs\"]" &&
	test -z "$(ls -A gone)"
'

test_done
