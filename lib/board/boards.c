/* boards.c - parse the compiled-in board table; find boards. */
#include "boards.h"
#include "buf.h"
#include "version.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

extern const char mpf_boards_csv[], mpf_boards_csv_end[];

static struct mpf_board *rows;
static size_t nrows;
static char *text;
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define NFIELDS 9

/* One CSV line into a row: the table has no quoted fields (checked by
 * tests/unit/t-boards.c), so a plain split on commas is exact. */
static int split(char *line, const char **f)
{
	int i = 0;

	f[i++] = line;
	for (; *line; line++)
		if (*line == ',') {
			*line = '\0';
			if (i == NFIELDS)
				return -1;
			f[i++] = line + 1;
		}
	return i == NFIELDS ? 0 : -1;
}

static void parse(void)
{
	size_t len = (size_t)(mpf_boards_csv_end - mpf_boards_csv), cap = 0;
	char *p, *nl;
	const char *f[NFIELDS];
	int header = 1;

	text = mpf_xstrndup(mpf_boards_csv, len);
	for (p = text; p && *p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		if (nl && nl - 2 >= p && nl[-2] == '\r')
			nl[-2] = '\0';
		if (split(p, f) < 0 || header) {
			header = 0;
			continue;
		}
		if (nrows == cap) {
			cap = cap ? cap * 2 : 4096;
			rows = mpf_xrealloc(rows, cap * sizeof(*rows));
		}
		rows[nrows++] = (struct mpf_board){ f[0], f[1], f[2], f[3], f[4], f[5], f[6],
						    f[7], f[8] };
	}
}

const struct mpf_board *mpf_boards(size_t *n)
{
	pthread_once(&once, parse);
	*n = nrows;
	return rows;
}

int mpf_board_newer(const struct mpf_board *a, const struct mpf_board *b)
{
	struct mpf_version va, vb;

	if (!b)
		return 1;
	if (mpf_version_parse(a->version, &va) || mpf_version_parse(b->version, &vb))
		return 0;
	return mpf_version_cmp(&va, &vb) > 0;
}

const struct mpf_board *mpf_board_find(const char *board, const char *variant)
{
	const struct mpf_board *r = mpf_boards(&nrows), *best = NULL;
	size_t i;

	if (!variant)
		variant = "";
	for (i = 0; i < nrows; i++)
		if (!strcmp(r[i].board_name, board) && !strcmp(r[i].variant, variant) &&
		    mpf_board_newer(&r[i], best))
			best = &r[i];
	return best;
}

static void add_name(char out[][64], size_t cap, size_t *n, const char *board, const char *s)
{
	size_t i;

	if (!*s || !strcasecmp(s, board) || *n >= cap)
		return;
	for (i = 0; i < *n; i++)
		if (!strcasecmp(out[i], s))
			return;
	snprintf(out[(*n)++], 64, "%s", s);
}

/* Board ids are matched in any case (mpflash takes "pico_w" for
 * RPI_PICO_W), so their former names are found in any case too. */
static int has_prefix(const char *s, const char *p)
{
	return !strncasecmp(s, p, strlen(p));
}

static int has_suffix(const char *s, const char *x)
{
	size_t n = strlen(s), m = strlen(x);

	return n >= m && !strcasecmp(s + n - m, x);
}

size_t mpf_board_aliases(const char *board, const char *port, char out[][64], size_t cap)
{
	static const char *const esp_ports[] = { "esp32", "esp8266" };
	static const char *const suffixes[] = { "_SPIRAM", "_THREAD" };
	char tmp[64], up[16];
	size_t n = 0, i, j;

	if (has_prefix(board, "PICO")) {
		snprintf(tmp, sizeof(tmp), "RPI_%s", board);
		add_name(out, cap, &n, board, tmp);
	}
	if (has_prefix(board, "RPI_"))
		add_name(out, cap, &n, board, board + 4);
	if (has_prefix(board, "GENERIC")) {
		for (i = 0; i < 2; i++) {
			if (port && strcmp(port, esp_ports[i]))
				continue;
			for (j = 0; esp_ports[i][j] && j < sizeof(up) - 1; j++)
				up[j] = (char)(esp_ports[i][j] - ('a' - 'A') * (esp_ports[i][j] >= 'a'));
			up[j] = '\0';
			snprintf(tmp, sizeof(tmp), "%s_%s", up, board);
			add_name(out, cap, &n, board, tmp);
			/* GENERIC_SPIRAM became ESP32_GENERIC-SPIRAM (a variant) in 1.21 */
			if (board[7] == '_') {
				snprintf(tmp, sizeof(tmp), "%s_GENERIC-%s", up, board + 8);
				add_name(out, cap, &n, board, tmp);
			}
		}
	}
	for (i = 0; i < 2; i++) {
		snprintf(tmp, sizeof(tmp), "%s_", esp_ports[i]);
		for (j = 0; tmp[j]; j++)
			tmp[j] = (char)(tmp[j] >= 'a' ? tmp[j] - ('a' - 'A') : tmp[j]);
		if (has_prefix(board, tmp))
			add_name(out, cap, &n, board, board + strlen(tmp));
	}
	for (i = 0; i < 2; i++)
		if (has_suffix(board, suffixes[i])) {
			snprintf(tmp, sizeof(tmp), "%.*s", (int)(strlen(board) - strlen(suffixes[i])),
				 board);
			add_name(out, cap, &n, board, tmp);
		}
	return n;
}

/* Versions match as mpflash's LIKE did: "1.24.0-preview" matches v1.24.0*. */
static int same_release(const char *row, const char *version)
{
	struct mpf_version a, b;

	if (!version || mpf_version_parse(row, &a) || mpf_version_parse(version, &b))
		return 0;
	return a.major == b.major && a.minor == b.minor && a.patch == b.patch;
}

const struct mpf_board *mpf_board_by_description(const char *descr, const char *version)
{
	const struct mpf_board *r, *exact = NULL, *any = NULL;
	char cand[4][256];
	const char *with;
	size_t n, i, c, nc = 0;

	if (!descr || !*descr)
		return NULL;
	snprintf(cand[nc++], sizeof(cand[0]), "%s", descr);
	with = strstr(descr, " with ");
	for (const char *w = with; w; w = strstr(w + 1, " with "))
		with = w;
	if (with)
		snprintf(cand[nc++], sizeof(cand[0]), "%.*s", (int)(with - descr), descr);
	for (c = 0, n = nc; c < n; c++)
		if (has_prefix(cand[c], "Generic "))
			snprintf(cand[nc++], sizeof(cand[0]), "%s", cand[c] + 8);
	r = mpf_boards(&n);
	for (c = 0; c < nc; c++) {
		for (i = 0; i < n; i++) {
			if (r[i].variant[0] || strcmp(r[i].description, cand[c]))
				continue;
			if (same_release(r[i].version, version))
				exact = exact ? exact : &r[i];
			if (mpf_board_newer(&r[i], any))
				any = &r[i];
		}
		if (exact || any)
			break;
	}
	return exact ? exact : any;
}
