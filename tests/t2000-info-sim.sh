#!/bin/sh
test_description='mpf-info identifies simulated boards (MicroPython 1.20 to a 1.29 preview, several ports, a variant, CircuitPython) over the raw REPL on a pty'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"

# identify PROFILE [sim options]: one board, its record in PROFILE.json
identify() {
	_p=$1
	shift
	start_sim "$_p" --board "$_p" "$@" &&
	mpf-info "$(pty_of "$_p")" </dev/null >"$_p.json" &&
	stop_sim "$_p"
}

fields() { jq -c "{family, version, build, preview, port, board, cpu, arch, mpy, board_id, variant}" "$1"; }

test_expect_success JQ 'every profile: the fields real boards give (raw paste, plain raw, no raw paste)' '
	cat >expect <<-\EOT &&
	{"family":"micropython","version":"1.9.2","build":34,"preview":true,"port":"microbit","board":"micro:bit with nRF51822","cpu":"nRF51822","arch":null,"mpy":null,"board_id":null,"variant":null}
	{"family":"micropython","version":"1.20.0","build":null,"preview":false,"port":"esp32","board":"ESP32 module with ESP32","cpu":"ESP32","arch":"xtensawin","mpy":"v6.1","board_id":null,"variant":null}
	{"family":"micropython","version":"1.21.0","build":null,"preview":false,"port":"samd","board":"Wio Terminal D51R with SAMD51P19A","cpu":"SAMD51P19A","arch":"armv7emsp","mpy":"v6.2","board_id":"SEEED_WIO_TERMINAL","variant":""}
	{"family":"micropython","version":"1.22.2","build":null,"preview":false,"port":"stm32","board":"PYBv1.1 with STM32F405RG","cpu":"STM32F405RG","arch":"armv7emsp","mpy":"v6.2","board_id":"PYBV11","variant":""}
	{"family":"micropython","version":"1.23.0","build":null,"preview":false,"port":"esp8266","board":"ESP module with ESP8266","cpu":"ESP8266","arch":"xtensa","mpy":"v6.3","board_id":"ESP8266_GENERIC","variant":""}
	{"family":"micropython","version":"1.22.2","build":null,"preview":false,"port":"rp2","board":"Raspberry Pi Pico W with RP2040","cpu":"RP2040","arch":"armv6m","mpy":"v6.2","board_id":"RPI_PICO_W","variant":""}
	{"family":"micropython","version":"1.24.1","build":null,"preview":false,"port":"rp2","board":"Raspberry Pi Pico W with RP2040","cpu":"RP2040","arch":"armv6m","mpy":"v6.3","board_id":"RPI_PICO_W","variant":""}
	{"family":"micropython","version":"1.25.0","build":null,"preview":false,"port":"esp32","board":"Generic ESP32 module with SPIRAM with ESP32","cpu":"ESP32","arch":"xtensawin","mpy":"v6.3","board_id":"ESP32_GENERIC","variant":"SPIRAM"}
	{"family":"micropython","version":"1.26.1","build":null,"preview":false,"port":"mimxrt","board":"Teensy 4.1 with MIMXRT1062DVJ6A","cpu":"MIMXRT1062DVJ6A","arch":"armv7emsp","mpy":"v6.3","board_id":"TEENSY41","variant":""}
	{"family":"micropython","version":"1.27.0","build":null,"preview":false,"port":"rp2","board":"Raspberry Pi Pico2 with RP2350","cpu":"RP2350","arch":"armv7emsp","mpy":"v6.3","board_id":"RPI_PICO2","variant":""}
	{"family":"micropython","version":"1.28.0-preview","build":236,"preview":true,"port":"rp2","board":"Raspberry Pi Pico W with RP2040","cpu":"RP2040","arch":"armv6m","mpy":"v6.3","board_id":"RPI_PICO_W","variant":""}
	{"family":"micropython","version":"1.29.0-preview","build":null,"preview":true,"port":"qemu","board":"mps2-an385 with Cortex-M3","cpu":"Cortex-M3","arch":"armv7em","mpy":"v6.3","board_id":"MPS2_AN385","variant":""}
	{"family":"circuitpython","version":"9.0.0","build":null,"preview":false,"port":"RP2040","board":"Raspberry Pi Pico with rp2040","cpu":"rp2040","arch":null,"mpy":"v5.2","board_id":"raspberry_pi_pico","variant":null}
	EOT
	"$(mpf_sim mpy-repl)" --list >profiles &&
	test $(wc -l <profiles) -eq 13 &&
	while read p; do identify $p && fields $p.json >>actual || exit 1; done <profiles &&
	test_cmp expect actual
'

test_expect_success JQ 'the record keeps the fields it came with' '
	start_sim s &&
	printf "{\"kind\":\"serial\",\"serial\":\"%s\",\"vid\":\"2e8a\",\"note\":[1,2]}\n" "$(pty_of s)" >in &&
	mpf-info <in >out &&
	stop_sim s &&
	test "$(jq -c "[.vid, .note, .board_id]" out)" = "[\"2e8a\",[1,2],\"RPI_PICO_W\"]"
'

test_expect_success JQ 'records that are not serial ports pass through byte for byte' '
	start_sim s &&
	{
		echo "{\"kind\":\"uf2\",\"path\":\"/media/u/RPI-RP2\",   \"x\":1}" &&
		printf "{\"kind\":\"serial\",\"serial\":\"%s\"}\n" "$(pty_of s)" &&
		echo "{\"kind\":\"dfu\",\"bus\":1,\"address\":7}"
	} >in &&
	mpf-info --keep-order <in >out &&
	stop_sim s &&
	sed -n 1p in >expect1 && sed -n 1p out >actual1 && test_cmp expect1 actual1 &&
	sed -n 3p in >expect3 && sed -n 3p out >actual3 && test_cmp expect3 actual3 &&
	test "$(json_field out family 2)" = micropython
'

test_expect_success JQ 'board_info.toml: description, [mpflash] ignore and board_id override' '
	start_sim s --board rp2-1.24.1 --toml "description = \"Blue Norwegian actuator\"
[mpflash]
ignore = true
board_id = \"RPI_PICO_W_SPECIAL\"" &&
	mpf-info "$(pty_of s)" </dev/null >out &&
	stop_sim s &&
	test "$(jq -c "[.description, .ignore, .board_id]" out)" = "[\"Blue Norwegian actuator\",true,\"RPI_PICO_W_SPECIAL\"]"
'

test_expect_success JQ 'a broken board_info.toml is a warning, not a failure' '
	start_sim s --toml "[mpflash
ignore = true" &&
	mpf-info "$(pty_of s)" </dev/null >out 2>err &&
	stop_sim s &&
	grep "board_info.toml ignored: line 1: bad table header" err &&
	test "$(jq -c ".ignore" out)" = null
'

test_expect_success 'table output has the columns mpflash users know' '
	start_sim s &&
	mpf-info -o table "$(pty_of s)" </dev/null >out &&
	stop_sim s &&
	head -1 out | grep "^Serial  *Family  *Port  *Board  *CPU  *Version  *Build" &&
	grep "micropython  *rp2  *RPI_PICO_W  *RP2040  *1.24.1" out
'

test_expect_success JQ 'a variant shows in the table as BOARD-VARIANT' '
	start_sim s --board esp32-spiram-1.25.0 &&
	mpf-info -o table "$(pty_of s)" </dev/null >out &&
	stop_sim s &&
	grep "ESP32_GENERIC-SPIRAM  *ESP32  *1.25.0" out
'

test_expect_success JQ 'the board is left at its friendly REPL, not reset (a second run finds it there)' '
	start_sim s -v --busy &&
	mpf-info "$(pty_of s)" </dev/null >out1 &&
	mpf-info "$(pty_of s)" </dev/null >out2 &&
	stop_sim s &&
	test $(grep -c "friendly REPL" s.err) -eq 2 &&
	! grep -q "soft reboot" s.err &&
	test "$(json_field out2 board_id)" = RPI_PICO_W
'

test_expect_success JQ '--reset soft-resets in the raw REPL first' '
	start_sim s -v &&
	mpf-info --reset "$(pty_of s)" </dev/null >out &&
	stop_sim s &&
	grep "soft reboot" s.err &&
	test "$(json_field out board_id)" = RPI_PICO_W
'

test_expect_success JQ 'a record marked ignore (board_info.toml) passes untouched' '
	start_sim s -v &&
	printf "{\"kind\":\"serial\",\"serial\":\"%s\",\"ignore\":true}\n" "$(pty_of s)" >in &&
	mpf-info <in >out &&
	stop_sim s &&
	test_cmp in out &&
	! grep -q "raw REPL" s.err
'

test_expect_success SCRIPT 'on a terminal the table is the default' '
	start_sim s &&
	script -qec "mpf-info $(pty_of s)" /dev/null </dev/null >out &&
	stop_sim s &&
	grep "^Serial  *Family  *Port  *Board  *CPU  *Version  *Build" out &&
	grep "RPI_PICO_W" out
'

test_expect_success PYTHON '--script prints the on-board script; it is valid Python' '
	mpf-info --script >ident.py &&
	grep -q "^print\|print(.mpf1" ident.py &&
	python3 -c "import sys; compile(open(sys.argv[1]).read(), \"ident.py\", \"exec\")" ident.py
'

test_done
