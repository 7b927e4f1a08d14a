/* boards_csv.S - the MicroPython board table, compiled into the binary so
 * a lone installed mpf knows every board (parsed by lib/board/boards.c). */
	.section .rodata
	.global mpf_boards_csv
	.global mpf_boards_csv_end
mpf_boards_csv:
	.incbin "lib/board/micropython_boards.csv"
mpf_boards_csv_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
