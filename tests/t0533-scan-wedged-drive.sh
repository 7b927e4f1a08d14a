#!/bin/sh
test_description='mpf-scan gives up on a drive whose FUSE server stopped answering

A process reading a FUSE file whose server no longer answers sleeps in
the kernel (D state) until the server answers. The drive here is the UF2
bootloader simulator, stopped with SIGSTOP: mpf-scan must come back
within its per-drive deadline, warn about the drive and still list the
drive that answers.'
. "${MPF_SRC:-.}/tests/lib.sh"

sim=$(mpf_sim uf2drive-sim)

start_drive() {
	mkdir -p "$1" &&
	{ "$sim" --log "$1.log" "$PWD/$1" & } &&
	echo $! >"$1.pid" &&
	wait_for 10 test -f "$1/INFO_UF2.TXT"
}
stop_drive() {
	kill -CONT "$(cat "$1.pid")" 2>/dev/null
	umount -l "$1" 2>/dev/null || fusermount3 -u -z "$1" 2>/dev/null
	kill "$(cat "$1.pid")" 2>/dev/null
	return 0
}

test_expect_success FUSE 'a stopped FUSE drive: the scan returns in time and lists the others' '
	test_when_finished "stop_drive wedged; stop_drive good" &&
	start_drive good && start_drive wedged &&
	kill -STOP "$(cat wedged.pid)" &&
	start=$(date +%s) &&
	timeout -s KILL 20 mpf-scan --kind uf2 -o jsonl >out 2>err &&
	end=$(date +%s) &&
	test $((end - start)) -lt 10 &&
	grep "$TRASH/wedged did not answer" err &&
	grep -q "\"path\":\"$TRASH/good\"" out &&
	! grep -q "\"path\":\"$TRASH/wedged\"" out
'

test_done
