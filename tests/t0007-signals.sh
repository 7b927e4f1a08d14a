#!/bin/sh
test_description='SIGINT and SIGTERM: work in flight stops and reports, nothing is lost, exit 130/143'
. "${MPF_SRC:-.}/tests/lib.sh"

tool=$(mpf_sim mpf-test-tool)

# Three records that each take 3 s (a flash in progress, say).
slow3() {
	for s in a b c; do echo "{\"serial\":\"$s\",\"delay_ms\":3000}"; done >in
}

test_expect_success 'SIGINT during the first of three records: exit 130, all three reported' '
	slow3 &&
	start=$(date +%s%N) &&
	{ $tool filter -j 1 <in >out 2>err & pid=$!; } &&
	sleep 0.5 && kill -INT $pid &&
	test_expect_code 130 wait $pid &&
	end=$(date +%s%N) &&
	{ test -n "${MPF_VALGRIND:-}" || test $(( (end - start) / 1000000 )) -lt 2500; } &&
	test $(wc -l <out) -eq 3 &&
	test "$(jq -r .error.code out | sort -u)" = interrupted &&
	jq -r .error.message out >msgs &&
	grep -q "^interrupted after" msgs &&
	test $(grep -c "^not started" msgs) -eq 2
'

test_expect_success 'SIGTERM with jobs in parallel threads: exit 143, every record reported' '
	slow3 &&
	{ $tool filter -j 3 <in >out 2>err & pid=$!; } &&
	sleep 0.5 && kill -TERM $pid &&
	test_expect_code 143 wait $pid &&
	test $(wc -l <out) -eq 3 &&
	test "$(jq -r .error.code out | sort -u)" = interrupted
'

test_expect_success 'records already done before the signal keep their success' '
	printf "%s\n" "{\"serial\":\"quick\"}" "{\"serial\":\"slow\",\"delay_ms\":5000}" >in &&
	{ $tool filter -j 1 --set value=1 <in >out 2>err & pid=$!; } &&
	wait_for 3 grep -q quick out &&
	kill -INT $pid &&
	test_expect_code 130 wait $pid &&
	test "$(json_field out value 1)" = 1 &&
	test -z "$(json_field out error 1)" &&
	test "$(json_field out error.code 2)" = interrupted
'

test_done
