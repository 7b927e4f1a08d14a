#!/bin/sh
test_description='every valid JSON value passes through applets as it came

A record with an integer past 64 bits, 1e400, -0, digits past a double'"'"'s
or 1E2 was dropped ("too big integer") or rewritten; now an applet keeps
each number'"'"'s text whether it changes the record or not.'
. "${MPF_SRC:-.}/tests/lib.sh"

echo x >file
values='"a":123456789012345678901234567890,"b":1e400,"c":-0,"d":[-1E-400,0.1000000000000000055511151231257827,1.5,-12,1E2,2.50],"e":[[[[[[[[[[[[[[[[[[[[{"x":[1e5]}]]]]]]]]]]]]]]]]]]]],"f":"x\"1e400 -0","g":"\u00e9\ud83d\ude00","h":9223372036854775807,"i":-9223372036854775809'

test_expect_success 'a record nobody changes: byte for byte' '
	echo "{\"kind\":\"serial\",$values}" >in &&
	mpf-pick --as RPI_PICO -o jsonl <in >out &&
	test_cmp in out
'

test_expect_success 'a record an applet changes: every number as written' '
	echo "{\"kind\":\"serial\",\"serial\":\"file\",\"port\":\"rp2\",$values}" >in &&
	test_expect_code 1 mpf-bootloader --using touch1200 -o jsonl <in >out &&
	grep -q "\"error\":{" out &&
	sed "s/,\"error\":{.*}}\$/}/" out >back &&
	# the string escapes come back as the characters they stand for
	sed "s/\\\\u00e9\\\\ud83d\\\\ude00/\\xc3\\xa9\\xf0\\x9f\\x98\\x80/" in >expect &&
	test_cmp expect back
'

test_expect_success 'in -o json and -o table too' '
	test_expect_code 1 mpf-bootloader --using touch1200 -o json <in >out &&
	grep -q "\"a\": 123456789012345678901234567890," out &&
	grep -q "\"b\": 1e400," out &&
	grep -q "\"c\": -0," out
'

test_expect_success JQ 'a string dressed as a saved number stays a string' '
	# NUL then "n:" is what an older mark looked like; no string a record
	# brings in may turn into a number, an array or broken JSON on output
	for v in "1e400" "[1,2]" "1,\\\"x\\\":2" "]"; do
		printf "{\"kind\":\"serial\",\"serial\":\"file\",\"port\":\"rp2\",\"s\":\"\\\\u0000n:%s\",\"n\":1e400}\n" "$v" >in &&
		test_expect_code 1 mpf-bootloader --using touch1200 -o jsonl <in >out &&
		jq -e ".s | type == \"string\"" out >/dev/null &&
		grep -q "\"n\":1e400" out || return 1
	done
'

test_expect_success 'what is not a JSON number is still refused' '
	for bad in 1.2.3 01 1e .5 -; do
		echo "{\"a\":$bad}" | test_expect_code 1 mpf-pick --as RPI_PICO -o jsonl >out 2>err &&
		grep -q "invalid JSON" err || return 1
	done
'

test_done
