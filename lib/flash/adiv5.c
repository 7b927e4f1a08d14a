/* adiv5.c - ADIv5 debug port and MEM-AP access; the CMSIS-DAP probe
 * operations behind it (the ST-LINK ones are in adiv5_stlink.c).
 *
 * Facts: ARM ADIv5 (IHI 0031) B5 (SWD line setup, as pyOCD swj.py does it)
 * and B2, C2 (DP/AP registers, the TAR window); ARM ADIv6 (IHI 0074) B2, C2
 * (APs at debug addresses); doc/protocols.md 4.3-4.4.
 */
#include <stdlib.h>
#include <string.h>

#include "adiv5.h"
#include "clock.h"
#include "err.h"

#define AP_REQ(reg)	(DAP_APnDP | DAP_A(reg))
#define DP_REQ(reg)	DAP_A(reg)

static const struct mpf_adiv5_ops dap_ops;

void mpf_adiv5_init_ops(struct mpf_adiv5 *a, const struct mpf_adiv5_ops *ops)
{
	memset(a, 0, sizeof(*a));
	a->ops = ops;
	a->select = a->csw = a->tar = a->match_mask = ~0u;
	a->wrap = 0x400;
}

void mpf_adiv5_init(struct mpf_adiv5 *a, struct mpf_dap *dap)
{
	mpf_adiv5_init_ops(a, &dap_ops);
	a->dap = dap;
}

static int mpf_adiv5_dp_read(struct mpf_adiv5 *a, uint8_t reg, uint32_t *v, struct mpf_buf *err);

static void forget(struct mpf_adiv5 *a)
{
	a->select = a->csw = a->tar = a->match_mask = ~0u;
}

static int dap_setup(struct mpf_adiv5 *a, uint32_t hz, struct mpf_buf *err)
{
	struct mpf_dap *d = a->dap;
	int rc;

	if ((rc = mpf_dap_setup(d, err)) < 0 || (rc = mpf_dap_connect_swd(d, err)) < 0 ||
	    (rc = mpf_dap_clock(d, hz, err)) < 0)
		return rc;
	/* WAIT and value-match retries are done by the probe: flash writes
	 * stall the AHB for up to ~100 us, and BSY/READY polls ride on them. */
	if ((rc = mpf_dap_transfer_configure(d, 0, 0xFFFF, 0xFFFF, err)) < 0)
		return rc;
	return mpf_dap_swd_configure(d, 0, err);
}

static int dap_nreset(struct mpf_adiv5 *a, int level, struct mpf_buf *err)
{
	int rc = mpf_dap_swj_pins(a->dap, level ? DAP_PIN_nRESET : 0, DAP_PIN_nRESET,
				  level ? 100000 : 0, err);

	return rc < 0 ? rc : MPF_OK;
}

static void dap_disconnect(struct mpf_adiv5 *a)
{
	mpf_dap_disconnect(a->dap, NULL);
}

int mpf_adiv5_setup(struct mpf_adiv5 *a, uint32_t hz, struct mpf_buf *err)
{
	return a->ops->setup(a, hz, err);
}

int mpf_adiv5_nreset(struct mpf_adiv5 *a, int level, struct mpf_buf *err)
{
	return a->ops->nreset(a, level, err);
}

void mpf_adiv5_disconnect(struct mpf_adiv5 *a)
{
	a->ops->disconnect(a);
}

/* Bits appended LSB first. */
static void bits_add(uint8_t *seq, unsigned *pos, uint32_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++, (*pos)++)
		if (v >> i & 1)
			seq[*pos / 8] |= 1u << (*pos % 8);
}

/* After a line reset (and TARGETSEL) the first transfer must read DPIDR. */
static int read_dpidr(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	int rc;

	forget(a);
	mpf_dap_q_read(a->dap, DP_REQ(DP_DPIDR), &a->dpidr);
	if ((rc = mpf_dap_run(a->dap, err)) < 0) {
		if (err) {
			mpf_buf_reset(err);
			mpf_buf_addf(err, "no SWD target answers (DPIDR read: %s); check wiring, "
				     "target power and --frequency", mpf_dap_ack_name(a->dap->last_resp));
		}
		return MPF_ERR_NODEV;
	}
	return MPF_OK;
}

/* Line reset, JTAG-to-SWD, line reset, idle, then DPIDR. */
static int mpf_adiv5_line_reset(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	uint8_t seq[32] = { 0 };
	unsigned pos = 0;
	int rc;

	/* line reset (>= 50 ones), JTAG-to-SWD 0xE79E, line reset, 8 idle */
	bits_add(seq, &pos, ~0u, 32);
	bits_add(seq, &pos, ~0u, 19);
	bits_add(seq, &pos, 0xE79E, 16);
	bits_add(seq, &pos, ~0u, 32);
	bits_add(seq, &pos, ~0u, 19);
	bits_add(seq, &pos, 0, 8);
	if ((rc = mpf_dap_swj_sequence(a->dap, pos, seq, err)) < 0)
		return rc;
	return read_dpidr(a, err);
}

/* Multidrop SWD (ADIv5.2 B4.3.4, B5.3.4; doc/protocols.md 4.3): a DP
 * awake in SWD is sent to dormant (line reset, SWD-to-dormant 0xE3BC),
 * then every DP is woken (8 cycles high, the 128-bit selection alert, 4
 * low, the SWD activation code 0x1A), a line reset is followed by the
 * TARGETSEL write naming one DP, and DPIDR is read. */
static int multidrop_select(struct mpf_adiv5 *a, uint32_t targetsel, struct mpf_buf *err)
{
	static const uint32_t alert[4] = { 0x6209F392, 0x86852D95, 0xE3DDAFE9, 0x19BC0EA2 };
	uint8_t seq[32] = { 0 }, reset[8] = { 0 };
	unsigned pos = 0, rpos = 0, i;
	int rc;

	bits_add(seq, &pos, ~0u, 32);
	bits_add(seq, &pos, ~0u, 19);
	bits_add(seq, &pos, 0xE3BC, 16);
	bits_add(seq, &pos, 0xFF, 8);
	for (i = 0; i < 4; i++)
		bits_add(seq, &pos, alert[i], 32);
	bits_add(seq, &pos, 0, 4);
	bits_add(seq, &pos, 0x1A, 8);
	bits_add(reset, &rpos, ~0u, 32);
	bits_add(reset, &rpos, ~0u, 19);
	bits_add(reset, &rpos, 0, 2);
	if ((rc = mpf_dap_swj_sequence(a->dap, pos, seq, err)) < 0 ||
	    (rc = mpf_dap_swj_sequence(a->dap, rpos, reset, err)) < 0 ||
	    (rc = mpf_dap_targetsel(a->dap, targetsel, err)) < 0)
		return rc;
	return read_dpidr(a, err);
}

/* The DPs of multidrop parts tried when nothing answers a plain line
 * reset: RP2040 core 0 (RP2040 datasheet 2.3.4), the RP2350's one DP,
 * instance 0 (RP2350 datasheet 3.5.1; doc/protocols.md 4.3). */
static const uint32_t multidrop_ids[] = { 0x01002927, 0x00040927 };

/* A plain SWD target, else the first multidrop DP that answers (kept in
 * a->targetsel: a line reset later must select it again). */
static int select_target(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	size_t i;
	int rc;

	if (a->targetsel)
		return multidrop_select(a, a->targetsel, err);
	if ((rc = mpf_adiv5_line_reset(a, err)) != MPF_ERR_NODEV)
		return rc;
	for (i = 0; i < sizeof(multidrop_ids) / sizeof(multidrop_ids[0]); i++) {
		int rc2 = multidrop_select(a, multidrop_ids[i], NULL);

		if (rc2 >= 0) {
			a->targetsel = multidrop_ids[i];
			if (err)
				mpf_buf_reset(err);
			return rc2;
		}
	}
	return rc;
}

uint32_t mpf_adiv5_ap_select(int v6, uint32_t ap, uint8_t reg)
{
	if (v6)
		return (ap + 0xD00u + reg) & ~0xFu;
	return ap << 24 | (reg & 0xF0u);
}

/* ADIv6 parts by TARGETID, with where their APs sit (mpf_adiv5.aps):
 * the RP2350's core 0 and core 1 AHB5 MEM-APs, the RISC-V Debug Module's
 * APB-AP and the RP-AP (RP2350 datasheet 3.5.2, 3.5.3, 3.5.10). */
static const struct {
	uint32_t targetid;
	uint32_t aps[4];
	unsigned nap;
} v6_parts[] = {
	{ 0x00040927, { 0x2000, 0x4000, 0xA000, 0x80000 }, 4 },
};

/* A DPv3 debug port is ADIv6: its APs sit at addresses found by walking
 * the ROM table at the DP's BASEPTR, which mpf-swd does not do. A part
 * whose AP addresses are known by its TARGETID (DP bank 2) is taken;
 * any other is refused naming what is missing (doc/protocols.md 4.3). */
static int adiv6_parts(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	uint32_t tid = 0;
	size_t i;

	a->aps = NULL;
	if (((a->dpidr >> 12) & 0xF) < 3)
		return MPF_OK;
	mpf_dap_q_write(a->dap, DP_REQ(DP_SELECT), 2);
	mpf_dap_q_read(a->dap, DP_REQ(DP_CTRL_STAT), &tid);
	mpf_dap_q_write(a->dap, DP_REQ(DP_SELECT), 0);
	mpf_dap_run(a->dap, NULL);
	forget(a);
	for (i = 0; i < sizeof(v6_parts) / sizeof(v6_parts[0]); i++)
		if ((tid & 0x0FFFFFFFu) == v6_parts[i].targetid) {
			a->aps = v6_parts[i].aps;
			a->nap = v6_parts[i].nap;
			return MPF_OK;
		}
	return mpf_errf(err, MPF_ERR_SUPP, "the target has an ADIv6 debug port (DPIDR 0x%08x, "
			"TARGETID 0x%08x) whose access ports mpf-swd cannot find: it knows them "
			"only for the RP2350, and does not walk the ADIv6 ROM table", a->dpidr, tid);
}

static int dap_connect(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	int64_t deadline;
	uint32_t cs = 0;
	int rc;

	if ((rc = select_target(a, err)) < 0 || (rc = adiv6_parts(a, err)) < 0)
		return rc;
	mpf_dap_q_write(a->dap, DP_REQ(DP_ABORT), ABORT_CLEAR_ALL);
	mpf_dap_q_write(a->dap, DP_REQ(DP_SELECT), 0);
	mpf_dap_q_write(a->dap, DP_REQ(DP_CTRL_STAT), CS_CDBGPWRUPREQ | CS_CSYSPWRUPREQ);
	if ((rc = mpf_dap_run(a->dap, err)) < 0)
		return rc;
	a->select = 0;
	deadline = mpf_now_ms() + 1000;
	do {
		if ((rc = mpf_adiv5_dp_read(a, DP_CTRL_STAT, &cs, err)) < 0)
			return rc;
		if ((cs & (CS_CDBGPWRUPACK | CS_CSYSPWRUPACK)) == (CS_CDBGPWRUPACK | CS_CSYSPWRUPACK))
			return MPF_OK;
	} while (mpf_now_ms() < deadline);
	return mpf_errf(err, MPF_ERR_TIMEOUT, "debug power-up not acknowledged within 1 s "
			"(CTRL/STAT 0x%08x)", cs);
}

int mpf_adiv5_connect(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	return a->ops->connect(a, err);
}

static int dap_recover(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	uint8_t resp = a->dap->last_resp;
	uint32_t cs = 0;
	int rc;

	mpf_dap_discard(a->dap);
	forget(a);
	/* a transfer still stalled (WAIT) is cancelled with DAPABORT */
	mpf_dap_q_write(a->dap, DP_REQ(DP_ABORT),
			ABORT_CLEAR_ALL | ((resp & 7) == DAP_ACK_WAIT ? 1 : 0));
	mpf_dap_q_read(a->dap, DP_REQ(DP_CTRL_STAT), &cs);
	rc = mpf_dap_run(a->dap, NULL);
	if (rc < 0 && (rc = dap_connect(a, NULL)) < 0)
		return mpf_errf(err, rc, "target lost: no reply after a line reset");
	a->dap->last_resp = resp;
	return MPF_OK;
}

/* An AP number past the part's list selects nothing an AP answers on:
 * the address after its last one (ADIv6). */
static void q_select(struct mpf_adiv5 *a, uint8_t ap, uint8_t reg)
{
	uint32_t base = !a->aps ? ap : ap < a->nap ? a->aps[ap] : a->aps[a->nap - 1] + 0x1000;
	uint32_t sel = mpf_adiv5_ap_select(a->aps != NULL, base, reg);

	if (sel != a->select) {
		mpf_dap_q_write(a->dap, DP_REQ(DP_SELECT), sel);
		a->select = sel;
	}
}

/* A bus error on a MEM-AP access only sets STICKYERR (the AP write is
 * posted), so every batch ends by reading CTRL/STAT: one more transfer in
 * the last packet, and no fault goes unnoticed. */
static int run(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	uint32_t cs = 0;
	int rc;

	if (!mpf_dap_queued(a->dap))
		return MPF_OK;
	mpf_dap_q_read(a->dap, DP_REQ(DP_CTRL_STAT), &cs);
	rc = mpf_dap_run(a->dap, err);
	if (rc == MPF_OK && (cs & (CS_STICKYERR | CS_STICKYORUN | CS_WDATAERR))) {
		a->dap->last_resp = DAP_ACK_FAULT;
		rc = mpf_errf(err, MPF_ERR_PROTO, "target bus error (CTRL/STAT 0x%08x)", cs);
	}
	if (rc < 0 && rc != MPF_ERR_IO && rc != MPF_ERR_NODEV && rc != MPF_ERR_TIMEOUT)
		dap_recover(a, NULL);
	else if (rc < 0)
		forget(a);
	return rc;
}

int mpf_adiv5_recover(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	return a->ops->recover(a, err);
}

int mpf_adiv5_run(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	return a->ops->run(a, err);
}

static int mpf_adiv5_dp_read(struct mpf_adiv5 *a, uint8_t reg, uint32_t *v, struct mpf_buf *err)
{
	mpf_dap_q_read(a->dap, DP_REQ(reg), v);
	return run(a, err);
}

static void dap_q_ap(struct mpf_adiv5 *a, uint8_t ap, uint8_t reg, uint32_t *rd, uint32_t wv)
{
	q_select(a, ap, reg);
	if (rd) {
		mpf_dap_q_read(a->dap, AP_REQ(reg), rd);
		return;
	}
	mpf_dap_q_write(a->dap, AP_REQ(reg), wv);
	if (ap == a->ap && reg == AP_CSW)
		a->csw = wv;
	if (ap == a->ap && reg == AP_TAR)
		a->tar = wv;
}

/* The probe repeats the read; the mask is probe state, set when it changes. */
static void dap_q_ap_poll(struct mpf_adiv5 *a, uint8_t ap, uint8_t reg, uint32_t mask,
			  uint32_t match)
{
	q_select(a, ap, reg);
	if (a->match_mask != mask)
		mpf_dap_q_write(a->dap, DAP_MATCH_MASK | AP_REQ(reg), mask);
	a->match_mask = mask;
	mpf_dap_q_match(a->dap, AP_REQ(reg), match);
}

void mpf_adiv5_q_ap_write(struct mpf_adiv5 *a, uint8_t ap, uint8_t reg, uint32_t v)
{
	a->ops->q_ap(a, ap, reg, NULL, v);
}

void mpf_adiv5_q_ap_poll(struct mpf_adiv5 *a, uint8_t ap, uint8_t reg, uint32_t mask,
			 uint32_t match)
{
	a->ops->q_ap_poll(a, ap, reg, mask, match);
}

int mpf_adiv5_ap_read(struct mpf_adiv5 *a, uint8_t ap, uint8_t reg, uint32_t *v,
		      struct mpf_buf *err)
{
	a->ops->q_ap(a, ap, reg, v, 0);
	return mpf_adiv5_run(a, err);
}

int mpf_adiv5_v6_write(struct mpf_adiv5 *a, uint32_t addr, uint32_t v, struct mpf_buf *err)
{
	if (!a->aps || !a->dap)
		return mpf_errf(err, MPF_ERR_SUPP, "no ADIv6 debug port to write 0x%08x on", addr);
	a->select = addr & ~0xFu;
	mpf_dap_q_write(a->dap, DP_REQ(DP_SELECT), a->select);
	mpf_dap_q_write(a->dap, AP_REQ(addr & 0xC), v);
	return run(a, err);
}

int mpf_adiv5_ap_write(struct mpf_adiv5 *a, uint8_t ap, uint8_t reg, uint32_t v,
		       struct mpf_buf *err)
{
	mpf_adiv5_q_ap_write(a, ap, reg, v);
	return mpf_adiv5_run(a, err);
}

/* An ADIv6 MEM-AP says in CSW whether the part lets it reach the bus at
 * all (DeviceEn, bit 6) and with Secure accesses (SDeviceEn, bit 23),
 * which the RP2350 ties to its OTP debug locks (RP2350 datasheet
 * 3.5.9.1): the boot ROM's flash functions run Secure, so both must be
 * set. */
static int v6_enabled(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	uint32_t csw = 0;
	int rc = mpf_adiv5_ap_read(a, a->ap, AP_CSW, &csw, err);

	if (rc < 0 || ((csw & CSW_DEVICEEN) && (csw & CSW_SDEVICEEN)))
		return rc;
	return mpf_errf(err, MPF_ERR_PERM, "the MEM-AP at 0x%x does not reach the %sbus (CSW "
			"0x%08x, %s clear): the part disables %sdebug; on an RP2350 that is OTP "
			"CRIT1.%sDEBUG_DISABLE, or a debug key in OTP not given through the RP-AP",
			a->aps[a->ap], csw & CSW_DEVICEEN ? "Secure " : "", csw,
			csw & CSW_DEVICEEN ? "SDeviceEn" : "DeviceEn",
			csw & CSW_DEVICEEN ? "Secure " : "", csw & CSW_DEVICEEN ? "SECURE_" : "");
}

/* The auto-increment window by AP identity (pyOCD ap.py): the AHB-AP of
 * Cortex-M3/M4 (IDR 0x24770011) increments across 4 KiB, others 1 KiB. */
int mpf_adiv5_mem_ap(struct mpf_adiv5 *a, uint8_t ap, struct mpf_buf *err)
{
	int rc = mpf_adiv5_ap_read(a, ap, AP_IDR, &a->ap_idr, err);

	/* an ST-LINK without AP register access reaches memory through AP 0 */
	if (rc == MPF_ERR_SUPP && ap == 0) {
		mpf_buf_reset(err);
		a->ap = 0;
		return MPF_OK;
	}
	if (rc < 0)
		return rc;
	if (!a->ap_idr || ((a->ap_idr >> 13) & 0xF) != 0x8 || ((a->ap_idr >> 16) & 1) != 1)
		return mpf_errf(err, MPF_ERR_NODEV, "AP %u is not a MEM-AP (IDR 0x%08x)",
				ap, a->ap_idr);
	a->ap = ap;
	a->csw = a->tar = ~0u;
	a->wrap = (a->ap_idr & 0x0FFFFFFF) == 0x04770011 ? 0x1000 : 0x400;
	return a->aps ? v6_enabled(a, err) : MPF_OK;
}

static void q_csw_size_tar(struct mpf_adiv5 *a, uint32_t addr, uint32_t size)
{
	uint32_t csw = CSW_AHB_DEFAULT | CSW_ADDRINC_SINGLE | size;

	if (a->csw != csw)
		mpf_adiv5_q_ap_write(a, a->ap, AP_CSW, csw);
	if (a->tar != addr)
		mpf_adiv5_q_ap_write(a, a->ap, AP_TAR, addr);
	q_select(a, a->ap, AP_DRW);
}

static void q_csw_tar(struct mpf_adiv5 *a, uint32_t addr)
{
	q_csw_size_tar(a, addr, CSW_SIZE32);
}

/* TAR after n word accesses from addr: it wraps inside the window. */
static uint32_t tar_after(const struct mpf_adiv5 *a, uint32_t addr, uint32_t n)
{
	return (addr & ~(a->wrap - 1)) | ((addr + 4 * n) & (a->wrap - 1));
}

void mpf_adiv5_q_write32(struct mpf_adiv5 *a, uint32_t addr, uint32_t v)
{
	a->ops->q_mem(a, addr, &v, 1, 0);
}

void mpf_adiv5_q_read32(struct mpf_adiv5 *a, uint32_t addr, uint32_t *v)
{
	a->ops->q_mem(a, addr, v, 1, 1);
}

/* Polling goes through the banked data registers, which do not move TAR. */
static void dap_q_poll32(struct mpf_adiv5 *a, uint32_t addr, uint32_t mask, uint32_t match)
{
	q_csw_tar(a, addr & ~0xFu);
	dap_q_ap_poll(a, a->ap, AP_BD0 + (addr & 0xC), mask, match);
}

void mpf_adiv5_q_poll32(struct mpf_adiv5 *a, uint32_t addr, uint32_t mask, uint32_t match)
{
	a->ops->q_poll32(a, addr, mask, match);
}

/* One window at a time: the TAR write, full block packets, then the words
 * that do not fill a block as single transfers, which share one
 * DAP_Transfer with the next window's TAR write (or with whatever single
 * transfers follow, such as a status poll or the CTRL/STAT check). */
static void dap_q_mem(struct mpf_adiv5 *a, uint32_t addr, uint32_t *words, uint32_t n, int rd)
{
	unsigned bmax = mpf_dap_block_max(a->dap->packet_size, rd);

	while (n) {
		uint32_t room = (a->wrap - (addr & (a->wrap - 1))) / 4;
		uint32_t k = n < room ? n : room, tail = k % bmax, i;

		q_csw_tar(a, addr);
		mpf_dap_q_block(a->dap, AP_REQ(AP_DRW) | (rd ? DAP_RnW : 0), words, k - tail);
		for (i = k - tail; i < k; i++) {
			if (rd)
				mpf_dap_q_read(a->dap, AP_REQ(AP_DRW), &words[i]);
			else
				mpf_dap_q_write(a->dap, AP_REQ(AP_DRW), words[i]);
		}
		a->tar = tar_after(a, addr, k);
		addr += 4 * k;
		words += k;
		n -= k;
	}
}

void mpf_adiv5_q_write(struct mpf_adiv5 *a, uint32_t addr, uint32_t *words, uint32_t n)
{
	a->ops->q_mem(a, addr, words, n, 0);
}

/* The half-word goes in the lanes of its address; TAR then moves by two
 * within the window. */
static void dap_q_write16(struct mpf_adiv5 *a, uint32_t addr, uint16_t v)
{
	q_csw_size_tar(a, addr, CSW_SIZE16);
	mpf_dap_q_write(a->dap, AP_REQ(AP_DRW), (uint32_t)v << (8 * (addr & 2)));
	a->tar = (addr & ~(a->wrap - 1)) | ((addr + 2) & (a->wrap - 1));
}

void mpf_adiv5_q_write16(struct mpf_adiv5 *a, uint32_t addr, uint16_t v)
{
	a->ops->q_write16(a, addr, v);
}

static void mpf_adiv5_q_read(struct mpf_adiv5 *a, uint32_t addr, uint32_t *words, uint32_t n)
{
	a->ops->q_mem(a, addr, words, n, 1);
}

static int mem_err(struct mpf_adiv5 *a, int rc, const char *what, uint32_t addr,
		   struct mpf_buf *err)
{
	if (rc < 0 && err && rc == MPF_ERR_PROTO) {
		char *m = mpf_buf_detach(err);

		mpf_buf_addf(err, "%s 0x%08x: %s", what, addr, m);
		free(m);
	}
	return rc;
}

int mpf_adiv5_read32(struct mpf_adiv5 *a, uint32_t addr, uint32_t *v, struct mpf_buf *err)
{
	mpf_adiv5_q_read32(a, addr, v);
	return mem_err(a, mpf_adiv5_run(a, err), "reading", addr, err);
}

int mpf_adiv5_write32(struct mpf_adiv5 *a, uint32_t addr, uint32_t v, struct mpf_buf *err)
{
	mpf_adiv5_q_write32(a, addr, v);
	return mem_err(a, mpf_adiv5_run(a, err), "writing", addr, err);
}

int mpf_adiv5_read(struct mpf_adiv5 *a, uint32_t addr, uint32_t *words, uint32_t n,
		   struct mpf_buf *err)
{
	mpf_adiv5_q_read(a, addr, words, n);
	return mem_err(a, mpf_adiv5_run(a, err), "reading from", addr, err);
}

int mpf_adiv5_write(struct mpf_adiv5 *a, uint32_t addr, uint32_t *words, uint32_t n,
		    struct mpf_buf *err)
{
	mpf_adiv5_q_write(a, addr, words, n);
	return mem_err(a, mpf_adiv5_run(a, err), "writing to", addr, err);
}

/* mpf_poll_until's question: does the word match yet? */
struct word_wait {
	struct mpf_adiv5 *a;
	uint32_t addr, mask, want, v;
	struct mpf_buf *err;
};

static int word_matches(void *ctx)
{
	struct word_wait *w = ctx;
	int rc = mpf_adiv5_read32(w->a, w->addr, &w->v, w->err);

	return rc < 0 ? rc : (w->v & w->mask) == w->want;
}

int mpf_adiv5_wait32(struct mpf_adiv5 *a, uint32_t addr, uint32_t mask, uint32_t want,
		     unsigned ms, uint32_t *last, struct mpf_buf *err)
{
	struct word_wait w = { a, addr, mask, want, 0, err };
	int rc = mpf_poll_until(word_matches, &w, (int)ms, 1);

	if (last)
		*last = w.v;
	if (rc == MPF_ERR_INTR)
		return mpf_errf(err, rc, "interrupted");
	return rc;
}

static const struct mpf_adiv5_ops dap_ops = {
	.name = "CMSIS-DAP",
	.setup = dap_setup,
	.connect = dap_connect,
	.recover = dap_recover,
	.q_ap = dap_q_ap,
	.q_ap_poll = dap_q_ap_poll,
	.q_mem = dap_q_mem,
	.q_poll32 = dap_q_poll32,
	.q_write16 = dap_q_write16,
	.run = run,
	.nreset = dap_nreset,
	.disconnect = dap_disconnect,
};
