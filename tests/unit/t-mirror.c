/* t-mirror.c - micropython.org pages and firmware file names, with the
 * quirks of doc/boards.md 3 (variants, previews, old names, dates). */
#include "test-lib.h"
#include "mirror.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void name_is(const char *name, const char *page, const char *board, const char *variant,
		    const char *version, int preview, int build, const char *date,
		    const char *format, int legacy)
{
	struct mpf_fwname fw;

	if (!check_int(mpf_mirror_parse_name(name, page, &fw), ==, 0)) {
		test_msg("name: %s", name);
		return;
	}
	check_str(fw.board, board);
	check_str(fw.variant, variant);
	check_str(fw.version, version);
	check_int(fw.v.preview, ==, preview);
	check_int(fw.v.build, ==, build);
	check_str(fw.date, date);
	check_str(fw.format, format);
	check_int(fw.legacy, ==, legacy);
}

static void t_names(void)
{
	name_is("RPI_PICO_W-20241129-v1.24.1.uf2", "RPI_PICO_W", "RPI_PICO_W", "", "1.24.1", 0, 0,
		"2024-11-29", "uf2", 0);
	name_is("PYBV11-DP-20241129-v1.24.1.dfu", "PYBV11", "PYBV11", "DP", "1.24.1", 0, 0,
		"2024-11-29", "dfu", 0);
	name_is("RPI_PICO_W-20240531-v1.24.0-preview.10.gc1a6b95bf.uf2", "RPI_PICO_W",
		"RPI_PICO_W", "", "1.24.0-preview", 1, 10, "2024-05-31", "uf2", 0);
	name_is("ESP32_GENERIC_S3-SPIRAM_OCT-20250504-v1.26.0-preview.3.g7f403d086.bin",
		"ESP32_GENERIC_S3", "ESP32_GENERIC_S3", "SPIRAM_OCT", "1.26.0-preview", 1, 3,
		"2025-05-04", "bin", 0);
	/* without a page the name splits at its first '-' */
	name_is("ESP8266_GENERIC-FLASH_1M-20240222-v1.22.2.bin", NULL, "ESP8266_GENERIC",
		"FLASH_1M", "1.22.2", 0, 0, "2024-02-22", "bin", 0);
	/* old names on a renamed board's page belong to the page's board */
	name_is("rp2-pico-20220618-v1.19.1.uf2", "RPI_PICO", "RPI_PICO", "", "1.19.1", 0, 0,
		"2022-06-18", "uf2", 1);
	/* pre-1.22 nightlies: "-unstable-v1.19.1-250-g<hash>" is a dev build */
	name_is("rp2-pico-20220805-unstable-v1.19.1-250-g8c3d2a7a1.uf2", "RPI_PICO", "RPI_PICO", "",
		"1.19.1", 1, 250, "2022-08-05", "uf2", 1);
	/* a board whose name starts like another's is not its variant */
	name_is("RPI_PICO2_W-20241129-v1.24.1.uf2", "RPI_PICO2_W", "RPI_PICO2_W", "", "1.24.1", 0,
		0, "2024-11-29", "uf2", 0);
}

static void t_not_firmware(void)
{
	struct mpf_fwname fw;

	check_int(mpf_mirror_parse_name("ESP32_GENERIC-20241129-v1.24.1.map", "ESP32_GENERIC", &fw),
		  ==, MPF_ERR_SUPP);
	check_int(mpf_mirror_parse_name("ESP32_GENERIC-20241129-v1.24.1.app-bin", NULL, &fw),
		  ==, MPF_ERR_SUPP);
	check_int(mpf_mirror_parse_name("README", NULL, &fw), ==, MPF_ERR_FORMAT);
	check_int(mpf_mirror_parse_name("RPI_PICO-v1.24.1.uf2", NULL, &fw), ==, MPF_ERR_FORMAT);
	check_int(mpf_mirror_parse_name("RPI_PICO-2024112-v1.24.1.uf2", NULL, &fw), ==,
		  MPF_ERR_FORMAT);
	check_int(mpf_mirror_parse_name("RPI_PICO-20241129-vX.uf2", NULL, &fw), ==, MPF_ERR_FORMAT);
	check_int(mpf_mirror_parse_name("../RPI_PICO-20241129-v1.24.1.uf2", NULL, &fw), ==,
		  MPF_ERR_FORMAT);
	check_int(mpf_mirror_parse_name("RPI_PICO-bad variant-20241129-v1.24.1.uf2", "RPI_PICO",
					&fw), ==, MPF_ERR_FORMAT);
}

struct list {
	char v[32][128];
	int n;
};

static void add(void *ctx, const char *s)
{
	struct list *l = ctx;

	if (l->n < 32)
		snprintf(l->v[l->n++], sizeof(l->v[0]), "%s", s);
}

/* l holds want's strings, in order; want ends with NULL */
static void list_is(const struct list *l, const char *const *want)
{
	int n = 0;

	while (want[n])
		n++;
	if (!check_int(l->n, ==, n))
		return;
	for (n = 0; want[n]; n++)
		if (!check_str(l->v[n], want[n]))
			test_msg("item %d", n);
}

static void t_index(void)
{
	static const char html[] =
		"<html><a href=\"/\">home</a>\n"
		"<a class=\"board-card\" href=\"RPI_PICO\"><div>Pico</div></a>\n"
		"<A CLASS='board-card wide' HREF='/download/RPI_PICO_W/'>W</A>\n"
		"<a href=\"ARDUINO\" class=\"board-card\">x</a>\n"
		"<a class=\"board-cards\" href=\"NOT_A_CARD\">x</a>\n"
		"<a class=board-card href=RPI_PICO>dup</a>\n"
		"<a class=\"board-card\" href=\"bad name\">x</a>\n"
		"<a class=\"board-card\" href=\"https://micropython.org/download/NUCLEO/?x=1#y\">x</a>\n"
		"<a class=\"board-card\" href=\"TRUNC";
	static const char *const want[] = { "RPI_PICO", "RPI_PICO_W", "ARDUINO", "NUCLEO", NULL };
	struct list l = { .n = 0 };

	mpf_mirror_index_boards(html, sizeof(html) - 1, add, &l);
	list_is(&l, want);
}

static void t_board_page(void)
{
	static const char html[] =
		"<a href=\"/resources/firmware/RPI_PICO-20241129-v1.24.1.uf2\">v1.24.1</a>"
		"<a href=\"https://micropython.org/resources/firmware/RPI_PICO-20241025-v1.24.0.uf2\">"
		"<a href=\"/resources/boards/RPI_PICO.jpg\"><a href=\"/download/\">"
		"<a href=\"/resources/firmware/A&amp;B.uf2\">"
		"<a href=\"/resources/firmware/..\"><a href=\"/resources/firmware/a%20b.uf2\">"
		"<a href=\"/resources/firmware/ESP32_GENERIC-20241129-v1.24.1.app-bin\">"
		"<a href=\"/resources/firmware/RPI_PICO-20241129-v1.24.1.uf2\">again</a>";
	static const char *const want[] = {
		"RPI_PICO-20241129-v1.24.1.uf2", "RPI_PICO-20241025-v1.24.0.uf2",
		"ESP32_GENERIC-20241129-v1.24.1.app-bin", NULL,
	};
	struct list l = { .n = 0 };

	mpf_mirror_board_files(html, sizeof(html) - 1, add, &l);
	list_is(&l, want);
}

static void t_urls(void)
{
	/* a port's index and a board's page, on the web and in a folder */
	static const struct {
		char *(*url)(const char *base, const char *name);
		const char *base, *name, *want;
	} urls[] = {
		{ mpf_mirror_index_url, "https://micropython.org/", "rp2",
		  "https://micropython.org/download/?port=rp2" },
		{ mpf_mirror_index_url, "file:///srv/mp/", "rp2",
		  "file:///srv/mp/download/index.html?port=rp2" },
		{ mpf_mirror_board_url, "https://micropython.org/", "RPI_PICO",
		  "https://micropython.org/download/RPI_PICO/" },
		{ mpf_mirror_board_url, "file:///srv/mp/", "RPI_PICO",
		  "file:///srv/mp/download/RPI_PICO/index.html" },
	};
	struct mpf_version v;
	char out[256], *u;
	size_t i;

	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		u = urls[i].url(urls[i].base, urls[i].name);
		check_str(u, urls[i].want);
		free(u);
	}
	mpf_version_parse("v1.23.0-preview.236.g2c8dab7ab", &v);
	mpf_mirror_cache_name("esp32", "ESP32_GENERIC", "SPIRAM", &v, "bin", out, sizeof(out));
	check_str(out, "esp32/ESP32_GENERIC-SPIRAM-v1.23.0-preview.236.bin");
	mpf_version_parse("1.22.2", &v);
	mpf_mirror_cache_name("rp2", "RPI_PICO_W", "", &v, "uf2", out, sizeof(out));
	check_str(out, "rp2/RPI_PICO_W-v1.22.2.uf2");
}

static void t_ids(void)
{
	check_int(mpf_mirror_valid_id("RPI_PICO", 0), ==, 1);
	check_int(mpf_mirror_valid_id("renesas-ra", 0), ==, 0);
	check_int(mpf_mirror_valid_id("renesas-ra", 1), ==, 1);
	check_int(mpf_mirror_valid_id("", 1), ==, 0);
	check_int(mpf_mirror_valid_id("../etc", 1), ==, 0);
	check_int(mpf_mirror_valid_id("a b", 1), ==, 0);
}

int main(void)
{
	TEST(t_names(), "firmware names: variants, previews, old and unstable names");
	TEST(t_not_firmware(), "maps, app images and malformed names are not firmware");
	TEST(t_index(), "the port index gives each board-card once");
	TEST(t_board_page(), "a board page gives its firmware files");
	TEST(t_urls(), "page URLs (http and wget-style file://) and cache names");
	TEST(t_ids(), "board, variant and port names are checked");
	return test_done();
}
