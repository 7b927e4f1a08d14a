#!/bin/sh
test_description='make deb builds a Debian package that lintian passes and that runs from a scratch root'
. "${MPF_SRC:-.}/tests/lib.sh"

# Packaging does not change with the sanitizers; a package of sanitizer
# builds is not one anybody installs. The plain pass of make check builds it.
test "${SANITIZE:-}" != 1 || skip_all "the plain pass builds and checks the package"
test_lazy_prereq DPKG 'command -v dpkg-deb && command -v dpkg-gencontrol && command -v dpkg-shlibdeps'
test_lazy_prereq LINTIAN 'command -v lintian'

# Under make valgrind $MPF_BUILD holds the valgrind wrappers, not a build.
build=$MPF_BUILD
test -z "${MPF_VALGRIND:-}" || build=$MPF_SRC/build
deb() {
	make -s -C "$MPF_SRC" deb B="$build" DEB_DIR="$TRASH/deb" \
		SANITIZE="${SANITIZE:-}" "$@" >make.log 2>&1
}
version=$(mpf --version | awk '{print $NF; exit}')

test_expect_success DPKG 'make deb builds mpf_VERSION_ARCH.deb' '
	deb &&
	pkg=$(echo deb/mpf_${version}_*.deb) &&
	test -f "$pkg" && echo "$pkg" >pkg &&
	test "$(dpkg-deb -f "$pkg" Package)" = mpf &&
	test "$(dpkg-deb -f "$pkg" Version)" = "$version"
'

test_expect_success DPKG 'Depends names the libraries mpf links and libcurl4, which it loads at run time' '
	dpkg-deb -f "$(cat pkg)" Depends | tr , "\n" | awk "{print \$1}" >depends &&
	for lib in libc6 libserialport0 libusb-1.0-0 libsqlite3-0 libjansson4 zlib1g libssl3 libcurl4; do
		grep -qx "$lib" depends || { echo "Depends lacks $lib"; return 1; }
	done
'

test_expect_success DPKG,LINTIAN 'lintian reports no error' '
	lintian "$(cat pkg)" >lintian.out 2>&1 || true &&
	cat lintian.out &&
	! grep "^E:" lintian.out
'

test_expect_success DPKG 'the package lays out man pages, completions and udev rules where Debian expects them' '
	dpkg -x "$(cat pkg)" root &&
	for a in mpf $(mpf --list | awk "{print \$1}"); do
		test -f root/usr/share/man/man1/$a.1.gz || { echo "no man page for $a"; return 1; }
	done &&
	test -f root/usr/share/man/man7/mpf.7.gz &&
	test -f root/usr/share/bash-completion/completions/mpf &&
	test -f root/usr/share/zsh/vendor-completions/_mpf &&
	test -f root/usr/share/fish/vendor_completions.d/mpf.fish &&
	test -f root/usr/share/doc/mpf/copyright &&
	test -f root/usr/share/doc/mpf/changelog.gz &&
	{ ls root/lib/udev/rules.d/*.rules root/usr/lib/udev/rules.d/*.rules 2>/dev/null || :; } >rules &&
	for r in "$MPF_SRC"/scripts/udev/*.rules; do
		grep -q "/$(basename "$r")\$" rules || { echo "$r not in rules.d"; return 1; }
	done
'

test_expect_success DPKG 'mpf --list runs from the extracted package with the system libraries' '
	env -u LD_LIBRARY_PATH -u LD_PRELOAD root/usr/bin/mpf --list >list &&
	mpf --list >want &&
	test_cmp want list &&
	env -u LD_LIBRARY_PATH root/usr/bin/mpf-scan --version >out &&
	grep -q "^mpf-scan (mpf) $version" out
'

test_expect_success DPKG 'make deb refuses a Makefile version the Debian changelog does not have' '
	test_must_fail deb VERSION=0.0.0-not-released &&
	grep -q "debian/changelog is at" make.log
'

test_done
