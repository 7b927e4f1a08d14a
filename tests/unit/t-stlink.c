/* t-stlink.c - the ST-LINK command layer (lib/proto/stlink) against the
 * ST-LINK firmware and target models of tests/sim/dap, in-process: the
 * version and what it allows, the clock tables, memory commands split at
 * the firmware's limits and TAR windows, refusals and fault status. */
#include <stdlib.h>
#include <string.h>

#include "../sim/dap/stlink.h"
#include "err.h"
#include "stlink.h"
#include "test-lib.h"

/* The pipe: an OUT transfer goes to the firmware; its reply waits. */
struct fw_io {
	struct dapsim_stlink fw;
	uint8_t reply[65536];
	size_t rlen;
};

static int io_write(void *ctx, const uint8_t *pkt, size_t len, int timeout_ms,
		    struct mpf_buf *err)
{
	struct fw_io *f = ctx;

	if (dapsim_stlink_out(&f->fw, pkt, len, f->reply, &f->rlen) < 0)
		return mpf_errf(err, MPF_ERR_PROTO, "the firmware model refused the transfer");
	return MPF_OK;
}

static int io_read(void *ctx, uint8_t *pkt, size_t cap, int timeout_ms, struct mpf_buf *err)
{
	struct fw_io *f = ctx;
	size_t n = f->rlen < cap ? f->rlen : cap;

	if (!f->rlen)
		return mpf_errf(err, MPF_ERR_TIMEOUT, "no reply");
	memcpy(pkt, f->reply, n);
	f->rlen = 0;
	return (int)n;
}

static struct fw_io *f;
static struct dapsim_target *tgt;
static struct mpf_stlink st;
static struct mpf_buf err = MPF_BUF_INIT;

/* A probe of version v (v21: V2-1), firmware j, in SWD with a F405. */
static int probe(int v, int v21, int j)
{
	struct mpf_dap_io io = { io_write, io_read, NULL };
	int rc;

	dapsim_target_free(tgt);
	free(f);
	tgt = dapsim_target_new("stm32f405");
	f = calloc(1, sizeof(*f));
	dapsim_stlink_init(&f->fw, tgt, v, v21, j, v == 3 ? 0x374E : v21 ? 0x374B : 0x3748);
	io.ctx = f;
	mpf_stlink_init(&st, &io);
	mpf_buf_reset(&err);
	if ((rc = mpf_stlink_version(&st, &err)) < 0 || (rc = mpf_stlink_leave_mode(&st, &err)) < 0 ||
	    (rc = mpf_stlink_clock(&st, 4000000, &err)) < 0 || (rc = mpf_stlink_enter_swd(&st, &err)) < 0)
		test_msg("probe V%d J%d: %s", v, j, mpf_buf_str(&err));
	return rc;
}

static void t_versions(void)
{
	char s[32];
	int mv = 0;

	check_int(probe(2, 0, 37), ==, 0);
	mpf_stlink_version_str(&st, s, sizeof(s));
	check_str(s, "V2J37S7");
	check_uint(st.rw8_max, ==, 64);
	check_uint(st.flags & STLINK_F_AP_MEM, ==, STLINK_F_AP_MEM);
	check_int(mpf_stlink_voltage(&st, &mv, &err), ==, 0);
	check(mv > 3200 && mv < 3400);
	check_int(probe(2, 1, 40), ==, 0);
	mpf_stlink_version_str(&st, s, sizeof(s));
	check_str(s, "V2J40M27");
	check_uint(st.pid, ==, 0x374B);
	check_int(probe(3, 0, 7), ==, 0);
	mpf_stlink_version_str(&st, s, sizeof(s));
	check_str(s, "V3J7M27S7");
	check_uint(st.rw8_max, ==, 512);
	check_uint(st.hz, ==, 3300000);	/* V3's list: 24000, 8000, 3300, ... kHz */
	check_int(probe(2, 0, 21), ==, 0);
	check_uint(st.flags & (STLINK_F_SWD_FREQ | STLINK_F_DAP_REG | STLINK_F_MEM16), ==, 0);
	check_uint(st.hz, ==, 1800000);	/* no clock command before J22 */
	check_uint(f->fw.violations, ==, 0);
}

static void t_clocks(void)
{
	static const uint32_t v3[] = { 24000, 8000, 3300, 1000, 200, 50, 5 };
	uint16_t div = 99;

	check_uint(mpf_stlink_v2_clock(4000000, &div), ==, 4000000);
	check_uint(div, ==, 0);
	check_uint(mpf_stlink_v2_clock(1000000, &div), ==, 950000);
	check_uint(div, ==, 3);
	check_uint(mpf_stlink_v2_clock(100e6, &div), ==, 4000000);
	check_uint(mpf_stlink_v2_clock(5000, &div), ==, 5000);
	check_uint(div, ==, 798);
	check_uint(mpf_stlink_v2_clock(4999, &div), ==, 0);
	check_uint(mpf_stlink_pick_khz(v3, 7, 4000000), ==, 3300);
	check_uint(mpf_stlink_pick_khz(v3, 7, 100000000), ==, 24000);
	check_uint(mpf_stlink_pick_khz(v3, 7, 4000), ==, 0);
}

/* Commands the write (rd 0) or the read back (rd 1) of len bytes takes:
 * memory commands and their status reads. */
static unsigned long cost(int size, uint32_t addr, uint32_t len, int rd)
{
	uint8_t *b = malloc(len), *back = malloc(len);
	unsigned long c0 = st.commands, c1;
	uint32_t i;
	int rc;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 7 + 1);
	rc = mpf_stlink_write(&st, 0, addr, b, len, size, &err);
	c1 = st.commands;
	if (rc >= 0)
		rc = mpf_stlink_read(&st, 0, addr, back, len, size, &err);
	check_int(rc, ==, 0);
	check_mem(back, b, len);
	free(b);
	free(back);
	return rd ? st.commands - c1 : c1 - c0;
}

static void t_split(void)
{
	probe(2, 0, 37);
	/* 8-bit: 64 bytes a command on a V2 (write then status each), after
	 * opening AP 0 once (J28+) */
	check_uint(cost(1, 0x20000001, 100, 0), ==, 5);
	/* 32-bit: one command per TAR window, 0x100..0x400 then 1 KiB each */
	check_uint(cost(4, 0x20000100, 3000, 1), ==, 8);
	check_uint(cost(2, 0x20001002, 10, 1), ==, 2);
	/* a single byte is read as two */
	check_uint(cost(1, 0x20002003, 1, 1), ==, 2);
	probe(3, 0, 7);
	check_uint(cost(1, 0x20000001, 500, 1), ==, 2);	/* V3 J6+: 512 */
	check_uint(f->fw.violations, ==, 0);
}

static void t_refusals(void)
{
	uint8_t b[8] = { 0 };
	uint32_t v;

	probe(2, 0, 25);
	check_int(mpf_stlink_read(&st, 0, 0x20000000, b, 4, 2, &err), ==, MPF_ERR_SUPP);
	check(strstr(mpf_buf_str(&err), "16-bit") != NULL);
	check_int(mpf_stlink_read(&st, 1, 0x20000000, b, 4, 4, &err), ==, MPF_ERR_SUPP);
	check_int(mpf_stlink_read(&st, 0, 0x20000002, b, 4, 4, &err), ==, MPF_ERR_ARG);
	probe(2, 0, 23);
	check_int(mpf_stlink_reg_read(&st, STLINK_DP_PORT, 0, &v, &err), ==, MPF_ERR_SUPP);
	check_uint(f->fw.violations, ==, 0);
}

static void t_dap_regs(void)
{
	uint32_t v = 0;

	probe(2, 1, 40);
	check_int(mpf_stlink_reg_read(&st, STLINK_DP_PORT, 0, &v, &err), ==, 0);
	check_uint(v, ==, 0x2BA01477);
	check_int(mpf_stlink_reg_read(&st, 0, 0xFC, &v, &err), ==, 0);
	check_uint(v, ==, 0x24770011);	/* the AHB-AP's IDR */
	check_int(mpf_stlink_reg_read(&st, 1, 0xFC, &v, &err), ==, 0);	/* AP 1 opened first */
	check_uint(st.ap_open, ==, 3);
	check_uint(f->fw.violations, ==, 0);
}

static void t_fault(void)
{
	uint8_t b[16];

	probe(3, 0, 7);
	mpf_buf_reset(&err);
	check_int(mpf_stlink_read(&st, 0, 0x60000000, b, 16, 4, &err), ==, MPF_ERR_PROTO);
	check(strstr(mpf_buf_str(&err), "SWD AP FAULT") != NULL);
	check(strstr(mpf_buf_str(&err), "0x60000000") != NULL);
	/* the probe recovers: the next access works */
	check_int(mpf_stlink_read(&st, 0, 0x20000000, b, 16, 4, &err), ==, 0);
	check_str(mpf_stlink_status_name(0x1D), "bad AP");
	check_str(mpf_stlink_status_name(0x42), "unknown status");
}

int main(void)
{
	TEST(t_versions(), "version, firmware features, voltage and clock of V2, V2-1, V3");
	TEST(t_clocks(), "the V2 divisor table and the V3 frequency list");
	TEST(t_split(), "memory commands split at the 8-bit limit and the TAR window");
	TEST(t_refusals(), "what old firmware lacks is refused before the probe is asked");
	TEST(t_dap_regs(), "DP and AP registers, INIT_AP before AP 1");
	TEST(t_fault(), "a bus fault is an error naming the address and the status");
	dapsim_target_free(tgt);
	free(f);
	mpf_buf_release(&err);
	return test_done();
}
