#!/bin/sh
test_description='JSON Lines input and output through the record filter every applet uses'
. "${MPF_SRC:-.}/tests/lib.sh"

tool=$(mpf_sim mpf-test-tool)

test_expect_success 'unknown fields and their order pass through, untouched records byte for byte' '
	printf "%s\n" "{\"zeta\": 1, \"alpha\": {\"n\": [1.10, \"\\u00e9\"]}}" \
		"{\"skip\":true,  \"b\":2}" >in &&
	$tool filter --keep-order --set value=x <in >out &&
	sed -n 1p out >first &&
	echo "{\"zeta\":1,\"alpha\":{\"n\":[1.10,\"é\"]},\"value\":\"x\"}" >expect &&
	test_cmp expect first &&
	sed -n 2p in >expect2 && sed -n 2p out >second &&
	test_cmp expect2 second
'

test_expect_success 'invalid JSON is reported with its line number and the run goes on' '
	printf "{\"serial\":\"a\"}\n{not json\n[1,2]\n{\"serial\":\"b\"}\n" >in &&
	test_expect_code 1 $tool filter --set value=y <in >out 2>err &&
	grep -q "stdin:2: invalid JSON" err &&
	grep -q "stdin:3: not a JSON object" err &&
	test $(wc -l <out) -eq 2 &&
	test "$(json_field out serial 2)" = b
'

test_expect_success 'CRLF, blank lines and a missing final newline' '
	printf "{\"serial\":\"a\"}\r\n\r\n\n   \n{\"serial\":\"b\"}" >in &&
	$tool filter --set value=z <in >out &&
	test $(wc -l <out) -eq 2 &&
	test "$(json_field out value 2)" = z
'

test_expect_success 'a 2 MiB line is one record' '
	awk "BEGIN { printf \"{\\\"blob\\\":\\\"\"; for (i = 0; i < 2097152; i++) printf \"x\"; print \"\\\"}\" }" >in &&
	$tool filter --set value=big <in >out &&
	test $(json_field out value) = big &&
	test $(jq -r ".blob | length" out) -eq 2097152
'

test_expect_success 'records with an error pass through untouched unless --retry-errors' '
	echo "{\"serial\":\"a\",\"error\":{\"code\":\"timeout\"}}" >in &&
	# untouched, but the exit status still says a board failed upstream
	test_expect_code 1 $tool filter --set value=1 <in >out &&
	test_cmp in out &&
	$tool filter --set value=1 --retry-errors <in >out &&
	test "$(json_field out value)" = 1 &&
	test -z "$(json_field out error)"
'

test_expect_success 'ignored boards pass through untouched' '
	echo "{\"serial\":\"a\",\"ignore\":true}" >in &&
	$tool filter --set value=1 <in >out &&
	test_cmp in out
'

test_expect_success 'a failed record carries an error and the exit status is 1' '
	printf "{\"serial\":\"a\"}\n{\"serial\":\"b\",\"bad\":1}\n" >in &&
	test_expect_code 1 $tool filter --fail-if bad <in >out &&
	test "$(json_field out error.code 2)" = test &&
	test "$(json_field out error.applet 2)" = mpf-test-filter &&
	test -z "$(json_field out error 1)"
'

test_expect_success NOT_VALGRIND '-j runs records at once; --keep-order keeps input order' '
	printf "%s\n" "{\"serial\":\"s1\",\"delay_ms\":600}" "{\"serial\":\"s2\",\"delay_ms\":10}" \
		"{\"serial\":\"s3\",\"delay_ms\":600}" "{\"serial\":\"s4\",\"delay_ms\":600}" >in &&
	start=$(date +%s%N) &&
	$tool filter -j 4 --keep-order --set value=1 <in >out &&
	end=$(date +%s%N) &&
	jq -r .serial out | tr "\n" " " >order &&
	test "$(cat order)" = "s1 s2 s3 s4 " &&
	# one after another would take 1.8 s; four at once about 0.6 s
	test $(( (end - start) / 1000000 )) -lt 1500
'

test_expect_success 'records stream: the first is out before the input ends' '
	rm -f fifo && mkfifo fifo || return 1
	{ echo "{\"serial\":\"early\"}"; sleep 2; echo "{\"serial\":\"late\"}"; } >fifo &
	$tool filter -j 2 --set value=1 <fifo >out &
	pid=$! &&
	wait_for 1 grep -q early out &&
	! grep -q late out &&
	wait $pid &&
	grep -q late out
'

test_expect_success '-o json prints one array, -o table a table' '
	printf "{\"serial\":\"a\"}\n{\"serial\":\"b\"}\n" >in &&
	$tool filter -o json --set value=v <in >out &&
	test $(jq length out) -eq 2 &&
	$tool filter -o table --set value=v <in >out &&
	head -n 1 out | grep -q "^Serial  *Value" &&
	grep -q "^b  *v$" out
'

test_expect_success '--progress json: begin, progress and end events on stderr, stdout untouched' '
	echo "{\"serial\":\"/dev/ttyX\",\"progress\":4000}" >in &&
	$tool filter --progress json <in >out 2>events &&
	test $(wc -l <out) -eq 1 &&
	jq -se "map(select(.event == \"begin\"))[0] | .id == \"/dev/ttyX\" and .total == 4000" events &&
	jq -se "map(select(.event == \"end\"))[0] | .ok and .done == 4000 and .applet == \"mpf-test-filter\"" events &&
	test $(jq -r "select(.event == \"progress\") | .done" events | wc -l) -ge 2
'

test_expect_success '--progress none is silent; auto is silent when stderr is not a terminal' '
	echo "{\"serial\":\"x\",\"progress\":100}" >in &&
	$tool filter --progress none <in >out 2>err && test_cmp /dev/null err &&
	$tool filter <in >out 2>err && test_cmp /dev/null err
'


test_expect_success SCRIPT 'on a terminal the default output is a table' '
	echo "{\"serial\":\"a\"}" >in &&
	script -qec "$tool filter --set value=t <in" /dev/null >out &&
	grep -q "^Serial  *Value" out
'

test_expect_success 'a closed stdout (| head) ends quietly, work is not cut short' '
	printf "{\"serial\":\"a\"}\n{\"serial\":\"b\"}\n{\"serial\":\"c\"}\n" >in &&
	$tool filter --set value=v <in 2>err | head -n 1 >out &&
	test $(wc -l <out) -eq 1 &&
	! grep -q . err
'

test_done
