/* serial.c - the serial-port and file-descriptor transports.
 *
 * A port is opened non-blocking and exclusive: TIOCEXCL keeps other
 * programs out (except root), flock() keeps other mpf processes out (root
 * included), so two pipelines never talk to one board at once. The old
 * termios is restored on close and, through mpf_cleanup_push, on every
 * other way out (mpf_die, SIGINT, SIGTERM).
 */
/* flock(), cfmakeraw(), TIOCEXCL and the Bxxx rates above 38400 are not
 * POSIX; glibc declares them under _DEFAULT_SOURCE. */
#define _DEFAULT_SOURCE
#include "clock.h"
#include "transport.h"
#include "err.h"
#include "fault.h"
#include "log.h"
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/serial.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

struct fdport {
	int fd;
	int is_tty;
	int lines_ok;		/* the port took a modem-line request */
	int cleanup;		/* mpf_cleanup_push handle */
	struct termios saved;
	int low_latency_set;	/* we turned ASYNC_LOW_LATENCY on: turn it off */
};

static int fd_read(struct mpf_transport *t, void *buf, size_t len, int timeout_ms)
{
	struct fdport *p = t->priv;
	struct pollfd pfd = { p->fd, POLLIN, 0 };
	int64_t end = mpf_now_ms() + timeout_ms;
	ssize_t n;
	int r;

	if (mpf_fault("read"))
		return mpf_errf(&t->err, MPF_ERR_IO, "%s: injected read fault", t->name);
	for (;;) {
		int left = (int)(end - mpf_now_ms());

		r = poll(&pfd, 1, left > 0 ? left : 0);
		if (r < 0 && errno == EINTR) {
			if (mpf_interrupted)
				return mpf_errf(&t->err, MPF_ERR_INTR, "interrupted");
			continue;
		}
		if (r < 0)
			return mpf_errf(&t->err, MPF_ERR_IO, "poll %s: %s", t->name, strerror(errno));
		if (r == 0)
			return 0;
		n = read(p->fd, buf, len);
		if (n > 0)
			return (int)n;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		/* EIO or end of file: the other side went away (a board
		 * rebooting into its bootloader, a pty closed). */
		return mpf_errf(&t->err, MPF_ERR_NODEV, "%s: device went away%s%s", t->name,
				n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
	}
}

static int fd_write(struct mpf_transport *t, const void *buf, size_t len, int timeout_ms)
{
	struct fdport *p = t->priv;
	const char *b = buf;
	int64_t end = mpf_now_ms() + timeout_ms;

	if (mpf_fault("write"))
		return mpf_errf(&t->err, MPF_ERR_IO, "%s: injected write fault", t->name);
	while (len) {
		struct pollfd pfd = { p->fd, POLLOUT, 0 };
		int left = (int)(end - mpf_now_ms());
		ssize_t n;

		if (left <= 0)
			return mpf_errf(&t->err, MPF_ERR_TIMEOUT, "%s: write timed out", t->name);
		if (poll(&pfd, 1, left) < 0 && errno != EINTR)
			return mpf_errf(&t->err, MPF_ERR_IO, "poll %s: %s", t->name, strerror(errno));
		if (mpf_interrupted)
			return mpf_errf(&t->err, MPF_ERR_INTR, "interrupted");
		n = write(p->fd, b, len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return mpf_errf(&t->err, errno == EIO || errno == ENXIO ? MPF_ERR_NODEV
									  : MPF_ERR_IO,
					"write %s: %s", t->name, strerror(errno));
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

static const struct { int baud; speed_t code; } rates[] = {
	{ 300, B300 }, { 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
	{ 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 }, { 115200, B115200 },
	{ 230400, B230400 }, { 460800, B460800 }, { 500000, B500000 }, { 576000, B576000 },
	{ 921600, B921600 }, { 1000000, B1000000 }, { 1152000, B1152000 },
	{ 1500000, B1500000 }, { 2000000, B2000000 }, { 2500000, B2500000 },
	{ 3000000, B3000000 }, { 3500000, B3500000 }, { 4000000, B4000000 },
};

static int tty_set_baud(struct mpf_transport *t, int baud)
{
	struct fdport *p = t->priv;
	struct termios tio;
	size_t i;

	t->baud = baud;
	if (!p->is_tty)
		return 0;
	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
		if (rates[i].baud == baud)
			break;
	if (i == sizeof(rates) / sizeof(rates[0]))
		return mpf_errf(&t->err, MPF_ERR_SUPP, "%s: unsupported baud rate %d", t->name, baud);
	if (tcgetattr(p->fd, &tio) < 0 || cfsetispeed(&tio, rates[i].code) < 0 ||
	    cfsetospeed(&tio, rates[i].code) < 0 || tcsetattr(p->fd, TCSANOW, &tio) < 0)
		return mpf_errf(&t->err, MPF_ERR_IO, "%s: cannot set %d baud: %s", t->name, baud,
				strerror(errno));
	return 0;
}

static int tty_set_lines(struct mpf_transport *t, int dtr, int rts)
{
	struct fdport *p = t->priv;
	int bits = 0, r;

	if (!p->is_tty)
		return 0;
	if (dtr >= 0 && rts >= 0) {
		/* both at once: one TIOCMSET, no intermediate state on the wire */
		if (ioctl(p->fd, TIOCMGET, &bits) < 0)
			goto unsupported;
		bits = (bits & ~(TIOCM_DTR | TIOCM_RTS)) | (dtr ? TIOCM_DTR : 0) |
		       (rts ? TIOCM_RTS : 0);
		r = ioctl(p->fd, TIOCMSET, &bits);
	} else if (dtr >= 0) {
		bits = TIOCM_DTR;
		r = ioctl(p->fd, dtr ? TIOCMBIS : TIOCMBIC, &bits);
	} else if (rts >= 0) {
		bits = TIOCM_RTS;
		r = ioctl(p->fd, rts ? TIOCMBIS : TIOCMBIC, &bits);
	} else {
		return 0;
	}
	if (r == 0) {
		p->lines_ok = 1;
		return 0;
	}
unsupported:
	/* A pty has no modem lines; that is not worth failing over. */
	mpf_debug("%s: cannot set DTR=%d RTS=%d: %s", t->name, dtr, rts, strerror(errno));
	return 0;
}

static int fd_flush_input(struct mpf_transport *t)
{
	struct fdport *p = t->priv;
	char buf[256];

	if (p->is_tty)
		return tcflush(p->fd, TCIFLUSH) < 0 ? MPF_ERR_IO : 0;
	while (read(p->fd, buf, sizeof(buf)) > 0)
		;
	return 0;
}

/* USB-serial adapters batch input for up to 16 ms (FTDI's latency timer)
 * unless told otherwise; a ROM loader answering each 1 KiB block would
 * wait that long every time. Ports without the setting (ptys, CDC ACM)
 * refuse the ioctl, which is fine. */
static void low_latency(struct fdport *p, int on)
{
	struct serial_struct ss;

	if (ioctl(p->fd, TIOCGSERIAL, &ss) < 0)
		return;
	if (on && !(ss.flags & ASYNC_LOW_LATENCY)) {
		ss.flags |= ASYNC_LOW_LATENCY;
		p->low_latency_set = ioctl(p->fd, TIOCSSERIAL, &ss) == 0;
	} else if (!on && p->low_latency_set) {
		ss.flags &= ~ASYNC_LOW_LATENCY;
		ioctl(p->fd, TIOCSSERIAL, &ss);
	}
}

static void restore(void *arg)
{
	struct fdport *p = arg;

	/* signal-safe: tcsetattr, ioctl and close only. TIOCEXCL outlives
	 * our close while another process holds the tty open (a getty, a
	 * modem manager), and would lock everyone else out: clear it. */
	if (p->is_tty) {
		low_latency(p, 0);
		tcsetattr(p->fd, TCSANOW, &p->saved);
		ioctl(p->fd, TIOCNXCL);
	}
	close(p->fd);
	p->fd = -1;
}

static void fd_close(struct mpf_transport *t)
{
	struct fdport *p = t->priv;

	mpf_cleanup_pop(p->cleanup);
	if (p->fd >= 0)
		restore(p);
	free(p);
}

static const struct mpf_transport_ops serial_ops = {
	"serial", fd_read, fd_write, tty_set_baud, tty_set_lines, fd_flush_input, fd_close,
};

static struct mpf_transport *wrap(int fd, const char *name, int is_tty)
{
	struct mpf_transport *t = mpf_xcalloc(1, sizeof(*t));
	struct fdport *p = mpf_xcalloc(1, sizeof(*p));

	p->fd = fd;
	p->is_tty = is_tty;
	p->cleanup = -1;
	t->ops = &serial_ops;
	t->name = mpf_xstrdup(name);
	t->priv = p;
	return t;
}

struct mpf_transport *mpf_transport_from_fd(int fd, const char *name)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return wrap(fd, name, 0);
}

static int open_error(const char *name, struct mpf_buf *err)
{
	switch (errno) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
		return mpf_errf(err, MPF_ERR_NODEV, "cannot open '%s': no such port", name);
	case EACCES:
	case EPERM:
		return mpf_errf(err, MPF_ERR_PERM, "cannot open '%s': permission denied (join "
				"the dialout group: sudo usermod -aG dialout $USER, then log in again)",
				name);
	case EBUSY:
		return mpf_errf(err, MPF_ERR_BUSY, "port '%s' is busy: another program has it open",
				name);
	default:
		return mpf_errf(err, MPF_ERR_IO, "cannot open '%s': %s", name, strerror(errno));
	}
}

int mpf_serial_check(const char *name, struct mpf_buf *err)
{
	struct stat st;

	if (strstr(name, "://"))
		return 0;
	if (stat(name, &st) < 0)
		return open_error(name, err);
	if (!S_ISCHR(st.st_mode))
		return mpf_errf(err, MPF_ERR_ARG, "'%s' is not a serial port", name);
	if (access(name, R_OK | W_OK) < 0)
		return open_error(name, err);
	return 0;
}

static int open_tty(const char *name, int baud, struct mpf_transport **out, struct mpf_buf *err)
{
	struct termios tio;
	struct fdport *p;
	struct mpf_transport *t;
	int fd = open(name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC), r;

	if (fd < 0)
		return open_error(name, err);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		return mpf_errf(err, MPF_ERR_BUSY, "port '%s' is busy: another mpf is using it", name);
	}
	if (!isatty(fd)) {
		close(fd);
		return mpf_errf(err, MPF_ERR_ARG, "'%s' is not a serial port", name);
	}
	ioctl(fd, TIOCEXCL);
	t = wrap(fd, name, 1);
	p = t->priv;
	if (tcgetattr(fd, &p->saved) < 0) {
		r = mpf_errf(err, MPF_ERR_IO, "cannot read settings of '%s': %s", name,
			     strerror(errno));
		goto fail;
	}
	tio = p->saved;
	cfmakeraw(&tio);
	tio.c_cflag |= CLOCAL | CREAD;
	tio.c_cflag &= (tcflag_t)~CRTSCTS;
	tio.c_iflag &= (tcflag_t)~(IXON | IXOFF | IXANY);
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &tio) < 0) {
		r = mpf_errf(err, MPF_ERR_IO, "cannot configure '%s': %s", name, strerror(errno));
		goto fail;
	}
	p->cleanup = mpf_cleanup_push(restore, p);
	low_latency(p, 1);
	r = tty_set_baud(t, baud);
	if (r < 0) {
		mpf_errf(err, r, "%s", t->err.buf);
		goto fail;
	}
	*out = t;
	return 0;
fail:
	mpf_tr_close(t);
	return r;
}

/* Which transport a port name means. */
static const struct {
	const char *prefix;
	int (*open)(const char *name, int baud, struct mpf_transport **t, struct mpf_buf *err);
} schemes[] = {
	{ "socket://", mpf_net_open },
	{ "rfc2217://", mpf_net_open },
};

int mpf_transport_open(const char *name, int baud, struct mpf_transport **t,
		       struct mpf_buf *err)
{
	size_t i;

	*t = NULL;
	if (baud <= 0)
		baud = 115200;
	if (mpf_fault("open"))
		return mpf_errf(err, MPF_ERR_IO, "cannot open '%s': injected open fault", name);
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (!strncmp(name, schemes[i].prefix, strlen(schemes[i].prefix)))
			return schemes[i].open(name, baud, t, err);
	if (strstr(name, "://"))
		return mpf_errf(err, MPF_ERR_ARG, "unknown port scheme in '%s' "
				"(socket://host:port or rfc2217://host:port)", name);
	return open_tty(name, baud, t, err);
}

void mpf_tr_close(struct mpf_transport *t)
{
	if (!t)
		return;
	t->ops->close(t);
	mpf_buf_release(&t->err);
	free(t->name);
	free(t);
}

static int ends_with(const struct mpf_buf *b, const char *s)
{
	size_t n = strlen(s);

	return b->len >= n && !memcmp(b->buf + b->len - n, s, n);
}

int mpf_tr_read_until(struct mpf_transport *t, const char *const *patterns,
		      struct mpf_buf *got, int timeout_ms)
{
	int64_t end = mpf_now_ms() + timeout_ms;
	char c;
	int i, r;

	for (;;) {
		int left = (int)(end - mpf_now_ms());

		if (left <= 0)
			return MPF_ERR_TIMEOUT;
		/* One byte at a time, so nothing after the pattern is consumed. */
		r = mpf_tr_read(t, &c, 1, left);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		mpf_buf_addch(got, c);
		for (i = 0; patterns[i]; i++)
			if (ends_with(got, patterns[i]))
				return i;
	}
}
