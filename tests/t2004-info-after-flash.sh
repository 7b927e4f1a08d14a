#!/bin/sh
test_description='mpf-info after a flash: what the board ran before is kept, and the table shows before and after'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"

# The last mpf-info of a flash pipeline (mpf-update) gets records that
# carry the old identification plus "flashed" from a flash applet; the
# board answers with its new firmware (here: a simulated 1.24.1 Pico W).
test_expect_success JQ 'a flashed record keeps the old version as previous' '
	start_sim s --board rp2-1.24.1 &&
	pty=$(pty_of s) &&
	echo "{\"serial\":\"$pty\",\"family\":\"micropython\",\"version\":\"1.22.2\",\"board_id\":\"RPI_PICO_W\",\"flashed\":{\"method\":\"uf2\",\"ok\":true,\"seconds\":3.25}}" >in &&
	mpf-info -o jsonl <in >out &&
	test "$(json_field out version)" = 1.24.1 &&
	test "$(json_field out previous.version)" = 1.22.2 &&
	test "$(json_field out flashed.ok)" = true &&
	mpf-info -o table <in >table &&
	stop_sim s &&
	head -n 1 table | grep -q "Before  *Version.*Flashed" &&
	grep -q "1\.22\.2  *1\.24\.1 .*uf2 ok 3\.2s" table
'

test_expect_success JQ 'without a flash nothing is kept and the table has no Before column' '
	start_sim s --board rp2-1.24.1 &&
	pty=$(pty_of s) &&
	echo "{\"serial\":\"$pty\",\"version\":\"1.22.2\"}" >in &&
	mpf-info -o jsonl <in >out &&
	mpf-info -o table <in >table &&
	stop_sim s &&
	test -z "$(json_field out previous)" &&
	! grep -q Before table
'

test_done
