#!/bin/sh
test_description='end to end: a Pico W on 1.22.2 is updated to 1.24.1 through mpf-info, mpf-bootloader, mpf-uf2'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"

# The board is mpy-repl (the REPL simulator) with its bootloader round
# trip: machine.bootloader() or the 1200-baud touch closes its pty, its
# BOOTSEL drive (uf2drive-sim, in FUSE) appears over its flash image, and
# after the drive's reboot it comes back behind the same link running the
# version the image holds.

# pico NAME [mpy-repl options]: a Pico W on 1.22.2 behind the link NAME.tty
pico() {
	_pico=$1
	shift
	printf "MicroPython v1.22.2 on 2024-02-22; Raspberry Pi Pico W with RP2040\0" >$_pico.img &&
	mkdir -p $_pico.drv &&
	start_sim $_pico --board rp2-1.22.2 -v --link "$PWD/$_pico.tty" --uf2 "$PWD/$_pico.drv" \
		--flash $_pico.img --drive-sim "$(mpf_sim uf2drive-sim)" "$@" &&
	wait_for 10 test -e $_pico.tty
}

# flash_with ACTIVATORS FILE: mpf-info's record, as mpf-pick and mpf-fetch
# would complete it
flash_with() {
	jq -c ". + {method: \"uf2\", bootloader: [$1], firmware: {file: \"$2\"}}"
}

test_expect_success 'setup: a 1.24.1 image for the Pico W, and one that is no MicroPython' '
	{ printf "MicroPython v1.24.1 on 2024-11-29; Raspberry Pi Pico W with RP2040\0"
	  head -c 60000 /dev/urandom; } >fw.bin &&
	mpf-uf2 convert --family RP2040 fw.bin RPI_PICO_W-20241129-v1.24.1.uf2 &&
	head -c 5000 /dev/urandom >junk.bin &&
	mpf-uf2 convert --family RP2040 junk.bin junk.uf2
'

test_expect_success FUSE,JQ '1.22.2 -> mpf-bootloader (mpy) -> mpf-uf2 -> mpf-info shows 1.24.1' '
	pico a &&
	mpf-info "$PWD/a.tty" >before &&
	test "$(json_field before version)" = 1.22.2 &&
	test "$(json_field before board_id)" = RPI_PICO_W &&
	flash_with "\"mpy\"" RPI_PICO_W-20241129-v1.24.1.uf2 <before |
	mpf-bootloader | mpf-uf2 | mpf-info >after &&
	test "$(json_field after version)" = 1.24.1 &&
	test "$(json_field after mpy)" = v6.3 &&
	test "$(json_field after board_id)" = RPI_PICO_W &&
	test "$(json_field after serial)" = "$PWD/a.tty" &&
	test "$(json_field after target.activator)" = mpy &&
	test "$(json_field after flashed.ok)" = true &&
	grep -q "machine.bootloader(): resetting into the UF2 bootloader" a.err &&
	grep -q "back from the bootloader: MicroPython v1.24.1" a.err &&
	stop_sim a
'

test_expect_success FUSE,JQ 'touch1200 on the same board: the simulator sees 1200 baud' '
	pico b &&
	mpf-info "$PWD/b.tty" | flash_with "\"touch1200\"" RPI_PICO_W-20241129-v1.24.1.uf2 |
	mpf-bootloader | mpf-uf2 | mpf-info >after &&
	grep -q "1200-baud touch: resetting into the UF2 bootloader" b.err &&
	test "$(json_field after version)" = 1.24.1 &&
	stop_sim b
'

test_expect_success FUSE,JQ 'an image that is no MicroPython: flashed, but the board does not come back' '
	pico c &&
	mpf-info "$PWD/c.tty" | flash_with "\"mpy\"" junk.uf2 | mpf-bootloader >bl &&
	mpf-uf2 --timeout 2 <bl >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out warning.code)" = timeout &&
	json_field out warning.message | grep -q "the board did not come back as a serial port" &&
	grep -q "no MicroPython in the flashed image" c.err &&
	stop_sim c
'

test_expect_success JQ 'a board that cannot do machine.bootloader(): the reason, then the next activator' '
	start_sim d --board rp2-1.22.2 &&
	printf "{\"serial\":\"%s\",\"port\":\"rp2\",\"method\":\"uf2\",\"bootloader\":[\"mpy\"]}\n" "$(pty_of d)" |
	test_expect_code 1 mpf-bootloader --wait 0.5 --timeout 1 >out &&
	json_field out error.message | grep -q "mpy: machine.bootloader() failed: NotImplementedError" &&
	stop_sim d
'

test_done
