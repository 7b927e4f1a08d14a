# build-lib.sh - what mpf-build's tests share (t801x): the MicroPython tree
# unpacked once from the tarball beside the repository
# (tests/peers/mpy-tree.sh), the build cache beside it that survives the
# test runs (real builds take minutes; the second run of the tests builds
# nothing), and a fake make for the tests of what mpf-build decides.

# the tarball, the ARM compiler and python3 (MicroPython's build scripts)
test_lazy_prereq MPY_TREE '"$MPF_SRC/tests/peers/mpy-tree.sh" --check &&
	command -v arm-none-eabi-gcc && command -v python3'
MPF_BUILD_CACHE=${MPF_PEERS_CACHE:-$MPF_SRC/build/peers}/mpf-builds
export MPF_BUILD_CACHE

# mpy_tree: the path of the unpacked tree (unpacked on first use)
mpy_tree() { "$MPF_SRC/tests/peers/mpy-tree.sh"; }

# fake_make DIR: a make in DIR that logs its arguments to DIR/make.log and,
# for a port build, writes the files named in $FAKE_OUT (FORMAT=FILE
# pairs, FILE absolute, copied as firmware.FORMAT into its BUILD folder), or fails with
# $FAKE_FAIL as its last words; $FAKE_SLOW: seconds it takes, a line each
fake_make() {
	mkdir -p "$1" &&
	cat >"$1/make" <<-\EOF2 &&
	#!/bin/sh
	log=$(dirname "$0")/make.log
	echo "make $*" >>"$log"
	cd_to= build= port=
	while [ $# -gt 0 ]; do
		case $1 in
		-C) cd_to=$2; shift ;;
		BUILD=*) build=${1#BUILD=} ;;
		esac
		shift
	done
	case $cd_to in ports/*) port=1 ;; esac
	[ -n "$port" ] && [ -n "$build" ] || exit 0
	if [ -n "${FAKE_FAIL:-}" ]; then
		i=0; while [ $i -lt 30 ]; do echo "CC file$i.c"; i=$((i + 1)); done
		echo "$FAKE_FAIL" >&2
		exit 2
	fi
	i=0; while [ $i -lt "${FAKE_SLOW:-0}" ]; do echo "CC slow$i.c"; sleep 1; i=$((i + 1)); done
	mkdir -p "$cd_to/$build" || exit 1
	for p in ${FAKE_OUT:-}; do cp "${p#*=}" "$cd_to/$build/firmware.${p%%=*}" || exit 1; done
	EOF2
	chmod +x "$1/make"
}

# fake_tree DIR: the least of a MicroPython tree mpf-build takes (the
# version header, the qemu port's MPS2_AN385 board, the minimal port)
fake_tree() {
	mkdir -p "$1/py" "$1/ports/qemu/boards/MPS2_AN385" "$1/ports/minimal" "$1/mpy-cross" &&
	printf '#define MICROPY_VERSION_MAJOR 1\n#define MICROPY_VERSION_MINOR 29\n#define MICROPY_VERSION_MICRO 0\n#define MICROPY_VERSION_PRERELEASE 1\n' >"$1/py/mpconfig.h" &&
	echo "# board" >"$1/ports/qemu/boards/MPS2_AN385/mpconfigboard.mk" &&
	printf 'build/\nbuild-*/\n' >"$1/.gitignore"
}
