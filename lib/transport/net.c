/* net.c - serial ports over the network: raw TCP (socket://host:port) and
 * Telnet with RFC 2217 COM-PORT-OPTION (rfc2217://host:port), as ser2net
 * and esptool speak them.
 *
 * Board farms export their ports with ser2net; with rfc2217:// the baud
 * rate, DTR and RTS of the remote port follow ours, so resets into a
 * bootloader work from another machine. A dropped connection is an error
 * (MPF_ERR_NODEV), never a hang: every wait has a deadline.
 */
/* getaddrinfo() and TCP_NODELAY need more than C11's view of POSIX. */
#define _DEFAULT_SOURCE
#include "clock.h"
#include "transport.h"
#include "err.h"
#include "fault.h"
#include "log.h"
#include "net.h"
#include "telnet.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* How long to keep trying to connect: a port whose board is rebooting is
 * refused for a moment by ser2net. */
#define CONNECT_MS 3000
/* How long the RFC 2217 server has to confirm COM-PORT-OPTION. */
#define NEGOTIATE_MS 2000

struct netport {
	int fd;
	int rfc2217;
	int comport;		/* server agreed to COM-PORT-OPTION */
	int refused;		/* server refused it */
	int baud_acked;		/* server answered SET-BAUDRATE (RFC 2217 says it must) */
	struct mpf_telnet_decoder dec;
	struct mpf_buf rx;	/* decoded data not yet returned */
	unsigned agreed[256 / 32];	/* options we answered, to stop loops */
	struct mpf_transport *t;
};

/* Split "scheme://host:port" (host may be "[v6]") into host and port. */
static int mpf_net_parse(const char *uri, char *host, size_t hcap, char *port, size_t pcap)
{
	const char *p = strstr(uri, "://"), *colon, *end;

	if (!p)
		return MPF_ERR_ARG;
	p += 3;
	if (*p == '[') {	/* [::1]:4000 */
		end = strchr(p, ']');
		if (!end || end[1] != ':')
			return MPF_ERR_ARG;
		snprintf(host, hcap, "%.*s", (int)(end - p - 1), p + 1);
		colon = end + 1;
	} else {
		colon = strrchr(p, ':');
		if (!colon || colon == p)
			return MPF_ERR_ARG;
		snprintf(host, hcap, "%.*s", (int)(colon - p), p);
	}
	end = colon + 1 + strspn(colon + 1, "0123456789");
	if (end == colon + 1 || (*end && *end != '/'))
		return MPF_ERR_ARG;
	snprintf(port, pcap, "%.*s", (int)(end - colon - 1), colon + 1);
	return 0;
}

static int send_all(struct mpf_transport *t, const void *buf, size_t len, int timeout_ms)
{
	struct netport *n = t->priv;
	const char *b = buf;
	int64_t end = mpf_now_ms() + timeout_ms;

	while (len) {
		struct pollfd pfd = { n->fd, POLLOUT, 0 };
		int left = (int)(end - mpf_now_ms());
		ssize_t w;

		if (left <= 0)
			return mpf_errf(&t->err, MPF_ERR_TIMEOUT, "%s: send timed out", t->name);
		if (poll(&pfd, 1, left) < 0 && errno != EINTR)
			return mpf_errf(&t->err, MPF_ERR_IO, "%s: %s", t->name, strerror(errno));
		if (mpf_interrupted)
			return mpf_errf(&t->err, MPF_ERR_INTR, "interrupted");
		w = send(n->fd, b, len, MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (w < 0)
			return mpf_errf(&t->err, MPF_ERR_NODEV, "%s: connection lost: %s", t->name,
					strerror(errno));
		b += w;
		len -= (size_t)w;
	}
	return 0;
}

static int send_buf(struct mpf_transport *t, struct mpf_buf *b)
{
	int r = send_all(t, b->buf, b->len, 5000);

	mpf_buf_release(b);
	return r;
}

/* Answer the server's negotiations: we speak binary both ways, suppress
 * go-ahead, and COM-PORT-OPTION; we refuse everything else (echo above all:
 * an echoing server would corrupt every protocol we run). */
static void on_event(void *ctx, const struct mpf_telnet_event *ev)
{
	struct netport *n = ctx;
	struct mpf_buf out = MPF_BUF_INIT;
	int ok = ev->opt == TN_OPT_BINARY || ev->opt == TN_OPT_SGA ||
		 ev->opt == TN_OPT_COMPORT;
	unsigned bit = 1u << (ev->opt % 32), *seen = &n->agreed[ev->opt / 32];

	if (ev->cmd == TN_SB) {
		if (ev->opt == TN_OPT_COMPORT && ev->len >= 1 && ev->data[0] > CPO_SERVER_OFFSET)
			mpf_trace("%s: rfc2217 ack of command %u", n->t->name,
				  ev->data[0] - CPO_SERVER_OFFSET);
		if (ev->opt == TN_OPT_COMPORT && ev->len >= 1 &&
		    ev->data[0] == CPO_SET_BAUDRATE + CPO_SERVER_OFFSET)
			n->baud_acked = 1;
		return;
	}
	if (ev->opt == TN_OPT_COMPORT) {
		if (ev->cmd == TN_DO)
			n->comport = 1;
		else if (ev->cmd == TN_DONT)
			n->refused = 1;
	}
	if (*seen & bit)
		return;		/* answered once already: no negotiation loops */
	*seen |= bit;
	if (ev->cmd == TN_WILL)
		mpf_telnet_negotiate(&out, ok ? TN_DO : TN_DONT, ev->opt);
	else if (ev->cmd == TN_DO && ev->opt != TN_OPT_COMPORT)
		mpf_telnet_negotiate(&out, ok ? TN_WILL : TN_WONT, ev->opt);
	if (out.len)
		send_buf(n->t, &out);
	mpf_buf_release(&out);
}

/* A server that sends small segments with Nagle on (ser2net does) waits
 * for our ACK before its next one, and Linux delays ACKs by up to 40 ms:
 * every REPL reply of more than one segment paid that (t9002's bench saw
 * 43 ms gaps). Ask for an immediate ACK after each receive; the kernel
 * clears the flag again by itself, hence every time. */
static void quick_ack(int fd)
{
#ifdef TCP_QUICKACK
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
#else
	(void)fd;
#endif
}

static int net_read(struct mpf_transport *t, void *buf, size_t len, int timeout_ms)
{
	struct netport *n = t->priv;
	int64_t end = mpf_now_ms() + timeout_ms;
	uint8_t raw[4096];

	if (mpf_fault("read"))
		return mpf_errf(&t->err, MPF_ERR_IO, "%s: injected read fault", t->name);
	while (!n->rx.len) {
		struct pollfd pfd = { n->fd, POLLIN, 0 };
		int left = (int)(end - mpf_now_ms()), r;
		ssize_t got;

		r = poll(&pfd, 1, left > 0 ? left : 0);
		if (r < 0 && errno == EINTR) {
			if (mpf_interrupted)
				return mpf_errf(&t->err, MPF_ERR_INTR, "interrupted");
			continue;
		}
		if (r == 0)
			return 0;
		got = recv(n->fd, raw, sizeof(raw), 0);
		quick_ack(n->fd);
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (got <= 0)
			return mpf_errf(&t->err, MPF_ERR_NODEV, "%s: connection closed%s%s", t->name,
					got < 0 ? ": " : " by the server", got < 0 ? strerror(errno) : "");
		if (n->rfc2217)
			mpf_telnet_decode(&n->dec, raw, (size_t)got, &n->rx, on_event, n);
		else
			mpf_buf_add(&n->rx, raw, (size_t)got);
	}
	if (len > n->rx.len)
		len = n->rx.len;
	memcpy(buf, n->rx.buf, len);
	mpf_buf_consume(&n->rx, len);
	return (int)len;
}

static int net_write(struct mpf_transport *t, const void *buf, size_t len, int timeout_ms)
{
	struct netport *n = t->priv;
	struct mpf_buf esc = MPF_BUF_INIT;
	int r;

	if (mpf_fault("write"))
		return mpf_errf(&t->err, MPF_ERR_IO, "%s: injected write fault", t->name);
	if (!n->rfc2217)
		return send_all(t, buf, len, timeout_ms);
	mpf_telnet_escape(&esc, buf, len);
	r = send_all(t, esc.buf, esc.len, timeout_ms);
	mpf_buf_release(&esc);
	return r;
}

static int net_set_baud(struct mpf_transport *t, int baud)
{
	struct netport *n = t->priv;
	struct mpf_buf b = MPF_BUF_INIT;

	t->baud = baud;
	if (!n->rfc2217) {
		mpf_debug("%s: raw TCP cannot change the baud rate (use rfc2217://)", t->name);
		return 0;
	}
	mpf_telnet_comport(&b, CPO_SET_BAUDRATE, (uint32_t)baud, 4);
	return send_buf(t, &b);
}

/* RFC 2217 changes one line per command. DTR goes first, as esptool's
 * classic reset sets it first; the order is kept on the wire. */
static int net_set_lines(struct mpf_transport *t, int dtr, int rts)
{
	struct netport *n = t->priv;
	struct mpf_buf b = MPF_BUF_INIT;

	if (!n->rfc2217) {
		mpf_debug("%s: raw TCP has no DTR/RTS (use rfc2217://)", t->name);
		return 0;
	}
	if (dtr >= 0)
		mpf_telnet_comport(&b, CPO_SET_CONTROL,
				   dtr ? CPO_CONTROL_DTR_ON : CPO_CONTROL_DTR_OFF, 1);
	if (rts >= 0)
		mpf_telnet_comport(&b, CPO_SET_CONTROL,
				   rts ? CPO_CONTROL_RTS_ON : CPO_CONTROL_RTS_OFF, 1);
	return b.len ? send_buf(t, &b) : 0;
}

static int net_flush_input(struct mpf_transport *t)
{
	struct netport *n = t->priv;
	struct mpf_buf b = MPF_BUF_INIT;
	char junk[512];

	while (net_read(t, junk, sizeof(junk), 0) > 0)
		;
	mpf_buf_reset(&n->rx);
	if (!n->rfc2217)
		return 0;
	mpf_telnet_comport(&b, CPO_PURGE_DATA, CPO_PURGE_RX, 1);
	return send_buf(t, &b);
}

static void net_close(struct mpf_transport *t)
{
	struct netport *n = t->priv;

	close(n->fd);
	mpf_buf_release(&n->rx);
	free(n);
}

static const struct mpf_transport_ops net_ops = {
	"net", net_read, net_write, net_set_baud, net_set_lines, net_flush_input, net_close,
};

static int connect_once(const struct addrinfo *ai, int timeout_ms, int *fdp)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol), one = 1;
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int soerr = 0;

	if (fd < 0)
		return -errno;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	/* Small protocol exchanges (a REPL line, a loader block) must not
	 * wait for Nagle; a dead peer must not hang a session for hours. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
		soerr = errno;
		goto fail;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, timeout_ms) <= 0) {
		soerr = ETIMEDOUT;
		goto fail;
	}
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
	if (soerr)
		goto fail;
	*fdp = fd;
	return 0;
fail:
	close(fd);
	return -soerr;
}

static int tcp_connect(const char *name, int *fd, struct mpf_buf *err)
{
	char host[256], port[16];
	struct addrinfo hints, *res, *ai;
	int64_t end = mpf_now_ms() + CONNECT_MS;
	int r, e = ECONNREFUSED;

	if (mpf_net_parse(name, host, sizeof(host), port, sizeof(port)) < 0)
		return mpf_errf(err, MPF_ERR_ARG, "bad network port '%s' (want scheme://host:port)",
				name);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	r = getaddrinfo(host, port, &hints, &res);
	if (r)
		return mpf_errf(err, MPF_ERR_NODEV, "cannot resolve '%s': %s", host, gai_strerror(r));
	do {
		for (ai = res; ai; ai = ai->ai_next) {
			int left = (int)(end - mpf_now_ms());

			e = -connect_once(ai, left > 100 ? left : 100, fd);
			if (!e)
				break;
		}
		if (!e || e != ECONNREFUSED || mpf_now_ms() >= end)
			break;
	} while (!mpf_sleep_ms(100));
	freeaddrinfo(res);
	if (e)
		return mpf_errf(err, e == ETIMEDOUT ? MPF_ERR_TIMEOUT : MPF_ERR_NODEV,
				"cannot connect to %s:%s: %s", host, port, strerror(e));
	return 0;
}

/* The server closed during negotiation: ser2net says why in text. */
static int closed_early(struct mpf_transport *t, struct mpf_buf *err)
{
	struct netport *n = t->priv;
	const char *said = mpf_buf_str(&n->rx);
	size_t len = strcspn(said, "\r\n");

	if (strstr(said, "in use"))
		return mpf_errf(err, MPF_ERR_BUSY, "port '%s' is busy: the server says \"%.*s\"",
				t->name, (int)len, said);
	if (*said)
		return mpf_errf(err, MPF_ERR_NODEV, "%s: the remote port is not there (a board "
				"rebooting or unplugged): the server says \"%.*s\"", t->name,
				(int)len, said);
	return mpf_errf(err, MPF_ERR_NODEV, "%s: the server closed the connection", t->name);
}

/* Offer our options and set the line up, then wait for the server to
 * agree to COM-PORT-OPTION; data that arrives meanwhile is kept. */
static int negotiate(struct mpf_transport *t, int baud, struct mpf_buf *err)
{
	struct netport *n = t->priv;
	struct mpf_buf b = MPF_BUF_INIT;
	int64_t end;
	int r;

	mpf_telnet_negotiate(&b, TN_WILL, TN_OPT_BINARY);
	mpf_telnet_negotiate(&b, TN_DO, TN_OPT_BINARY);
	mpf_telnet_negotiate(&b, TN_WILL, TN_OPT_SGA);
	mpf_telnet_negotiate(&b, TN_DO, TN_OPT_SGA);
	mpf_telnet_negotiate(&b, TN_WILL, TN_OPT_COMPORT);
	mpf_telnet_comport(&b, CPO_SET_BAUDRATE, (uint32_t)baud, 4);
	mpf_telnet_comport(&b, CPO_SET_DATASIZE, 8, 1);
	mpf_telnet_comport(&b, CPO_SET_PARITY, 1, 1);		/* none */
	mpf_telnet_comport(&b, CPO_SET_STOPSIZE, 1, 1);		/* one */
	mpf_telnet_comport(&b, CPO_SET_CONTROL, CPO_CONTROL_NOFLOW, 1);
	r = send_buf(t, &b);
	if (r < 0)
		return mpf_errf(err, r, "%s", t->err.buf);
	/* Done when the server has agreed to COM-PORT-OPTION and answered our
	 * SET-BAUDRATE: only then has it opened the device. ser2net that
	 * cannot open it, or that serves another client, says so in text and
	 * closes instead. */
	end = mpf_now_ms() + NEGOTIATE_MS;
	while (!(n->comport && n->baud_acked) && !n->refused) {
		struct pollfd pfd = { n->fd, POLLIN, 0 };
		uint8_t raw[512];
		int left = (int)(end - mpf_now_ms());
		ssize_t got;

		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return mpf_errf(err, MPF_ERR_PROTO, "%s: no RFC 2217 answer within %d ms "
					"(is it a telnet(rfc2217) port? use socket:// for raw TCP)",
					t->name, NEGOTIATE_MS);
		got = recv(n->fd, raw, sizeof(raw), 0);
		quick_ack(n->fd);
		if (got <= 0)
			return closed_early(t, err);
		mpf_telnet_decode(&n->dec, raw, (size_t)got, &n->rx, on_event, n);
	}
	if (n->refused)
		return mpf_errf(err, MPF_ERR_SUPP, "%s: the server refuses RFC 2217 (use socket://)",
				t->name);
	t->baud = baud;
	return 0;
}

/* ser2net lets go of a client asynchronously: right after one connection
 * closes (mpf-uf2 checking the board is back, then mpf-info), the next may
 * hear "Port already in use". A port that stays busy is reported after
 * this grace period. */
#define BUSY_GRACE_MS 1500

static int open_once(const char *name, int baud, struct mpf_transport **out,
		     struct mpf_buf *err);

int mpf_net_open(const char *name, int baud, struct mpf_transport **out, struct mpf_buf *err)
{
	int64_t end = mpf_now_ms() + BUSY_GRACE_MS;
	int r;

	while ((r = open_once(name, baud, out, err)) == MPF_ERR_BUSY && mpf_now_ms() < end)
		if (mpf_sleep_ms(100) < 0)
			break;
	return r;
}

static int open_once(const char *name, int baud, struct mpf_transport **out,
		     struct mpf_buf *err)
{
	struct mpf_transport *t;
	struct netport *n;
	int fd, r;

	r = tcp_connect(name, &fd, err);
	if (r < 0)
		return r;
	t = mpf_xcalloc(1, sizeof(*t));
	n = mpf_xcalloc(1, sizeof(*n));
	n->fd = fd;
	n->t = t;
	n->rfc2217 = !strncmp(name, "rfc2217://", 10);
	t->ops = &net_ops;
	t->name = mpf_xstrdup(name);
	t->priv = n;
	t->baud = baud;
	if (n->rfc2217 && (r = negotiate(t, baud, err)) < 0) {
		mpf_tr_close(t);
		return r;
	}
	*out = t;
	return 0;
}
