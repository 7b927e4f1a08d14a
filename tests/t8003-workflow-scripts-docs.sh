#!/bin/sh
test_description='the workflow scripts (mpf-list, mpf-download, mpf-update, mpf-build): man pages and completions agree with --help
Their man pages and completions are written by hand (the scripts have no
option tables); this test fails when a script gains or loses an option and
its page or a completion is not updated, and drives the bash completion with
compgen as a user pressing TAB would.'
. "${MPF_SRC:-.}/tests/lib.sh"

test_lazy_prereq ZSH 'command -v zsh'
test_lazy_prereq FISH 'command -v fish'

scripts="mpf-list mpf-download mpf-update mpf-build"
man_opt() { echo "$1" | sed 's/-/\\\\-/g'; }	# --serial -> \-\-serial, as in roff

# opts SCRIPT: the long and short options its --help lists
opts() {
	"$MPF_SRC/scripts/$1" --help | sed -n 's/^  \(-.*\)  .*/\1/p' |
		sed 's/ [A-Z[][^ ,]*//g; s/,/\n/g' | sed 's/^ *//; s/ .*//' | grep . | sort -u
}

test_expect_success 'each script has a man page, --help exits 0 and a bad option exits 2' '
	for s in $scripts; do
		test -f "$MPF_SRC/man/$s.1" || { echo "no man/$s.1"; return 1; }
		"$MPF_SRC/scripts/$s" --help >help && grep -q "^usage: $s" help &&
		test_expect_code 2 "$MPF_SRC/scripts/$s" --no-such-option 2>err &&
		grep -q "unknown option" err || return 1
	done
'

test_expect_success 'every --help option is in the man page, and every man page option in --help' '
	for s in $scripts; do
		opts $s >help.$s && test -s help.$s &&
		while read o; do
			grep -q -- "\\\\fB$(man_opt "$o")\\\\fR" "$MPF_SRC/man/$s.1" || {
				echo "$s: $o is not in man/$s.1"; return 1; }
		done <help.$s &&
		sed -n "/^\.SH OPTIONS/,/^\.SH /p" "$MPF_SRC/man/$s.1" |
			grep -o "\\\\fB\\\\-[^ ]*\\\\fR" | sed "s/\\\\f[BR]//g; s/\\\\//g" |
			sort -u >man.$s &&
		test_cmp help.$s man.$s || return 1
	done
'

test_expect_success 'every --help option is in the bash, zsh and fish completions' '
	for s in $scripts; do
		while read o; do
			bash -c ". \"\$1\"; _mpf_scripts_opts $s" x "$MPF_SRC/completions/mpf-scripts.bash" |
				tr " " "\n" | grep -qx -- "$o" || { echo "bash: $s $o"; return 1; }
			case $o in
			--*) grep -q -- "-l ${o#--}\\b" "$MPF_SRC/completions/mpf-scripts.fish" &&
			     grep -q -- "$o\\b" "$MPF_SRC/completions/_mpf-scripts" ;;
			-?) grep -q -- "-s ${o#-}\\b" "$MPF_SRC/completions/mpf-scripts.fish" &&
			    grep -q -- ",$o\\b\\|{$o," "$MPF_SRC/completions/_mpf-scripts" ;;
			esac || { echo "zsh or fish: $s $o"; return 1; }
		done <help.$s || return 1
	done
'

test_expect_success MANDOC 'the scripts'"'"' man pages lint clean (mandoc -T lint)' '
	for s in $scripts; do
		mandoc -T lint -W warning "$MPF_SRC/man/$s.1" >>lint 2>&1
	done;
	test_cmp /dev/null lint
'

test_expect_success GROFF 'the scripts'"'"' man pages render without groff warnings' '
	for s in $scripts; do
		groff -ww -z -man "$MPF_SRC/man/$s.1" 2>>warn || return 1
	done &&
	test_cmp /dev/null warn
'

complete_words() {
	# complete_words WORD...: what bash completion offers for the last word
	bash -c '
		. "$MPF_SRC/completions/mpf-scripts.bash"
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_mpf_scripts; printf "%s\n" "${COMPREPLY[@]}"
	' complete "$@"
}

test_expect_success BASH 'bash completion: options and their values (compgen)' '
	complete_words mpf-update --me >out && test "$(cat out)" = --method &&
	complete_words mpf-update --method "" >out && printf "%s\n" uf2 dfu esp swd >want &&
	test_cmp want out &&
	complete_words mpf-list -o "" >out && printf "%s\n" table jsonl json >want &&
	test_cmp want out &&
	complete_words mpf-list --me >out && test -z "$(cat out)" &&
	mkdir -p dev && : >dev/ttyACM7 &&
	complete_words mpf-update --serial "$PWD/dev/ttyA" >out && test "$(cat out)" = "$PWD/dev/ttyACM7"
'

test_expect_success BASH 'bash completion: versions and boards from the local catalogue' '
	printf "MicroPython v1.25.0 on 2025-04-15; Raspberry Pi Pico W with RP2040\0" >fw.bin &&
	mpf-uf2 convert --family RP2040 fw.bin RPI_PICO_W-20250415-v1.25.0.uf2 &&
	mpf-fetch --add RPI_PICO_W-20250415-v1.25.0.uf2 --board RPI_PICO_W --version 1.25.0 >/dev/null 2>&1 &&
	complete_words mpf-download --version "" >out &&
	grep -qx stable out && grep -qx 1.25.0 out &&
	complete_words mpf-update --board RPI >out && grep -qx RPI_PICO_W out
'

test_expect_success ZSH 'the zsh completion parses' '
	zsh -n "$MPF_SRC/completions/_mpf-scripts"
'

test_expect_success FISH 'the fish completion loads and offers --method values' '
	fish -c "source $MPF_SRC/completions/mpf-scripts.fish; complete -C \"mpf-update --method \"" >out &&
	grep -q "^swd" out
'

test_done
