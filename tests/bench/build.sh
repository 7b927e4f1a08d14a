#!/bin/sh
# build.sh - mpf-build of QEMU's mps2-an385 board from the MicroPython
# tarball beside the repository (tests/peers/mpy-tree.sh; the build cache
# t8010 fills, so normally nothing is compiled here):
#   cache hit: an unchanged rebuild, which registers the cached .elf and
#     .bin with mpf-fetch --add into an empty catalogue, median of 5;
#   beside it, in the same run, make on the already built tree (what
#     building again by hand costs when nothing changed), median of 3.
. "$MPF_SRC/tests/bench/lib.sh"

src=$("$MPF_SRC/tests/peers/mpy-tree.sh" 2>/dev/null) && command -v arm-none-eabi-gcc >/dev/null ||
	{ echo "build: skipped (no MicroPython tarball or no arm-none-eabi-gcc)"; exit 0; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mpf-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
MPF_HOME=$tmp/home MPF_BUILD_CACHE=${MPF_PEERS_CACHE:-$MPF_SRC/build/peers}/mpf-builds
export MPF_HOME MPF_BUILD_CACHE
uname=CFLAGS_EXTRA=-DMICROPY_PY_OS_UNAME=1
build() { mpf-build --src "$src" --board MPS2_AN385 -o jsonl -- $uname </dev/null; }

t0=$(date +%s)
build >/dev/null 2>"$tmp/err" || { echo "build: benchmark failed: $(tail -n 1 "$tmp/err")"; exit 0; }
grep -q "^mpf-build: built" "$tmp/err" &&
	echo "build: qemu MPS2_AN385 from the tarball, not cached: $(($(date +%s) - t0)) s (make -j$(nproc), on this machine's load)"
hit=$(median_ms 5 build)
echo "build: cache hit, qemu MPS2_AN385 (2 files registered): $hit ms (median of 5)"
noop=$(median_ms 3 make -j"$(nproc)" -C "$src/ports/qemu" BOARD=MPS2_AN385 BUILD=build-MPS2_AN385 $uname)
echo "build: make again on the built tree, nothing changed: $noop ms (median of 3; $(awk -v a="$noop" -v b="$hit" 'BEGIN { printf "%.0f", a / b }')x the cache hit)"
