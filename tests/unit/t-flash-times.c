/* t-flash-times.c - the models' flash busy times against the vendors'
 * electrical specifications, on a clock the test moves: an erase started
 * at t is still busy just before the specified time and done just after
 * (doc/protocols.md section 5.15). */
#include <stdlib.h>

#include "dapsim-io.h"
#include "swd.h"
#include "test-lib.h"

static struct dapsim_io io;
static struct mpf_probe_link link;
static struct dapsim_target *tgt;
static struct mpf_swd swd;
static uint64_t fake_us;

static uint64_t fake_clock(void *ctx)
{
	(void)ctx;
	return fake_us;
}

static int attach(const char *model)
{
	struct mpf_swd_opts o = { 0 };
	struct mpf_buf err = MPF_BUF_INIT;
	int rc;

	dapsim_target_free(tgt);
	mpf_dap_release(&link.dap);
	tgt = dapsim_target_new(model);
	dapsim_io_init(&io, &link.dap, tgt, 512, 4);
	io.probe.clock = fake_clock;
	fake_us = 1000000;
	o.halt = 1;
	if ((rc = mpf_swd_attach(&swd, &link, &o, &err)) < 0)
		test_msg("attach %s: %s", model, mpf_buf_str(&err));
	mpf_buf_release(&err);
	return rc;
}

static uint32_t rd(uint32_t addr)
{
	uint32_t v = 0xDEAD;

	check_int(mpf_adiv5_read32(&swd.a, addr, &v, NULL), ==, 0);
	return v;
}

/* Starts an operation with the write of v to addr at the fake time now;
 * the flag at ready (mask) must be clear at now + busy_us - slack and set
 * at now + busy_us + slack. */
static void busy_for(uint32_t addr, uint32_t v, uint32_t ready, uint32_t mask, int set_when_done,
		     uint64_t busy_us, uint64_t slack_us)
{
	uint64_t t0 = fake_us;
	uint32_t done = set_when_done ? mask : 0;

	check_int(mpf_adiv5_write32(&swd.a, addr, v, NULL), ==, 0);
	fake_us = t0 + busy_us - slack_us;
	check_uint(rd(ready) & mask, !=, done);
	fake_us = t0 + busy_us + slack_us;
	check_uint(rd(ready) & mask, ==, done);
	fake_us += 1000000;
}

/* nRF5340 Product Specification, NVMC electrical specification (with
 * the HFXO): a page erase 87.5 ms, erase all 173 ms. */
static void t_nrf5340(void)
{
	if (!check_int(attach("nrf5340"), ==, 0))
		return;
	check_int(mpf_adiv5_write32(&swd.a, 0x50039504, 2, NULL), ==, 0);	/* CONFIG EEN */
	busy_for(0x00001000, 0xFFFFFFFFu, 0x50039400, 1, 1, 87500, 1000);
	busy_for(0x5003950C, 1, 0x50039400, 1, 1, 173000, 1000);
	check_int(dapsim_counts(tgt)->violations, ==, 0);
}

int main(void)
{
	TEST(t_nrf5340(), "nRF5340: page erase and erase all take the specified times");
	dapsim_target_free(tgt);
	mpf_dap_release(&link.dap);
	return test_done();
}
