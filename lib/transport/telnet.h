/* telnet.h - the Telnet framing and RFC 2217 COM-PORT-OPTION codec (pure).
 *
 * RFC 854 / 2217 in brief: data bytes 0xFF are doubled (IAC IAC);
 * commands are IAC WILL/WONT/DO/DONT <option> and sub-negotiations
 * IAC SB <option> <data...> IAC SE. COM-PORT-OPTION is option 44: the
 * client sends SET-BAUDRATE (1, u32 big-endian), SET-DATASIZE (2),
 * SET-PARITY (3), SET-STOPSIZE (4), SET-CONTROL (5: 8/9 DTR on/off,
 * 11/12 RTS on/off, 1 no flow control) and PURGE-DATA (12); the server
 * answers each with the same command + 100.
 */
#ifndef MPF_TELNET_H
#define MPF_TELNET_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum {
	TN_SE = 240, TN_SB = 250, TN_WILL = 251, TN_WONT = 252, TN_DO = 253,
	TN_DONT = 254, TN_IAC = 255,
	TN_OPT_BINARY = 0, TN_OPT_ECHO = 1, TN_OPT_SGA = 3, TN_OPT_COMPORT = 44,
};

enum {
	CPO_SET_BAUDRATE = 1, CPO_SET_DATASIZE = 2, CPO_SET_PARITY = 3,
	CPO_SET_STOPSIZE = 4, CPO_SET_CONTROL = 5, CPO_NOTIFY_LINESTATE = 6,
	CPO_NOTIFY_MODEMSTATE = 7, CPO_PURGE_DATA = 12, CPO_SERVER_OFFSET = 100,
	CPO_CONTROL_NOFLOW = 1, CPO_CONTROL_DTR_ON = 8, CPO_CONTROL_DTR_OFF = 9,
	CPO_CONTROL_RTS_ON = 11, CPO_CONTROL_RTS_OFF = 12,
	CPO_PURGE_RX = 1, CPO_PURGE_TX = 2, CPO_PURGE_BOTH = 3,
};

/* A decoded event other than data: a negotiation or a sub-negotiation. */
struct mpf_telnet_event {
	uint8_t cmd;		/* TN_WILL..TN_DONT, or TN_SB */
	uint8_t opt;
	uint8_t data[16];	/* SB payload after the option byte */
	size_t len;
};

struct mpf_telnet_decoder {
	int state;
	struct mpf_telnet_event ev;
};

/* Decode received bytes: data goes to out (IAC IAC undone), each complete
 * command to on_event(ctx, ev). Splits anywhere are fine. */
void mpf_telnet_decode(struct mpf_telnet_decoder *d, const uint8_t *in, size_t len,
		       struct mpf_buf *out,
		       void (*on_event)(void *ctx, const struct mpf_telnet_event *ev), void *ctx);

/* Append data with IAC doubled. */
void mpf_telnet_escape(struct mpf_buf *out, const void *data, size_t len);
/* Append IAC <cmd> <opt>. */
void mpf_telnet_negotiate(struct mpf_buf *out, uint8_t cmd, uint8_t opt);
/* Append a COM-PORT-OPTION sub-negotiation with a value of n bytes (big
 * endian, IAC doubled). */
void mpf_telnet_comport(struct mpf_buf *out, uint8_t command, uint32_t value, int nbytes);

#endif
