#!/bin/sh
test_description='mpf-fs format makes a fresh file system as the board'"'"'s port does (the simulator models the rp2, esp32 and pyboard block devices): the port'"'"'s block device, class and arguments, only its own file system, and every file removed where no block device is known'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"
. "$MPF_SRC/tests/fs-lib.sh"

test_have_prereq JQ || skip_all "jq missing"

# board DIR: a board's files, at the top (a port that mounts at /) and
# under /flash; DIR.orig a copy
board() {
	rm -rf "$1" && mkdir -p "$1/lib" "$1/flash/lib" &&
	printf 'print(1)\n' >"$1/main.py" && printf 'X=1\n' >"$1/lib/x.py" &&
	printf 'print(2)\n' >"$1/flash/main.py" && printf 'Y=1\n' >"$1/flash/lib/y.py"
}

# fmt BOARD [sim options]: format a simulated board; its record in out,
# the simulator'"'"'s notes in s.err
fmt() {
	_b=$1 && shift &&
	board fs && start_sim s -v --board "$_b" --fs "$PWD/fs" "$@" &&
	mpf-fs --yes format "$(pty_of s)" </dev/null >out; _rc=$?
	cat out; stop_sim s && return $_rc
}

rec() { jq -c "[.format.how, .format.fs, .format.mount, .format.removed]" out; }

test_expect_success 'rp2: littlefs on rp2.Flash() at / with progsize 256 (its _boot.py), every file gone' '
	fmt rp2-1.24.1 &&
	test "$(rec)" = "[\"mkfs\",\"VfsLfs2\",\"/\",7]" &&
	grep -q "mkfs VfsLfs2 on __import__(.rp2.).Flash() at /" s.err &&
	test -z "$(ls -A fs)"
'

test_expect_success 'esp32: the vfs partition (ffat with TinyUF2), littlefs, or FAT where that is what is mounted' '
	fmt esp32-1.20.0 &&
	test "$(rec)" = "[\"mkfs\",\"VfsLfs2\",\"/\",7]" &&
	grep -q "mkfs VfsLfs2 on (lambda P:P.find(P.TYPE_DATA,label=.vfs.)" s.err &&
	test -z "$(ls -A fs)" &&
	fmt esp32-1.20.0 --fs-class VfsFat &&
	test "$(rec)" = "[\"mkfs\",\"VfsFat\",\"/\",7]" &&
	grep -q "mkfs VfsFat on (lambda" s.err
'

test_expect_success 'pyboard: FAT on pyb.Flash() at /flash; files outside /flash untouched' '
	fmt stm32-1.22.2 &&
	test "$(rec)" = "[\"mkfs\",\"VfsFat\",\"/flash\",3]" &&
	grep -q "mkfs VfsFat on __import__(.pyb.).Flash() at /flash" s.err &&
	test -z "$(ls -A fs/flash)" &&
	test "$(cat fs/main.py fs/lib/x.py)" = "$(printf "print(1)\nX=1")"
'

test_expect_success 'pyboard with littlefs: pyb.Flash(start=0), as its main.c mounts littlefs' '
	fmt stm32-1.22.2 --fs-class VfsLfs2 &&
	test "$(rec)" = "[\"mkfs\",\"VfsLfs2\",\"/flash\",3]" &&
	grep -q "mkfs VfsLfs2 on __import__(.pyb.).Flash(start=0) at /flash" s.err
'

test_expect_success 'rp2 with a FAT mounted by hand: littlefs, which is what its _boot.py mounts' '
	fmt rp2-1.24.1 --fs-class VfsFat &&
	test "$(rec)" = "[\"mkfs\",\"VfsLfs2\",\"/\",7]"
'

test_expect_success 'the fresh file system is usable: a restore writes and reads back every file' '
	board src/files && make_manifest src tree &&
	fmt rp2-1.24.1 &&
	start_sim s --board rp2-1.24.1 --fs "$PWD/fs" &&
	fs restore src "$(pty_of s)" && stop_sim s &&
	test "$(jq .restore.files out)" = 4 &&
	diff -r src/files fs
'

test_expect_success 'a port without the block device (samd here) or without a table row (mps2): every file removed, and the record says so' '
	fmt samd-1.21.0 &&
	test "$(rec)" = "[\"files-deleted\",null,null,5]" &&
	! grep -q mkfs s.err &&
	test -z "$(find fs -type f)" && test -d fs/flash && test -d fs/lib &&
	fmt mps2-1.29.0-preview &&
	test "$(rec)" = "[\"files-deleted\",null,null,5]" &&
	test -z "$(find fs -type f)"
'

test_expect_success 'without --yes nothing happens (exit 2), the port never opened' '
	board fs && cp -r fs keep &&
	start_sim s --board rp2-1.24.1 --fs "$PWD/fs" &&
	test_expect_code 2 mpf-fs format "$(pty_of s)" </dev/null 2>err &&
	grep -q -- "--yes" err && stop_sim s &&
	diff -r keep fs && ! grep -q "raw REPL" s.err
'

test_done
