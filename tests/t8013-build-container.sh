#!/bin/sh
test_description='mpf-build in a container: the engine and image it chooses, the command line it runs, and a clear error when nothing can build

No container engine is needed: docker and podman here are fakes that log
their arguments and run the command line they were given in the tree,
with a fake make (tests/build-lib.sh) standing for the image'"'"'s.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/build-lib.sh"

test_have_prereq JQ || skip_all "jq missing"
MPF_BUILD_CACHE=$TRASH/builds

# fake_engine DIR NAME: a container engine that logs each argument on a
# line of DIR/NAME.log and runs "bash -c CMD" (its last two) in the -w folder
fake_engine() {
	cat >"$1/$2" <<-\EOF2 &&
	#!/bin/sh
	log=$(dirname "$0")/$(basename "$0").log
	for a; do echo "$a"; done >"$log"
	while [ $# -gt 2 ]; do [ "$1" = -w ] && w=$2; shift; done
	[ -n "${FAKE_ENGINE_FAIL:-}" ] && { echo "$FAKE_ENGINE_FAIL" >&2; exit 125; }
	cd "$w" && exec sh -c "$2"
	EOF2
	chmod +x "$1/$2"
}

# only DIR CMD...: DIR/bin holds these commands and no others (for a PATH
# without a container engine or a compiler)
only() {
	_d=$1; shift
	mkdir -p "$_d" && for _c; do
		_p=$(command -v "$_c") && ln -sf "$_p" "$_d/$_c" || return 1
	done
}
TOOLS="sed awk git find sort sha256sum cut mktemp dirname nproc date stty tail cat cp mv rm mkdir flock setsid id head tr xargs cmp basename ls env sh"

head -c 2000 /dev/urandom >text.bin
"$(mpf_sim mkimage)" elf fw.elf 0x0:text.bin
FAKE_OUT="elf=$TRASH/fw.elf"
export FAKE_OUT

test_expect_success 'setup: a tree with an esp32 board, rp2 boards, the engines' '
	fake_make fake && fake_tree tree &&
	mkdir -p tree/ports/esp32/boards/ESP32_GENERIC_S3 tree/ports/esp32/boards/ESP32_GENERIC_C3 \
		tree/ports/esp32/lockfiles tree/ports/rp2/boards/RPI_PICO2 tree/.github/workflows &&
	echo "{ \"mcu\": \"esp32s3\", \"product\": \"S3\" }" >tree/ports/esp32/boards/ESP32_GENERIC_S3/board.json &&
	echo "{ \"mcu\": \"esp32c3\" }" >tree/ports/esp32/boards/ESP32_GENERIC_C3/board.json &&
	printf "dependencies:\n  espressif/mdns:\n    version: 1.1.0\n  idf:\n    source:\n      type: idf\n    version: 5.5.1\ntarget: esp32s3\n" \
		>tree/ports/esp32/lockfiles/dependencies.lock.esp32s3 &&
	fake_engine fake docker && fake_engine fake podman &&
	mkdir -p podonly && fake_engine podonly podman && cp fake/make podonly/ &&
	only bare $TOOLS && cp fake/make bare/ &&
	only podonly $TOOLS
'

test_expect_success 'esp32 without ESP-IDF: docker, the ESP-IDF of the chip'"'"'s lockfile, the tree at its own path' '
	! command -v idf.py &&
	PATH=$TRASH/fake:$PATH mpf-build --src tree --board ESP32_GENERIC_S3 -o jsonl </dev/null >recs 2>err &&
	cat err && test "$(json_field recs firmware.format)" = elf &&
	test "$(json_field recs port)" = esp32 &&
	cat >want <<-EOF &&
	run
	--rm
	-v
	$TRASH/tree:$TRASH/tree
	-w
	$TRASH/tree
	--user
	$(id -u):$(id -g)
	-e
	HOME=/tmp
	-e
	GIT_CEILING_DIRECTORIES=$TRASH
	espressif/idf:v5.5.1
	bash
	-c
	git config --global --add safe.directory '"'*'"' 2>/dev/null; make -C mpy-cross && make -j 3 -C ports/esp32 BOARD=ESP32_GENERIC_S3 BUILD=build-ESP32_GENERIC_S3
	EOF
	: >fake/make.log && rm -rf builds &&
	PATH=$TRASH/fake:$PATH mpf-build --src tree --board ESP32_GENERIC_S3 -j 3 -o jsonl </dev/null >recs 2>err &&
	test_cmp want fake/docker.log &&
	grep "building esp32 ESP32_GENERIC_S3 (docker: docker espressif/idf:v5.5.1)" err &&
	grep -x "make -j 3 -C ports/esp32 BOARD=ESP32_GENERIC_S3 BUILD=build-ESP32_GENERIC_S3" fake/make.log
'

test_expect_success 'ESP-IDF without a lockfile: the newest the port'"'"'s CI builds with, else mpbuild'"'"'s default' '
	PATH=$TRASH/fake:$PATH mpf-build --src tree --board ESP32_GENERIC_C3 -o jsonl </dev/null >recs 2>err &&
	grep -x "espressif/idf:v5.4.2" fake/docker.log &&
	printf "env:\n  IDF_OLDEST_VER: &oldest \"v5.2.2\"\n  IDF_NEWEST_VER: &newest \"v5.5.2\"\n" >tree/.github/workflows/ports_esp32.yml &&
	PATH=$TRASH/fake:$PATH mpf-build --src tree --board ESP32_GENERIC_C3 -o jsonl </dev/null >recs 2>err &&
	grep -x "espressif/idf:v5.5.2" fake/docker.log
'

test_expect_success 'rp2 in a container (--container docker): the bookworm ARM image; RISCV: its own image and variant' '
	PATH=$TRASH/fake:$PATH mpf-build --src tree --board RPI_PICO2 --container docker -o jsonl </dev/null >recs 2>err &&
	grep -x "micropython/build-micropython-arm:bookworm" fake/docker.log &&
	PATH=$TRASH/fake:$PATH mpf-build --src tree --board RPI_PICO2-RISCV --container docker -o jsonl </dev/null >recs 2>err &&
	grep -x "micropython/build-micropython-rp2350riscv" fake/docker.log &&
	grep "make -j [0-9]* -C ports/rp2 BOARD=RPI_PICO2 BOARD_VARIANT=RISCV BUILD=build-RPI_PICO2-RISCV" fake/docker.log &&
	test "$(json_field recs firmware.variant)" = RISCV
'

test_expect_success 'the image is part of the build: --image builds again, in that image' '
	: >fake/make.log &&
	PATH=$TRASH/fake:$PATH mpf-build --src tree --board RPI_PICO2 --container docker -o jsonl </dev/null >same 2>err &&
	test_cmp /dev/null fake/make.log &&
	PATH=$TRASH/fake:$PATH mpf-build --src tree --board RPI_PICO2 --container docker --image my/arm:1 -o jsonl </dev/null >mine 2>err &&
	grep -x "my/arm:1" fake/docker.log &&
	test "$(grep -c "BUILD=" fake/make.log)" = 1 &&
	test "$(dirname "$(json_field same firmware.file)")" != "$(dirname "$(json_field mine firmware.file)")"
'

test_expect_success 'a git worktree: its repository mounted too, so git describe works inside' '
	cp -r tree repo && rm -rf repo/ports/*/build-* &&
	echo "# board" >repo/ports/rp2/boards/RPI_PICO2/mpconfigboard.cmake &&
	git -C repo init -q && git -C repo add -A &&
	git -C repo -c user.name=t -c user.email=t@example.org commit -qm one &&
	git -C repo tag v1.29.0 &&
	git -C repo worktree add -q "$TRASH/wt" &&
	PATH=$TRASH/fake:$PATH mpf-build --src wt --board RPI_PICO2 --container docker -o jsonl </dev/null >recs 2>err &&
	cat err &&
	grep -x "$TRASH/repo/.git:$TRASH/repo/.git" fake/docker.log &&
	! grep -q GIT_CEILING fake/docker.log &&
	test "$(json_field recs firmware.version)" = 1.29.0 &&
	test "$(json_field recs firmware.commit)" = "$(git -C repo rev-parse HEAD)" &&
	# the repository itself: the same commit, the same build (the cache);
	# built again, only the tree is mounted
	PATH=$TRASH/fake:$PATH mpf-build --src repo --board RPI_PICO2 --container docker -o jsonl </dev/null >same 2>err &&
	! grep -q building err && test_cmp recs same &&
	PATH=$TRASH/fake:$PATH mpf-build --src repo --board RPI_PICO2 --container docker --force -o jsonl </dev/null >recs 2>err &&
	test "$(grep -c "^-v$" fake/docker.log)" = 1
'

test_expect_success 'podman when there is no docker: the caller kept as the owner inside (keep-id)' '
	PATH=$TRASH/podonly "$MPF_SRC/scripts/mpf-build" --src tree --board ESP32_GENERIC_S3 --force -o jsonl </dev/null >recs 2>err &&
	cat err &&
	grep -x -- "--userns=keep-id" podonly/podman.log &&
	! grep -x -- "--user" podonly/podman.log &&
	grep -x "espressif/idf:v5.5.1" podonly/podman.log &&
	test "$(json_field recs firmware.format)" = elf
'

test_expect_success 'neither a compiler nor an engine: what is missing, exit 69, nothing registered' '
	mpf-fetch --list -o jsonl >before &&
	test_expect_code 69 env PATH=$TRASH/bare "$MPF_SRC/scripts/mpf-build" --src tree --board ESP32_GENERIC_S3 --force -o jsonl </dev/null >out 2>err &&
	cat err &&
	grep "mpf-build: cannot build esp32 ESP32_GENERIC_S3: no idf.py on PATH, and neither docker nor podman to run espressif/idf:v5.5.1" err &&
	test_expect_code 69 env PATH=$TRASH/bare "$MPF_SRC/scripts/mpf-build" --src tree --board ESP32_GENERIC_S3 --container docker -o jsonl </dev/null >out 2>err &&
	grep "no docker to run espressif/idf:v5.5.1" err &&
	test_expect_code 69 env PATH=$TRASH/fake:$PATH mpf-build --src tree --board ESP32_GENERIC_S3 --container never -o jsonl </dev/null >out 2>err &&
	grep "no idf.py on PATH (--container never)" err &&
	mkdir -p tree/ports/zephyr/boards/FRDM && 
	test_expect_code 69 env PATH=$TRASH/fake:$PATH mpf-build --src tree --board FRDM -o jsonl </dev/null >out 2>err &&
	grep "no container image known for port zephyr (give --image)" err &&
	mpf-fetch --list -o jsonl >after && test_cmp before after
'

test_expect_success 'a failing container: its words shown, exit 1' '
	test_expect_code 1 env FAKE_ENGINE_FAIL="Unable to find image" PATH=$TRASH/fake:$PATH \
		mpf-build --src tree --board ESP32_GENERIC_S3 --force -o jsonl </dev/null >out 2>err &&
	grep "Unable to find image" err && grep "failed (exit 125)" err
'

test_done
