/* cmsis_dap.h - CMSIS-DAP command layer (Arm CMSIS-DAP documentation;
 * doc/protocols.md 4.1-4.2).
 *
 * Pure: commands are encoded into packets and replies decoded from them;
 * the bytes travel through a small backend (v2 bulk endpoints or v1 HID
 * reports, see usb_dap.h), so the layer runs against a simulator, a
 * recorded exchange or a real probe alike.
 *
 * Register transfers are queued (mpf_dap_q_*) and sent by mpf_dap_run():
 * consecutive single transfers are packed into one DAP_Transfer command as
 * far as the packet size allows (request and reply both), block transfers
 * become DAP_TransferBlock commands of the largest size that fits, and up
 * to "packet count" commands are kept in flight before the first reply is
 * read (pipelining; DAP_Info 0xFE). When the probe takes
 * DAP_ExecuteCommands, a packet one command would leave part empty carries
 * the following commands too, so a block's end, the next TAR write and the
 * next block's start share a packet.
 *
 * A reply whose read failed is still owed: the probe holds it, and the
 * replies to what was in flight behind it, in its buffers. They are read
 * and dropped, each checked against its command id, before the next
 * command goes out, so the probe never holds more than its packet count
 * and no old reply answers a new command; a probe that does not give them
 * back is out of step, and every later command fails.
 */
#ifndef MPF_CMSIS_DAP_H
#define MPF_CMSIS_DAP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum {
	DAP_INFO = 0x00, DAP_HOST_STATUS = 0x01, DAP_CONNECT = 0x02, DAP_DISCONNECT = 0x03,
	DAP_TRANSFER_CONFIGURE = 0x04, DAP_TRANSFER = 0x05, DAP_TRANSFER_BLOCK = 0x06,
	DAP_TRANSFER_ABORT = 0x07, DAP_WRITE_ABORT = 0x08, DAP_DELAY = 0x09,
	DAP_RESET_TARGET = 0x0A, DAP_SWJ_PINS = 0x10, DAP_SWJ_CLOCK = 0x11,
	DAP_SWJ_SEQUENCE = 0x12, DAP_SWD_CONFIGURE = 0x13, DAP_SWD_SEQUENCE = 0x1D,
	DAP_EXECUTE_COMMANDS = 0x7F,
};
enum {
	DAP_ID_VENDOR = 1, DAP_ID_PRODUCT = 2, DAP_ID_SERIAL = 3, DAP_ID_PROTOCOL = 4,
	DAP_ID_TARGET_VENDOR = 5, DAP_ID_TARGET_NAME = 6, DAP_ID_FW_VERSION = 9,
	DAP_ID_CAPABILITIES = 0xF0, DAP_ID_PACKET_COUNT = 0xFE, DAP_ID_PACKET_SIZE = 0xFF,
};
#define DAP_OK 0x00
/* commands kept in flight at most, whatever the probe's packet count */
#define MPF_DAP_MAX_INFLIGHT 32
#define DAP_ERROR 0xFF

/* Transfer request byte (section 4.2). */
#define DAP_APnDP	0x01
#define DAP_RnW		0x02
#define DAP_A(reg)	((reg) & 0x0C)
#define DAP_MATCH_VALUE	0x10
#define DAP_MATCH_MASK	0x20
/* Transfer response: ACK in bits 2:0, bit3 parity error, bit4 mismatch. */
#define DAP_ACK_OK	1
#define DAP_ACK_WAIT	2
#define DAP_ACK_FAULT	4
#define DAP_ACK_NONE	7
#define DAP_RESP_PARITY	0x08
#define DAP_RESP_MISMATCH 0x10

/* SWJ_Pins bits */
#define DAP_PIN_SWCLK	0x01
#define DAP_PIN_SWDIO	0x02
#define DAP_PIN_nRESET	0x80

/* The byte pipe to a probe. write sends one command packet (the backend
 * pads it for HID); read returns the length of one reply packet, or a
 * negative mpf_err with a message. */
struct mpf_dap_io {
	int (*write)(void *ctx, const uint8_t *pkt, size_t len, int timeout_ms,
		     struct mpf_buf *err);
	int (*read)(void *ctx, uint8_t *pkt, size_t cap, int timeout_ms, struct mpf_buf *err);
	void *ctx;
};

struct mpf_dap_op {
	uint8_t req;		/* request byte */
	uint8_t block;		/* DAP_TransferBlock of n words */
	uint32_t wdata;		/* single write data or match value */
	uint32_t *data;		/* read destination, or block words */
	uint32_t n;
};

struct mpf_dap_stats {
	unsigned long packets;		/* command packets sent (= USB round trips) */
	unsigned long bytes_out, bytes_in;
	unsigned long transfers;	/* register transfers carried (words) */
};

struct mpf_dap {
	struct mpf_dap_io io;
	unsigned packet_size;		/* DAP_Info 0xFF; 64 until known */
	unsigned packet_count;		/* DAP_Info 0xFE; 1 until known */
	unsigned caps;			/* DAP_Info 0xF0 byte 0 */
	int version;			/* 1 HID, 2 bulk */
	int exec;			/* DAP_ExecuteCommands works: packets carry several commands */
	int timeout_ms;			/* per reply */
	struct mpf_dap_op *ops;
	size_t nops, aops;
	/* after a failed run: the response byte and the op that failed */
	uint8_t last_resp;
	size_t fail_op;
	/* Replies the probe still owes (their reads failed or were given
	 * up), by command id: read and dropped before the next command;
	 * lost: they never came, the link is out of step for good. */
	uint8_t owed[MPF_DAP_MAX_INFLIGHT];
	unsigned nowed;
	int lost;
	struct mpf_dap_stats stats;
};

void mpf_dap_init(struct mpf_dap *d, const struct mpf_dap_io *io, int version);
void mpf_dap_release(struct mpf_dap *d);

int mpf_dap_info_str(struct mpf_dap *d, uint8_t id, char *out, size_t cap, struct mpf_buf *err);
/* Read capabilities, packet count and size (keeps them in d). */
int mpf_dap_setup(struct mpf_dap *d, struct mpf_buf *err);
int mpf_dap_connect_swd(struct mpf_dap *d, struct mpf_buf *err);
int mpf_dap_disconnect(struct mpf_dap *d, struct mpf_buf *err);
int mpf_dap_clock(struct mpf_dap *d, uint32_t hz, struct mpf_buf *err);
/* bits 1..256 of data, LSB first */
int mpf_dap_swj_sequence(struct mpf_dap *d, unsigned bits, const uint8_t *data,
			 struct mpf_buf *err);
/* Write TARGETSEL (multidrop SWD) with DAP_SWD_Sequence. */
int mpf_dap_targetsel(struct mpf_dap *d, uint32_t v, struct mpf_buf *err);
int mpf_dap_transfer_configure(struct mpf_dap *d, uint8_t idle, uint16_t wait_retry,
			       uint16_t match_retry, struct mpf_buf *err);
int mpf_dap_swd_configure(struct mpf_dap *d, uint8_t cfg, struct mpf_buf *err);
/* Drive pins (value/select bitmasks), wait up to us; returns the pin state. */
int mpf_dap_swj_pins(struct mpf_dap *d, uint8_t value, uint8_t select, uint32_t wait_us,
		     struct mpf_buf *err);

/* Queue a single transfer. For reads, *rdata receives the value (may be
 * NULL to discard). */
void mpf_dap_q_write(struct mpf_dap *d, uint8_t req, uint32_t value);
void mpf_dap_q_read(struct mpf_dap *d, uint8_t req, uint32_t *rdata);
/* A read that the probe repeats until (value & match mask) == match. */
void mpf_dap_q_match(struct mpf_dap *d, uint8_t req, uint32_t match);
/* Queue n words to or from one register (words stay owned by the caller
 * and must live until mpf_dap_run returns). */
void mpf_dap_q_block(struct mpf_dap *d, uint8_t req, uint32_t *words, uint32_t n);
size_t mpf_dap_queued(const struct mpf_dap *d);

/* Send everything queued, pipelined; the queue is empty afterwards.
 * MPF_OK, or MPF_ERR_PROTO (a transfer got WAIT/FAULT/no ACK; last_resp
 * and fail_op say which), MPF_ERR_MISMATCH (value match never matched),
 * or a transport error. */
int mpf_dap_run(struct mpf_dap *d, struct mpf_buf *err);
void mpf_dap_discard(struct mpf_dap *d);

/* "OK", "WAIT", "FAULT", "no ACK", "parity error" */
const char *mpf_dap_ack_name(uint8_t resp);

/* Packing limits for a packet size (for planners and benchmarks). */
unsigned mpf_dap_block_max(unsigned packet_size, int read);

#endif
