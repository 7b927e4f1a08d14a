#!/bin/sh
test_description='the README table: each mpflash, esptool, dfu-util, openocd, uf2conv and pyOCD command has an mpf equivalent
Each test runs the mpf command of one row against the simulators (the ESP ROM
loader on a pty, the STM32 DfuSe bootloader and a CMSIS-DAP probe with an
nRF52840 through the libusb simulator, REPL boards on ptys, the loopback
micropython.org mirror) and checks what the tool it replaces would do. The
row titles are the README rows.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/info-lib.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"
. "$MPF_SRC/tests/lib-mirror.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"


start_mirror || exit 1
# one DfuSe bootloader and one probe for the whole file (test bodies run in subshells)
usbsim_devices "stm32dfu:serial=PYB1:time_scale=0.01,cmsisdap:serial=DAP1:target=nrf52840:time_scale=0.01"
STM32_PROBE="cmsisdap:serial=DAPS:target=stm32f405:time_scale=0.01"

# pico_sim NAME: a simulated Pico W (MicroPython 1.22.2) at ./ttyACM-NAME
pico_sim() {
	start_sim "$1" --board rp2-1.22.2 --link "$PWD/ttyACM-$1" &&
	wait_for 10 test -e "ttyACM-$1"
}

test_expect_success 'mpflash list  ==  mpf-list (or mpf-scan | mpf-info)' '
	pico_sim pico &&
	mpf-list --serial "$PWD/ttyACM*" -o jsonl >out &&
	test "$(json_field out board_id)" = RPI_PICO_W &&
	test "$(json_field out version)" = 1.22.2 &&
	mpf-list --serial "$PWD/ttyACM*" -o table >table &&
	grep -q "RPI_PICO_W .*1\.22\.2" table &&
	mpf-scan --serial "$PWD/ttyACM*" | mpf-info >out2 &&
	test_cmp out out2 &&
	stop_sim pico
'

test_expect_success 'mpflash download --version stable --board X  ==  mpf-download --board X (or mpf-pick --board X | mpf-fetch)' '
	mpf-download --board RPI_PICO_W --board PYBV11 --version 1.24.1 -o jsonl >out &&
	test "$(wc -l <out)" = 2 &&
	# each record as its download ends: found by board, not by line
	grep "\"board_id\":\"RPI_PICO_W\"" out >pico &&
	test -s "$(json_field out firmware.file 1)" &&
	test -s "$(json_field out firmware.file 2)" &&
	test "$(json_field pico firmware.version)" = 1.24.1 &&
	mpf-uf2 info "$(json_field pico firmware.file)" >info &&
	grep -qi rp2040 info &&
	mpf-pick --board RPI_PICO_W | mpf-fetch >out2 &&
	test "$(json_field out2 firmware.version)" = 1.25.0 &&
	test -s "$(json_field out2 firmware.file)"
'

test_expect_success 'mpflash download (the attached boards)  ==  mpf-download' '
	pico_sim pico2 &&
	mpf-download --serial "$PWD/ttyACM-pico2" -o jsonl >out &&
	test "$(json_field out board_id)" = RPI_PICO_W &&
	test "$(json_field out firmware.version)" = 1.25.0 &&
	test -s "$(json_field out firmware.file)" &&
	stop_sim pico2 &&
	test_expect_code 69 mpf-download --serial "$PWD/nothing*" 2>err &&
	grep -q "no MicroPython board found" err
'

test_expect_success USBSIM 'mpflash flash  ==  mpf-update (a DFU pyboard and an nRF52840 behind a probe here; a Pico W over UF2 in t8002)' '
	{ printf "MicroPython v1.25.0 on 2025-04-15; Arduino Nano 33 BLE Sense with NRF52840\0"
	  head -c 20000 /dev/urandom; } >nrf.bin &&
	mpf-fetch --add nrf.bin --board ARDUINO_NANO_33_BLE_SENSE --version 1.25.0 >/dev/null &&
	MPF_TEST_DRIVES="$PWD/none" usbsim mpf-update --serial "$PWD/none*" --custom \
		--board PYB1=PYBV11 --board DAP1=ARDUINO_NANO_33_BLE_SENSE -o jsonl >out 2>err &&
	# records leave the pipeline as boards finish: look them up by board
	jq -r "[.board_id, .flashed.method, .flashed.ok] | map(tostring) | join(\":\")" out | sort >got &&
	printf "%s\n" ARDUINO_NANO_33_BLE_SENSE:swd:true PYBV11:dfu:true >want &&
	test_cmp want got &&
	test "$(jq -r "select(.flashed.method == \"swd\") | .cpu" out)" = nRF52840 &&
	usbsim mpf-swd read 0 20075 back.bin >/dev/null &&
	cmp nrf.bin back.bin
'

test_expect_success 'mpflash add FILE  ==  mpf-fetch --add FILE' '
	printf "MicroPython v1.26.0 on 2025-08-09; Raspberry Pi Pico W with RP2040\0" >own.bin &&
	mpf-uf2 convert --family RP2040 own.bin own.uf2 &&
	mpf-fetch --add own.uf2 --board RPI_PICO_W --version 1.26.0 >out 2>err &&
	mpf-fetch --list --board RPI_PICO_W -o jsonl >list &&
	grep "\"version\":\"1.26.0\"" list | grep -q "\"source\":\"custom\"" &&
	mpf-pick --board RPI_PICO_W --custom --version 1.26.0 >picked &&
	test "$(json_field picked firmware.file)" = "$PWD/own.uf2"
'

test_expect_success FUSE 'cp fw.uf2 /media/$USER/RPI-RP2/  ==  mpf-uf2 --drive /media/$USER/RPI-RP2 fw.uf2 (family checked, sync, board back)' '
	mkdir -p RPI-RP2 &&
	{ "$(mpf_sim uf2drive-sim)" --log drive.log --flash drive.img "$PWD/RPI-RP2" & } &&
	echo $! >drive.pid &&
	test_when_finished "umount -l RPI-RP2 2>/dev/null; kill \$(cat drive.pid) 2>/dev/null" &&
	wait_for 10 test -f RPI-RP2/INFO_UF2.TXT &&
	MPF_TEST_DRIVES="$PWD/RPI-RP2" mpf-uf2 --drive RPI-RP2 own.uf2 >out &&
	test "$(json_field out flashed.ok)" = true &&
	test "$(json_field out flashed.family)" = RP2040 &&
	cmp -n $(wc -c <own.bin) drive.img own.bin
'

test_expect_success FUSE 'mpremote bootloader / picotool reboot -u -f  ==  mpf-bootloader --using mpy PORT' '
	printf "MicroPython v1.22.2 on 2024-02-22; Raspberry Pi Pico W with RP2040\0" >bl.img &&
	mkdir -p bl.drv &&
	start_sim bl --board rp2-1.22.2 -v --link "$PWD/bl.tty" --uf2 "$PWD/bl.drv" \
		--flash bl.img --drive-sim "$(mpf_sim uf2drive-sim)" &&
	test_when_finished "stop_sim bl; umount -l bl.drv 2>/dev/null" &&
	wait_for 10 test -e bl.tty &&
	MPF_TEST_DRIVES="$PWD/bl.drv" mpf-bootloader --using mpy "$PWD/bl.tty" >out &&
	test "$(json_field out target.kind)" = uf2 &&
	test "$(json_field out target.path)" = "$PWD/bl.drv" &&
	grep -q "machine.bootloader(): resetting into the UF2 bootloader" bl.err
'

test_expect_success 'esptool.py chip_id + read_mac + flash_id  ==  mpf-esp -s PORT info' '
	esp_sim_start esp --chip esp32 &&
	mpf-esp --serial "$PWD/esp.tty" info >out &&
	grep -qi esp32 out &&
	esp_sim_clean esp
'

test_expect_success JQ 'esptool.py image_info fw.bin  ==  mpf-esp image-info fw.bin (offline: chip, segments, revisions, checksum, SHA-256)' '
	esp_mkimage --chip esp32s3 --size 5000 >ii.bin &&
	mpf-esp image-info ii.bin -o jsonl >out &&
	test "$(jq -r ".image | [.chip, .checksum, .sha256] | @tsv" out)" = "ESP32-S3	valid	valid"
'

test_expect_success 'esptool.py --baud 460800 write_flash -z 0x1000 fw.bin  ==  mpf-esp -s PORT write 0x1000 fw.bin' '
	esp_mkimage --chip esp32 --size 100000 >fw.bin &&
	mpf-esp --serial "$PWD/esp.tty" write 0x1000 fw.bin >out &&
	mpf-esp --serial "$PWD/esp.tty" read 0x1000 100000 back.bin >/dev/null &&
	cmp fw.bin back.bin &&
	esp_sim_clean esp
'

test_expect_success 'esptool.py erase_flash / erase_region A S / read_flash A S F  ==  mpf-esp -s PORT erase / erase-region A S / read A S F' '
	mpf-esp --serial "$PWD/esp.tty" erase >out &&
	mpf-esp --serial "$PWD/esp.tty" read 0x1000 4096 erased.bin >/dev/null &&
	head -c 4096 /dev/zero | tr "\0" "\377" >ff.bin &&
	cmp ff.bin erased.bin &&
	mpf-esp --serial "$PWD/esp.tty" write 0x1000 fw.bin >/dev/null &&
	mpf-esp -s "$PWD/esp.tty" erase-region 0x2000 0x1000 >/dev/null &&
	mpf-esp -s "$PWD/esp.tty" read 0x2000 4096 region.bin >/dev/null &&
	cmp ff.bin region.bin &&
	mpf-esp -s "$PWD/esp.tty" read 0x1000 4096 kept.bin >/dev/null &&
	head -c 4096 fw.bin >want.bin && cmp want.bin kept.bin &&
	esp_sim_clean esp &&
	esp_sim_stop esp
'

test_expect_success USBSIM 'dfu-util -l  ==  mpf-dfu list' '
	usbsim mpf-dfu list -o jsonl >out &&
	test "$(json_field out usb_serial)" = PYB1 &&
	json_field out alts | grep -q "Internal Flash"
'

test_expect_success USBSIM 'dfu-util -a 0 -s 0x08000000:leave -D x.bin  ==  mpf-dfu write x.bin (verifies too)' '
	head -c 20000 /dev/urandom >dfw.bin &&
	usbsim mpf-dfu --wait 0 write dfw.bin >out 2>err &&
	usbsim mpf-dfu read 0x08000000 20000 dback.bin >/dev/null 2>&1 &&
	cmp dfw.bin dback.bin
'

test_expect_success USBSIM 'dfu-util -a 0 -d 0483:df11 -D x.dfu -s :leave  ==  mpf-dfu write x.dfu' '
	head -c 6000 /dev/urandom >e1.bin &&
	"$MPF_BUILD/sim/dfu-file" pack -D 0483:df11 0x08004000:e1.bin x.dfu &&
	usbsim mpf-dfu --wait 0 write x.dfu -o jsonl >out 2>err &&
	test "$(json_field out flashed.ok)" = true &&
	usbsim mpf-dfu read 0x08004000 6000 e1back.bin >/dev/null 2>&1 &&
	cmp e1.bin e1back.bin
'

test_expect_success USBSIM,DFU_UTIL 'dfu-util -a 0 -s 0x08000000:1048576 -U out.bin  ==  mpf-dfu read 0x08000000 1M out.bin' '
	usbsim mpf-dfu read 0x08000000 1M mine.bin >/dev/null 2>&1 &&
	test "$(wc -c <mine.bin)" = 1048576 &&
	dfu_readback 0x08000000 1048576 theirs.bin &&
	cmp mine.bin theirs.bin &&
	cmp -n 16384 dfw.bin mine.bin && cmp -i 16384:0 -n 6000 mine.bin e1.bin
'

test_expect_success USBSIM 'dfu-util -s :mass-erase:force / :unprotect:force  ==  mpf-dfu erase / mpf-dfu unprotect' '
	usbsim mpf-dfu erase >out 2>err &&
	usbsim mpf-dfu read 0x08000000 4096 gone.bin >/dev/null 2>&1 &&
	head -c 4096 /dev/zero | tr "\0" "\377" >ff4k.bin &&
	cmp ff4k.bin gone.bin &&
	rdp="stm32dfu:serial=RDP:time_scale=0.01:rdp=1" &&
	MPF_USBSIM=$rdp usbsim mpf-dfu unprotect -o jsonl >out 2>err &&
	grep -q "read unprotect" "$MPF_USBSIM_LOG"
'

test_expect_success 'uf2conv.py -c -b 0x2000 -f SAMD21 fw.bin  ==  mpf-uf2 convert --family SAMD21 --base 0x2000 fw.bin fw.uf2' '
	head -c 3000 /dev/urandom >u.bin &&
	mpf-uf2 convert --family SAMD21 --base 0x2000 u.bin u.uf2 &&
	test "$(wc -c <u.uf2)" = $((12 * 512)) &&
	mpf-uf2 info -o jsonl u.uf2 >info &&
	grep -q "\"family\":\"SAMD21\"" info && grep -q "\"start\":\"0x00002000\"" info
'

test_expect_success 'uf2conv.py -c -o fw.bin fw.uf2  ==  mpf-uf2 extract fw.uf2 fw.bin (gaps 0xff, as erased flash)' '
	head -c 2048 /dev/urandom >x.bin &&
	mpf-uf2 convert --family SAMD21 --base 0x2000 x.bin x.uf2 &&
	mpf-uf2 extract x.uf2 back.bin &&
	cmp x.bin back.bin
'

test_expect_success DFUSE_PACK 'dfuse-pack -b 0x08000000:fw.bin fw.dfu  ==  mpf-dfu make fw.dfu 0x08000000:fw.bin (byte for byte)' '
	head -c 5000 /dev/urandom >p.bin &&
	mpf-dfu make p.dfu 0x08000000:p.bin &&
	/usr/bin/python3 "$(command -v dfuse-pack)" -b 0x08000000:p.bin ref.dfu >/dev/null &&
	cmp ref.dfu p.dfu
'

test_expect_success 'uf2conv.py -i fw.uf2  ==  mpf-uf2 info fw.uf2 (validates numbering, overlaps, payloads)' '
	mpf-uf2 info u.uf2 >info &&
	head -c 1024 u.uf2 >short.uf2 &&
	test_expect_code 1 mpf-uf2 info short.uf2 >bad 2>&1 &&
	grep -q "declares 12 blocks but the file has 2" bad
'

test_expect_success USBSIM 'openocd -f interface/cmsis-dap.cfg -f target/stm32f4x.cfg -c "program fw.bin 0x08000000 verify reset exit"  ==  mpf-swd write fw.bin' '
	head -c 30000 /dev/urandom >s.bin &&
	MPF_USBSIM=$STM32_PROBE usbsim mpf-swd write s.bin >out 2>err &&
	MPF_USBSIM=$STM32_PROBE usbsim mpf-swd read 0x08000000 30000 sback.bin >/dev/null &&
	cmp s.bin sback.bin
'

test_expect_success USBSIM 'pyocd flash -t stm32f405rg fw.hex / pyocd list  ==  mpf-swd write fw.hex (target detected) / mpf-swd list' '
	printf ":020000040800F2\n:0400000001020304F2\n:00000001FF\n" >s.hex &&
	MPF_USBSIM=$STM32_PROBE usbsim mpf-swd write s.hex >out 2>err &&
	json_field out swd.target | grep -q "^STM32F405" &&
	MPF_USBSIM=$STM32_PROBE usbsim mpf-swd read 0x08000000 4 hback.bin >/dev/null &&
	printf "\001\002\003\004" >hwant.bin &&
	cmp hwant.bin hback.bin &&
	MPF_USBSIM=$STM32_PROBE usbsim mpf-swd list -o jsonl >list &&
	test "$(json_field list usb_serial)" = DAPS
'

test_expect_success USBSIM 'nrfjprog --recover  ==  mpf-swd --unlock erase --all' '
	locked="cmsisdap:serial=LOCKED:target=nrf52840:protect=1:time_scale=0.01" &&
	MPF_USBSIM=$locked test_expect_code 1 usbsim mpf-swd info >out 2>&1 &&
	MPF_USBSIM=$locked usbsim mpf-swd --unlock erase --all >out 2>err &&
	MPF_USBSIM=$locked usbsim mpf-swd info -o jsonl >out &&
	test "$(json_field out swd.target)" = nRF52840
'

stop_mirror
test_done
