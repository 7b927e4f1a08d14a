/* fwcheck.c - a firmware file's content against its name and port
 * (fwcheck.h). */
#include "fwcheck.h"
#include "buf.h"
#include "dfuse.h"
#include "elf.h"
#include "err.h"
#include "esp_image.h"
#include "fsutil.h"
#include "ihex.h"
#include "uf2.h"

#include <string.h>

static int check_uf2(const uint8_t *d, size_t len, const char *port, struct mpf_buf *why)
{
	struct mpf_uf2_summary s;
	int r = mpf_uf2_validate(d, len, &s, why);

	if (!r && port && *port && mpf_uf2_check_target(&s, NULL, port, why) < 0)
		r = MPF_ERR_FORMAT;	/* the data, not the board, is wrong */
	return r;
}

static int check_dfu(const uint8_t *d, size_t len, const char *port, struct mpf_buf *why)
{
	struct mpf_dfuse_file f;
	struct mpf_dfu_suffix sfx;
	int r;

	if (!mpf_dfuse_file_is(d, len)) {
		r = mpf_dfu_suffix_parse(d, len, &sfx, why);
		return r == 1 ? 0 : r < 0 ? r : mpf_errf(why, MPF_ERR_FORMAT, "neither a DfuSe "
							 "file nor an image with a DFU suffix");
	}
	r = mpf_dfuse_file_parse(d, len, &f, why);
	if (!r)
		mpf_dfuse_file_release(&f);
	return r;
}

static int check_hex(const uint8_t *d, size_t len, const char *port, struct mpf_buf *why)
{
	struct mpf_ihex h;
	int r = mpf_ihex_parse((const char *)d, len, &h, why);

	if (!r)
		mpf_ihex_release(&h);
	return r;
}

static int check_elf(const uint8_t *d, size_t len, const char *port, struct mpf_buf *why)
{
	struct mpf_elf_seg seg[1];
	int r;

	if (!mpf_elf_is(d, len))
		return mpf_errf(why, MPF_ERR_FORMAT, "no ELF magic");
	r = mpf_elf_segments(d, len, seg, 1, why);
	return r < 0 ? r : !r ? mpf_errf(why, MPF_ERR_FORMAT, "no loadable segment") : 0;
}

/* A raw image has no structure to check, but an ESP port's image starts
 * with the image header's magic (esptool's image format). */
static int check_bin(const uint8_t *d, size_t len, const char *port, struct mpf_buf *why)
{
	if (port && !strncmp(port, "esp", 3) && d[0] != MPF_ESP_IMAGE_MAGIC)
		return mpf_errf(why, MPF_ERR_FORMAT, "not an ESP image (first byte 0x%02x, not "
				"0x%02x)", d[0], MPF_ESP_IMAGE_MAGIC);
	return 0;
}

static const struct {
	const char *format;
	int (*check)(const uint8_t *d, size_t len, const char *port, struct mpf_buf *why);
} checks[] = {
	{ "uf2", check_uf2 }, { "dfu", check_dfu }, { "hex", check_hex },
	{ "elf", check_elf }, { "bin", check_bin },
};

static int fw_check(const uint8_t *data, size_t len, const char *format, const char *port,
		    const char *name, struct mpf_buf *err)
{
	struct mpf_buf why = MPF_BUF_INIT;
	size_t i;
	int r;

	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if (!strcmp(format, checks[i].format))
			break;
	if (i == sizeof(checks) / sizeof(checks[0]))
		return mpf_errf(err, MPF_ERR_FORMAT, "%s: '%s' is not a firmware format", name,
				format);
	if (!len)
		return mpf_errf(err, MPF_ERR_FORMAT, "%s is empty", name);
	r = checks[i].check(data, len, port, &why);
	if (r)
		mpf_errf(err, r, "%s: not a valid .%s file%s%s: %s", name, format,
			 port && *port ? " for port " : "", port && *port ? port : "",
			 mpf_buf_str(&why));
	mpf_buf_release(&why);
	return r;
}

int mpf_fw_check_file(const char *path, const char *format, const char *port,
		      struct mpf_buf *err)
{
	struct mpf_buf data = MPF_BUF_INIT;
	int r = mpf_load_file(path, MPF_FIRMWARE_MAX, &data, err);

	if (!r)
		r = fw_check((const uint8_t *)data.buf, data.len, format, port, path, err);
	mpf_buf_release(&data);
	return r;
}
