/* start.S - entry of the Xtensa stubs (ESP8266's lx106, the ESP32's LX6),
 * built as call0 code by Debian's lx106 compiler: the core instructions
 * both cores run. The ROM loader jumps here after MEM_END. Mask
 * interrupts, take our own stack, clear .bss, run the C code. */
	.section .text.entry, "ax"
	.literal_position
	.global stub_entry
	.align 4
stub_entry:
	movi	a2, 0
	wsr	a2, intenable
	rsync
	movi	a1, _stack_top
	movi	a2, _bss_start
	movi	a3, _bss_end
	movi	a4, 0
1:	bgeu	a2, a3, 2f
	s32i	a4, a2, 0
	addi	a2, a2, 4
	j	1b
2:	call0	stub_main
3:	j	3b
