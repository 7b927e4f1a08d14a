#!/bin/sh
test_description='mpf-fetch works from a file:// mirror, as in an air-gapped lab'
. "${MPF_SRC:-.}/tests/lib.sh"

# An air-gapped lab copies micropython.org with wget -r; the copy stores the
# port index as download/index.html?port=PORT and each board page as
# download/BOARD/index.html. The simulator writes the same layout (--dump).
test_expect_success 'setup: a wget-style copy of the mirror' '
	"$(mpf_sim mpmirror)" --dump "$TRASH/copy" &&
	test -f "$TRASH/copy/download/index.html?port=rp2" &&
	test -f "$TRASH/copy/download/RPI_PICO_W/index.html"
'

test_expect_success 'update from file://, then pick and download from it' '
	MPF_MIRROR=file://$TRASH/copy/ mpf-fetch --update --port rp2 --port stm32 2>err &&
	grep "2 ports, 7 boards: 0 requests, 0 unchanged, 9 changed" err &&
	mpf-pick --board PYBV11 --variant DP | MPF_MIRROR=file://$TRASH/copy/ mpf-fetch >out &&
	test "$(json_field out firmware.format)" = dfu &&
	cmp "$TRASH/copy/resources/firmware/PYBV11-DP-20250415-v1.25.0.dfu" "$(json_field out firmware.file)"
'

test_expect_success 'an unchanged copy is not parsed again' '
	MPF_MIRROR=file://$TRASH/copy/ mpf-fetch --update --port rp2 --port stm32 2>err &&
	grep "9 unchanged, 0 changed" err
'

# mpf loads libcurl only when a download starts (start-up speed): a
# machine without it still works from a file:// copy.
test_expect_success 'without libcurl: file:// works, http is a clear error' '
	MPF_LIBCURL=$TRASH/no/libcurl.so.4 MPF_MIRROR=file://$TRASH/copy/ \
		mpf-fetch --update --port rp2 2>err &&
	grep "0 failed" err &&
	test_expect_code 69 env MPF_LIBCURL=$TRASH/no/libcurl.so.4 \
		mpf-fetch --update --port rp2 --retries 0 --mirror http://127.0.0.1:1/ 2>err &&
	grep "cannot load libcurl (install libcurl4.*no/libcurl.so.4" err
'

test_expect_success 'a missing copy is a clear error' '
	test_expect_code 69 mpf-fetch --update --port rp2 --mirror "file://$TRASH/nowhere/" 2>err &&
	grep "nowhere/download/index.html?port=rp2: No such file" err
'

test_done
