/* swd_target.c - the target table and the flash flows shared by all
 * families: erase the touched sectors, program, verify, read.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "cortex_m.h"
#include "err.h"
#include "flash_algo.h"
#include "log.h"
#include "swd_target.h"

#define CHUNK 65536	/* bytes per program/verify step (progress granularity) */

const struct mpf_flash_driver *const mpf_flash_drivers[] = {
	&mpf_flash_nrf52, &mpf_flash_stm32f4, &mpf_flash_stm32l4, &mpf_flash_stm32h7,
	&mpf_flash_stm32l0, &mpf_flash_stm32f1, &mpf_flash_stm32h5, &mpf_flash_stm32u5,
	&mpf_flash_stm32wl, &mpf_flash_stm32wb, &mpf_flash_nrf51, &mpf_flash_nrf53,
	&mpf_flash_rp2040, &mpf_flash_rp2350, NULL,
};

const struct mpf_flash_driver *mpf_flash_driver_find(const char *name)
{
	size_t i;

	for (i = 0; mpf_flash_drivers[i]; i++)
		if (!strcmp(mpf_flash_drivers[i]->name, name))
			return mpf_flash_drivers[i];
	return NULL;
}

int mpf_target_detect(struct mpf_adiv5 *a, const struct mpf_flash_driver *drv,
		      struct mpf_target *t, struct mpf_buf *err)
{
	size_t i;
	int rc;

	for (i = 0; mpf_flash_drivers[i]; i++) {
		if (drv && drv != mpf_flash_drivers[i])
			continue;
		memset(t, 0, sizeof(*t));
		rc = mpf_flash_drivers[i]->detect(a, t, err);
		if (rc < 0 && rc != MPF_ERR_PROTO)
			return rc;
		if (rc == 1) {
			t->drv = mpf_flash_drivers[i];
			return MPF_OK;
		}
		if (rc == MPF_ERR_PROTO && drv)
			return rc;
	}
	if ((rc = mpf_stm32_refuse(a, drv != NULL, err)) < 0)
		return rc;
	return mpf_errf(err, MPF_ERR_NODEV, drv ? "the target is not a known %s part"
			: "unknown target: no flash driver recognises it%s",
			drv ? drv->name : " (try --target)");
}

/* F2/F4/F7: 4 small sectors, one of 4x, then 8x, per bank. */
static int f4_sector(const struct mpf_target *t, uint32_t off, uint32_t *start, uint32_t *size)
{
	uint32_t s = t->sector0, bank = 0;

	if (t->bank_size && off >= t->bank_size) {
		bank = t->bank_size;
		off -= bank;
	}
	if (off < 4 * s) {
		*start = off / s * s;
		*size = s;
	} else if (off < 8 * s) {
		*start = 4 * s;
		*size = 4 * s;
	} else {
		*start = 8 * s + (off - 8 * s) / (8 * s) * (8 * s);
		*size = 8 * s;
	}
	*start += bank;
	return 0;
}

int mpf_target_sector(const struct mpf_target *t, uint32_t addr, uint32_t *start, uint32_t *size)
{
	uint32_t off = addr - t->flash_base;

	if (addr < t->flash_base || off >= t->flash_size)
		return -1;
	if (!t->page) {
		f4_sector(t, off, start, size);
	} else {
		*start = off / t->page * t->page;
		*size = t->page;
	}
	*start += t->flash_base;
	return 0;
}

int mpf_target_matches_cpu(const struct mpf_target *t, const char *cpu)
{
	const char *p = t->cpus;

	while (p && *p) {
		size_t n = strcspn(p, ",");

		if (n && strlen(cpu) >= n && !strncasecmp(cpu, p, n))
			return 1;
		p += n + (p[n] == ',');
	}
	return 0;
}

/* A signal stops long operations between steps; the flash controller is
 * relocked on the way out like on any other error. */
static int stopped(struct mpf_buf *err)
{
	return mpf_interrupted ? mpf_errf(err, MPF_ERR_INTR, "interrupted") : MPF_OK;
}

int mpf_target_wait(struct mpf_adiv5 *a, uint32_t reg, uint32_t mask, uint32_t want,
		    unsigned ms, const char *what, uint32_t *last, struct mpf_buf *err)
{
	uint32_t v = 0;
	int rc = mpf_adiv5_wait32(a, reg, mask, want, ms, &v, err);

	if (last)
		*last = v;
	if (rc == MPF_ERR_TIMEOUT)
		return mpf_errf(err, rc, "%s did not finish within %u ms (register 0x%08x reads "
				"0x%08x)", what, ms, reg, v);
	return rc;
}

static void report(mpf_flash_progress_fn fn, void *ctx, const char *phase, uint64_t done,
		   uint64_t total)
{
	if (fn)
		fn(ctx, phase, done, total);
}

static int check_range(const struct mpf_target *t, uint32_t addr, size_t len, struct mpf_buf *err)
{
	uint64_t end = (uint64_t)addr + len, fend = (uint64_t)t->flash_base + t->flash_size;

	if (!len)
		return mpf_errf(err, MPF_ERR_ARG, "nothing to write");
	if (addr < t->flash_base || end > fend)
		return mpf_errf(err, MPF_ERR_ARG, "0x%08x..0x%08llx is outside the flash of %s "
				"(0x%08x..0x%08llx)", addr, (unsigned long long)end, t->name,
				t->flash_base, (unsigned long long)fend);
	return MPF_OK;
}

int mpf_flash_erase(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		    size_t len, mpf_flash_progress_fn fn, void *ctx, struct mpf_buf *err)
{
	uint64_t end = (uint64_t)addr + len, pos = addr;
	uint32_t start, size;
	int rc;

	if ((rc = check_range(t, addr, len, err)) < 0 || (rc = t->drv->unlock(a, t, err)) < 0)
		return rc;
	while (pos < end && (rc = stopped(err)) >= 0) {
		mpf_target_sector(t, (uint32_t)pos, &start, &size);
		report(fn, ctx, "erase", pos - addr, len);
		if ((rc = t->drv->erase(a, t, start, err)) < 0)
			break;
		pos = (uint64_t)start + size;
	}
	if (rc >= 0)
		report(fn, ctx, "erase", len, len);
	t->drv->lock(a, t, NULL);
	return rc;
}

static void to_words(uint32_t *w, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, p += 4)
		w[i] = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int program(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		   const uint8_t *img, size_t len, mpf_flash_progress_fn fn, void *ctx,
		   struct mpf_buf *err)
{
	uint32_t *w = mpf_xmalloc(CHUNK);
	size_t off = 0;
	int rc = MPF_OK;

	while (off < len && rc >= 0) {
		uint32_t start, size, n;

		mpf_target_sector(t, addr + off, &start, &size);
		n = start + size - (addr + off);	/* never cross a sector (or bank) */
		if (n > CHUNK)
			n = CHUNK;
		if (n > len - off)
			n = len - off;
		to_words(w, img + off, n / 4);
		report(fn, ctx, "write", off, len);
		if ((rc = stopped(err)) >= 0)
			rc = t->drv->program(a, t, addr + off, w, n / 4, err);
		off += n;
	}
	if (rc >= 0)
		report(fn, ctx, "write", len, len);
	free(w);
	return rc;
}

/* Segments become blocks of whole programming units, merged where they
 * share or touch a unit (gaps filled with the erased value), so no unit is
 * programmed twice. */
struct block {
	uint32_t addr;
	uint8_t *data;
	size_t len;
};

static size_t make_blocks(const struct mpf_target *t, const struct mpf_image *img,
			  struct block **out)
{
	struct block *b = NULL;
	size_t n = 0, i;
	uint32_t u = t->unit;
	int fill = t->erased_zero ? 0x00 : 0xFF;

	for (i = 0; i < img->n; i++) {
		const struct mpf_image_seg *s = &img->seg[i];
		uint64_t start = s->addr & ~(uint64_t)(u - 1);
		uint64_t end = ((uint64_t)s->addr + s->len + u - 1) & ~(uint64_t)(u - 1);

		if (!s->len)
			continue;
		if (n && start <= b[n - 1].addr + b[n - 1].len) {
			struct block *l = &b[n - 1];
			size_t nl = end > l->addr + l->len ? (size_t)(end - l->addr) : l->len;

			l->data = mpf_xrealloc(l->data, nl);
			memset(l->data + l->len, fill, nl - l->len);
			l->len = nl;
		} else {
			b = mpf_xrealloc(b, (n + 1) * sizeof(*b));
			b[n].addr = (uint32_t)start;
			b[n].len = (size_t)(end - start);
			b[n].data = mpf_xmalloc(b[n].len);
			memset(b[n].data, fill, b[n].len);
			n++;
		}
		memcpy(b[n - 1].data + (s->addr - b[n - 1].addr), s->data, s->len);
	}
	*out = b;
	return n;
}

/* A driver with erase_range erases each block's sectors in one call, the
 * sectors shared with the block before it left out. */
static int erase_ranges(struct mpf_adiv5 *a, const struct mpf_target *t, const struct block *b,
			size_t n, mpf_flash_progress_fn fn, void *ctx, struct mpf_buf *err)
{
	uint64_t erased_to = 0;
	uint32_t first, last, size;
	size_t i;
	int rc = MPF_OK;

	for (i = 0; i < n && rc >= 0 && (rc = stopped(err)) >= 0; i++) {
		mpf_target_sector(t, b[i].addr, &first, &size);
		mpf_target_sector(t, (uint32_t)(b[i].addr + b[i].len - 1), &last, &size);
		if (first < erased_to)
			first = (uint32_t)erased_to;
		erased_to = (uint64_t)last + size;
		report(fn, ctx, "erase", i, n);
		if (first < erased_to)
			rc = t->drv->erase_range(a, t, first, (uint32_t)(erased_to - first), err);
	}
	if (rc >= 0)
		report(fn, ctx, "erase", n, n);
	return rc;
}

/* Bank k of t: [*start, *end); the whole flash is bank 0 of a single-bank part. */
static unsigned bank_range(const struct mpf_target *t, unsigned k, uint64_t *start, uint64_t *end)
{
	uint32_t size = t->bank_size ? t->bank_size : t->flash_size;

	*start = t->flash_base + (uint64_t)k * size;
	*end = *start + size;
	return t->bank_size ? 2 : 1;
}

/* 1 when a block touches every sector of bank k. */
static int bank_touched(const struct mpf_target *t, const struct block *b, size_t n, unsigned k)
{
	uint64_t pos, end;
	uint32_t s, size;
	size_t i;

	bank_range(t, k, &pos, &end);
	for (; pos < end; pos = (uint64_t)s + size) {
		mpf_target_sector(t, (uint32_t)pos, &s, &size);
		for (i = 0; i < n && !(b[i].addr < (uint64_t)s + size && b[i].addr + b[i].len > s); i++)
			;
		if (i == n)
			return 0;
	}
	return 1;
}

/* The largest unit that fits: a bank whose every sector the image touches
 * is erased at once (where the controller can), in a fraction of the time
 * its sectors one by one take. erased[k]: bank k is done. */
static int erase_banks(struct mpf_adiv5 *a, const struct mpf_target *t, const struct block *b,
		       size_t n, int *erased, struct mpf_buf *err)
{
	uint64_t start, end;
	unsigned k, banks = bank_range(t, 0, &start, &end);
	int rc = MPF_OK;

	for (k = 0; k < banks && rc >= 0; k++)
		if (t->drv->bank_erase && bank_touched(t, b, n, k) && (rc = stopped(err)) >= 0) {
			rc = t->drv->bank_erase(a, t, k, err);
			erased[k] = rc >= 0;
		}
	return rc;
}

static int erase_blocks(struct mpf_adiv5 *a, const struct mpf_target *t, const struct block *b,
			size_t n, mpf_flash_progress_fn fn, void *ctx, struct mpf_buf *err)
{
	uint64_t erased_to = 0, total = 0, done = 0;
	uint32_t start, size;
	size_t i;
	int erased[2] = { 0, 0 }, rc;

	for (i = 0; i < n; i++)
		total += b[i].len;
	report(fn, ctx, "erase", 0, total);
	rc = erase_banks(a, t, b, n, erased, err);
	for (i = 0; i < n && rc >= 0; i++) {
		uint64_t pos = b[i].addr, end = (uint64_t)b[i].addr + b[i].len;

		while (pos < end && rc >= 0 && (rc = stopped(err)) >= 0) {
			mpf_target_sector(t, (uint32_t)pos, &start, &size);
			if ((uint64_t)start + size > erased_to &&
			    !erased[t->bank_size && start - t->flash_base >= t->bank_size]) {
				report(fn, ctx, "erase", done, total);
				rc = t->drv->erase(a, t, start, err);
				erased_to = (uint64_t)start + size;
			}
			done += ((uint64_t)start + size < end ? (uint64_t)start + size : end) - pos;
			pos = (uint64_t)start + size;
		}
	}
	if (rc >= 0)
		report(fn, ctx, "erase", total, total);
	return rc;
}

/* Compare memory with data; MPF_ERR_MISMATCH names the first difference. */
static int mpf_flash_verify(struct mpf_adiv5 *a, uint32_t addr, const uint8_t *data, size_t len,
			    mpf_flash_progress_fn fn, void *ctx, struct mpf_buf *err)
{
	uint8_t *buf = mpf_xmalloc(len);
	int rc = MPF_OK;
	size_t i, off;

	for (off = 0; off < len && rc >= 0; off += CHUNK) {
		size_t n = len - off < CHUNK ? len - off : CHUNK;

		report(fn, ctx, "verify", off, len);
		rc = mpf_mem_read(a, addr + off, buf + off, n, NULL, NULL, err);
	}
	for (i = 0; rc >= 0 && i < len; i++)
		if (buf[i] != data[i]) {
			rc = mpf_errf(err, MPF_ERR_MISMATCH, "verify failed at 0x%08zx: "
				      "wrote 0x%02x, read back 0x%02x", addr + i, data[i], buf[i]);
		}
	if (rc >= 0)
		report(fn, ctx, "verify", len, len);
	free(buf);
	return rc;
}

/* A block whose CRC on the target differs is read back, so that the error
 * names its first wrong byte as a read-back verify does. Where every
 * byte reads as the image, the CRC's own error stands, saying so. */
static int locate(struct mpf_adiv5 *a, const struct block *b, mpf_flash_progress_fn fn,
		  void *ctx, struct mpf_buf *err)
{
	struct mpf_buf why = MPF_BUF_INIT;
	int rc = mpf_flash_verify(a, b->addr, b->data, b->len, fn, ctx, &why);

	if (rc < 0) {
		mpf_errf(err, rc, "%s", mpf_buf_str(&why));
	} else {
		rc = MPF_ERR_MISMATCH;
		if (err)
			mpf_buf_addstr(err, "; read back, every byte equals the image: the "
				       "routine or its RAM is at fault");
	}
	mpf_buf_release(&why);
	return rc;
}

/* Run our routine img in target RAM (doc/protocols.md section 5.14):
 * program the blocks through it when it is to program, then verify each
 * by CRC-32 on the target against the host's, nothing read back unless
 * they differ. */
static int algo_run(struct mpf_adiv5 *a, const struct mpf_target *t,
		    const struct mpf_algo_image *img, int programs, const struct block *b,
		    size_t n, mpf_flash_progress_fn fn, void *ctx, struct mpf_buf *err)
{
	struct mpf_algo g;
	size_t i;
	int rc = mpf_algo_start(&g, a, t, img, err);

	for (i = 0; i < n && rc >= 0 && programs; i++)
		rc = mpf_algo_program(&g, b[i].addr, b[i].data, b[i].len, fn, ctx, err);
	for (i = 0; i < n && rc >= 0; i++) {
		report(fn, ctx, "verify", 0, b[i].len);
		rc = mpf_algo_verify(&g, b[i].addr, b[i].data, b[i].len, err);
		if (rc == MPF_ERR_MISMATCH)
			rc = locate(a, &b[i], fn, ctx, err);
		else if (rc >= 0)
			report(fn, ctx, "verify", b[i].len, b[i].len);
	}
	if (rc >= 0)
		return mpf_algo_stop(&g, err);
	/* After a failure one write halts the core wherever it is: no
	 * half-loaded or stray routine runs, nor one still programming when
	 * the controller is relocked. A failed USB transfer too: the probe
	 * may well take the next command once its replies are read (see
	 * cmsis_dap.h); not when it is gone. */
	if (rc != MPF_ERR_NODEV)
		mpf_adiv5_write32(a, CM_DHCSR, DHCSR_KEY | DHCSR_C_DEBUGEN | DHCSR_C_HALT, NULL);
	return rc;
}

int mpf_flash_write_image(struct mpf_adiv5 *a, const struct mpf_target *t,
			  const struct mpf_image *img, struct mpf_flash_how *how,
			  mpf_flash_progress_fn fn, void *ctx, struct mpf_buf *err)
{
	int host = how && how->host_only;
	const struct mpf_algo_image *alg = host ? NULL : mpf_algo_find(t);
	const struct mpf_algo_image *crc = host || alg ? NULL : mpf_algo_find_crc(t);
	struct block *b;
	size_t n = make_blocks(t, img, &b), i;
	int rc = n ? MPF_OK : mpf_errf(err, MPF_ERR_ARG, "nothing to write"), lrc;

	if (how) {
		how->algorithm = alg != NULL;
		how->crc = alg || crc;
	}
	for (i = 0; i < n && rc >= 0; i++)
		rc = check_range(t, b[i].addr, b[i].len, err);
	if (rc >= 0)
		rc = t->drv->unlock(a, t, err);
	if (rc >= 0)
		rc = (t->drv->erase_range ? erase_ranges : erase_blocks)(a, t, b, n, fn, ctx, err);
	if (rc >= 0 && alg)
		rc = algo_run(a, t, alg, 1, b, n, fn, ctx, err);
	for (i = 0; i < n && rc >= 0 && !alg; i++)
		rc = program(a, t, b[i].addr, b[i].data, b[i].len, fn, ctx, err);
	/* what the host programmed is checked once the part reads its flash
	 * again (the RP2040's lock puts the flash back in XIP mode; where that
	 * fails, nothing reads it): by a CRC on the target where RAM holds the
	 * routine, else read back */
	lrc = t->drv->lock(a, t, rc < 0 ? NULL : err);
	if (rc >= 0)
		rc = lrc;
	if (rc >= 0 && crc)
		rc = algo_run(a, t, crc, 0, b, n, fn, ctx, err);
	for (i = 0; i < n && rc >= 0 && !alg && !crc; i++)
		rc = mpf_flash_verify(a, b[i].addr, b[i].data, b[i].len, fn, ctx, err);
	for (i = 0; i < n; i++)
		free(b[i].data);
	free(b);
	return rc;
}

int mpf_flash_write(struct mpf_adiv5 *a, const struct mpf_target *t, uint32_t addr,
		    const uint8_t *data, size_t len, struct mpf_flash_how *how,
		    mpf_flash_progress_fn fn, void *ctx, struct mpf_buf *err)
{
	struct mpf_image_seg seg = { addr, (uint8_t *)data, len };
	struct mpf_image img = { .seg = &seg, .n = 1, .format = "bin" };

	return mpf_flash_write_image(a, t, &img, how, fn, ctx, err);
}

int mpf_mem_read(struct mpf_adiv5 *a, uint32_t addr, uint8_t *out, size_t len,
		 mpf_flash_progress_fn fn, void *ctx, struct mpf_buf *err)
{
	uint32_t *w = mpf_xmalloc(CHUNK + 8);
	size_t done = 0;
	int rc = MPF_OK;

	while (done < len && rc >= 0) {
		uint32_t at = (uint32_t)(addr + done), base = at & ~3u, skip = at - base, i;
		size_t n = len - done < CHUNK ? len - done : CHUNK;
		uint32_t words = (skip + n + 3) / 4;

		report(fn, ctx, "read", done, len);
		if ((rc = stopped(err)) >= 0)
			rc = mpf_adiv5_read(a, base, w, words, err);
		for (i = 0; rc >= 0 && i < n; i++)
			out[done + i] = w[(skip + i) / 4] >> (8 * ((skip + i) % 4));
		done += n;
	}
	if (rc >= 0)
		report(fn, ctx, "read", len, len);
	free(w);
	return rc;
}
