#!/bin/sh
test_description='mpf-fs against real modern MicroPython (QEMU mps2-an385 with littlefs on a RAM disk): binary, empty, nested, spaced and non-ASCII names, a file larger than the board'"'"'s RAM, format, and a reset mid-backup that claims nothing'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"
. "$MPF_SRC/tests/fs-lib.sh"

mps2_lfs_for_test
KEY=$(echo "${PTY#/dev/}" | tr / _)

# The files a user keeps on a board: the heap is 140 KiB (the port's
# MICROPY_HEAP_SIZE), big.bin is larger.
mkdir -p src/files/flash/lib/pkg/deep
printf 'print("hello")\n' >src/files/flash/main.py
: >src/files/flash/empty.bin
printf 'X = 1\r\n\004\003\001' >src/files/flash/lib/pkg/deep/mod.py
printf "it's \"quoted\" \\\\ \n" >"src/files/flash/my file é€.txt"
awk 'BEGIN { for (r = 0; r < 3; r++) for (i = 0; i < 256; i++) printf "%c", i }' \
	LC_ALL=C >src/files/flash/bin.dat
head -c 163840 /dev/urandom >src/files/flash/big.bin
make_manifest src tree

test_expect_success 'restore: every file written, then read back and checked by the board (sha256)' '
	test $(wc -c <src/files/flash/bin.dat) = 768 &&
	fs --timeout 60 restore src "$PTY" &&
	test "$(jq -c "[.restore.files, .restore.bytes, .restore.check, .error]" out)" = \
		"[6,$(cat src/files/flash/* src/files/flash/lib/pkg/deep/* | wc -c),\"sha256\",null]"
'

test_expect_success 'ls: every file and directory, names with spaces and non-ASCII' '
	fs ls "$PTY" &&
	jq -r ".fs.entries[] | \"\(.path) \(.size // \"dir\")\"" out >got &&
	cat >want <<-\EOT &&
	/flash dir
	/flash/big.bin 163840
	/flash/bin.dat 768
	/flash/empty.bin 0
	/flash/lib dir
	/flash/lib/pkg dir
	/flash/lib/pkg/deep dir
	/flash/lib/pkg/deep/mod.py 10
	/flash/main.py 15
	/flash/my file é€.txt 17
	EOT
	test_cmp want got
'

test_expect_success 'the simulator'"'"'s file system (mpy-repl --fs) lists the same files as the board' '
	fs ls "$PTY" && mv out real &&
	start_sim s --board mps2-1.29.0-preview --fs "$PWD/src/files" &&
	fs ls "$(pty_of s)" && mv out sim &&
	stop_sim s &&
	test "$(jq -c .fs real)" = "$(jq -c .fs sim)"
'

test_expect_success 'backup: the same bytes on disk, each checked against the board'"'"'s sha256, a manifest' '
	fs --timeout 30 backup bk "$PTY" &&
	test "$(jq -c "[.backup.dir, .backup.files, .backup.check]" out)" = "[\"bk/$KEY\",6,\"sha256\"]" &&
	diff -r src/files bk/$KEY/files &&
	test -d bk/$KEY/files/flash/lib/pkg/deep &&
	test "$(jq -r ".entries[] | select(.path == \"/flash/big.bin\") | .sha256" bk/$KEY/manifest.json)" = \
		"$(sha256sum <src/files/flash/big.bin | cut -d" " -f1)" &&
	! ls -a bk | grep partial &&
	# MicroPython'"'"'s qemu port has no machine.unique_id, and a pty no USB serial number
	test "$(jq -c "[.identity.unique_id, .identity.usb_serial]" bk/$KEY/manifest.json)" = \
		"[null,null]"
'

test_expect_success 'a backup is never replaced' '
	test_expect_code 1 mpf-fs backup bk "$PTY" </dev/null >out &&
	grep -q "exists" out && diff -r src/files bk/$KEY/files
'

test_expect_success 'format needs --yes, then makes the file system afresh (the board exposes its block device)' '
	test_expect_code 2 mpf-fs format "$PTY" </dev/null 2>err &&
	grep -q -- "--yes" err &&
	mpf-fs ls "$PTY" </dev/null >out && test "$(jq .fs.files out)" = 6 &&
	fs --yes --timeout 30 format "$PTY" &&
	test "$(jq -c "[.format.how, .format.removed]" out)" = "[\"mkfs\",9]" &&
	fs ls "$PTY" &&
	test "$(jq -c "[.fs.entries[].path]" out)" = "[\"/flash\"]"
'

# format made littlefs with its defaults (as a port's boot does), whose
# 32-byte reads and writes through the RAM disk's Python block device take
# minutes for big.bin: the board's own faster file system again, empty
test_expect_success 'the backup restored onto the empty board gives the same files back' '
	mount_ramdisk "$PTY" &&
	mpf-fs --timeout 60 restore bk "$PTY" </dev/null >out 2>err && cat out err &&
	test "$(jq -c "[.restore.files, .restore.identity.checked]" out)" = "[6,\"none\"]" &&
	grep -q "could not check that this is the board backed up" err &&
	fs --timeout 30 backup bk2 "$PTY" &&
	diff -r src/files bk2/$KEY/files
'

# held: the -vv log shows mpf-fs reading big.bin
reading_big() { grep -q "_mpf_rd" log && grep -q "big.bin" log; }

test_expect_success 'a board that resets mid-backup: an error, no backup claimed, nothing left on disk' '
	{ mpf-fs -vv --timeout 5 backup bk3 "$PTY" </dev/null >out 2>log & } &&
	mpf=$! &&
	wait_for 30 reading_big &&
	qemu_monitor system_reset &&
	{ wait $mpf; rc=$?; } &&
	cat out && test $rc = 1 &&
	test "$(jq -c "[.backup, .error.applet]" out)" = "[null,\"mpf-fs\"]" &&
	test -z "$(ls -A bk3)"
'

test_expect_success 'a damaged backup is refused before the board is touched' '
	mount_ramdisk "$PTY" &&
	cp -r bk2 bad && printf x >>"bad/$KEY/files/flash/main.py" &&
	test_expect_code 1 mpf-fs restore bad "$PTY" </dev/null >out &&
	grep -q "main.py.* differs from its manifest" out &&
	mpf-fs ls "$PTY" </dev/null >out && test "$(jq .fs.files out)" = 0
'

exec 3<&-
stop_mps2
test_done
