#!/bin/sh
test_description='fuzz harnesses: every corpus and regression input replays clean; a short fuzz run finds nothing'
. "${MPF_SRC:-.}/tests/lib.sh"

# Each harness feeds one parser of untrusted bytes (tests/fuzz/fuzz-*.c).
# Crashes found by make fuzz are kept under tests/fuzz/corpus/NAME/regress-*
# and replay here forever after.
# The harnesses are AddressSanitizer + UBSan builds whatever SANITIZE says:
# the plain pass of make check runs them, the sanitizer pass would run the
# same binaries again.
test "${SANITIZE:-}" != 1 || skip_all "the fuzz harnesses are sanitizer builds; the plain pass runs them"
fuzzers=$(ls "$MPF_SRC"/build/fuzz/fuzz-* 2>/dev/null)
[ -n "$fuzzers" ] || skip_all "no fuzz harnesses built (needs clang: make fuzz-build)"

# A finding leaves an artifact (crash-, leak-, oom- or timeout- input):
# that fails the test, with the input shown so the log alone reproduces
# it. A run that fails without one did not find anything in our code (the
# sanitizer's own machinery failed, or the kernel killed it under memory
# pressure): it is shown and run once more, and fails if it fails again.
fuzz_briefly () {
	mkdir -p "new.$2" &&
	for try in 1 2; do
		"$1" -max_total_time=2 -artifact_prefix="$TRASH/crash-$2-" "new.$2" \
			"$MPF_SRC/tests/fuzz/corpus/$2" >"log.$2" 2>&1 && return 0
		rc=$?
		grep -A 20 ERROR "log.$2" | head -n 40
		grep -m1 Seed: "log.$2"
		for a in crash-"$2"-*; do
			test -f "$a" || continue
			echo "finding: $a" && od -A x -t x1z "$a" | head -n 32
			return 1
		done
		echo "run $try exited $rc with no finding; the log ends:"
		tail -n 5 "log.$2"
	done
	return 1
}

for f in $fuzzers; do
	n=${f##*/fuzz-}
	test_expect_success "$n: corpus and regression inputs replay without a finding" "
		$f -runs=0 '$MPF_SRC/tests/fuzz/corpus/$n' >log.$n 2>&1 ||
		{ tail -n 30 log.$n; false; }
	"
	test_expect_success "$n: two seconds of fuzzing find nothing" "
		fuzz_briefly $f $n
	"
done

test_done
