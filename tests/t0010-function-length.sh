#!/bin/sh
test_description='no function in cmd/ or lib/ is longer than 66 lines'
. "${MPF_SRC:-.}/tests/lib.sh"

test_expect_success 'every function fits' '
	"$MPF_SRC"/tests/check-funclen "$MPF_SRC" >out 2>&1 || { cat out; false; }
'

# A scratch tree with one function of 67 lines: the check must name it.
test_expect_success 'a longer function is named with its file and line' '
	mkdir -p tree/cmd tree/lib/core &&
	{ echo "static int ok(void)"; echo "{"; echo "	return 0;"; echo "}"; echo;
	  echo "int too_long(int x)"; echo "{";
	  i=0; while [ $i -lt 63 ]; do echo "	x++;"; i=$((i + 1)); done
	  echo "	return x;"; echo "}"; } >tree/lib/core/long.c &&
	test_must_fail "$MPF_SRC"/tests/check-funclen tree >out &&
	echo "lib/core/long.c:6: too_long 67 lines" >expect &&
	test_cmp expect out
'

test_expect_success 'a prototype is not taken for a function' '
	rm -rf tree && mkdir -p tree/cmd tree/lib &&
	printf "int f(int x);\nint g(void)\n{\n\treturn 1;\n}\n" >tree/cmd/a.c &&
	"$MPF_SRC"/tests/check-funclen tree 4 >out &&
	! test -s out
'

test_done
