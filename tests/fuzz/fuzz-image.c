/* fuzz-image - any file a user may hand a flasher, recognised by content:
 * the segments must be sorted, apart and within the address space, the
 * refusal message must be built for every format, and flattening must
 * give exactly the bytes the segments hold. */
#include "image.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_segments(const struct mpf_image *img)
{
	size_t i;

	for (i = 0; i < img->n; i++) {
		const struct mpf_image_seg *s = &img->seg[i], *p = i ? s - 1 : NULL;

		if ((uint64_t)s->addr + s->len > 0x100000000ull)
			abort();
		if (p && p->alt == s->alt && (uint64_t)p->addr + p->len > s->addr)
			abort();
		if (p && (p->alt > s->alt || (p->alt == s->alt && p->addr > s->addr)))
			abort();
	}
}

static void check_flat(const struct mpf_image *img)
{
	struct mpf_buf flat = MPF_BUF_INIT;
	uint32_t base;
	size_t i;

	if (mpf_image_flatten(img, 256, 1 << 20, &flat, &base, NULL) == 0)
		for (i = 0; i < img->n; i++)
			if (memcmp(flat.buf + (img->seg[i].addr - base), img->seg[i].data,
				   img->seg[i].len))
				abort();
	mpf_buf_release(&flat);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_image img;

	if (mpf_image_parse(data, size, 0x08000000, &img, &err) == 0) {
		check_segments(&img);
		check_flat(&img);
		mpf_image_accept(&img, "fuzz", 0, &err);
		mpf_image_release(&img);
	}
	mpf_buf_release(&err);
	return 0;
}
