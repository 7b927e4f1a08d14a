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

test_expect_success 'mpflash list  ==  mpf-list' '
	start_sim pico --board rp2-1.22.2 --link "$PWD/ttyACM-pico" &&
	wait_for 10 test -e ttyACM-pico &&
	mpf-list --serial "$PWD/ttyACM*" -o jsonl >out &&
	test "$(json_field out board_id)" = RPI_PICO_W &&
	test "$(json_field out version)" = 1.22.2 &&
	mpf-list --serial "$PWD/ttyACM*" -o table >table &&
	grep -q "RPI_PICO_W .*1\.22\.2" table &&
	stop_sim pico
'

test_expect_success 'mpflash download --board B --version V  ==  mpf-download --board B --version V' '
	mpf-download --board RPI_PICO_W --board PYBV11 --version 1.24.1 -o jsonl >out &&
	test "$(wc -l <out)" = 2 &&
	test -s "$(json_field out firmware.file 1)" &&
	test -s "$(json_field out firmware.file 2)" &&
	test "$(json_field out firmware.version 1)" = 1.24.1 &&
	mpf-uf2 info "$(json_field out firmware.file 1)" >info &&
	grep -qi rp2040 info
'

test_expect_success 'mpflash download (the attached boards)  ==  mpf-download' '
	start_sim pico2 --board rp2-1.22.2 --link "$PWD/ttyACM-p2" &&
	wait_for 10 test -e ttyACM-p2 &&
	mpf-download --serial "$PWD/ttyACM-p2" -o jsonl >out &&
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
	test "$(json_field out board_id 1):$(json_field out flashed.method 1):$(json_field out flashed.ok 1)" = PYBV11:dfu:true &&
	test "$(json_field out board_id 2):$(json_field out flashed.method 2):$(json_field out flashed.ok 2)" = ARDUINO_NANO_33_BLE_SENSE:swd:true &&
	test "$(json_field out cpu 2)" = nRF52840 &&
	usbsim mpf-swd read 0 20075 back.bin >/dev/null &&
	cmp nrf.bin back.bin
'

test_expect_success 'esptool chip_id  ==  mpf-esp --serial PORT info' '
	esp_sim_start esp --chip esp32 &&
	mpf-esp --serial "$PWD/esp.tty" info >out &&
	grep -qi esp32 out &&
	esp_sim_clean esp
'

test_expect_success 'esptool write_flash 0x1000 fw.bin  ==  mpf-esp --serial PORT write 0x1000 fw.bin' '
	esp_mkimage --chip esp32 --size 100000 >fw.bin &&
	mpf-esp --serial "$PWD/esp.tty" write 0x1000 fw.bin >out &&
	mpf-esp --serial "$PWD/esp.tty" read 0x1000 100000 back.bin >/dev/null &&
	cmp fw.bin back.bin &&
	esp_sim_clean esp
'

test_expect_success 'esptool erase_flash  ==  mpf-esp --serial PORT erase' '
	mpf-esp --serial "$PWD/esp.tty" erase >out &&
	mpf-esp --serial "$PWD/esp.tty" read 0x1000 4096 erased.bin >/dev/null &&
	head -c 4096 /dev/zero | tr "\0" "\377" >ff.bin &&
	cmp ff.bin erased.bin &&
	esp_sim_clean esp &&
	esp_sim_stop esp
'

test_expect_success USBSIM 'dfu-util -l  ==  mpf-dfu list (or mpf-scan --kind dfu)' '
	usbsim mpf-dfu list >out &&
	grep -q PYB1 out &&
	usbsim mpf-scan --kind dfu -o jsonl >scan &&
	test "$(json_field scan usb_serial)" = PYB1
'

test_expect_success USBSIM 'dfu-util -a 0 -s 0x08000000 -D fw.bin  ==  mpf-dfu write fw.bin' '
	head -c 20000 /dev/urandom >dfw.bin &&
	usbsim mpf-dfu --wait 0 write dfw.bin >out 2>err &&
	usbsim mpf-dfu read 0x08000000 20000 dback.bin >/dev/null 2>&1 &&
	cmp dfw.bin dback.bin
'

test_expect_success USBSIM,DFU_UTIL 'dfu-util -a 0 -s 0x08000000:N -U out.bin  ==  mpf-dfu read 0x08000000 N out.bin' '
	usbsim mpf-dfu read 0x08000000 20000 mine.bin >/dev/null 2>&1 &&
	dfu_readback 0x08000000 20000 theirs.bin &&
	cmp mine.bin theirs.bin
'

test_expect_success 'uf2conv.py -c -f RP2040 -b 0x10000000 fw.bin  ==  mpf-uf2 convert --family RP2040 fw.bin fw.uf2' '
	head -c 3000 /dev/urandom >u.bin &&
	mpf-uf2 convert --family RP2040 u.bin u.uf2 &&
	test "$(wc -c <u.uf2)" = $((12 * 512)) &&
	mpf-uf2 info u.uf2 >info &&
	grep -qi 0x10000000 info
'

test_expect_success USBSIM 'openocd -f interface/cmsis-dap.cfg -f target/nrf52.cfg -c "program fw.bin verify reset exit"  ==  mpf-swd write fw.bin' '
	head -c 30000 /dev/urandom >s.bin &&
	usbsim mpf-swd write s.bin >out 2>err &&
	usbsim mpf-swd read 0 30000 sback.bin >/dev/null &&
	cmp s.bin sback.bin
'

test_expect_success USBSIM 'pyocd flash -t nrf52840 fw.hex  ==  mpf-swd --target nrf52 write fw.hex' '
	printf ":0400000001020304F2\n:00000001FF\n" >s.hex &&
	usbsim mpf-swd --target nrf52 write s.hex >out 2>err &&
	usbsim mpf-swd read 0 4 hback.bin >/dev/null &&
	printf "\001\002\003\004" >hwant.bin &&
	cmp hwant.bin hback.bin
'

stop_mirror
test_done
