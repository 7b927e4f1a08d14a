#!/bin/sh
test_description='lib/ is in layers: no module includes a header of a higher layer'
. "${MPF_SRC:-.}/tests/lib.sh"

test_expect_success 'the tree keeps its layers' '
	"$MPF_SRC"/tests/check-layers "$MPF_SRC" >out 2>&1 ||
	{ cat out; false; }
'

# A copy of the tree with one wrong line: the check must name it.
copy_tree() {
	mkdir -p tree && cp "$MPF_SRC"/Makefile tree/ && cp -r "$MPF_SRC"/lib tree/
}

test_expect_success 'a pure protocol module including the scan layer fails, naming the line' '
	copy_tree &&
	sed -i "0,/#include \"err.h\"/s//#include \"err.h\"\n#include \"scan.h\"/" tree/lib/proto/uf2.c &&
	test_must_fail "$MPF_SRC"/tests/check-layers tree >out &&
	grep -q "^proto/uf2.c:[0-9]*: includes scan.h (board)" out
'

test_expect_success 'a core header including a transport fails' '
	rm -rf tree && copy_tree &&
	sed -i "s|^#include <stddef.h>|#include <stddef.h>\n#include \"transport.h\"|" tree/lib/core/buf.h &&
	test_must_fail "$MPF_SRC"/tests/check-layers tree >out &&
	grep -q "^core/buf.h:[0-9]*: includes transport.h (transport)" out
'

test_expect_success 'including a lower or the same layer is fine' '
	rm -rf tree && copy_tree &&
	sed -i "s|^#include \"scan.h\"|#include \"scan.h\"\n#include \"buf.h\"\n#include \"ident.h\"|" tree/lib/board/reappear.c &&
	"$MPF_SRC"/tests/check-layers tree
'

test_expect_success 'a module outside the layers fails' '
	rm -rf tree && copy_tree &&
	echo "int x;" >tree/lib/stray.c &&
	test_must_fail "$MPF_SRC"/tests/check-layers tree >out &&
	grep -q "^stray.c: not in a layer" out
'

test_lazy_prereq LIBMPF 'command -v nm && test -f "$MPF_BUILD/libmpf.a"'

# One namespace for the library: a name a program linking libmpf.a could
# collide with is a name without the prefix. "mpf" itself is the common
# options every applet shares.
test_expect_success LIBMPF 'every global symbol libmpf.a defines is named mpf_...' '
	nm -g --defined-only "$MPF_BUILD/libmpf.a" | awk "NF == 3 { print \$3 }" >syms &&
	test -s syms &&
	grep -v -e "^mpf_" -e "^mpf\$" -e "^__" syms >bad;
	test_cmp /dev/null bad
'

test_done
