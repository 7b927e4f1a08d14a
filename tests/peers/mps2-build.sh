#!/bin/sh
# mps2-build.sh - build real MicroPython for QEMU's mps2-an385 board once,
# and print the path of its firmware.elf.
#
#   tests/peers/mps2-build.sh          build if needed, print the firmware path
#   tests/peers/mps2-build.sh --check  exit 0 when it can be built (or is), else 1
#   tests/peers/mps2-build.sh --lfs    the same board with littlefs (vfs.VfsLfs2),
#                                      for file tests (a RAM disk mounted at run time)
#
# The source is the MicroPython tarball kept beside the repository
# ($MPF_SRC/../shared/peers/micropython/micropython-*.tar.xz); it builds
# ports/qemu with Debian's gcc-arm-none-eabi and newlib. The result is
# cached under $MPF_PEERS_CACHE (default $MPF_SRC/build/peers, which the
# tests' own HOME and XDG_CACHE_HOME do not reach), in a folder named by
# the sha256 of the tarball and of this script: a new tarball or recipe
# builds anew, the same ones never again. A lock makes concurrent callers
# wait for one build.
set -eu
MPF_SRC=${MPF_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
tarball=$(ls "$MPF_SRC"/../shared/peers/micropython/micropython-*.tar.xz 2>/dev/null | tail -n 1)
cache=${MPF_PEERS_CACHE:-$MPF_SRC/build/peers}

have_tools() {
	[ -n "$tarball" ] && [ -f "$tarball" ] &&
		command -v arm-none-eabi-gcc >/dev/null 2>&1 &&
		command -v qemu-system-arm >/dev/null 2>&1 &&
		echo 'int main(void){return 0;}' |
		arm-none-eabi-gcc -mcpu=cortex-m3 -xc - -o /dev/null --specs=nosys.specs >/dev/null 2>&1
}

variant=""
case ${1:-} in
--check) have_tools; exit ;;
--lfs) variant=-lfs ;;
"") ;;
*) echo "usage: mps2-build.sh [--check | --lfs]" >&2; exit 2 ;;
esac
have_tools || { echo "mps2-build: no MicroPython tarball or no arm-none-eabi toolchain" >&2; exit 1; }

sum=$({ sha256sum <"$tarball" && sha256sum <"$0"; } | sha256sum | cut -c1-16)
dir=$cache/mps2-an385$variant-$sum
fw=$dir/firmware.elf
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [ ! -f "$fw" ]; then
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
	log=$dir.tmp/build.log
	{
		tar -xJf "$tarball" -C "$dir.tmp" &&
		src=$(ls -d "$dir.tmp"/micropython*/ | head -n 1) &&
		# The version comes from git describe: keep it from finding the
		# repository the cache sits in (the tarball has no .git). The
		# date in the banner is the commit's (every file's mtime), so
		# every build answers the same bytes.
		export GIT_CEILING_DIRECTORIES="$dir.tmp" &&
		SOURCE_DATE_EPOCH=$(stat -c %Y "$src/py/mpconfig.h") && export SOURCE_DATE_EPOCH &&
		make -j2 -C "$src/mpy-cross" &&
		if [ -n "$variant" ]; then
			# littlefs stamps files with mp_hal_time_ns, which this
			# port lacks: a clock at 0 (the tests need no times)
			echo "unsigned long long mp_hal_time_ns(void) { return 0; }" >"$dir.tmp/t.c" &&
			arm-none-eabi-gcc -mthumb -mcpu=cortex-m3 -O2 -c "$dir.tmp/t.c" -o "$dir.tmp/t.o" &&
			set -- MICROPY_VFS_LFS2=1 "LIBS=$(arm-none-eabi-gcc -mthumb -mcpu=cortex-m3 \
				-print-libgcc-file-name) $dir.tmp/t.o"
		fi &&
		# os.uname() names the machine as a real board's firmware does
		make -j2 -C "$src/ports/qemu" BOARD=MPS2_AN385 "$@" \
			CFLAGS_EXTRA=-DMICROPY_PY_OS_UNAME=1 &&
		cp "$src/ports/qemu/build-MPS2_AN385/firmware.elf" "$dir.tmp/firmware.elf" &&
		rm -rf "$src"
	} >"$log" 2>&1 || { tail -n 20 "$log" >&2; echo "mps2-build: build failed, log in $log" >&2; exit 1; }
	rm -rf "$dir" && mv "$dir.tmp" "$dir"
fi
echo "$fw"
