# lib.sh - helpers for benchmarks (sourced by tests/bench/*.sh).

# median_ms N CMD...: run CMD N times, print the median wall time in ms
# (with three decimals).
median_ms() {
	_n=$1
	shift
	_i=0
	while [ $_i -lt "$_n" ]; do
		_s=$(date +%s%N)
		"$@" >/dev/null 2>&1
		_e=$(date +%s%N)
		echo $(( (_e - _s) / 1000 ))
		_i=$((_i + 1))
	done | sort -n | awk '{ a[NR] = $1 } END { printf "%.3f\n", a[int((NR + 1) / 2)] / 1000 }'
}

# bench_tmp VAR: make a scratch directory, store its path in VAR and remove
# it when the benchmark exits. (Not $(bench_tmp): a trap set in a command
# substitution's subshell fires as soon as it ends.)
bench_tmp() {
	_d=$(mktemp -d "${TMPDIR:-/tmp}/mpf-bench.XXXXXX") || return 1
	eval "$1=\$_d"
	trap 'rm -rf "$_d"' EXIT
}
