# env.sh - UF2 bootloader drives for shell tests: the FUSE simulator of a
# boot ROM drive (uf2drive-sim.c). Source after tests/lib.sh.
#
#   start_drive DIR [SIM OPTIONS]   a bootloader drive appears at DIR
#   start_daplink DIR [SIM OPTIONS] a DAPLink probe's drive (--daplink) at DIR
#   stop_drive DIR                  it goes away (unmounted, the simulator ends)

sim=$(mpf_sim uf2drive-sim)

# _start_sim FILE DIR [SIM OPTIONS]: up once FILE shows in DIR
_start_sim() {
	_f=$1 _d=$2
	shift 2
	mkdir -p "$_d" &&
	{ "$sim" --log "$_d.log" "$@" "$PWD/$_d" & } &&
	echo $! >"$_d.pid" &&
	wait_for 10 test -f "$_d/$_f"
}
start_drive() { _start_sim INFO_UF2.TXT "$@"; }
start_daplink() { _d=$1; shift; _start_sim DETAILS.TXT "$_d" --daplink "$@"; }
stop_drive() {
	umount -l "$1" 2>/dev/null || fusermount3 -u -z "$1" 2>/dev/null
	kill "$(cat "$1.pid")" 2>/dev/null
	return 0
}
