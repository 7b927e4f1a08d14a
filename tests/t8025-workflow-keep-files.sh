#!/bin/sh
test_description='mpf-update --keep-files: a pyboard (REPL simulator, its DFU bootloader a simulated USB device) whose flash wipes its files gets them back, checked to be the board backed up by its unique_id; a board whose backup fails is not flashed; a failed restore keeps the backup and names it'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"

test_have_prereq USBSIM || skip_all "the libusb simulator is not built"
test_have_prereq JQ || skip_all "jq missing"

"$(mpf_sim mpmirror)" --banners 1 >port 2>/dev/null &
MIRROR=$!
trap 'kill $MIRROR 2>/dev/null' EXIT
wait_for 10 test -s port
MPF_MIRROR=http://127.0.0.1:$(cat port)/
LD_LIBRARY_PATH=$MPF_BUILD/sim/libusb${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
MPF_USBSIM_STATE=$PWD/usbsim
MPF_USBSIM="stm32dfu:serial=PYB0001:time_scale=0.02:plugged=$MPF_USBSIM_STATE/PYB0001.plugged"
export MPF_MIRROR LD_LIBRARY_PATH MPF_USBSIM MPF_USBSIM_STATE
mkdir -p usbsim

# pyboard NAME [mpy-repl options]: a pyboard on 1.22.2 behind NAME.tty,
# its files in NAME.fs (a flash empties them: --fs-wipe)
pyboard() {
	_pb=$1
	shift
	rm -rf "$_pb.fs" && mkdir -p "$_pb.fs/flash/lib" &&
	printf 'import app\napp.run()\n' >"$_pb.fs/flash/main.py" &&
	: >"$_pb.fs/flash/empty.cfg" &&
	head -c 70000 /dev/urandom >"$_pb.fs/flash/lib/data é.bin" &&
	cp -r "$_pb.fs" "$_pb.orig" &&
	start_sim "$_pb" --board stm32-1.22.2 -v --link "$PWD/$_pb.tty" --fs "$PWD/$_pb.fs" \
		--dfu "$MPF_USBSIM_STATE/PYB0001.plugged" \
		--flash "$MPF_USBSIM_STATE/stm32dfu-PYB0001.mem" "$@" &&
	wait_for 10 test -e "$_pb.tty"
}

backups() { find .local/state/mpf/backup -name manifest.json 2>/dev/null; }

test_expect_success 'the files are backed up, the board flashed (its files wiped) and restored, the backup removed' '
	pyboard a --fs-wipe 0 --unique-id 3f0024000d51353532383931 &&
	mpf-update --keep-files --serial "$PWD/a.tty" -o jsonl >out 2>err ||
		{ cat out err a.err; false; } &&
	cat out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out version)" = 1.25.0 &&
	test "$(jq -c "[.backup.files, .restore.files, .restore.check]" out)" = "[3,3,\"sha256\"]" &&
	test "$(jq -c "[.restore.identity.checked, .restore.identity.same]" out)" = "[\"unique_id\",true]" &&
	grep -q "the flash wiped the file system" a.err &&
	diff -r a.orig a.fs &&
	test -z "$(backups)" &&
	stop_sim a
'

test_expect_success 'a board whose backup fails is not flashed, and its record says why' '
	pyboard b --fs-wipe 0 --fs-eio data &&
	test_expect_code 1 mpf-update --keep-files --serial "$PWD/b.tty" -o jsonl >out 2>err &&
	cat out &&
	test "$(json_field out error.applet)" = mpf-fs &&
	json_field out error.message | grep -q "data é.bin.: OSError: \[Errno 5\] EIO" &&
	test -z "$(json_field out flashed)" &&
	test -z "$(json_field out backup)" &&
	! grep -q "DFU" b.err &&
	diff -r b.orig b.fs &&
	test -z "$(backups)" &&
	stop_sim b
'

test_expect_success 'a restore that fails (the new layout is smaller) keeps the backup and names it' '
	pyboard c --fs-wipe 1000 &&
	test_expect_code 1 mpf-update --keep-files --serial "$PWD/c.tty" -o jsonl >out 2>err &&
	cat out err &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out error.applet)" = mpf-fs &&
	dir=$(json_field out backup.dir) &&
	json_field out error.message | grep -q "ENOSPC.*the backup is kept in $dir" &&
	grep -q "kept in $(dirname "$dir")" err &&
	diff -r c.orig "$dir/files" &&
	stop_sim c
'

test_done
