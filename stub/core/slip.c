/* slip.c - SLIP framing for the stub (esptool "Serial Protocol", "Low
 * Level Protocol"): 0xC0 ends a frame, 0xDB 0xDC is a data 0xC0, 0xDB
 * 0xDD a data 0xDB. */
#include "core.h"

#define END 0xC0
#define ESC 0xDB

static void tx_byte(uint8_t c)
{
	plat_tx(&c, 1);
}

void slip_start(void)
{
	tx_byte(END);
}

void slip_send(const uint8_t *p, uint32_t n)
{
	static const uint8_t esc_end[2] = { ESC, 0xDC }, esc_esc[2] = { ESC, 0xDD };
	uint32_t run = 0, i;

	for (i = 0; i < n; i++) {
		if (p[i] != END && p[i] != ESC)
			continue;
		plat_tx(p + run, i - run);
		plat_tx(p[i] == END ? esc_end : esc_esc, 2);
		run = i + 1;
	}
	plat_tx(p + run, n - run);
}

void slip_end(void)
{
	tx_byte(END);
}

void slip_frame(const uint8_t *p, uint32_t n)
{
	slip_start();
	slip_send(p, n);
	slip_end();
}

/* Waiting for a byte, look at the UART every microsecond or so, not
 * back to back: a byte takes 10 us at 921600 baud and the FIFO holds
 * 128. The pause is plain instructions, no device register and no cycle
 * counter: under QEMU with -icount each of those ends a translation
 * block, the guest's clock then falls behind the host's, and the
 * emulated UART, paced on the guest's clock, lets the input in slower. */
static void rx_pause(void)
{
	int i;

	for (i = 0; i < 64; i++)
		__asm__ volatile("");
}

static int rx_wait(void)
{
	int c;

	while ((c = rx_byte()) == -1)
		rx_pause();
	return c;
}

/* Receive one frame into buf (at most max bytes kept). Bytes before the
 * first 0xC0 and empty frames are skipped. Returns its length; a frame
 * longer than max returns max + 1 with the first max bytes in buf; a
 * bad escape returns SLIP_BAD; the end of input (host fake) SLIP_EOF. */
int32_t slip_recv(uint8_t *buf, uint32_t max)
{
	uint32_t n = 0;
	int c, bad = 0;

	do {
		if ((c = rx_wait()) < 0)
			return SLIP_EOF;
	} while (c != END);
	if (max)
		buf[0] = 0xFF;	/* no header yet: nothing a damaged frame could be answered by */
	for (;;) {
		if ((c = rx_wait()) < 0)
			return SLIP_EOF;
		if (c == END) {
			if (!n && !bad)
				continue;	/* the closing END of the last frame */
			break;
		}
		if (c == ESC) {
			if ((c = rx_wait()) < 0)
				return SLIP_EOF;
			if (c == END)
				return SLIP_BAD;
			if (c == 0xDC)
				c = END;
			else if (c == 0xDD)
				c = ESC;
			else
				bad = 1;
		}
		if (n < max)
			buf[n] = (uint8_t)c;
		if (n <= max)
			n++;
	}
	return bad ? SLIP_BAD : (int32_t)n;
}
