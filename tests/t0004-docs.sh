#!/bin/sh
test_description='man pages and completions match the option tables; they lint clean'
. "${MPF_SRC:-.}/tests/lib.sh"


applets=$(mpf --list | awk '{print $1}')

test_expect_success 'every man page is what the binary generates (make docs)' '
	for p in mpf $applets; do
		mpf --man $p >gen.$p &&
		test_cmp "$MPF_SRC/man/$p.1" gen.$p || {
			echo "man/$p.1 is stale: run make docs"; return 1; }
	done
'

test_expect_success 'completions are what the binary generates (make docs)' '
	mpf --completion bash >bash.gen && test_cmp "$MPF_SRC/completions/mpf.bash" bash.gen &&
	mpf --completion zsh >zsh.gen && test_cmp "$MPF_SRC/completions/_mpf" zsh.gen &&
	mpf --completion fish >fish.gen && test_cmp "$MPF_SRC/completions/mpf.fish" fish.gen
'

test_expect_success 'the udev rules are what the USB id tables generate (make docs)' '
	tool=$(mpf_sim mpf-test-tool) &&
	"$tool" udev-rules >names && test -s names &&
	(cd "$MPF_SRC/scripts/udev" && ls *.rules) >files &&
	test_cmp names files &&
	while read f; do
		"$tool" udev-rules "$f" >gen.$f &&
		test_cmp "$MPF_SRC/scripts/udev/$f" gen.$f || {
			echo "scripts/udev/$f is stale: run make docs"; return 1; }
	done <names
'

test_expect_success 'no man page or completion for an applet that does not exist' '
	for f in "$MPF_SRC"/man/mpf-*.1; do
		a=$(basename $f .1) &&
		echo "$applets" | grep -qx "$a" || test -f "$MPF_SRC/scripts/$a" || {
			echo "orphan $f"; return 1; }
	done
'

test_expect_success MANDOC 'man pages lint clean (mandoc -T lint)' '
	mandoc -T lint -W warning "$MPF_SRC"/man/*.1 "$MPF_SRC"/man/mpf.7 >lint 2>&1;
	test_cmp /dev/null lint
'

test_expect_success GROFF 'man pages render without groff warnings' '
	for f in "$MPF_SRC"/man/*.1 "$MPF_SRC"/man/mpf.7; do
		groff -ww -z -man "$f" 2>>warn || return 1
	done &&
	test_cmp /dev/null warn
'

test_expect_success 'mpf(7) lists the same exit statuses as the binary' '
	sed -n "/^\.SH EXIT STATUS/,/^\.SH/p" "$MPF_SRC/man/mpf.7" | sed -n "s/^\.B //p" >seven &&
	sed -n "/^\.SH EXIT STATUS/,/^\.SH/p" gen.mpf | sed -n "s/^\.B //p" >binary &&
	test -s binary &&
	test_cmp binary seven
'

test_expect_success 'every option in --help is in the man page and the completions' '
	for a in $applets; do
		$a --help | sed -n "s/^  \(--[a-z0-9-]*\).*/\1/p" >opts.$a &&
		while read o; do
			grep -q -- "$(echo "$o" | sed "s/-/\\\\\\\\-/g")" "$MPF_SRC/man/$a.1" &&
			grep -q -- " $o" "$MPF_SRC/completions/mpf.bash" || {
				echo "$a $o missing"; return 1; }
		done <opts.$a || return 1
	done
'

complete_words() {
	# complete_words WORD...: what bash completion offers for the last word
	bash -c '
		. "$MPF_SRC/completions/mpf.bash"
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_mpf; printf "%s\n" "${COMPREPLY[@]}"
	' complete "$@"
}

test_expect_success BASH 'bash completion: applets, options and option values (compgen)' '
	complete_words mpf sc >out && grep -qx scan out &&
	complete_words mpf-scan --ki >out && grep -qx -- --kind out &&
	complete_words mpf-scan --kind "" >out && grep -qx probe out && grep -qx uf2 out &&
	complete_words mpf scan --output t >out && grep -qx table out &&
	complete_words mpf-scan -o "" >out && test $(wc -l <out) -eq 3 &&
	complete_words mpf-pick --method "" >out && printf "%s\n" uf2 dfu esp swd >want &&
	test_cmp want out &&
	complete_words mpf pick -m s >out && grep -qx swd out && test $(wc -l <out) -eq 1
'

test_expect_success BASH 'bash completion: subcommands and choices from the driver tables' '
	complete_words mpf-dfu r >out && printf "%s\n" read >want && test_cmp want out &&
	complete_words mpf esp erase >out && printf "%s\n" erase erase-region >want &&
	test_cmp want out &&
	complete_words mpf-esp --chip esp32s >out && printf "%s\n" esp32s2 esp32s3 esp32s31 >want &&
	test_cmp want out &&
	complete_words mpf-swd --target "" >out && printf "%s\n" nrf52 stm32f4 stm32l4 stm32h7 stm32l0 stm32f1 stm32h5 stm32u5 stm32wl stm32wb nrf51 nrf53 rp2040 rp2350 >want &&
	test_cmp want out &&
	complete_words mpf-uf2 --family RP2350_A >out &&
	printf "%s\n" RP2350_ARM_NS RP2350_ARM_S >want && test_cmp want out
'

test_done
