#!/bin/sh
test_description='mpf-build --force: a build that makes fewer formats than the cached one leaves no catalogue row naming a file it no longer has, and mpf-fetch --remove unregisters a build

The make here is a fake (tests/build-lib.sh) that writes the firmware
files a port build would.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/build-lib.sh"

test_have_prereq JQ || skip_all "jq missing"
command -v arm-none-eabi-gcc >/dev/null || skip_all "arm-none-eabi-gcc missing (the qemu port's compiler)"
MPF_BUILD_CACHE=$TRASH/builds

# build [mpf-build options]: the qemu board of ./tree with the fake make
build() { PATH=$TRASH/fake:$PATH mpf-build --src tree --board MPS2_AN385 -o jsonl "$@" </dev/null; }

# rows: the catalogue's formats of the build, and whether each file is there
rows() {
	mpf-fetch --list --board MPS2_AN385 -o jsonl </dev/null |
		jq -r '"\(.firmware.format) \(.firmware.file)"' | sort |
		while read -r fmt file; do echo "$fmt $(test -f "$file" && echo there || echo gone)"; done
}

test_expect_success 'setup: a tree, images a port build makes, a fake make' '
	head -c 3000 /dev/urandom >text.bin &&
	"$(mpf_sim mkimage)" elf fw.elf 0x0:text.bin &&
	"$(mpf_sim mkimage)" hex fw.hex 0x0:text.bin &&
	fake_make fake && fake_tree tree
'

test_expect_success 'a build of two formats registers both' '
	FAKE_OUT="elf=$TRASH/fw.elf hex=$TRASH/fw.hex" build >two 2>err &&
	test "$(jq -r .firmware.format two | sort | tr "\n" " ")" = "elf hex " &&
	rows >got && printf "elf there\nhex there\n" >want && test_cmp want got
'

test_expect_success '--force, now only .elf: the .hex row goes with its file' '
	FAKE_OUT="elf=$TRASH/fw.elf" build --force >one 2>err &&
	test "$(jq -r .firmware.format one)" = elf &&
	rows >got && echo "elf there" >want && test_cmp want got
'

test_expect_success '--force with both again: both registered, each file there' '
	FAKE_OUT="elf=$TRASH/fw.elf hex=$TRASH/fw.hex" build --force >again 2>err &&
	rows >got && printf "elf there\nhex there\n" >want && test_cmp want got
'

test_expect_success 'mpf-fetch --remove: the row of a build goes, its file stays; a file not registered is said so' '
	f=$(jq -r "select(.firmware.format == \"hex\") | .firmware.file" again) &&
	mpf-fetch --remove "$f" </dev/null 2>err &&
	grep -q "unregistered $f" err &&
	test -f "$f" &&
	rows >got && echo "elf there" >want && test_cmp want got &&
	mpf-fetch --remove "$f" </dev/null 2>err &&
	grep -q "was not registered" err &&
	test_expect_code 2 mpf-fetch --remove "$f" --list </dev/null 2>err
'

test_done
