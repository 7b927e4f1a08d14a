#!/bin/sh
test_description='mpf-fetch --add registers local builds; --list prints the catalogue'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/lib-mirror.sh"

# A developer builds firmware with make -C ports/rp2 BOARD=RPI_PICO_W (the
# image lands in ports/rp2/build-RPI_PICO_W/firmware.uf2) and wants mpf to
# flash it. The image carries MicroPython's banner string, as real builds do.
start_mirror || exit 1

fake_build() {
	# $1 path, $2 banner version, $3 UF2 family (.uf2) or nothing: the start of an ESP image header (magic, 3 segments, DIO, 4 MB)
	mkdir -p "$(dirname "$1")" &&
	{ if [ -z "${3:-}" ]; then printf "\351\003\002\040"; fi
	  printf "MicroPython %s on 2025-05-10; Raspberry Pi Pico W with RP2040" "$2";
	  head -c 3000 /dev/zero; } >"$1.raw" &&
	if [ -n "${3:-}" ]; then mpf-uf2 convert --family "$3" "$1.raw" "$1"; else mv "$1.raw" "$1"; fi
}

test_expect_success CURL 'setup' '
	mpf-fetch --update --port rp2 --port esp32 2>err
'

test_expect_success CURL 'a build is registered from its ports/PORT/build-BOARD path and banner' '
	fake_build "$TRASH/mp/ports/rp2/build-RPI_PICO_W/firmware.uf2" v1.26.0-preview.5.gabcdef123 RP2040 &&
	mpf-fetch --add mp/ports/rp2/build-RPI_PICO_W/firmware.uf2 >out 2>err &&
	test "$(json_field out port)" = rp2 &&
	test "$(json_field out firmware.board_id)" = RPI_PICO_W &&
	test "$(json_field out firmware.version)" = 1.26.0-preview &&
	test "$(json_field out firmware.build)" = 5 &&
	test "$(json_field out firmware.source)" = custom &&
	test "$(json_field out firmware.file)" = "$TRASH/mp/ports/rp2/build-RPI_PICO_W/firmware.uf2" &&
	test "$(json_field out firmware.sha256)" = "$(sha256sum <mp/ports/rp2/build-RPI_PICO_W/firmware.uf2 | cut -d" " -f1)"
'

test_expect_success CURL 'mpf-pick --custom prefers the build; without it the mirror wins' '
	mpf-pick --board RPI_PICO_W --version preview --custom >c &&
	test "$(json_field c firmware.source)" = custom &&
	test -z "$(json_field c firmware.url)" &&
	mpf-fetch <c >cf &&
	test "$(json_field cf firmware.file)" = "$TRASH/mp/ports/rp2/build-RPI_PICO_W/firmware.uf2" &&
	mpf-pick --board RPI_PICO_W --version preview >d &&
	test "$(json_field d firmware.source)" = download &&
	test "$(json_field d firmware.build)" = 3
'

test_expect_success CURL 'a variant build and explicit --version' '
	fake_build "$TRASH/mp/ports/esp32/build-ESP32_GENERIC-SPIRAM/firmware.bin" garbage &&
	mpf-fetch --add mp/ports/esp32/build-ESP32_GENERIC-SPIRAM/firmware.bin --version 1.25.0 >out &&
	test "$(json_field out firmware.variant)" = SPIRAM &&
	test "$(json_field out port)" = esp32 &&
	test "$(json_field out firmware.version)" = 1.25.0
'

test_expect_success CURL 'a checkout below a folder named ports: the build folder tells' '
	fake_build "$TRASH/ports/mp/ports/samd/build-SEEED_WIO_TERMINAL/firmware.uf2" v1.25.0 SAMD51 &&
	mpf-fetch --add ports/mp/ports/samd/build-SEEED_WIO_TERMINAL/firmware.uf2 >out &&
	test "$(json_field out port)" = samd &&
	test "$(json_field out firmware.board_id)" = SEEED_WIO_TERMINAL &&
	test "$(json_field out firmware.variant)" = ""
'

test_expect_success CURL 'a copy of an official file keeps its name facts (source local)' '
	curl -sf -o ESP32_GENERIC_S3-SPIRAM_OCT-20241129-v1.24.1.bin \
		"${MIRROR}resources/firmware/ESP32_GENERIC_S3-SPIRAM_OCT-20241129-v1.24.1.bin" &&
	mpf-fetch --add ESP32_GENERIC_S3-SPIRAM_OCT-20241129-v1.24.1.bin >out &&
	test "$(json_field out firmware.source)" = local &&
	test "$(json_field out firmware.variant)" = SPIRAM_OCT &&
	test "$(json_field out port)" = esp32 &&
	test "$(json_field out firmware.date)" = 2024-11-29
'

test_expect_success '--add errors say what is missing' '
	test_expect_code 66 mpf-fetch --add nothere.uf2 2>err &&
	grep "nothere.uf2: No such file" err &&
	printf x >fw.map &&
	test_expect_code 65 mpf-fetch --add fw.map --board RPI_PICO --version 1.24.1 2>err &&
	grep "format .map. is not a firmware image" err &&
	printf x >x.bin && mpf-uf2 convert --family RP2040 x.bin fw.uf2 &&
	test_expect_code 65 mpf-fetch --add fw.uf2 --board RPI_PICO 2>err &&
	grep "give --version" err &&
	test_expect_code 65 mpf-fetch --add fw.uf2 --version 1.24.1 2>err &&
	grep "give --board" err &&
	test_expect_code 65 mpf-fetch --add fw.uf2 --version 1.24.1 --board MY_OWN 2>err &&
	grep "cannot tell the port of board MY_OWN: give --port" err &&
	test_expect_code 2 mpf-fetch --add fw.uf2 --version nope --board RPI_PICO 2>err &&
	grep "bad version" err &&
	mpf-fetch --add fw.uf2 --version 1.24.1 --board MY_OWN --port rp2 >out &&
	test "$(json_field out firmware.board_id)" = MY_OWN
'

test_expect_success CURL '--list filters by board, port and version; its records download' '
	mpf-fetch --list --board RPI_PICO2_W --version 1.24.1 -o jsonl >l &&
	test $(wc -l <l) -eq 1 &&
	mpf-fetch <l >d &&
	test -f "$(json_field d firmware.file)" &&
	mpf-fetch --list --port esp32 --version stable -o jsonl >s &&
	test "$(jq -r .firmware.preview s | sort -u)" = false &&
	test_expect_code 2 mpf-fetch --list --version 1.x 2>err &&
	grep "bad version" err
'

test_expect_success CURL '--list as a table' '
	mpf-fetch --list --board RPI_PICO2_W --version 1.24.1 -o table >t &&
	head -1 t | grep "Board *Variant *Version *Build *Port *Format *Date *Source *File" &&
	grep "RPI_PICO2_W .*1.24.1 .*rp2 *uf2 *2024-11-29 *download *$TRASH" t
'

stop_mirror
test_done
