#!/bin/sh
test_description='mpf-pick chooses firmware, method and bootloader order for each board'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/lib-mirror.sh"

# The catalogue comes from the loopback mirror: releases 1.19.1..1.25.0,
# previews 1.26.0-preview.1..3, RPI_PICO2_W from 1.24.0 only.
start_mirror || exit 1

pick() { mpf-pick "$@" >out && jq -c "$PICKJQ" out; }
PICKJQ='[.firmware.board_id, .firmware.variant, .firmware.version, .firmware.build, .firmware.format, .method, (.bootloader // [] | join(",")), .firmware.chip, .firmware.offset] | map(. // "-") | join(" ")'

test_expect_success 'an empty catalogue says to run --update' '
	test_expect_code 1 mpf-pick --board RPI_PICO_W >out &&
	json_field out error.message | grep "no firmware for RPI_PICO_W on port rp2 in the catalogue: run mpf-fetch --update --board RPI_PICO_W"
'

test_expect_success CURL 'setup' '
	mpf-fetch --update 2>err
'

test_expect_success CURL 'each port gets its method, format and bootloader order' '
	cat >want <<-\EOT &&
	"RPI_PICO_W  1.25.0 - uf2 uf2 mpy,touch1200,manual - -"
	"SEEED_WIO_TERMINAL  1.25.0 - uf2 uf2 touch1200,mpy,manual - -"
	"ARDUINO_NANO_33_BLE_SENSE  1.25.0 - uf2 uf2 touch1200,mpy,manual - -"
	"PYBV11  1.25.0 - dfu dfu mpy,touch1200,manual - -"
	"ESP32_GENERIC  1.25.0 - bin esp none esp32 4096"
	"ESP32_GENERIC_S2  1.25.0 - bin esp none esp32s2 4096"
	"ESP32_GENERIC_S3  1.25.0 - bin esp none esp32s3 0"
	"ESP32_GENERIC_C3  1.25.0 - bin esp none esp32c3 0"
	"ESP32_GENERIC_C6  1.25.0 - bin esp none esp32c6 0"
	"ESP32_GENERIC_C5  1.25.0 - bin esp none esp32c5 8192"
	"ESP8266_GENERIC  1.25.0 - bin esp none esp8266 0"
	EOT
	for b in RPI_PICO_W SEEED_WIO_TERMINAL ARDUINO_NANO_33_BLE_SENSE PYBV11 ESP32_GENERIC \
		 ESP32_GENERIC_S2 ESP32_GENERIC_S3 ESP32_GENERIC_C3 ESP32_GENERIC_C6 \
		 ESP32_GENERIC_C5 ESP8266_GENERIC; do
		pick --board $b || return 1
	done >got &&
	test_cmp want got
'

test_expect_success CURL 'version keywords and numbers' '
	cat >want <<-\EOT &&
	"RPI_PICO  1.25.0 - uf2 uf2 mpy,touch1200,manual - -"
	"RPI_PICO  1.26.0-preview 3 uf2 uf2 mpy,touch1200,manual - -"
	"RPI_PICO  1.26.0-preview 3 uf2 uf2 mpy,touch1200,manual - -"
	"RPI_PICO  1.24.1 - uf2 uf2 mpy,touch1200,manual - -"
	"RPI_PICO  1.24.1 - uf2 uf2 mpy,touch1200,manual - -"
	"RPI_PICO  1.26.0-preview 2 uf2 uf2 mpy,touch1200,manual - -"
	"RPI_PICO  1.26.0-preview 3 uf2 uf2 mpy,touch1200,manual - -"
	EOT
	for v in stable preview latest 1.24.1 v1.24.1 1.26.0-preview.2 1.26.0-preview; do
		pick --board RPI_PICO --version $v || return 1
	done >got &&
	test_cmp want got
'

test_expect_success CURL 'nothing fits: the error says what exists' '
	test_expect_code 1 mpf-pick --board RPI_PICO2_W --version 1.22.2 >out &&
	test "$(json_field out error.message)" = "RPI_PICO2_W has no 1.22.2 firmware; available: 1.24.0, 1.24.1, 1.25.0; preview 1.26.0-preview.3" &&
	test "$(json_field out error.code)" = not-found &&
	test "$(json_field out error.applet)" = mpf-pick
'

test_expect_success CURL 'board records from mpf-info: own variant, renamed boards, pass-through' '
	cat >in <<-\EOT &&
	{"serial":"/dev/ttyUSB0","port":"esp32","board_id":"ESP32_GENERIC","variant":"SPIRAM","cpu":"ESP32","version":"1.22.0"}
	{"serial":"/dev/ttyACM0","port":"rp2","board_id":"PICO","version":"1.19.1","cpu":"RP2040"}
	{"serial":"/dev/ttyUSB1","port":"esp32","board_id":"GENERIC_SPIRAM","version":"1.19.1","cpu":"ESP32"}
	{"serial":"/dev/ttyUSB2","port":"esp32","board_id":"GENERIC","version":"1.19.1","cpu":"ESP32"}
	{"kind":"dfu","vid":"0483","pid":"df11"}
	{"serial":"/dev/ttyACM9","board_id":"X","error":{"applet":"mpf-info","code":"timeout","message":"no REPL"}}
	EOT
	# the upstream failure passes through and still makes the exit status 1
	test_expect_code 1 mpf-pick --keep-order <in >out &&
	jq -c "$PICKJQ" out >got &&
	cat >want <<-\EOT &&
	"ESP32_GENERIC SPIRAM 1.25.0 - bin esp none esp32 4096"
	"RPI_PICO  1.25.0 - uf2 uf2 mpy,touch1200,manual - -"
	"ESP32_GENERIC SPIRAM 1.25.0 - bin esp none esp32 4096"
	"ESP32_GENERIC  1.25.0 - bin esp none esp32 4096"
	"- - - - - -  - -"
	"- - - - - -  - -"
	EOT
	test_cmp want got &&
	sed -n 5,6p in >in.tail && sed -n 5,6p out >out.tail && test_cmp in.tail out.tail &&
	test "$(json_field out serial 2)" = /dev/ttyACM0
'

test_expect_success CURL '--variant chooses another variant; "-" the base board' '
	echo "{\"port\":\"esp32\",\"board_id\":\"ESP32_GENERIC\",\"variant\":\"SPIRAM\",\"cpu\":\"ESP32\"}" >in &&
	mpf-pick --variant OTA <in >out && test "$(json_field out firmware.variant)" = OTA &&
	mpf-pick --variant - <in >out && test "$(json_field out firmware.variant)" = "" &&
	test_expect_code 1 mpf-pick --variant NOPE <in >out &&
	json_field out error.message | grep "ESP32_GENERIC-NOPE"
'

test_expect_success CURL 'a board already running the version is up to date, unless --force' '
	echo "{\"port\":\"rp2\",\"board_id\":\"RPI_PICO_W\",\"version\":\"1.25.0\",\"preview\":false}" >in &&
	mpf-pick <in >out &&
	test "$(json_field out up_to_date)" = true &&
	test -z "$(json_field out method)" &&
	mpf-pick --force <in >out &&
	test "$(json_field out up_to_date)" = "" &&
	test "$(json_field out method)" = uf2 &&
	echo "{\"port\":\"rp2\",\"board_id\":\"RPI_PICO_W\",\"version\":\"1.26.0-preview\",\"preview\":true,\"build\":2}" >in &&
	mpf-pick --version preview <in >out &&
	test "$(json_field out up_to_date)" = "" &&
	test "$(json_field out firmware.build)" = 3 &&
	mpf-pick --version 1.26.0-preview.2 <in >out &&
	test "$(json_field out up_to_date)" = true &&
	echo "{\"port\":\"esp32\",\"board_id\":\"ESP32_GENERIC\",\"variant\":\"\",\"cpu\":\"ESP32\",\"version\":\"1.25.0\"}" >in &&
	mpf-pick <in >out && test "$(json_field out up_to_date)" = true &&
	mpf-pick --variant SPIRAM <in >out &&
	test "$(json_field out up_to_date)" = "" &&
	test "$(json_field out method)" = esp
'

test_expect_success CURL '--method swd takes .hex; ESP and ports without a method are refused' '
	pick --board PYBV11 --method swd >got &&
	echo "\"PYBV11  1.25.0 - hex swd none - -\"" >want && test_cmp want got &&
	test_expect_code 1 mpf-pick --board ESP32_GENERIC --method swd >out &&
	json_field out error.message | grep "not flashed over SWD" &&
	test_expect_code 1 mpf-pick --board EK_RA6M2 >out &&
	json_field out error.message | grep "port renesas-ra has no flash method in mpf: give --method swd"
'

test_expect_success CURL 'mimxrt boards are flashed as UF2, as mpf-bootloader expects' '
	test_expect_code 1 mpf-pick --board OLIMEX_RT1010 >out &&
	test "$(json_field out error.code)" = not-found &&
	json_field out error.message | grep "no firmware for OLIMEX_RT1010 on port mimxrt in the catalogue" &&
	printf "MicroPython v1.25.0 on 2025-04-15\0" >OLIMEX_RT1010.bin &&
	mpf-uf2 convert --family MIMXRT10XX --base 0x60000000 OLIMEX_RT1010.bin OLIMEX_RT1010.uf2 &&
	mpf-fetch --add OLIMEX_RT1010.uf2 --board OLIMEX_RT1010 2>err &&
	pick --board OLIMEX_RT1010 --custom >got &&
	echo "\"OLIMEX_RT1010  1.25.0 - uf2 uf2 touch1200,mpy,manual - -\"" >want &&
	test_cmp want got
'

test_expect_success CURL '--explain says why each candidate won or lost' '
	mpf-pick --board RPI_PICO2_W --explain >out 2>err &&
	grep "RPI_PICO2_W 1.25.0 .uf2 (download, 2025-04-15): chosen" err &&
	grep "RPI_PICO2_W 1.24.1 .uf2 (download, 2024-11-29): lost: older" err &&
	grep "1.26.0-preview.3 .uf2 .*lost: not a release" err &&
	mpf-pick --board GENERIC_SPIRAM --port esp32 --explain >out 2>err &&
	grep "GENERIC_SPIRAM: using the firmware of ESP32_GENERIC-SPIRAM (renamed board)" err &&
	mpf-pick --board PYBV11 --explain >out 2>err &&
	grep "PYBV11 1.25.0 .hex .*lost: the method does not take this format" err
'

test_expect_success CURL 'an unknown board without a port says what to do' '
	test_expect_code 1 mpf-pick --board MY_OWN_BOARD >out &&
	json_field out error.message | grep "MY_OWN_BOARD: unknown board and the record names no port: give --port"
'

test_expect_success 'bad input gets clear errors' '
	test_expect_code 2 mpf-pick --board RPI_PICO --version newest 2>err &&
	grep "bad --version" err &&
	test_expect_code 2 mpf-pick --board "a/b" 2>err &&
	grep "bad board name" err &&
	test_expect_code 2 mpf-pick --board RPI_PICO --method jtag 2>err &&
	test_expect_code 2 mpf-pick --board RPI_PICO --variant "x y" 2>err &&
	grep "bad variant" err &&
	test_expect_code 2 mpf-pick extra 2>err &&
	grep "unexpected argument" err
'

test_expect_success CURL '--as flashes attached boards as another board (mpflash: one board, every port)' '
	printf "%s\n" "{\"serial\":\"/dev/ttyACM0\",\"family\":\"micropython\",\"version\":\"1.9.2\"}" \
		"{\"serial\":\"/dev/ttyACM1\",\"family\":\"micropython\",\"board_id\":\"RPI_PICO\",\"port\":\"rp2\"}" \
		"{\"kind\":\"dfu\",\"vid\":\"0483\"}" >in &&
	mpf-pick --keep-order --as RPI_PICO_W <in >out &&
	test "$(jq -r .firmware.board_id out | head -n 2 | sort -u)" = RPI_PICO_W &&
	test "$(json_field out method 1)" = uf2 &&
	test -z "$(json_field out firmware 3)" &&
	# without --as the board mpf-info could not name passes through untouched
	mpf-pick --keep-order <in >out2 &&
	sed -n 1p in >want && sed -n 1p out2 >got && test_cmp want got &&
	test "$(json_field out2 firmware.board_id 2)" = RPI_PICO
'

stop_mirror
test_done
