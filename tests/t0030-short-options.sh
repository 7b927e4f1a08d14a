#!/bin/sh
test_description='a short option means one thing in every applet and script

Every "--long, -c" line of every applet'"'"'s --help (generated from its option
table) and of every script'"'"'s --help is collected; a letter that stands for
two long options anywhere fails. --version is settled in mpf(7).'
. "${MPF_SRC:-.}/tests/lib.sh"

# shorts CMD: "c --long" for each short option CMD --help lists
shorts() {
	"$@" --help | sed -n 's/^  *\(--[a-z0-9-]*\), -\([A-Za-z0-9]\).*/\2 \1/p'
}

test_expect_success 'every short option letter has one long name across applets and scripts' '
	for a in $(mpf --list | awk "{print \$1}"); do
		shorts "$a" | sed "s/\$/ $a/" || return 1
	done >all &&
	for s in mpf-update mpf-download mpf-list mpf-build; do
		shorts "$MPF_SRC/scripts/$s" | sed "s/\$/ $s/" || return 1
	done >>all &&
	grep -q "^h --help mpf-scan" all &&
	grep -q "^b --board mpf-update" all &&
	sort -u -k1,2 all | awk "{print \$1}" | uniq -d >twice &&
	for c in $(cat twice); do grep "^$c " all; done &&
	test ! -s twice
'

test_expect_success 'the dropped letters are refused, the long names kept' '
	test_expect_code 2 mpf-swd -a 0x1000 info 2>err &&
	grep -q "unknown option" err &&
	test_expect_code 2 mpf-esp -b 115200 info 2>err &&
	test_expect_code 2 mpf-bootloader -u uf2 2>err &&
	mpf-swd --help | grep -q -- "--address ADDR" &&
	mpf-esp --help | grep -q -- "--baud RATE"
'

test_expect_success 'mpf(7) says what --version means' '
	grep -A4 "^\.SS \"The .*version option" "$MPF_SRC/man/mpf.7" | grep -q "program version"
'

test_done
