#!/bin/sh
test_description='mpf-fetch against a hostile machine: SIGTERM mid-download, a disk that fills up, a read-only cache, a database another process holds locked

Each stands for something users meet: a service manager stopping mpf, a
full /home, a cache on a read-only mount or owned by someone else, a
second mpf (or a sqlite3 shell) in the middle of a write. Each must end
with a clear error record (or a wait and then success, for the lock), a
non-zero exit and nothing partial under a firmware name.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/lib-mirror.sh"

start_mirror --size 1500000 || exit 1
cache=$TRASH/.mpf/firmware
f=$cache/rp2/RPI_PICO_W-v1.24.1.uf2

test_lazy_prereq SQLITE3 'command -v sqlite3'
# Root (CI, containers) may mount: a small tmpfs and a read-only bind mount.
test_lazy_prereq MOUNT '
	mkdir -p "$TRASH/.m" && mount -t tmpfs -o size=4k tmpfs "$TRASH/.m" && umount "$TRASH/.m"
'

test_expect_success CURL,JQ 'setup: catalogue' '
	mpf-fetch --update --port rp2 2>err &&
	mpf-pick --board RPI_PICO_W --version 1.24.1 >rec
'

test_expect_success CURL,JQ 'SIGTERM mid-download: exit 143, interrupted, .part kept, lock released' '
	sim_ctl reset && sim_ctl "rate?bps=20000" &&
	test_when_finished "sim_ctl rate?bps=0" &&
	{ mpf-fetch <rec >out 2>err & } && pid=$! &&
	wait_for 20 test -s "$f.part" &&
	kill -TERM $pid && rc=0 && { wait $pid || rc=$?; } && test $rc = 143 &&
	test "$(json_field out error.code)" = interrupted &&
	! test -e "$f" && test -s "$f.part" &&
	sim_ctl "rate?bps=0" &&
	mpf-fetch <rec >out &&
	curl -sf "${MIRROR}resources/firmware/RPI_PICO_W-20241129-v1.24.1.uf2" | cmp - "$f"
'

# RLIMIT_FSIZE (1.2 MB: above the database, below the 1.5 MB firmware)
# stands for a small filesystem: writes past the limit fail
# (EFBIG, with SIGXFSZ, which by default kills the process silently).
test_expect_success CURL,JQ 'a file size limit mid-download: an error record, not a silent death' '
	rm -f "$f" "$f.part" &&
	rc=0 && (ulimit -f 2400 && exec mpf-fetch --retries 0 <rec >out 2>err) || rc=$?
	test $rc = 1 || { echo "exit $rc"; cat err; false; } &&
	test "$(json_field out error.code)" = io &&
	json_field out error.message | grep "cannot write .*RPI_PICO_W-v1.24.1.uf2.part: File too large" &&
	! test -e "$f"
'

test_expect_success MOUNT,CURL,JQ 'a tmpfs that fills up mid-download: no space left, nothing under the real name' '
	rm -f "$f" "$f.part" && mount -t tmpfs -o size=32k tmpfs "$cache/rp2" &&
	test_when_finished "umount \"$cache/rp2\"" &&
	test_expect_code 1 mpf-fetch --retries 0 <rec >out 2>err &&
	json_field out error.message | grep "cannot write .*: No space left on device" &&
	! test -e "$f"
'

test_expect_success MOUNT,CURL,JQ 'a read-only cache directory: a clear error naming it' '
	rm -f "$f" "$f.part" && mount --bind -o ro "$cache/rp2" "$cache/rp2" &&
	test_when_finished "umount \"$cache/rp2\"" &&
	test_expect_code 1 mpf-fetch <rec >out 2>err &&
	json_field out error.message | grep "$cache/rp2" &&
	! test -e "$f"
'

test_expect_success SQLITE3,CURL,JQ 'a database locked by another process: mpf waits, then goes on' '
	rm -f "$f" &&
	{ { echo "BEGIN EXCLUSIVE;"; sleep 2; echo "COMMIT;"; } |
	  sqlite3 "$TRASH/.mpf/mpf.db" & } && lpid=$! &&
	sleep 0.5 &&
	mpf-fetch <rec >out 2>err && wait $lpid &&
	cmp "$f" "$(json_field out firmware.file)" &&
	test -n "$(json_field out firmware.sha256)"
'

test_expect_success 'stop the mirror' 'stop_mirror'

test_done
