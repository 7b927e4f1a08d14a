#!/bin/sh
test_description='mpf-build: what it registers of a tree (commit, dirty, version), when it builds again, and a build that fails

The make here is a fake (tests/build-lib.sh) that logs how it was called
and writes the firmware files a port build would; the real builds are
t8010 and t8011.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/build-lib.sh"

test_lazy_prereq GIT_CLI 'command -v git'
test_have_prereq JQ || skip_all "jq missing"
command -v arm-none-eabi-gcc >/dev/null || skip_all "arm-none-eabi-gcc missing (the qemu port's compiler)"
MPF_BUILD_CACHE=$TRASH/builds
GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org
export GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL

# build [mpf-build options]: the qemu board of ./tree with the fake make
build() { PATH=$TRASH/fake:$PATH mpf-build --src tree --board MPS2_AN385 -o jsonl "$@" </dev/null; }

test_expect_success GIT_CLI 'setup: a git tree two commits after its v1.29.0-preview tag, a fake make' '
	head -c 3000 /dev/urandom >text.bin &&
	"$(mpf_sim mkimage)" elf fw.elf 0x0:text.bin &&
	"$(mpf_sim mkimage)" hex fw.hex 0x0:text.bin &&
	fake_make fake && fake_tree tree &&
	git -C tree init -q && git -C tree add -A && git -C tree commit -qm one &&
	git -C tree tag v1.29.0-preview &&
	echo x >tree/py/x.c && git -C tree add -A && git -C tree commit -qm two &&
	echo y >tree/py/y.c && git -C tree add -A && git -C tree commit -qm three
'

test_expect_success GIT_CLI 'a clean git tree: version and build number from git describe, its commit, not dirty' '
	FAKE_OUT="elf=$TRASH/fw.elf hex=$TRASH/fw.hex" build >recs 2>err &&
	cat err recs &&
	test "$(jq -r "[.firmware.format, .firmware.version, .firmware.build, .firmware.commit, .firmware.dirty, .firmware.source] | @tsv" recs)" = \
		"$(printf "elf\t1.29.0-preview\t2\t%s\tfalse\tbuild\nhex\t1.29.0-preview\t2\t%s\tfalse\tbuild" \
			$(git -C tree rev-parse HEAD) $(git -C tree rev-parse HEAD))" &&
	grep -x "make -j [0-9]* -C ports/qemu BOARD=MPS2_AN385 BUILD=build-MPS2_AN385" fake/make.log &&
	grep -x "make -C ports/qemu BOARD=MPS2_AN385 submodules" fake/make.log &&
	grep -x "make -C mpy-cross" fake/make.log &&
	mpf-fetch --list -o jsonl >list && test "$(jq -r .firmware.commit list | sort -u)" = "$(git -C tree rev-parse HEAD)"
'

test_expect_success GIT_CLI 'the same tree again: the cache, no make' '
	: >fake/make.log &&
	FAKE_OUT="elf=$TRASH/fw.elf hex=$TRASH/fw.hex" build >again 2>err &&
	test_cmp recs again &&
	test_cmp /dev/null fake/make.log &&
	! grep building err
'

test_expect_success GIT_CLI 'an uncommitted change: built again, registered as dirty; another change, another build' '
	echo "/* mine */" >>tree/py/x.c &&
	: >fake/make.log &&
	FAKE_OUT="elf=$TRASH/fw.elf" build >dirty 2>err &&
	test "$(jq -r "[.firmware.commit, .firmware.dirty] | @tsv" dirty)" = "$(printf "%s\ttrue" $(git -C tree rev-parse HEAD))" &&
	# only what this build made: not the .hex the last one left in the build folder
	test "$(jq -r .firmware.format dirty)" = elf &&
	test "$(dirname "$(json_field dirty firmware.file)")" != "$(dirname "$(json_field recs firmware.file)")" &&
	grep -c "BUILD=" fake/make.log >n1 && test "$(cat n1)" = 1 &&
	FAKE_OUT="elf=$TRASH/fw.elf" build >same 2>err && test "$(grep -c "BUILD=" fake/make.log)" = 1 &&
	echo "/* more */" >>tree/py/x.c &&
	FAKE_OUT="elf=$TRASH/fw.elf" build >dirty2 2>err && test "$(grep -c "BUILD=" fake/make.log)" = 2 &&
	echo new >tree/py/untracked.c &&
	FAKE_OUT="elf=$TRASH/fw.elf" build >dirty3 2>err && test "$(grep -c "BUILD=" fake/make.log)" = 3 &&
	test "$(json_field dirty3 firmware.dirty)" = true
'

test_expect_success GIT_CLI '--force builds again from a clean build folder; other make arguments are another build, in a fresh build folder' '
	git -C tree stash -u -q &&
	: >fake/make.log &&
	mkdir -p tree/ports/qemu/build-MPS2_AN385/obj && : >tree/ports/qemu/build-MPS2_AN385/obj/old.o &&
	FAKE_OUT="elf=$TRASH/fw.elf hex=$TRASH/fw.hex" build --force >forced 2>err &&
	test "$(grep -c "BUILD=" fake/make.log)" = 1 &&
	test ! -e tree/ports/qemu/build-MPS2_AN385/obj/old.o &&
	test_cmp recs forced &&
	mkdir -p tree/ports/qemu/build-MPS2_AN385/obj && : >tree/ports/qemu/build-MPS2_AN385/obj/old.o &&
	FAKE_OUT="elf=$TRASH/fw.elf" build -- CFLAGS_EXTRA=-DX=1 >flags 2>err &&
	grep -x "make -j [0-9]* -C ports/qemu BOARD=MPS2_AN385 BUILD=build-MPS2_AN385 CFLAGS_EXTRA=-DX=1" fake/make.log &&
	test ! -e tree/ports/qemu/build-MPS2_AN385/obj/old.o &&
	test "$(dirname "$(json_field flags firmware.file)")" != "$(dirname "$(json_field recs firmware.file)")"
'

test_expect_success 'a tree that is not a git checkout, inside one: the version header, no commit' '
	git init -q outer && fake_tree outer/mpy &&
	git -C outer add -A && git -C outer commit -qm outer && git -C outer tag v9.9.9 &&
	FAKE_OUT="elf=$TRASH/fw.elf" PATH=$TRASH/fake:$PATH mpf-build --src outer/mpy --board MPS2_AN385 -o jsonl </dev/null >plain 2>err &&
	cat plain &&
	test "$(jq -c "[.firmware.version, .firmware.build, .firmware.commit, .firmware.dirty, .firmware.source]" plain)" = \
		"[\"1.29.0-preview\",0,null,false,\"build\"]" &&
	: >fake/make.log &&
	FAKE_OUT="elf=$TRASH/fw.elf" PATH=$TRASH/fake:$PATH mpf-build --src outer/mpy --board MPS2_AN385 -o jsonl </dev/null >again 2>err &&
	test_cmp /dev/null fake/make.log &&
	echo "/* changed */" >>outer/mpy/py/mpconfig.h &&
	FAKE_OUT="elf=$TRASH/fw.elf" PATH=$TRASH/fake:$PATH mpf-build --src outer/mpy --board MPS2_AN385 -o jsonl </dev/null >changed 2>err &&
	grep -c "BUILD=" fake/make.log >n && test "$(cat n)" = 1 &&
	! grep -q submodules fake/make.log
'

test_expect_success GIT_CLI 'a failing build: the log'"'"'s tail shown and kept, nothing registered, exit 1' '
	echo "/* breaks */" >>tree/py/x.c &&
	mpf-fetch --list -o jsonl >before &&
	test_expect_code 1 env FAKE_FAIL="py/x.c:3: error: expected declaration" \
		PATH=$TRASH/fake:$PATH mpf-build --src tree --board MPS2_AN385 -o jsonl </dev/null >out 2>err &&
	cat err &&
	test_cmp /dev/null out &&
	grep "py/x.c:3: error: expected declaration" err &&
	grep "CC file29.c" err && ! grep "CC file5.c" err &&
	log=$(sed -n "s/.*failed (exit 2); the log: //p" err) &&
	grep -q "CC file5.c" "$log" &&
	mpf-fetch --list -o jsonl >after && test_cmp before after
'

test_expect_success GIT_CLI 'a failing build in a pipeline: the record carries the error, exit 1' '
	echo "{\"serial\":\"/dev/ttyACM0\",\"board_id\":\"MPS2_AN385\",\"port\":\"qemu\"}" >in &&
	test_expect_code 1 env FAKE_FAIL="boom" PATH=$TRASH/fake:$PATH mpf-build --src tree --method swd <in >out 2>err &&
	test "$(json_field out error.applet)" = mpf-build &&
	test "$(json_field out error.code)" = build-failed &&
	json_field out error.message | grep "failed (exit 2); the log: " &&
	test "$(json_field out serial)" = /dev/ttyACM0 &&
	test -z "$(json_field out firmware)"
'

test_expect_success GIT_CLI,SCRIPT 'on a terminal: the time so far and the log'"'"'s last line while make runs, a table after' '
	script -qec "FAKE_SLOW=3 FAKE_OUT=elf=$TRASH/fw.elf PATH=$TRASH/fake:$PATH mpf-build --src tree --board MPS2_AN385 --force </dev/null" /dev/null >out &&
	cat out &&
	grep -q "mpf-build: qemu MPS2_AN385: [0-9]s: CC slow[12].c" out &&
	grep -q "^Board  *Variant  *Version" out
'

test_expect_success GIT_CLI 'SIGTERM during the build: make stopped with it, nothing registered, exit 143' '
	mpf-fetch --list -o jsonl >before &&
	{ FAKE_SLOW=30 FAKE_OUT="elf=$TRASH/fw.elf" PATH=$TRASH/fake:$PATH mpf-build --src tree \
		--board MPS2_AN385 --force -o jsonl </dev/null >out 2>err & } &&
	pid=$! &&
	wait_for 20 grep -q "^make -j" fake/make.log &&
	wait_for 20 grep -q "CC slow0.c" $(ls -t builds/qemu/MPS2_AN385/*/build.log | head -n 1) &&
	kill -TERM $pid &&
	{ wait $pid; rc=$?; } && test $rc = 143 &&
	sleep 1 &&
	! ps -eo args | grep -v grep | grep -q "^/bin/sh $TRASH/fake/make" &&
	mpf-fetch --list -o jsonl >after && test_cmp before after &&
	# what the catalogue names of the earlier build is still there
	for f in $(jq -r .firmware.file after); do test -f "$f" || return 1; done
'

test_expect_success 'usage errors: exit 2, nothing built' '
	test_expect_code 2 mpf-build --board "A B" --src tree </dev/null 2>err && grep "bad board name" err &&
	test_expect_code 2 mpf-build --board X --as Y --src tree </dev/null 2>err &&
	test_expect_code 2 mpf-build --board X --src tree --container lxc </dev/null 2>err &&
	test_expect_code 2 mpf-build --board X --src tree -- notavar </dev/null 2>err && grep "VAR=VALUE" err &&
	test_expect_code 2 env -u MPY_DIR mpf-build --board X </dev/null 2>err && grep "MPY_DIR" err &&
	test_expect_code 66 mpf-build --board X --src . </dev/null 2>err && grep "not a MicroPython source tree" err &&
	test_expect_code 66 mpf-build --board NO_SUCH --src tree </dev/null 2>err && grep "no ports/\*/boards/NO_SUCH" err
'

test_expect_success 'mpf-fetch --add: a build'"'"'s commit is hex or "-", --dirty goes with it' '
	test_expect_code 2 mpf-fetch --add fw.elf --board B --port qemu --version 1.29.0 --commit xyz 2>err &&
	grep "bad --commit" err &&
	test_expect_code 2 mpf-fetch --add fw.elf --board B --port qemu --version 1.29.0 --dirty 2>err &&
	grep "dirty goes with --commit" err &&
	test_expect_code 2 mpf-fetch --list --commit abc 2>err &&
	mpf-fetch --add fw.elf --board B --port qemu --version 1.29.0 --commit - --dirty -o jsonl >rec &&
	test "$(jq -c "[.firmware.source, .firmware.commit, .firmware.dirty]" rec)" = "[\"build\",null,true]" &&
	mpf-fetch --add fw.hex --board B --port qemu --version 1.29.0 --custom -o jsonl >rec &&
	test "$(jq -c "[.firmware.source, .firmware.commit, .firmware.dirty]" rec)" = "[\"custom\",null,null]"
'

test_done
