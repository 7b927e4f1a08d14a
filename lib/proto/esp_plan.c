/* esp_plan.c - check a job's regions together and group them into erase
 * runs (esp_plan.h). */
#include "esp_plan.h"
#include "buf.h"
#include "err.h"
#include "esp_chip.h"

#include <stdlib.h>
#include <string.h>

#define SECTOR MPF_ESP_SECTOR_SIZE

static int cmp_region(const void *a, const void *b)
{
	const struct mpf_esp_region *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static uint64_t end_of(const struct mpf_esp_region *g)
{
	return (uint64_t)g->addr + g->len;
}

static int check(const struct mpf_esp_region *r, size_t nr, uint64_t flash_size,
		 struct mpf_buf *err)
{
	const char *sz = mpf_esp_size_name(flash_size);
	size_t i;

	for (i = 0; i < nr; i++) {
		const struct mpf_esp_region *g = &r[i], *p = i ? &r[i - 1] : NULL;

		if (p && g->addr < end_of(p))
			return mpf_errf(err, MPF_ERR_ARG, "%s at 0x%x-0x%llx overlaps %s at "
					"0x%x-0x%llx", g->file, g->addr,
					(unsigned long long)end_of(g) - 1, p->file, p->addr,
					(unsigned long long)end_of(p) - 1);
		if (end_of(g) > flash_size)
			return mpf_errf(err, MPF_ERR_ARG, "%s at 0x%x ends at 0x%llx, past the end "
					"of the %s flash", g->file, g->addr,
					(unsigned long long)end_of(g), sz ? sz : "detected");
	}
	return 0;
}

static void fill(struct mpf_esp_run *run, const struct mpf_esp_region *r)
{
	size_t i;

	run->data = mpf_xmalloc(run->len);
	memset(run->data, 0xFF, run->len);
	for (i = run->first; i < run->first + run->n; i++)
		memcpy(run->data + (r[i].addr - run->addr), r[i].data, r[i].len);
}

int mpf_esp_plan(struct mpf_esp_region *r, size_t nr, uint64_t flash_size,
		 struct mpf_esp_run **runs, size_t *nruns, struct mpf_buf *err)
{
	struct mpf_esp_run *out;
	uint64_t end = 0;
	size_t i, n = 0;
	int rc;

	*runs = NULL;
	*nruns = 0;
	qsort(r, nr, sizeof(*r), cmp_region);
	if ((rc = check(r, nr, flash_size, err)) < 0)
		return rc;
	out = mpf_xcalloc(nr ? nr : 1, sizeof(*out));
	for (i = 0; i < nr; i++) {
		uint32_t start = r[i].addr / SECTOR * SECTOR;

		/* a region starting in the sector where the run ends joins it */
		if (!n || start >= end)
			out[n++] = (struct mpf_esp_run){ .addr = start, .first = i };
		out[n - 1].n++;
		end = (end_of(&r[i]) + SECTOR - 1) / SECTOR * SECTOR;
		out[n - 1].len = (size_t)(end - out[n - 1].addr);
	}
	for (i = 0; i < n; i++)
		fill(&out[i], r);
	*runs = out;
	*nruns = n;
	return 0;
}

void mpf_esp_plan_free(struct mpf_esp_run *runs, size_t nruns)
{
	size_t i;

	for (i = 0; i < nruns; i++)
		free(runs[i].data);
	free(runs);
}
