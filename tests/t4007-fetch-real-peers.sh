#!/bin/sh
test_description='mpf-fetch against real servers: Python http.server (no ranges), an untrusted TLS server'
. "${MPF_SRC:-.}/tests/lib.sh"

# The simulator is our own reading of HTTP. Two real peers check the
# client where it matters: Python's http.server ignores Range (it answers
# 200 with the whole file), so a resumed download must start over instead
# of appending; and openssl s_server with a self-signed certificate must be
# refused, because TLS verification is always on.
test_lazy_prereq TLSPEER 'command -v openssl && command -v python3'

# free_port: an unused TCP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

test_expect_success PYTHON 'setup: a mirror copy served by python3 -m http.server' '
	"$(mpf_sim mpmirror)" --dump "$TRASH/copy" --size 100000 &&
	{ python3 -u -m http.server --bind 127.0.0.1 --directory "$TRASH/copy" 0 >py.out 2>py.err & } &&
	echo $! >py.pid &&
	wait_for 20 grep -q "port [0-9]" py.out &&
	sed -n "s/.* port \([0-9]*\) .*/\1/p" py.out >py.port &&
	test -s py.port
'
PY=http://127.0.0.1:$(cat "$TRASH/py.port" 2>/dev/null)

test_expect_success PYTHON 'a download from a real server lands intact' '
	echo "{\"port\":\"rp2\",\"firmware\":{\"url\":\"$PY/resources/firmware/RPI_PICO_W-20241129-v1.24.1.uf2\"}}" >rec &&
	mpf-fetch <rec >out &&
	f=$(json_field out firmware.file) &&
	cmp "$TRASH/copy/resources/firmware/RPI_PICO_W-20241129-v1.24.1.uf2" "$f"
'

test_expect_success PYTHON 'a server that ignores Range: the partial file is started over' '
	echo "{\"port\":\"rp2\",\"firmware\":{\"url\":\"$PY/resources/firmware/RPI_PICO_W-20241025-v1.24.0.uf2\"}}" >rec &&
	mkdir -p .mpf/firmware/rp2 &&
	head -c 5000 /dev/urandom >.mpf/firmware/rp2/RPI_PICO_W-v1.24.0.uf2.part &&
	mpf-fetch <rec >out &&
	cmp "$TRASH/copy/resources/firmware/RPI_PICO_W-20241025-v1.24.0.uf2" "$(json_field out firmware.file)"
'

test_expect_success PYTHON 'stop the python server' '
	kill $(cat py.pid)
'

test_expect_success TLSPEER 'a TLS server with an untrusted certificate is refused' '
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
		-keyout key.pem -out cert.pem 2>/dev/null &&
	port=$(free_port) &&
	mkdir -p www/download && echo "<a class=\"board-card\" href=\"X\">" >www/download/x &&
	{ (cd www && exec openssl s_server -accept 127.0.0.1:$port -cert ../cert.pem \
		-key ../key.pem -WWW -quiet) >ssl.out 2>&1 & } &&
	echo $! >ssl.pid &&
	test_when_finished "kill \$(cat ssl.pid)" &&
	wait_for 20 python3 -c "import socket; socket.create_connection((\"127.0.0.1\", $port))" &&
	test_expect_code 69 mpf-fetch --update --port rp2 --retries 0 \
		--mirror "https://localhost:$port/" 2>err &&
	grep -i "certificate" err
'

test_done
