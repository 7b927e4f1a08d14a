#!/bin/sh
test_description='mpf-fs format against real MicroPython (QEMU mps2-an385, littlefs on a RAM disk whose block device the board exposes as a port does): a fresh file system made and mounted, usable, another file system untouched, and nothing without --yes'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"
. "$MPF_SRC/tests/fs-lib.sh"

mps2_lfs_for_test

# on_board CODE: run CODE on the board, its output on stdout
on_board() {
	printf '%s\n' "$1" >code.py &&
	"$(mpf_sim mpf-test-tool)" repl-run "$PTY" code.py 20000 | tr -d '\r'
}

mkdir -p src/files/flash/lib
printf 'print("hello")\n' >src/files/flash/main.py
printf 'X = 1\n' >src/files/flash/lib/x.py
head -c 5000 /dev/urandom >"src/files/flash/data é.bin"
make_manifest src tree

test_expect_success 'setup: files on /flash, and another file system at /other with a file' '
	fs --timeout 60 restore src "$PTY" &&
	test "$(jq .restore.files out)" = 3 &&
	on_board "bd2=RAMBD(0x21200000,64,4096)
vfs.VfsLfs2.mkfs(bd2)
vfs.mount(vfs.VfsLfs2(bd2),\"/other\")
f=open(\"/other/keep.txt\",\"w\");f.write(\"mine\");f.close()
print(open(\"/other/keep.txt\").read())" >got &&
	test "$(cat got)" = mine
'

test_expect_success 'without --yes: a usage error (exit 2), every file still there' '
	test_expect_code 2 mpf-fs format "$PTY" </dev/null 2>err &&
	grep -q -- "--yes" err &&
	fs ls "$PTY" && test "$(jq .fs.files out)" = 4
'

test_expect_success 'format: littlefs made afresh on the exposed block device and mounted at /flash' '
	on_board "print(bd.inits)" >before &&
	fs --yes --timeout 60 format "$PTY" &&
	test "$(jq -c "[.format.how, .format.fs, .format.mount, .format.removed]" out)" = \
		"[\"mkfs\",\"VfsLfs2\",\"/flash\",4]" &&
	on_board "print(bd.inits)" >after &&
	test "$(cat after)" = $(($(cat before) + 2)) &&
	on_board "print([m for f,m in vfs.mount()])" >mounts &&
	grep -q "/flash" mounts && grep -q "/other" mounts
'

test_expect_success '/flash is empty, /other untouched' '
	fs ls "$PTY" &&
	test "$(jq -c "[.fs.entries[] | .path] | sort" out)" = "[\"/flash\",\"/other\",\"/other/keep.txt\"]" &&
	test "$(on_board "print(open(\"/other/keep.txt\").read())")" = mine
'

test_expect_success 'the fresh file system is usable: files written, read back and checked by the board' '
	fs --timeout 60 restore src "$PTY" &&
	test "$(jq .restore.files out)" = 3 &&
	fs --timeout 60 backup bk "$PTY" &&
	diff -r src/files/flash "bk/$(ls bk)/files/flash"
'

exec 3<&-
stop_mps2
test_done
