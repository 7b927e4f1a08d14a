/* rfc2217-peer - a minimal RFC 2217 server for tests: the side ser2net
 * plays, reduced to what can be checked. It accepts one client at a time
 * on 127.0.0.1:PORT, agrees to BINARY, SGA and COM-PORT-OPTION as RFC 2217
 * (section 3) asks, acknowledges every COM-PORT command with command + 100
 * and the value the port now has, echoes data back (IAC doubled as the
 * RFC requires), and logs each COM-PORT command, in the order received,
 * as a line: "baud 115200", "dtr 1", "rts 0", "purge 1", ...
 *
 *   rfc2217-peer PORT LOGFILE [--refuse] [--close-after N]
 *     --refuse         answer WILL COM-PORT-OPTION with DONT (a plain telnet server)
 *     --close-after N  drop the connection after N data bytes (a network cut)
 *
 * ser2net itself is used in tests/t9*.sh for the data path; this peer
 * shows what reached the wire, line by line, which ser2net cannot show on
 * a pty (a pty has no DTR/RTS).
 */
#define _DEFAULT_SOURCE
#include "buf.h"
#include "telnet.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static FILE *logfile;
static int refuse, client = -1;

static void reply(const void *b, size_t n)
{
	if (send(client, b, n, MSG_NOSIGNAL) < 0)
		return;	/* the client left; its acks have nowhere to go */
}

static uint32_t value(const struct mpf_telnet_event *ev)
{
	uint32_t v = 0;
	size_t i;

	for (i = 1; i < ev->len; i++)
		v = v << 8 | ev->data[i];
	return v;
}

static void on_event(void *ctx, const struct mpf_telnet_event *ev)
{
	static const char *const control[] = {
		[CPO_CONTROL_NOFLOW] = "flow none", [CPO_CONTROL_DTR_ON] = "dtr 1",
		[CPO_CONTROL_DTR_OFF] = "dtr 0", [CPO_CONTROL_RTS_ON] = "rts 1",
		[CPO_CONTROL_RTS_OFF] = "rts 0",
	};
	struct mpf_buf out = MPF_BUF_INIT;
	uint32_t v;

	(void)ctx;
	if (ev->cmd == TN_WILL)
		mpf_telnet_negotiate(&out, ev->opt == TN_OPT_COMPORT && refuse ? TN_DONT : TN_DO,
				     ev->opt);
	else if (ev->cmd == TN_DO)
		mpf_telnet_negotiate(&out, TN_WILL, ev->opt);
	else if (ev->cmd == TN_SB && ev->opt == TN_OPT_COMPORT && ev->len >= 1) {
		v = value(ev);
		switch (ev->data[0]) {
		case CPO_SET_BAUDRATE: fprintf(logfile, "baud %u\n", v); break;
		case CPO_SET_DATASIZE: fprintf(logfile, "datasize %u\n", v); break;
		case CPO_SET_PARITY: fprintf(logfile, "parity %u\n", v); break;
		case CPO_SET_STOPSIZE: fprintf(logfile, "stopsize %u\n", v); break;
		case CPO_SET_CONTROL:
			fprintf(logfile, "%s\n", v < sizeof(control) / sizeof(control[0]) && control[v]
				? control[v] : "control ?");
			break;
		case CPO_PURGE_DATA: fprintf(logfile, "purge %u\n", v); break;
		default: fprintf(logfile, "command %u %u\n", ev->data[0], v); break;
		}
		fflush(logfile);
		mpf_telnet_comport(&out, (uint8_t)(ev->data[0] + CPO_SERVER_OFFSET), v,
			   (int)(ev->len > 1 ? ev->len - 1 : 1));
	}
	if (out.len)
		reply(out.buf, out.len);
	mpf_buf_release(&out);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	long close_after = -1, seen = 0;
	int srv, one = 1, i;

	if (argc < 3) {
		fprintf(stderr, "usage: rfc2217-peer PORT LOGFILE [--refuse] [--close-after N]\n");
		return 2;
	}
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--refuse"))
			refuse = 1;
		else if (!strcmp(argv[i], "--close-after") && i + 1 < argc)
			close_after = atol(argv[++i]);
	}
	logfile = fopen(argv[2], "a");	/* tests truncate it between checks */
	srv = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_port = htons((uint16_t)atoi(argv[1]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (!logfile || bind(srv, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(srv, 1) < 0) {
		perror("rfc2217-peer");
		return 1;
	}
	for (;;) {
		struct mpf_telnet_decoder dec = { 0 };
		uint8_t buf[4096];
		ssize_t n;

		client = accept(srv, NULL, NULL);
		if (client < 0)
			continue;
		while ((n = recv(client, buf, sizeof(buf), 0)) > 0) {
			struct mpf_buf data = MPF_BUF_INIT, esc = MPF_BUF_INIT;

			mpf_telnet_decode(&dec, buf, (size_t)n, &data, on_event, NULL);
			seen += (long)data.len;
			if (close_after >= 0 && seen >= close_after) {
				mpf_buf_release(&data);
				break;
			}
			mpf_telnet_escape(&esc, data.buf ? data.buf : "", data.len);
			if (esc.len)
				reply(esc.buf, esc.len);
			mpf_buf_release(&data);
			mpf_buf_release(&esc);
		}
		close(client);
		fprintf(logfile, "closed\n");
		fflush(logfile);
	}
}
