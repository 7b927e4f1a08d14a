/* image.c - firmware images from .bin, .hex and .elf files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"
#include "err.h"
#include "fsutil.h"
#include "ihex.h"
#include "image.h"

static void add(struct mpf_image *img, uint32_t addr, const uint8_t *data, size_t len)
{
	struct mpf_image_seg *s;

	img->seg = mpf_xrealloc(img->seg, (img->n + 1) * sizeof(*img->seg));
	s = &img->seg[img->n++];
	s->addr = addr;
	s->len = len;
	s->data = mpf_xmalloc(len ? len : 1);
	memcpy(s->data, data, len);
}

static int cmp_seg(const void *a, const void *b)
{
	const struct mpf_image_seg *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int load_elf(const uint8_t *buf, size_t len, struct mpf_image *img, struct mpf_buf *err)
{
	struct mpf_elf_seg segs[64];
	int n = mpf_elf_segments(buf, len, segs, 64, err), i;

	for (i = 0; i < n; i++)
		add(img, segs[i].paddr, buf + segs[i].offset, segs[i].size);
	qsort(img->seg, img->n, sizeof(*img->seg), cmp_seg);
	for (i = 1; i < n; i++)
		if ((uint64_t)img->seg[i - 1].addr + img->seg[i - 1].len > img->seg[i].addr)
			return mpf_errf(err, MPF_ERR_FORMAT, "ELF segments overlap at 0x%08x",
					img->seg[i].addr);
	return n < 0 ? n : MPF_OK;
}

static int load_hex(const uint8_t *buf, size_t len, struct mpf_image *img, struct mpf_buf *err)
{
	struct mpf_ihex h;
	size_t i;
	int rc = mpf_ihex_parse((const char *)buf, len, &h, err);

	if (rc < 0)
		return rc;
	for (i = 0; i < h.n; i++)
		add(img, h.seg[i].addr, h.seg[i].data, h.seg[i].len);
	mpf_ihex_release(&h);
	return MPF_OK;
}

static int is_hex(const uint8_t *buf, size_t len)
{
	size_t i = 0;

	while (i < len && (buf[i] == ' ' || buf[i] == '\r' || buf[i] == '\n' || buf[i] == '\t'))
		i++;
	return i < len && buf[i] == ':';
}

int mpf_image_load(const char *path, uint32_t bin_addr, int have_addr, struct mpf_image *img,
		   struct mpf_buf *err)
{
	struct mpf_buf file = MPF_BUF_INIT;
	uint8_t *buf;
	size_t len;
	int rc;

	memset(img, 0, sizeof(*img));
	if ((rc = mpf_load_file(path, MPF_FIRMWARE_MAX, &file, err)) < 0) {
		mpf_buf_release(&file);
		return rc;
	}
	len = file.len;
	buf = (uint8_t *)mpf_buf_detach(&file);
	if (mpf_elf_is(buf, len)) {
		img->format = "elf";
		rc = load_elf(buf, len, img, err);
	} else if (is_hex(buf, len)) {
		img->format = "hex";
		rc = load_hex(buf, len, img, err);
	} else if (!len) {
		rc = mpf_errf(err, MPF_ERR_FORMAT, "%s is empty", path);
	} else if (!have_addr) {
		rc = mpf_errf(err, MPF_ERR_ARG, "%s is a raw binary: give its address with --address", path);
	} else if ((uint64_t)bin_addr + len > 0x100000000ull) {
		rc = mpf_errf(err, MPF_ERR_ARG, "%s does not fit above 0x%08x", path, bin_addr);
	} else {
		img->format = "bin";
		add(img, bin_addr, buf, len);
	}
	free(buf);
	if (rc < 0) {
		char *m = err ? mpf_buf_detach(err) : NULL;

		if (err)
			mpf_buf_addf(err, "%s: %s", path, m ? m : "bad image");
		free(m);
		mpf_image_release(img);
	}
	return rc;
}

void mpf_image_release(struct mpf_image *img)
{
	size_t i;

	for (i = 0; i < img->n; i++)
		free(img->seg[i].data);
	free(img->seg);
	img->seg = NULL;
	img->n = 0;
}

size_t mpf_image_size(const struct mpf_image *img)
{
	size_t i, n = 0;

	for (i = 0; i < img->n; i++)
		n += img->seg[i].len;
	return n;
}
