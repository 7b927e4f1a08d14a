/* adiv5_stlink.c - the ADIv5 operations over an ST-LINK probe.
 *
 * The probe does memory access itself (doc/protocols.md 4.7): a range of
 * words becomes memory commands of at most one TAR window each, through
 * the MEM-AP in use. Raw AP registers (the nRF52 CTRL-AP, an AP's IDR) go
 * through the DAP register commands where the firmware has them. Nothing
 * is queued: each q_* call runs at once and the first failure is kept
 * for mpf_adiv5_run, so the callers' batches mean the same on both kinds
 * of probe.
 */
#include <stdio.h>
#include <string.h>

#include "adiv5.h"
#include "clock.h"
#include "err.h"
#include "log.h"
#include "stlink.h"

/* How long a poll may spin before it counts as never matching (the
 * CMSIS-DAP path gives the probe 65535 retries, about as long). */
#define POLL_MS 2000

static void latch(struct mpf_adiv5 *a, int rc, struct mpf_buf *e)
{
	if (rc < 0 && a->q_rc >= 0) {
		a->q_rc = rc;
		snprintf(a->q_msg, sizeof(a->q_msg), "%s", e->len ? e->buf : "ST-LINK command failed");
	}
	mpf_buf_release(e);
}

/* ST-LINK firmware sends no TARGETSEL (doc/protocols.md 4.3): say so
 * when no target answers. */
static int no_answer(int rc, struct mpf_buf *err)
{
	if (rc < 0 && err)
		mpf_buf_addstr(err, "; a part on a multidrop SWD bus, such as the RP2040, or "
			       "dormant at power-up, such as the RP2350, does not answer through an "
			       "ST-LINK, which can neither select nor wake it: use a CMSIS-DAP probe");
	return rc;
}

static int st_setup(struct mpf_adiv5 *a, uint32_t hz, struct mpf_buf *err)
{
	struct mpf_stlink *st = a->st;
	char v[32];
	int rc, mv;

	if ((rc = mpf_stlink_version(st, err)) < 0)
		return rc;
	mpf_stlink_version_str(st, v, sizeof(v));
	if (mpf_stlink_voltage(st, &mv, NULL) >= 0) {
		mpf_debug("ST-LINK %s, target at %d.%02d V", v, mv / 1000, mv % 1000 / 10);
		if (mv < 1500)
			mpf_warn("the ST-LINK reads %d mV on the target's VDD pin: is the target powered?",
				 mv);
	}
	/* the clock is set before SWD is entered: the probe connects at it */
	if ((rc = mpf_stlink_leave_mode(st, err)) < 0 || (rc = mpf_stlink_clock(st, hz, err)) < 0)
		return rc;
	return no_answer(mpf_stlink_enter_swd(st, err), err);
}

static int st_connect(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	int rc = mpf_stlink_dpidr(a->st, &a->dpidr, err);

	/* entering SWD again makes the probe run its line reset again */
	if (rc < 0 && mpf_stlink_enter_swd(a->st, NULL) >= 0)
		rc = mpf_stlink_dpidr(a->st, &a->dpidr, err);
	a->q_rc = 0;
	return no_answer(rc, err);
}

/* The firmware clears sticky errors itself on its next access; where
 * DP registers are reachable, clear them now as well. */
static int st_recover(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	a->q_rc = 0;
	if (a->st->flags & STLINK_F_DAP_REG)
		mpf_stlink_reg_write(a->st, STLINK_DP_PORT, 0x0, 0x1E, NULL);
	return MPF_OK;
}

static void st_q_ap(struct mpf_adiv5 *a, uint8_t ap, uint8_t reg, uint32_t *rd, uint32_t wv)
{
	struct mpf_buf e = MPF_BUF_INIT;
	int rc;

	if (a->q_rc < 0)
		return;
	if (rd)
		rc = mpf_stlink_reg_read(a->st, ap, reg, rd, &e);
	else
		rc = mpf_stlink_reg_write(a->st, ap, reg, wv, &e);
	latch(a, rc, &e);
}

/* poll(a, ctx, &v, err) reads once; spin until the value matches. */
static void spin(struct mpf_adiv5 *a, int (*rd)(struct mpf_adiv5 *, uint32_t, uint32_t *,
						  struct mpf_buf *),
		 uint32_t where, uint32_t mask, uint32_t match)
{
	int64_t deadline = mpf_now_ms() + POLL_MS;
	struct mpf_buf e = MPF_BUF_INIT;
	uint32_t v = 0;
	int rc;

	if (a->q_rc < 0)
		return;
	while ((rc = rd(a, where, &v, &e)) >= 0 && (v & mask) != match) {
		if (mpf_now_ms() > deadline) {
			rc = mpf_errf(&e, MPF_ERR_MISMATCH, "0x%08x still reads 0x%08x after %d ms "
				      "(waiting for 0x%08x under mask 0x%08x)", where, v, POLL_MS,
				      match, mask);
			break;
		}
	}
	latch(a, rc, &e);
}

/* where: AP number << 8 | register */
static int ap_reg_read(struct mpf_adiv5 *a, uint32_t where, uint32_t *v, struct mpf_buf *err)
{
	return mpf_stlink_reg_read(a->st, (uint16_t)(where >> 8), where & 0xFF, v, err);
}

static int mem_read32(struct mpf_adiv5 *a, uint32_t addr, uint32_t *v, struct mpf_buf *err)
{
	uint8_t b[4];
	int rc = mpf_stlink_read(a->st, a->ap, addr, b, 4, 4, err);

	*v = b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return rc;
}

static void st_q_ap_poll(struct mpf_adiv5 *a, uint8_t ap, uint8_t reg, uint32_t mask,
			 uint32_t match)
{
	spin(a, ap_reg_read, (uint32_t)ap << 8 | reg, mask, match);
}

static void st_q_poll32(struct mpf_adiv5 *a, uint32_t addr, uint32_t mask, uint32_t match)
{
	spin(a, mem_read32, addr, mask, match);
}

/* Words travel as little-endian bytes, a window's worth at a time. */
static void st_q_mem(struct mpf_adiv5 *a, uint32_t addr, uint32_t *words, uint32_t n, int rd)
{
	struct mpf_buf e = MPF_BUF_INIT;
	uint8_t b[1024];
	int rc = MPF_OK;
	uint32_t i, k;

	if (a->q_rc < 0)
		return;
	for (; rc >= 0 && n; n -= k, words += k, addr += 4 * k) {
		k = n < sizeof(b) / 4 ? n : sizeof(b) / 4;
		for (i = 0; !rd && i < k; i++) {
			b[4 * i] = words[i];
			b[4 * i + 1] = words[i] >> 8;
			b[4 * i + 2] = words[i] >> 16;
			b[4 * i + 3] = words[i] >> 24;
		}
		if (!rd) {
			rc = mpf_stlink_write(a->st, a->ap, addr, b, 4 * k, 4, &e);
			continue;
		}
		rc = mpf_stlink_read(a->st, a->ap, addr, b, 4 * k, 4, &e);
		for (i = 0; rc >= 0 && i < k; i++)
			words[i] = b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
				   (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
	}
	latch(a, rc, &e);
}

/* The 16-bit memory command (firmware V2 J26 and later, every V3); older
 * firmware is refused by the probe layer with its version. */
static void st_q_write16(struct mpf_adiv5 *a, uint32_t addr, uint16_t v)
{
	struct mpf_buf e = MPF_BUF_INIT;
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	if (a->q_rc < 0)
		return;
	latch(a, mpf_stlink_write(a->st, a->ap, addr, b, 2, 2, &e), &e);
}

/* A CMSIS-DAP probe sets CSW itself; an ST-LINK's firmware must have the
 * command: an empty write asks the probe layer's own check. */
int mpf_adiv5_mem16(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	return a->st ? mpf_stlink_write(a->st, a->ap, 0, NULL, 0, 2, err) : MPF_OK;
}

static int st_run(struct mpf_adiv5 *a, struct mpf_buf *err)
{
	int rc = a->q_rc;

	a->q_rc = 0;
	if (rc < 0)
		mpf_errf(err, rc, "%s", a->q_msg);
	return rc;
}

static int st_nreset(struct mpf_adiv5 *a, int level, struct mpf_buf *err)
{
	int rc = mpf_stlink_nrst(a->st, level, err);

	if (rc >= 0 && level)
		mpf_sleep_ms(1);
	return rc;
}

static void st_disconnect(struct mpf_adiv5 *a)
{
	mpf_stlink_exit(a->st, NULL);
}

static const struct mpf_adiv5_ops stlink_ops = {
	.name = "ST-LINK",
	.setup = st_setup,
	.connect = st_connect,
	.recover = st_recover,
	.q_ap = st_q_ap,
	.q_ap_poll = st_q_ap_poll,
	.q_mem = st_q_mem,
	.q_poll32 = st_q_poll32,
	.q_write16 = st_q_write16,
	.run = st_run,
	.nreset = st_nreset,
	.disconnect = st_disconnect,
};

void mpf_adiv5_init_stlink(struct mpf_adiv5 *a, struct mpf_stlink *st)
{
	mpf_adiv5_init_ops(a, &stlink_ops);
	a->st = st;
}
