/* mirror.c - parse micropython.org download pages and firmware names. */
#include "mirror.h"
#include "buf.h"
#include "err.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct tag {
	char cls[256];
	char href[512];
};

static int lower(int c)
{
	return tolower((unsigned char)c);
}

/* Copy an attribute value, decoding the entities hrefs carry (&amp;). */
static void copy_value(char *dst, size_t cap, const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < cap; i++) {
		if (s[i] == '&' && n - i >= 5 && !strncmp(s + i, "&amp;", 5)) {
			dst[o++] = '&';
			i += 4;
		} else {
			dst[o++] = s[i];
		}
	}
	dst[o] = '\0';
	if (i < n)		/* too long: not a value we want */
		dst[0] = '\0';
}

/* Parse the attributes of one tag starting at p (after "<a"); returns the
 * position after '>', or NULL when the input ends first. */
static const char *parse_attrs(const char *p, const char *end, struct tag *t)
{
	t->cls[0] = t->href[0] = '\0';
	while (p < end && *p != '>') {
		const char *name, *val;
		size_t nlen, vlen = 0;

		while (p < end && isspace((unsigned char)*p))
			p++;
		name = p;
		while (p < end && !isspace((unsigned char)*p) && *p != '=' && *p != '>')
			p++;
		nlen = (size_t)(p - name);
		if (p < end && *p == '=') {
			char q = 0;

			p++;
			if (p < end && (*p == '"' || *p == '\''))
				q = *p++;
			val = p;
			while (p < end && (q ? *p != q : !isspace((unsigned char)*p) && *p != '>'))
				p++;
			vlen = (size_t)(p - val);
			if (q && p < end)
				p++;
			if (nlen == 5 && !strncasecmp(name, "class", 5))
				copy_value(t->cls, sizeof(t->cls), val, vlen);
			else if (nlen == 4 && !strncasecmp(name, "href", 4))
				copy_value(t->href, sizeof(t->href), val, vlen);
		} else if (!nlen && p < end && *p != '>') {
			p++;	/* stray character such as '/' */
		}
	}
	return p < end ? p + 1 : NULL;	/* a tag cut off by the end of input */
}

/* Call fn for each <a> tag of html. */
static void each_anchor(const char *html, size_t len,
			void (*fn)(const struct tag *, void *), void *ctx)
{
	const char *p = html, *end = html + len;
	struct tag t;

	while (p + 2 < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));

		if (!lt || lt + 2 >= end)
			break;
		p = lt + 1;
		if (lower(p[0]) != 'a' || !isspace((unsigned char)p[1]))
			continue;
		p = parse_attrs(p + 1, end, &t);
		if (!p)
			break;
		fn(&t, ctx);
	}
}

static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || isspace((unsigned char)p[-1])) &&
		    (!p[n] || isspace((unsigned char)p[n])))
			return 1;
		p += n;
	}
	return 0;
}

int mpf_mirror_valid_id(const char *s, int dash)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && !(dash && s[i] == '-'))
			return 0;
	return i > 0 && i < 64;
}

struct collect {
	mpf_mirror_fn fn;
	void *ctx;
	char seen[8192];	/* "\nID\n" list, to report each once */
	size_t used;
};

static void emit_once(struct collect *c, const char *id)
{
	char key[80];
	size_t n;

	snprintf(key, sizeof(key), "\n%s\n", id);
	if (strstr(c->seen, key))
		return;
	n = strlen(key);
	if (c->used + n < sizeof(c->seen)) {
		memcpy(c->seen + c->used, key, n + 1);
		c->used += n - 1;	/* keep the trailing '\n' as the next leading one */
	}
	c->fn(c->ctx, id);
}

/* The last path segment of an href: "/download/RPI_PICO/?x#y" -> "RPI_PICO". */
static void last_segment(const char *href, char *out, size_t cap)
{
	size_t n = strcspn(href, "?#");
	const char *s;

	while (n && href[n - 1] == '/')
		n--;
	for (s = href + n; s > href && s[-1] != '/'; s--)
		;
	snprintf(out, cap, "%.*s", (int)(href + n - s), s);
}

static void index_tag(const struct tag *t, void *ctx)
{
	char id[128];

	if (!has_word(t->cls, "board-card") || !t->href[0])
		return;
	last_segment(t->href, id, sizeof(id));
	if (mpf_mirror_valid_id(id, 1))
		emit_once(ctx, id);
}

void mpf_mirror_index_boards(const char *html, size_t len, mpf_mirror_fn fn, void *ctx)
{
	struct collect c = { fn, ctx, "\n", 0 };

	each_anchor(html, len, index_tag, &c);
}

static void board_tag(const struct tag *t, void *ctx)
{
	static const char dir[] = "/resources/firmware/";
	const char *p = strstr(t->href, dir);
	char name[256];

	if (!p)
		return;
	p += sizeof(dir) - 1;
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(p, "?#"), p);
	/* file names are [A-Za-z0-9._-]: anything else would need escaping
	 * in URLs and paths, and no real firmware name has it */
	if (name[0] && name[0] != '.' && !name[strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"abcdefghijklmnopqrstuvwxyz0123456789._-")])
		emit_once(ctx, name);
}

void mpf_mirror_board_files(const char *html, size_t len, mpf_mirror_fn fn, void *ctx)
{
	struct collect c = { fn, ctx, "\n", 0 };

	each_anchor(html, len, board_tag, &c);
}

/* Formats mpf can flash (mpflash's PORT_FWTYPES plus the hex/elf an SWD
 * probe takes); .map, .app-bin and the like are not firmware images. */
static const char *const formats[] = { "uf2", "bin", "dfu", "hex", "elf", NULL };

/* "-YYYYMMDD-" at s? */
static int is_date(const char *s)
{
	int i;

	if (s[0] != '-' || s[9] != '-')
		return 0;
	for (i = 1; i <= 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int find_format(const char *name, size_t *stem_len, struct mpf_fwname *fw)
{
	const char *dot = strrchr(name, '.');
	int i;

	if (!dot || dot == name)
		return MPF_ERR_FORMAT;
	for (i = 0; formats[i]; i++)
		if (!strcmp(dot + 1, formats[i]))
			break;
	if (!formats[i])
		return strlen(dot + 1) < sizeof(fw->format) && dot[1] ? MPF_ERR_SUPP : MPF_ERR_FORMAT;
	snprintf(fw->format, sizeof(fw->format), "%s", formats[i]);
	*stem_len = (size_t)(dot - name);
	return 0;
}

/* Split the part before the date into board and variant. */
static int split_board(const char *stem, size_t n, const char *board, struct mpf_fwname *fw)
{
	size_t bl = board ? strlen(board) : 0;

	if (!n || n >= sizeof(fw->board) + sizeof(fw->variant))
		return MPF_ERR_FORMAT;
	if (board && n >= bl && !strncmp(stem, board, bl) && (n == bl || stem[bl] == '-')) {
		snprintf(fw->board, sizeof(fw->board), "%s", board);
		snprintf(fw->variant, sizeof(fw->variant), "%.*s", (int)(n > bl ? n - bl - 1 : 0),
			 stem + bl + 1);
		return n > bl && !mpf_mirror_valid_id(fw->variant, 0) ? MPF_ERR_FORMAT : 0;
	}
	if (board) {		/* an old name on a renamed board's page */
		snprintf(fw->board, sizeof(fw->board), "%s", board);
		fw->legacy = 1;
		return 0;
	}
	bl = strcspn(stem, "-");
	if (bl > n)
		bl = n;
	if (bl >= sizeof(fw->board))
		return MPF_ERR_FORMAT;
	snprintf(fw->board, sizeof(fw->board), "%.*s", (int)bl, stem);
	snprintf(fw->variant, sizeof(fw->variant), "%.*s", (int)(bl < n ? n - bl - 1 : 0),
		 stem + bl + 1);
	return 0;
}

int mpf_mirror_parse_name(const char *name, const char *board, struct mpf_fwname *fw)
{
	char ver[64];
	size_t stem, i;
	const char *d = NULL, *v;
	int r;

	memset(fw, 0, sizeof(*fw));
	if (strchr(name, '/'))
		return MPF_ERR_FORMAT;
	if ((r = find_format(name, &stem, fw)))
		return r;
	/* the last "-YYYYMMDD-" followed by a version is the date */
	for (i = 0; i + 10 < stem; i++)
		if (is_date(name + i)) {
			v = name + i + 10;
			if (!strncmp(v, "unstable-", 9))
				v += 9;
			if (v[0] == 'v' && isdigit((unsigned char)v[1]))
				d = name + i;
		}
	if (!d)
		return MPF_ERR_FORMAT;
	v = d + 10;
	if (!strncmp(v, "unstable-", 9))
		v += 9;
	if ((size_t)(name + stem - v) >= sizeof(ver))
		return MPF_ERR_FORMAT;
	snprintf(ver, sizeof(ver), "%.*s", (int)(name + stem - v), v);
	if (mpf_version_parse(ver, &fw->v))
		return MPF_ERR_FORMAT;
	mpf_version_format(&fw->v, fw->version, sizeof(fw->version));
	snprintf(fw->date, sizeof(fw->date), "%.4s-%.2s-%.2s", d + 1, d + 5, d + 7);
	return split_board(name, (size_t)(d - name), board, fw);
}

/* file:// mirrors hold pages under the names wget gives them. */
static int is_file_url(const char *base)
{
	return !strncmp(base, "file://", 7);
}

char *mpf_mirror_index_url(const char *base, const char *port)
{
	return mpf_xasprintf("%sdownload/%s?port=%s", base, is_file_url(base) ? "index.html" : "",
			     port);
}

char *mpf_mirror_board_url(const char *base, const char *board)
{
	return mpf_xasprintf("%sdownload/%s/%s", base, board, is_file_url(base) ? "index.html" : "");
}

char *mpf_mirror_file_url(const char *base, const char *name)
{
	return mpf_xasprintf("%sresources/firmware/%s", base, name);
}

static int known_format(const char *format)
{
	int i;

	for (i = 0; formats[i]; i++)
		if (!strcmp(format, formats[i]))
			return 1;
	return 0;
}

int mpf_mirror_cache_name(const char *port, const char *board, const char *variant,
			  const struct mpf_version *v, const char *format,
			  char *out, size_t cap)
{
	char build[24] = "";
	int n;

	/* every part comes from a record, a page or a file: each must be a
	 * plain name, or "../../x" would write outside the cache */
	if (!mpf_mirror_valid_id(port, 1) || !mpf_mirror_valid_id(board, 1) ||
	    (variant && *variant && !mpf_mirror_valid_id(variant, 1)) || !known_format(format))
		return MPF_ERR_ARG;
	if (v->preview)
		snprintf(build, sizeof(build), "-preview.%d", v->build);
	n = snprintf(out, cap, "%s/%s%s%s-v%d.%d.%d%s.%s", port, board, variant && *variant ? "-" : "",
		     variant ? variant : "", v->major, v->minor, v->patch, build, format);
	return n < 0 || (size_t)n >= cap ? MPF_ERR_ARG : 0;
}
