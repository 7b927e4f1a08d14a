/* flash_algo.c - run our flash routines (algo/) on the target: load,
 * start, feed two buffers, CRC-32 verify, stop (flash_algo.h;
 * doc/protocols.md section 5.14; core registers through DCRSR/DCRDR,
 * ARMv7-M C1.6).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "cortex_m.h"
#include "dfu.h"
#include "err.h"
#include "flash_algo.h"
#include "log.h"

/* the mailbox layout, written once for both sides */
#include "../../algo/algo.h"

#if __has_include("swd_algo_images.h")
#include "swd_algo_images.h"
#else	/* built without the generated table (the fuzz build): no routines */
static const struct mpf_algo_image mpf_algo_images[] = { { .family = NULL } };
#endif

#define STACK		256u
#define TABLE		1024u
#define BUF_MAX		16384u	/* per buffer: a few packets' latency is noise beside it */
#define BUF_MIN		1024u
#define SLOT(g, i, f)	((g)->ctl + (uint32_t)(i) * sizeof(struct algo_slot) + \
			 offsetof(struct algo_slot, f))
#define XPSR_T		(1u << 24)

/* The CRC calculation unit of a family, and the RCC register and bit
 * that clock it: F2/F4/F7 (RM0090 4.4 and 7.3.10 RCC_AHB1ENR.CRCEN), H7
 * (RM0433 21.4 and 8.7.43 RCC_AHB4ENR.CRCEN). Other families compute the
 * CRC in software. */
struct crc_unit {
	uint32_t base, enr, bit;
};

static const struct crc_unit f4_crc = { 0x40023000, 0x40023830, 1u << 12 };
static const struct crc_unit h7_crc = { 0x58024C00, 0x580244E0, 1u << 19 };

/* What a flash driver's parts need of the routines where it is not the
 * plain case (the routine of the driver's name, its own busy bits, the
 * CRC in software): the WL and WB keep the L4 controller at 0x58004000
 * and add CPU2's suspension, PESD, to its busy bits (doc/protocols.md
 * 5.10). */
static const struct drv_algo {
	const char *drv, *routine;
	uint32_t busy;
	const struct crc_unit *crc;
} drv_algos[] = {
	{ "stm32f4", "stm32f4", 0, &f4_crc },
	{ "stm32h7", "stm32h7", 0, &h7_crc },
	{ "stm32wl", "stm32l4", 0xDu << 16, NULL },	/* BSY, CFGBSY, PESD */
	{ "stm32wb", "stm32l4", 0xDu << 16, NULL },
};

static const struct drv_algo *drv_algo(const struct mpf_target *t)
{
	size_t i;

	for (i = 0; i < sizeof(drv_algos) / sizeof(drv_algos[0]); i++)
		if (!strcmp(drv_algos[i].drv, t->drv->name))
			return &drv_algos[i];
	return NULL;
}

static const char *routine_of(const struct mpf_target *t)
{
	const struct drv_algo *d = drv_algo(t);

	return d ? d->routine : t->drv->name;
}

/* What the CRC unit computes over data: 32-bit little-endian words fed
 * most significant bit first, polynomial 0x04C11DB7, all ones to start. */
static uint32_t crc_words(const uint8_t *p, size_t len)
{
	uint32_t t[256], crc = 0xFFFFFFFFu, c, i;
	size_t n;
	int k;

	for (i = 0; i < 256; i++) {
		for (c = i << 24, k = 0; k < 8; k++)
			c = c & 0x80000000u ? c << 1 ^ 0x04C11DB7u : c << 1;
		t[i] = c;
	}
	for (n = 0; n + 4 <= len; n += 4)
		for (k = 3; k >= 0; k--)
			crc = crc << 8 ^ t[(crc >> 24 ^ p[n + k]) & 0xFF];
	return crc;
}

static uint32_t round_up(uint32_t v, uint32_t to)
{
	return (v + to - 1) / to * to;
}

/* Bytes below the buffers: code, mailbox, CRC table, stack. */
static uint32_t fixed_size(const struct mpf_algo_image *img)
{
	return round_up(img->words * 4, 8) + round_up(sizeof(struct algo_ctl), 8) + TABLE + STACK;
}

/* Two buffers of whole KiB, at most BUF_MAX each. */
static uint32_t buf_size(const struct mpf_target *t, const struct mpf_algo_image *img)
{
	uint32_t fixed = fixed_size(img), b;

	if (t->ram_size <= fixed)
		return 0;
	b = (t->ram_size - fixed) / 2 / 1024 * 1024;
	return b > BUF_MAX ? BUF_MAX : b;
}

/* family's routine linked at t's RAM, when that RAM holds its code,
 * mailbox, table and stack */
static const struct mpf_algo_image *image_at(const char *family, const struct mpf_target *t)
{
	const struct mpf_algo_image *img;

	for (img = mpf_algo_images; img->family; img++)
		if (!strcmp(img->family, family) && img->entry == t->ram_base &&
		    t->ram_size >= fixed_size(img))
			return img;
	return NULL;
}

const struct mpf_algo_image *mpf_algo_find(const struct mpf_target *t)
{
	const struct mpf_algo_image *img;

	/* the routines know one register set per bank, in address order:
	 * swapped banks (H7 SWAP_BANK) and the F76x's two banks behind one
	 * register set go through the host's driver */
	if (t->swapped || (t->bank_size && !strcmp(t->drv->name, "stm32f4")))
		return NULL;
	img = image_at(routine_of(t), t);
	return img && buf_size(t, img) >= BUF_MIN ? img : NULL;
}

/* The verify alone needs no buffers. The routine without a controller
 * comes first; a family's own serves where that one is not linked at
 * the part's RAM (the H7's AXI SRAM). */
const struct mpf_algo_image *mpf_algo_find_crc(const struct mpf_target *t)
{
	const struct mpf_algo_image *img = image_at("crc", t);

	return img ? img : image_at(routine_of(t), t);
}

static int reg_write(struct mpf_adiv5 *a, unsigned reg, uint32_t v, struct mpf_buf *err)
{
	uint32_t last = 0;
	int rc;

	mpf_adiv5_q_write32(a, CM_DCRDR, v);
	mpf_adiv5_q_write32(a, CM_DCRSR, (1u << 16) | (reg & 0x7F));	/* REGWnR */
	if ((rc = mpf_adiv5_run(a, err)) < 0)
		return rc;
	rc = mpf_adiv5_wait32(a, CM_DHCSR, DHCSR_S_REGRDY, DHCSR_S_REGRDY, 100, &last, err);
	if (rc == MPF_ERR_TIMEOUT)
		return mpf_errf(err, rc, "core register %u not written (DHCSR 0x%08x)", reg, last);
	return rc;
}

static int load(struct mpf_algo *g, const struct mpf_algo_image *img, struct mpf_buf *err)
{
	const struct mpf_target *t = g->t;
	uint32_t ctl[sizeof(struct algo_ctl) / 4] = { 0 };
	struct algo_ctl *c = (struct algo_ctl *)ctl;

	g->ctl = t->ram_base + round_up(img->words * 4, 8);
	c->regs = t->regs;
	c->flash_base = t->flash_base;
	c->bank_size = t->bank_size;
	c->busy = drv_algo(t) ? drv_algo(t)->busy : 0;
	c->table = g->ctl + round_up(sizeof(struct algo_ctl), 8);
	if ((g->crc = drv_algo(t) ? drv_algo(t)->crc : NULL)) {
		c->crc_unit = g->crc->base;
		c->crc_enr = g->crc->enr;
		c->crc_bit = g->crc->bit;
	}
	g->buf_size = buf_size(t, img);
	g->buf[0] = t->ram_base + fixed_size(img);
	g->buf[1] = g->buf[0] + g->buf_size;
	mpf_adiv5_q_write(g->a, t->ram_base, (uint32_t *)img->code, img->words);
	mpf_adiv5_q_write(g->a, g->ctl, ctl, sizeof(ctl) / 4);
	return mpf_adiv5_run(g->a, err);
}

int mpf_algo_start(struct mpf_algo *g, struct mpf_adiv5 *a, const struct mpf_target *t,
		   const struct mpf_algo_image *img, struct mpf_buf *err)
{
	uint32_t stack;
	int rc;

	memset(g, 0, sizeof(*g));
	g->a = a;
	g->t = t;
	if ((rc = mpf_adiv5_write32(a, CM_DHCSR, DHCSR_KEY | DHCSR_C_DEBUGEN | DHCSR_C_HALT,
				    err)) < 0 ||
	    (rc = mpf_adiv5_wait32(a, CM_DHCSR, DHCSR_S_HALT, DHCSR_S_HALT, 500, NULL, err)) < 0 ||
	    (rc = load(g, img, err)) < 0)
		return rc;
	stack = g->buf[0] & ~7u;	/* the stack grows down from the first buffer */
	if ((rc = reg_write(a, 0, g->ctl, err)) < 0 || (rc = reg_write(a, 13, stack, err)) < 0 ||
	    (rc = reg_write(a, 14, img->entry | 1, err)) < 0 ||
	    (rc = reg_write(a, 15, img->entry, err)) < 0 || (rc = reg_write(a, 16, XPSR_T, err)) < 0)
		return rc;
	/* run with interrupts masked: nothing of the application may interfere */
	return mpf_adiv5_write32(a, CM_DHCSR, DHCSR_KEY | DHCSR_C_DEBUGEN | DHCSR_C_MASKINTS, err);
}

/* Wait until slot i is free again and take what its command left. */
static int slot_wait(struct mpf_algo *g, unsigned i, unsigned ms, uint32_t *result,
		     struct mpf_buf *err)
{
	uint32_t cmd = 0, status = 0, dhcsr = 0;
	int rc;

	if (!g->busy[i])
		return MPF_OK;
	rc = mpf_adiv5_wait32(g->a, SLOT(g, i, cmd), ~0u, ALGO_IDLE, ms, &cmd, err);
	if (rc == MPF_ERR_TIMEOUT) {
		mpf_adiv5_read32(g->a, CM_DHCSR, &dhcsr, NULL);
		return mpf_errf(err, rc, "the flash routine did not finish at 0x%08x within %u ms "
				"(%s, DHCSR 0x%08x)", g->slot_addr[i], ms,
				dhcsr & DHCSR_S_HALT ? "core halted" : "core running", dhcsr);
	}
	if (rc < 0)
		return rc;
	g->busy[i] = 0;
	mpf_adiv5_q_read32(g->a, SLOT(g, i, status), &status);
	if (result)
		mpf_adiv5_q_read32(g->a, SLOT(g, i, result), result);
	if ((rc = mpf_adiv5_run(g->a, err)) < 0)
		return rc;
	if (status)
		return mpf_errf(err, MPF_ERR_FAIL, "the flash routine failed at 0x%08x: flash "
				"status 0x%08x", g->slot_addr[i], status);
	return MPF_OK;
}

/* Time for a command over len bytes: the slowest controller here takes
 * 10 us a byte (nRF52, 41 us a word), a CRC far less; ten times that. */
static unsigned slot_ms(uint32_t len)
{
	return 1000 + len / 10;
}

/* Put a command into the next slot (waiting until it is free). */
static int post(struct mpf_algo *g, uint32_t cmd, uint32_t addr, uint32_t len,
		const uint8_t *data, struct mpf_buf *err)
{
	unsigned i = g->next;
	uint32_t s[4] = { cmd, addr, len, g->buf[i] }, *w = NULL;
	int rc = slot_wait(g, i, slot_ms(g->buf_size), NULL, err);

	if (rc < 0)
		return rc;
	if (data) {	/* queued by reference: w lives until the run */
		w = mpf_xmalloc(round_up(len, 4));
		memset(w, 0xFF, round_up(len, 4));
		memcpy(w, data, len);
		mpf_adiv5_q_write(g->a, g->buf[i], w, round_up(len, 4) / 4);
	}
	/* the command word last: the routine starts when it changes */
	mpf_adiv5_q_write(g->a, SLOT(g, i, addr), s + 1, 3);
	mpf_adiv5_q_write32(g->a, SLOT(g, i, cmd), cmd);
	rc = mpf_adiv5_run(g->a, err);
	free(w);
	if (rc < 0)
		return rc;
	g->busy[i] = 1;
	g->slot_addr[i] = addr;
	g->next = i ^ 1;
	return MPF_OK;
}

/* Every command done: MPF_OK or the first one's failure. */
static int drain(struct mpf_algo *g, struct mpf_buf *err)
{
	int rc = slot_wait(g, g->next, slot_ms(g->buf_size), NULL, err);

	if (rc >= 0)
		rc = slot_wait(g, g->next ^ 1, slot_ms(g->buf_size), NULL, err);
	return rc;
}

/* A chunk never crosses into bank 2: each bank has its own registers. */
static uint32_t chunk(const struct mpf_algo *g, uint32_t addr, size_t left)
{
	const struct mpf_target *t = g->t;
	uint32_t n = left < g->buf_size ? (uint32_t)left : g->buf_size;
	uint32_t bank2 = t->flash_base + t->bank_size;

	if (t->bank_size && addr < bank2 && addr + n > bank2)
		n = bank2 - addr;
	return n;
}

int mpf_algo_program(struct mpf_algo *g, uint32_t addr, const uint8_t *data, size_t len,
		     mpf_flash_progress_fn fn, void *ctx, struct mpf_buf *err)
{
	size_t off = 0;
	int rc = MPF_OK;

	while (off < len && rc >= 0) {
		uint32_t n = chunk(g, addr + (uint32_t)off, len - off);

		if (fn)
			fn(ctx, "write", off, len);
		if (mpf_interrupted)
			rc = mpf_errf(err, MPF_ERR_INTR, "interrupted");
		else
			rc = post(g, ALGO_PROGRAM, addr + (uint32_t)off, n, data + off, err);
		off += n;
	}
	if (rc >= 0)
		rc = drain(g, err);
	if (rc >= 0 && fn)
		fn(ctx, "write", len, len);
	return rc;
}

int mpf_algo_verify(struct mpf_algo *g, uint32_t addr, const uint8_t *data, size_t len,
		    struct mpf_buf *err)
{
	uint32_t crc = 0, want = 0;
	int rc = drain(g, err);

	if (rc >= 0)
		rc = post(g, ALGO_CRC, addr, (uint32_t)len, NULL, err);
	/* while the target computes its own */
	want = g->crc ? crc_words(data, len) : mpf_dfu_crc32(data, len);
	if (rc >= 0)
		rc = slot_wait(g, g->next ^ 1, slot_ms((uint32_t)len), &crc, err);
	if (rc >= 0 && crc != want)
		rc = mpf_errf(err, MPF_ERR_MISMATCH, "verify failed: CRC-32 of 0x%08x..0x%08zx "
			      "on the target 0x%08x, of the image 0x%08x%s", addr, addr + len,
			      crc, want, g->crc ? " (the CRC unit's)" : "");
	return rc;
}

int mpf_algo_stop(struct mpf_algo *g, struct mpf_buf *err)
{
	int rc = drain(g, err);

	if (rc >= 0)
		rc = post(g, ALGO_EXIT, 0, 0, NULL, err);
	if (rc >= 0)
		rc = mpf_adiv5_wait32(g->a, CM_DHCSR, DHCSR_S_HALT, DHCSR_S_HALT, 500, NULL, err);
	if (rc == MPF_ERR_TIMEOUT)
		rc = mpf_errf(err, rc, "the flash routine did not stop at its breakpoint");
	return rc;
}
