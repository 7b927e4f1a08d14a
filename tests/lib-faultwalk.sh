# lib-faultwalk.sh - sourced by the fault-walk tests (t05NN) after tests/lib.sh.
#
# fault_walk OP BOUND [every|K]: run the test's walk_run function once per N
# with MPF_FAULT=OP:N for N = 1, 2, ... 20, then in steps of a quarter (so
# a walk of a few thousand operations stays about 45 runs), or with
# "every" for each N, or with a number K for each Kth N, up to BOUND, and
# once more at BOUND + 1. walk_run writes the record to out, stderr to err
# and returns the exit code. Every run must end in one of two ways:
#   success: exit 0 and the test's walk_ok check (data really arrived);
#   failure: a non-zero exit, an error record with code and message, and
#            the test's walk_failed check (never "ok": true, nothing
#            claimed that did not happen).
# Either way no sanitizer or valgrind report. The run past BOUND must
# succeed: BOUND is at least the operations a clean run makes.
# The counts are appended to $MPF_BUILD/fault-walk.log for the report.
fault_walk() {
	op=$1 bound=$2 n=1 runs=0 fails=0 oks=0
	while :; do
		rc=0
		MPF_FAULT=$op:$n walk_run >out 2>err || rc=$?
		runs=$((runs + 1))
		# ASan/UBSan/LSan reports, or valgrind's (quiet: it prints only
		# errors, each line starting ==PID==, and one warning: it knows no
		# TIOCEXCL/TIOCNXCL, ioctls without an argument, so harmless)
		if grep -v -E "^==[0-9]+== +(Warning: noted but unhandled ioctl 0x540[cd] |This could cause spurious value|See README_MISSING_SYSCALL)" err |
			grep -E "Sanitizer|runtime error:|^==[0-9]+== " >/dev/null; then
			echo "MPF_FAULT=$op:$n: sanitizer or valgrind report"; cat err; return 1
		fi
		if test $rc = 0; then
			walk_ok || { echo "MPF_FAULT=$op:$n: exit 0 but no success"; cat out err; return 1; }
			oks=$((oks + 1))
		else
			walk_check_failed $rc || { echo "MPF_FAULT=$op:$n: rc=$rc"; cat out err; return 1; }
			fails=$((fails + 1))
		fi
		test $n -gt $bound && break
		case $n:${3-} in
		[0-9]:* | 1[0-9]:* | *:every) n=$((n + 1)) ;;
		*:[1-9]*) n=$((n + $3)) ;;
		*) n=$((n + n / 4)) ;;
		esac
		test $n -gt $bound && n=$((bound + 1))
	done
	test $rc = 0 || { echo "MPF_FAULT=$op:$n (past the bound $bound) did not succeed"; return 1; }
	echo "$test_name MPF_FAULT=$op: $runs runs, $fails honest failures, $oks successes" \
		"(bound $bound)" >>"$MPF_BUILD/fault-walk.log"
}

# The checks every failed run must pass: exit 1 (or another non-zero
# code), one record with an error code and message, flashed.ok not true.
walk_check_failed() {
	test "$1" -ne 0 && test "$1" -lt 128 &&
	test "$(grep -c . out)" -ge 1 &&
	test -n "$(json_field out error.code)" &&
	test -n "$(json_field out error.message)" &&
	test "$(jq -r '.flashed.ok // false' out)" != true &&
	walk_failed
}
