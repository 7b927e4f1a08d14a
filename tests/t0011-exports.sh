#!/bin/sh
test_description='no exported function that nobody calls: nm reads the built library, the applets and the tests'
. "${MPF_SRC:-.}/tests/lib.sh"

# check BUILD [FUZZDIR]: the fuzz harnesses of the tree by default
check() { "$MPF_SRC"/tests/check-exports "$1" "${2:-$MPF_SRC/tests/fuzz}"; }

test_expect_success 'every function the build exports is called from another object' '
	check "$MPF_BUILD" >out 2>&1 || { cat out; false; }
'

# A copy of the build's objects, and a module to add to it.
copy_build() {
	rm -rf b && mkdir -p b/cmd && cp "$MPF_BUILD"/libmpf.a b/ && cp "$MPF_BUILD"/cmd/*.o b/cmd/ &&
	(cd "$MPF_BUILD" && find tests -name "*.o" ! -name "*.pic.o") | while read -r o; do
		mkdir -p "b/${o%/*}" && cp "$MPF_BUILD/$o" "b/$o" || return 1
	done
}
compile() { printf "%s\n" "$2" >"$1.c" && ${CC:-cc} -c -o "$1.o" "$1.c"; }

test_expect_success 'a function added to the library that nobody calls fails, named' '
	copy_build &&
	compile stray "int mpf_stray(void) { return 1; }" &&
	ar rs b/libmpf.a stray.o 2>/dev/null &&
	test_must_fail check b >out &&
	test "$(cat out)" = "stray.o: mpf_stray"
'

test_expect_success 'so does one called only inside its own module (it should be static)' '
	copy_build &&
	compile stray "int mpf_inner(void); int mpf_inner(void) { return 1; }
int mpf_outer(void); int mpf_outer(void) { return mpf_inner(); }" &&
	ar rs b/libmpf.a stray.o 2>/dev/null &&
	test_must_fail check b >out &&
	printf "stray.o: mpf_inner\nstray.o: mpf_outer\n" >expect &&
	test_cmp expect out
'

test_expect_success 'and one an applet exports' '
	copy_build &&
	compile b/cmd/stray "int stray_main(void); int stray_main(void) { return 0; }" &&
	test_must_fail check b >out &&
	test "$(cat out)" = "stray.o: stray_main"
'

test_expect_success 'a function only a test or a simulator calls is called' '
	copy_build &&
	compile stray "int mpf_stray(void); int mpf_stray(void) { return 1; }" &&
	ar rs b/libmpf.a stray.o 2>/dev/null &&
	mkdir -p b/tests/unit && compile b/tests/unit/t-stray "int mpf_stray(void);
int main(void) { return mpf_stray(); }" &&
	check b
'

test_expect_success 'and one only a fuzz harness names' '
	copy_build &&
	compile stray "int mpf_stray(void); int mpf_stray(void) { return 1; }" &&
	ar rs b/libmpf.a stray.o 2>/dev/null &&
	mkdir fuzz && cp "$MPF_SRC"/tests/fuzz/*.c fuzz/ &&
	test_must_fail check b fuzz &&
	echo "int main(void) { return mpf_stray(); }" >fuzz/fuzz-stray.c &&
	check b fuzz
'

test_done
