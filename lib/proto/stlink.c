/* stlink.c - ST-LINK commands (doc/protocols.md 4.6-4.7). */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "stlink.h"

enum {
	ST_GET_VERSION = 0xF1, ST_DEBUG = 0xF2, ST_DFU = 0xF3, ST_SWIM = 0xF4,
	ST_GET_MODE = 0xF5, ST_GET_VOLTAGE = 0xF7, ST_GET_VERSION_EX = 0xFB,
};
enum {	/* ST_DEBUG sub-commands */
	DBG_READ32 = 0x07, DBG_WRITE32 = 0x08, DBG_READ8 = 0x0C, DBG_WRITE8 = 0x0D,
	DBG_EXIT = 0x21, DBG_ENTER = 0x30, DBG_READ_IDCODES = 0x31, DBG_RWSTATUS = 0x3B,
	DBG_NRST = 0x3C, DBG_RWSTATUS2 = 0x3E, DBG_SWD_FREQ = 0x43, DBG_READ_DAP = 0x45,
	DBG_WRITE_DAP = 0x46, DBG_READ16 = 0x47, DBG_WRITE16 = 0x48, DBG_INIT_AP = 0x4B,
	DBG_SET_FREQ = 0x61, DBG_GET_FREQ = 0x62,
};
#define ENTER_SWD	0xA3
#define ST_OK		0x80
#define MODE_DFU	0x00
#define MODE_DEBUG	0x02
#define MODE_SWIM	0x03
#define TAR_WINDOW	1024u

static void put16(uint8_t *p, uint32_t v) { p[0] = v; p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static uint32_t get16(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8; }
static uint32_t get32(const uint8_t *p) { return get16(p) | get16(p + 2) << 16; }

void mpf_stlink_init(struct mpf_stlink *st, const struct mpf_dap_io *io)
{
	memset(st, 0, sizeof(*st));
	st->io = *io;
	st->rw8_max = 64;
	st->timeout_ms = 3000;
}

static const struct { uint8_t code; const char *name; } statuses[] = {
	{ 0x80, "OK" }, { 0x81, "fault" }, { 0x09, "no IDCODE" },
	{ 0x10, "SWD AP WAIT" }, { 0x11, "SWD AP FAULT" }, { 0x12, "SWD AP error" },
	{ 0x13, "SWD AP parity error" }, { 0x14, "SWD DP WAIT" }, { 0x15, "SWD DP FAULT" },
	{ 0x16, "SWD DP error" }, { 0x17, "SWD DP parity error" },
	{ 0x18, "SWD AP write data error" }, { 0x19, "SWD AP sticky error" },
	{ 0x1A, "SWD AP sticky overrun" }, { 0x1D, "bad AP" },
};

const char *mpf_stlink_status_name(uint8_t status)
{
	size_t i;

	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (statuses[i].code == status)
			return statuses[i].name;
	return "unknown status";
}

/* One command: the 16-byte block, then out bytes or a reply of in_len. */
static int xfer(struct mpf_stlink *st, const uint8_t *cmd, const uint8_t *out, size_t out_len,
		uint8_t *in, size_t in_len, struct mpf_buf *err)
{
	uint8_t blk[STLINK_CMD_SIZE];
	int rc;

	memcpy(blk, cmd, sizeof(blk));
	st->commands++;
	if ((rc = st->io.write(st->io.ctx, blk, sizeof(blk), st->timeout_ms, err)) < 0)
		return rc;
	if (out_len && (rc = st->io.write(st->io.ctx, out, out_len, st->timeout_ms, err)) < 0)
		return rc;
	if (!in_len)
		return MPF_OK;
	if ((rc = st->io.read(st->io.ctx, in, in_len, st->timeout_ms, err)) < 0)
		return rc;
	if ((size_t)rc != in_len)
		return mpf_errf(err, MPF_ERR_PROTO, "ST-LINK sent %d bytes to command 0x%02x 0x%02x, "
				"not %zu", rc, cmd[0], cmd[1], in_len);
	return MPF_OK;
}

/* A debug command answered by a status byte first. */
static int dbg(struct mpf_stlink *st, uint8_t *cmd, uint8_t *in, size_t in_len,
	       struct mpf_buf *err)
{
	int rc = xfer(st, cmd, NULL, 0, in, in_len, err);

	if (rc < 0)
		return rc;
	if (in[0] != ST_OK)
		return mpf_errf(err, MPF_ERR_PROTO, "ST-LINK command 0x%02x: %s (0x%02x)", cmd[1],
				mpf_stlink_status_name(in[0]), in[0]);
	return MPF_OK;
}

/* Firmware features by version (OpenOCD stlink_usb.c stlink_usb_version). */
static unsigned flags_of(int v, int j)
{
	static const struct { int j; unsigned f; } v2[] = {
		{ 13, STLINK_F_VOLTAGE }, { 15, STLINK_F_RWSTATUS2 }, { 22, STLINK_F_SWD_FREQ },
		{ 24, STLINK_F_DAP_REG }, { 26, STLINK_F_MEM16 }, { 28, STLINK_F_AP_INIT },
		{ 32, STLINK_F_AP_MEM },
	};
	unsigned f = 0;
	size_t i;

	if (v == 3)
		return STLINK_F_VOLTAGE | STLINK_F_RWSTATUS2 | STLINK_F_DAP_REG | STLINK_F_MEM16 |
		       STLINK_F_AP_INIT | (j >= 2 ? STLINK_F_AP_MEM : 0);
	for (i = 0; v == 2 && i < sizeof(v2) / sizeof(v2[0]); i++)
		if (j >= v2[i].j)
			f |= v2[i].f;
	return f;
}

/* The V2 version word: 4 bits probe, 6 bits J, 6 bits S (or, on a
 * V2-1, M: a V2-1 for STM32 reports J and M). */
static void parse_v2(struct mpf_stlink *st, const uint8_t *r)
{
	uint32_t w = (uint32_t)r[0] << 8 | r[1];
	int x = (w >> 6) & 0x3F, y = w & 0x3F;

	st->version = (w >> 12) & 0xF;
	st->jtag = x;
	st->vid = get16(r + 2);
	st->pid = get16(r + 4);
	if (st->pid == 0x374B || st->pid == 0x3752)
		st->msd = y;
	else
		st->swim = y;
}

int mpf_stlink_version(struct mpf_stlink *st, struct mpf_buf *err)
{
	uint8_t cmd[16] = { ST_GET_VERSION }, r[12];
	int rc = xfer(st, cmd, NULL, 0, r, 6, err);

	if (rc < 0)
		return rc;
	parse_v2(st, r);
	if (st->version == 3) {
		cmd[0] = ST_GET_VERSION_EX;
		if ((rc = xfer(st, cmd, NULL, 0, r, 12, err)) < 0)
			return rc;
		st->swim = r[1];
		st->jtag = r[2];
		st->msd = r[3];
		st->vid = get16(r + 8);
		st->pid = get16(r + 10);
	}
	if (st->version < 2 || st->version > 3 || !st->jtag)
		return mpf_errf(err, MPF_ERR_SUPP, "ST-LINK/V%d firmware J%d does not speak SWD "
				"(update it with ST's ST-LINK upgrade tool)", st->version, st->jtag);
	st->flags = flags_of(st->version, st->jtag);
	st->rw8_max = st->version == 3 && st->jtag >= 6 ? 512 : 64;
	return MPF_OK;
}

void mpf_stlink_version_str(const struct mpf_stlink *st, char *out, size_t cap)
{
	int n = snprintf(out, cap, "V%dJ%d", st->version, st->jtag);

	if (st->msd && n > 0 && (size_t)n < cap)
		n += snprintf(out + n, cap - n, "M%d", st->msd);
	if (st->swim && n > 0 && (size_t)n < cap)
		snprintf(out + n, cap - n, "S%d", st->swim);
}

/* Two ADC readings: the 1.2 V reference and half the target voltage. */
int mpf_stlink_voltage(struct mpf_stlink *st, int *mv, struct mpf_buf *err)
{
	uint8_t cmd[16] = { ST_GET_VOLTAGE }, r[8];
	int rc;

	if (!(st->flags & STLINK_F_VOLTAGE))
		return MPF_ERR_SUPP;
	if ((rc = xfer(st, cmd, NULL, 0, r, 8, err)) < 0)
		return rc;
	*mv = get32(r) ? (int)(2400ull * get32(r + 4) / get32(r)) : 0;
	return MPF_OK;
}

int mpf_stlink_leave_mode(struct mpf_stlink *st, struct mpf_buf *err)
{
	uint8_t cmd[16] = { ST_GET_MODE }, r[2];
	int rc = xfer(st, cmd, NULL, 0, r, 2, err);

	if (rc < 0)
		return rc;
	/* a probe still in DFU, SWIM or debug mode leaves it first */
	memset(cmd, 0, sizeof(cmd));
	if (r[0] == MODE_DFU) {
		cmd[0] = ST_DFU;
		cmd[1] = 0x07;
	} else if (r[0] == MODE_SWIM) {
		cmd[0] = ST_SWIM;
		cmd[1] = 0x01;
	} else if (r[0] == MODE_DEBUG) {
		cmd[0] = ST_DEBUG;
		cmd[1] = DBG_EXIT;
	}
	st->ap_open = 0;
	return cmd[0] ? xfer(st, cmd, NULL, 0, NULL, 0, err) : MPF_OK;
}

int mpf_stlink_enter_swd(struct mpf_stlink *st, struct mpf_buf *err)
{
	uint8_t cmd[16] = { ST_DEBUG, DBG_ENTER, ENTER_SWD }, r[2];

	st->ap_open = 0;
	return dbg(st, cmd, r, 2, err);
}

int mpf_stlink_exit(struct mpf_stlink *st, struct mpf_buf *err)
{
	uint8_t cmd[16] = { ST_DEBUG, DBG_EXIT };

	st->ap_open = 0;
	return xfer(st, cmd, NULL, 0, NULL, 0, err);
}

/* ST-LINK/V2's SWD clock divisors (OpenOCD stlink_usb.c, the SWD speed map). */
static const struct { uint32_t khz; uint16_t div; } v2_clocks[] = {
	{ 4000, 0 }, { 1800, 1 }, { 1200, 2 }, { 950, 3 }, { 480, 7 }, { 240, 15 },
	{ 125, 31 }, { 100, 40 }, { 50, 79 }, { 25, 158 }, { 15, 265 }, { 5, 798 },
};

uint32_t mpf_stlink_v2_clock(uint32_t hz, uint16_t *divisor)
{
	size_t i;

	for (i = 0; i < sizeof(v2_clocks) / sizeof(v2_clocks[0]); i++)
		if (v2_clocks[i].khz * 1000u <= hz) {
			*divisor = v2_clocks[i].div;
			return v2_clocks[i].khz * 1000u;
		}
	return 0;
}

uint32_t mpf_stlink_pick_khz(const uint32_t *khz, unsigned n, uint32_t hz)
{
	uint32_t best = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		if (khz[i] * 1000ull <= hz && khz[i] > best)
			best = khz[i];
	return best;
}

/* V3 lists up to ten frequencies in kHz; SET_COM_FREQ takes one of them. */
static int v3_clock(struct mpf_stlink *st, uint32_t hz, struct mpf_buf *err)
{
	uint8_t cmd[16] = { ST_DEBUG, DBG_GET_FREQ, 0 }, r[52];
	uint32_t khz[10], pick;
	unsigned n, i;
	int rc = dbg(st, cmd, r, sizeof(r), err);

	if (rc < 0)
		return rc;
	n = r[8] < 10 ? r[8] : 10;
	for (i = 0; i < n; i++)
		khz[i] = get32(r + 12 + 4 * i);
	if (!(pick = mpf_stlink_pick_khz(khz, n, hz)))
		return mpf_errf(err, MPF_ERR_ARG, "the ST-LINK/V3 has no SWD clock at or below %u Hz",
				hz);
	memset(cmd, 0, sizeof(cmd));
	cmd[0] = ST_DEBUG;
	cmd[1] = DBG_SET_FREQ;
	put32(cmd + 4, pick);
	if ((rc = dbg(st, cmd, r, 8, err)) < 0)
		return rc;
	st->hz = pick * 1000u;
	return MPF_OK;
}

int mpf_stlink_clock(struct mpf_stlink *st, uint32_t hz, struct mpf_buf *err)
{
	uint8_t cmd[16] = { ST_DEBUG, DBG_SWD_FREQ }, r[2];
	uint16_t div = 0;
	uint32_t got;
	int rc;

	if (st->version == 3)
		return v3_clock(st, hz, err);
	if (!(st->flags & STLINK_F_SWD_FREQ)) {
		st->hz = 1800000;	/* the firmware's fixed clock */
		return MPF_OK;
	}
	if (!(got = mpf_stlink_v2_clock(hz, &div)))
		return mpf_errf(err, MPF_ERR_ARG, "the ST-LINK/V2 has no SWD clock at or below %u Hz",
				hz);
	put16(cmd + 2, div);
	if ((rc = dbg(st, cmd, r, 2, err)) < 0)
		return rc;
	st->hz = got;
	return MPF_OK;
}

int mpf_stlink_dpidr(struct mpf_stlink *st, uint32_t *dpidr, struct mpf_buf *err)
{
	uint8_t cmd[16] = { ST_DEBUG, DBG_READ_IDCODES }, r[12];
	int rc = dbg(st, cmd, r, 12, err);

	if (rc < 0)
		return mpf_errf(err, MPF_ERR_NODEV, "no SWD target answers the ST-LINK "
				"(check wiring, target power and --frequency)");
	*dpidr = get32(r + 4);
	return MPF_OK;
}

int mpf_stlink_nrst(struct mpf_stlink *st, int level, struct mpf_buf *err)
{
	uint8_t cmd[16] = { ST_DEBUG, DBG_NRST, (uint8_t)(level ? 1 : 0) }, r[2];

	return dbg(st, cmd, r, 2, err);
}

/* An AP other than 0 is opened once per SWD session (J28+ and V3). */
static int open_ap(struct mpf_stlink *st, uint8_t ap, struct mpf_buf *err)
{
	uint8_t cmd[16] = { ST_DEBUG, DBG_INIT_AP, ap }, r[2];
	int rc;

	if (!(st->flags & STLINK_F_AP_INIT) || ap > 31 || (st->ap_open >> ap & 1))
		return MPF_OK;
	if ((rc = dbg(st, cmd, r, 2, err)) < 0)
		return rc;
	st->ap_open |= 1u << ap;
	return MPF_OK;
}

/* After a memory command: the status of the access (the data stage
 * itself carries none). */
static int rw_status(struct mpf_stlink *st, uint32_t addr, struct mpf_buf *err)
{
	uint8_t cmd[16] = { ST_DEBUG, DBG_RWSTATUS2 }, r[12];
	size_t n = 12;
	int rc;

	if (!(st->flags & STLINK_F_RWSTATUS2)) {
		cmd[1] = DBG_RWSTATUS;
		n = 2;
	}
	if ((rc = xfer(st, cmd, NULL, 0, r, n, err)) < 0)
		return rc;
	if (r[0] != ST_OK)
		return mpf_errf(err, MPF_ERR_PROTO, "target bus error near 0x%08x (ST-LINK: %s)",
				addr, mpf_stlink_status_name(r[0]));
	return MPF_OK;
}

static const uint8_t read_cmd[5] = { 0, DBG_READ8, DBG_READ16, 0, DBG_READ32 };
static const uint8_t write_cmd[5] = { 0, DBG_WRITE8, DBG_WRITE16, 0, DBG_WRITE32 };

/* How much of [addr, addr+len) one command may carry. */
static uint32_t chunk(const struct mpf_stlink *st, uint32_t addr, uint32_t len, int size)
{
	uint32_t max = size == 1 ? st->rw8_max : TAR_WINDOW - (addr & (TAR_WINDOW - 1));

	return len < max ? len : max;
}

static int check_access(struct mpf_stlink *st, uint8_t ap, uint32_t addr, uint32_t len,
			int size, struct mpf_buf *err)
{
	if ((size != 1 && size != 2 && size != 4) || addr % size || len % size)
		return mpf_errf(err, MPF_ERR_ARG, "unaligned %d-byte access at 0x%08x", size, addr);
	if (size == 2 && !(st->flags & STLINK_F_MEM16))
		return mpf_errf(err, MPF_ERR_SUPP, "ST-LINK firmware J%d has no 16-bit memory "
				"access (J26 and later have)", st->jtag);
	if (ap && !(st->flags & STLINK_F_AP_MEM))
		return mpf_errf(err, MPF_ERR_SUPP, "ST-LINK firmware V%dJ%d reaches memory through "
				"AP 0 only", st->version, st->jtag);
	return open_ap(st, ap, err);
}

static void mem_cmd(uint8_t *cmd, uint8_t op, uint8_t ap, uint32_t addr, uint32_t n)
{
	memset(cmd, 0, STLINK_CMD_SIZE);
	cmd[0] = ST_DEBUG;
	cmd[1] = op;
	put32(cmd + 2, addr);
	put16(cmd + 6, n);
	cmd[8] = ap;
}

/* One direction of a memory transfer, command by command, each followed
 * by its status. */
static int mem_rw(struct mpf_stlink *st, uint8_t ap, uint32_t addr, uint8_t *buf, uint32_t len,
		  int size, int rd, struct mpf_buf *err)
{
	uint8_t cmd[16], tmp[2];
	int rc = check_access(st, ap, addr, len, size, err);

	while (rc >= 0 && len) {
		uint32_t n = chunk(st, addr, len, size);

		mem_cmd(cmd, (rd ? read_cmd : write_cmd)[size], ap, addr, n);
		if (!rd)
			rc = xfer(st, cmd, buf, n, NULL, 0, err);
		else if (n == 1)	/* a 1-byte read answers with two bytes */
			rc = xfer(st, cmd, NULL, 0, tmp, 2, err), buf[0] = tmp[0];
		else
			rc = xfer(st, cmd, NULL, 0, buf, n, err);
		if (rc >= 0)
			rc = rw_status(st, addr, err);
		addr += n;
		buf += n;
		len -= n;
	}
	return rc;
}

int mpf_stlink_read(struct mpf_stlink *st, uint8_t ap, uint32_t addr, uint8_t *buf,
		    uint32_t len, int size, struct mpf_buf *err)
{
	return mem_rw(st, ap, addr, buf, len, size, 1, err);
}

int mpf_stlink_write(struct mpf_stlink *st, uint8_t ap, uint32_t addr, const uint8_t *buf,
		     uint32_t len, int size, struct mpf_buf *err)
{
	/* the buffer is only read on this path */
	return mem_rw(st, ap, addr, (uint8_t *)buf, len, size, 0, err);
}

/* READ_DAP_REG / WRITE_DAP_REG: port, register, and for a write the value. */
static int dap_reg(struct mpf_stlink *st, uint8_t op, uint16_t port, uint16_t reg, uint32_t v,
		   uint8_t *r, size_t n, struct mpf_buf *err)
{
	uint8_t cmd[16] = { ST_DEBUG, op };
	int rc = MPF_OK;

	if (!(st->flags & STLINK_F_DAP_REG))
		return mpf_errf(err, MPF_ERR_SUPP, "ST-LINK firmware V%dJ%d has no DP/AP register "
				"access (V2 J24 and later have)", st->version, st->jtag);
	if (port != STLINK_DP_PORT && (rc = open_ap(st, (uint8_t)port, err)) < 0)
		return rc;
	put16(cmd + 2, port);
	put16(cmd + 4, reg);
	put32(cmd + 6, v);
	return dbg(st, cmd, r, n, err);
}

int mpf_stlink_reg_read(struct mpf_stlink *st, uint16_t port, uint16_t reg, uint32_t *v,
			struct mpf_buf *err)
{
	uint8_t r[8];
	int rc = dap_reg(st, DBG_READ_DAP, port, reg, 0, r, 8, err);

	if (rc >= 0)
		*v = get32(r + 4);
	return rc;
}

int mpf_stlink_reg_write(struct mpf_stlink *st, uint16_t port, uint16_t reg, uint32_t v,
			 struct mpf_buf *err)
{
	uint8_t r[2];

	return dap_reg(st, DBG_WRITE_DAP, port, reg, v, r, 2, err);
}
