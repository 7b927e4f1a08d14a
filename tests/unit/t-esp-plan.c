/* t-esp-plan.c - the write plan: regions sorted, overlaps and bounds
 * refused with both names, regions sharing a 4 KiB sector in one erase run
 * with 0xFF around them (esp_plan.h). */
#include "test-lib.h"
#include "buf.h"
#include "err.h"
#include "esp_plan.h"

#include <string.h>

static uint8_t a[0x500], b[0x300], c[0x10];

static void fill(void)
{
	memset(a, 0xA1, sizeof(a));
	memset(b, 0xB2, sizeof(b));
	memset(c, 0xC3, sizeof(c));
}

/* a at 0xd00 ends in the next sector, where b starts: one run */
static void t_shared(void)
{
	struct mpf_esp_region r[3] = {
		{ 0x1d00, "b.bin", b, sizeof(b) }, { 0xd00, "a.bin", a, sizeof(a) },
		{ 0x5000, "c.bin", c, sizeof(c) },
	};
	struct mpf_esp_run *runs;
	size_t n;

	fill();
	if (!check_int(mpf_esp_plan(r, 3, 4u << 20, &runs, &n, NULL), ==, 0))
		return;
	check_str(r[0].file, "a.bin");		/* sorted */
	if (!check_int(n, ==, 2))
		goto out;
	check_uint(runs[0].addr, ==, 0);
	check_uint(runs[0].len, ==, 0x2000);
	check_int(runs[0].n, ==, 2);
	check_int(runs[0].data[0xcff], ==, 0xFF);
	check_int(runs[0].data[0xd00], ==, 0xA1);
	check_int(runs[0].data[0x11ff], ==, 0xA1);
	check_int(runs[0].data[0x1200], ==, 0xFF);	/* the gap: erased anyway */
	check_int(runs[0].data[0x1d00], ==, 0xB2);
	check_int(runs[0].data[0x1fff], ==, 0xB2);
	check_uint(runs[1].addr, ==, 0x5000);
	check_uint(runs[1].len, ==, 0x1000);		/* whole sectors */
	check_int(runs[1].first, ==, 2);
	check_int(runs[1].data[0x10], ==, 0xFF);
out:
	mpf_esp_plan_free(runs, n);
}

/* regions in neighbouring sectors stay separate runs */
static void t_apart(void)
{
	struct mpf_esp_region r[2] = { { 0x0, "a.bin", a, sizeof(a) },
				       { 0x1000, "b.bin", b, sizeof(b) } };
	struct mpf_esp_run *runs;
	size_t n;

	if (check_int(mpf_esp_plan(r, 2, 4u << 20, &runs, &n, NULL), ==, 0))
		check_int(n, ==, 2);
	mpf_esp_plan_free(runs, n);
}

static void t_refused(void)
{
	struct mpf_esp_region r[2] = { { 0x1000, "b.bin", b, sizeof(b) },
				       { 0xd00, "a.bin", a, sizeof(a) } };
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_esp_run *runs;
	size_t n;

	check_int(mpf_esp_plan(r, 2, 4u << 20, &runs, &n, &err), ==, MPF_ERR_ARG);
	check_str(err.buf, "b.bin at 0x1000-0x12ff overlaps a.bin at 0xd00-0x11ff");
	check(runs == NULL && n == 0);
	r[1].addr = 0x1FFFF0;	/* sorted by the first call: b.bin */
	check_int(mpf_esp_plan(r, 2, 2u << 20, &runs, &n, &err), ==, MPF_ERR_ARG);
	check_str(err.buf, "b.bin at 0x1ffff0 ends at 0x2002f0, past the end of the 2MB flash");
	mpf_buf_release(&err);
}

int main(void)
{
	TEST(t_shared(), "regions sharing a sector are one run; 0xFF around them, whole sectors");
	TEST(t_apart(), "regions in different sectors are separate runs");
	TEST(t_refused(), "overlaps name both files and ranges; past the end of flash is refused");
	return test_done();
}
