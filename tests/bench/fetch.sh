#!/bin/sh
# fetch.sh - mpf-fetch against the loopback mirror (tests/sim/mpmirror.c).
#   update: --update of three ports (rp2, esp32, esp8266), first run into an
#     empty catalogue and the unchanged second run (all 304); requests made
#     and wall time, median of 3. Pages are generated like micropython.org's
#     (each board page a ~20 kB description plus its file list: 10 releases,
#     30 previews, variants; 15 extra boards per port), served unpaced and
#     then paced at 2 MB/s per connection.
#   download: 20 firmware files of 256 KiB from the mirror pacing each
#     connection at 512 KiB/s, sequential (-j 1) against parallel (-j 4, the
#     default, and -j 20).
#   list: --list -o jsonl of a catalogue of ~27k rows (every port, 300
#     previews, 40 extra boards a port): CPU (user + sys) and max RSS, median
#     of 3; MPF_BENCH_OLD=DIR adds the same figures for the mpf-fetch in DIR
#     (another build, side by side).
. "$MPF_SRC/tests/bench/lib.sh"

# (bench_tmp's trap would fire in the $(...) subshell and remove it at once)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mpf-bench.XXXXXX")
trap 'stop; rm -rf "$tmp"' EXIT
pid=
sim=$MPF_BUILD/sim/mpmirror

start() {
	"$sim" "$@" >"$tmp/port" 2>"$tmp/sim.err" &
	pid=$!
	i=0
	while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	MPF_MIRROR=http://127.0.0.1:$(cat "$tmp/port")/
	export MPF_MIRROR
}
stop() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=; rm -f "$tmp/port"; }

ms() { echo $(( $(date +%s%N) / 1000000 )); }

# update_bench LABEL: first and second --update, median of 3 fresh catalogues
update_bench() {
	: >"$tmp/first"; : >"$tmp/second"
	for r in 1 2 3; do
		export MPF_HOME=$tmp/home.$1.$r
		s=$(ms); mpf-fetch --update --port rp2 --port esp32 --port esp8266 -q 2>/dev/null; e=$(ms)
		echo $((e - s)) >>"$tmp/first"
		s=$(ms); mpf-fetch --update --port rp2 --port esp32 --port esp8266 2>"$tmp/err2"; e=$(ms)
		echo $((e - s)) >>"$tmp/second"
	done
	req=$(sed -n 's/.*: \([0-9]*\) requests, \([0-9]*\) unchanged.*/\1 \2/p' "$tmp/err2")
	f=$(sort -n "$tmp/first" | sed -n 2p)
	sc=$(sort -n "$tmp/second" | sed -n 2p)
	echo "fetch update $1 first: $f ms (3 ports, ${req%% *} requests, empty catalogue, median of 3)"
	echo "fetch update $1 unchanged: $sc ms (${req%% *} requests, ${req##* } answered 304, median of 3)"
	echo "fetch update $1 speedup: $(awk "BEGIN { printf \"%.1f\", $f / ($sc ? $sc : 1) }") x (first / unchanged)"
}

start --previews 30 --pad 20000 --extra-boards 15
update_bench loopback
stop
start --previews 30 --pad 20000 --extra-boards 15 --rate 2000000
update_bench paced-2MB/s
stop

start --size 262144 --rate 524288
export MPF_HOME=$tmp/dl
mpf-fetch --update --port rp2 -q 2>/dev/null
mpf-fetch --list --port rp2 -o jsonl | head -20 >"$tmp/recs"
n=$(wc -l <"$tmp/recs")
for j in 1 4 20; do
	rm -rf "$MPF_HOME/firmware"
	s=$(ms); mpf-fetch -j $j <"$tmp/recs" >/dev/null 2>&1; e=$(ms)
	echo "fetch download $n files -j $j: $((e - s)) ms (256 KiB each, server paced at 512 KiB/s per connection)"
done
stop

# list_bench LABEL DIR: CPU and max RSS of --list -o jsonl, median of 3
list_bench() {
	: >"$tmp/cpu"; : >"$tmp/rss"
	for r in 1 2 3; do
		/usr/bin/time -f "%U %S %M" -o "$tmp/time" "$2/mpf-fetch" --list -o jsonl >/dev/null
		awk '{ printf "%.2f\n", $1 + $2 }' "$tmp/time" >>"$tmp/cpu"
		awk '{ print $3 }' "$tmp/time" >>"$tmp/rss"
	done
	echo "fetch list $rows rows$1: $(median <"$tmp/cpu") s CPU, $(( $(median <"$tmp/rss") / 1024 )) MB max RSS (-o jsonl >/dev/null, user + sys, median of 3)"
}

start --previews 300 --extra-boards 40
export MPF_HOME=$tmp/list
mpf-fetch --update -q 2>/dev/null
stop
rows=$(mpf-fetch --list -o jsonl | wc -l)
list_bench "" "$MPF_BUILD"
if [ -n "${MPF_BENCH_OLD:-}" ]; then
	list_bench " ($MPF_BENCH_OLD)" "$MPF_BENCH_OLD"
fi
