#!/bin/sh
# mpy-tree.sh - unpack the MicroPython source tarball beside the repository
# once, for mpf-build's tests, and print the path of the tree.
#
#   tests/peers/mpy-tree.sh          unpack if needed, print the tree's path
#   tests/peers/mpy-tree.sh --check  exit 0 when the tarball is there, else 1
#
# The tree lives in $MPF_PEERS_CACHE (default $MPF_SRC/build/peers), in a
# folder named by the tarball's sha256, and is never touched once unpacked
# but for the build folders mpf-build's builds write (which mpf-build leaves
# out of a tree's state), so the builds the tests make there are cached by
# mpf-build itself (MPF_BUILD_CACHE, the tests' own cache beside it): a
# second run of the tests builds nothing. A lock makes concurrent callers
# wait for one unpacking.
set -eu
MPF_SRC=${MPF_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
tarball=$(ls "$MPF_SRC"/../shared/peers/micropython/micropython-*.tar.xz 2>/dev/null | tail -n 1)
cache=${MPF_PEERS_CACHE:-$MPF_SRC/build/peers}

case ${1:-} in
--check) [ -n "$tarball" ] && [ -f "$tarball" ]; exit ;;
"") ;;
*) echo "usage: mpy-tree.sh [--check]" >&2; exit 2 ;;
esac
[ -n "$tarball" ] && [ -f "$tarball" ] || { echo "mpy-tree: no MicroPython tarball" >&2; exit 1; }

sum=$(sha256sum <"$tarball" | cut -c1-16)
dir=$cache/mpy-tree-$sum
mkdir -p "$cache"
exec 9>"$cache/.lock-tree"
flock 9
if [ ! -d "$dir" ]; then
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
	tar -xJf "$tarball" -C "$dir.tmp" || { echo "mpy-tree: cannot unpack $tarball" >&2; exit 1; }
	mv "$dir.tmp" "$dir"
fi
ls -d "$dir"/micropython*/ | head -n 1 | sed 's|/$||'
