#!/bin/sh
test_description='the fs benchmark (tests/bench/fs.sh) finishes: its timing helper leaves the callers'"'"' counters alone, and a round trip runs each command the number of times it says'
. "${MPF_SRC:-.}/tests/lib.sh"

test_have_prereq JQ || skip_all "jq missing"

test_expect_success 'median_ms runs a command N times and keeps the caller'"'"'s variables' '
	. "$MPF_SRC/tests/bench/lib.sh" &&
	_i=7 _n=8 && : >runs &&
	median_ms 3 sh -c "echo x >>runs" >ms &&
	test "$_i $_n" = "7 8" && test "$(wc -l <runs)" = 3 && ms=$(cat ms) &&
	case $ms in [0-9]*.[0-9][0-9][0-9]) ;; *) false ;; esac
'

# round_trip, as tests/bench/fs.sh defines it, with a stand-in mpf-fs
# that logs its calls: three backups (N=3), one restore, then it returns
test_expect_success 'fs.sh'"'"'s round trip ends: one restore and N backups' '
	mkdir -p bin mb/files && printf x >mb/files/a && printf "{\"entries\":[{\"size\":1}]}" >mb/manifest.json &&
	printf "#!/bin/sh\necho \"\$3\" >>\"$TRASH/calls\"\n" >bin/mpf-fs && chmod +x bin/mpf-fs &&
	sed -n "/^kib_s()/p; /^round_trip()/,/^}/p" "$MPF_SRC/tests/bench/fs.sh" >rt.sh &&
	test "$(grep -c "^[a-z_]*() {" rt.sh)" = 2 &&
	PATH=$TRASH/bin:$PATH timeout 20 sh -c ". \"$MPF_SRC/tests/bench/lib.sh\" && . ./rt.sh &&
		N=3 && round_trip x /dev/null mb 1" >out &&
	cat out &&
	test "$(sort calls | uniq -c | tr -s " " | tr "\n" ,)" = " 3 backup, 1 restore," &&
	grep -q "^fs_backup_x: .*median of 3)" out && grep -q "^fs_restore_x: .*median of 1)" out
'

test_done
