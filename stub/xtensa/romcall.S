/* romcall.S - call a function of the ESP32's mask ROM from call0 code.
 *
 * The ROM is built for the windowed ABI (Xtensa ISA, "Windowed Register
 * Option"; Xtensa "Windowed Register ABI"): its functions start with
 * ENTRY and return with RETW, which need the caller to have used CALLn.
 * Our code is call0 (Debian's compiler is for the ESP8266's lx106, which
 * has no register windows), so this shim makes the call with CALLX8: the
 * ROM function sees our a10..a15 as its a2..a7 and returns its result in
 * our a10. a12..a15 are ours to keep in the call0 ABI, so they are saved.
 * The word at sp-12 is where a window-overflow handler looks for the
 * stack pointer of the frame above ours when the ROM's calls go deep
 * enough to spill us: it is pointed at a save area in our own frame.
 * CALLX8 is emitted as bytes (the lx106 assembler does not know it).
 *
 *   uint32_t rom_call(uint32_t fn, uint32_t a, uint32_t b, uint32_t c, uint32_t d);
 */
	.section .text, "ax"
	.literal_position
	.global rom_call
	.align 4
rom_call:
	addi	a1, a1, -96
	s32i	a0, a1, 64
	s32i	a12, a1, 68
	s32i	a13, a1, 72
	s32i	a14, a1, 76
	s32i	a15, a1, 80
	addi	a8, a1, 48		/* a save area: [a1 + 16, a1 + 48) */
	addi	a9, a1, -16
	s32i	a8, a9, 4		/* at sp - 12 */
	mov	a9, a2
	mov	a10, a3
	mov	a11, a4
	mov	a12, a5
	mov	a13, a6
	.byte	0xE0, 0x09, 0x00	/* callx8 a9 */
	mov	a2, a10
	l32i	a0, a1, 64
	l32i	a12, a1, 68
	l32i	a13, a1, 72
	l32i	a14, a1, 76
	l32i	a15, a1, 80
	addi	a1, a1, 96
	ret
