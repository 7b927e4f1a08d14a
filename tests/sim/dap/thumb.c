/* thumb.c - the Thumb subset interpreter (ARMv7-M ARM, A5/A7 encodings). */
#include <stdio.h>
#include <string.h>

#include "thumb.h"

#define PC 15
#define XPSR 16
#define N_FLAG (1u << 31)
#define Z_FLAG (1u << 30)
#define C_FLAG (1u << 29)
#define V_FLAG (1u << 28)

enum { OK, STALL, FAULT, BKPT };

void thumb_resume(struct thumb_cpu *c, uint32_t *regs)
{
	c->running = 1;
	c->it = 0;
	c->why = NULL;
	regs[PC] &= ~1u;
}

static int undefined(struct thumb_cpu *c, uint32_t op, int wide)
{
	snprintf(c->whybuf, sizeof(c->whybuf), wide ? "unsupported instruction 0x%08x"
		 : "unsupported instruction 0x%04x", op);
	c->why = c->whybuf;
	return FAULT;
}

static void nz(uint32_t *r, uint32_t v)
{
	r[XPSR] = (r[XPSR] & ~(N_FLAG | Z_FLAG)) | (v & N_FLAG) | (v ? 0 : Z_FLAG);
}

static void flag(uint32_t *r, uint32_t f, int on)
{
	r[XPSR] = on ? r[XPSR] | f : r[XPSR] & ~f;
}

/* AddWithCarry, setting NZCV */
static uint32_t addc(uint32_t *r, uint32_t a, uint32_t b, int carry, int setflags)
{
	uint64_t u = (uint64_t)a + b + carry;
	uint32_t res = (uint32_t)u;

	if (setflags) {
		nz(r, res);
		flag(r, C_FLAG, u >> 32);
		flag(r, V_FLAG, ((a ^ res) & (b ^ res)) >> 31);
	}
	return res;
}

static int cond_pass(const uint32_t *r, unsigned cond)
{
	uint32_t f = r[XPSR];
	int n = !!(f & N_FLAG), z = !!(f & Z_FLAG), cc = !!(f & C_FLAG), v = !!(f & V_FLAG), res;

	switch (cond >> 1) {
	case 0: res = z; break;
	case 1: res = cc; break;
	case 2: res = n; break;
	case 3: res = v; break;
	case 4: res = cc && !z; break;
	case 5: res = n == v; break;
	case 6: res = !z && n == v; break;
	default: return 1;
	}
	return (cond & 1) && cond != 15 ? !res : res;
}

/* What a bus access answered (1: wait, < 0: fault) as a step result. */
static int bus(struct thumb_cpu *c, int rc, const char *doing, uint32_t addr)
{
	if (rc == 1)
		return STALL;
	if (rc < 0) {
		snprintf(c->whybuf, sizeof(c->whybuf), "bus fault %s 0x%08x", doing, addr);
		c->why = c->whybuf;
		return FAULT;
	}
	return OK;
}

/* RAM the target handed over for direct access (a plain memory: no side
 * effects, never busy), or NULL. */
static uint8_t *fast(const struct thumb_cpu *c, uint32_t addr, int size)
{
	if (!c->ram || (addr & (size - 1)) || addr - c->ram_base > c->ram_size - 4)
		return NULL;
	return c->ram + (addr - c->ram_base);
}

/* Before the first access through the bus in an instruction (the only
 * kind that can stall, and none has changed a register yet but the PC):
 * the registers to go back to if it stalls. */
static void snapshot(struct thumb_cpu *c)
{
	if (!c->saved) {
		memcpy(c->save, c->regs, sizeof(c->save));
		c->saved = 1;
	}
}

static int load(struct thumb_cpu *c, uint32_t addr, int size, int sign, uint32_t *v)
{
	uint8_t *p = fast(c, addr, size);
	int rc;

	c->mem++;
	if (p) {
		*v = size == 1 ? p[0] : size == 2 ? (uint32_t)(p[0] | p[1] << 8)
			: p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	} else {
		snapshot(c);
		if ((rc = bus(c, c->read(c->ctx, addr, size, v), "reading", addr)) != OK)
			return rc;
		*v >>= 8 * (addr & 3);
	}
	if (size < 4)
		*v &= (1u << (8 * size)) - 1;
	if (sign && size < 4 && (*v & (1u << (8 * size - 1))))
		*v |= ~0u << (8 * size);
	return OK;
}

static int store(struct thumb_cpu *c, uint32_t addr, int size, uint32_t v)
{
	uint8_t *p = fast(c, addr, size);
	int rc, i;

	c->mem++;
	if (p) {
		for (i = 0; i < size; i++)
			p[i] = (uint8_t)(v >> (8 * i));
	} else {
		snapshot(c);
		rc = c->write(c->ctx, addr, size, v << (8 * (addr & 3)));
		if ((rc = bus(c, rc, "writing", addr)) != OK)
			return rc;
	}
	/* what a loop round stored, in order: the same stores round after
	 * round (a watchdog fed while waiting) leave it idle */
	c->stores = (c->stores * 31 + addr) * 31 + v;
	return OK;
}

/* LDM/STM/PUSH/POP (l: a load): list is a register bitmap, base the
 * start address; registers go in ascending order at ascending addresses. */
static int ldstm(struct thumb_cpu *c, uint32_t *r, uint32_t base, unsigned list, int l)
{
	unsigned k;
	int rc;

	for (k = 0; k < 16; k++)
		if (list >> k & 1) {
			rc = l ? load(c, base, 4, 0, &r[k]) : store(c, base, 4, r[k]);
			if (rc != OK)
				return rc;
			base += 4;
		}
	if (l && list >> PC & 1)
		r[PC] &= ~1u;	/* interworking: bit 0 is the Thumb bit */
	return OK;
}

static unsigned popcount16(unsigned v)
{
	unsigned n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

/* ThumbExpandImm_C */
static uint32_t expand_imm(uint32_t i12, int *carry)
{
	uint32_t b = i12 & 0xFF, rot;

	switch (i12 >> 8) {
	case 0: return b;
	case 1: return b << 16 | b;
	case 2: return b << 24 | b << 8;
	case 3: return b << 24 | b << 16 | b << 8 | b;
	}
	rot = i12 >> 7;
	b = 0x80 | (i12 & 0x7F);
	b = b >> rot | b << (32 - rot);
	*carry = b >> 31;
	return b;
}

static int exec16(struct thumb_cpu *c, uint32_t *r, uint16_t op, uint32_t pc)
{
	unsigned rd = op & 7, rn = (op >> 3) & 7, imm;
	uint32_t v, addr;
	int rc;

	if ((op & 0xF800) == 0x4800) {		/* LDR (literal) */
		addr = ((pc + 4) & ~3u) + (op & 0xFF) * 4;
		return load(c, addr, 4, 0, &r[(op >> 8) & 7]);
	}
	switch (op >> 11) {
	case 0x00: case 0x01: case 0x02: {	/* LSL/LSR/ASR imm */
		unsigned sh = (op >> 6) & 31, kind = op >> 11;
		uint32_t m = r[rn];

		if (kind == 0) {
			if (sh)
				flag(r, C_FLAG, m >> (32 - sh) & 1);
			v = m << sh;
		} else {
			sh = sh ? sh : 32;
			flag(r, C_FLAG, (uint64_t)m >> (sh - 1) & 1);
			v = kind == 1 ? (sh == 32 ? 0 : m >> sh)
				      : (uint32_t)((int64_t)(int32_t)m >> sh);
		}
		r[rd] = v;
		nz(r, v);
		return OK;
	}
	case 0x03:				/* ADDS/SUBS reg or imm3 */
		v = op & 0x400 ? (op >> 6) & 7 : r[(op >> 6) & 7];
		r[rd] = op & 0x200 ? addc(r, r[rn], ~v, 1, !c->it) : addc(r, r[rn], v, 0, !c->it);
		return OK;
	case 0x04: r[(op >> 8) & 7] = op & 0xFF; if (!c->it) nz(r, op & 0xFF); return OK;
	case 0x05: addc(r, r[(op >> 8) & 7], ~(uint32_t)(op & 0xFF), 1, 1); return OK;
	case 0x06: rd = (op >> 8) & 7; r[rd] = addc(r, r[rd], op & 0xFF, 0, !c->it); return OK;
	case 0x07: rd = (op >> 8) & 7; r[rd] = addc(r, r[rd], ~(uint32_t)(op & 0xFF), 1, !c->it); return OK;
	case 0x0C: case 0x0D: case 0x0E: case 0x0F: case 0x10: case 0x11: {	/* LDR/STR imm5 */
		int size = (op >> 11) >= 0x10 ? 2 : (op & 0x1000) ? 1 : 4;

		imm = (op >> 6) & 31;
		addr = r[rn] + imm * size;
		return op & 0x0800 ? load(c, addr, size, 0, &r[rd]) : store(c, addr, size, r[rd]);
	}
	case 0x0A: case 0x0B: {			/* LDR/STR register */
		static const int sz[8] = { 4, 2, 1, 1, 4, 2, 1, 2 };
		unsigned o = (op >> 9) & 7;

		addr = r[rn] + r[(op >> 6) & 7];
		if (o < 3)
			return store(c, addr, sz[o], r[rd]);
		return load(c, addr, sz[o], o == 3 || o == 7, &r[rd]);
	}
	case 0x1C:				/* B */
		imm = op & 0x7FF;
		r[PC] = pc + 4 + ((int32_t)(imm << 21) >> 20);
		return OK;
	}
	if ((op & 0xFC00) == 0x4000) {		/* data processing */
		uint32_t m = r[rn], d = r[rd];
		int carry;

		switch ((op >> 6) & 15) {
		case 0: d &= m; nz(r, d); break;
		case 1: d ^= m; nz(r, d); break;
		case 2: m &= 0xFF; if (m) flag(r, C_FLAG, m <= 32 && (d >> (32 - m) & 1)); d = m >= 32 ? 0 : d << m; nz(r, d); break;
		case 3: m &= 0xFF; if (m) flag(r, C_FLAG, m <= 32 && (d >> (m - 1) & 1)); d = m >= 32 ? 0 : d >> m; nz(r, d); break;
		case 5: d = addc(r, d, m, !!(r[XPSR] & C_FLAG), 1); break;
		case 6: d = addc(r, d, ~m, !!(r[XPSR] & C_FLAG), 1); break;
		case 8: nz(r, d & m); return OK;
		case 9: d = addc(r, 0, ~m, 1, 1); break;
		case 10: addc(r, d, ~m, 1, 1); return OK;
		case 11: addc(r, d, m, 0, 1); return OK;
		case 12: d |= m; nz(r, d); break;
		case 13: d *= m; nz(r, d); break;
		case 14: d &= ~m; nz(r, d); break;
		case 15: d = ~m; nz(r, d); break;
		default: (void)carry; return undefined(c, op, 0);
		}
		r[rd] = d;
		return OK;
	}
	if ((op & 0xFF00) == 0x4400 || (op & 0xFF00) == 0x4500 || (op & 0xFF00) == 0x4600) {
		unsigned dn = (op & 7) | ((op >> 4) & 8), m = (op >> 3) & 15;
		uint32_t mv = m == PC ? pc + 4 : r[m];

		if ((op & 0xFF00) == 0x4400)
			r[dn] += mv;
		else if ((op & 0xFF00) == 0x4500)
			addc(r, r[dn], ~mv, 1, 1);
		else
			r[dn] = mv;
		if (dn == PC && (op & 0xFF00) != 0x4500)
			r[PC] &= ~1u;
		return OK;
	}
	if ((op & 0xF000) == 0xD000) {		/* B<cond> */
		if ((op & 0x0F00) >= 0x0E00)
			return undefined(c, op, 0);
		if (cond_pass(r, (op >> 8) & 15))
			r[PC] = pc + 4 + ((int32_t)((uint32_t)(op & 0xFF) << 24) >> 23);
		return OK;
	}
	if ((op & 0xF500) == 0xB100) {		/* CBZ/CBNZ */
		imm = ((op >> 9) & 1) << 6 | ((op >> 3) & 31) << 1;
		if (!!r[rd] == !!(op & 0x800))
			r[PC] = pc + 4 + imm;
		return OK;
	}
	if ((op & 0xFF00) == 0xBF00) {		/* IT / hints */
		if (op & 0xF)
			c->it = op & 0xFF;
		return OK;
	}
	if ((op & 0xFF00) == 0xBE00)
		return BKPT;
	if ((op & 0xFE00) == 0xB400) {		/* PUSH {list, lr} */
		unsigned list = (op & 0xFF) | ((op & 0x100) ? 1u << 14 : 0);
		uint32_t sp = r[13] - 4 * popcount16(list);
		int rc2 = ldstm(c, r, sp, list, 0);

		if (rc2 == OK)
			r[13] = sp;
		return rc2;
	}
	if ((op & 0xFE00) == 0xBC00) {		/* POP {list, pc} */
		unsigned list = (op & 0xFF) | ((op & 0x100) ? 1u << PC : 0);
		uint32_t sp = r[13];
		int rc2 = ldstm(c, r, sp, list, 1);

		if (rc2 == OK)
			r[13] = sp + 4 * popcount16(list);
		return rc2;
	}
	if ((op & 0xF000) == 0xC000) {		/* STMIA/LDMIA Rn!, {list} */
		unsigned n = (op >> 8) & 7, list = op & 0xFF;
		uint32_t base = r[n];
		int rc2 = ldstm(c, r, base, list, op & 0x800);

		if (rc2 == OK && !((op & 0x800) && (list >> n & 1)))
			r[n] = base + 4 * popcount16(list);
		return rc2;
	}
	if ((op & 0xFF87) == 0x4780) {		/* BLX Rm */
		uint32_t to = r[(op >> 3) & 15];

		r[14] = r[PC] | 1;
		r[PC] = to & ~1u;
		return OK;
	}
	if ((op & 0xFF80) == 0x4700) {		/* BX Rm */
		r[PC] = r[(op >> 3) & 15] & ~1u;
		return OK;
	}
	if ((op & 0xFF00) == 0xB200) {		/* SXTH/SXTB/UXTH/UXTB */
		uint32_t m = r[rn];

		switch ((op >> 6) & 3) {
		case 0: r[rd] = (uint32_t)(int32_t)(int16_t)m; break;
		case 1: r[rd] = (uint32_t)(int32_t)(int8_t)m; break;
		case 2: r[rd] = m & 0xFFFF; break;
		case 3: r[rd] = m & 0xFF; break;
		}
		return OK;
	}
	if ((op & 0xF800) == 0xA800) {		/* ADD Rd, SP, #imm */
		r[(op >> 8) & 7] = r[13] + (op & 0xFF) * 4;
		return OK;
	}
	if ((op & 0xFF00) == 0xB000) {		/* ADD/SUB SP, #imm */
		r[13] += (op & 0x80) ? -(uint32_t)((op & 0x7F) * 4) : (op & 0x7F) * 4;
		return OK;
	}
	if ((op & 0xF000) == 0x9000) {		/* STR/LDR Rt, [SP, #imm] */
		uint32_t a2 = r[13] + (op & 0xFF) * 4;

		return op & 0x800 ? load(c, a2, 4, 0, &r[(op >> 8) & 7]) : store(c, a2, 4, r[(op >> 8) & 7]);
	}
	(void)rc;
	return undefined(c, op, 0);
}

/* Thumb-2 data processing of Rn and the second operand m (a shifted
 * register, or an immediate: imm), carry out of its shift: AND/TST, BIC,
 * ORR/MOV, ORN/MVN, EOR/TEQ, ADD/CMN, ADC, SBC (register forms only),
 * SUB/CMP, RSB. Rd = PC is a compare; the immediate forms need S there. */
static int alu(struct thumb_cpu *c, uint32_t *r, uint32_t op, uint32_t m, int carry, int imm)
{
	unsigned opc = (op >> 21) & 15, s = (op >> 20) & 1, rn = (op >> 16) & 15, rd = (op >> 8) & 15;
	uint32_t n = r[rn], res;

	switch (opc) {
	case 0: res = n & m; break;
	case 1: res = n & ~m; break;
	case 2: res = (rn == 15 ? 0 : n) | m; break;
	case 3: res = (rn == 15 ? 0 : n) | ~m; break;
	case 4: res = n ^ m; break;
	case 8: res = addc(r, n, m, 0, s); break;
	case 10: if (imm) return undefined(c, op, 1);
		res = addc(r, n, m, !!(r[XPSR] & C_FLAG), s); break;
	case 11: if (imm) return undefined(c, op, 1);
		res = addc(r, n, ~m, !!(r[XPSR] & C_FLAG), s); break;
	case 13: res = addc(r, n, ~m, 1, s); break;
	case 14: res = addc(r, m, ~n, 1, s); break;
	default: return undefined(c, op, 1);
	}
	if (s && opc < 8) {
		nz(r, res);
		flag(r, C_FLAG, carry);
	}
	if (rd != 15)
		r[rd] = res;
	else if (imm && !s)
		return undefined(c, op, 1);
	return OK;
}

static int divide(uint32_t *r, uint32_t op)
{
	uint32_t n = r[(op >> 16) & 15], m = r[op & 15], *d = &r[(op >> 8) & 15];

	if (!m)
		*d = 0;
	else if (op & 0x00200000u)		/* UDIV */
		*d = n / m;
	else if (n == 0x80000000u && m == 0xFFFFFFFFu)
		*d = n;				/* the one overflow: INT_MIN / -1 */
	else
		*d = (uint32_t)((int32_t)n / (int32_t)m);
	return OK;
}

static int exec32(struct thumb_cpu *c, uint32_t *r, uint32_t op, uint32_t pc)
{
	unsigned rn = (op >> 16) & 15, rt = (op >> 12) & 15;
	uint32_t addr;

	if ((op & 0xFFF0FFF0u) == 0xF3B08F40u)	/* DSB/DMB/ISB */
		return OK;
	/* MCR/MRC (T1, T2) and MCRR/MRRC (T1, T2) */
	if ((op & 0xEF000010u) == 0xEE000010u || (op & 0xEFE00000u) == 0xEC400000u) {
		if (c->cp && c->cp(c->ctx, op, r) == 0)
			return OK;
		c->why = "coprocessor access faults (NOCP)";
		return FAULT;
	}
	if ((op & 0xFFD0F0F0u) == 0xFB90F0F0u)	/* UDIV/SDIV (a divisor of 0 gives 0) */
		return divide(r, op);
	if ((op & 0xFFF0F0F0u) == 0xFB00F000u) {	/* MUL.W */
		r[(op >> 8) & 15] = r[rn] * r[op & 15];
		return OK;
	}
	if ((op & 0xFE400000u) == 0xE8000000u && ((op >> 23) & 3) == 1) {	/* LDMIA/STMIA.W */
		unsigned list = op & 0xFFFF, w = (op >> 21) & 1, l = (op >> 20) & 1;
		uint32_t base = r[rn];
		int rc = ldstm(c, r, base, list, l);

		if (rc == OK && w && !(l && (list >> rn & 1)))
			r[rn] = base + 4 * popcount16(list);
		return rc;
	}
	if ((op & 0xFE400000u) == 0xE8000000u && ((op >> 23) & 3) == 2) {	/* LDMDB/STMDB (PUSH.W) */
		unsigned list = op & 0xFFFF, w = (op >> 21) & 1, l = (op >> 20) & 1;
		uint32_t base = r[rn] - 4 * popcount16(list);
		int rc = ldstm(c, r, base, list, l);

		if (rc == OK && w)
			r[rn] = base;
		return rc;
	}
	if ((op & 0xFE400000u) == 0xE8400000u && (op & 0x01200000u)) {	/* LDRD/STRD imm */
		unsigned p = (op >> 24) & 1, u = (op >> 23) & 1, w = (op >> 21) & 1, l = (op >> 20) & 1;
		unsigned rt2 = (op >> 8) & 15;
		uint32_t off = (op & 0xFF) * 4, wb = u ? r[rn] + off : r[rn] - off, a2 = p ? wb : r[rn];
		int rc;

		if (l) {
			if ((rc = load(c, a2, 4, 0, &r[rt])) == OK)
				rc = load(c, a2 + 4, 4, 0, &r[rt2]);
		} else if ((rc = store(c, a2, 4, r[rt])) == OK) {
			rc = store(c, a2 + 4, 4, r[rt2]);
		}
		if (rc == OK && w)
			r[rn] = wb;
		return rc;
	}
	if ((op & 0xF800D000u) == 0xF000D000u || (op & 0xF800D000u) == 0xF0009000u) {	/* BL / B.W */
		uint32_t sgn = (op >> 26) & 1, j1 = (op >> 13) & 1, j2 = (op >> 11) & 1;
		uint32_t i1 = !(j1 ^ sgn), i2 = !(j2 ^ sgn);
		uint32_t imm = sgn << 24 | i1 << 23 | i2 << 22 | ((op >> 16) & 0x3FF) << 12 | (op & 0x7FF) << 1;
		int32_t off = (int32_t)(imm << 7) >> 7;

		if (op & 0x4000)
			r[14] = (pc + 4) | 1;
		r[PC] = pc + 4 + off;
		return OK;
	}
	if ((op & 0xFBF08000u) == 0xF2400000u || (op & 0xFBF08000u) == 0xF2C00000u) {	/* MOVW/MOVT */
		uint32_t imm = ((op >> 16) & 15) << 12 | ((op >> 26) & 1) << 11 | ((op >> 12) & 7) << 8 | (op & 0xFF);
		unsigned rd = (op >> 8) & 15;

		r[rd] = (op & 0x00800000u) ? (r[rd] & 0xFFFF) | imm << 16 : imm;
		return OK;
	}
	if ((op & 0xFE000000u) == 0xEA000000u) {	/* data processing, shifted register */
		unsigned sh = ((op >> 12) & 7) << 2 | ((op >> 6) & 3), type = (op >> 4) & 3;
		uint32_t m = r[op & 15];
		int carry = !!(r[XPSR] & C_FLAG);

		if (sh || type) {
			switch (type) {
			case 0: if (sh) { carry = m >> (32 - sh) & 1; m <<= sh; } break;
			case 1: sh = sh ? sh : 32; carry = (uint64_t)m >> (sh - 1) & 1; m = sh == 32 ? 0 : m >> sh; break;
			case 2: sh = sh ? sh : 32; carry = (uint64_t)m >> (sh - 1) & 1;
				m = (uint32_t)((int64_t)(int32_t)m >> sh); break;
			case 3: if (sh) { carry = m >> (sh - 1) & 1; m = m >> sh | m << (32 - sh); } break;
			}
		}
		return alu(c, r, op, m, carry, 0);
	}
	if ((op & 0xFF000000u) == 0xF8000000u) {	/* load/store single */
		unsigned size = 1u << ((op >> 21) & 3), l = (op >> 20) & 1, sign = 0;
		int rc;

		if ((op >> 23) & 1) {			/* imm12 */
			addr = (rn == PC ? (pc + 4) & ~3u : r[rn]) + (op & 0xFFF);
			return l ? load(c, addr, size, 0, &r[rt]) : store(c, addr, size, r[rt]);
		}
		if (op & 0x800) {			/* imm8 with P U W */
			unsigned p = (op >> 10) & 1, u = (op >> 9) & 1, w = (op >> 8) & 1;
			uint32_t off = u ? op & 0xFF : -(op & 0xFF), wb = r[rn] + off;

			addr = p ? wb : r[rn];
			rc = l ? load(c, addr, size, sign, &r[rt]) : store(c, addr, size, r[rt]);
			if (rc == OK && w)
				r[rn] = wb;
			return rc;
		}
		if (!(op & 0xFC0)) {			/* register, LSL imm2 */
			addr = r[rn] + (r[op & 15] << ((op >> 4) & 3));
			return l ? load(c, addr, size, 0, &r[rt]) : store(c, addr, size, r[rt]);
		}
		return undefined(c, op, 1);
	}
	if ((op & 0xFA008000u) == 0xF0000000u) {	/* data processing, modified immediate */
		int carry = !!(r[XPSR] & C_FLAG);
		uint32_t imm = expand_imm(((op >> 26) & 1) << 11 | ((op >> 12) & 7) << 8 | (op & 0xFF), &carry);

		return alu(c, r, op, imm, carry, 1);
	}
	return undefined(c, op, 1);
}

static void it_advance(struct thumb_cpu *c)
{
	if ((c->it & 7) == 0)
		c->it = 0;
	else
		c->it = (c->it & 0xE0) | ((c->it << 1) & 0x1F);
}

/* cycles more of the core's time: at c->hz, or 100 per us */
static void tick(struct thumb_cpu *c, unsigned cycles, uint64_t *now_us)
{
	uint64_t hz = c->hz ? c->hz : 100000000u;

	for (c->sub += cycles * 1000000ull; c->sub >= hz; c->sub -= hz)
		(*now_us)++;
}

int thumb_step(struct thumb_cpu *c, uint32_t *regs, unsigned max, uint64_t *now_us,
	       uint64_t limit_us)
{
	unsigned i;

	for (i = 0; i < max && c->running && *now_us < limit_us; i++) {
		uint32_t pc = regs[PC], hw, hw2 = 0;
		int wide, rc, exec = 1;

		tick(c, 1, now_us);
		if (c->native && (rc = c->native(c->ctx, regs, now_us, limit_us)) != 0) {
			if (rc < 0)
				goto fault;
			continue;
		}
		c->regs = regs;
		c->saved = 0;
		if (load(c, pc, 2, 0, &hw) != OK)
			goto fault;
		wide = (hw >> 11) >= 0x1D;
		if (wide && load(c, pc + 2, 2, 0, &hw2) != OK)
			goto fault;
		c->mem = 0;
		if (c->it && (hw & 0xFF00) != 0xBF00)
			exec = cond_pass(regs, c->it >> 4);
		regs[PC] = pc + (wide ? 4 : 2);
		rc = !exec ? OK : wide ? exec32(c, regs, hw << 16 | hw2, pc) : exec16(c, regs, (uint16_t)hw, pc);
		if (rc == STALL) {	/* the bus held the access: try again later */
			memcpy(regs, c->save, sizeof(c->save));
			regs[PC] = pc;
			(*now_us)++;
			continue;
		}
		if (c->it && (hw & 0xFF00) != 0xBF00)
			it_advance(c);	/* an IT itself applies from the next instruction */
		if (c->hz)
			tick(c, c->mem + (regs[PC] != pc + (wide ? 4u : 2u)), now_us);
		if (rc == OK && regs[PC] < pc) {	/* a backward branch */
			/* the same registers and stores as the last time
			 * round: a loop computing something (a CRC) changes
			 * them each time */
			if (regs[PC] == c->loop_pc && c->stores == c->loop_stores &&
			    !memcmp(c->loop_regs, regs, sizeof(c->loop_regs))) {
				if (++c->loop_count > 64) {
					/* waiting for the host to fill the FIFO:
					 * the core idles to the end of its slice */
					c->loop_count = 0;
					*now_us = limit_us;
					break;
				}
			} else {
				c->loop_pc = regs[PC];
				c->loop_count = 0;
				memcpy(c->loop_regs, regs, sizeof(c->loop_regs));
			}
			c->loop_stores = c->stores;
			c->stores = 0;
		}
		if (rc == BKPT) {
			regs[PC] = pc;
			c->running = 0;
			return THUMB_BKPT;
		}
		if (rc == FAULT) {
			regs[PC] = pc;
			goto fault;
		}
	}
	return THUMB_RUNNING;
fault:
	c->running = 0;
	if (!c->why)
		c->why = "bus fault fetching an instruction";
	return THUMB_FAULT;
}
