#!/bin/sh
test_description='make install DESTDIR=... produces a working tree; make uninstall removes it'
. "${MPF_SRC:-.}/tests/lib.sh"

dest=$TRASH/root
# Under make valgrind $MPF_BUILD holds the valgrind wrappers, not a build:
# building there replaced them with plain binaries for every later test.
build=$MPF_BUILD
test -z "${MPF_VALGRIND:-}" || build=$MPF_SRC/build
inst() {
	make -s -C "$MPF_SRC" "$@" DESTDIR="$dest" PREFIX=/usr B="$build" \
		SANITIZE="${SANITIZE:-}" >make.log 2>&1
}

test_expect_success 'make install puts binary, applet links, man pages and completions in place' '
	inst install &&
	test -x "$dest/usr/bin/mpf" &&
	for a in $(mpf --list | awk "{print \$1}"); do
		test -L "$dest/usr/bin/$a" &&
		test -f "$dest/usr/share/man/man1/$a.1" || return 1
	done &&
	test -f "$dest/usr/share/man/man1/mpf.1" &&
	test -f "$dest/usr/share/man/man7/mpf.7" &&
	test -f "$dest/usr/share/bash-completion/completions/mpf" &&
	test -f "$dest/usr/share/zsh/vendor-completions/_mpf" &&
	test -f "$dest/usr/share/fish/vendor_completions.d/mpf.fish" &&
	test -f "$dest/usr/share/mpf/udev/65-mpf-stm32-dfu.rules"
'

test_expect_success 'the installed applets run from the installed tree alone' '
	"$dest/usr/bin/mpf-scan" --version >out &&
	grep -q "^mpf-scan (mpf)" out &&
	"$dest/usr/bin/mpf" scan --kind uf2 -o jsonl >/dev/null
'

test_expect_success 'make uninstall removes everything it installed' '
	inst uninstall &&
	find "$dest" -type f -o -type l >left &&
	test_cmp /dev/null left
'

test_done
