/* fwcheck.c - a firmware file's content against its name and port
 * (fwcheck.h). The file is recognised by the image layer (image.h), the
 * same reading every flasher gets; this only asks whether what it found
 * is what the name and the port promise. */
#include "fwcheck.h"
#include "buf.h"
#include "err.h"
#include "fsutil.h"
#include "image.h"
#include "uf2.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The image formats a file named .FORMAT may hold. A .dfu is a DfuSe file
 * or a raw image that carries a DFU suffix; a .bin may be an ESP image. */
static const struct {
	const char *format;
	unsigned takes;
} formats[] = {
	{ "uf2", MPF_IMAGE_TAKES(MPF_IMAGE_UF2) },
	{ "dfu", MPF_IMAGE_TAKES(MPF_IMAGE_DFUSE) | MPF_IMAGE_TAKES(MPF_IMAGE_BIN) },
	{ "hex", MPF_IMAGE_TAKES(MPF_IMAGE_HEX) },
	{ "elf", MPF_IMAGE_TAKES(MPF_IMAGE_ELF) },
	{ "bin", MPF_IMAGE_TAKES(MPF_IMAGE_BIN) | MPF_IMAGE_TAKES(MPF_IMAGE_ESP) },
};

/* Some family of the image is one the port runs (no port: any). */
static int uf2_for_port(const struct mpf_image *img, const char *port, struct mpf_buf *why)
{
	uint32_t ids[32];
	size_t n = mpf_uf2_port_families(port, ids, N(ids)), i, j;
	char name[16];

	if (!n || !img->nfamily)
		return 0;
	for (i = 0; i < img->nfamily; i++)
		for (j = 0; j < n; j++)
			if (img->family[i] == ids[j])
				return 0;
	return mpf_errf(why, MPF_ERR_FORMAT, "the image is for %s, not a family of port %s",
			mpf_uf2_family_name(img->family[0], name, sizeof(name)), port);
}

/* An ESP port's .bin is an ESP image, and not one that reads as the other
 * line's: an ESP32-family header carries a chip id, the ESP8266's none. */
static int esp_for_port(const struct mpf_image *img, const char *port, struct mpf_buf *why)
{
	int want8266 = !strcmp(port, "esp8266");

	if (img->fmt != MPF_IMAGE_ESP)
		return mpf_errf(why, MPF_ERR_FORMAT, "not an ESP image (it is %s)",
				img->format ? img->format : "raw");
	if ((want8266 && img->esp_chip >= 0) || (!want8266 && img->esp_8266))
		return mpf_errf(why, MPF_ERR_FORMAT, "an image for %s, not for port %s",
				img->esp_8266 ? "the ESP8266" : "an ESP32-family chip", port);
	return 0;
}

static int fits(const struct mpf_image *img, size_t i, const char *port, struct mpf_buf *why)
{
	struct mpf_buf what = MPF_BUF_INIT;
	int r = 0;

	if (!(formats[i].takes & MPF_IMAGE_TAKES(img->fmt)) ||
	    (!strcmp(formats[i].format, "dfu") && img->fmt == MPF_IMAGE_BIN && !img->has_ids)) {
		mpf_image_describe(img, &what);
		r = mpf_errf(why, MPF_ERR_FORMAT, "it is %s", what.buf);
	} else if (port && *port && !strncmp(port, "esp", 3) && !strcmp(formats[i].format, "bin")) {
		r = esp_for_port(img, port, why);
	} else if (port && *port && img->fmt == MPF_IMAGE_UF2) {
		r = uf2_for_port(img, port, why);
	}
	mpf_buf_release(&what);
	return r;
}

static int fw_check(const uint8_t *data, size_t len, const char *format, const char *port,
		    const char *name, struct mpf_buf *err)
{
	struct mpf_buf why = MPF_BUF_INIT;
	struct mpf_image img;
	size_t i;
	int r;

	for (i = 0; i < N(formats); i++)
		if (!strcmp(format, formats[i].format))
			break;
	if (i == N(formats))
		return mpf_errf(err, MPF_ERR_FORMAT, "%s: '%s' is not a firmware format", name,
				format);
	if (!len)
		return mpf_errf(err, MPF_ERR_FORMAT, "%s is empty", name);
	r = mpf_image_parse(data, len, 0, &img, &why);
	if (!r) {
		r = fits(&img, i, port, &why);
		mpf_image_release(&img);
	}
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
