# scan.sh - wall time of mpf-scan with nothing attached (goal: < 20 ms).
. "$MPF_SRC/tests/bench/lib.sh"
ms=$(median_ms 51 mpf-scan -o jsonl)
echo "scan_nothing_attached: $ms ms (median of 51 runs of mpf-scan -o jsonl, all kinds)"
ms=$(median_ms 51 mpf --version)
echo "startup_version: $ms ms (median of 51 runs of mpf --version: process start-up floor)"
# libcurl (and its ~30 libraries) loads only when a download starts.
libs=$(ldd "$MPF_BUILD/mpf" 2>/dev/null)
echo "startup_libs: $(printf '%s\n' "$libs" | wc -l) shared objects mapped at start," \
	"$(printf '%s\n' "$libs" | grep -c libcurl) of them libcurl (ldd build/mpf)"
