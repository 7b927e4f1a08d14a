/* t-serial.c - the serial transport on a real pty: what a USB CDC port
 * looks like to us (a tty that can vanish, with no modem lines). */
#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, ptsname */
#include "test-lib.h"
#include "transport.h"
#include "err.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int master = -1;
static char slave[256];

static int make_pty(void)
{
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return -1;
	strncpy(slave, ptsname(master), sizeof(slave) - 1);
	return 0;
}

/* The pty's other end, opened as mpf opens a port; NULL (and a failed
 * check) if that does not work. */
static struct mpf_transport *open_slave(void)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_transport *t = NULL;

	if (!check_int(mpf_transport_open(slave, 115200, &t, &err), ==, 0)) {
		test_msg("%s", mpf_buf_str(&err));
		t = NULL;
	}
	mpf_buf_release(&err);
	return t;
}

static void t_open_read_write(void)
{
	struct mpf_transport *t;
	char buf[16];

	if (!(t = open_slave()))
		return;
	check_int(write(master, "hello", 5), ==, 5);
	check_int(mpf_tr_read(t, buf, sizeof(buf), 1000), ==, 5);
	check_mem(buf, "hello", 5);
	check_int(mpf_tr_write(t, "ok", 2, 1000), ==, 0);
	check_int(read(master, buf, sizeof(buf)), ==, 2);
	/* nothing more: a read times out with 0 */
	check_int(mpf_tr_read(t, buf, sizeof(buf), 50), ==, 0);
	/* a pty has no modem lines: not an error */
	check_int(mpf_tr_set_lines(t, 1, 0), ==, 0);
	check_int(mpf_tr_set_baud(t, 1200), ==, 0);
	mpf_tr_close(t);
}

static void t_busy(void)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_transport *a, *b;

	if (!(a = open_slave()))
		return;
	check_int(mpf_transport_open(slave, 115200, &b, &err), ==, MPF_ERR_BUSY);
	check(strstr(mpf_buf_str(&err), "busy") != NULL);
	mpf_tr_close(a);
	/* free again after close */
	check_int(mpf_transport_open(slave, 115200, &b, &err), ==, 0);
	mpf_tr_close(b);
	mpf_buf_release(&err);
}

static void t_excl_cleared(void)
{
	struct mpf_transport *t;
	int other, excl = -1;

	if (!(t = open_slave()))
		return;
	/* root may open an exclusive tty; others may not */
	other = open(slave, O_RDWR | O_NOCTTY);
	if (!check(other >= 0))
		return;
	check_int(ioctl(other, TIOCGEXCL, &excl), ==, 0);
	check_int(excl, ==, 1);
	mpf_tr_close(t);
	/* still open elsewhere: the exclusive flag must not linger */
	check_int(ioctl(other, TIOCGEXCL, &excl), ==, 0);
	check_int(excl, ==, 0);
	close(other);
}

static void t_read_until(void)
{
	static const char *const pats[] = { "raw REPL; CTRL-B to exit\r\n>", ">>> ", NULL };
	struct mpf_buf got = MPF_BUF_INIT;
	struct mpf_transport *t;
	const char *chatter = "boot chatter\r\nraw REPL; CTRL-B to exit\r\n>extra";

	if (!(t = open_slave()))
		return;
	check_int(write(master, chatter, strlen(chatter)), ==, (int)strlen(chatter));
	check_int(mpf_tr_read_until(t, pats, &got, 1000), ==, 0);
	check(strstr(got.buf, "boot chatter") == got.buf);
	mpf_buf_reset(&got);
	check_int(mpf_tr_read_until(t, pats, &got, 100), ==, MPF_ERR_TIMEOUT);
	check_str(got.buf, "extra");
	mpf_tr_close(t);
	mpf_buf_release(&got);
}

static void t_vanish(void)
{
	struct mpf_transport *t;
	char buf[4];

	if (!(t = open_slave()))
		return;
	close(master);		/* the board went away */
	check_int(mpf_tr_read(t, buf, sizeof(buf), 1000), ==, MPF_ERR_NODEV);
	mpf_tr_close(t);
}

static void t_missing(void)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_transport *t;

	check_int(mpf_transport_open("/dev/does-not-exist", 115200, &t, &err), ==, MPF_ERR_NODEV);
	check(strstr(mpf_buf_str(&err), "no such port") != NULL);
	check_int(mpf_transport_open("/dev/null", 115200, &t, &err), ==, MPF_ERR_ARG);
	mpf_buf_release(&err);
}

int main(void)
{
	if (make_pty() < 0) {
		printf("1..0 # SKIP no pty\n");
		return 0;
	}
	TEST(t_open_read_write(), "a pty opens raw, reads and writes, times out");
	TEST(t_busy(), "a second open of the same port is refused as busy");
	TEST(t_excl_cleared(), "closing clears TIOCEXCL though another process holds the tty");
	TEST(t_read_until(), "read_until stops right after the prompt, chatter kept");
	TEST(t_vanish(), "a port whose other side vanished reads as no-device");
	TEST(t_missing(), "missing ports and non-ttys give clear errors");
	return test_done();
}
