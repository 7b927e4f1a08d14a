#!/bin/sh
test_description='subcommands and typed options: a wrong operand count, an unknown
command or a bad value is a usage error (exit 2) before anything is opened

Every path handed to a command is a FIFO with no writer: a command that
opened one to read would hang (it runs under timeout, which exits 124), one
that opened it as a serial port would fail with another status. The USB
devices are the libusb simulator, whose trace names every device opened,
so "nothing opened" is checked, not assumed. The operand counts come from
the subcommand table itself, through the man page generated from it.'
. "${MPF_SRC:-.}/tests/lib.sh"
. "$MPF_SRC/tests/sim/libusb/env.sh"
. "$MPF_SRC/tests/sim/esp-sim.sh"

usbsim_devices "stm32dfu:serial=DFU1:time_scale=0.01,cmsisdap:serial=DAP1:target=stm32f405:time_scale=0.01"
mkfifo fifo

# refused PATTERN APPLET ARG...: exit 2, PATTERN and a pointer to --help on
# stderr, nothing on stdout, no USB device opened
refused() {
	_pat=$1
	shift
	: >"$MPF_USBSIM_LOG"
	test_expect_code 2 usbsim timeout 20 "$@" </dev/null >out 2>err &&
	grep -q -- "$_pat" err &&
	grep -q "see '$1 --help'" err &&
	test ! -s out &&
	test "$(usbsim_count " open")" = 0 || {
		echo "refused: $*" && cat err
		return 1
	}
}

# operands ARGS: "MIN MAX" of a synopsis (MAX -1: no limit), leaving out
# options and optional groups: "ADDR FILE [ADDR FILE]..." is "2 -1"
operands() {
	_rest=$(echo "$1" | sed 's/\[[^]]*\]//g; s/--[a-z-]* [A-Z][A-Z]*//g; s/--[a-z-]*//g; s/[|.]//g')
	_min=$(echo $_rest | wc -w)
	case $1 in *...*) echo "$_min -1" ;; *) echo "$_min $_min" ;; esac
}

# fifos N: N operands, each the FIFO
fifos() { _i=0; while [ $_i -lt "$1" ]; do printf "fifo "; _i=$((_i + 1)); done; }

test_expect_success 'every subcommand of every applet: too few and too many operands' '
	for a in $(mpf --list | awk "{print \$1}"); do
		extra= &&
		if [ $a = mpf-esp ]; then extra="--serial fifo"; fi &&
		mpf --man $a | sed -n "/^\.SH COMMANDS/,/^\.SH [^C]/p" | sed "s/\\\\-/-/g" |
			sed -n "s/^\\\\fB\([^\\\\]*\)\\\\fR\( \\\\fI\(.*\)\\\\fR\)\{0,1\}\$/\1|\3/p" >cmds &&
		while IFS="|" read name args; do
			set -- $(operands "$args") &&
			echo "$a $name: $1..$2" >>walked &&
			if [ $1 -gt 0 ]; then
				refused "$name takes" $a $extra $name $(fifos $(($1 - 1))) || return 1
			fi &&
			if [ $2 -ge 0 ]; then
				refused "$name takes" $a $extra $name $(fifos $(($2 + 1))) || return 1
			fi || return 1
		done <cmds || return 1
	done &&
	# the walk saw the commands it is meant to
	grep -qx "mpf-dfu read: 3..3" walked &&
	grep -qx "mpf-swd erase: 0..0" walked &&
	grep -qx "mpf-esp write: 2..-1" walked &&
	grep -qx "mpf-uf2 convert: 2..2" walked &&
	grep -qx "mpf-uf2 info: 1..-1" walked
'

test_expect_success 'an unknown command names the ones there are' '
	refused "unknown command .frob. (list, write, read, erase, leave, unprotect or make)" mpf-dfu frob &&
	refused "unknown command .frob." mpf-swd frob &&
	refused "unknown command .frob." mpf-esp --serial fifo frob
'

# PATTERN @ APPLET ARG...: each typed option and typed operand, bad
while IFS="@" read pat cmd; do
	pat=${pat% } cmd=${cmd# }
	test_expect_success "refused before opening: $cmd" "
		refused \"$pat\" $cmd
	"
done <<'EOF'
expects a duration @ mpf-scan --timeout 5x
out of range @ mpf-scan --timeout 0
expects a duration @ mpf-info --timeout=-1 fifo
out of range @ mpf-info --baud 1 fifo
expects an address @ mpf-dfu --address 1M list
expects an address @ mpf-dfu --address 0x100000000 leave
expects a duration @ mpf-dfu --wait soon write fifo
out of range @ mpf-dfu --alt 256 erase
SIZE .1X. is no size @ mpf-dfu read 0x08000000 1X fifo
SIZE .0. is no size @ mpf-dfu read 0x08000000 0 fifo
ADDR .0x1g. is no address @ mpf-dfu read 0x1g 1M fifo
expects an address @ mpf-swd --address 1M write fifo
out of range @ mpf-swd --frequency 10 info
expects a frequency @ mpf-swd --frequency fast info
takes one of .nrf52|stm32f4|stm32l4|stm32h7|stm32l0|stm32f1|stm32h5|stm32u5|stm32wl|stm32wb|nrf51|nrf53|rp2040|rp2350., not .stm32f9. @ mpf-swd --target stm32f9 info
SIZE .1X. is no size @ mpf-swd read 0x08000000 1X fifo
ADDR .-1. is no address @ mpf-swd read -- -1 16 fifo
past the 4 GiB @ mpf-swd read 0xffffff00 1M fifo
give --address @ mpf-swd erase
--all goes with erase @ mpf-swd --all info
takes one of .esp8266|esp32|.*, not .rp2040. @ mpf-esp --serial fifo --chip rp2040 info
out of range @ mpf-esp --serial fifo --baud 1 info
ADDR .1M. is no address @ mpf-esp --serial fifo write 1M fifo
ADDR FILE pairs @ mpf-esp --serial fifo write 0x1000 fifo 0x2000
4 KiB aligned @ mpf-esp --serial fifo erase-region 0x1000 0x800
SIZE .1X. is no size @ mpf-esp --serial fifo read 0 1X fifo
needs --serial @ mpf-esp info
not .3MB. @ mpf-esp --serial fifo --flash-size 3MB write 0 fifo
not .81m. @ mpf-esp --serial fifo --flash-freq 81m write 0 fifo
takes one of .*|RP2040|.*, not .Z80. @ mpf-uf2 convert --family Z80 fifo x.uf2
expects an address @ mpf-uf2 convert --family RP2040 --base 1M fifo x.uf2
expects a duration @ mpf-uf2 --timeout x fifo
out of range @ mpf-bootloader --wait 0 fifo
takes one of @ mpf-bootloader --kind hid fifo
no activator .bogus. @ mpf-bootloader --using mpy,bogus fifo
takes one of @ mpf-pick --method jtag
out of range @ mpf-fetch --retries 21 --update
EOF

test_expect_success USBSIM,JQ '1M reads a MiB with mpf-dfu and with mpf-swd alike' '
	usbsim mpf-dfu read 0x08000000 1M dfu.bin -o jsonl >rec &&
	test $(wc -c <dfu.bin) = 1048576 &&
	usbsim mpf-swd read 0x08000000 1M swd.bin -o jsonl >rec &&
	test $(wc -c <swd.bin) = 1048576 &&
	test "$(json_field rec read.size)" = 1048576 &&
	usbsim mpf-swd read 0x08000000 64K k.bin -o jsonl >rec &&
	test $(wc -c <k.bin) = 65536
'

test_expect_success JQ '--chip: a name from the chip table or another spelling of one' '
	esp_sim_start s3 --chip esp32s3 &&
	test_when_finished "esp_sim_stop s3" &&
	refused "not .rp2040." mpf-esp --serial s3.tty --chip rp2040 info &&
	! grep -q SYNC s3.log &&
	mpf-esp --serial s3.tty --chip ESP32-S3 info -o jsonl >out &&
	test "$(json_field out esp.chip)" = ESP32-S3 &&
	mpf-esp --serial s3.tty --chip esp32s3 info -o jsonl >out &&
	test_expect_code 1 mpf-esp --serial s3.tty --chip esp32c3 info -o jsonl >out &&
	json_field out error.message | grep -q "expected ESP32-C3, chip is ESP32-S3"
'

test_done
