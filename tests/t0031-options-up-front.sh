#!/bin/sh
test_description='every stage'"'"'s options are checked before the first board is touched;
options that cannot go together are usage errors'
. "${MPF_SRC:-.}/tests/lib.sh"

# endless records on stdin: an applet that read them would be cut off by timeout (124)
test_expect_success 'MPF_CHECK_OPTIONS: parse, exit 0 or 2, read nothing' '
	yes "{}" | MPF_CHECK_OPTIONS=1 timeout 5 mpf-info -o jsonl >out 2>err &&
	test ! -s out && test ! -s err &&
	{ yes "{}" | MPF_CHECK_OPTIONS=1 timeout 5 mpf-info -o xml 2>err; test $? = 2; } &&
	grep -q "xml" err &&
	{ yes "{}" | MPF_CHECK_OPTIONS=1 timeout 5 mpf-pick --version nope 2>err; test $? = 2; } &&
	grep -q "bad --version" err
'

# bin/: the applets, mpf-scan one that notes it ran (mpf-update finds its
# applets through MPF_BUILD)
mkdir bin &&
for a in $(mpf --list | awk '{print $1}'); do ln -s "$MPF_BUILD/$a" bin/$a; done &&
rm bin/mpf-scan &&
printf '#!/bin/sh\n: >"%s/scanned"\nexec "%s/mpf-scan" "$@"\n' "$PWD" "$MPF_BUILD" >bin/mpf-scan &&
chmod +x bin/mpf-scan

test_expect_success 'mpf-update -o xml and a bad --version stop before the scan' '
	test_expect_code 2 env MPF_BUILD="$PWD/bin" mpf-update -o xml >out 2>err &&
	grep -q "xml" err &&
	! test -e scanned &&
	test ! -s out &&
	test_expect_code 2 env MPF_BUILD="$PWD/bin" mpf-update --version 1.x >out 2>err &&
	grep -q "bad --version" err &&
	! test -e scanned &&
	# the wrapper is used when options are good
	env MPF_BUILD="$PWD/bin" mpf-update --serial /dev/ttyNOPE >out 2>err;
	test -e scanned
'

# conflict APPLET ARGS...: exit 2 naming both options
while read -r a b applet args; do
	test_expect_success "$applet: --$a and --$b cannot go together" "
		test_expect_code 2 timeout 10 $applet $args </dev/null >out 2>err &&
		grep -q -- \"--$a and --$b cannot go together\" err &&
		test ! -s out
	"
done <<'EOF2'
all address mpf-swd erase --all --address 0x1000
all address mpf-swd --address 0x1000 erase --all
drive device mpf-uf2 --drive . --device /dev/null fw.uf2
raw drive mpf-uf2 --raw --drive . fw.uf2
board as mpf-pick --board RPI_PICO --as RPI_PICO_W
erase-all skip-unchanged mpf-esp -s /dev/null --erase-all --skip-unchanged write 0 fw.bin
EOF2

test_done
