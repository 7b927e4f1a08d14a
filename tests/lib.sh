# lib.sh - a small git-style test library for mpf's shell tests (TAP).
#
#   #!/bin/sh
#   test_description='mpf-scan finds a pty named with --serial'
#   . "${MPF_SRC:-.}/tests/lib.sh"
#   test_expect_success 'pty shows up' '
#           mpf-scan --serial "$pty" >out &&
#           grep -q "\"serial\":\"$pty\"" out
#   '
#   test_done
#
# Each test body runs in a subshell inside a fresh trash directory shared by
# the file ($TRASH); the built mpf and applet links are first on PATH.
# Helpers: test_cmp, test_must_fail, test_expect_code, test_when_finished,
# test_lazy_prereq/test_have_prereq (skip cleanly), testcmd (toybox's row),
# json_field (read one field of a record with jq), mpf_sim (path of a
# simulator), wait_for (poll a condition).

set -u
MPF_SRC=${MPF_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
MPF_BUILD=${MPF_BUILD:-$MPF_SRC/build}
export MPF_SRC MPF_BUILD
PATH=$MPF_BUILD:$MPF_SRC/scripts:$PATH
export PATH
# Tests must not see the user's data, boards or mirror.
unset MPF_IGNORE MPF_MIRROR
test_name=$(basename "$0" .sh)
TRASH=$MPF_SRC/tests/trash.$test_name
# The mount table is shared by every test and worktree on the machine: each
# test sees only the UF2 drives mounted under its own trash directory.
MPF_TEST_DRIVES="$TRASH/*"
export MPF_TEST_DRIVES
rm -rf "$TRASH" && mkdir -p "$TRASH" || exit 1
export MPF_HOME=$TRASH/.mpf XDG_CACHE_HOME=$TRASH/.cache XDG_DATA_HOME=$TRASH/.local
HOME=$TRASH
export HOME
cd "$TRASH" || exit 1

test_count=0
test_failed=0
test_skip_all=
_cleanup_file=$TRASH/.cleanup
_prereqs_ok=" "
_prereqs_bad=" "

say() { printf '# %s\n' "$*"; }

# Prerequisites: test_lazy_prereq NAME 'script' declares one; the script
# runs once, on first use. test_expect_success PREREQ 'title' 'body'.
test_lazy_prereq() { eval "_prereq_script_$1=\$2"; }
test_have_prereq() {
	for _p in $(echo "$1" | tr , ' '); do
		case $_prereqs_ok in *" $_p "*) continue ;; esac
		case $_prereqs_bad in *" $_p "*) return 1 ;; esac
		eval "_s=\${_prereq_script_$_p:-false}"
		if (eval "$_s") >/dev/null 2>&1; then
			_prereqs_ok="$_prereqs_ok$_p "
		else
			_prereqs_bad="$_prereqs_bad$_p "
			return 1
		fi
	done
	return 0
}

test_when_finished() { echo "$*" >>"$_cleanup_file"; }

_run_cleanup() {
	if [ -f "$_cleanup_file" ]; then
		(cd "$TRASH" && . "$_cleanup_file") >/dev/null 2>&1
		rm -f "$_cleanup_file"
	fi
}

_test_run() {
	# $1 = expect (success|failure), $2 = title, $3 = body
	test_count=$((test_count + 1))
	(cd "$TRASH" && eval "$3") >"$TRASH/.out.$test_count" 2>&1
	_rc=$?
	_run_cleanup
	if [ $_rc -eq 0 ]; then
		if [ "$1" = failure ]; then
			echo "ok $test_count - $2 # TODO known breakage vanished"
		else
			echo "ok $test_count - $2"
		fi
	elif [ "$1" = failure ]; then
		echo "not ok $test_count - $2 # TODO known breakage"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $2"
		sed 's/^/#   /' "$TRASH/.out.$test_count" | tail -n 40
	fi
}

_test_expect() {
	_expect=$1
	shift
	if [ $# -eq 3 ]; then
		if ! test_have_prereq "$1"; then
			test_count=$((test_count + 1))
			echo "ok $test_count # skip $2 (missing $1)"
			return 0
		fi
		shift
	fi
	_test_run "$_expect" "$1" "$2"
}

test_expect_success() { _test_expect success "$@"; }
test_expect_failure() { _test_expect failure "$@"; }

# Skip the whole file: call before any test.
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

test_done() {
	_run_cleanup
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ] && [ -z "${MPF_KEEP_TRASH:-}" ] && { cd "$MPF_SRC" && rm -rf "$TRASH"; }
	[ "$test_failed" -eq 0 ]
	exit $?
}

# test_cmp EXPECTED ACTUAL: fail with a diff when they differ.
test_cmp() { diff -u "$1" "$2"; }

# test_must_fail CMD...: CMD must exit non-zero, but not by a signal or
# a sanitizer report (those mean a crash, which is never a pass).
test_must_fail() {
	"$@"
	_rc=$?
	if [ $_rc -eq 0 ]; then
		echo "test_must_fail: command succeeded: $*" >&2
		return 1
	elif [ $_rc -gt 128 ] && [ $_rc -ne 130 ] && [ $_rc -ne 143 ]; then
		echo "test_must_fail: command died by signal $((_rc - 128)): $*" >&2
		return 1
	fi
	return 0
}

# test_expect_code CODE CMD...
test_expect_code() {
	_want=$1
	shift
	"$@"
	_rc=$?
	[ $_rc -eq "$_want" ] && return 0
	echo "test_expect_code: expected $_want, got $_rc: $*" >&2
	return 1
}

# testcmd NAME ARGS EXPECTED INPUT STDIN (toybox): run "$CMD ARGS" with a
# file named 'input' holding INPUT and STDIN on standard input; compare
# stdout with EXPECTED (printf escapes allowed in all three).
testcmd() {
	test_expect_success "$1" "
		printf '%b' '$4' >input &&
		printf '%b' '$3' >expected &&
		printf '%b' '$5' | $CMD $2 >actual &&
		test_cmp expected actual
	"
}

# json_field FILE FIELD [LINE]: print one field of the LINE-th record (1).
json_field() { sed -n "${3:-1}p" "$1" | jq -r ".$2 // empty"; }

# mpf_sim NAME: the path of a built simulator.
# tcp_ports N: the first of N consecutive loopback TCP ports for a test's
# servers. They lie below the kernel's ephemeral range, where any client's
# connection on the machine could take one between the pick and the bind;
# the start mixes the test's name and PID, so tests running side by side
# (and runs in other trees) spread out, and ports in use are passed over.
tcp_ports() {
	_lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	_span=$((_lo - 10000 - $1))
	_p=$(( 10000 + ($(printf %s "$test_name" | cksum | cut -d" " -f1) + $$ * 7) % _span ))
	_n=0
	while [ $_n -lt 100 ] && command -v ss >/dev/null &&
	      ss -Htan | awk -v lo=$_p -v hi=$((_p + $1)) \
		'{ n = split($4, a, ":"); if (a[n] >= lo && a[n] < hi) f = 1 } END { exit !f }'; do
		_p=$(( 10000 + (_p - 10000 + 97) % _span ))
		_n=$((_n + 1))
	done
	echo $_p
}

mpf_sim() { echo "$MPF_BUILD/sim/$1"; }

# wait_for SECONDS CMD...: poll CMD every 50 ms until it succeeds.
wait_for() {
	_n=$(( $1 * 20 ))
	shift
	while [ $_n -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.05
		_n=$((_n - 1))
	done
	return 1
}

# Prerequisites used by more than one file are declared here, once
# (tests/t0009-test-lib.sh fails on a second declaration).
test_lazy_prereq BASH 'command -v bash'
test_lazy_prereq GROFF 'command -v groff'
test_lazy_prereq JQ 'command -v jq'
test_lazy_prereq MANDOC 'command -v mandoc'
test_lazy_prereq PYTHON 'command -v python3'
test_lazy_prereq SCRIPT 'command -v script'
test_lazy_prereq SER2NET 'command -v ser2net'
test_lazy_prereq SOCAT 'command -v socat'
# The simulators that stand for hardware: a UF2 drive (FUSE: the device,
# and fusermount3 when not root) and USB devices (a libusb look-alike).
test_lazy_prereq FUSE '
	test -x "$(mpf_sim uf2drive-sim)" && test -c /dev/fuse && test -w /dev/fuse &&
	{ test "$(id -u)" = 0 || command -v fusermount3; }
'
# FAT disk images (mpf-uf2 --device tests)
test_lazy_prereq MKFS_VFAT 'command -v mkfs.vfat && command -v mcopy'
test_lazy_prereq USBSIM 'test -e "$MPF_BUILD/sim/libusb/libusb-1.0.so.0"'
# fusefat mounts a FAT image for real (a drive that is not a simulator).
test_lazy_prereq FUSEFAT 'command -v fusefat && command -v mcopy && test -c /dev/fuse &&
	mkdir -p "$TRASH/probe" && mkfs.vfat -C "$TRASH/probe.img" 64 &&
	fusefat -o ro "$TRASH/probe.img" "$TRASH/probe" && fusermount -u "$TRASH/probe"'
test_lazy_prereq SANITIZE_OFF 'test "${SANITIZE:-}" != 1'
# Timing checks mean nothing under valgrind (make valgrind), which is ~30x slower.
test_lazy_prereq NOT_VALGRIND 'test -z "${MPF_VALGRIND:-}"'

# Espressif's QEMU with the chips' real mask ROMs, beside the repository
# (../shared/peers/esp-qemu, see its README): esp_qemu_start esp32|esp32c3
# starts one chip strapped for UART download, sets ESPQ_PTY (UART0),
# ESPQ_PID, ESPQ_DIR (flash.bin, efuse.bin, qemu.log) and ESPQ_MON (the
# monitor socket), and stops it when the test ends. Extra environment for
# the run script (ESP32_FLASH_MB=8 ...) passes through.
ESP_QEMU_DIR=${ESP_QEMU_DIR:-$MPF_SRC/../shared/peers/esp-qemu}
# These runs take minutes of emulated ROM time and add nothing under the
# sanitizers that the esp-rom simulator tests of the same code paths do not
# (make check SANITIZE=1 skips them; the plain pass runs them).
test_lazy_prereq ESP_QEMU 'test "${SANITIZE:-}" != 1 &&
	"$ESP_QEMU_DIR/bin/qemu-system-xtensa" --version &&
	"$ESP_QEMU_DIR/bin/qemu-system-riscv32" --version && command -v setsid'
# Our flasher stub was built for CHIP (its compiler was installed): ESP_STUB_C3, ...
test_lazy_prereq ESP_STUB_C3 'grep -q "{ \"esp32c3\"" "$MPF_BUILD/gen/esp_stub_images.h"'
test_lazy_prereq ESP_STUB_ESP32 'grep -q "{ \"esp32\"" "$MPF_BUILD/gen/esp_stub_images.h"'
esp_qemu_start() {
	_out=$(ESP32_TMP=$TRASH ESP32C3_TMP=$TRASH "$ESP_QEMU_DIR/run-$1.sh") || return 1
	ESPQ_PTY=$(echo "$_out" | sed -n 1p)
	ESPQ_PID=$(echo "$_out" | sed -n 2p)
	ESPQ_MON=$(echo "$_out" | sed -n 3p)
	ESPQ_DIR=$(echo "$_out" | sed -n 4p)
	test_when_finished "kill $ESPQ_PID 2>/dev/null; rm -rf '$ESPQ_DIR'"
}
