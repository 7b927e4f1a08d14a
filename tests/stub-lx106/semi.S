/* semi.S - QEMU's Xtensa semihosting: SIMCALL with the call number in
 * a2 and its arguments in a3..a5, the result back in a2 (QEMU
 * target/xtensa/xtensa-semi.c: 1 exit, 3 read, 4 write). call0 puts
 * our arguments in exactly those registers. SIMCALL is emitted as bytes.
 *
 *   int simcall(int nr, int a, int b, int c);
 */
	.section .text, "ax"
	.global simcall
	.align 4
simcall:
	.byte	0x00, 0x51, 0x00	/* simcall */
	ret
