#!/bin/sh
test_description='mpf-uf2 knows every family of uf2families.json, takes any numeric id, and bounds images by the family flash'
. "${MPF_SRC:-.}/tests/lib.sh"

# Microsoft's utils/uf2families.json (microsoft/uf2), every entry: id and short name.
cat >families <<'EOT'
0x16573617 ATMEGA32
0x1851780a SAML21
0x1b57745f NRF52
0x1c5f21b0 ESP32
0x1e1f432d STM32L1
0x202e3a91 STM32L0
0x21460ff0 STM32WL
0x22e0d6fc RTL8710B
0x2abc77ec LPC55
0x300f5633 STM32G0
0x31d228c6 GD32F350
0x3379cfe2 RTL8720D
0x04240bdf STM32L5
0x4c71240a STM32G4
0x4fb2d5bd MIMXRT10XX
0x51e903a8 XR809
0x53b80f00 STM32F7
0x55114460 SAMD51
0x57755a57 STM32F4
0x5a18069b FX2
0x5d1a0a2e STM32F2
0x5ee21072 STM32F1
0x621e937a NRF52833
0x647824b6 STM32F0
0x675a40b0 BK7231U
0x68ed2b88 SAMD21
0x6a82cc42 BK7251
0x6b846188 STM32F3
0x6d0922fa STM32F407
0x4e8f1c5d STM32H5
0x6db66082 STM32H7
0x70d16653 STM32WB
0x7b3ef230 BK7231N
0x7eab61ed ESP8266
0x7f83e793 KL32L2
0x8fb060fe STM32F407VG
0x9fffd543 RTL8710A
0xada52840 NRF52840
0x820d9a5f NRF52820
0xbfdd4eee ESP32S2
0xc47e5767 ESP32S3
0xd42ba06c ESP32C3
0x2b88d29c ESP32C2
0x332726f6 ESP32H2
0x540ddf62 ESP32C6
0x3d308e94 ESP32P4
0xf71c0343 ESP32C5
0x77d850c4 ESP32C61
0xb6dd00af ESP32H21
0x9e0baa8a ESP32H4
0x3101f7c1 ESP32S31
0xde1270b7 BL602
0xe08f7564 RTL8720C
0xe48bff56 RP2040
0xe48bff57 RP2XXX_ABSOLUTE
0xe48bff58 RP2XXX_DATA
0xe48bff59 RP2350_ARM_S
0xe48bff5a RP2350_RISCV
0xe48bff5b RP2350_ARM_NS
0x00ff6919 STM32L4
0x9af03e33 GD32VF103
0x4f6ace52 CSK4
0x6e7348a8 CSK6
0x11de784a M0SENSE
0x4b684d71 MaixPlay-U4
0x9517422f RZA1LU
0x2dc309c5 STM32F411xE
0x06d1097b STM32F411xC
0x72721d4e NRF52832xxAA
0x6f752678 NRF52832xxAB
0xa0c97b8e AT32F415
0x699b62ec CH32V
0x7be8976d RA4M1
0x7410520a MAX32690
0xd63f8632 MAX32650
0xf0c30d71 MAX32666
0x91d3fd18 MAX78002
0x7d7a66ef PY32F071-UVK5-V3
EOT

test_expect_success JQ 'setup' '
	head -c 1024 /dev/urandom >one.bin
'

test_expect_success JQ 'every family is known by its id and by its name, in any case' '
	while read id name; do
		mpf-uf2 convert --family "$id" --base 0x2000 one.bin by-id.uf2 2>/dev/null &&
		test "$(mpf-uf2 info by-id.uf2 -o json | jq -r ".[0].families[0].family")" = "$name" &&
		lower=$(echo "$name" | tr A-Z a-z) &&
		mpf-uf2 convert --family "$lower" --base 0x2000 one.bin by-name.uf2 2>/dev/null &&
		cmp by-id.uf2 by-name.uf2 || { echo "family $id $name"; return 1; }
	done <families
'

test_expect_success JQ 'a number no table knows: a raw .bin needs --base, and the message says why' '
	test_expect_code 2 mpf-uf2 convert --family 0x5ee21073 one.bin x.uf2 2>err &&
	grep -q "needs --base for 0x5ee21073" err &&
	grep -q "not in uf2families.json" err &&
	grep -q "a .hex or .elf carries its addresses" err &&
	test ! -e x.uf2 &&
	mpf-uf2 convert --family 0x5ee21073 --base 0x08000000 one.bin x.uf2 &&
	mpf-uf2 info x.uf2 -o json >out &&
	test "$(jq -r ".[0].families[0].id" out)" = 0x5ee21073 &&
	test "$(jq -r ".[0].families[0].start" out)" = 0x08000000
'

test_expect_success 'families of the table have their base: STM32F1 at 0x08000000, no --base' '
	mpf-uf2 convert --family STM32F1 one.bin f1.uf2 2>err &&
	grep -q "STM32F1 at 0x08000000" err
'

test_expect_success 'convert never replaces its input: same name, another path, a symlink, a hard link' '
	cp one.bin keep.bin &&
	ln -s one.bin sym.bin && ln one.bin hard.bin &&
	for out in one.bin ./one.bin sym.bin hard.bin "$TRASH/one.bin"; do
		test_expect_code 2 mpf-uf2 convert --family RP2040 one.bin "$out" 2>err &&
		grep -q "same file" err || return 1
	done &&
	cmp one.bin keep.bin && test -L sym.bin
'

test_expect_success 'a UF2 file given to convert is refused, not wrapped again' '
	mpf-uf2 convert --family RP2040 one.bin fw.uf2 &&
	test_expect_code 65 mpf-uf2 convert --family RP2040 fw.uf2 again.uf2 2>err &&
	grep -q "fw.uf2 is a UF2 file" err &&
	grep -q "mpf-uf2 extract" err &&
	test ! -e again.uf2
'

test_expect_success 'an image past the family flash is refused by convert; --force makes it' '
	truncate -s 17M big.bin &&
	test_expect_code 65 mpf-uf2 convert --family RP2040 big.bin big.uf2 2>err &&
	grep -q "past the end of RP2040 flash (0x11000000)" err &&
	test ! -e big.uf2 &&
	truncate -s 16M fits.bin &&
	mpf-uf2 convert --family RP2040 fits.bin fits.uf2 &&
	truncate -s 257K samd.bin &&
	test_expect_code 65 mpf-uf2 convert --family SAMD21 samd.bin samd.uf2 2>err &&
	grep -q "SAMD21 flash (0x00040000)" err &&
	mpf-uf2 convert --force --family RP2040 big.bin big.uf2 2>err &&
	grep -q "going on (--force)" err
'

test_expect_success JQ 'flashing an image past the flash copies nothing' '
	mkdir drive &&
	printf "UF2 Bootloader v3.0\nModel: Raspberry Pi RP2\nBoard-ID: RPI-RP2\n" >drive/INFO_UF2.TXT &&
	test_expect_code 1 mpf-uf2 --no-wait --drive drive big.uf2 >out 2>err &&
	test "$(json_field out error.code)" = mismatch &&
	json_field out error.message | grep -q "past the end of RP2040 flash" &&
	test "$(ls drive)" = INFO_UF2.TXT &&
	mpf-uf2 convert --force --family 0 --base 0x10000000 big.bin nofamily.uf2 &&
	test_expect_code 1 mpf-uf2 --no-wait --drive drive nofamily.uf2 >out &&
	test "$(ls drive)" = INFO_UF2.TXT &&
	json_field out error.message | grep -q "past the end of RP2040 flash"
'

test_done
