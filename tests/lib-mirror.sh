# lib-mirror.sh - start the loopback micropython.org mirror (tests/sim/mpmirror.c)
# for the t4xxx tests. Source after tests/lib.sh, at the top level of a test
# file (not inside a test body, so the variables stay set):
#
#   start_mirror [--rate BPS] [--previews N] ...   sets MIRROR and MPF_MIRROR
#   sim_ctl 'fault?name=FILE&kind=drop'            a control request
#   sim_stat requests                              one counter of /_sim/stats
#   stop_mirror                                    before test_done

start_mirror() {
	"$(mpf_sim mpmirror)" "$@" >mirror.port 2>mirror.err &
	MIRROR_PID=$!
	trap stop_mirror EXIT	# also when the test file dies early
	wait_for 20 test -s mirror.port || { echo "mirror did not start" >&2; cat mirror.err >&2; return 1; }
	MIRROR=http://127.0.0.1:$(cat mirror.port)/
	MPF_MIRROR=$MIRROR
	export MIRROR MPF_MIRROR
}

stop_mirror() {
	[ -n "${MIRROR_PID:-}" ] && kill "$MIRROR_PID" 2>/dev/null && wait "$MIRROR_PID" 2>/dev/null
	MIRROR_PID=
}

sim_ctl() { curl -sf "${MIRROR}_sim/$1" >/dev/null; }

sim_stat() { curl -sf "${MIRROR}_sim/stats" | jq -r ".$1"; }

test_lazy_prereq CURL 'command -v curl'
