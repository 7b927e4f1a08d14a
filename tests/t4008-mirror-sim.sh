#!/bin/sh
test_description='the loopback mirror answers a real HTTP client (curl) as RFC 9110 says'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/lib-mirror.sh"

# mpf-fetch's tests trust tests/sim/mpmirror; here curl, an independent
# client, checks the parts of HTTP they rely on: validators and 304,
# byte ranges (206, Content-Range, 416), keep-alive, and loud rejection
# of malformed requests.
start_mirror --size 10000 || exit 1
f=resources/firmware/RPI_PICO_W-20241129-v1.24.1.uf2

test_expect_success CURL 'pages carry ETag and Last-Modified; both validators give 304' '
	curl -sf -D h -o page "${MIRROR}download/RPI_PICO_W/" &&
	etag=$(sed -n "s/^ETag: \(.*\)\r$/\1/p" h) && test -n "$etag" &&
	lm=$(sed -n "s/^Last-Modified: \(.*\)\r$/\1/p" h) && test -n "$lm" &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "If-None-Match: $etag" "${MIRROR}download/RPI_PICO_W/")" = 304 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "If-Modified-Since: $lm" "${MIRROR}download/RPI_PICO_W/")" = 304 &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -H "If-None-Match: \"other\"" -H "If-Modified-Since: $lm" "${MIRROR}download/RPI_PICO_W/")" = 200
'

test_expect_success CURL 'byte ranges: curl -C resumes a file to the same bytes' '
	curl -sf -o whole "$MIRROR$f" &&
	test $(wc -c <whole) -eq 10240 &&
	head -c 3000 whole >part &&
	curl -sf -C - -o part "$MIRROR$f" &&
	cmp whole part &&
	curl -s -D h -o /dev/null -r 100-199 "$MIRROR$f" &&
	grep "^HTTP/1.1 206" h && grep "^Content-Range: bytes 100-199/10240" h &&
	test "$(curl -s -o /dev/null -w "%{http_code}" -r 20000- "$MIRROR$f")" = 416
'

test_expect_success CURL 'UF2 files are valid UF2 blocks (magic numbers, block count, RP2040 family)' '
	od -An -tx4 -N32 whole | tr -s " " >words &&
	grep "0a324655 9e5d5157 00002000 10000000" words &&
	grep "00000100 00000000 00000014 e48bff56" words
'

test_expect_success CURL 'keep-alive: several requests on one connection' '
	curl -sf -o /dev/null -o /dev/null -w "%{num_connects}\n" "$MIRROR$f" "$MIRROR$f" >n &&
	test "$(tr "\n" " " <n)" = "1 0 "
'

test_expect_success CURL 'malformed requests are rejected loudly' '
	test "$(curl -s -o /dev/null -w "%{http_code}" -X POST "$MIRROR$f")" = 400 &&
	grep "unexpected method POST" mirror.err &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "${MIRROR}resources/firmware/NOPE.uf2")" = 404
'

stop_mirror
test_done
