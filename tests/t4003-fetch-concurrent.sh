#!/bin/sh
test_description='two mpf-fetch processes share the catalogue and the cache at once'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/lib-mirror.sh"

# Parallel pipelines (one per USB hub, a CI matrix) run mpf-fetch at the
# same time against one database and one firmware cache. sqlite's WAL mode
# with a busy timeout and BEGIN IMMEDIATE writes, and a lock on each .part
# file, let both succeed. The mirror is paced so the runs overlap.
start_mirror --rate 400000 --size 131072 || exit 1

test_expect_success CURL 'two updates writing the database at once both succeed' '
	{ mpf-fetch --update --port rp2 --port esp32 2>err1 & } && p1=$! &&
	{ mpf-fetch --update --port esp32 --port stm32 --port samd 2>err2 & } && p2=$! &&
	wait $p1 && wait $p2 &&
	grep "0 failed" err1 && grep "0 failed" err2 &&
	test $(mpf-fetch --list --port esp32 -o jsonl | wc -l) -gt 0 &&
	test $(mpf-fetch --list --port stm32 -o jsonl | wc -l) -gt 0 &&
	test $(mpf-fetch --list --port rp2 -o jsonl | wc -l) -gt 0
'

test_expect_success CURL 'two processes downloading the same file both get it intact' '
	mpf-pick --board RPI_PICO_W --version 1.24.1 >rec &&
	sim_ctl reset &&
	{ mpf-fetch <rec >out1 2>e1 & } && p1=$! &&
	{ mpf-fetch <rec >out2 2>e2 & } && p2=$! &&
	wait $p1 && wait $p2 &&
	test "$(json_field out1 firmware.sha256)" = "$(json_field out2 firmware.sha256)" &&
	test "$(sim_stat files)" = 1 &&
	f=$(json_field out1 firmware.file) &&
	curl -sf "${MIRROR}resources/firmware/RPI_PICO_W-20241129-v1.24.1.uf2" | cmp - "$f"
'

test_expect_success CURL 'an update and downloads at once' '
	for v in 1.22.0 1.22.1 1.22.2 1.23.0; do mpf-pick --board RPI_PICO --version $v; done >recs &&
	{ mpf-fetch -j 4 <recs >out 2>e1 & } && p1=$! &&
	{ mpf-fetch --update --port rp2 --port nrf 2>e2 & } && p2=$! &&
	wait $p1 && wait $p2 &&
	test $(jq -r .firmware.file out | wc -l) -eq 4 &&
	mpf-fetch --list --board RPI_PICO --version 1.22.1 -o jsonl >l &&
	test -n "$(json_field l firmware.file)"
'

stop_mirror
test_done
