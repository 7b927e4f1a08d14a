#!/bin/sh
test_description='mpf-fetch --list streams catalogue rows: same records, no thread per row, bounded memory'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/lib-mirror.sh"

test_lazy_prereq STRACE 'command -v strace'
test_lazy_prereq TIME 'test -x /usr/bin/time'

start_mirror || exit 1

test_expect_success CURL 'setup: a small catalogue' '
	mpf-fetch --update --port rp2 -q
'

test_expect_success CURL 'a row lists as the record it always was, in jsonl, json and table' '
	list="--list --port rp2 --board RPI_PICO_W --version 1.24.1" &&
	cat >expect.jsonl <<-EOT &&
	{"port":"rp2","firmware":{"board_id":"RPI_PICO_W","variant":"","version":"1.24.1","preview":false,"format":"uf2","url":"${MIRROR}resources/firmware/RPI_PICO_W-20241129-v1.24.1.uf2","date":"2024-11-29","source":"download"}}
	EOT
	mpf-fetch $list -o jsonl >out.jsonl &&
	test_cmp expect.jsonl out.jsonl &&
	cat >expect.json <<-EOT &&
	[
	  {
	    "port": "rp2",
	    "firmware": {
	      "board_id": "RPI_PICO_W",
	      "variant": "",
	      "version": "1.24.1",
	      "preview": false,
	      "format": "uf2",
	      "url": "${MIRROR}resources/firmware/RPI_PICO_W-20241129-v1.24.1.uf2",
	      "date": "2024-11-29",
	      "source": "download"
	    }
	  }
	]
	EOT
	mpf-fetch $list -o json >out.json &&
	test_cmp expect.json out.json &&
	cat >expect.table <<-\EOT &&
	Board       Variant  Version  Build  Port  Format  Date        Source    File
	RPI_PICO_W           1.24.1   -      rp2   uf2     2024-11-29  download  -
	EOT
	mpf-fetch $list -o table >out.table &&
	test_cmp expect.table out.table
'

test_expect_success CURL 'rows come in catalogue order: newest first, previews by build' '
	cat >expect <<-\EOT &&
	RPI_PICO_W 1.26.0-preview 3
	RPI_PICO_W 1.26.0-preview 2
	RPI_PICO_W 1.26.0-preview 1
	RPI_PICO_W 1.25.0
	RPI_PICO_W 1.24.1
	RPI_PICO_W 1.24.0
	RPI_PICO_W 1.23.0
	RPI_PICO_W 1.22.2
	RPI_PICO_W 1.22.1
	RPI_PICO_W 1.22.0
	RPI_PICO_W 1.21.0
	RPI_PICO_W 1.20.0
	EOT
	mpf-fetch --list --port rp2 --board RPI_PICO_W -o jsonl >l &&
	jq -r "[.firmware.board_id, .firmware.version, (.firmware.build // empty | tostring)] | join(\" \")" l >actual &&
	test_cmp expect actual
'

# The whole catalogue three ways: json holds the jsonl records in the same
# order, and the table is the one the filter draws for the same records
# passed through untouched ("ignore": true), as --list drew it before.
test_expect_success CURL 'json and table hold the same records as jsonl, in the same order' '
	mpf-fetch --list -o jsonl >all.jsonl &&
	test $(wc -l <all.jsonl) -gt 40 &&
	mpf-fetch --list -o json >all.json &&
	jq -c ".[]" all.json >from-json &&
	jq -c . all.jsonl >from-jsonl &&
	test_cmp from-jsonl from-json &&
	mpf-fetch --list -o table >all.table &&
	jq -c ".ignore = true" all.jsonl | mpf-fetch -o table >through.table &&
	test_cmp through.table all.table
'

test_expect_success CURL 'a listing into a closed pipe stops and succeeds' '
	mpf-fetch --list -o jsonl | head -1 >first &&
	test_cmp first - <<-EOT
	$(head -1 all.jsonl)
	EOT
'
stop_mirror
rm -f mirror.port	# (start_mirror waits for it to fill)

start_mirror --previews 300 --extra-boards 40 || exit 1

test_expect_success CURL 'setup: a catalogue of 27k rows' '
	MPF_HOME=$TRASH/big mpf-fetch --update -q &&
	MPF_HOME=$TRASH/big mpf-fetch --list -o jsonl >big.jsonl &&
	test $(wc -l <big.jsonl) -gt 27000
'

# Listing every row against listing none (a version no row has; the query
# reads every row all the same): the rows must not add to the memory.
max_rss_kb() {
	MPF_HOME=$TRASH/big /usr/bin/time -f %M -o rss mpf-fetch "$@" -o jsonl >/dev/null &&
	tail -1 rss
}

# Not under SANITIZE=1: AddressSanitizer keeps freed memory in quarantine
# (RSS grows with what was freed), and LeakSanitizer cannot run under strace.
test_expect_success CURL,TIME,SANITIZE_OFF 'memory stays bounded while 27k rows are listed' '
	none=$(max_rss_kb --list --version 0.0.1) &&
	all=$(max_rss_kb --list) &&
	say "max RSS: $all kB for every row, $none kB for none" &&
	test $((all - none)) -lt 8192
'

test_expect_success CURL,STRACE,SANITIZE_OFF 'no thread per row' '
	MPF_HOME=$TRASH/big strace -f -qq -e trace=clone,clone3 -o trace \
		mpf-fetch --list -o jsonl >/dev/null &&
	n=$(grep -c clone trace || :) &&
	say "$n threads or processes made for $(wc -l <big.jsonl) rows" &&
	test "$n" -lt 8
'
stop_mirror

test_done
