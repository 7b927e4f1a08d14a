/* stlink.c - the ST-LINK firmware model (see stlink.h). */
#include <stdio.h>
#include <string.h>

#include "stlink.h"

#define OK		0x80
#define FAULT		0x81
#define IDCODE_ERR	0x09
#define AP_WAIT		0x10
#define AP_FAULT	0x11
#define BAD_AP		0x1D
/* 16/32-bit transfers: the length field is 16 bits and the firmware
 * streams the data stage (stlink-tools writes a whole flash loader buffer,
 * 20 KB and more, in one command; OpenOCD keeps to 6144). */
#define DATA_MAX	0xFFFC
#define CSW_DEFAULT	0xA2000000u	/* HPROT1, MasterType debug, DbgSwEnable */

#define violation(s, ...) dapsim_violation(&(s)->violations, "stlink", __VA_ARGS__)

static uint32_t get16(const uint8_t *b) { return b[0] | (uint32_t)b[1] << 8; }
static uint32_t get32(const uint8_t *b) { return get16(b) | get16(b + 2) << 16; }
static void put16(uint8_t *b, uint32_t v) { b[0] = v; b[1] = v >> 8; }
static void put32(uint8_t *b, uint32_t v) { put16(b, v); put16(b + 2, v >> 16); }

void dapsim_stlink_init(struct dapsim_stlink *s, struct dapsim_target *t, int version,
			int v21, int jtag, uint16_t pid)
{
	memset(s, 0, sizeof(*s));
	s->t = t;
	s->version = version;
	s->v21 = v21;
	s->jtag = jtag;
	s->pid = pid;
	s->msd = version == 3 || v21 ? 27 : 0;
	s->swim = version == 3 || !v21 ? 7 : 0;
	s->bridge = version == 3 ? 3 : 0;
	s->mode = version == 2 && !v21 ? 0 : 1;	/* a V2 powers up in DFU mode */
	s->select = ~0u;
	s->khz = 1800;
}

/* ---- SWD as the firmware drives it ---- */

static uint64_t now(struct dapsim_stlink *s)
{
	return (s->clock ? s->clock(s->clock_ctx) : 0) + s->swd_us;
}

/* One transaction with the firmware's WAIT retries. */
static int xfer(struct dapsim_stlink *s, uint8_t req, uint32_t *data)
{
	unsigned tries = 0;
	int ack;

	do {
		s->swd_us += 46000u / (s->khz ? s->khz : 1) + 1;
		ack = dapsim_transfer(s->t, req, data, now(s));
		s->transfers++;
	} while (ack == 2 && tries++ < 1000);
	return ack;
}

static int dp_write(struct dapsim_stlink *s, uint8_t reg, uint32_t v)
{
	return xfer(s, (reg & 0xC), &v);
}

static int dp_read(struct dapsim_stlink *s, uint8_t reg, uint32_t *v)
{
	return xfer(s, 0x02 | (reg & 0xC), v);
}

static int select_ap(struct dapsim_stlink *s, uint8_t ap, uint8_t reg)
{
	uint32_t sel = (uint32_t)ap << 24 | (reg & 0xF0);
	int ack = 1;

	if (sel != s->select && (ack = dp_write(s, 0x8, sel)) == 1)
		s->select = sel;
	return ack;
}

static int ap_write(struct dapsim_stlink *s, uint8_t ap, uint8_t reg, uint32_t v)
{
	int ack = select_ap(s, ap, reg);

	return ack == 1 ? xfer(s, 0x01 | (reg & 0xC), &v) : ack;
}

/* AP reads are posted: the value comes with the next read, RDBUFF here. */
static int ap_read(struct dapsim_stlink *s, uint8_t ap, uint8_t reg, uint32_t *v)
{
	int ack = select_ap(s, ap, reg);

	if (ack == 1)
		ack = xfer(s, 0x03 | (reg & 0xC), v);
	return ack == 1 ? dp_read(s, 0xC, v) : ack;
}

/* After a failed access: clear the sticky flags as the firmware does. */
static uint8_t ack_status(struct dapsim_stlink *s, int ack)
{
	if (ack == 1)
		return OK;
	dp_write(s, 0x0, 0x1E);
	s->select = ~0u;
	return ack == 2 ? AP_WAIT : AP_FAULT;
}

static int power_up(struct dapsim_stlink *s)
{
	static const uint8_t seq[] = {
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x9E, 0xE7, 0xFF, 0xFF, 0xFF,
		0xFF, 0xFF, 0xFF, 0xFF, 0x00,
	};
	uint32_t v = 0;
	int i;

	s->connected = 0;
	s->select = ~0u;
	dapsim_swj_sequence(s->t, seq, 8 * sizeof(seq));
	if (dp_read(s, 0x0, &v) != 1 || dp_write(s, 0x0, 0x1E) != 1 ||
	    dp_write(s, 0x8, 0) != 1 || dp_write(s, 0x4, 0x50000000u) != 1)
		return 0;
	s->select = 0;
	for (i = 0; i < 100; i++)
		if (dp_read(s, 0x4, &v) == 1 && (v & 0xA0000000u) == 0xA0000000u)
			return s->connected = 1;
	return 0;
}

/* ---- memory through a MEM-AP ---- */

static int mem_setup(struct dapsim_stlink *s, uint8_t ap, uint32_t csw, int size, uint32_t addr,
		     int inc)
{
	static const uint32_t sz[5] = { 0, 0, 1, 0, 2 };
	int ack = ap_write(s, ap, 0x00, (csw ? csw & 0xFFFFFF00u : CSW_DEFAULT) |
			   (inc ? 0x10 : 0) | sz[size]);

	return ack == 1 ? ap_write(s, ap, 0x04, addr) : ack;
}

/* len bytes in accesses of size (byte lanes by address); TAR is written
 * again at each 1 KiB window, where auto-increment stops. */
static uint8_t mem(struct dapsim_stlink *s, uint8_t ap, uint32_t csw, uint32_t addr,
		   uint8_t *buf, uint32_t len, int size, int rd, int inc)
{
	uint32_t off, v;
	int ack = mem_setup(s, ap, csw, size, addr, inc);

	for (off = 0; ack == 1 && off < len; off += size) {
		uint32_t a = inc ? addr + off : addr, lane = (a & 3) * 8, k;

		if (off && inc && !(a & 0x3FF))
			ack = ap_write(s, ap, 0x04, a);
		if (ack != 1)
			break;
		if (rd) {
			if ((ack = ap_read(s, ap, 0x0C, &v)) != 1)
				break;
			for (k = 0; k < (uint32_t)size; k++)
				buf[off + k] = v >> (lane + 8 * k);
			continue;
		}
		for (v = 0, k = 0; k < (uint32_t)size; k++)
			v |= (uint32_t)buf[off + k] << (lane + 8 * k);
		ack = xfer(s, 0x01 | 0xC, &v);
	}
	if (ack == 1 && !rd && dp_read(s, 0xC, &v) != 1)	/* the last write done */
		ack = 4;
	if (ack == 1 && dp_read(s, 0x4, &v) == 1 && (v & 0x20))
		ack = 4;	/* STICKYERR: a bus fault on a posted write */
	if (ack != 1)
		s->fault_addr = addr + off;
	return ack_status(s, ack);
}

static uint8_t mem32(struct dapsim_stlink *s, uint32_t addr, uint32_t *v, int rd)
{
	uint8_t b[4];
	uint8_t st;

	put32(b, *v);
	st = mem(s, 0, 0, addr, b, 4, 4, rd, 1);
	*v = get32(b);
	return st;
}

/* ---- the command table ---- */

/* Firmware that has each command (OpenOCD stlink_usb.c's feature list):
 * V2 from J, V3 from J. */
static const struct { uint8_t c0, c1; int v2j, v3j; } since[] = {
	{ 0xF7, 0, 13, 1 }, { 0xF2, 0x3E, 15, 1 }, { 0xF2, 0x40, 13, 1 }, { 0xF2, 0x41, 13, 1 },
	{ 0xF2, 0x42, 13, 1 }, { 0xF2, 0x43, 22, 99 }, { 0xF2, 0x44, 24, 99 },
	{ 0xF2, 0x45, 24, 1 }, { 0xF2, 0x46, 24, 1 }, { 0xF2, 0x47, 26, 1 }, { 0xF2, 0x48, 26, 1 },
	{ 0xF2, 0x50, 26, 1 }, { 0xF2, 0x4B, 28, 1 }, { 0xF2, 0x4C, 28, 1 },
	{ 0xF2, 0x51, 32, 2 }, { 0xF2, 0x52, 32, 2 }, { 0xF2, 0x54, 32, 2 },
	{ 0xF2, 0x61, 99, 1 }, { 0xF2, 0x62, 99, 1 }, { 0xFB, 0, 99, 1 },
};

int dapsim_stlink_has(const struct dapsim_stlink *s, uint8_t c0, uint8_t c1)
{
	size_t i;

	for (i = 0; i < sizeof(since) / sizeof(since[0]); i++)
		if (since[i].c0 == c0 && (c0 != 0xF2 || since[i].c1 == c1))
			return s->jtag >= (s->version == 3 ? since[i].v3j : since[i].v2j);
	return 1;
}

static int ap_ok(struct dapsim_stlink *s, uint8_t ap, uint8_t reg)
{
	int need = dapsim_stlink_has(s, 0xF2, 0x4B);

	return !need || reg == 0xFC || (s->ap_open >> (ap & 31) & 1);
}


/* The clock divisors of a V2 and the frequency list of a V3 (kHz). */
static const struct { uint32_t khz; uint16_t div; } v2_clocks[] = {
	{ 4000, 0 }, { 1800, 1 }, { 1200, 2 }, { 950, 3 }, { 480, 7 }, { 240, 15 },
	{ 125, 31 }, { 100, 40 }, { 50, 79 }, { 25, 158 }, { 15, 265 }, { 5, 798 },
};
static const uint32_t v3_khz[] = { 24000, 8000, 3300, 1000, 200, 50, 5 };

static size_t status(uint8_t *r, uint8_t st, size_t n)
{
	r[0] = st;
	return n;
}

static size_t version(struct dapsim_stlink *s, uint8_t c0, uint8_t *r)
{
	uint32_t w = s->version == 3 ? 3u << 12 :
		     2u << 12 | (uint32_t)s->jtag << 6 | (s->v21 ? s->msd : s->swim);

	if (c0 == 0xF1) {
		r[0] = w >> 8;
		r[1] = w;
		put16(r + 2, 0x0483);
		put16(r + 4, s->pid);
		return 6;
	}
	r[0] = 3; r[1] = s->swim; r[2] = s->jtag; r[3] = s->msd; r[4] = s->bridge;
	put16(r + 8, 0x0483);
	put16(r + 10, s->pid);
	return 12;
}

/* Voltage: the 1.2 V reference reads 1614, the target 3.3 V (halved). */
static size_t voltage(uint8_t *r)
{
	put32(r, 1614);
	put32(r + 4, 3300u * 1614u / 2400u);
	return 8;
}

static size_t set_freq(struct dapsim_stlink *s, const uint8_t *c, uint8_t *r)
{
	size_t i;

	if (c[1] == 0x43) {
		for (i = 0; i < sizeof(v2_clocks) / sizeof(v2_clocks[0]); i++)
			if (v2_clocks[i].div == get16(c + 2))
				s->khz = v2_clocks[i].khz;
		return status(r, OK, 2);
	}
	if (c[1] == 0x62) {
		r[8] = sizeof(v3_khz) / sizeof(v3_khz[0]);
		for (i = 0; i < r[8]; i++)
			put32(r + 12 + 4 * i, v3_khz[i]);
		return status(r, OK, 52);
	}
	for (i = 0; i < sizeof(v3_khz) / sizeof(v3_khz[0]); i++)
		if (v3_khz[i] <= get32(c + 4))
			break;
	if (i == sizeof(v3_khz) / sizeof(v3_khz[0]))
		return status(r, FAULT, 8);
	s->khz = v3_khz[i];
	put32(r + 4, s->khz);
	return status(r, OK, 8);
}

/* Core registers through DCRSR/DCRDR, waiting for S_REGRDY; only while
 * the core is halted (ARMv7-M C1.6: the transfer registers are
 * UNPREDICTABLE otherwise), else a fault status and nothing touched. */
static uint8_t core_reg(struct dapsim_stlink *s, uint8_t sel, uint32_t *v, int rd)
{
	uint32_t dhcsr = 0, w = sel | (rd ? 0 : 1u << 16);
	uint8_t st = mem32(s, 0xE000EDF0, &dhcsr, 1);
	int i;

	if (st != OK || !(dhcsr & (1u << 17))) {
		*v = 0;
		return st != OK ? st : FAULT;
	}
	dhcsr = 0;
	if (!rd)
		st = mem32(s, 0xE000EDF8, v, 0);

	if (st == OK)
		st = mem32(s, 0xE000EDF4, &w, 0);
	for (i = 0; st == OK && i < 100 && !(dhcsr & (1u << 16)); i++)
		st = mem32(s, 0xE000EDF0, &dhcsr, 1);
	if (st == OK && rd)
		st = mem32(s, 0xE000EDF8, v, 1);
	return st;
}

static size_t core_cmd(struct dapsim_stlink *s, const uint8_t *c, uint8_t *r)
{
	uint32_t v = 0, i;
	uint8_t st = OK;

	switch (c[1]) {
	case 0x01:	/* GETSTATUS */
		st = mem32(s, 0xE000EDF0, &v, 1);
		return status(r, st != OK ? st : v & (1u << 17) ? 0x81 : 0x80, 2);
	case 0x02: v = 0xA05F0003; return status(r, mem32(s, 0xE000EDF0, &v, 0), 2);
	case 0x09: v = 0xA05F0001; return status(r, mem32(s, 0xE000EDF0, &v, 0), 2);
	case 0x0A: v = 0xA05F000D; return status(r, mem32(s, 0xE000EDF0, &v, 0), 2);
	case 0x32: v = 0x05FA0004; return status(r, mem32(s, 0xE000ED0C, &v, 0), 2);
	case 0x33:
		st = core_reg(s, c[2], &v, 1);
		put32(r + 4, v);
		return status(r, st, 8);
	case 0x34:
		v = get32(c + 3);
		return status(r, core_reg(s, c[2], &v, 0), 2);
	case 0x35:
		v = get32(c + 6);
		return status(r, mem32(s, get32(c + 2), &v, 0), 2);
	case 0x36:
		st = mem32(s, get32(c + 2), &v, 1);
		put32(r + 4, v);
		return status(r, st, 8);
	case 0x3A:	/* r0-r15, xPSR, MSP, PSP, then the special registers */
		for (i = 0; st == OK && i < 21; i++) {
			st = core_reg(s, i < 19 ? i : 0x14, &v, 1);
			put32(r + 4 + 4 * i, i < 20 ? v : 0);
		}
		return status(r, st, 88);
	}
	return 0;
}

/* READ_DAP_REG / WRITE_DAP_REG: port 0xFFFF is the DP. */
static size_t dap_reg(struct dapsim_stlink *s, const uint8_t *c, uint8_t *r)
{
	uint32_t port = get16(c + 2), reg = get16(c + 4), v = get32(c + 6);
	int rd = c[1] == 0x45, ack;

	if (port != 0xFFFF && (port > 255 || !ap_ok(s, port, reg)))
		return status(r, BAD_AP, rd ? 8 : 2);
	if (port == 0xFFFF) {
		if (reg == 0x8)
			s->select = ~0u;	/* the host's SELECT: forget ours */
		ack = rd ? dp_read(s, reg, &v) : dp_write(s, reg, v);
	} else {
		ack = rd ? ap_read(s, port, reg, &v) : ap_write(s, port, reg, v);
	}
	put32(r + 4, v);
	return status(r, ack_status(s, ack), rd ? 8 : 2);
}

/* The memory commands: op byte, size, direction, auto-increment. */
static const struct { uint8_t op; int size, rd, inc; } mem_ops[] = {
	{ 0x07, 4, 1, 1 }, { 0x08, 4, 0, 1 }, { 0x0C, 1, 1, 1 }, { 0x0D, 1, 0, 1 },
	{ 0x47, 2, 1, 1 }, { 0x48, 2, 0, 1 }, { 0x50, 4, 0, 0 }, { 0x54, 4, 1, 0 },
};

static int mem_op(uint8_t op)
{
	size_t i;

	for (i = 0; i < sizeof(mem_ops) / sizeof(mem_ops[0]); i++)
		if (mem_ops[i].op == op)
			return (int)i;
	return -1;
}

/* Bytes of the data stage a command wants (0: none). */
static uint32_t out_len(const uint8_t *c)
{
	int m = c[0] == 0xF2 ? mem_op(c[1]) : -1;

	if (m >= 0 && !mem_ops[m].rd)
		return get16(c + 6);
	if (c[0] == 0xF2 && c[1] == 0x51)
		return ((get32(c + 2) + 3) & ~3u) + 4 * get32(c + 2);
	return 0;
}

static int mem_checks(struct dapsim_stlink *s, const uint8_t *c, int m)
{
	uint32_t addr = get32(c + 2), len = get16(c + 6);
	int size = mem_ops[m].size;
	unsigned max = size == 1 ? (s->version == 3 && s->jtag >= 6 ? 512 : 64) : DATA_MAX;

	if (len > max || addr % size || len % size) {
		violation(s, "memory command 0x%02x of %u bytes at 0x%08x (limit %u, %d-byte aligned)",
			  c[1], len, addr, max, size);
		return 0;
	}
	if (!s->connected) {
		violation(s, "memory command 0x%02x before SWD is entered", c[1]);
		return 0;
	}
	return 1;
}

static size_t mem_cmd(struct dapsim_stlink *s, const uint8_t *c, const uint8_t *data, uint8_t *r)
{
	int m = mem_op(c[1]), multi = dapsim_stlink_has(s, 0xF2, 0x51);
	uint8_t ap = multi ? c[8] : 0;
	uint32_t csw = multi ? get32(c + 8) & 0xFFFFFF00u : 0, len = get16(c + 6);

	if (!mem_checks(s, c, m)) {
		s->last_rw = FAULT;
		return mem_ops[m].rd ? len + (len == 1) : 0;
	}
	if (ap && !ap_ok(s, ap, 0)) {
		s->last_rw = BAD_AP;
		return mem_ops[m].rd ? len + (len == 1) : 0;
	}
	/* writes take their bytes from the data stage (mem() only reads them) */
	s->last_rw = mem(s, ap, csw, get32(c + 2), mem_ops[m].rd ? r : (uint8_t *)data, len,
			 mem_ops[m].size, mem_ops[m].rd, mem_ops[m].inc);
	/* a one-byte read answers with two bytes */
	return mem_ops[m].rd ? len + (len == 1) : 0;
}

/* RW_MISC_OUT: item codes (padded to 4), then one word per item; the
 * answers (a value, then a status, per item) wait for RW_MISC_IN. */
static void misc_run(struct dapsim_stlink *s, uint32_t items, const uint8_t *d)
{
	const uint8_t *val = d + ((items + 3) & ~3u);
	uint32_t i, ap = 0, addr = 0, v;
	uint8_t st;

	if (items > (s->version == 3 ? 1227u : 64u)) {
		violation(s, "RW_MISC of %u items (the firmware takes %u)", items,
			  s->version == 3 ? 1227u : 64u);
		items = 0;
	}
	memset(s->misc, 0, 8 * items);
	for (i = 0; i < items; i++) {
		v = get32(val + 4 * i);
		st = OK;
		switch (d[i]) {
		case 1: addr = v; break;
		case 2: { uint8_t b[4]; put32(b, v); st = mem(s, ap, 0, addr, b, 4, 4, 0, 1); break; }
		case 3: { uint8_t b[4]; st = mem(s, ap, 0, v, b, 4, 4, 1, 1); put32(s->misc + 4 * i, get32(b)); break; }
		case 5: ap = v; st = ap_ok(s, ap, 0) ? OK : BAD_AP; break;
		default: violation(s, "RW_MISC item code %u", d[i]); st = FAULT;
		}
		put32(s->misc + 4 * items + 4 * i, st);
	}
	s->misc_items = items;
}

static size_t debug_cmd(struct dapsim_stlink *s, const uint8_t *c, const uint8_t *data,
			uint8_t *r)
{
	size_t n;

	if (mem_op(c[1]) >= 0)
		return mem_cmd(s, c, data, r);
	if ((n = core_cmd(s, c, r)))
		return n;
	switch (c[1]) {
	case 0x21: s->mode = 1; s->connected = 0; s->ap_open = 0; return 0;
	case 0x30:
		if (c[2] != 0xA3) {
			violation(s, "enter mode 0x%02x (only SWD, 0xA3, is modelled)", c[2]);
			return status(r, FAULT, 2);
		}
		s->mode = 2;
		s->ap_open = 0;
		return status(r, power_up(s) ? OK : IDCODE_ERR, 2);
	case 0x31: {
		uint32_t v = 0;
		int ok = s->connected && dp_read(s, 0x0, &v) == 1;

		put32(r + 4, v);
		return status(r, ok ? OK : IDCODE_ERR, 12);
	}
	case 0x3B: return status(r, s->last_rw, 2);
	case 0x3E: put32(r + 4, s->fault_addr); return status(r, s->last_rw, 12);
	case 0x3C:
		dapsim_set_nreset(s->t, c[2] != 0);
		if (c[2] == 2)
			dapsim_set_nreset(s->t, 0), dapsim_set_nreset(s->t, 1);
		return status(r, OK, 2);
	case 0x40: case 0x41: case 0x44: return status(r, OK, 2);
	case 0x42: put16(r, 0); return 2;
	case 0x43: case 0x61: case 0x62: return set_freq(s, c, r);
	case 0x45: case 0x46: return dap_reg(s, c, r);
	case 0x4B: s->ap_open |= 1u << (c[2] & 31); return status(r, OK, 2);
	case 0x4C: s->ap_open &= ~(1u << (c[2] & 31)); return status(r, OK, 2);
	case 0x51: misc_run(s, get32(c + 2), data); return 0;
	case 0x52:
		memcpy(r, s->misc, 8 * s->misc_items);
		return 8 * s->misc_items;
	}
	violation(s, "unknown debug command 0x%02x", c[1]);
	return status(r, FAULT, 2);
}

static size_t run_cmd(struct dapsim_stlink *s, const uint8_t *c, const uint8_t *data, uint8_t *r)
{
	s->commands++;
	dapsim_run(s->t, now(s), DAPSIM_SLICE);
	if (!dapsim_stlink_has(s, c[0], c[1])) {
		violation(s, "command 0x%02x 0x%02x is not in firmware V%dJ%d", c[0], c[1],
			  s->version, s->jtag);
		return status(r, FAULT, 2);
	}
	switch (c[0]) {
	case 0xF1: case 0xFB: return version(s, c[0], r);
	case 0xF5: r[0] = s->mode; r[1] = 0; return 2;
	case 0xF7: return voltage(r);
	case 0xF3:
		if (c[1] == 0x07)
			s->mode = 1;
		return 0;
	case 0xF2: return debug_cmd(s, c, data, r);
	}
	violation(s, "unknown command 0x%02x", c[0]);
	return 0;
}

int dapsim_stlink_out(struct dapsim_stlink *s, const uint8_t *data, size_t len, uint8_t *reply,
		      size_t *rlen)
{
	*rlen = 0;
	if (s->want) {
		if (len != s->want) {
			violation(s, "data stage of %zu bytes for a command that announced %u",
				  len, s->want);
			s->want = 0;
			return -1;
		}
		s->want = 0;
		*rlen = run_cmd(s, s->cmd, data, reply);
	} else {
		if (len != 16 && len != 31) {
			violation(s, "command block of %zu bytes (16 expected)", len);
			return -1;
		}
		memcpy(s->cmd, data, 16);
		if ((s->want = out_len(s->cmd)))
			return 0;
		*rlen = run_cmd(s, s->cmd, NULL, reply);
	}
	if (s->pace) {
		s->pace(s->clock_ctx, s->swd_us);
		s->swd_us = 0;
	}
	return 0;
}
