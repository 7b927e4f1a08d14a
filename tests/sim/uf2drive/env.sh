# env.sh - UF2 bootloader drives for shell tests: the FUSE simulator of a
# boot ROM drive (uf2drive-sim.c). Source after tests/lib.sh.
#
#   start_drive DIR [SIM OPTIONS]   a bootloader drive appears at DIR
#   start_daplink DIR [SIM OPTIONS] a DAPLink probe's drive (--daplink) at DIR
#   stop_drive DIR                  it goes away (unmounted, the simulator ends)
#   board N [usbboard-sim options] [-- uf2drive-sim options]
#                                   an RP2040 board on MicroPython 1.22.2 behind
#                                   the link ttyN (usbboard-sim): its BOOTSEL
#                                   drive appears at drvN, logging to drvN.log
#   mpy_uf2 VERSION FILE            FILE: a UF2 image of MicroPython VERSION
#                                   for the Pico W (20 KB of random payload)

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

board() {
	_n=$1
	shift
	case " $* " in
	*" -- "*) set -- "$@" --log "$PWD/drv$_n.log" ;;
	*) set -- "$@" -- --log "$PWD/drv$_n.log" ;;
	esac
	printf "MicroPython v1.22.2 on 2024-02-22; Raspberry Pi Pico W with RP2040\0" >img$_n &&
	mkdir -p drv$_n &&
	{ "$(mpf_sim usbboard-sim)" --link "$PWD/tty$_n" --drive "$PWD/drv$_n" --flash img$_n \
		--drive-sim "$sim" --log b$_n.log "$@" & } &&
	echo $! >b$_n.pid &&
	test_when_finished "kill \$(cat b$_n.pid); umount -l drv$_n" &&
	wait_for 10 test -e tty$_n
}

mpy_uf2() {
	{ printf "MicroPython v%s on 2024-11-29; Raspberry Pi Pico W with RP2040\0" "$1"
	  head -c 20000 /dev/urandom; } >"$2.bin" &&
	mpf-uf2 convert --family RP2040 "$2.bin" "$2"
}
