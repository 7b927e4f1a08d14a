#!/bin/sh
test_description='the workflow scripts run their own applets and quote what the environment gives'
. "${MPF_SRC:-.}/tests/lib.sh"

# A bare environment: no MPF_BUILD, no build folder on PATH. The scripts
# must find the applets of their checkout or install, not fail on "not found".
test_expect_success 'env -i: mpf-update and mpf-list find the checkout s applets' '
	env -i PATH=/usr/bin:/bin HOME="$HOME" MPF_HOME="$MPF_HOME" \
		"$MPF_SRC/scripts/mpf-update" --serial "/nonexistent-*" >out 2>err;
	test $? = 69 &&
	! grep "not found" err &&
	grep -q "no board found" err &&
	env -i PATH=/usr/bin:/bin HOME="$HOME" \
		"$MPF_SRC/scripts/mpf-list" --serial "/nonexistent-*" -o jsonl >out 2>err &&
	! grep "not found" err
'

test_expect_success 'installed: the applets beside the script come first' '
	mkdir -p inst/bin &&
	cp "$MPF_SRC/scripts/mpf-list" inst/bin/ &&
	for a in scan info; do ln -s "$MPF_BUILD/mpf" inst/bin/mpf-$a || return 1; done &&
	mkdir -p decoy && printf "#!/bin/sh\necho decoy >&2; exit 3\n" >decoy/mpf-scan &&
	cp decoy/mpf-scan decoy/mpf-info && chmod +x decoy/* &&
	env -i PATH="$PWD/decoy:/usr/bin:/bin" HOME="$HOME" \
		inst/bin/mpf-list --serial "/nonexistent-*" -o jsonl >out 2>err &&
	! grep decoy err
'

# Stub applets beside a copy of mpf-download: one board found, the
# catalogue "updated", the pick echoed. A TMPDIR holding quotes, $(...)
# and spaces must stay a file name.
test_expect_success 'TMPDIR with a quote, $(...) and spaces runs nothing' '
	mkdir -p stub &&
	cp "$MPF_SRC/scripts/mpf-download" stub/ &&
	printf "#!/bin/sh\necho \"{\\\\\"serial\\\\\":\\\\\"/dev/ttyX\\\\\"}\"\n" >stub/mpf-scan &&
	printf "#!/bin/sh\necho \"{\\\\\"serial\\\\\":\\\\\"/dev/ttyX\\\\\",\\\\\"board_id\\\\\":\\\\\"RPI_PICO\\\\\"}\"\n" >stub/mpf-info &&
	printf "#!/bin/sh\ncat\n" >stub/mpf-pick &&
	printf "#!/bin/sh\ncase \\\$* in *--update*) exit 0;; esac\ncat\n" >stub/mpf-fetch &&
	chmod +x stub/* &&
	t="$PWD/tmp a'"'"'\$(touch $PWD/pwned)'"'"' b" &&
	mkdir -p "$t" &&
	PATH="$PWD/stub:$PATH" TMPDIR="$t" stub/mpf-download -o jsonl >out 2>err &&
	test ! -e pwned &&
	grep -q RPI_PICO out
'

test_done
