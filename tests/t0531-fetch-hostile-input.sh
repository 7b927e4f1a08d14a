#!/bin/sh
test_description='mpf-fetch against hostile records, files and servers: nothing written outside its folder, nothing wrong kept

A record names the folder a download lands in only through names that
pass the same check as --board; a .part is never written through a
symlink, is resumed only when the server proves it is the same file
(If-Range with the validator the first response gave), and a finished
download that is not the format its name says is not renamed into the
cache. --add registers only a firmware image for the board s port.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/lib-mirror.sh"

start_mirror --size 65536 || exit 1
cache=$TRASH/.mpf/firmware
name=RPI_PICO-20241129-v1.24.1.uf2
dest=$cache/rp2/RPI_PICO-v1.24.1.uf2

# rec BOARD_ID [PORT]: a record for the mirror s RPI_PICO 1.24.1 file, not
# in the catalogue (no --update here), so the record s names are used.
rec() {
	printf '{"port":"%s","firmware":{"board_id":"%s","url":"%sresources/firmware/%s"}}\n' \
		"${2:-rp2}" "$1" "$MIRROR" "$name"
}

# The simulator's If-Range, held against curl: the range only while the
# validator names the current file (RFC 9110 13.1.5).
test_expect_success CURL 'the simulator answers If-Range as RFC 9110 says' '
	u="${MIRROR}resources/firmware/$name" &&
	curl -sf -D h -o /dev/null "$u" &&
	etag=$(sed -n "s/^ETag: *//Ip" h | tr -d "\r") && test -n "$etag" &&
	lm=$(sed -n "s/^Last-Modified: *//Ip" h | tr -d "\r") && test -n "$lm" &&
	curl -sf -r 0-99 -H "If-Range: $etag" -w "%{http_code} %{size_download}" -o /dev/null "$u" >r &&
	test "$(cat r)" = "206 100" &&
	curl -sf -r 0-99 -H "If-Range: $lm" -w "%{http_code} %{size_download}" -o /dev/null "$u" >r &&
	test "$(cat r)" = "206 100" &&
	curl -sf -r 0-99 -H "If-Range: \"other\"" -w "%{http_code} %{size_download}" -o /dev/null "$u" >r &&
	test "$(cat r)" = "200 65536"
'

test_expect_success CURL,JQ 'hostile board ids and ports in a record write nothing anywhere' '
	long=$(printf "%0300d" 0 | tr 0 A) &&
	{ rec "../../../escaped" &&
	  rec "../../../../../../../../tmp/mpf-t0531-abs" &&
	  rec "/tmp/mpf-t0531-abs" &&
	  rec "a/b" &&
	  rec "tab\\tname" &&
	  rec "ctl\\u0001x" &&
	  rec "$long" &&
	  rec RPI_PICO "../../escaped-port" &&
	  rec RPI_PICO "/tmp/mpf-t0531-port"; } >in &&
	test_expect_code 1 mpf-fetch <in >out 2>err &&
	test $(wc -l <out) = 9 &&
	test "$(jq -r .error.code out | sort -u)" = argument &&
	! ls "$TRASH"/escaped* /tmp/mpf-t0531-* 2>/dev/null &&
	test -z "$(find "$TRASH" -name "*.uf2*" ! -path "$cache/*")" &&
	! test -e "$cache/a"
'

test_expect_success CURL,JQ 'a plain record still downloads' '
	rec RPI_PICO | mpf-fetch >out &&
	test "$(json_field out firmware.file)" = "$dest" &&
	curl -sf "${MIRROR}resources/firmware/$name" | cmp - "$dest"
'

test_expect_success CURL,JQ 'a .part that is a symlink is replaced, not written through' '
	rm -f "$dest" && echo "precious" >victim &&
	ln -s "$TRASH/victim" "$dest.part" &&
	rec RPI_PICO | mpf-fetch >out 2>err &&
	test "$(cat victim)" = precious &&
	! test -L "$dest" &&
	curl -sf "${MIRROR}resources/firmware/$name" | cmp - "$dest"
'

test_expect_success CURL,JQ 'a .part of another user or with another link is replaced' '
	rm -f "$dest" && head -c 1000 /dev/urandom >"$dest.part" &&
	ln "$dest.part" other-link &&
	cp other-link other-before &&
	rec RPI_PICO | mpf-fetch >out 2>err &&
	cmp other-link other-before &&
	curl -sf "${MIRROR}resources/firmware/$name" | cmp - "$dest"
'

test_expect_success CURL,JQ 'a .part with no validator beside it is fetched again whole' '
	rm -f "$dest" && head -c 1000 /dev/urandom >"$dest.part" &&
	sim_ctl reset &&
	rec RPI_PICO | mpf-fetch >out 2>err &&
	test "$(sim_stat ranges)" = 0 &&
	curl -sf "${MIRROR}resources/firmware/$name" | cmp - "$dest" &&
	! test -e "$dest.part.meta"
'

# The first attempt drops half way; the file then changes on the server
# (a "corrupt" fault: other bytes, another ETag). The resume sends If-Range:
# the server answers with the whole new file, never half of each.
test_expect_success CURL,JQ 'a file changed on the server between attempts is fetched whole' '
	rm -f "$dest" &&
	sim_ctl reset && sim_ctl "fault?name=$name&kind=drop" &&
	sim_ctl "fault?name=$name&kind=corrupt&count=-1" &&
	test_when_finished "sim_ctl reset" &&
	rec RPI_PICO | mpf-fetch -v >out 2>err &&
	test "$(sim_stat ifrange_miss)" = 1 &&
	curl -sf "${MIRROR}resources/firmware/$name" | cmp - "$dest"
'

test_expect_success CURL,JQ 'an unchanged file resumes with If-Range' '
	rm -f "$dest" &&
	sim_ctl reset && sim_ctl "fault?name=$name&kind=drop" &&
	rec RPI_PICO | mpf-fetch -v >out 2>err &&
	grep "resumed at" err &&
	test "$(sim_stat ranges)" = 1 && test "$(sim_stat ifrange_miss)" = 0 &&
	curl -sf "${MIRROR}resources/firmware/$name" | cmp - "$dest"
'

test_expect_success CURL,JQ 'a web page served under a firmware name is not kept' '
	rm -f "$dest" &&
	sim_ctl reset && sim_ctl "fault?name=$name&kind=html" &&
	test_expect_code 1 mpf-fetch --retries 0 <<-EOF >out 2>err &&
	$(rec RPI_PICO)
	EOF
	test "$(json_field out error.code)" = format &&
	json_field out error.message | grep "not a valid .uf2 file" &&
	! test -e "$dest" && ! test -e "$dest.part"
'

test_expect_success JQ '--add refuses empty files, text and other ports images; nothing registered' '
	: >empty.uf2 &&
	echo "hello" >text.uf2 &&
	printf "\351\003\002\040MicroPython v1.25.0 on 2025-04-15; ESP32 module with ESP32" >x.bin &&
	mpf-uf2 convert --family SAMD51 x.bin samd.uf2 &&
	echo "not an image" >text.bin &&
	test_expect_code 65 mpf-fetch --add empty.uf2 --board RPI_PICO --port rp2 --version 1.25.0 2>err &&
	grep "empty.uf2 is empty" err &&
	test_expect_code 65 mpf-fetch --add text.uf2 --board RPI_PICO --port rp2 --version 1.25.0 2>err &&
	grep "text.uf2: not a valid .uf2 file" err &&
	test_expect_code 65 mpf-fetch --add samd.uf2 --board RPI_PICO --port rp2 --version 1.25.0 2>err &&
	grep "samd.uf2: not a valid .uf2 file for port rp2: the image is for SAMD51" err &&
	test_expect_code 65 mpf-fetch --add text.bin --board ESP32_GENERIC --port esp32 --version 1.25.0 2>err &&
	grep "not an ESP image" err &&
	test_expect_code 2 mpf-fetch --add x.bin --board ESP32_GENERIC --port ../../x --version 1.25.0 2>err &&
	mpf-fetch --list -o jsonl >l &&
	! grep -e "empty.uf2" -e "text" -e samd.uf2 -e x.bin l &&
	mpf-fetch --add x.bin --board ESP32_GENERIC --port esp32 --version 1.25.0 >out &&
	test "$(json_field out firmware.source)" = custom
'

stop_mirror
test_done
