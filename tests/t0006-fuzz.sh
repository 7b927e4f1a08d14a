#!/bin/sh
test_description='fuzz harnesses: every corpus and regression input replays clean; a short fuzz run finds nothing'
. "${MPF_SRC:-.}/tests/lib.sh"

# Each harness feeds one parser of untrusted bytes (tests/fuzz/fuzz-*.c).
# Crashes found by make fuzz are kept under tests/fuzz/corpus/NAME/regress-*
# and replay here forever after.
fuzzers=$(ls "$MPF_SRC"/build/fuzz/fuzz-* 2>/dev/null)
[ -n "$fuzzers" ] || skip_all "no fuzz harnesses built (needs clang: make fuzz-build)"

for f in $fuzzers; do
	n=${f##*/fuzz-}
	test_expect_success "$n: corpus and regression inputs replay without a finding" "
		$f -runs=0 '$MPF_SRC/tests/fuzz/corpus/$n' >log.$n 2>&1 ||
		{ tail -n 30 log.$n; false; }
	"
	test_expect_success "$n: two seconds of fuzzing find nothing" "
		mkdir -p new.$n &&
		$f -max_total_time=2 -artifact_prefix='$TRASH/crash-$n-' new.$n '$MPF_SRC/tests/fuzz/corpus/$n' \
			>log.$n 2>&1 || { grep -A 20 ERROR log.$n | head -n 40; ls crash-$n-* ; false; }
	"
done

test_done
