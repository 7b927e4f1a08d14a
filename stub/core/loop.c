/* loop.c - the stub's command loop: greet, then read a request, check
 * it, run its handler, answer (esptool "Serial Protocol": "Command
 * Packet", "Response Packet", "Status bytes"). */
#include "core.h"
#include "cmds.h"

/* A request with the largest data block, escaped bytes undone. */
static uint8_t frame[HDR + DATA_HDR + MAX_BLOCK + 16];
static uint32_t baud = 115200;	/* what the ROM's loader ran at when it started us */

void reply(uint8_t op, uint32_t value, const uint8_t *data, uint32_t len, uint8_t error)
{
	uint8_t h[HDR] = { 0x01, op }, st[2] = { error ? 1 : 0, error };

	h[2] = (uint8_t)(len + 2);
	h[3] = (uint8_t)((len + 2) >> 8);
	put32(h + 4, value);
	slip_start();
	slip_send(h, HDR);
	slip_send(data, len);
	slip_send(st, 2);
	slip_end();
}

static int cmd_sync(const struct req *r, struct answer *a)
{
	return E_OK;	/* once, value 0: how a host tells a stub from a ROM */
}

static int cmd_read_reg(const struct req *r, struct answer *a)
{
	a->value = plat_read_reg(get32(r->d));
	return E_OK;
}

/* Any number of (address, value, mask, delay in us) quadruples. */
static int cmd_write_reg(const struct req *r, struct answer *a)
{
	uint32_t i;

	if (r->len % 16)
		return E_BAD_DATA_LEN;
	for (i = 0; i < r->len; i += 16) {
		uint32_t addr = get32(r->d + i), v = get32(r->d + i + 4), mask = get32(r->d + i + 8);

		if (mask != 0xFFFFFFFFu)
			v = (plat_read_reg(addr) & ~mask) | (v & mask);
		plat_write_reg(addr, v);
		if (get32(r->d + i + 12))
			plat_delay_us(get32(r->d + i + 12));
	}
	return E_OK;
}

/* New rate and the rate now: the reply goes out at the old one. */
static int cmd_change_baudrate(const struct req *r, struct answer *a)
{
	uint32_t new_baud = get32(r->d), old = get32(r->d + 4);

	if (!new_baud)
		return E_BAD_DATA_LEN;
	reply(r->op, 0, 0, 0, E_OK);
	plat_tx_drain();
	plat_set_baud(new_baud, old ? old : baud);
	baud = new_baud;
	return ANSWERED;
}

static const struct cmd loop_cmds[] = {
	{ OP_SYNC, 0, cmd_sync },
	{ OP_READ_REG, 4, cmd_read_reg },
	{ OP_WRITE_REG, 16, cmd_write_reg },
	{ OP_CHANGE_BAUDRATE, 8, cmd_change_baudrate },
	{ 0, 0, NULL },
};
static const struct cmd *const tables[] = { loop_cmds, flash_cmds, query_cmds };

static const struct cmd *find(uint8_t op)
{
	const struct cmd *c;
	uint32_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		for (c = tables[i]; c->run; c++)
			if (c->op == op)
				return c;
	return 0;
}

int parse_request(const uint8_t *f, int32_t n, struct req *r)
{
	r->op = n >= 2 ? f[1] : 0;
	if (n < (int32_t)HDR || f[0] != 0x00)
		return E_INVALID_COMMAND;
	r->chk = get32(f + 4);
	r->d = f + HDR;
	r->len = (uint32_t)f[2] | (uint32_t)f[3] << 8;
	return r->len == (uint32_t)n - HDR ? E_OK : E_BAD_DATA_LEN;
}

static void serve(const uint8_t *f, int32_t n)
{
	struct answer a = { 0 };
	const struct cmd *c;
	struct req r;
	int e = parse_request(f, n, &r);

	if (e == E_INVALID_COMMAND)
		return;		/* not a request: nothing to answer */
	if (e == E_OK) {
		if (!(c = find(r.op)))
			e = E_CMD_NOT_IMPLEMENTED;
		else
			e = r.len < c->min_len ? E_BAD_DATA_LEN : c->run(&r, &a);
	}
	if (e != ANSWERED)
		reply(r.op, a.value, a.data, a.len, (uint8_t)e);
}

static int32_t pending;

void push_back_request(int32_t n)
{
	pending = n;
}

/* The next request into the frame buffer: its length, or SLIP_EOF. A
 * damaged frame whose header survived is answered here. */
int32_t next_request(const uint8_t **f)
{
	*f = frame;
	if (pending) {
		int32_t n = pending;

		pending = 0;
		return n;
	}
	for (;;) {
		int32_t n = slip_recv(frame, sizeof(frame));

		if (n == SLIP_EOF)
			return n;
		if (n == SLIP_BAD || n > (int32_t)sizeof(frame)) {
			if (frame[0] == 0x00)
				reply(frame[1], 0, 0, 0, E_BAD_DATA_LEN);
			continue;
		}
		return n;
	}
}

void stub_run(void)
{
	static const uint8_t ohai[4] = { 'O', 'H', 'A', 'I' };

	slip_frame(ohai, sizeof(ohai));
	for (;;) {
		const uint8_t *f;
		int32_t n = next_request(&f);

		if (n == SLIP_EOF)
			return;
		serve(f, n);
	}
}
