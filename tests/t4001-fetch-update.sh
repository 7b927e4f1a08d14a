#!/bin/sh
test_description='mpf-fetch --update reads micropython.org-shaped pages from a loopback mirror'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/lib-mirror.sh"

# The mirror (tests/sim/mpmirror.c) serves port indexes with board-cards,
# board pages linking /resources/firmware/ files (variants, releases,
# previews, .map/.app-bin/.elf extras, old rp2-pico-* names on RPI_PICO's
# page, a board the compiled table lacks), ETag/Last-Modified and 304s,
# like the real site does.
start_mirror || exit 1

test_expect_success CURL 'update of three ports fills the catalogue' '
	mpf-fetch --update --port rp2 --port esp32 --port stm32 2>err &&
	grep "3 ports, 13 boards: 16 requests, 0 unchanged, 16 changed" err &&
	mpf-fetch --list --port rp2 -o jsonl >rp2 &&
	test $(jq -r .firmware.board_id rp2 | sort -u | wc -l) -eq 5 &&
	mpf-fetch --list --board ESP32_GENERIC --version 1.24.1 -o jsonl >e &&
	jq -r ".firmware | [.variant, .format] | @tsv" e | sort >got &&
	printf "\tbin\n\telf\nD2WD\tbin\nD2WD\telf\nOTA\tbin\nOTA\telf\nSPIRAM\tbin\nSPIRAM\telf\n" >want &&
	test_cmp want got
'

test_expect_success CURL 'previews carry their build; old names belong to the renamed board' '
	mpf-fetch --list --board RPI_PICO --version preview -o jsonl >p &&
	test "$(jq -r .firmware.build p | sort -n | tr "\n" " ")" = "1 2 3 250 " &&
	test "$(json_field p firmware.version)" = 1.26.0-preview &&
	mpf-fetch --list --board RPI_PICO --version 1.19.1 -o jsonl >old &&
	jq -se "map(select(.firmware.preview == false))[0].firmware.url | endswith(\"rp2-pico-20220618-v1.19.1.uf2\")" old &&
	jq -se "map(select(.firmware.preview == true))[0].firmware.build == 250" old
'

test_expect_success CURL 'a board the compiled table lacks is learned from the mirror' '
	mpf-fetch --list --board SIM_RP2_NEWBOARD -o jsonl >n &&
	test "$(json_field n firmware.version)" = 1.26.0-preview &&
	mpf-pick --board SIM_RP2_NEWBOARD >pick &&
	test "$(json_field pick port)" = rp2 &&
	test "$(json_field pick method)" = uf2
'

test_expect_success CURL 'an unchanged second update costs one 304 per page' '
	sim_ctl reset &&
	mpf-fetch --update --port rp2 --port esp32 --port stm32 2>err &&
	grep "16 requests, 16 unchanged, 0 changed" err &&
	test "$(sim_stat requests)" = 16 &&
	test "$(sim_stat not_modified)" = 16
'

test_expect_success CURL 'a changed board page is read again; its new preview appears' '
	sim_ctl "bump?board=RPI_PICO_W" &&
	mpf-fetch --update --port rp2 --progress json 2>err &&
	grep "6 requests, 5 unchanged, 1 changed" err &&
	grep "\"event\":\"end\".*\"phase\":\"boards\",\"done\":5,\"total\":5,\"ok\":true" err &&
	mpf-fetch --list --board RPI_PICO_W --version preview -o jsonl >p &&
	test "$(jq -r .firmware.build p | sort -n | tail -1)" = 4
'

test_expect_success CURL '--board reads only that board, found by a former name' '
	sim_ctl reset &&
	mpf-fetch --update --board PICO --port rp2 2>err &&
	grep "1 port, 1 board: 2 requests" err &&
	mpf-fetch --update --board PYBV11 2>err &&
	grep "1 port, 1 board" err
'

test_expect_success CURL 'server errors and a dropped page are retried with backoff' '
	sim_ctl reset &&
	sim_ctl "fault?name=download/RPI_PICO_W/&kind=500&count=2" &&
	sim_ctl "fault?name=download/RPI_PICO2/&kind=drop" &&
	sim_ctl "bump?board=RPI_PICO2" &&
	mpf-fetch --update --port rp2 2>err &&
	grep "9 requests, 5 unchanged, 1 changed" err &&
	test "$(sim_stat requests)" = 9 &&
	mpf-fetch --list --board RPI_PICO2 --version preview -o jsonl >p &&
	test "$(jq -r .firmware.build p | sort -n | tail -1)" = 4
'

test_expect_success CURL 'a page that keeps failing is reported; the others are saved' '
	sim_ctl reset &&
	sim_ctl "fault?name=download/RPI_PICO/&kind=500&count=-1" &&
	sim_ctl "bump?board=RPI_PICO_W" &&
	test_expect_code 1 mpf-fetch --update --port rp2 --retries 2 2>err &&
	grep "board RPI_PICO: .*download/RPI_PICO/: HTTP 500" err &&
	grep "1 changed (.*), 1 failed" err &&
	test "$(sim_stat requests)" = 8 &&
	sim_ctl reset &&
	mpf-fetch --update --port rp2 2>err &&
	grep "6 requests, 6 unchanged" err
'

test_expect_success CURL 'a server without validators: unchanged pages are not parsed again' '
	"$(mpf_sim mpmirror)" --no-validators 1 >nv.port 2>nv.err &
	nv=$! &&
	test_when_finished "kill $nv" &&
	wait_for 20 test -s nv.port &&
	export MPF_HOME=$TRASH/nv MPF_MIRROR=http://127.0.0.1:$(cat nv.port)/ &&
	mpf-fetch --update --port rp2 --port stm32 2>err &&
	grep "9 requests, 0 unchanged, 9 changed" err &&
	mpf-fetch --update --port rp2 --port stm32 2>err &&
	grep "9 requests, 9 unchanged, 0 changed" err &&
	test "$(curl -sf "${MPF_MIRROR}_sim/stats" | jq .not_modified)" = 0
'

test_expect_success CURL 'a board no index lists is an error' '
	test_expect_code 1 mpf-fetch --update --port rp2 --board NO_SUCH_BOARD 2>err &&
	grep "board NO_SUCH_BOARD is not listed" err
'

test_expect_success 'bad names and mirrors are usage errors' '
	test_expect_code 2 mpf-fetch --update --port "../x" 2>err &&
	grep "bad port name" err &&
	test_expect_code 2 mpf-fetch --update --board "a b" 2>err &&
	grep "bad board name" err &&
	test_expect_code 2 mpf-fetch --update --mirror ftp://x/ 2>err &&
	grep "not an http" err &&
	test_expect_code 2 mpf-fetch --update --list 2>err &&
	grep "give one" err &&
	test_expect_code 2 mpf-fetch --update extra 2>err &&
	grep "unexpected argument" err
'

test_expect_success 'a broken or unreachable database is a clear error' '
	mkdir -p bad && echo garbage >bad/mpf.db &&
	MPF_HOME=$TRASH/bad test_expect_code 74 mpf-fetch --list 2>err &&
	grep "cannot use database $TRASH/bad/mpf.db: file is not a database (move it away" err &&
	MPF_HOME=$TRASH/bad test_expect_code 74 mpf-pick --board RPI_PICO 2>err &&
	grep "file is not a database" err &&
	echo x >notadir &&
	MPF_HOME=$TRASH/notadir/home test_expect_code 74 mpf-fetch --list 2>err &&
	grep "cannot create $TRASH/notadir/home" err
'

test_expect_success 'an unreachable mirror fails with a clear message after retries' '
	port=$(cat mirror.port) &&
	test_expect_code 69 mpf-fetch --update --port rp2 --retries 1 \
		--mirror http://127.0.0.1:1/ 2>err &&
	grep "port rp2: http://127.0.0.1:1/download/?port=rp2: .*" err
'

test_expect_success CURL 'a mirror page that is not found is reported' '
	test_expect_code 69 mpf-fetch --update --port rp2 --mirror "${MIRROR}nothing/" 2>err &&
	grep "HTTP 404" err
'

stop_mirror
test_done
