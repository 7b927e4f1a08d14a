#!/bin/sh
# remote.sh - the cost of reaching a board through ser2net.
# mpf-info on the QEMU micro:bit (real MicroPython 1.9.2) directly on its
# pty and through Debian's ser2net (rfc2217:// on loopback), alternated in
# the same run: once with ser2net's defaults and once with its chardelay
# off (by default it holds serial data up to 20 ms to batch it, which
# every REPL round trip pays). A process holds the pty open so QEMU stays
# connected (it polls for clients once a second); ser2net opens and closes
# the pty per connection, which the figures include, as in a lab.
. "$MPF_SRC/tests/bench/lib.sh"
. "$MPF_SRC/tests/lib.sh" >/dev/null 2>&1 </dev/null
. "$MPF_SRC/tests/info-lib.sh"
N=11
microbit_bench

if ! command -v ser2net >/dev/null || ! test_have_prereq QEMU_MICROBIT || ! start_microbit; then
	echo "remote_overhead: skipped (needs ser2net, qemu-system-arm and firmware-microbit-micropython)"
	exit 0
fi
pty=$(cat microbit.pty)
port=$(( 45000 + $$ % 1000 ))
hold_pty "$pty"
printf '%s\n' "connection: &default" \
	"  accepter: telnet(rfc2217),tcp,127.0.0.1,$port" \
	"  connector: serialdev,$pty,115200n81,local" \
	"connection: &nodelay" \
	"  accepter: telnet(rfc2217),tcp,127.0.0.1,$((port + 1))" \
	"  connector: serialdev,$pty,115200n81,local" \
	"  options:" "    chardelay: false" >s2n.yaml
ser2net -n -c "$PWD/s2n.yaml" -P "$PWD/s2n.pid" >/dev/null 2>&1 &
pids="$pids $!"
sleep 0.5
mpf-info "$pty" </dev/null >/dev/null 2>&1
mpf-info rfc2217://127.0.0.1:$port </dev/null >/dev/null 2>&1
i=0
while [ $i -lt $N ]; do
	a=$(median_ms 1 mpf-info "$pty")
	b=$(median_ms 1 mpf-info rfc2217://127.0.0.1:$port)
	sleep 0.2	# ser2net lets go of the pty asynchronously
	c=$(median_ms 1 mpf-info rfc2217://127.0.0.1:$((port + 1)))
	sleep 0.2
	echo "$a $b $c"
	i=$((i + 1))
done >pairs
d=$(awk '{print $1}' pairs | median)
r=$(awk '{print $2}' pairs | median)
z=$(awk '{print $3}' pairs | median)
echo "remote_direct_pty: $d ms (mpf-info on the QEMU micro:bit pty, median of $N)"
echo "remote_rfc2217_ser2net: $r ms (through ser2net with its defaults, median of $N, same run)"
echo "remote_rfc2217_nodelay: $z ms (through ser2net with chardelay: false, same run)"
echo "remote_overhead: $(awk -v a="$r" -v b="$d" 'BEGIN { printf "%.3f", a - b }') ms (ser2net defaults minus direct)"
echo "remote_overhead_nodelay: $(awk -v a="$z" -v b="$d" 'BEGIN { printf "%.3f", a - b }') ms (chardelay: false minus direct)"
