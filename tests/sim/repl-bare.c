/* repl-bare - the bare raw-REPL exchange of mpf-info, for the benchmark.
 *
 *   build/sim/repl-bare PORT      prints every byte the board sent
 *
 * It does on the wire exactly what mpf-info does with a board that has no
 * raw paste (the QEMU micro:bit): Ctrl-C twice and Ctrl-A, the raw-paste
 * probe, the identification script in 32-byte chunks 3 ms apart, Ctrl-D,
 * the reply up to "\x04>", Ctrl-B and the friendly prompt; and nothing else
 * (no options, records, board table or parsing, no lib/flash/repl). The
 * difference between its wall time and mpf-info's is mpf-info's overhead
 * (tests/bench/info.sh). Only the script text comes from libmpf.
 */
#define _DEFAULT_SOURCE	/* cfmakeraw */
#include "ident.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static char rx[65536];
static size_t rxlen;

/* Read until what came since the call ends with pat (at most 5 s); 0 or -1. */
static int until(int fd, const char *pat)
{
	size_t n = strlen(pat);
	struct pollfd p = { fd, POLLIN, 0 };

	rxlen = 0;
	for (;;) {
		ssize_t r;

		if (rxlen >= n && !memcmp(rx + rxlen - n, pat, n))
			return 0;
		if (poll(&p, 1, 5000) <= 0)
			return -1;
		r = read(fd, rx + rxlen, 1);
		if (r <= 0 || rxlen + 1 >= sizeof(rx))
			return -1;
		rxlen++;
	}
}

/* until, then keep what came in the transcript on stdout */
static int expect(int fd, const char *pat)
{
	int r = until(fd, pat);

	fwrite(rx, 1, rxlen, stdout);
	return r;
}

static void put(int fd, const char *s, size_t n)
{
	if (write(fd, s, n) != (ssize_t)n)
		perror("repl-bare: write");
}

int main(int argc, char **argv)
{
	static const char prompt[] = "raw REPL; CTRL-B to exit\r\n>";
	struct timespec gap = { 0, 3 * 1000000L };
	size_t len = strlen(mpf_ident_script), off;
	struct termios tio;
	int fd;

	if (argc != 2 || (fd = open(argv[1], O_RDWR | O_NOCTTY)) < 0 || tcgetattr(fd, &tio) < 0) {
		fprintf(stderr, "usage: repl-bare PORT\n");
		return 2;
	}
	cfmakeraw(&tio);
	tcsetattr(fd, TCSANOW, &tio);
	tcflush(fd, TCIFLUSH);
	put(fd, "\r\x03\x03\r\x01", 5);
	if (expect(fd, prompt) < 0)
		return 1;
	put(fd, "\x05" "A\x01", 3);
	if (expect(fd, prompt) < 0)
		return 1;	/* a board with raw paste is not what this measures */
	for (off = 0; off < len; off += 32) {
		if (off)
			nanosleep(&gap, NULL);
		put(fd, mpf_ident_script + off, len - off < 32 ? len - off : 32);
	}
	put(fd, "\x04", 1);
	if (expect(fd, "\x04>") < 0)
		return 1;
	put(fd, "\x02", 1);
	if (expect(fd, ">>> ") < 0)
		return 1;
	close(fd);
	return 0;
}
