/* t-boards.c - the compiled-in board table and the lookup rules mpf-info
 * and mpf-pick share (doc/boards.md 2, 4). */
#include "test-lib.h"
#include "boards.h"

#include <string.h>

static void t_table(void)
{
	size_t n, i, variants = 0;
	const struct mpf_board *b = mpf_boards(&n);

	/* 3,557 data rows, 624 with a variant (doc/boards.md 4) */
	check_uint(n, ==, 3557);
	for (i = 0; i < n; i++)
		variants += b[i].variant[0] != '\0';
	check_uint(variants, ==, 624);
	check_str(b[0].version, "v1.18");
	check_str(b[0].board_id, "WIPY");
}

static void t_find(void)
{
	const struct mpf_board *b = mpf_board_find("ESP32_GENERIC_S3", "SPIRAM_OCT");

	if (check(b != NULL)) {
		check_str(b->board_id, "ESP32_GENERIC_S3-SPIRAM_OCT");
		check_str(b->mcu, "esp32s3");
		check_str(b->port, "esp32");
	}
	b = mpf_board_find("RPI_PICO_W", NULL);
	if (check(b != NULL))
		check_str(b->port, "rp2");
	check(mpf_board_find("NO_SUCH_BOARD", NULL) == NULL);
}

static int has(char names[][64], size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return 1;
	return 0;
}

static void t_aliases(void)
{
	char names[16][64];
	size_t n;

	n = mpf_board_aliases("PICO", NULL, names, 16);
	check(has(names, n, "RPI_PICO"));
	n = mpf_board_aliases("RPI_PICO_W", NULL, names, 16);
	check(has(names, n, "PICO_W"));
	n = mpf_board_aliases("GENERIC_SPIRAM", "esp32", names, 16);
	check(has(names, n, "ESP32_GENERIC-SPIRAM"));
	check(has(names, n, "ESP32_GENERIC_SPIRAM"));
	check(!has(names, n, "ESP8266_GENERIC_SPIRAM"));
	n = mpf_board_aliases("GENERIC", NULL, names, 16);
	check(has(names, n, "ESP32_GENERIC"));
	check(has(names, n, "ESP8266_GENERIC"));
}

static void t_description(void)
{
	const struct mpf_board *b;

	b = mpf_board_by_description("Raspberry Pi Pico W with RP2040", "1.22.2");
	if (check(b != NULL)) {
		check_str(b->board_id, "RPI_PICO_W");
		check_str(b->version, "v1.22.2");
	}
	b = mpf_board_by_description("Generic ESP32 module with ESP32", "1.22.0");
	if (check(b != NULL))
		check_str(b->board_id, "ESP32_GENERIC");
	/* an unknown description stays unknown */
	check(mpf_board_by_description("Frobnicator 9000 with Z80", "1.22.0") == NULL);
}

int main(void)
{
	TEST(t_table(), "the compiled-in table holds every CSV row");
	TEST(t_find(), "boards and variants are found, newest release");
	TEST(t_aliases(), "renamed boards: PICO, GENERIC, prefixes");
	TEST(t_description(), "board_id from the _machine description, never a guess");
	return test_done();
}
