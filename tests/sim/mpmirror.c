/* mpmirror.c - a loopback HTTP/1.1 server shaped like micropython.org's
 * download area (doc/boards.md 3), for mpf-fetch's tests and benchmarks.
 *
 *   mpmirror [--port N] [--rate BYTES/S] [--latency MS] [--previews N]
 *            [--size BYTES] [--extra-boards N] [--pad BYTES] [--dump DIR]
 *            [--no-validators 1] [--banners 1]
 *
 * Prints "PORT" on stdout once listening on 127.0.0.1. Serves
 *   /download/?port=P         the port index (<a class="board-card" href=...>)
 *   /download/BOARD/          the board page, files newest first
 *   /resources/firmware/NAME  the files (UF2 files are valid UF2 blocks)
 * with ETag and Last-Modified (If-None-Match / If-Modified-Since give 304;
 * --no-validators 1 sends neither, as some servers do), on files too,
 * byte ranges (206, 416; If-Range naming another version gives the whole
 * file, counted as ifrange_miss), keep-alive, and each connection paced at --rate.
 * The catalogue has several ports, boards, variants, releases, previews,
 * old file names on a renamed board's page (rp2-pico-...) and a board the
 * compiled board table lacks (SIM_RP2_NEWBOARD).
 *
 * Control (for tests): /_sim/fault?name=FILE&kind=KIND&count=N with KIND
 * drop (send half, then close), 404, 500, corrupt (same size, other bytes),
 * size (64 bytes more than before), stall (send half, then nothing), html
 * (a web page instead of the file, with 200); a
 * page is named by its path (name=download/RPI_PICO/) and takes 404, 500
 * and drop; count -1 means every time;
 * /_sim/bump?board=B adds a preview build to B; /_sim/rate?bps=N changes
 * the pacing (0: none); /_sim/stats gives counters
 * as JSON; /_sim/reset resets them. Protocol violations get 400 and a line
 * on stderr. --dump DIR writes the same mirror as wget -r would store it
 * (for file:// tests) and exits. --banners 1: the first block of each
 * UF2 file starts with the banner a MicroPython image holds ("MicroPython
 * vX.Y.Z on DATE; MACHINE\0", version from the file name), so a
 * simulated board (tests/sim/mpy-repl --flash) flashed with it comes back
 * running that version (make demo). .dfu files are real DfuSe files (one
 * element at 0x08000000), as micropython.org's stm32 files are.
 */
#define _GNU_SOURCE		/* memmem, timegm, usleep */
#include "buf.h"
#include "dfuse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct rel { const char *version, *date; };

static const struct rel releases[] = {
	{ "1.19.1", "20220618" }, { "1.20.0", "20230426" }, { "1.21.0", "20231005" },
	{ "1.22.0", "20231227" }, { "1.22.1", "20240105" }, { "1.22.2", "20240222" },
	{ "1.23.0", "20240602" }, { "1.24.0", "20241025" }, { "1.24.1", "20241129" },
	{ "1.25.0", "20250415" },
};
#define NREL (int)(sizeof(releases) / sizeof(releases[0]))
#define PREVIEW_BASE "1.26.0"

struct board {
	const char *port, *id;
	const char *variants[5];	/* "" first: the base board */
	int first;			/* index of the first release built */
	const char *exts;		/* formats listed, space separated */
	const char *legacy;		/* name before the 1.20 rename, or NULL */
	int bumps;			/* previews added through /_sim/bump */
};

static struct board boards[64] = {
	{ "rp2", "RPI_PICO", { "" }, 0, "uf2", "rp2-pico", 0 },
	{ "rp2", "RPI_PICO_W", { "" }, 1, "uf2", NULL, 0 },
	{ "rp2", "RPI_PICO2_W", { "" }, 7, "uf2", NULL, 0 },
	{ "rp2", "RPI_PICO2", { "", "RISCV" }, 7, "uf2", NULL, 0 },
	{ "rp2", "SIM_RP2_NEWBOARD", { "" }, 9, "uf2", NULL, 0 },
	{ "esp32", "ESP32_GENERIC", { "", "SPIRAM", "OTA", "D2WD" }, 2, "bin app-bin elf map", NULL, 0 },
	{ "esp32", "ESP32_GENERIC_S3", { "", "SPIRAM_OCT" }, 2, "bin app-bin elf map", NULL, 0 },
	{ "esp32", "ESP32_GENERIC_C3", { "" }, 2, "bin app-bin elf map", NULL, 0 },
	{ "esp32", "ESP32_GENERIC_S2", { "" }, 2, "bin app-bin elf map", NULL, 0 },
	{ "esp32", "ESP32_GENERIC_C6", { "" }, 8, "bin app-bin elf map", NULL, 0 },
	{ "esp32", "ESP32_GENERIC_C5", { "" }, 9, "bin app-bin elf map", NULL, 0 },
	{ "esp8266", "ESP8266_GENERIC", { "", "FLASH_1M", "FLASH_512K" }, 2, "bin", NULL, 0 },
	{ "stm32", "PYBV11", { "", "DP", "THREAD", "NETWORK" }, 1, "dfu hex", NULL, 0 },
	{ "stm32", "NUCLEO_F446RE", { "" }, 1, "dfu hex", NULL, 0 },
	{ "samd", "SEEED_WIO_TERMINAL", { "" }, 1, "uf2", NULL, 0 },
	{ "samd", "ADAFRUIT_ITSYBITSY_M4_EXPRESS", { "" }, 1, "uf2", NULL, 0 },
	{ "nrf", "ARDUINO_NANO_33_BLE_SENSE", { "" }, 1, "uf2", NULL, 0 },
};
static int nboards = 17;
static char extra_names[64][48];

static const char *const ports[] = { "rp2", "esp32", "esp8266", "stm32", "samd", "nrf", NULL };

struct fault { char name[160], kind[16]; int count; };
static struct fault faults[32];
static int nfaults;

static struct { long requests, not_modified, pages, files, bytes, ranges, ifrange_miss; } stats;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static long rate, latency_ms, file_size = 32768, pad = 2000;
static int previews = 3, no_validators, banners;

/* A growable string. */
struct str { char *s; size_t len, cap; };

static void add(struct str *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void addf(struct str *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct str *b, const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	add(b, tmp, (size_t)(n < (int)sizeof(tmp) ? n : (int)sizeof(tmp) - 1));
}

static uint64_t fnv(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;

	while (n--)
		h = (h ^ *s++) * 1099511628211ull;
	return h;
}

static struct board *find_board(const char *id)
{
	int i;

	for (i = 0; i < nboards; i++)
		if (!strcmp(boards[i].id, id))
			return &boards[i];
	return NULL;
}

/* Preview k (1-based) of a board: its date and name part. */
static void preview_name(const struct board *b, const char *variant, int k, const char *ext,
			 char *out, size_t cap)
{
	char hash[16];

	snprintf(hash, sizeof(hash), "%09llx",
		 (unsigned long long)(fnv(&k, sizeof(k), 14695981039346656037ull) & 0xfffffffffull));
	snprintf(out, cap, "%s%s%s-202505%02d-v%s-preview.%d.g%s.%s", b->id, *variant ? "-" : "",
		 variant, k % 28 + 1, PREVIEW_BASE, k, hash, ext);
}

/* Call fn for every file of a board, newest first. */
static void each_file(const struct board *b, void (*fn)(const char *name, void *), void *ctx)
{
	char name[256], exts[64], *e, *save;
	int k, v, n = previews + b->bumps;

	for (k = n; k >= 1; k--)
		for (v = 0; v < 5 && b->variants[v]; v++) {
			snprintf(exts, sizeof(exts), "%s", b->exts);
			for (e = strtok_r(exts, " ", &save); e; e = strtok_r(NULL, " ", &save)) {
				preview_name(b, b->variants[v], k, e, name, sizeof(name));
				fn(name, ctx);
			}
		}
	for (k = NREL - 1; k >= b->first; k--)
		for (v = 0; v < 5 && b->variants[v]; v++) {
			snprintf(exts, sizeof(exts), "%s", b->exts);
			for (e = strtok_r(exts, " ", &save); e; e = strtok_r(NULL, " ", &save)) {
				if (b->legacy && k == 0)
					snprintf(name, sizeof(name), "%s-%s-v%s.%s", b->legacy,
						 releases[k].date, releases[k].version, e);
				else
					snprintf(name, sizeof(name), "%s%s%s-%s-v%s.%s", b->id,
						 *b->variants[v] ? "-" : "", b->variants[v],
						 releases[k].date, releases[k].version, e);
				fn(name, ctx);
			}
		}
	if (b->legacy) {	/* a pre-1.22 nightly under the old name */
		snprintf(name, sizeof(name), "%s-20220805-unstable-v1.19.1-250-g8c3d2a7a1.uf2",
			 b->legacy);
		fn(name, ctx);
	}
}

struct page_ctx { struct str *out; const char *want; int found; };

static void link_file(const char *name, void *ctx)
{
	struct page_ctx *p = ctx;

	addf(p->out, "<li><a href=\"/resources/firmware/%s\">%s</a></li>\n", name, name);
}

static void match_file(const char *name, void *ctx)
{
	struct page_ctx *p = ctx;

	if (!strcmp(name, p->want))
		p->found = 1;
}

static void header(struct str *o, const char *title)
{
	addf(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	     "<title>MicroPython - %s</title><link rel=\"stylesheet\" href=\"/static/css/"
	     "style.css\"></head>\n<body><nav><a href=\"/\">home</a> <a href=\"/download/\">"
	     "download</a></nav>\n", title);
}

static int index_page(const char *port, struct str *o)
{
	int i;

	header(o, "Download");
	addf(o, "<div class=\"board-list\">\n");
	for (i = 0; i < nboards; i++)
		if (!strcmp(boards[i].port, port))
			addf(o, "<a class=\"board-card\" href=\"%s\"><div class=\"board-name\">"
			     "%s</div><img src=\"/resources/boards/%s.jpg\"></a>\n",
			     boards[i].id, boards[i].id, boards[i].id);
	addf(o, "</div></body></html>\n");
	return 0;
}

static int board_page(const struct board *b, struct str *o)
{
	struct page_ctx p = { o, NULL, 0 };
	long i;

	header(o, b->id);
	{
	addf(o, "<h1>%s</h1>\n<div class=\"description\">", b->id);
	static const char para[] = "<p>Board description text, features, pinout and notes.</p>\n";

	for (i = 0; i < pad; i += (long)sizeof(para) - 1)	/* text and images of real pages */
		add(o, para, sizeof(para) - 1);
	}
	addf(o, "</div>\n<h2>Firmware</h2>\n<ul>\n");
	each_file(b, link_file, &p);
	addf(o, "</ul>\n<a href=\"/download/\">back</a></body></html>\n");
	return 0;
}

/* --banners: "MicroPython vX.Y.Z on DATE; MACHINE\0" for a file named
 * BOARD-DATE-vX.Y.Z.uf2 (or BOARD-vX.Y.Z.uf2); MACHINE as the Picos and
 * the pyboard print it, the board id for others. */
static void banner_of(const char *name, char *out, size_t n)
{
	const char *v = strstr(name, "-v"), *dot = strrchr(name, '.');
	const char *machine = !strncmp(name, "RPI_PICO_W-", 11) ? "Raspberry Pi Pico W with RP2040" :
			      !strncmp(name, "RPI_PICO-", 9) ? "Raspberry Pi Pico with RP2040" :
			      !strncmp(name, "PYBV11-", 7) ? "PYBv1.1 with STM32F405RG" : NULL;
	int blen = (int)strcspn(name, "-");

	if (!v || !dot || dot < v)
		return;
	memset(out, 0, n);
	if (machine)
		snprintf(out, n, "MicroPython v%.*s on 2025-01-01; %s", (int)(dot - v - 2), v + 2, machine);
	else
		snprintf(out, n, "MicroPython v%.*s on 2025-01-01; %.*s", (int)(dot - v - 2), v + 2,
			 blen, name);
}

/* The deterministic bytes of the files (Knuth's MMIX LCG). */
static uint64_t lcg(uint64_t *x)
{
	*x = *x * 6364136223846793005ull + 1442695040888963407ull;
	return *x;
}

/* A real DfuSe file, as MicroPython's stm32 builds ship: one target, one
 * element at the start of flash holding deterministic bytes (the banner
 * first with --banners), the ST bootloader's ids in the suffix; size
 * counts the whole file. */
static void dfu_body(const char *name, long size, struct str *o, uint64_t x)
{
	long n = size - (11 + 274 + 8 + 16), i;
	struct mpf_dfuse_target t = { 0 };
	struct mpf_dfuse_file f = { 0x0483, 0xdf11, 0xffff, &t, 1 };
	struct mpf_dfuse_element el;
	struct mpf_buf out = MPF_BUF_INIT;
	unsigned char *data;

	if (n < 256)
		n = 256;
	data = mpf_xcalloc((size_t)n, 1);
	for (i = 0; i < n; i++)
		data[i] = (unsigned char)(lcg(&x) >> 56);
	if (banners)
		banner_of(name, (char *)data, 256);
	el = (struct mpf_dfuse_element){ 0x08000000, (uint32_t)n, data };
	snprintf(t.name, sizeof(t.name), "ST...");
	t.el = &el;
	t.n = 1;
	mpf_dfuse_file_write(&f, 0, &out);
	add(o, out.buf, out.len);
	mpf_buf_release(&out);
	free(data);
}

/* The bytes of a file: deterministic; UF2 images are real UF2 blocks,
 * .dfu files real DfuSe files. */
static void file_body(const char *name, long size, struct str *o, int corrupt)
{
	static const struct { const char *port; uint32_t family; } fams[] = {
		{ "rp2", 0xe48bff56 }, { "samd", 0x55114460 }, { "nrf", 0xada52840 },
	};
	const char *dot = strrchr(name, '.');
	uint64_t x = fnv(name, strlen(name), 14695981039346656037ull) + (uint64_t)corrupt;
	uint32_t fam = 0xe48bff56, blk[128];
	long i, nblk;
	int k;

	if (dot && !strcmp(dot, ".uf2")) {
		struct board *b = NULL;

		for (k = 0; k < nboards && !b; k++)
			if (!strncmp(name, boards[k].id, strlen(boards[k].id)))
				b = &boards[k];
		for (k = 0; b && k < 3; k++)
			if (!strcmp(b->port, fams[k].port))
				fam = fams[k].family;
		nblk = (size + 511) / 512;
		for (i = 0; i < nblk; i++) {
			memset(blk, 0, sizeof(blk));
			blk[0] = 0x0A324655, blk[1] = 0x9E5D5157, blk[2] = 0x2000;
			blk[3] = 0x10000000u + (uint32_t)i * 256, blk[4] = 256;
			blk[5] = (uint32_t)i, blk[6] = (uint32_t)nblk, blk[7] = fam;
			for (k = 8; k < 8 + 64; k++)
				blk[k] = (uint32_t)(lcg(&x) >> 32);
			if (i == 0 && banners)
				banner_of(name, (char *)&blk[8], 256);
			blk[127] = 0x0AB16F30;
			add(o, blk, 512);
		}
		return;
	}
	if (dot && !strcmp(dot, ".dfu")) {
		dfu_body(name, size, o, x);
		return;
	}
	/* A .bin starts like an ESP image: magic, segment count, flash mode
	 * (DIO), size and frequency (4 MB, 40 MHz), as esptool writes them. */
	static const unsigned char esp_head[] = { 0xE9, 0x03, 0x02, 0x20 };
	for (i = 0; i < size; i++) {
		unsigned char c = (unsigned char)(lcg(&x) >> 56);

		if (i < 4 && dot && !strcmp(dot, ".bin"))
			c = esp_head[i];
		add(o, &c, 1);
	}
}

/* Take one use of a fault on name; returns its kind or NULL. */
static const char *take_fault(const char *name, char *kind, size_t cap)
{
	int i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < nfaults; i++)
		if (!strcmp(faults[i].name, name) && faults[i].count) {
			if (faults[i].count > 0)
				faults[i].count--;
			snprintf(kind, cap, "%s", faults[i].kind);
			pthread_mutex_unlock(&lock);
			return kind;
		}
	pthread_mutex_unlock(&lock);
	return NULL;
}

static long current_rate(void)
{
	long r;

	pthread_mutex_lock(&lock);
	r = rate;
	pthread_mutex_unlock(&lock);
	return r;
}

static int send_all(int fd, const char *p, size_t n, int paced)
{
	while (n) {
		size_t chunk = n;
		ssize_t w;
		long bps = current_rate();

		if (paced && bps > 0 && chunk > (size_t)(bps / 50 > 0 ? bps / 50 : 1))
			chunk = (size_t)(bps / 50 > 0 ? bps / 50 : 1);
		w = send(fd, p, chunk, MSG_NOSIGNAL);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
		if (paced && bps > 0)
			usleep((useconds_t)((uint64_t)w * 1000000 / (uint64_t)bps));
	}
	return 0;
}

static void http_date(const char *yyyymmdd, char *out, size_t cap)
{
	struct tm tm = { 0 };
	time_t t;

	sscanf(yyyymmdd, "%4d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = 12;
	t = timegm(&tm);
	strftime(out, cap, "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&t, &tm));
}

struct req {
	char method[16], path[1024];
	char inm[256], ims[64], range[64], ifrange[256];
	int close;
};

static int reply(int fd, int code, const char *reason, const char *extra, const char *body,
		 size_t len, int head_only)
{
	char h[1024];
	int n = snprintf(h, sizeof(h), "HTTP/1.1 %d %s\r\nServer: mpmirror\r\nContent-Length: %zu"
			 "\r\n%s\r\n", code, reason, len, extra ? extra : "");

	if (send_all(fd, h, (size_t)n, 0))
		return -1;
	return head_only || !len ? 0 : send_all(fd, body, len, 1);
}

/* A page with validators; 304 when the client has it. */
static int serve_page(int fd, const struct req *r, struct str *body, const char *lmdate)
{
	char etag[40], lm[64], extra[256];

	snprintf(etag, sizeof(etag), "\"%016llx\"",
		 (unsigned long long)fnv(body->s, body->len, 14695981039346656037ull));
	http_date(lmdate, lm, sizeof(lm));
	snprintf(extra, sizeof(extra), "Content-Type: text/html; charset=utf-8\r\nETag: %s\r\n"
		 "Last-Modified: %s\r\n", etag, lm);
	if (no_validators)	/* a server that sends neither */
		return reply(fd, 200, "OK", "Content-Type: text/html; charset=utf-8\r\n", body->s,
			     body->len, 0);
	pthread_mutex_lock(&lock);
	stats.pages++;
	pthread_mutex_unlock(&lock);
	/* If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2) */
	if ((*r->inm && !strcmp(r->inm, etag)) || (!*r->inm && *r->ims && !strcmp(r->ims, lm))) {
		pthread_mutex_lock(&lock);
		stats.not_modified++;
		pthread_mutex_unlock(&lock);
		snprintf(extra, sizeof(extra), "ETag: %s\r\nLast-Modified: %s\r\n", etag, lm);
		return reply(fd, 304, "Not Modified", extra, NULL, 0, 1);
	}
	return reply(fd, 200, "OK", extra, body->s, body->len, 0);
}

static const char *newest_date(const struct board *b)
{
	return b->bumps ? "20250901" : releases[NREL - 1].date;
}

static int serve_file(int fd, struct req *r, const char *name)
{
	struct str body = { 0 };
	char kind[16] = "", extra[512], tag[40], lm[64];
	long from = 0, to, total;
	int code = 200, rc;

	take_fault(name, kind, sizeof(kind));
	if (!strcmp(kind, "404"))
		return reply(fd, 404, "Not Found", NULL, "not found\n", 10, 0);
	if (!strcmp(kind, "500"))
		return reply(fd, 500, "Internal Server Error", NULL, "oops\n", 5, 0);
	if (!strcmp(kind, "html"))	/* a captive portal's page, with 200 */
		return reply(fd, 200, "OK", "Content-Type: text/html\r\n",
			     "<html><body>Please log in</body></html>\n", 40, 0);
	file_body(name, file_size + (!strcmp(kind, "size") ? 64 : 0), &body, !strcmp(kind, "corrupt"));
	total = (long)body.len;
	to = total - 1;
	/* the file's validators: its bytes' hash (a "corrupt" or "size"
	 * fault is a changed file) and a fixed date */
	snprintf(tag, sizeof(tag), "\"%016llx\"",
		 (unsigned long long)fnv(body.s, body.len, 14695981039346656037ull));
	http_date(releases[0].date, lm, sizeof(lm));
	/* If-Range: the range only if the file is still the one named
	 * (RFC 9110 13.1.5), else the whole file */
	if (*r->range && *r->ifrange && (no_validators || (strcmp(r->ifrange, tag) &&
							   strcmp(r->ifrange, lm)))) {
		r->range[0] = '\0';
		pthread_mutex_lock(&lock);
		stats.ifrange_miss++;
		pthread_mutex_unlock(&lock);
	}
	if (*r->range) {
		if (sscanf(r->range, "bytes=%ld-%ld", &from, &to) < 1 || from < 0) {
			free(body.s);
			return reply(fd, 400, "Bad Request", NULL, "bad range\n", 10, 0);
		}
		if (to >= total)
			to = total - 1;
		if (from >= total) {
			snprintf(extra, sizeof(extra), "Content-Range: bytes */%ld\r\n", total);
			free(body.s);
			return reply(fd, 416, "Range Not Satisfiable", extra, NULL, 0, 0);
		}
		code = 206;
		pthread_mutex_lock(&lock);
		stats.ranges++;
		pthread_mutex_unlock(&lock);
	}
	if (no_validators)
		tag[0] = lm[0] = '\0';
	snprintf(extra, sizeof(extra), "Content-Type: application/octet-stream\r\n"
		 "Accept-Ranges: bytes\r\n%s%s%s%s%s%s", *tag ? "ETag: " : "", tag,
		 *tag ? "\r\n" : "", *lm ? "Last-Modified: " : "", lm, *lm ? "\r\n" : "");
	if (code == 206)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 "Content-Range: bytes %ld-%ld/%ld\r\n", from, to, total);
	pthread_mutex_lock(&lock);
	stats.files++;
	stats.bytes += to - from + 1;
	pthread_mutex_unlock(&lock);
	if (!strcmp(kind, "drop") || !strcmp(kind, "stall")) {
		char h[1024];
		int n = snprintf(h, sizeof(h), "HTTP/1.1 %d %s\r\nContent-Length: %ld\r\n%s\r\n",
				 code, code == 206 ? "Partial Content" : "OK", to - from + 1, extra);
		long half = (to - from + 1) / 2;

		send_all(fd, h, (size_t)n, 0);
		send_all(fd, body.s + from, (size_t)half, 1);
		if (!strcmp(kind, "stall"))
			sleep(600);
		free(body.s);
		return -1;	/* close the connection mid-body */
	}
	rc = reply(fd, code, code == 206 ? "Partial Content" : "OK", extra, body.s + from,
		   (size_t)(to - from + 1), !strcmp(r->method, "HEAD"));
	free(body.s);
	return rc;
}

static const char *query(const char *path, const char *key, char *out, size_t cap)
{
	const char *q = strchr(path, '?'), *p;
	size_t n = strlen(key);

	out[0] = '\0';
	for (p = q; p; p = strchr(p + 1, '&'))
		if (!strncmp(p + 1, key, n) && p[1 + n] == '=') {
			snprintf(out, cap, "%.*s", (int)strcspn(p + 2 + n, "&"), p + 2 + n);
			return out;
		}
	return NULL;
}

static int control(int fd, const char *path)
{
	char name[160], kind[16], count[16], buf[512];
	struct str o = { 0 };
	int rc;

	if (!strncmp(path, "/_sim/fault?", 12) && query(path, "name", name, sizeof(name)) &&
	    query(path, "kind", kind, sizeof(kind))) {
		pthread_mutex_lock(&lock);
		if (nfaults < 32) {
			struct fault *f = &faults[nfaults++];

			snprintf(f->name, sizeof(f->name), "%s", name);
			snprintf(f->kind, sizeof(f->kind), "%s", kind);
			f->count = query(path, "count", count, sizeof(count)) ? atoi(count) : 1;
		}
		pthread_mutex_unlock(&lock);
		return reply(fd, 200, "OK", NULL, "ok\n", 3, 0);
	}
	if (!strncmp(path, "/_sim/bump?", 11) && query(path, "board", name, sizeof(name))) {
		struct board *b = find_board(name);

		if (!b)
			return reply(fd, 404, "Not Found", NULL, "no such board\n", 14, 0);
		pthread_mutex_lock(&lock);
		b->bumps++;
		pthread_mutex_unlock(&lock);
		return reply(fd, 200, "OK", NULL, "ok\n", 3, 0);
	}
	if (!strncmp(path, "/_sim/rate?", 11) && query(path, "bps", count, sizeof(count))) {
		pthread_mutex_lock(&lock);
		rate = atol(count);
		pthread_mutex_unlock(&lock);
		return reply(fd, 200, "OK", NULL, "ok\n", 3, 0);
	}
	if (!strcmp(path, "/_sim/reset")) {
		pthread_mutex_lock(&lock);
		memset(&stats, 0, sizeof(stats));
		nfaults = 0;
		pthread_mutex_unlock(&lock);
		return reply(fd, 200, "OK", NULL, "ok\n", 3, 0);
	}
	if (!strcmp(path, "/_sim/stats")) {
		pthread_mutex_lock(&lock);
		snprintf(buf, sizeof(buf), "{\"requests\":%ld,\"not_modified\":%ld,\"pages\":%ld,"
			 "\"files\":%ld,\"bytes\":%ld,\"ranges\":%ld,\"ifrange_miss\":%ld}\n",
			 stats.requests, stats.not_modified, stats.pages, stats.files, stats.bytes,
			 stats.ranges, stats.ifrange_miss);
		pthread_mutex_unlock(&lock);
		add(&o, buf, strlen(buf));
		rc = reply(fd, 200, "OK", "Content-Type: application/json\r\n", o.s, o.len, 0);
		free(o.s);
		return rc;
	}
	return reply(fd, 400, "Bad Request", NULL, "bad control request\n", 20, 0);
}

/* Faults on pages, named by their path ("download/RPI_PICO/"):
 * 404, 500, drop (headers and half a body, then close). */
static int page_fault(int fd, const char *name, int *rc)
{
	static const char half[] = "<!DOCTYPE html>\n<html><body><a class=\"board-card\" hr";
	char kind[16], h[256];
	int n;

	if (!take_fault(name, kind, sizeof(kind)))
		return 0;
	if (!strcmp(kind, "404"))
		*rc = reply(fd, 404, "Not Found", NULL, "not found\n", 10, 0);
	else if (!strcmp(kind, "500"))
		*rc = reply(fd, 500, "Internal Server Error", NULL, "oops\n", 5, 0);
	else {
		n = snprintf(h, sizeof(h), "HTTP/1.1 200 OK\r\nContent-Length: 4000\r\n\r\n%s", half);
		send_all(fd, h, (size_t)n, 0);
		*rc = -1;
	}
	return 1;
}

static int route(int fd, struct req *r)
{
	char port[32], id[160];
	struct str body = { 0 };
	struct page_ctx pc;
	struct board *b;
	const char *p = r->path;
	int rc;

	if (!strncmp(p, "/_sim/", 6))
		return control(fd, p);
	pthread_mutex_lock(&lock);
	stats.requests++;
	pthread_mutex_unlock(&lock);
	if (latency_ms)
		usleep((useconds_t)latency_ms * 1000);
	if (!strncmp(p, "/download", 9) && page_fault(fd, p + 1, &rc))
		return rc;
	if ((!strncmp(p, "/download/?", 11) || !strncmp(p, "/download?", 10)) &&
	    query(p, "port", port, sizeof(port))) {
		index_page(port, &body);
		rc = serve_page(fd, r, &body, releases[NREL - 1].date);
		free(body.s);
		return rc;
	}
	if (!strncmp(p, "/download/", 10) && p[10]) {
		snprintf(id, sizeof(id), "%.*s", (int)strcspn(p + 10, "/?"), p + 10);
		pthread_mutex_lock(&lock);
		b = find_board(id);
		if (b)
			board_page(b, &body);
		pthread_mutex_unlock(&lock);
		if (!b)
			return reply(fd, 404, "Not Found", NULL, "no such board\n", 14, 0);
		rc = serve_page(fd, r, &body, newest_date(b));
		free(body.s);
		return rc;
	}
	if (!strncmp(p, "/resources/firmware/", 20)) {
		const char *name = p + 20;
		int i;

		pc.want = name;
		pc.found = 0;
		pthread_mutex_lock(&lock);
		for (i = 0; i < nboards && !pc.found; i++)
			each_file(&boards[i], match_file, &pc);
		pthread_mutex_unlock(&lock);
		if (!pc.found)
			return reply(fd, 404, "Not Found", NULL, "not found\n", 10, 0);
		return serve_file(fd, r, name);
	}
	return reply(fd, 404, "Not Found", NULL, "not found\n", 10, 0);
}

/* Parse one request head; 0 ok, -1 malformed (message on stderr). */
static int parse_head(char *head, struct req *r)
{
	char *line, *save, version[16];

	memset(r, 0, sizeof(*r));
	line = strtok_r(head, "\r\n", &save);
	if (!line || sscanf(line, "%15s %1023s %15s", r->method, r->path, version) != 3 ||
	    strncmp(version, "HTTP/1.", 7)) {
		fprintf(stderr, "mpmirror: malformed request line: %.80s\n", line ? line : "");
		return -1;
	}
	r->close = !strcmp(version, "HTTP/1.0");
	while ((line = strtok_r(NULL, "\r\n", &save))) {
		char *v = strchr(line, ':');

		if (!v) {
			fprintf(stderr, "mpmirror: malformed header: %.80s\n", line);
			return -1;
		}
		*v++ = '\0';
		while (*v == ' ')
			v++;
		if (!strcasecmp(line, "If-None-Match"))
			snprintf(r->inm, sizeof(r->inm), "%s", v);
		else if (!strcasecmp(line, "If-Modified-Since"))
			snprintf(r->ims, sizeof(r->ims), "%s", v);
		else if (!strcasecmp(line, "Range"))
			snprintf(r->range, sizeof(r->range), "%s", v);
		else if (!strcasecmp(line, "If-Range"))
			snprintf(r->ifrange, sizeof(r->ifrange), "%s", v);
		else if (!strcasecmp(line, "Connection") && !strcasecmp(v, "close"))
			r->close = 1;
	}
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
		fprintf(stderr, "mpmirror: unexpected method %s\n", r->method);
		return -1;
	}
	return 0;
}

static void *conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[16384];
	size_t have = 0;

	for (;;) {
		char *end;
		ssize_t n;
		struct req r;
		size_t used;

		while (!(end = memmem(buf, have, "\r\n\r\n", 4))) {
			if (have == sizeof(buf) - 1) {
				fprintf(stderr, "mpmirror: request head too long\n");
				reply(fd, 400, "Bad Request", NULL, "", 0, 0);
				goto out;
			}
			n = recv(fd, buf + have, sizeof(buf) - 1 - have, 0);
			if (n <= 0)
				goto out;
			have += (size_t)n;
		}
		*end = '\0';
		used = (size_t)(end + 4 - buf);
		if (parse_head(buf, &r)) {
			reply(fd, 400, "Bad Request", "Connection: close\r\n", "bad request\n", 12, 0);
			goto out;
		}
		if (route(fd, &r) < 0 || r.close)
			goto out;
		memmove(buf, buf + used, have - used);
		have -= used;
	}
out:
	close(fd);
	return NULL;
}

static int write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}

static char dump_dir[512];

static void dump_one(const char *name, void *ctx)
{
	struct str body = { 0 };
	char path[1024];

	snprintf(path, sizeof(path), "%s/resources/firmware/%s", dump_dir, name);
	file_body(name, file_size, &body, 0);
	write_file(path, body.s, body.len);
	free(body.s);
}

static int dump(const char *dir)
{
	char path[1024];
	struct str body;
	int i;

	snprintf(dump_dir, sizeof(dump_dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/download", dir);
	mkdir(dir, 0755);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/resources", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/resources/firmware", dir);
	mkdir(path, 0755);
	for (i = 0; ports[i]; i++) {
		memset(&body, 0, sizeof(body));
		index_page(ports[i], &body);
		snprintf(path, sizeof(path), "%s/download/index.html?port=%s", dir, ports[i]);
		write_file(path, body.s, body.len);
		free(body.s);
	}
	for (i = 0; i < nboards; i++) {
		memset(&body, 0, sizeof(body));
		board_page(&boards[i], &body);
		snprintf(path, sizeof(path), "%s/download/%s", dir, boards[i].id);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/download/%s/index.html", dir, boards[i].id);
		write_file(path, body.s, body.len);
		free(body.s);
		each_file(&boards[i], dump_one, NULL);
	}
	return 0;
}

static void add_extra(int n)
{
	int i, k;

	for (k = 0; ports[k] && k < 3; k++)	/* rp2, esp32, esp8266 */
		for (i = 0; i < n && nboards < 64; i++) {
			struct board *b = &boards[nboards];

			snprintf(extra_names[nboards], sizeof(extra_names[0]), "SIM_%s_BOARD_%d",
				 ports[k], i);
			for (char *c = extra_names[nboards]; *c; c++)
				if (*c >= 'a' && *c <= 'z')
					*c = (char)(*c - 'a' + 'A');
			*b = (struct board){ ports[k], extra_names[nboards], { "" }, 3,
					     k ? "bin" : "uf2", NULL, 0 };
			nboards++;
		}
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int i, s, one = 1, port = 0;
	const char *dumpto = NULL;

	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v) {
			fprintf(stderr, "mpmirror: %s needs a value\n", o);
			return 2;
		}
		if (!strcmp(o, "--port")) port = atoi(v);
		else if (!strcmp(o, "--rate")) rate = atol(v);
		else if (!strcmp(o, "--latency")) latency_ms = atol(v);
		else if (!strcmp(o, "--previews")) previews = atoi(v);
		else if (!strcmp(o, "--size")) file_size = atol(v);
		else if (!strcmp(o, "--pad")) pad = atol(v);
		else if (!strcmp(o, "--extra-boards")) add_extra(atoi(v));
		else if (!strcmp(o, "--dump")) dumpto = v;
		else if (!strcmp(o, "--no-validators")) no_validators = atoi(v);
		else if (!strcmp(o, "--banners")) banners = atoi(v);
		else {
			fprintf(stderr, "mpmirror: unknown option %s\n", o);
			return 2;
		}
		i++;
	}
	if (dumpto)
		return dump(dumpto);
	signal(SIGPIPE, SIG_IGN);
	s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 64) ||
	    getsockname(s, (struct sockaddr *)&a, &alen)) {
		perror("mpmirror");
		return 1;
	}
	printf("%d\n", ntohs(a.sin_port));
	fflush(stdout);
	for (;;) {
		int c = accept(s, NULL, NULL);
		pthread_t t;

		if (c < 0) {
			if (errno == EINTR)
				continue;
			perror("mpmirror: accept");
			return 1;
		}
		/* headers and body go out in separate writes: without NODELAY,
		 * Nagle and delayed ACKs add 40 ms to every reply */
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (pthread_create(&t, NULL, conn, (void *)(intptr_t)c)) {
			close(c);
			continue;
		}
		pthread_detach(t);
	}
}
