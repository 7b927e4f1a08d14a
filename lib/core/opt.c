/* opt.c - parse a command line against declarative option tables. */
#include "opt.h"
#include "buf.h"
#include "err.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int mpf_opt_word(const struct mpf_opt *o, int i, char *out, size_t cap)
{
	const char *p = o->values, *end;
	size_t len;

	if (o->word) {
		p = o->word(i);
		return p ? snprintf(out, cap, "%s", p) : -1;
	}
	if (!p || p[0] == '@')
		return -1;
	for (; i > 0; i--) {
		p = strpbrk(p, "|,");
		if (!p)
			return -1;
		p++;
	}
	end = strpbrk(p, "|,");
	len = end ? (size_t)(end - p) : strlen(p);
	if (len >= cap)
		len = cap - 1;
	memcpy(out, p, len);
	out[len] = '\0';
	return (int)len;
}

/* ---- numbers ---- */

/* An unsigned number at s: hex after 0x, else decimal; *end after it. */
static int parse_ull(const char *s, unsigned long long *v, char **end)
{
	int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

	if (hex ? !isxdigit((unsigned char)s[2]) : !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	*v = strtoull(s, end, hex ? 16 : 10);
	return errno ? -1 : 0;
}

int mpf_parse_addr(const char *s, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (parse_ull(s, &x, &end) < 0 || *end || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

int mpf_parse_size(const char *s, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (parse_ull(s, &x, &end) < 0 || x > UINT32_MAX)
		return -1;
	if (*end == 'k' || *end == 'K')
		x <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		x <<= 20, end++;
	if (*end || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* A decimal fraction at s (no sign, no exponent, no inf or nan). */
static int parse_decimal(const char *s, double *v, char **end)
{
	size_t n = strspn(s, "0123456789."), dots = 0, i;

	for (i = 0; i < n; i++)
		dots += s[i] == '.';
	if (n == dots || dots > 1)
		return -1;
	errno = 0;
	*v = strtod(s, end);
	return errno || *end != s + n ? -1 : 0;
}

int mpf_parse_hz(const char *s, uint32_t *v)
{
	double x;
	char *end;

	if (parse_decimal(s, &x, &end) < 0)
		return -1;
	if (*end == 'k' || *end == 'K')
		x *= 1e3, end++;
	else if (*end == 'M' || *end == 'm')	/* "4m" as esptool and OpenOCD users write it */
		x *= 1e6, end++;
	if (!strcasecmp(end, "hz"))
		end += 2;
	if (*end || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)(x + 0.5);
	return 0;
}

int mpf_parse_duration(const char *s, double *seconds)
{
	double x;
	char *end;

	if (parse_decimal(s, &x, &end) < 0)
		return -1;
	if (!strcmp(end, "ms"))
		x /= 1000;
	else if (*end && strcmp(end, "s"))
		return -1;
	*seconds = x;
	return 0;
}

void mpf_opt_spell(const struct mpf_opt *o, struct mpf_buf *out)
{
	if (o->long_name)
		mpf_buf_addf(out, "--%s", o->long_name);
	if (o->short_name)
		mpf_buf_addf(out, "%s-%c", o->long_name ? ", " : "", o->short_name);
	if (o->argname)
		mpf_buf_addf(out, " %s", o->argname);
}

static const struct mpf_opt *find_long(const struct mpf_opt *const *t,
				       const char *name, size_t len, int *negated)
{
	const struct mpf_opt *const *tp, *o;

	*negated = 0;
	for (tp = t; *tp; tp++)
		for (o = *tp; o->type != MPF_OPT_END; o++)
			if (o->long_name && strlen(o->long_name) == len &&
			    !strncmp(o->long_name, name, len))
				return o;
	/* --no-NAME for a BOOL */
	if (len > 3 && !strncmp(name, "no-", 3)) {
		o = find_long(t, name + 3, len - 3, negated);
		if (o && o->type == MPF_OPT_BOOL) {
			*negated = 1;
			return o;
		}
	}
	return NULL;
}

static const struct mpf_opt *find_short(const struct mpf_opt *const *t, char c)
{
	const struct mpf_opt *o;

	for (; *t; t++)
		for (o = *t; o->type != MPF_OPT_END; o++)
			if (o->short_name == c)
				return o;
	return NULL;
}

static int bad(struct mpf_buf *err, const struct mpf_opt *o, const char *what,
	       const char *arg)
{
	struct mpf_buf name = MPF_BUF_INIT;

	if (o->long_name)
		mpf_buf_addf(&name, "--%s", o->long_name);
	else
		mpf_buf_addf(&name, "-%c", o->short_name);
	mpf_errf(err, MPF_ERR_ARG, "option '%s' %s%s%s%s", name.buf, what,
		 arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
	mpf_buf_release(&name);
	return MPF_ERR_ARG;
}

static int set_set(const struct mpf_opt *o, const char *arg, struct mpf_buf *err)
{
	unsigned *dest = o->dest, mask = 0;
	char *copy = mpf_xstrdup(arg), *save = NULL, *tok;
	char word[64];
	int i, found;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0, found = 0; mpf_opt_word(o, i, word, sizeof(word)) >= 0; i++)
			if (!strcmp(word, tok)) {
				mask |= 1u << i;
				found = 1;
			}
		if (!found) {
			bad(err, o, "takes words of", o->values);
			mpf_buf_addf(err, ", not '%s'", tok);
			free(copy);
			return MPF_ERR_ARG;
		}
	}
	free(copy);
	*dest = mask;
	return 0;
}

static const char *const number_kind[] = {
	[MPF_OPT_INT] = "a number",
	[MPF_OPT_DOUBLE] = "a number",
	[MPF_OPT_ADDR] = "an address (0x... or decimal)",
	[MPF_OPT_SIZE] = "a size (0x..., decimal, K or M after it)",
	[MPF_OPT_FREQ] = "a frequency (4M, 1800k, 400kHz)",
	[MPF_OPT_DURATION] = "a duration (seconds, or 500ms)",
};

/* A number of o's type in *d (a 32-bit one also in *v); -1 when bad. */
static int parse_number(const struct mpf_opt *o, const char *arg, double *d, uint32_t *v)
{
	char *end;
	int r;

	errno = 0;
	switch (o->type) {
	case MPF_OPT_INT:
		*d = (double)strtoll(arg, &end, 0);
		break;
	case MPF_OPT_DOUBLE:
		*d = strtod(arg, &end);
		break;
	case MPF_OPT_DURATION:
		return mpf_parse_duration(arg, d);
	default:
		r = o->type == MPF_OPT_ADDR ? mpf_parse_addr(arg, v)
		    : o->type == MPF_OPT_SIZE ? mpf_parse_size(arg, v) : mpf_parse_hz(arg, v);
		*d = *v;
		return r;
	}
	return errno || end == arg || *end || isnan(*d) ? -1 : 0;
}

/* The numeric types: parse, check lo..hi (an address has no range). */
static int set_number(const struct mpf_opt *o, const char *arg, struct mpf_buf *err)
{
	double d = 0;
	uint32_t v = 0;

	char what[64];

	if (parse_number(o, arg, &d, &v) < 0) {
		snprintf(what, sizeof(what), "expects %s, not", number_kind[o->type]);
		return bad(err, o, what, arg);
	}
	if (o->type != MPF_OPT_ADDR && (d < o->lo || d > o->hi)) {
		bad(err, o, "is out of range:", arg);
		mpf_buf_addf(err, " (%g to %g)", o->lo, o->hi);
		return MPF_ERR_ARG;
	}
	if (o->type == MPF_OPT_INT)
		*(int *)o->dest = (int)d;
	else if (o->type == MPF_OPT_DOUBLE || o->type == MPF_OPT_DURATION)
		*(double *)o->dest = d;
	else
		*(struct mpf_u32 *)o->dest = (struct mpf_u32){ v, 1 };
	return 0;
}

static int set_choice(const struct mpf_opt *o, const char *arg, struct mpf_buf *err)
{
	struct mpf_buf words = MPF_BUF_INIT;
	char word[64];
	int i, ok = o->accept && o->accept(arg);

	for (i = 0; !ok && mpf_opt_word(o, i, word, sizeof(word)) >= 0; i++) {
		ok = !strcmp(word, arg);
		mpf_buf_addf(&words, "%s%s", i ? "|" : "", word);
	}
	if (ok)
		*(const char **)o->dest = arg;
	else {
		bad(err, o, "takes one of", words.buf);
		mpf_buf_addf(err, ", not '%s'", arg);
	}
	mpf_buf_release(&words);
	return ok ? 0 : MPF_ERR_ARG;
}

static int set_value(const struct mpf_opt *o, const char *arg, struct mpf_buf *err)
{
	switch (o->type) {
	case MPF_OPT_STRING:
		*(const char **)o->dest = arg;
		return 0;
	case MPF_OPT_LIST:
		mpf_strlist_add(o->dest, arg);
		return 0;
	case MPF_OPT_INT:
	case MPF_OPT_DOUBLE:
	case MPF_OPT_ADDR:
	case MPF_OPT_SIZE:
	case MPF_OPT_FREQ:
	case MPF_OPT_DURATION:
		return set_number(o, arg, err);
	case MPF_OPT_CHOICE:
		return set_choice(o, arg, err);
	case MPF_OPT_SET:
		return set_set(o, arg, err);
	default:
		return bad(err, o, "cannot take a value", NULL);
	}
}

static void set_flag(const struct mpf_opt *o, int negated)
{
	if (o->type == MPF_OPT_COUNT)
		(*(int *)o->dest)++;
	else
		*(int *)o->dest = !negated;
}

/* The options the last mpf_opt_parse met, for mpf_opt_conflicts. */
static const struct mpf_opt *given[64];
static size_t ngiven;

static void mark_given(const struct mpf_opt *o)
{
	if (ngiven < sizeof(given) / sizeof(given[0]))
		given[ngiven++] = o;
}

static int was_given(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ngiven; i++)
		if (given[i]->long_name && strlen(given[i]->long_name) == len &&
		    !strncmp(given[i]->long_name, name, len))
			return 1;
	return 0;
}

int mpf_opt_conflicts(const char *const *pairs, struct mpf_buf *err)
{
	const char *sp;

	for (; pairs && *pairs; pairs++) {
		sp = strchr(*pairs, ' ');
		if (sp && was_given(*pairs, (size_t)(sp - *pairs)) &&
		    was_given(sp + 1, strlen(sp + 1)))
			return mpf_errf(err, MPF_ERR_ARG, "--%.*s and --%s cannot go together",
					(int)(sp - *pairs), *pairs, sp + 1);
	}
	return 0;
}

static int takes_arg(const struct mpf_opt *o)
{
	return o->type != MPF_OPT_BOOL && o->type != MPF_OPT_COUNT;
}

static int parse_long(const struct mpf_opt *const *t, int argc, char **argv,
		      int *i, struct mpf_buf *err)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct mpf_opt *o;
	int negated;

	o = find_long(t, name, len, &negated);
	if (!o)
		return mpf_errf(err, MPF_ERR_ARG, "unknown option '%s'", argv[*i]);
	if (!negated)
		mark_given(o);
	if (!takes_arg(o)) {
		if (eq)
			return bad(err, o, "takes no value", NULL);
		set_flag(o, negated);
		return 0;
	}
	if (eq)
		return set_value(o, eq + 1, err);
	if (*i + 1 >= argc)
		return bad(err, o, "requires a value", NULL);
	return set_value(o, argv[++*i], err);
}

static int parse_short(const struct mpf_opt *const *t, int argc, char **argv,
		       int *i, struct mpf_buf *err)
{
	const char *p;
	const struct mpf_opt *o;

	for (p = argv[*i] + 1; *p; p++) {
		o = find_short(t, *p);
		if (!o)
			return mpf_errf(err, MPF_ERR_ARG, "unknown option '-%c'", *p);
		mark_given(o);
		if (!takes_arg(o)) {
			set_flag(o, 0);
			continue;
		}
		if (p[1])
			return set_value(o, p + 1, err);
		if (*i + 1 >= argc)
			return bad(err, o, "requires a value", NULL);
		return set_value(o, argv[++*i], err);
	}
	return 0;
}

int mpf_opt_parse(const struct mpf_opt *const *tables, int argc, char **argv,
		  struct mpf_buf *err)
{
	int i, nops = 0, r;
	char **ops = mpf_xcalloc((size_t)argc + 1, sizeof(*ops));

	ngiven = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			while (++i < argc)
				ops[nops++] = argv[i];
			break;
		}
		if (a[0] != '-' || !a[1]) {
			ops[nops++] = argv[i];
			continue;
		}
		r = a[1] == '-' ? parse_long(tables, argc, argv, &i, err)
				: parse_short(tables, argc, argv, &i, err);
		if (r < 0) {
			free(ops);
			return r;
		}
	}
	memcpy(argv, ops, (size_t)nops * sizeof(*ops));
	argv[nops] = NULL;
	free(ops);
	return nops;
}

void mpf_strlist_add(struct mpf_strlist *l, const char *s)
{
	l->v = mpf_xrealloc(l->v, (l->n + 2) * sizeof(*l->v));
	l->v[l->n++] = mpf_xstrdup(s);
	l->v[l->n] = NULL;
}

void mpf_strlist_split(struct mpf_strlist *l, const char *s)
{
	const char *p = s, *e;

	while (p && *p) {
		p += strspn(p, " \t\n");
		e = p + strcspn(p, " \t\n");
		if (e > p) {
			char *w = mpf_xstrndup(p, (size_t)(e - p));

			mpf_strlist_add(l, w);
			free(w);
		}
		p = e;
	}
}

void mpf_strlist_clear(struct mpf_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int mpf_strlist_match(const struct mpf_strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!fnmatch(l->v[i], s, 0))
			return 1;
	return 0;
}
