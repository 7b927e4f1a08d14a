/* cmsis_dap.c - CMSIS-DAP commands, transfer batching and pipelining.
 *
 * Command and reply layouts: Arm CMSIS-DAP documentation, Command
 * Reference (doc/protocols.md 4.2).
 */
#include <stdlib.h>
#include <string.h>

#include "cmsis_dap.h"
#include "err.h"

#define MAX_INFLIGHT MPF_DAP_MAX_INFLIGHT

static void put16(uint8_t *p, uint32_t v) { p[0] = v; p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static uint32_t get16(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8; }
static uint32_t get32(const uint8_t *p) { return get16(p) | get16(p + 2) << 16; }

void mpf_dap_init(struct mpf_dap *d, const struct mpf_dap_io *io, int version)
{
	memset(d, 0, sizeof(*d));
	d->io = *io;
	d->version = version;
	d->packet_size = 64;
	d->packet_count = 1;
	d->timeout_ms = 3000;
}

void mpf_dap_release(struct mpf_dap *d)
{
	free(d->ops);
	d->ops = NULL;
	d->nops = d->aops = 0;
}

const char *mpf_dap_ack_name(uint8_t resp)
{
	if (resp & DAP_RESP_PARITY)
		return "parity error";
	switch (resp & 7) {
	case DAP_ACK_OK: return "OK";
	case DAP_ACK_WAIT: return "WAIT";
	case DAP_ACK_FAULT: return "FAULT";
	case DAP_ACK_NONE: return "no ACK";
	}
	return "invalid ACK";
}

unsigned mpf_dap_block_max(unsigned packet_size, int read)
{
	/* write: cmd, index, u16 count, request + words; reply: cmd, u16, resp + words */
	return read ? (packet_size - 4) / 4 : (packet_size - 5) / 4;
}

/* The probe keeps the reply to a command whose reply read failed (a
 * timeout, a transfer lost on the bus): it is owed until read. */
static void owe(struct mpf_dap *d, uint8_t cmd)
{
	if (d->nowed < MAX_INFLIGHT)
		d->owed[d->nowed++] = cmd;
}

/* One reply packet; when the read fails, the reply to cmd is owed. */
static int reply(struct mpf_dap *d, uint8_t cmd, uint8_t *resp, size_t cap, struct mpf_buf *err)
{
	int n = d->io.read(d->io.ctx, resp, cap, d->timeout_ms, err);

	if (n < 0) {
		owe(d, cmd);
		return n;
	}
	d->stats.bytes_in += n;
	return n;
}

/* A reply echoes its command id (doc/protocols.md 4.2). */
static int check_id(uint8_t cmd, const uint8_t *resp, int n, struct mpf_buf *err)
{
	if (n < 1)
		return mpf_errf(err, MPF_ERR_PROTO, "probe sent an empty reply to command 0x%02x", cmd);
	if (resp[0] != cmd)
		return mpf_errf(err, MPF_ERR_PROTO, "probe replied 0x%02x to command 0x%02x%s",
				resp[0], cmd, resp[0] == 0xFF ? " (command not implemented)" : "");
	return n;
}

static int recv(struct mpf_dap *d, uint8_t cmd, uint8_t *resp, size_t cap, struct mpf_buf *err)
{
	int n = reply(d, cmd, resp, cap, err);

	return n < 0 ? n : check_id(cmd, resp, n, err);
}

/* The replies owed are read and dropped, oldest first, each checked
 * against its command's id: until then they take the probe's buffers
 * (its packet count) and the next reply read would be an old one. A
 * probe that does not give them back is out of step: nothing more is
 * sent that an old reply could seem to answer (doc/protocols.md 4.1). */
static int drain(struct mpf_dap *d, struct mpf_buf *err)
{
	uint8_t r[1024], cmd;
	int n = MPF_OK;

	while (d->nowed && !d->lost) {
		cmd = d->owed[0];
		memmove(d->owed, d->owed + 1, --d->nowed);
		if ((n = recv(d, cmd, r, sizeof(r), err)) < 0)
			d->lost = 1;
	}
	if (n < 0)
		return n;
	if (d->lost)
		return mpf_errf(err, MPF_ERR_IO, "the probe is out of step: a reply to an earlier "
				"command never came back");
	return MPF_OK;
}

/* A command goes out once the replies owed are in. */
static int send(struct mpf_dap *d, const uint8_t *pkt, size_t len, struct mpf_buf *err)
{
	int rc = drain(d, err);

	if (rc < 0)
		return rc;
	if ((rc = d->io.write(d->io.ctx, pkt, len, d->timeout_ms, err)) < 0)
		return rc;
	d->stats.packets++;
	d->stats.bytes_out += len;
	return MPF_OK;
}

/* One command, one reply (the queue must be empty). Returns the reply
 * length; a reply of another command id or 0xFF is a protocol error. */
static int mpf_dap_cmd(struct mpf_dap *d, const uint8_t *req, size_t len, uint8_t *resp,
		       size_t cap, struct mpf_buf *err)
{
	int rc;

	if (d->nops)
		return mpf_errf(err, MPF_ERR_ARG, "dap command 0x%02x with transfers queued", req[0]);
	if (len > d->packet_size)
		return mpf_errf(err, MPF_ERR_ARG, "dap command of %zu bytes exceeds packet size %u",
				len, d->packet_size);
	rc = send(d, req, len, err);
	if (rc < 0)
		return rc;
	return recv(d, req[0], resp, cap, err);
}

/* For commands answered by a status byte. */
static int cmd_status(struct mpf_dap *d, const uint8_t *req, size_t len, const char *what,
		      struct mpf_buf *err)
{
	uint8_t resp[512];
	int n = mpf_dap_cmd(d, req, len, resp, sizeof(resp), err);

	if (n < 0)
		return n;
	if (n < 2 || resp[1] != DAP_OK)
		return mpf_errf(err, MPF_ERR_PROTO, "probe refused %s", what);
	return MPF_OK;
}

/* DAP_Info: the raw info bytes into out (returns length, 0 = not available). */
static int mpf_dap_info(struct mpf_dap *d, uint8_t id, uint8_t *out, size_t cap,
			struct mpf_buf *err)
{
	uint8_t req[2] = { DAP_INFO, id }, resp[512];
	int n = mpf_dap_cmd(d, req, 2, resp, sizeof(resp), err);

	if (n < 0)
		return n;
	if (n < 2 || resp[1] > n - 2)
		return mpf_errf(err, MPF_ERR_PROTO, "short DAP_Info 0x%02x reply", id);
	if (resp[1] > cap)
		return mpf_errf(err, MPF_ERR_PROTO, "DAP_Info 0x%02x reply too long", id);
	memcpy(out, resp + 2, resp[1]);
	return resp[1];
}

int mpf_dap_info_str(struct mpf_dap *d, uint8_t id, char *out, size_t cap, struct mpf_buf *err)
{
	uint8_t raw[256];
	int n = mpf_dap_info(d, id, raw, sizeof(raw), err);
	size_t len;

	if (n < 0)
		return n;
	len = (size_t)n < cap ? (size_t)n : cap - 1;
	memcpy(out, raw, len);
	out[len] = 0;
	while (len && out[len - 1] == 0)	/* strings may include their NUL */
		len--;
	return (int)len;
}

/* Does the probe take DAP_ExecuteCommands? Ask for the packet count
 * through it: firmware without it answers 0xFF. */
static int probe_execute(struct mpf_dap *d, struct mpf_buf *err)
{
	uint8_t req[4] = { DAP_EXECUTE_COMMANDS, 1, DAP_INFO, DAP_ID_PACKET_COUNT }, r[1024];
	int rc = send(d, req, sizeof(req), err), n;

	if (rc < 0)
		return rc;
	if ((n = reply(d, DAP_EXECUTE_COMMANDS, r, sizeof(r), err)) < 0)
		return n;
	d->exec = n >= 4 && r[0] == DAP_EXECUTE_COMMANDS && r[1] == 1 && r[2] == DAP_INFO &&
		  r[3] == 1;
	return MPF_OK;
}

int mpf_dap_setup(struct mpf_dap *d, struct mpf_buf *err)
{
	uint8_t v[4];
	int n;

	if ((n = mpf_dap_info(d, DAP_ID_CAPABILITIES, v, sizeof(v), err)) < 0)
		return n;
	d->caps = n ? v[0] : 0;
	if ((n = mpf_dap_info(d, DAP_ID_PACKET_COUNT, v, sizeof(v), err)) < 0)
		return n;
	if (n >= 1 && v[0])
		d->packet_count = v[0] < MAX_INFLIGHT ? v[0] : MAX_INFLIGHT;
	if ((n = mpf_dap_info(d, DAP_ID_PACKET_SIZE, v, sizeof(v), err)) < 0)
		return n;
	if (n >= 2 && get16(v) >= 64)
		d->packet_size = get16(v) < 1024 ? get16(v) : 1024;
	if (!(d->caps & 1))
		return mpf_errf(err, MPF_ERR_SUPP, "probe does not support SWD");
	return probe_execute(d, err);
}

int mpf_dap_connect_swd(struct mpf_dap *d, struct mpf_buf *err)
{
	uint8_t req[2] = { DAP_CONNECT, 1 }, resp[64];
	int n = mpf_dap_cmd(d, req, 2, resp, sizeof(resp), err);

	if (n < 0)
		return n;
	if (n < 2 || resp[1] != 1)
		return mpf_errf(err, MPF_ERR_PROTO, "probe did not switch to SWD (port %d)",
				n < 2 ? -1 : resp[1]);
	return MPF_OK;
}

int mpf_dap_disconnect(struct mpf_dap *d, struct mpf_buf *err)
{
	uint8_t req[1] = { DAP_DISCONNECT };

	return cmd_status(d, req, 1, "DAP_Disconnect", err);
}

int mpf_dap_clock(struct mpf_dap *d, uint32_t hz, struct mpf_buf *err)
{
	uint8_t req[5] = { DAP_SWJ_CLOCK };

	put32(req + 1, hz);
	return cmd_status(d, req, 5, "the SWD clock frequency", err);
}

int mpf_dap_swj_sequence(struct mpf_dap *d, unsigned bits, const uint8_t *data,
			 struct mpf_buf *err)
{
	uint8_t req[2 + 32] = { DAP_SWJ_SEQUENCE };

	if (!bits || bits > 256)
		return mpf_errf(err, MPF_ERR_ARG, "SWJ sequence of %u bits", bits);
	req[1] = bits & 0xFF;
	memcpy(req + 2, data, (bits + 7) / 8);
	return cmd_status(d, req, 2 + (bits + 7) / 8, "DAP_SWJ_Sequence", err);
}

/* A TARGETSEL write as DAP_SWD_Sequence (CMSIS-DAP 1.2): no target ACKs
 * it, so the probe must not look for an ACK as DAP_Transfer would: the
 * request (start, DP write of A 0xC, parity 0, stop, park: 0x99), five
 * cycles read (turnaround, ACK, turnaround), then the 32 data bits and
 * their parity driven (ADIv5.2 B4.3.4; doc/protocols.md 4.3). */
int mpf_dap_targetsel(struct mpf_dap *d, uint32_t v, struct mpf_buf *err)
{
	uint8_t req[11] = { DAP_SWD_SEQUENCE, 3, 8, 0x99, 0x80 | 5, 33 };
	unsigned i, par = 0;

	put32(req + 6, v);
	for (i = 0; i < 32; i++)
		par ^= v >> i & 1;
	req[10] = (uint8_t)par;
	return cmd_status(d, req, sizeof(req), "DAP_SWD_Sequence (SWD multidrop TARGETSEL)", err);
}

int mpf_dap_transfer_configure(struct mpf_dap *d, uint8_t idle, uint16_t wait_retry,
			       uint16_t match_retry, struct mpf_buf *err)
{
	uint8_t req[6] = { DAP_TRANSFER_CONFIGURE, idle };

	put16(req + 2, wait_retry);
	put16(req + 4, match_retry);
	return cmd_status(d, req, 6, "DAP_TransferConfigure", err);
}

int mpf_dap_swd_configure(struct mpf_dap *d, uint8_t cfg, struct mpf_buf *err)
{
	uint8_t req[2] = { DAP_SWD_CONFIGURE, cfg };

	return cmd_status(d, req, 2, "DAP_SWD_Configure", err);
}

int mpf_dap_swj_pins(struct mpf_dap *d, uint8_t value, uint8_t select, uint32_t wait_us,
		     struct mpf_buf *err)
{
	uint8_t req[7] = { DAP_SWJ_PINS, value, select }, resp[64];
	int n;

	put32(req + 3, wait_us);
	n = mpf_dap_cmd(d, req, 7, resp, sizeof(resp), err);
	if (n < 0)
		return n;
	if (n < 2)
		return mpf_errf(err, MPF_ERR_PROTO, "short DAP_SWJ_Pins reply");
	return resp[1];
}

/* ---- the transfer queue ---- */

static struct mpf_dap_op *push(struct mpf_dap *d)
{
	if (d->nops == d->aops) {
		d->aops = d->aops ? 2 * d->aops : 64;
		d->ops = mpf_xrealloc(d->ops, d->aops * sizeof(*d->ops));
	}
	memset(&d->ops[d->nops], 0, sizeof(d->ops[0]));
	return &d->ops[d->nops++];
}

void mpf_dap_q_write(struct mpf_dap *d, uint8_t req, uint32_t value)
{
	struct mpf_dap_op *o = push(d);

	o->req = req & ~DAP_RnW;
	o->wdata = value;
}

void mpf_dap_q_read(struct mpf_dap *d, uint8_t req, uint32_t *rdata)
{
	struct mpf_dap_op *o = push(d);

	o->req = req | DAP_RnW;
	o->data = rdata;
}

void mpf_dap_q_match(struct mpf_dap *d, uint8_t req, uint32_t match)
{
	struct mpf_dap_op *o = push(d);

	o->req = req | DAP_RnW | DAP_MATCH_VALUE;
	o->wdata = match;
}

void mpf_dap_q_block(struct mpf_dap *d, uint8_t req, uint32_t *words, uint32_t n)
{
	struct mpf_dap_op *o;

	if (!n)
		return;
	o = push(d);
	o->req = req;
	o->block = 1;
	o->data = words;
	o->n = n;
}

size_t mpf_dap_queued(const struct mpf_dap *d)
{
	return d->nops;
}

void mpf_dap_discard(struct mpf_dap *d)
{
	d->nops = 0;
}

/* One command of a packet: ops [op, end) as a DAP_Transfer, or a slice
 * of a block op as a DAP_TransferBlock; rlen is its reply's length. */
struct part {
	size_t op, end;
	uint32_t off, n;
	int block;
	size_t rlen;
};

#define MAX_PARTS 8

/* A packet in flight: one command, or several in a DAP_ExecuteCommands. */
struct pkt {
	struct part part[MAX_PARTS];
	unsigned nparts;
	int wrapped;
};

static int op_has_wdata(const struct mpf_dap_op *o)
{
	return !(o->req & DAP_RnW) || (o->req & DAP_MATCH_VALUE);
}

static int op_has_rdata(const struct mpf_dap_op *o)
{
	return (o->req & DAP_RnW) && !(o->req & DAP_MATCH_VALUE);
}

/* Encode one command from ops[*i] (block offset *off) into at most qroom
 * request and rroom reply bytes; advance. 0 when nothing fits. */
static size_t build_part(struct mpf_dap *d, size_t *i, uint32_t *off, struct part *pt,
			 uint8_t *buf, size_t qroom, size_t rroom)
{
	const struct mpf_dap_op *o = &d->ops[*i];
	size_t len, rlen;
	unsigned cnt = 0;

	memset(pt, 0, sizeof(*pt));
	pt->op = *i;
	if (o->block) {
		int rd = o->req & DAP_RnW;
		uint32_t n = o->n - *off, k;
		size_t max = rd ? (rroom < 4 || qroom < 5 ? 0 : (rroom - 4) / 4)
				: (rroom < 4 || qroom < 5 ? 0 : (qroom - 5) / 4);

		if (n > max)
			n = (uint32_t)max;
		if (!n)
			return 0;
		buf[0] = DAP_TRANSFER_BLOCK;
		buf[1] = 0;
		put16(buf + 2, n);
		buf[4] = o->req;
		len = 5;
		for (k = 0; !rd && k < n; k++, len += 4)
			put32(buf + len, o->data[*off + k]);
		pt->block = 1;
		pt->off = *off;
		pt->n = n;
		pt->rlen = 4 + (rd ? 4 * (size_t)n : 0);
		*off += n;
		if (*off == o->n) {
			(*i)++;
			*off = 0;
		}
		return len;
	}
	if (qroom < 4 || rroom < 3)
		return 0;
	buf[0] = DAP_TRANSFER;
	buf[1] = 0;
	len = 3;
	rlen = 3;
	for (; *i < d->nops && !d->ops[*i].block && cnt < 255; (*i)++, cnt++) {
		o = &d->ops[*i];
		if (len + 1 + 4 * op_has_wdata(o) > qroom || rlen + 4 * op_has_rdata(o) > rroom)
			break;
		buf[len++] = o->req;
		if (op_has_wdata(o)) {
			put32(buf + len, o->wdata);
			len += 4;
		}
		rlen += 4 * op_has_rdata(o);
	}
	if (!cnt)
		return 0;
	buf[2] = cnt;
	pt->end = *i;
	pt->rlen = rlen;
	return len;
}

/* The next packet. With DAP_ExecuteCommands a packet that one command
 * leaves part empty (a short DAP_Transfer before a block, the end of a
 * block before the next TAR write) is filled with the commands after it. */
static size_t build(struct mpf_dap *d, size_t *i, uint32_t *off, struct pkt *p, uint8_t *buf)
{
	size_t i0 = *i, ps = d->packet_size, len, pos, rpos;
	uint32_t off0 = *off;

	memset(p, 0, sizeof(*p));
	p->nparts = 1;
	len = build_part(d, i, off, &p->part[0], buf, ps, ps);
	if (!d->exec || *i >= d->nops || ps - len < 24 || ps - p->part[0].rlen < 24)
		return len;
	*i = i0;
	*off = off0;
	p->wrapped = 1;
	p->nparts = 0;
	buf[0] = DAP_EXECUTE_COMMANDS;
	for (pos = rpos = 2; p->nparts < MAX_PARTS && *i < d->nops; p->nparts++) {
		struct part *pt = &p->part[p->nparts];
		size_t n = build_part(d, i, off, pt, buf + pos, ps - pos, ps - rpos);

		if (!n)
			break;
		pos += n;
		rpos += pt->rlen;
	}
	buf[1] = (uint8_t)p->nparts;
	return pos;
}

static int fail(struct mpf_dap *d, size_t op, uint8_t resp, struct mpf_buf *err)
{
	d->last_resp = resp;
	d->fail_op = op;
	if (resp & DAP_RESP_MISMATCH)
		return mpf_errf(err, MPF_ERR_MISMATCH, "value match did not match in time");
	return mpf_errf(err, MPF_ERR_PROTO, "SWD transfer failed: %s", mpf_dap_ack_name(resp));
}

/* Decode one command's reply at r (n bytes left); *used gets its length. */
static int decode_part(struct mpf_dap *d, const struct part *p, const uint8_t *r, size_t n,
		       size_t *used, struct mpf_buf *err)
{
	size_t k, pos;
	uint32_t cnt, j;

	if (p->block) {
		struct mpf_dap_op *o = &d->ops[p->op];
		int rd = o->req & DAP_RnW;

		if (n < 4 || r[0] != DAP_TRANSFER_BLOCK)
			return mpf_errf(err, MPF_ERR_PROTO, "bad DAP_TransferBlock reply");
		cnt = get16(r + 1);
		if (cnt > p->n || (rd && n < 4 + 4 * (size_t)cnt))
			return mpf_errf(err, MPF_ERR_PROTO, "DAP_TransferBlock reply shorter than its count");
		for (j = 0; rd && j < cnt; j++)
			o->data[p->off + j] = get32(r + 4 + 4 * j);
		*used = 4 + (rd ? 4 * (size_t)cnt : 0);
		d->stats.transfers += cnt;
		if (cnt != p->n || (r[3] & 0x0F) != DAP_ACK_OK)
			return fail(d, p->op, r[3] ? r[3] : DAP_ACK_NONE, err);
		return MPF_OK;
	}
	if (n < 3 || r[0] != DAP_TRANSFER)
		return mpf_errf(err, MPF_ERR_PROTO, "bad DAP_Transfer reply");
	cnt = r[1];
	if (cnt > p->end - p->op)
		return mpf_errf(err, MPF_ERR_PROTO, "DAP_Transfer reply counts more than was sent");
	for (k = p->op, pos = 3; k < p->op + cnt; k++) {
		if (!op_has_rdata(&d->ops[k]))
			continue;
		if (pos + 4 > n)
			return mpf_errf(err, MPF_ERR_PROTO, "DAP_Transfer reply shorter than its count");
		if (d->ops[k].data)
			*d->ops[k].data = get32(r + pos);
		pos += 4;
	}
	*used = pos;
	d->stats.transfers += cnt;
	if (cnt != p->end - p->op || (r[2] & 0x1F) != DAP_ACK_OK)
		return fail(d, p->op + cnt, r[2] ? r[2] : DAP_ACK_NONE, err);
	return MPF_OK;
}

static int decode(struct mpf_dap *d, const struct pkt *p, const uint8_t *r, int n,
		  struct mpf_buf *err)
{
	size_t pos = 0, used = 0;
	unsigned k;
	int rc;

	if (p->wrapped) {
		if (n < 2 || r[1] != p->nparts)
			return mpf_errf(err, MPF_ERR_PROTO, "DAP_ExecuteCommands reply for %d of %u commands",
					n < 2 ? -1 : r[1], p->nparts);
		pos = 2;
	}
	for (k = 0; k < p->nparts; k++, pos += used)
		if ((rc = decode_part(d, &p->part[k], r + pos, (size_t)n - pos, &used, err)) < 0)
			return rc;
	return MPF_OK;
}

static uint8_t pkt_cmd(const struct pkt *p)
{
	return p->wrapped ? DAP_EXECUTE_COMMANDS : p->part[0].block ? DAP_TRANSFER_BLOCK : DAP_TRANSFER;
}

/* A reply read failed: it and the replies behind it are owed. */
static void owe_rest(struct mpf_dap *d, const struct pkt *fly, size_t head, size_t count)
{
	size_t k;

	for (k = 1; k < count; k++)
		owe(d, pkt_cmd(&fly[(head + k) % MAX_INFLIGHT]));
}

int mpf_dap_run(struct mpf_dap *d, struct mpf_buf *err)
{
	struct pkt fly[MAX_INFLIGHT];
	uint8_t buf[1024], resp[1024];
	size_t i = 0, head = 0, count = 0;
	uint32_t off = 0;
	int rc = MPF_OK, n;

	while ((i < d->nops && rc == MPF_OK) || count) {
		if (i < d->nops && rc == MPF_OK && count < d->packet_count) {
			struct pkt *p = &fly[(head + count) % MAX_INFLIGHT];
			size_t len = build(d, &i, &off, p, buf);

			/* after a failed send, what is in flight is still read */
			if ((rc = send(d, buf, len, err)) == MPF_OK)
				count++;
			continue;
		}
		n = reply(d, pkt_cmd(&fly[head]), resp, sizeof(resp), rc == MPF_OK ? err : NULL);
		if (n < 0) {
			owe_rest(d, fly, head, count);
			rc = rc == MPF_OK ? n : rc;
			break;
		}
		n = check_id(pkt_cmd(&fly[head]), resp, n, rc == MPF_OK ? err : NULL);
		if (rc == MPF_OK)
			rc = n < 0 ? n : decode(d, &fly[head], resp, n, err);
		head = (head + 1) % MAX_INFLIGHT;
		count--;
	}
	d->nops = 0;
	return rc;
}
