#!/bin/sh
test_description='the multicall binary: dispatch, --list, --version, --help, unknown applets'
. "${MPF_SRC:-.}/tests/lib.sh"

test_expect_success 'mpf --list names every applet with a summary' '
	mpf --list >list &&
	grep -q "^mpf-scan .*serial ports" list &&
	# exactly the applets that exist in cmd/
	ls "$MPF_SRC"/cmd/*.c | sed -n "s|.*/cmd/\([a-z0-9]*\)\.c$|\1|p" | grep -v "^main$" | sort >expect &&
	awk "{print \$1}" list | sed "s/^mpf-//" | sort >actual &&
	test_cmp expect actual
'

test_expect_success 'the applet table is sorted (bsearch depends on it)' '
	mpf --list | awk "{print \$1}" >names &&
	LC_ALL=C sort names >sorted &&
	test_cmp sorted names
'

test_expect_success 'mpf-scan (symlink) and mpf scan give the same records' '
	mpf-scan -o jsonl --kind serial >a &&
	mpf scan -o jsonl --kind serial >b &&
	test_cmp a b
'

# (not under make valgrind: its wrappers cannot pass on a link's own name)
test_expect_success NOT_VALGRIND 'a copy named by another path still dispatches by basename' '
	mkdir -p bin && ln -s "$MPF_BUILD/mpf" bin/mpf-scan &&
	bin/mpf-scan --version >out &&
	grep -q "^mpf-scan (mpf) " out
'

test_expect_success 'mpf --version and applet --version' '
	mpf --version | grep -q "^mpf [0-9]" &&
	mpf-scan --version | grep -q "^mpf-scan (mpf) [0-9]"
'

test_expect_success NOT_VALGRIND 'unknown applet exits 2 and lists the known ones' '
	test_expect_code 2 mpf frobnicate 2>err &&
	grep -q "unknown applet .frobnicate." err &&
	grep -q "mpf-scan" err &&
	ln -s "$MPF_BUILD/mpf" bin/mpf-nothing &&
	test_expect_code 2 bin/mpf-nothing 2>err &&
	grep -q "unknown applet .mpf-nothing." err
'

test_expect_success 'mpf with no arguments is a usage error' '
	test_expect_code 2 mpf 2>err &&
	grep -q "^usage:" err
'

test_expect_success '--help works for every applet and lists its options' '
	for a in $(mpf --list | awk "{print \$1}"); do
		$a --help >help.$a &&
		grep -q "^usage: $a" help.$a &&
		grep -q -- "--jobs" help.$a &&
		mpf ${a#mpf-} -h >help2.$a &&
		test_cmp help.$a help2.$a || return 1
	done
'

test_expect_success 'usage errors exit 2 with a pointer to --help' '
	test_expect_code 2 mpf-scan --no-such-option 2>err &&
	grep -q "unknown option .--no-such-option." err &&
	grep -q "see .mpf-scan --help." err &&
	test_expect_code 2 mpf-scan --jobs 0 2>err &&
	grep -q "out of range" err &&
	test_expect_code 2 mpf-scan --output xml 2>err &&
	grep -q "takes one of" err
'

test_done
