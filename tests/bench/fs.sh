#!/bin/sh
# fs.sh - mpf-fs speed against real MicroPython.
#
# 1. QEMU micro:bit (Debian's MicroPython 1.9.2: plain raw mode, bytes
#    literals, Adler-32 computed in Python on the board): restore, then
#    backup, of 4 files, 5 KiB in all.
# 2. QEMU mps2-an385 (MicroPython built from the tarball with littlefs on a
#    RAM disk, raw paste, base64, SHA-256 on the board, about 16 MIPS):
#    restore, then backup, of a 160 KiB file and four small ones.
# Then each board formatted once (the micro:bit: every file removed; the
# mps2: littlefs made afresh on the block device it exposes).
# Neither UART is paced like hardware (QEMU moves bytes as fast as the pty
# takes them): the figures are the boards' and the protocol's, not a
# 115200-baud line's. Median of 3 each (the micro:bit's restore: one).
. "$MPF_SRC/tests/bench/lib.sh"
. "$MPF_SRC/tests/lib.sh" >/dev/null 2>&1 </dev/null
. "$MPF_SRC/tests/info-lib.sh"
. "$MPF_SRC/tests/fs-lib.sh"
N=3
microbit_bench

# kib_s BYTES MS: KiB per second
kib_s() { awk -v b="$1" -v ms="$2" 'BEGIN { printf "%.1f", b / 1024 / (ms / 1000) }'; }

# round_trip NAME PORT SRC [RESTORES]: restore SRC (N times, or RESTORES)
# and back it up N times; the medians
round_trip() {
	_bytes=$(jq '[.entries[].size // 0] | add' "$3/manifest.json")
	_r=$(median_ms "${4:-$N}" mpf-fs --timeout 20 restore "$3" "$2")
	_k=0
	_b=$(while [ $_k -lt $N ]; do
		rm -rf bk && median_ms 1 mpf-fs --timeout 20 backup bk "$2"
		_k=$((_k + 1))
	done | median)
	echo "fs_restore_$1: $(kib_s "$_bytes" "$_r") KiB/s ($_bytes bytes in $_r ms, median of ${4:-$N})"
	echo "fs_backup_$1: $(kib_s "$_bytes" "$_b") KiB/s ($_bytes bytes in $_b ms, median of $N)"
}

if test_have_prereq QEMU_MICROBIT && start_microbit; then
	# not held open between runs as elsewhere: the emulated micro:bit
	# wedged (QEMU stuck in a tty flush) under a held pty and long output
	pty=$(cat microbit.pty)
	mkdir -p mb/files && printf 'print(1)\n' >mb/files/main.py &&
	head -c 2048 /dev/urandom >mb/files/data.bin && head -c 3000 /dev/zero | tr '\0' a >mb/files/log.txt &&
	: >mb/files/empty && make_manifest mb flat &&
	# restored once: after a few rewrites of its files the emulated
	# micro:bit stopped answering in a backup (seen three times here)
	round_trip qemu_microbit "$pty" mb 1
	echo "fs_format_qemu_microbit: $(median_ms 1 mpf-fs --yes --timeout 20 format "$pty") ms (every file removed: a flat file system, once)"
	stop_microbit
else
	echo "fs_qemu_microbit: skipped (qemu-system-arm or firmware-microbit-micropython missing, or no boot)"
fi

if test_have_prereq QEMU_MPS2 && start_mps2_lfs; then
	pty=$(cat mps2.pty)
	hold_pty "$pty"
	mkdir -p m2/files/flash/lib && printf 'print(1)\n' >m2/files/flash/main.py &&
	head -c 163840 /dev/urandom >m2/files/flash/big.bin && : >m2/files/flash/empty &&
	head -c 700 /dev/urandom >m2/files/flash/lib/a.bin && make_manifest m2 tree &&
	round_trip qemu_mps2 "$pty" m2
	echo "fs_format_qemu_mps2: $(median_ms 1 mpf-fs --yes --timeout 60 format "$pty") ms (littlefs made afresh on the 1 MiB RAM disk, default arguments, once)"
	stop_mps2
else
	echo "fs_qemu_mps2: skipped (no MicroPython tarball, arm-none-eabi-gcc or qemu-system-arm)"
fi
