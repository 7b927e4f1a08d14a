#!/bin/sh
test_description='mpf-build builds real MicroPython for QEMU mps2-an385 from the source tarball, registers it, and the build boots and is identified as the tree'"'"'s version

The tree is the tarball beside the repository (no .git: the version comes
from py/mpconfig.h, 1.29.0-preview with no build number). The build and
the tree are cached beside the checkout, so only a first run builds.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"
. "$MPF_SRC/tests/build-lib.sh"

test_have_prereq MPY_TREE || skip_all "no MicroPython source tarball or no arm-none-eabi-gcc"
test_have_prereq QEMU_MPS2 || skip_all "no qemu-system-arm or no ARM C library (newlib)"
test_have_prereq JQ || skip_all "jq missing"

trap 'stop_mps2' EXIT
trap 'exit 1' HUP INT TERM PIPE
SRC=$(mpy_tree) || { echo "Bail out! cannot unpack the MicroPython tarball"; exit 1; }
UNAME=CFLAGS_EXTRA=-DMICROPY_PY_OS_UNAME=1

test_expect_success 'built (or taken from the cache) and registered: every format the port made' '
	mpf-build --src "$SRC" --board MPS2_AN385 -o jsonl -- $UNAME </dev/null >recs 2>err ||
		{ cat err; false; } &&
	cat recs &&
	jq -r .firmware.format recs | sort >formats &&
	printf "bin\nelf\n" >want && test_cmp want formats &&
	test "$(jq -r "[.port, .firmware.board_id, .firmware.variant, .firmware.version, .firmware.build, .firmware.source, .firmware.dirty, .firmware.commit] | @tsv" recs | sort -u)" = \
		"$(printf "qemu\tMPS2_AN385\t\t1.29.0-preview\t0\tbuild\tfalse\t")" &&
	for f in $(jq -r .firmware.file recs); do
		test -f "$f" && test "$(dirname "$f")" = "$(dirname "$(jq -r .firmware.file recs | head -n 1)")" || return 1
	done &&
	test -f "$(dirname "$(jq -r .firmware.file recs | head -n 1)")/build.log"
'

test_expect_success 'the catalogue lists the build; mpf-pick takes it only when own builds are asked for' '
	mpf-fetch --list --board MPS2_AN385 -o jsonl >list &&
	test "$(jq -r .firmware.source list | sort -u)" = build &&
	test_must_fail mpf-pick --board MPS2_AN385 --method swd --version latest -o jsonl >plain 2>err &&
	grep "no firmware for MPS2_AN385" plain &&
	mpf-pick --board MPS2_AN385 --method swd --version latest --custom -o jsonl >picked &&
	test "$(json_field picked firmware.format)" = elf &&
	test "$(json_field picked method)" = swd &&
	test "$(json_field picked firmware.file)" = "$(jq -r "select(.firmware.format == \"elf\") | .firmware.file" recs)"
'

# The figure itself is make bench's (tests/bench/build.sh: about 0.1 to
# 0.3 s on two shared cores); here, that no make runs and the same files
# are registered, within a bound no real build of the board comes near
# (it compiles for minutes) even on a loaded machine.
test_expect_success NOT_VALGRIND 'an unchanged rebuild registers the cached files, no make, in a blink' '
	t0=$(date +%s%N) &&
	mpf-build --src "$SRC" --board MPS2_AN385 -o jsonl -- $UNAME </dev/null >again 2>err &&
	t=$(( ($(date +%s%N) - t0) / 1000000 )) &&
	echo $t >hit.ms &&
	! grep -q "building" err &&
	test_cmp recs again &&
	test $t -lt 10000
'
test -f hit.ms && say "cache hit: $(cat hit.ms) ms"

test_expect_success 'the build boots in QEMU and mpf-info names the board and the tree'"'"'s version' '
	start_mps2 "$(jq -r "select(.firmware.format == \"elf\") | .firmware.file" recs)" &&
	PTY=$(cat mps2.pty) &&
	exec 3<>"$PTY" &&
	wait_for 20 mpf-info --timeout 5 "$PTY" </dev/null >info &&
	cat info &&
	test "$(jq -c "[.version, .build, .port, .board_id, .error]" info)" = \
		"[\"1.29.0-preview\",null,\"qemu\",\"MPS2_AN385\",null]"
'

test_expect_success 'in a pipeline: the board mpf-info found gains its build, as an image swd takes' '
	mpf-build --src "$SRC" --method swd -- $UNAME <info >piped 2>err &&
	cat piped &&
	test "$(jq -c "[.serial, .board_id, .method, .firmware.format, .firmware.source, .firmware.version]" piped)" = \
		"[\"$(cat mps2.pty)\",\"MPS2_AN385\",\"swd\",\"elf\",\"build\",\"1.29.0-preview\"]" &&
	test "$(json_field piped firmware.file)" = "$(json_field picked firmware.file)"
'

test_expect_success 'records without a board pass through untouched, in order' '
	{ echo "{\"kind\":\"dfu\",\"usb_serial\":\"X1\"}"; cat info; echo "{\"kind\":\"serial\",\"serial\":\"/dev/null\"}"; } >mixed &&
	mpf-build --src "$SRC" --method swd -- $UNAME <mixed >out &&
	test "$(wc -l <out)" = 3 &&
	sed -n 1p mixed >w1 && sed -n 1p out >g1 && test_cmp w1 g1 &&
	sed -n 3p mixed >w3 && sed -n 3p out >g3 && test_cmp w3 g3 &&
	test "$(json_field out firmware.format 2)" = elf
'

exec 3<&- 2>/dev/null
stop_mps2
test_done
