/* uart_ids.h - USB-to-UART adapters and the highest baud rate each
 * runs, by USB id (uart_ids.c): how fast mpf-esp may ask a chip to talk. */
#ifndef MPF_UART_IDS_H
#define MPF_UART_IDS_H

struct mpf_uart_adapter {
	unsigned vid, pid;
	const char *product;	/* a word of the USB product string that tells
				 * chips sharing an id apart, NULL: any */
	const char *name;	/* "CP2102N" */
	int max_baud;		/* 0: native USB, no UART between host and chip */
};

/* The adapter with this id (and product string, may be NULL), NULL when
 * the table does not know it: then nothing limits the rate. */
const struct mpf_uart_adapter *mpf_uart_adapter(unsigned vid, unsigned pid, const char *product);

#endif
