#!/bin/sh
test_description='fault walk: a firmware download with its Nth body piece dropped or its Nth disk write failing

Stands for a connection reset at any point of a download from
micropython.org (retried and resumed with a Range request; with no retry
left an error record) and a disk that fills up at any point (ENOSPC). The
cache must never hold a partial or wrong firmware under its real name:
after a failure the file is absent and any .part is a true prefix of the
real file; after a success the file is whole and its sha256 is right.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/lib-mirror.sh"
. "$MPF_SRC/tests/lib-faultwalk.sh"

start_mirror --size 65536 || exit 1
cache=$TRASH/.mpf/firmware
f=$cache/rp2/RPI_PICO_W-v1.24.1.uf2
name=RPI_PICO_W-20241129-v1.24.1.uf2

walk_run() { rm -f "$f" && mpf-fetch --retries $retries <rec; }
walk_ok() {
	cmp real.uf2 "$f" &&
	test "$(json_field out firmware.sha256)" = "$(sha256sum <real.uf2 | cut -d" " -f1)" &&
	! test -e "$f.part"
}
walk_failed() {
	test "$(json_field out error.code)" = io &&
	! test -e "$f" &&
	{ ! test -e "$f.part" || cmp -n "$(wc -c <"$f.part")" "$f.part" real.uf2; }
}

test_expect_success CURL,JQ 'setup: catalogue and the file as served' '
	mpf-fetch --update --port rp2 2>err &&
	mpf-pick --board RPI_PICO_W --version 1.24.1 >rec &&
	curl -sf "${MIRROR}resources/firmware/$name" >real.uf2 &&
	test "$(wc -c <real.uf2)" = 65536
'

test_expect_success CURL,JQ 'a connection dropped at any piece is resumed and the file is whole' '
	retries=2 && fault_walk http 64 && test "$(sim_stat ranges)" -ge 1
'

test_expect_success CURL,JQ 'with no retry left a drop is an error record and the .part is kept for the next run' '
	rm -f "$f.part" && retries=0 &&
	MPF_FAULT=http:2 walk_run >out 2>err ; test $? = 1 &&
	walk_check_failed 1 && test -s "$f.part" &&
	walk_run >out && walk_ok
'

test_expect_success CURL,JQ 'a disk full at any write is an error; nothing partial under the real name' '
	retries=2 && fault_walk fwrite 64
'

test_expect_success 'stop the mirror' 'stop_mirror'

test_done
