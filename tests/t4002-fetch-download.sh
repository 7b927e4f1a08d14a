#!/bin/sh
test_description='mpf-fetch downloads firmware into the cache: resume, retries, checks'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/lib-mirror.sh"

# The loopback mirror serves the files with Range support and injects the
# faults a real download meets: a connection dropped half way, a 404, a
# 500 before success, a file whose bytes or size differ from before.
start_mirror --size 65536 || exit 1
cache=$TRASH/.mpf/firmware

test_expect_success CURL 'setup: catalogue' '
	mpf-fetch --update --port rp2 --port esp32 --port samd 2>err
'

test_expect_success CURL 'a picked firmware is downloaded into the cache with its sha256' '
	mpf-pick --board RPI_PICO_W --version 1.24.1 | mpf-fetch >out &&
	f=$(json_field out firmware.file) &&
	test "$f" = "$cache/rp2/RPI_PICO_W-v1.24.1.uf2" &&
	test "$(json_field out firmware.sha256)" = "$(sha256sum <"$f" | cut -d" " -f1)" &&
	test "$(json_field out firmware.size)" = 65536 &&
	test "$(json_field out method)" = uf2 &&
	! ls "$cache"/rp2/*.part 2>/dev/null &&
	curl -sf "${MIRROR}resources/firmware/RPI_PICO_W-20241129-v1.24.1.uf2" | cmp - "$f"
'

test_expect_success CURL 'the catalogue remembers the download; a second run does not download' '
	sim_ctl reset &&
	mpf-pick --board RPI_PICO_W --version 1.24.1 >rec &&
	test "$(json_field rec firmware.file)" = "$cache/rp2/RPI_PICO_W-v1.24.1.uf2" &&
	mpf-fetch <rec >out &&
	test "$(sim_stat files)" = 0 &&
	mpf-fetch --force <rec >out &&
	test "$(sim_stat files)" = 1
'

test_expect_success CURL 'a download dropped half way resumes with a Range request' '
	name=RPI_PICO_W-20241025-v1.24.0.uf2 &&
	sim_ctl reset && sim_ctl "fault?name=$name&kind=drop" &&
	mpf-pick --board RPI_PICO_W --version 1.24.0 | mpf-fetch -v >out 2>err &&
	test "$(sim_stat ranges)" = 1 &&
	grep "resumed at" err &&
	curl -sf "${MIRROR}resources/firmware/$name" | cmp - "$cache/rp2/RPI_PICO_W-v1.24.0.uf2"
'

test_expect_success CURL 'an interrupted run leaves a .part that the next run resumes' '
	name=ESP32_GENERIC_C3-20241129-v1.24.1.bin &&
	sim_ctl reset && sim_ctl "fault?name=$name&kind=drop&count=10" &&
	mpf-pick --board ESP32_GENERIC_C3 --version 1.24.1 >rec &&
	test_expect_code 1 mpf-fetch --retries 0 <rec >out 2>err &&
	test "$(json_field out error.code)" = io &&
	test -s "$cache/esp32/ESP32_GENERIC_C3-v1.24.1.bin.part" &&
	! test -e "$cache/esp32/ESP32_GENERIC_C3-v1.24.1.bin" &&
	sim_ctl reset &&
	mpf-fetch <rec >out &&
	test "$(sim_stat ranges)" = 1 &&
	test "$(json_field out firmware.offset)" = 0 &&
	test "$(json_field out firmware.chip)" = esp32c3 &&
	curl -sf "${MIRROR}resources/firmware/$name" | cmp - "$(json_field out firmware.file)"
'

test_expect_success CURL 'Ctrl-C keeps the partial file; the next run resumes it' '
	name=RPI_PICO_W-20240602-v1.23.0.uf2 &&
	part=$cache/rp2/RPI_PICO_W-v1.23.0.uf2.part &&
	sim_ctl reset && sim_ctl "rate?bps=20000" &&
	test_when_finished "sim_ctl rate?bps=0" &&
	mpf-pick --board RPI_PICO_W --version 1.23.0 >rec &&
	{ mpf-fetch <rec >out 2>err & } && pid=$! &&
	wait_for 20 test -s "$part" &&
	kill -INT $pid &&
	{ wait $pid; rc=$?; } ; test $rc = 130 &&
	test "$(json_field out error.code)" = interrupted &&
	test -s "$part" &&
	sim_ctl "rate?bps=0" &&
	mpf-fetch <rec >out &&
	test "$(sim_stat ranges)" = 1 &&
	curl -sf "${MIRROR}resources/firmware/$name" | cmp - "$(json_field out firmware.file)"
'

test_expect_success CURL 'a 500 then success is retried; a 404 is an error record' '
	sim_ctl reset &&
	sim_ctl "fault?name=SEEED_WIO_TERMINAL-20241129-v1.24.1.uf2&kind=500&count=2" &&
	sim_ctl "fault?name=RPI_PICO-20241129-v1.24.1.uf2&kind=404" &&
	{ mpf-pick --board SEEED_WIO_TERMINAL --version 1.24.1 &&
	  mpf-pick --board RPI_PICO --version 1.24.1; } >recs &&
	test_expect_code 1 mpf-fetch --keep-order <recs >out 2>err &&
	test "$(json_field out firmware.size 1)" = 65536 &&
	test "$(json_field out error.code 2)" = no-device &&
	json_field out error.message 2 | grep "RPI_PICO-20241129-v1.24.1.uf2: HTTP 404" &&
	test "$(json_field out error.applet 2)" = mpf-fetch &&
	! test -e "$cache/rp2/RPI_PICO-v1.24.1.uf2"
'

test_expect_success CURL 'a file whose checksum differs from the one known is refused' '
	mpf-pick --board RPI_PICO_W --version 1.24.1 >rec &&
	test -n "$(json_field rec firmware.sha256)" &&
	rm "$cache/rp2/RPI_PICO_W-v1.24.1.uf2" &&
	sim_ctl "fault?name=RPI_PICO_W-20241129-v1.24.1.uf2&kind=corrupt" &&
	test_expect_code 1 mpf-fetch <rec >out &&
	test "$(json_field out error.code)" = mismatch &&
	json_field out error.message | grep "sha256 .*, expected $(json_field rec firmware.sha256)" &&
	! test -e "$cache/rp2/RPI_PICO_W-v1.24.1.uf2" &&
	! test -e "$cache/rp2/RPI_PICO_W-v1.24.1.uf2.part"
'

test_expect_success CURL 'a file whose size differs from the record is refused' '
	jq -c ".firmware.size = 65536 | del(.firmware.sha256)" rec >rec2 &&
	sim_ctl "fault?name=RPI_PICO_W-20241129-v1.24.1.uf2&kind=size" &&
	test_expect_code 1 mpf-fetch <rec2 >out &&
	json_field out error.message | grep "got 66048 bytes, expected 65536" &&
	mpf-fetch <rec >out &&
	test "$(json_field out firmware.sha256)" = "$(json_field rec firmware.sha256)"
'

test_expect_success CURL 'a damaged cached file is downloaded again' '
	mpf-pick --board RPI_PICO_W --version 1.24.1 >rec &&
	printf garbage >"$cache/rp2/RPI_PICO_W-v1.24.1.uf2" &&
	mpf-fetch <rec >out 2>err &&
	grep "is damaged" err &&
	test "$(json_field out firmware.sha256)" = "$(json_field rec firmware.sha256)"
'

test_expect_success CURL 'a stalled download times out with a clear message' '
	sim_ctl reset &&
	sim_ctl "fault?name=RPI_PICO-20240602-v1.23.0.uf2&kind=stall" &&
	mpf-pick --board RPI_PICO --version 1.23.0 >rec &&
	test_expect_code 1 mpf-fetch --timeout 1 --retries 0 <rec >out &&
	test "$(json_field out error.code)" = timeout &&
	json_field out error.message | grep "RPI_PICO-20240602-v1.23.0.uf2: no data for 1000 ms"
'

# The first write is the validator kept beside the .part, the second the data.
test_expect_success CURL 'a full disk is a clear error (MPF_FAULT=fwrite)' '
	mpf-pick --board RPI_PICO_W --version 1.21.0 >rec &&
	test_expect_code 1 env MPF_FAULT=fwrite:2 mpf-fetch --retries 0 <rec >out &&
	json_field out error.message | grep "cannot write .*RPI_PICO_W-v1.21.0.uf2.part: No space left on device" &&
	! test -e "$cache/rp2/RPI_PICO_W-v1.21.0.uf2"
'

test_expect_success CURL 'up_to_date records and records without firmware pass untouched' '
	printf "%s\n" "{\"kind\":\"serial\",\"serial\":\"/dev/ttyACM0\"}" \
		"{\"up_to_date\":true,\"firmware\":{\"url\":\"${MIRROR}resources/firmware/x.uf2\"}}" >in &&
	mpf-fetch <in >out &&
	test_cmp in out
'

test_expect_success CURL 'progress events in JSON on stderr' '
	mpf-pick --board RPI_PICO_W --version 1.22.2 | mpf-fetch --progress json >out 2>err &&
	grep "\"event\":\"begin\"" err | grep "RPI_PICO_W-v1.22.2.uf2" &&
	grep "\"event\":\"end\"" err | grep "\"ok\":true"
'

test_expect_success CURL 'bad records get clear errors' '
	printf "%s\n" "{\"firmware\":{\"version\":\"1.24.1\"}}" \
		"{\"firmware\":{\"file\":\"/nonexistent.uf2\"}}" \
		"{\"firmware\":{\"url\":\"${MIRROR}resources/firmware/README\"}}" \
		"{\"firmware\":{\"url\":\"ftp://x/RPI_PICO-20241129-v1.24.1.uf2\"},\"port\":\"rp2\"}" \
		"not json" >in &&
	test_expect_code 1 mpf-fetch --keep-order <in >out 2>err &&
	json_field out error.message 1 | grep "neither a url nor a file" &&
	json_field out error.message 2 | grep "/nonexistent.uf2" &&
	json_field out error.message 3 | grep "not a MicroPython firmware file name" &&
	json_field out error.message 4 | grep "not an http, https or file URL" &&
	grep "stdin:5" err
'

test_expect_success CURL 'parallel downloads (-j) keep record order with --keep-order' '
	for v in 1.20.0 1.21.0 1.22.0 1.22.1 1.22.2; do
		mpf-pick --board RPI_PICO --version $v || return 1
	done >recs &&
	mpf-fetch -j 5 --keep-order <recs >out &&
	test "$(jq -r .firmware.version out | tr "\n" " ")" = "1.20.0 1.21.0 1.22.0 1.22.1 1.22.2 "
'

stop_mirror
test_done
