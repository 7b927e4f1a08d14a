/* dfu-seq - replay another tool's DfuSe request sequence, for benchmarks.
 * Never installed.
 *
 *   dfu-seq pydfu FILE.bin    what MicroPython's tools/pydfu.py does to
 *                             write a .bin at 0x08000000: erase each page
 *                             the image covers, then for every chunk of
 *                             wTransferSize a Set Address + DNLOAD block 2
 *                             + GETSTATUS until idle (tools/pydfu.py),
 *                             then its exit: Set Address, zero-length
 *                             DNLOAD block 0, GETSTATUS.
 * Uses lib/transport/dfu_usb (the only DFU device there is).
 */
#include "dfu_flash.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int die(const char *what, struct mpf_buf *err)
{
	fprintf(stderr, "dfu-seq: %s: %s\n", what, mpf_buf_str(err));
	return 1;
}

static int pydfu(const char *path)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_usb_match m;
	struct mpf_dfu_image im;
	struct mpf_dfu_usb d;
	struct mpf_dfuse_layout l;
	libusb_device **list;
	struct mpf_dfu_status st;
	uint32_t a;
	int n;

	if (mpf_dfu_image_load(path, 0, 0x08000000, 1, &im, &err) < 0)
		return die("load", &err);
	mpf_usb_match_init(&m);
	n = mpf_usb_find(&m, mpf_dfu_usb_accept, NULL, &list);
	if (n != 1)
		return fprintf(stderr, "dfu-seq: %d DFU devices\n", n), 1;
	if (mpf_dfu_usb_open(list[0], &d, &err) < 0 || mpf_dfu_usb_select(&d, 0, &err) < 0 ||
	    mpf_dfu_layout(&d, 0, &l, &err) < 0)
		return die("open", &err);
	mpf_usb_list_free(list, n);
	for (a = 0x08000000; a < 0x08000000 + im.part[0].len;) {
		const struct mpf_dfuse_segment *s = mpf_dfuse_layout_find(&l, a);

		if (mpf_dfuse_command(&d.dfu, MPF_DFUSE_ERASE_PAGE, a, &err) < 0)
			return die("erase", &err);
		a += s->page;
	}
	d.dfu.quirks |= MPF_DFU_QUIRK_SETADDR_EACH;
	if (mpf_dfuse_write(&d.dfu, 0x08000000, im.part[0].data, im.part[0].len, NULL, 0, 0,
			    &err) < 0)
		return die("write", &err);
	if (mpf_dfuse_command(&d.dfu, MPF_DFUSE_SET_ADDRESS, 0x08000000, &err) < 0 ||
	    mpf_dfu_dnload(&d.dfu, 0, NULL, 0, &err) < 0)
		return die("exit", &err);
	mpf_dfu_get_status(&d.dfu, &st, NULL);
	printf("control %lu\n", d.dfu.stats.control);
	mpf_dfuse_layout_release(&l);
	mpf_dfu_usb_close(&d);
	mpf_dfu_image_release(&im);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "pydfu"))
		return pydfu(argv[2]);
	fprintf(stderr, "usage: dfu-seq pydfu FILE.bin\n");
	return 2;
}
