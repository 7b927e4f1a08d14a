/* t-adiv6.c - how an AP register is addressed on ADIv5 and ADIv6, and the
 * RP2350 model's debug port holding a host to ADIv6 addressing. */
#include <stdlib.h>
#include <string.h>

#include "cortex_m.h"
#include "dapsim-io.h"
#include "swd.h"
#include "test-lib.h"

static void t_select(void)
{
	/* ADIv5: APSEL in 31:24, the register's bank in 7:4 */
	check_uint(mpf_adiv5_ap_select(0, 0, AP_CSW), ==, 0x00000000u);
	check_uint(mpf_adiv5_ap_select(0, 1, AP_TAR), ==, 0x01000000u);
	check_uint(mpf_adiv5_ap_select(0, 0, AP_BD0 + 4), ==, 0x00000010u);
	check_uint(mpf_adiv5_ap_select(0, 2, AP_IDR), ==, 0x020000F0u);
	/* ADIv6: the register's debug address, the MEM-AP block at 0xD00 */
	check_uint(mpf_adiv5_ap_select(1, 0x2000, AP_CSW), ==, 0x00002D00u);
	check_uint(mpf_adiv5_ap_select(1, 0x2000, AP_DRW), ==, 0x00002D00u);
	check_uint(mpf_adiv5_ap_select(1, 0x2000, AP_BD0 + 8), ==, 0x00002D10u);
	check_uint(mpf_adiv5_ap_select(1, 0x4000, AP_IDR), ==, 0x00004DF0u);
	check_uint(mpf_adiv5_ap_select(1, 0x80000, AP_IDR), ==, 0x00080DF0u);
	/* DPBANKSEL (3:0) stays 0 either way */
	check_uint(mpf_adiv5_ap_select(1, 0x2000, AP_IDR) & 0xF, ==, 0);
}

/* The RP2350 model: attach goes through ADIv6 addressing (no violation),
 * and an AP access through an ADIv5 SELECT (APSEL 0, CSW at 0x00) meets
 * no AP there: FAULT, as the part answers. */
static void t_model(void)
{
	static struct dapsim_io io;
	static struct mpf_probe_link link;
	struct mpf_swd swd;
	struct mpf_swd_opts o = { 0 };
	struct mpf_buf err = MPF_BUF_INIT;
	struct dapsim_target *t = dapsim_target_new("rp2350");
	uint32_t idr = 0, csw = 0;
	int rc;

	dapsim_io_init(&io, &link.dap, t, 512, 4);
	rc = mpf_swd_attach(&swd, &link, &o, &err);
	if (!check_int(rc, ==, 0))
		test_msg("attach: %s", mpf_buf_str(&err));
	check_int(dapsim_counts(t)->violations, ==, 0);
	check(swd.a.aps != NULL);
	check_int(mpf_adiv5_ap_read(&swd.a, 0, AP_IDR, &idr, &err), ==, 0);
	check_uint((idr >> 13) & 0xF, ==, 0x8);		/* a MEM-AP */
	/* what an ADIv5-only host does: SELECT 0, then CSW */
	mpf_dap_q_write(&link.dap, DAP_A(DP_SELECT), 0);
	mpf_dap_q_read(&link.dap, DAP_APnDP | DAP_A(AP_CSW), &csw);
	rc = mpf_dap_run(&link.dap, &err);
	check_int(rc, <, 0);
	check_int(dapsim_counts(t)->violations, ==, 1);
	mpf_dap_release(&link.dap);
	dapsim_target_free(t);
	mpf_buf_release(&err);
}

int main(void)
{
	TEST(t_select(), "AP register to SELECT: ADIv5 APSEL/bank, ADIv6 debug address");
	TEST(t_model(), "RP2350 model: ADIv6 addressing works, an ADIv5 SELECT faults");
	return test_done();
}
