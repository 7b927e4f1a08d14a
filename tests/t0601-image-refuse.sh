#!/bin/sh
test_description='a flasher refuses a file meant for another method, touching nothing

Stands for: an STM32F405 behind a CMSIS-DAP probe and another in its DfuSe
bootloader, both attached. A UF2 file, an ESP image and a DfuSe file whose
signature is not exactly "DfuSe" are refused by mpf-swd and mpf-dfu with a
message naming the format and the way to use it; neither simulator sees an
erase or a write.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
DFU_FILE=$MPF_BUILD/sim/dfu-file

usbsim_devices "cmsisdap:serial=F405:target=stm32f405:time_scale=0.01,stm32dfu:serial=315A28A0B956:time_scale=0.01"

# refused APPLET FILE MESSAGE: APPLET write FILE fails saying MESSAGE, and
# nothing on either board was erased, unlocked or written.
refused() {
	: >"$MPF_USBSIM_LOG" &&
	test_must_fail usbsim mpf-$1 write "$2" 2>err ||
		{ echo "mpf-$1 wrote $2"; return 1; }
	grep -F "$3" err || { cat err; return 1; }
	test "$(usbsim_count "event: (erase|mass|write)|erase [0-9]|flash unlocked")" = 0
}

test_expect_success USBSIM 'setup: a UF2 file and an ESP image' '
	head -c 3000 /dev/urandom >a.bin &&
	mpf-uf2 convert --family STM32F4 --base 0x08000000 a.bin fw.uf2 &&
	"$MPF_BUILD/sim/esp-mkimage" --chip esp32s3 >esp.bin
'

for applet in swd dfu; do
	test_expect_success USBSIM "mpf-$applet: a UF2 file is refused, naming mpf-uf2 and extract" "
		refused $applet fw.uf2 'fw.uf2 is a UF2 file for STM32F4: flash it with mpf-uf2, or take its payload out with mpf-uf2 extract'
	"
	test_expect_success USBSIM "mpf-$applet: an ESP image is refused, naming mpf-esp" "
		refused $applet esp.bin 'esp.bin is an ESP32-S3 image: flash it with mpf-esp'
	"
done

for applet in swd dfu; do
	test_expect_success USBSIM,JQ "mpf-$applet: a record whose firmware is a UF2 file gets an error" "
		: >\"\$MPF_USBSIM_LOG\" &&
		echo '{\"method\":\"$applet\",\"cpu\":\"STM32F405\",\"firmware\":{\"file\":\"fw.uf2\"}}' |
			usbsim mpf-$applet -o jsonl >out ;
		json_field out error.message | grep -F 'fw.uf2 is a UF2 file for STM32F4: flash it with mpf-uf2' &&
		test \"\$(jq -r '.flashed.verified // false' out)\" = false &&
		test \"\$(usbsim_count 'event: (erase|mass|write)|erase [0-9]|flash unlocked')\" = 0
	"
done

test_expect_success USBSIM,DFU_FILE_TOOLS 'a DfuSe file whose signature is not exactly "DfuSe" is damaged' '
	"$DFU_FILE" pack -D 0483:df11 0x08000000:a.bin good.dfu &&
	size=$(($(wc -c <good.dfu) - 16)) &&
	{ printf DfuSx && tail -c +6 good.dfu | head -c $((size - 5)); } >body &&
	cp body bad.dfu && dfu-suffix -v 0483 -p df11 -S 0x011a -a bad.dfu >/dev/null &&
	refused dfu bad.dfu "damaged DfuSe file: its prefix signature is \"DfuSx\"" &&
	refused swd bad.dfu "damaged DfuSe file" &&
	cp body low.dfu && printf dfuse | dd of=low.dfu conv=notrunc 2>/dev/null &&
	dfu-suffix -v 0483 -p df11 -S 0x011a -a low.dfu >/dev/null &&
	refused dfu low.dfu "damaged DfuSe file"
'

test_done
