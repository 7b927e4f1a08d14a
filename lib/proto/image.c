/* image.c - firmware files recognised by content, as segments (image.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dfuse.h"
#include "elf.h"
#include "err.h"
#include "esp_chip.h"
#include "esp_image.h"
#include "fsutil.h"
#include "ihex.h"
#include "image.h"
#include "uf2.h"

static void add(struct mpf_image *img, uint8_t alt, uint32_t addr, const uint8_t *data,
		size_t len)
{
	struct mpf_image_seg *s;

	img->seg = mpf_xrealloc(img->seg, (img->n + 1) * sizeof(*img->seg));
	s = &img->seg[img->n++];
	s->addr = addr;
	s->alt = alt;
	s->len = len;
	s->data = mpf_xmalloc(len ? len : 1);
	memcpy(s->data, data, len);
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static int cmp_seg(const void *a, const void *b)
{
	const struct mpf_image_seg *x = a, *y = b;

	if (x->alt != y->alt)
		return x->alt < y->alt ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Sort, join what touches (UF2 blocks, HEX runs), refuse what overlaps. */
static int settle(struct mpf_image *img, struct mpf_buf *err)
{
	size_t i, k = 0;

	if (!img->n)	/* a UF2 file with only not-main-flash blocks */
		return img->fmt == MPF_IMAGE_UF2 || img->fmt == MPF_IMAGE_UF2_FILES ? MPF_OK :
			mpf_errf(err, MPF_ERR_FORMAT, "no data in the file");
	qsort(img->seg, img->n, sizeof(*img->seg), cmp_seg);
	for (i = 0; i < img->n; i++) {
		struct mpf_image_seg *p = k ? &img->seg[k - 1] : NULL, *s = &img->seg[i];
		uint64_t end = p ? (uint64_t)p->addr + p->len : 0;

		if ((uint64_t)s->addr + s->len > 0x100000000ull)
			return mpf_errf(err, MPF_ERR_FORMAT, "%zu bytes at 0x%08x run past 4 GiB",
					s->len, s->addr);
		if (p && p->alt == s->alt && end > s->addr)
			return mpf_errf(err, MPF_ERR_FORMAT, "data for 0x%08x is given twice "
					"(overlapping segments)", s->addr);
		if (p && p->alt == s->alt && end == s->addr) {
			p->data = mpf_xrealloc(p->data, p->len + s->len);
			memcpy(p->data + p->len, s->data, s->len);
			p->len += s->len;
			free(s->data);
		} else {
			img->seg[k++] = *s;
		}
	}
	img->n = k;
	return MPF_OK;
}

/* ---- UF2 ---- */

static int is_uf2(const uint8_t *b, size_t len)
{
	return len >= MPF_UF2_BLOCK && get32(b) == MPF_UF2_MAGIC0 && get32(b + 4) == MPF_UF2_MAGIC1;
}

static uint8_t family_index(const struct mpf_image *img, const struct mpf_uf2_block *k)
{
	size_t i;

	for (i = 0; (k->flags & MPF_UF2_FAMILY_PRESENT) && i < img->nfamily; i++)
		if (img->family[i] == k->family)
			return (uint8_t)(i + 1);
	return 0;
}

static int load_uf2(const uint8_t *b, size_t len, uint32_t addr, struct mpf_image *img,
		    struct mpf_buf *err)
{
	struct mpf_buf why = MPF_BUF_INIT;
	struct mpf_uf2_summary s;
	struct mpf_uf2_block k;
	size_t i;
	int r;

	if (get32(b + 8) & MPF_UF2_FILE_CONTAINER) {
		img->fmt = MPF_IMAGE_UF2_FILES;
		return MPF_OK;
	}
	if ((r = mpf_uf2_validate(b, len, &s, &why)) < 0) {
		mpf_errf(err, r, "a damaged UF2 file: %s", mpf_buf_str(&why));
		mpf_buf_release(&why);
		return r;
	}
	for (i = 0; i < s.nparts && img->nfamily < 16; i++)
		if (s.parts[i].has_family)
			img->family[img->nfamily++] = s.parts[i].family;
	for (i = 0; i + MPF_UF2_BLOCK <= len; i += MPF_UF2_BLOCK) {
		if (mpf_uf2_block_decode(b + i, &k, NULL) < 0)
			continue;
		/* not main flash, or picotool's RP2350-E10 block (doc/protocols.md 3.3) */
		if ((k.flags & MPF_UF2_NOT_MAIN_FLASH) ||
		    ((k.flags & MPF_UF2_FAMILY_PRESENT) && k.family == MPF_UF2_RP2_ABSOLUTE &&
		     k.addr == MPF_UF2_E10_ADDR))
			continue;
		/* each family apart: a file may hold one image per family */
		add(img, family_index(img, &k), k.addr, k.data, k.size);
	}
	return MPF_OK;
}

/* ---- DfuSe and the DFU suffix and prefixes ---- */

/* A DfuSe file by its suffix (bcdDFU 0x011a, how dfu-util tells one) or
 * a prefix that is "DfuSe" in another case: corrupt, never raw. */
static int is_dfuse(const uint8_t *b, size_t len)
{
	struct mpf_dfu_suffix s;

	if (len >= 5 && !strncasecmp((const char *)b, "dfuse", 5))
		return 1;
	return mpf_dfu_suffix_parse(b, len, &s, NULL) == 1 && s.bcd_dfu == MPF_DFU_VERSION_DFUSE;
}

static int load_dfuse(const uint8_t *b, size_t len, uint32_t addr, struct mpf_image *img,
		      struct mpf_buf *err)
{
	struct mpf_dfuse_file f;
	size_t i, j;
	int r;

	if (!mpf_dfuse_file_is(b, len))
		return mpf_errf(err, MPF_ERR_FORMAT, "a damaged DfuSe file: its prefix signature is "
				"\"%.5s\", not \"DfuSe\"", len >= 5 ? (const char *)b : "");
	if ((r = mpf_dfuse_file_parse(b, len, &f, err)) < 0)
		return r;
	img->has_ids = 1;
	img->vid = f.vid;
	img->pid = f.pid;
	for (i = 0; i < f.n; i++)
		for (j = 0; j < f.t[i].n; j++)
			if (f.t[i].el[j].size)
				add(img, f.t[i].alt, f.t[i].el[j].addr, f.t[i].el[j].data,
				    f.t[i].el[j].size);
	mpf_dfuse_file_release(&f);
	return MPF_OK;
}

/* The prefixes dfu-util's dfu-prefix writes (doc/protocols.md 2.5).
 * dfu-util knows them by their first two bytes only; a raw image can
 * start with those (01 00 is a RISC-V c.nop), so the length field must
 * also agree with the file. */
static void find_prefix(const uint8_t *b, size_t body, struct mpf_image *img)
{
	if (body >= 8 && b[0] == 0x01 && b[1] == 0x00 && get32(b + 4) == body - 8) {
		img->prefix = "TI Stellaris";
		img->prefix_len = 8;
		img->prefix_addr = 1024u * (b[2] | b[3] << 8);
	} else if (body >= 16 && (b[0] & 0x3f) == 0x1a && (b[1] & 0x3f) == 0x3f) {
		size_t blocks = b[2] | b[3] << 8;

		if (blocks == (body - 16 + 511) / 512 || blocks == (body + 511) / 512) {
			img->prefix = "NXP LPC";
			img->prefix_len = 16;
		}
	}
}

static int load_raw(const uint8_t *b, size_t len, uint32_t addr, struct mpf_image *img,
		    struct mpf_buf *err)
{
	struct mpf_dfu_suffix s;
	int r = mpf_dfu_suffix_parse(b, len, &s, err);

	if (r < 0)
		return r;
	if (r > 0) {
		img->suffix_len = b[len - 5];
		img->has_ids = s.vid != 0xffff || s.pid != 0xffff;
		img->vid = s.vid;
		img->pid = s.pid;
	}
	find_prefix(b, len - img->suffix_len, img);
	len -= img->suffix_len + img->prefix_len;
	if (!len)
		return mpf_errf(err, MPF_ERR_FORMAT, "no data in the file");
	if ((uint64_t)addr + len > 0x100000000ull)
		return mpf_errf(err, MPF_ERR_ARG, "%zu bytes do not fit above 0x%08x", len, addr);
	add(img, 0, addr, b + img->prefix_len, len);
	return MPF_OK;
}

/* ---- ESP ---- */

/* A plausible header: esptool's magic, 1..16 segments, a known flash mode. */
static int is_esp(const uint8_t *b, size_t len)
{
	return len >= 24 && b[0] == MPF_ESP_IMAGE_MAGIC && b[1] >= 1 && b[1] <= 16 && b[2] <= 5;
}

/* The partition table (magic AA 50) at flash 0x8000: file offset 0x8000
 * for images that start at 0, 0x7000 for ESP32's, which start at 0x1000. */
static int has_partitions(const uint8_t *b, size_t len)
{
	static const size_t at[] = { 0x7000, 0x8000 };
	size_t i;

	for (i = 0; i < 2; i++)
		if (len > at[i] + 2 && b[at[i]] == 0xAA && b[at[i] + 1] == 0x50)
			return 1;
	return 0;
}

static int load_esp(const uint8_t *b, size_t len, uint32_t addr, struct mpf_image *img,
		    struct mpf_buf *err)
{
	struct mpf_esp_image h;

	if (mpf_esp_image_parse(b, len, 0, &h, NULL) == 0) {
		img->esp_chip = h.chip_id;
		img->esp_min_rev = h.min_rev_full;
		img->esp_max_rev = h.max_rev_full;
	} else if (mpf_esp_image_parse(b, len, 1, &h, NULL) == 0) {
		img->esp_8266 = 1;
	}
	img->esp_merged = has_partitions(b, len);
	if ((uint64_t)addr + len > 0x100000000ull)
		return mpf_errf(err, MPF_ERR_ARG, "%zu bytes do not fit above 0x%08x", len, addr);
	add(img, 0, addr, b, len);
	return MPF_OK;
}

/* ---- HEX and ELF ---- */

static int is_hex(const uint8_t *b, size_t len)
{
	size_t i = 0;

	while (i < len && (b[i] == ' ' || b[i] == '\r' || b[i] == '\n' || b[i] == '\t'))
		i++;
	if (i >= len || b[i] != ':')
		return 0;
	/* only text: a binary that starts with ':' is still a binary */
	for (i = 0; i < len && i < 4096; i++)
		if (b[i] >= 0x80 || !b[i])
			return 0;
	return 1;
}

static int load_hex(const uint8_t *b, size_t len, uint32_t addr, struct mpf_image *img,
		    struct mpf_buf *err)
{
	struct mpf_ihex h;
	size_t i;
	int r = mpf_ihex_parse((const char *)b, len, &h, err);

	if (r < 0)
		return r;
	for (i = 0; i < h.n; i++)
		add(img, 0, h.seg[i].addr, h.seg[i].data, h.seg[i].len);
	mpf_ihex_release(&h);
	return MPF_OK;
}

static int load_elf(const uint8_t *b, size_t len, uint32_t addr, struct mpf_image *img,
		    struct mpf_buf *err)
{
	struct mpf_elf_seg segs[64];
	int n = mpf_elf_segments(b, len, segs, 64, err), i;

	for (i = 0; i < n; i++)
		add(img, 0, segs[i].paddr, b + segs[i].offset, segs[i].size);
	return n < 0 ? n : MPF_OK;
}

/* ---- recognising ---- */

static int is_any(const uint8_t *b, size_t len)
{
	return 1;
}

/* Most specific first: a UF2 or DfuSe file could pass for raw. */
static const struct format {
	enum mpf_image_format fmt;
	const char *name;
	int (*is)(const uint8_t *b, size_t len);	/* NULL: set by another's load */
	int (*load)(const uint8_t *b, size_t len, uint32_t addr, struct mpf_image *img,
		    struct mpf_buf *err);
	const char *hint;	/* how a file of this format is meant to be used */
} formats[] = {
	{ MPF_IMAGE_UF2, "uf2", is_uf2, load_uf2,
	  "flash it with mpf-uf2, or take its payload out with mpf-uf2 extract" },
	{ MPF_IMAGE_UF2_FILES, "uf2", NULL, NULL,
	  "it holds files for a UF2 bootloader, not flash contents" },
	{ MPF_IMAGE_DFUSE, "dfu", is_dfuse, load_dfuse,
	  "flash it with mpf-dfu (or mpf-swd, which takes its elements)" },
	{ MPF_IMAGE_ELF, "elf", mpf_elf_is, load_elf,
	  "flash it with mpf-swd or mpf-dfu, or make a UF2 of it with mpf-uf2 convert" },
	{ MPF_IMAGE_HEX, "hex", is_hex, load_hex,
	  "flash it with mpf-swd or mpf-dfu, or make a UF2 of it with mpf-uf2 convert" },
	{ MPF_IMAGE_ESP, "esp", is_esp, load_esp, "flash it with mpf-esp" },
	{ MPF_IMAGE_BIN, "bin", is_any, load_raw,
	  "flash it at its address with mpf-swd, mpf-dfu or mpf-esp, or make a UF2 of it with "
	  "mpf-uf2 convert" },
};

static const struct format *format_of(enum mpf_image_format fmt)
{
	size_t i;

	for (i = 0; formats[i].fmt != fmt; i++)
		;
	return &formats[i];
}

static int recognise(const uint8_t *b, size_t len, uint32_t addr, struct mpf_image *img,
		     struct mpf_buf *err)
{
	const struct format *f;

	for (f = formats; !f->is || !f->is(b, len); f++)
		;
	img->fmt = f->fmt;
	return f->load(b, len, addr, img, err);
}

int mpf_image_parse(const uint8_t *buf, size_t len, uint32_t bin_addr, struct mpf_image *img,
		    struct mpf_buf *err)
{
	int rc;

	memset(img, 0, sizeof(*img));
	img->esp_chip = -1;
	if (!len)
		return mpf_errf(err, MPF_ERR_FORMAT, "the file is empty");
	rc = recognise(buf, len, bin_addr, img, err);
	img->format = format_of(img->fmt)->name;
	if (rc == MPF_OK)
		rc = settle(img, err);
	if (rc < 0)
		mpf_image_release(img);
	return rc;
}

int mpf_image_load(const char *path, uint32_t bin_addr, struct mpf_image *img,
		   struct mpf_buf *err)
{
	struct mpf_buf file = MPF_BUF_INIT, e = MPF_BUF_INIT;
	int rc;

	memset(img, 0, sizeof(*img));
	if ((rc = mpf_load_file(path, MPF_FIRMWARE_MAX, &file, err)) < 0) {
		mpf_buf_release(&file);
		return rc;
	}
	rc = mpf_image_parse((const uint8_t *)file.buf, file.len, bin_addr, img, &e);
	if (rc < 0)
		mpf_errf(err, rc, "%s: %s", path, mpf_buf_str(&e));
	mpf_buf_release(&e);
	mpf_buf_release(&file);
	return rc;
}

/* ---- refusing ---- */

/* "a UF2 file for RP2040 and RP2350_ARM_S", "a merged ESP32-S3 image" */
static void describe(const struct mpf_image *img, struct mpf_buf *out)
{
	const struct mpf_esp_chip *c = mpf_esp_chip_by_id(img->esp_chip);
	char name[16];
	size_t i;

	switch (img->fmt) {
	case MPF_IMAGE_UF2:
		mpf_buf_addstr(out, "a UF2 file");
		for (i = 0; i < img->nfamily; i++)
			mpf_buf_addf(out, "%s%s", i ? " and " : " for ",
				     mpf_uf2_family_name(img->family[i], name, sizeof(name)));
		break;
	case MPF_IMAGE_UF2_FILES:
		mpf_buf_addstr(out, "a UF2 file container");
		break;
	case MPF_IMAGE_ESP:
		mpf_buf_addf(out, "a%s %s image", img->esp_merged ? " merged" : "n",
			     c ? c->name : img->esp_8266 ? "ESP8266" : "Espressif");
		break;
	case MPF_IMAGE_DFUSE:
		mpf_buf_addstr(out, "a DfuSe file");
		break;
	case MPF_IMAGE_HEX:
		mpf_buf_addstr(out, "an Intel HEX file");
		break;
	case MPF_IMAGE_ELF:
		mpf_buf_addstr(out, "an ELF file");
		break;
	default:
		mpf_buf_addstr(out, "a raw binary");
	}
}

int mpf_image_accept(const struct mpf_image *img, const char *path, unsigned takes,
		     struct mpf_buf *err)
{
	struct mpf_buf what = MPF_BUF_INIT;

	if (takes & MPF_IMAGE_TAKES(img->fmt))
		return MPF_OK;
	describe(img, &what);
	mpf_errf(err, MPF_ERR_FORMAT, "%s is %s: %s", path, what.buf,
		 format_of(img->fmt)->hint);
	mpf_buf_release(&what);
	return MPF_ERR_FORMAT;
}

int mpf_image_flatten(const struct mpf_image *img, uint32_t align, size_t max,
		      struct mpf_buf *out, uint32_t *base, struct mpf_buf *err)
{
	const struct mpf_image_seg *first, *last;
	uint64_t span;
	size_t i;

	if (!img->n)
		return mpf_errf(err, MPF_ERR_FORMAT, "no data");
	first = img->seg;
	last = img->seg + img->n - 1;
	if (first->alt != last->alt)
		return mpf_errf(err, MPF_ERR_FORMAT, "it holds more than one image (targets or "
				"families)");
	*base = first->addr & ~(align - 1);
	span = (uint64_t)last->addr + last->len - *base;
	if (span > max)
		return mpf_errf(err, MPF_ERR_FORMAT, "its data spans 0x%08x-0x%08llx (%llu bytes, "
				"more than %zu)", *base, (unsigned long long)(*base + span - 1),
				(unsigned long long)span, max);
	mpf_buf_reset(out);
	for (i = 0; i < img->n; i++) {
		const struct mpf_image_seg *s = &img->seg[i];

		while (out->len < s->addr - *base)
			mpf_buf_addch(out, (char)0xff);
		mpf_buf_add(out, s->data, s->len);
	}
	return MPF_OK;
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
