/* esp_plan.h - the write plan of mpf-esp: every region of a job checked
 * together before the first erase, then grouped into erase runs.
 *
 * The ROM loader erases whole 4 KiB sectors (FLASH_BEGIN; esptool pads an
 * unaligned write with 0xFF from the sector start, and erases to the end of
 * the last sector). Two regions that share a sector, written one after the
 * other, would each erase the other's bytes in it. So regions sharing a
 * sector go into one run: one erase, one write, the regions at their places
 * and 0xFF in the rest of the run's sectors, which the erase clears anyway.
 * That keeps both files instead of refusing a layout esptool takes, and the
 * verify over the whole run checks every byte the erase touched. */
#ifndef MPF_ESP_PLAN_H
#define MPF_ESP_PLAN_H

#include <stddef.h>
#include <stdint.h>

struct mpf_buf;

#define MPF_ESP_SECTOR_SIZE 0x1000u

struct mpf_esp_region {
	uint32_t addr;
	const char *file;
	uint8_t *data;
	size_t len;
};

struct mpf_esp_run {
	uint32_t addr;		/* sector-aligned */
	uint8_t *data;		/* owned: the regions at their places, 0xFF around them */
	size_t len;		/* whole sectors */
	size_t first, n;	/* the regions r[first .. first+n-1] */
};

/* Sort r (nr regions, none empty) by address; refuse overlaps (naming both
 * files and addresses, MPF_ERR_ARG) and regions past flash_size; then make
 * the runs (*runs, *nruns; mpf_esp_plan_free). */
int mpf_esp_plan(struct mpf_esp_region *r, size_t nr, uint64_t flash_size,
		 struct mpf_esp_run **runs, size_t *nruns, struct mpf_buf *err);
void mpf_esp_plan_free(struct mpf_esp_run *runs, size_t nruns);

#endif
