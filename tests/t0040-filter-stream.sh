#!/bin/sh
test_description='records leave an applet when their job ends, not in input order

The record filter every applet uses: a record an applet does nothing for
goes downstream at once, a record worked on is written when its job ends,
so a fast board'"'"'s record leaves a pipeline before a slow board ahead of
it is done. Proved from the jobs'"'"' own start and end times (one monotonic
clock for every stage), not from sleeps alone. -j caps the jobs at once,
jobs on one device take turns, --keep-order gives input order back, and
tables stay in input order.'
. "${MPF_SRC:-.}/tests/lib.sh"

tool=$(mpf_sim mpf-test-tool)

# at FILE SERIAL FIELD: FIELD of the record with that serial
at() { jq -r "select(.serial == \"$2\") | .$3" "$1"; }
# most_at_once FILE NAME: the most jobs of stage NAME that ran at one time
most_at_once() {
	jq -r ".${2}_began, .${2}_ended" "$1" | paste - - |
	awk '{ print $1, 1; print $2, 0 }' | sort -n -k1,1 -k2,2 |
	awk '{ n += $2 ? 1 : -1; if (n > m) m = n } END { print m + 0 }'
}

test_expect_success 'setup: a slow board ahead of a fast one and one passing through' '
	printf "%s\n" "{\"serial\":\"slow\",\"delay_ms\":1500}" \
		"{\"serial\":\"fast\",\"delay_ms\":10}" \
		"{\"serial\":\"other\",\"error\":{\"applet\":\"x\",\"code\":\"io\",\"message\":\"m\"}}" >in
'

test_expect_success NOT_VALGRIND 'a fast record leaves the pipeline before a slow one ahead of it is done' '
	# 1: the record that failed upstream passes through and counts
	{ $tool filter -j 4 --stamp a <in | $tool filter -j 4 --stamp b >out; test $? = 1; } &&
	jq -r .serial out | tr "\n" " " >order &&
	test "$(cat order)" = "other fast slow " &&
	# the second stage began on the fast record before the first stage
	# finished the slow one ahead of it
	test "$(at out fast b_ended)" -lt "$(at out slow a_ended)" &&
	test "$(at out fast a_began)" -lt "$(at out fast a_ended)"
'

test_expect_success NOT_VALGRIND 'a record the applet does nothing for goes downstream at once' '
	$tool filter -j 4 --stamp a <in | $tool filter -j 4 --retry-errors --stamp b >out &&
	test "$(at out other a_began)" = null &&
	test "$(at out other b_began)" -lt "$(at out slow a_ended)"
'

test_expect_success NOT_VALGRIND 'with -j 1 too: one job at a time, the others still pass' '
	$tool filter -j 1 --stamp a <in | $tool filter -j 4 --retry-errors --stamp b >out &&
	test "$(at out other b_began)" -lt "$(at out slow a_ended)" &&
	test "$(at out fast a_began)" -ge "$(at out slow a_ended)"
'

test_expect_success NOT_VALGRIND '--keep-order writes records in input order' '
	test_expect_code 1 $tool filter -j 4 --keep-order --stamp a <in >out &&
	jq -r .serial out | tr "\n" " " >order &&
	test "$(cat order)" = "slow fast other " &&
	# the fast job still ran beside the slow one
	test "$(at out fast a_ended)" -lt "$(at out slow a_ended)"
'

test_expect_success NOT_VALGRIND '-j N caps the jobs at once' '
	for i in 1 2 3 4 5 6; do echo "{\"serial\":\"s$i\",\"delay_ms\":300}"; done >six &&
	$tool filter -j 2 --stamp a <six >out &&
	test "$(wc -l <out)" -eq 6 &&
	test "$(most_at_once out a)" = 2 &&
	$tool filter -j 6 --stamp a <six >out &&
	test "$(most_at_once out a)" = 6
'

test_expect_success NOT_VALGRIND 'two records for one device never run at once; other devices go by' '
	printf "%s\n" "{\"serial\":\"a1\",\"dev\":\"A\",\"delay_ms\":400}" \
		"{\"serial\":\"a2\",\"dev\":\"A\",\"delay_ms\":400}" \
		"{\"serial\":\"b1\",\"dev\":\"B\",\"delay_ms\":400}" >devs &&
	$tool filter -j 8 --device-field dev --stamp a <devs >out &&
	test "$(at out a2 a_began)" -ge "$(at out a1 a_ended)" &&
	test "$(at out b1 a_began)" -lt "$(at out a1 a_ended)" &&
	jq -r .serial out | tr "\n" " " >order &&
	test "$(cat order)" != "a1 a2 b1 "
'

test_expect_success NOT_VALGRIND 'tables and JSON arrays stay in input order' '
	test_expect_code 1 $tool filter -j 4 -o table <in >table &&
	awk "NR > 1 { print \$1 }" table | tr "\n" " " >rows &&
	test "$(cat rows)" = "slow fast other " &&
	test_expect_code 1 $tool filter -j 4 -o json <in >json &&
	jq -r ".[].serial" json | tr "\n" " " >rows &&
	test "$(cat rows)" = "slow fast other "
'

test_done
