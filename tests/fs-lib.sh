# fs-lib.sh - helpers for the mpf-fs tests (sourced after tests/lib.sh and
# tests/info-lib.sh).

# start_mps2_lfs: QEMU's mps2-an385 running MicroPython built with
# littlefs (tests/peers/mps2-build.sh --lfs), a 1 MiB RAM disk mounted at
# /flash by a script pasted over the raw REPL. The disk lies in the
# board's PSRAM (0x21000000, outside MicroPython's 140 KiB heap), so a
# file larger than the board's RAM fits. Its pty in mps2.pty, its pid in
# mps2.pid and MPS2_PID, its QEMU monitor on the socket mps2.mon (for a
# reset). About 16 MIPS (-icount 6): littlefs through a Python block
# device is slow at the 1 MIPS of the identification tests.
# The caller stops it with stop_mps2.
start_mps2_lfs() {
	rm -f mps2.out mps2.pid mps2.pty mps2.mon
	_fw=$("$MPF_SRC/tests/peers/mps2-build.sh" --lfs) || return 1
	qemu-system-arm -machine mps2-an385 -nographic -semihosting \
		-monitor unix:mps2.mon,server,nowait -icount shift=6,align=on \
		-serial pty -kernel "$_fw" >mps2.out 2>&1 </dev/null &
	MPS2_PID=$!
	echo $MPS2_PID >mps2.pid
	wait_for 20 grep -q "redirected to /dev/" mps2.out || return 1
	sed -n 's|.*redirected to \(/dev/[^ ]*\).*|\1|p' mps2.out | head -1 >mps2.pty
	mount_ramdisk "$(cat mps2.pty)"
}

# mps2_lfs_for_test: the board of a test file: skip without the MicroPython
# tarball, the ARM compiler, QEMU, jq or python3, else start_mps2_lfs until
# the test exits; its pty in $PTY, held open on fd 3 for the whole file
# (QEMU looks for a new client once a second).
mps2_lfs_for_test() {
	test_have_prereq QEMU_MPS2 || skip_all "no MicroPython source tarball, arm-none-eabi-gcc or qemu-system-arm"
	test_have_prereq JQ || skip_all "jq missing"
	command -v python3 >/dev/null || skip_all "python3 missing"
	trap 'stop_mps2' EXIT
	trap 'exit 1' HUP INT TERM PIPE
	start_mps2_lfs || { stop_mps2; echo "Bail out! QEMU mps2-an385 with littlefs did not start"; exit 1; }
	PTY=$(cat mps2.pty)
	exec 3<>"$PTY"
}

# mount_ramdisk PORT: make and mount the RAM disk (again after a reset or
# a format).
# Its block device is exposed as a port's flash is (esp8266's frozen
# flashbdev module: flashbdev.bdev), so mpf-fs format makes a fresh file
# system there; it counts the file systems started on it (ioctl 1, INIT:
# littlefs's mkfs and each mount) in bdev.inits.
mount_ramdisk() {
	cat >ramdisk.py <<-\EOT
	import vfs,uctypes,sys
	class RAMBD:
	 def __init__(s,a,n,bs):s.m=uctypes.bytearray_at(a,n*bs);s.bs=bs;s.n=n;s.inits=0
	 def readblocks(s,b,buf,off=0):
	  a=b*s.bs+off;buf[:]=s.m[a:a+len(buf)]
	 def writeblocks(s,b,buf,off=0):
	  a=b*s.bs+off;s.m[a:a+len(buf)]=buf
	 def ioctl(s,op,arg):
	  if op==1:s.inits+=1
	  if op==4:return s.n
	  if op==5:return s.bs
	  if op==6:return 0
	try:vfs.umount('/flash')
	except OSError:pass
	bd=RAMBD(0x21000000,256,4096)
	vfs.VfsLfs2.mkfs(bd,readsize=1024,progsize=1024,lookahead=256)
	vfs.mount(vfs.VfsLfs2(bd,readsize=1024,progsize=1024,lookahead=256),'/flash')
	class flashbdev:bdev=bd
	sys.modules['flashbdev']=flashbdev
	EOT
	# the first reply after QEMU finds its client may take a second
	wait_for 30 "$(mpf_sim mpf-test-tool)" repl-run "$1" ramdisk.py 10000 >/dev/null
}

# qemu_monitor CMD: a command to the QEMU monitor of start_mps2_lfs.
qemu_monitor() {
	python3 -c 'import socket,sys,time
s=socket.socket(socket.AF_UNIX);s.connect("mps2.mon");s.sendall(sys.argv[1].encode()+b"\n");time.sleep(0.3)' "$1"
}

# make_manifest DIR LAYOUT: the manifest mpf-fs backup writes (mpf-fs(1)),
# for the files under DIR/files, made here independently of mpf-fs (paths
# "/x/y" for a tree, "y" for a flat file system), so a restore can be
# tested against files the test chose.
make_manifest() {
	python3 - "$1" "$2" <<-\EOT
	import hashlib, json, os, sys, zlib
	root, layout = sys.argv[1], sys.argv[2]
	top = os.path.join(root, "files")
	entries = []
	for d, dirs, files in os.walk(top):
	    dirs.sort()
	    rel = os.path.relpath(d, top)
	    for n in sorted(dirs):
	        p = os.path.join(rel, n) if rel != "." else n
	        entries.append({"path": "/" + p, "type": "dir"})
	    for n in sorted(files):
	        p = os.path.join(rel, n) if rel != "." else n
	        data = open(os.path.join(d, n), "rb").read()
	        entries.append({"path": ("/" + p) if layout == "tree" else p, "type": "file",
	                        "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
	                        "adler32": "%08x" % zlib.adler32(data)})
	entries.sort(key=lambda e: e["path"])
	json.dump({"format": "mpf-fs 1", "layout": layout, "entries": entries},
	          open(os.path.join(root, "manifest.json"), "w"))
	EOT
}

# board_files DIR: the files and their sizes under DIR/files, sorted
board_files() { (cd "$1/files" && find . -type f -printf '%P %s\n' | LC_ALL=C sort); }

# fs ARGS...: mpf-fs ARGS with stdin closed, its records in out (and on
# the test's output, so a failure shows them)
# fs ARGS: mpf-fs with its records in out (and on stdout); a failure's
# messages on stderr too, where prove shows them
fs() {
	mpf-fs "$@" </dev/null >out; _rc=$?; cat out
	[ $_rc = 0 ] || jq -r '"mpf-fs \(.serial // ""): \(.error.message // "no error in the record")"' out >&2
	return $_rc
}
