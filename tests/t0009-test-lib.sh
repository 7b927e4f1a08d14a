#!/bin/sh
test_description='the tests keep their promises: one declaration per prerequisite; missing is a skip, never a pass'
. "${MPF_SRC:-.}/tests/lib.sh"

test_files() {
	ls "$MPF_SRC"/tests/*.sh "$MPF_SRC"/tests/sim/*.sh "$MPF_SRC"/tests/sim/*/*.sh 2>/dev/null
}

test_expect_success 'every prerequisite is declared in one place' '
	test_files >files &&
	xargs grep -ho "^test_lazy_prereq [A-Z0-9_]*" <files | sort | uniq -d >twice &&
	test_cmp /dev/null twice
'

test_expect_success 'no test body turns something missing into a pass (an early return 0)' '
	ls "$MPF_SRC"/tests/t[0-9]*.sh >files &&
	xargs grep -n -E "\|\| *(return|exit) 0" <files >early;
	test_cmp /dev/null early
'

test_expect_success 'a missing prerequisite is reported as a skip' '
	cat >t0009-skip.sh <<-\EOT &&
	. "$MPF_SRC/tests/lib.sh"
	test_lazy_prereq NEVER false
	test_expect_success NEVER "needs what is not here" "true"
	test_done
	EOT
	MPF_SRC=$MPF_SRC sh t0009-skip.sh >out &&
	grep -qx "ok 1 # skip needs what is not here (missing NEVER)" out
'

test_done
