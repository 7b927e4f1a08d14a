/* ident.c - the identification script and the host side that reads its
 * output (see ident.h). Rules follow mpflash's mpy_fw_info.py and
 * board-id resolution (doc/boards.md 1, 2) with its known
 * mistakes fixed: build numbers come from "-preview.N.g" and "-N-g" forms
 * explicitly, and a board that cannot be resolved stays without board_id.
 */
#include "ident.h"
#include "boards.h"
#include "err.h"
#include "version.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Kept small: plain raw mode on old boards sends it in 256-byte chunks,
 * and a micro:bit has 16 KiB of RAM. A function keeps the names out of
 * the user's REPL namespace. Every construct here exists in 1.9. */
const char mpf_ident_script[] =
	"def _mpf():\n"
	" import sys\n"
	" u=f=b=t=None\n"
	" try:\n"
	"  import os;u=os.uname()\n"
	" except:pass\n"
	" for n in('pycopy','pycom'):\n"
	"  try:__import__(n);f=n\n"
	"  except:pass\n"
	" try:from boardname import BOARD_ID as b\n"
	" except:pass\n"
	" if sys.implementation.name=='circuitpython':\n"
	"  try:import board;b=board.board_id\n"
	"  except:pass\n"
	" try:h=open('board_info.toml');t=h.read(4096);h.close()\n"
	" except:pass\n"
	" print('mpf1',repr((sys.implementation,u,sys.platform,sys.version,f,b,t)))\n"
	"_mpf()\n"
	"del _mpf\n";

/* ---- Python literals ---- */

struct lit {
	const char *s;
	size_t len, pos;
	struct mpf_buf *err;
	int depth;
};

static void skip_ws(struct lit *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
		p->pos++;
}

static json_t *lit_fail(struct lit *p, const char *what)
{
	mpf_errf(p->err, MPF_ERR_FORMAT, "%s at offset %zu", what, p->pos);
	return NULL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void add_utf8(struct mpf_buf *b, unsigned long cp)
{
	if (cp < 0x80) {
		mpf_buf_addch(b, (int)cp);
	} else if (cp < 0x800) {
		mpf_buf_addch(b, (int)(0xc0 | cp >> 6));
		mpf_buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		mpf_buf_addch(b, (int)(0xe0 | cp >> 12));
		mpf_buf_addch(b, (int)(0x80 | (cp >> 6 & 0x3f)));
		mpf_buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	} else {
		mpf_buf_addch(b, (int)(0xf0 | cp >> 18));
		mpf_buf_addch(b, (int)(0x80 | (cp >> 12 & 0x3f)));
		mpf_buf_addch(b, (int)(0x80 | (cp >> 6 & 0x3f)));
		mpf_buf_addch(b, (int)(0x80 | (cp & 0x3f)));
	}
}

/* The escape after a backslash at p->pos; 0 or -1 when malformed. */
static int lit_escape(struct lit *p, struct mpf_buf *b)
{
	static const char from[] = "nrt0abfv\\'\"", to[] = "\n\r\t\0\a\b\f\v\\'\"";
	const char *e;
	int c = p->s[p->pos++], digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
	unsigned long cp = 0;

	if (digits) {
		while (digits--) {
			int h = p->pos < p->len ? hexval((unsigned char)p->s[p->pos]) : -1;

			if (h < 0)
				return -1;
			cp = cp << 4 | (unsigned long)h;
			p->pos++;
		}
		if (cp > 0x10ffff)
			return -1;
		add_utf8(b, cp);
		return 0;
	}
	e = c ? strchr(from, c) : NULL;
	if (!e)
		return -1;
	mpf_buf_addch(b, to[e - from]);
	return 0;
}

static json_t *lit_str(struct lit *p)
{
	struct mpf_buf b = MPF_BUF_INIT;
	char q = p->s[p->pos++];
	json_t *v;

	while (p->pos < p->len && p->s[p->pos] != q) {
		char c = p->s[p->pos++];

		if (c == '\\') {
			if (p->pos >= p->len || lit_escape(p, &b) < 0) {
				mpf_buf_release(&b);
				return lit_fail(p, "bad escape in string");
			}
		} else {
			mpf_buf_addch(&b, c);
		}
	}
	if (p->pos >= p->len) {
		mpf_buf_release(&b);
		return lit_fail(p, "unterminated string");
	}
	p->pos++;
	v = json_stringn(b.buf ? b.buf : "", b.len);
	if (!v) {
		/* not UTF-8: keep what is printable ASCII */
		size_t i;

		for (i = 0; i < b.len; i++)
			if ((unsigned char)b.buf[i] >= 0x80)
				b.buf[i] = '?';
		v = json_stringn(b.buf, b.len);
	}
	mpf_buf_release(&b);
	return v;
}

static json_t *lit_word(struct lit *p)
{
	static const struct { const char *w; int kind; } words[] = {
		{ "None", 0 }, { "True", 1 }, { "False", 2 },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i].w);

		if (p->len - p->pos >= n && !memcmp(p->s + p->pos, words[i].w, n)) {
			p->pos += n;
			return words[i].kind == 0 ? json_null() : json_boolean(words[i].kind == 1);
		}
	}
	return lit_fail(p, "unexpected word");
}

static json_t *lit_int(struct lit *p)
{
	char tmp[32];
	size_t n = 0;

	if (p->s[p->pos] == '-')
		tmp[n++] = p->s[p->pos++];
	while (p->pos < p->len && isdigit((unsigned char)p->s[p->pos]) && n < sizeof(tmp) - 1)
		tmp[n++] = p->s[p->pos++];
	tmp[n] = 0;
	if (n == 0 || (n == 1 && tmp[0] == '-') || (p->pos < p->len && isdigit((unsigned char)p->s[p->pos])))
		return lit_fail(p, "bad number");
	return json_integer(strtoll(tmp, NULL, 10));
}

static json_t *lit_value(struct lit *p);

/* "name=" at p->pos: the length of name, else 0. */
static size_t lit_field_name(const struct lit *p)
{
	size_t i = p->pos;

	if (i >= p->len || !(isalpha((unsigned char)p->s[i]) || p->s[i] == '_'))
		return 0;
	while (i < p->len && (isalnum((unsigned char)p->s[i]) || p->s[i] == '_'))
		i++;
	return i < p->len && p->s[i] == '=' ? i - p->pos : 0;
}

/* A tuple, or an attrtuple when every item is "name=value". */
static json_t *lit_tuple(struct lit *p)
{
	json_t *arr = json_array(), *obj = json_object(), *v;
	int named = -1;

	p->pos++;
	for (;;) {
		size_t nl;
		char name[64];

		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ')')
			break;
		nl = lit_field_name(p);
		if (named == -1)
			named = nl > 0;
		if ((nl > 0) != named || nl >= sizeof(name))
			goto bad;
		memcpy(name, p->s + p->pos, nl);
		name[nl] = 0;
		p->pos += nl + (nl > 0);
		v = lit_value(p);
		if (!v)
			goto fail;
		if (named)
			json_object_set_new(obj, name, v);
		else
			json_array_append_new(arr, v);
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == ')')
			break;
		goto bad;
	}
	p->pos++;
	if (named == 1) {
		json_decref(arr);
		return obj;
	}
	json_decref(obj);
	return arr;
bad:
	lit_fail(p, "bad tuple");
fail:
	json_decref(arr);
	json_decref(obj);
	return NULL;
}

static json_t *lit_value(struct lit *p)
{
	char c;
	json_t *v;

	skip_ws(p);
	if (p->pos >= p->len)
		return lit_fail(p, "value expected");
	if (++p->depth > 16)
		return lit_fail(p, "nested too deep");
	c = p->s[p->pos];
	if (c == '\'' || c == '"')
		v = lit_str(p);
	else if (c == '(')
		v = lit_tuple(p);
	else if (c == '-' || isdigit((unsigned char)c))
		v = lit_int(p);
	else
		v = lit_word(p);
	p->depth--;
	return v;
}

json_t *mpf_pylit_parse(const char *s, size_t len, size_t *end, struct mpf_buf *err)
{
	struct lit p = { s, len, 0, err, 0 };
	json_t *v = lit_value(&p);

	if (end)
		*end = p.pos;
	return v;
}

/* ---- board_info.toml ---- */

struct toml_line {
	const char *s, *end;
	int lineno;
};

static void tl_ws(struct toml_line *l)
{
	while (l->s < l->end && (*l->s == ' ' || *l->s == '\t'))
		l->s++;
}

/* A TOML string value into out; -1 when malformed. */
static int toml_string(struct toml_line *l, struct mpf_buf *out)
{
	char q = *l->s++;

	while (l->s < l->end && *l->s != q) {
		char c = *l->s++;

		if (c == '\\' && q == '"') {
			struct lit p = { l->s, (size_t)(l->end - l->s), 0, NULL, 0 };

			if (l->s >= l->end || lit_escape(&p, out) < 0)
				return -1;
			l->s += p.pos;
		} else {
			mpf_buf_addch(out, c);
		}
	}
	if (l->s >= l->end)
		return -1;
	l->s++;
	return 0;
}

/* key = value in table; adds what we know to fields. */
static int toml_pair(struct toml_line *l, const char *table, json_t *fields, struct mpf_buf *err)
{
	struct mpf_buf key = MPF_BUF_INIT, val = MPF_BUF_INIT;
	int ours = !*table || !strcmp(table, "mpflash") || !strcmp(table, "mpf"), r = 0;
	json_t *v = NULL;

	while (l->s < l->end && (isalnum((unsigned char)*l->s) || *l->s == '_' || *l->s == '-'))
		mpf_buf_addch(&key, *l->s++);
	tl_ws(l);
	if (!key.len || l->s >= l->end || *l->s++ != '=') {
		r = mpf_errf(err, MPF_ERR_FORMAT, "line %d: expected key = value", l->lineno);
		goto out;
	}
	tl_ws(l);
	if (l->s < l->end && (*l->s == '"' || *l->s == '\'')) {
		if (toml_string(l, &val) < 0) {
			r = mpf_errf(err, MPF_ERR_FORMAT, "line %d: bad string", l->lineno);
			goto out;
		}
		v = json_stringn(mpf_buf_str(&val), val.len);
	} else if (l->end - l->s >= 4 && !memcmp(l->s, "true", 4)) {
		l->s += 4;
		v = json_true();
	} else if (l->end - l->s >= 5 && !memcmp(l->s, "false", 5)) {
		l->s += 5;
		v = json_false();
	} else {
		/* numbers, dates, arrays: not ours, skip the rest */
		l->s = l->end;
	}
	tl_ws(l);
	if (l->s < l->end && *l->s != '#') {
		r = mpf_errf(err, MPF_ERR_FORMAT, "line %d: unexpected text after the value", l->lineno);
		goto out;
	}
	if (ours && v) {
		const char *k = key.buf;
		int is_str = json_is_string(v);

		if ((!strcmp(k, "description") && is_str) || (!strcmp(k, "board_id") && is_str && *table))
			json_object_set(fields, k, v);
		else if (!strcmp(k, "ignore") && json_is_boolean(v) && *table)
			json_object_set(fields, k, v);
	}
out:
	json_decref(v);
	mpf_buf_release(&key);
	mpf_buf_release(&val);
	return r;
}

int mpf_ident_toml(const char *text, size_t len, json_t *fields, struct mpf_buf *err)
{
	const char *p = text, *end = text + len;
	char table[32] = "";
	json_t *tmp = json_object();
	int lineno = 0, r = 0;

	while (p < end && r == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct toml_line l = { p, nl ? nl : end, ++lineno };

		p = nl ? nl + 1 : end;
		if (l.end > l.s && l.end[-1] == '\r')
			l.end--;
		tl_ws(&l);
		if (l.s == l.end || *l.s == '#')
			continue;
		if (*l.s == '[') {
			const char *close = memchr(l.s, ']', (size_t)(l.end - l.s));
			size_t n = close ? (size_t)(close - l.s - 1) : 0;

			if (!close || n == 0) {
				r = mpf_errf(err, MPF_ERR_FORMAT, "line %d: bad table header", lineno);
				break;
			}
			/* tables we do not read still need a name */
			snprintf(table, sizeof(table), "%.*s", (int)(n < sizeof(table) - 1 ? n : 0), l.s + 1);
			if (n >= sizeof(table) - 1)
				strcpy(table, "?");
			continue;
		}
		r = toml_pair(&l, table, tmp, err);
	}
	if (r == 0)
		json_object_update(fields, tmp);
	json_decref(tmp);
	return r;
}

/* ---- interpretation ---- */

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

void mpf_ident_port(const char *platform, char *out, size_t cap)
{
	static const struct { const char *prefix, *port; } renames[] = {
		{ "pyb", "stm32" }, { "win32", "windows" }, { "linux", "unix" },
	};
	const struct mpf_board *rows;
	size_t n, i, best = 0;
	const char *p = platform;

	for (i = 0; i < sizeof(renames) / sizeof(renames[0]); i++)
		if (!strncmp(platform, renames[i].prefix, strlen(renames[i].prefix)))
			p = renames[i].port;
	snprintf(out, cap, "%s", p);
	/* the longest known port the platform starts with: nrf52 -> nrf */
	rows = mpf_boards(&n);
	for (i = 0; i < n; i++) {
		size_t l = strlen(rows[i].port);

		if (l > best && !strncmp(p, rows[i].port, l)) {
			best = l;
			snprintf(out, cap, "%s", rows[i].port);
		}
	}
}

/* Find in text a version token whose X.Y.Z is v's: "v1.23.0-preview.236.g2c8dab7ab"
 * in "v1.23.0-preview.236.g2c8dab7ab on 2024-05-01", "v1.9.2-34-gd64154c73"
 * in the micro:bit's "micro:bit v1.0.1+unknown on ...; MicroPython v1.9.2-34-g...". */
static int find_build(const char *text, const struct mpf_version *v, struct mpf_version *got)
{
	const char *p = text;

	while (p && *p) {
		size_t n = strcspn(p, " ;,()");
		char tok[64];

		if (n && n < sizeof(tok)) {
			memcpy(tok, p, n);
			tok[n] = 0;
			if (!mpf_version_parse(tok, got) && got->major == v->major &&
			    got->minor == v->minor && got->patch == v->patch)
				return 1;
		}
		p += n;
		p += strspn(p, " ;,()");
	}
	return 0;
}

static int impl_version(json_t *impl, struct mpf_version *v)
{
	json_t *t = json_object_get(impl, "version");
	const char *tail;

	memset(v, 0, sizeof(*v));
	if (json_array_size(t) < 3)
		return -1;
	v->major = (int)json_integer_value(json_array_get(t, 0));
	v->minor = (int)json_integer_value(json_array_get(t, 1));
	v->patch = (int)json_integer_value(json_array_get(t, 2));
	tail = json_string_value(json_array_get(t, 3));
	v->preview = tail && *tail;	/* (1, 23, 0, 'preview') */
	return 0;
}

static void set_version(json_t *impl, json_t *uname, const char *sysver, json_t *f)
{
	const char *texts[] = { jstr(uname, "version"), sysver, jstr(uname, "release") };
	const char *rel = jstr(uname, "release");
	struct mpf_version v, b;
	char s[48];
	size_t i;

	if (impl_version(impl, &v) < 0 && (!rel || mpf_version_parse(rel, &v) < 0))
		return;
	for (i = 0; i < 3; i++) {
		if (texts[i] && find_build(texts[i], &v, &b)) {
			v.build = b.build;
			v.dev = b.dev;
			v.preview |= b.preview;
			memcpy(v.hash, b.hash, sizeof(v.hash));
			break;
		}
	}
	/* CircuitPython keeps "-beta.1" out of the tuple */
	if (rel && strchr(rel, '-') && !strcmp(jstr(f, "family"), "circuitpython"))
		v.preview = 1;
	mpf_version_format(&v, s, sizeof(s));
	json_object_set_new(f, "version", json_string(s));
	json_object_set_new(f, "preview", json_boolean(v.preview));
	if (v.build > 0)
		json_object_set_new(f, "build", json_integer(v.build));
}

static void set_mpy(json_t *impl, json_t *f)
{
	/* sys.implementation._mpy (1.20+) or .mpy (1.12 - 1.19): the .mpy
	 * version in bits 0-7, sub-version in 8-9, native arch from bit 10. */
	static const char *const arch[] = {
		NULL, "x86", "x64", "armv6", "armv6m", "armv7m", "armv7em", "armv7emsp",
		"armv7emdp", "xtensa", "xtensawin", "rv32imc", "rv64imc",
	};
	json_t *m = json_object_get(impl, "_mpy");
	long long mpy;
	char s[16];

	if (!m)
		m = json_object_get(impl, "mpy");
	if (!json_is_integer(m))
		return;
	mpy = json_integer_value(m);
	snprintf(s, sizeof(s), "v%lld.%lld", mpy & 0xff, (mpy >> 8) & 3);
	json_object_set_new(f, "mpy", json_string(s));
	if ((size_t)(mpy >> 10) < sizeof(arch) / sizeof(arch[0]) && arch[mpy >> 10])
		json_object_set_new(f, "arch", json_string(arch[mpy >> 10]));
}

static void set_board(json_t *impl, json_t *uname, json_t *f)
{
	const char *m = jstr(impl, "_machine"), *w, *last = NULL;

	if (!m)
		m = jstr(uname, "machine");
	if (!m || !*m)
		return;
	json_object_set_new(f, "board", json_string(m));
	for (w = strstr(m, " with "); w; w = strstr(w + 1, " with "))
		last = w;
	if (last) {
		const char *c = last + 6;
		size_t n = strlen(c);

		while (n && isspace((unsigned char)c[n - 1]))
			n--;
		while (n && isspace((unsigned char)*c))
			c++, n--;
		if (n)
			json_object_set_new(f, "cpu", json_stringn(c, n));
	}
}

/* "ESP32_GENERIC-SPIRAM" -> board_id ESP32_GENERIC, variant SPIRAM. */
static void set_board_id(const char *id, json_t *f)
{
	char b[64], var[32] = "";
	const char *dash = strchr(id, '-');
	size_t n = dash ? (size_t)(dash - id) : strlen(id), l;

	if (n == 0 || n >= sizeof(b))
		return;
	memcpy(b, id, n);
	b[n] = 0;
	if (dash)
		snprintf(var, sizeof(var), "%s", dash + 1);
	/* Pimoroni names size variants PIMORONI_PICOLIPO_16MB: split only
	 * when the table knows that board and variant, not the whole name. */
	l = strlen(b);
	if (!dash && l > 5 && !strcmp(b + l - 2, "MB") && !mpf_board_find(b, NULL)) {
		const char *u = strrchr(b, '_');

		if (u && u > b && isdigit((unsigned char)u[1])) {
			char base[64];

			snprintf(base, sizeof(base), "%.*s", (int)(u - b), b);
			if (mpf_board_find(base, u + 1)) {
				snprintf(var, sizeof(var), "%s", u + 1);
				snprintf(b, sizeof(b), "%s", base);
			}
		}
	}
	json_object_set_new(f, "board_id", json_string(b));
	json_object_set_new(f, "variant", json_string(var));
}

/* A board renamed since (PICO -> RPI_PICO at 1.21, GENERIC_S3 ->
 * ESP32_GENERIC_S3, GENERIC_SPIRAM -> ESP32_GENERIC-SPIRAM) is written
 * with its current name, the one later firmware is published under. Only
 * the documented renames of mpf_board_aliases, and only to a name the
 * table has in a newer release: never a guess. */
static void set_current_name(json_t *f)
{
	char names[12][64], b[64], id[64], var[32];
	const char *port = jstr(f, "port");
	const struct mpf_board *best, *r;
	size_t n, i;

	/* copies: the fields are replaced below */
	if (!jstr(f, "board_id"))
		return;
	snprintf(id, sizeof(id), "%s", jstr(f, "board_id"));
	snprintf(var, sizeof(var), "%s", jstr(f, "variant") ? jstr(f, "variant") : "");
	best = mpf_board_find(id, var);
	n = mpf_board_aliases(id, port, names, 12);
	for (i = 0; i < n; i++) {
		const char *dash = strchr(names[i], '-');

		snprintf(b, sizeof(b), "%.*s", dash ? (int)(dash - names[i]) : 63, names[i]);
		r = mpf_board_find(b, dash ? dash + 1 : var);
		if (r && mpf_board_newer(r, best)) {
			best = r;
			json_object_set_new(f, "board_id", json_string(r->board_name));
			json_object_set_new(f, "variant", json_string(r->variant));
		}
	}
}

static void resolve_board_id(json_t *impl, const char *given, json_t *f)
{
	const char *build = jstr(impl, "_build"), *family = jstr(f, "family");
	const struct mpf_board *row;

	if (build && *build) {
		set_board_id(build, f);
		return;
	}
	if (given && *given) {
		if (family && !strcmp(family, "circuitpython")) {
			json_object_set_new(f, "board_id", json_string(given));
			return;
		}
		set_board_id(given, f);
		set_current_name(f);
		return;
	}
	if (!family || strcmp(family, "micropython") || !jstr(f, "board"))
		return;
	/* Before 1.25 only the description: base boards only, never a
	 * variant, and nothing when the table has no such description. */
	row = mpf_board_by_description(jstr(f, "board"), jstr(f, "version"));
	if (row) {
		json_object_set_new(f, "board_id", json_string(row->board_name));
		json_object_set_new(f, "variant", json_string(""));
		set_current_name(f);
	}
}

static json_t *find_line(const char *out, size_t len, struct mpf_buf *err)
{
	static const char mark[] = "mpf1 ";
	const char *p = out, *end = out + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (n > 5 && !memcmp(p, mark, 5)) {
			size_t used;
			json_t *v = mpf_pylit_parse(p + 5, n - 5, &used, err);

			if (v && !json_is_array(v)) {
				json_decref(v);
				v = NULL;
				mpf_errf(err, MPF_ERR_FORMAT, "identification line is not a tuple");
			}
			return v;
		}
		p = nl ? nl + 1 : end;
	}
	mpf_errf(err, MPF_ERR_FORMAT, "the board printed no identification line");
	return NULL;
}

json_t *mpf_ident_parse(const char *out, size_t len, struct mpf_buf *warn, struct mpf_buf *err)
{
	json_t *t = find_line(out, len, err), *impl, *uname, *f;
	const char *platform, *fam, *toml;
	char port[32];

	if (!t)
		return NULL;
	impl = json_array_get(t, 0);
	uname = json_array_get(t, 1);
	if (!json_is_object(impl) || !jstr(impl, "name")) {
		json_decref(t);
		mpf_errf(err, MPF_ERR_FORMAT, "no sys.implementation in the identification line");
		return NULL;
	}
	f = json_object();
	fam = json_string_value(json_array_get(t, 4));
	json_object_set_new(f, "family", json_string(fam ? fam : jstr(impl, "name")));
	set_version(impl, json_is_object(uname) ? uname : NULL,
		    json_string_value(json_array_get(t, 3)), f);
	platform = json_string_value(json_array_get(t, 2));
	if (platform && *platform) {
		if (!strcmp(jstr(f, "family"), "micropython"))
			mpf_ident_port(platform, port, sizeof(port));
		else
			snprintf(port, sizeof(port), "%s", platform);
		json_object_set_new(f, "port", json_string(port));
	}
	set_board(impl, json_is_object(uname) ? uname : NULL, f);
	set_mpy(impl, f);
	resolve_board_id(impl, json_string_value(json_array_get(t, 5)), f);
	toml = json_string_value(json_array_get(t, 6));
	/* a bad board_info.toml is reported in warn and changes nothing */
	if (toml)
		mpf_ident_toml(toml, strlen(toml), f, warn);
	json_decref(t);
	return f;
}
