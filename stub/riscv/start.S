/* start.S - entry of the RISC-V stubs. The ROM loader jumps here after
 * MEM_END with its own stack and interrupts as it left them: take our
 * own stack, mask interrupts (the stub polls, or installs its own
 * handler), clear .bss (it is not uploaded) and run the C code. */
	.option arch, +zicsr	/* the CSR instructions, part of every ESP RISC-V core */
	.section .text.entry, "ax"
	.globl stub_entry
stub_entry:
	csrci	mstatus, 8
	la	sp, _stack_top
	la	a0, _bss_start
	la	a1, _bss_end
1:	bgeu	a0, a1, 2f
	sw	zero, 0(a0)
	addi	a0, a0, 4
	j	1b
2:	call	stub_main
3:	j	3b
