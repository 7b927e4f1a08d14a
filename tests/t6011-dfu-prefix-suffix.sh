#!/bin/sh
test_description='the DFU suffixes and prefixes dfu-util'"'"'s dfu-suffix and dfu-prefix write are read as dfu-util reads them

Stands for: plain DFU images prepared with Debian'"'"'s dfu-util tools: a suffix
(-a with -v, -p, -d, -S), a TI Stellaris prefix (dfu-prefix -s ADDR -a) and
an NXP LPC prefix (dfu-prefix -L -a). lib/proto/dfuse reads them back
through the dfu-file test tool.'
. "${MPF_SRC:-.}/tests/lib.sh"

test_lazy_prereq DFU_TOOLS 'command -v dfu-suffix && command -v dfu-prefix'
probe() { "$MPF_BUILD/sim/dfu-file" probe "$1"; }

# An image whose first bytes are no prefix (an ARM vector table's stack
# pointer), so only the tools' prefixes are found.
test_expect_success 'setup' '
	{ printf "\000\020\000\040"; head -c 2996 /dev/urandom; } >fw.bin &&
	probe fw.bin >got &&
	printf "suffix none\nprefix none\n" >want &&
	test_cmp want got
'

test_expect_success DFU_TOOLS 'dfu-suffix -a with ids: vid, pid, bcdDevice, bcdDFU 0x0100, length 16' '
	cp fw.bin s.bin &&
	dfu-suffix -a s.bin -v 0x0483 -p 0xdf11 -d 0x0200 >/dev/null 2>&1 &&
	probe s.bin >got &&
	printf "suffix 0483:df11 device 0200 dfu 0100 length 16\nprefix none\n" >want &&
	test_cmp want got
'

test_expect_success DFU_TOOLS 'dfu-suffix -a alone: the wildcard ids; -S sets bcdDFU' '
	cp fw.bin w.bin && dfu-suffix -a w.bin -S 0x011a >/dev/null 2>&1 &&
	probe w.bin >got &&
	printf "suffix ffff:ffff device ffff dfu 011a length 16\nprefix none\n" >want &&
	test_cmp want got
'

test_expect_success DFU_TOOLS 'a damaged suffix (CRC) is told apart from none' '
	cp s.bin bad.bin &&
	printf "\377" | dd of=bad.bin bs=1 seek=100 conv=notrunc 2>/dev/null &&
	probe bad.bin >got &&
	head -n 1 got >first &&
	echo "suffix bad" >want && test_cmp want first
'

test_expect_success DFU_TOOLS 'dfu-prefix -s ADDR -a: a TI Stellaris prefix, its address and payload' '
	cp fw.bin st.bin &&
	dfu-prefix -s 0x2000 -a st.bin >/dev/null 2>&1 &&
	probe st.bin >got &&
	printf "suffix none\nprefix stellaris 0x00002000 3000\n" >want &&
	test_cmp want got &&
	dfu-suffix -a st.bin -v 0x1cbe -p 0x00ff >/dev/null 2>&1 &&
	probe st.bin >got &&
	printf "suffix 1cbe:00ff device ffff dfu 0100 length 16\nprefix stellaris 0x00002000 3000\n" >want &&
	test_cmp want got &&
	dfu-prefix -T -c st.bin | grep -q "Address:.*0x00002000"
'

test_expect_success DFU_TOOLS 'dfu-prefix -L -a: an NXP LPC prefix, its payload in 512-byte blocks' '
	cp fw.bin lpc.bin &&
	dfu-prefix -L -a lpc.bin >/dev/null 2>&1 &&
	probe lpc.bin >got &&
	printf "suffix none\nprefix lpc 3072\n" >want &&
	test_cmp want got &&
	dfu-suffix -a lpc.bin >/dev/null 2>&1 &&
	probe lpc.bin | tail -n 1 >got &&
	printf "prefix lpc 3072\n" >want &&
	test_cmp want got
'

test_expect_success DFU_TOOLS 'dfu-prefix -D takes the prefix off: nothing is found then' '
	cp fw.bin d.bin && dfu-prefix -s 0x4000 -a d.bin >/dev/null 2>&1 &&
	dfu-prefix -T -D d.bin >/dev/null 2>&1 &&
	cmp fw.bin d.bin &&
	probe d.bin | tail -n 1 >got &&
	echo "prefix none" >want && test_cmp want got
'

test_done
