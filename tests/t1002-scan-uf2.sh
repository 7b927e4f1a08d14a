#!/bin/sh
test_description='mpf-scan finds a UF2 drive mounted with FUSE through the real mount table'
. "${MPF_SRC:-.}/tests/lib.sh"

# A UF2 bootloader shows a small FAT drive holding INFO_UF2.TXT. Here a
# real FAT image (mkfs.vfat) with the RP2040 boot ROM's INFO_UF2.TXT is
# mounted through FUSE (fusefat), so detection goes through
# /proc/self/mountinfo exactly as with a real drive.

make_drive() {
	# $1 dir name, $2 board-id, $3 model
	mkfs.vfat -C -n UF2BOOT "$1.img" 1024 >/dev/null &&
	printf "UF2 Bootloader v3.0\r\nModel: %s\r\nBoard-ID: %s\r\n" "$3" "$2" >info.txt &&
	mcopy -i "$1.img" info.txt ::INFO_UF2.TXT &&
	mkdir -p "$1" &&
	fusefat -o ro "$1.img" "$1" >/dev/null 2>&1 &&
	test_when_finished "fusermount -u '$TRASH/$1'"
}

test_expect_success FUSEFAT 'a mounted UF2 drive is a uf2 record with its INFO_UF2.TXT fields' '
	make_drive "RPI RP2" RPI-RP2 "Raspberry Pi RP2" &&
	mpf-scan --kind uf2 -o jsonl >out &&
	jq -c "select(.path == \"$TRASH/RPI RP2\")" out >mine &&
	test $(wc -l <mine) -eq 1 &&
	test "$(json_field mine kind)" = uf2 &&
	test "$(json_field mine board_id)" = RPI-RP2 &&
	test "$(json_field mine model)" = "Raspberry Pi RP2" &&
	test "$(json_field mine uf2_bootloader)" = "UF2 Bootloader v3.0"
'

test_expect_success FUSEFAT 'a lowercase info_uf2.txt counts too; a drive without it does not' '
	mkfs.vfat -C plain.img 1024 >/dev/null && mkdir plain &&
	fusefat -o ro plain.img plain >/dev/null 2>&1 &&
	test_when_finished "fusermount -u $TRASH/plain" &&
	make_drive samd SAMD21G18A-Zero-v0 "Arduino Zero" &&
	mpf-scan --kind uf2 -o jsonl >out &&
	! grep -q "\"$TRASH/plain\"" out &&
	grep -q "SAMD21G18A-Zero-v0" out
'

test_expect_success FUSEFAT '--ignore leaves a drive out' '
	make_drive pico RPI-RP2 "Raspberry Pi RP2" &&
	mpf-scan --kind uf2 --ignore "$TRASH/pico" -o jsonl >out &&
	! grep -q "\"$TRASH/pico\"" out
'

test_done
