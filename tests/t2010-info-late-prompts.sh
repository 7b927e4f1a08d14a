#!/bin/sh
test_description='mpf-info on a slow board: prompts that come late (the REPL simulator'"'"'s --late-raw and --late-friendly) never pass for a reply, and a finished identification is kept'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"

test_have_prereq JQ || skip_all "jq missing"

# late PROFILE OUT [sim options] -- [mpf-info options]: identify one slow
# board; its record in OUT, mpf-info's stderr in OUT.err.
late() {
	_p=$1 _o=$2
	shift 2
	_s=
	while [ "$1" != -- ]; do _s="$_s $1"; shift; done
	shift
	# shellcheck disable=SC2086
	start_sim "$_o" --board "$_p" $_s &&
	mpf-info --timeout 6 "$@" "$(pty_of "$_o")" </dev/null >"$_o" 2>"$_o.err" &&
	stop_sim "$_o"
}

identified() {
	cat "$2" "$2.err" &&
	test "$(jq -c "[.version, .port, .error]" "$2")" = "$1"
}

# Each Ctrl-A is answered 500 ms late: mpf-info interrupts again after
# 400 ms, so a second prompt is still on its way when the first arrives.
test_expect_success 'a late raw prompt is not the reply to the raw-paste request' '
	late mps2-1.29.0-preview out --late-raw 500 -- &&
	identified "[\"1.29.0-preview\",\"qemu\",null]" out
'

test_expect_success 'nor the end of the soft reset (--reset)' '
	late mps2-1.29.0-preview out --late-raw 500 -- --reset &&
	identified "[\"1.29.0-preview\",\"qemu\",null]" out
'

test_expect_success 'a board before raw paste (1.9.2, which answers the request with a prompt) too' '
	late microbit-1.9.2 out --late-raw 500 -- &&
	identified "[\"1.9.2\",\"microbit\",null]" out &&
	late microbit-1.9.2 out --late-raw 500 -- --reset &&
	identified "[\"1.9.2\",\"microbit\",null]" out
'

test_expect_success 'plain raw mode (--no-raw-paste) too' '
	late mps2-1.29.0-preview out --late-raw 500 -- --no-raw-paste &&
	identified "[\"1.29.0-preview\",\"qemu\",null]" out
'

test_expect_success 'a late friendly prompt after Ctrl-B keeps the identification, with a warning' '
	late mps2-1.29.0-preview out --late-friendly 1500 -- &&
	identified "[\"1.29.0-preview\",\"qemu\",null]" out &&
	grep "warning: .*identified, but leaving the raw REPL: timed out waiting for the friendly REPL prompt" out.err
'

test_done
