/* opt.c - parse a command line against declarative option tables. */
#include "opt.h"
#include "buf.h"
#include "err.h"

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int mpf_opt_word(const char *values, int i, char *out, size_t cap)
{
	const char *p = values, *end;
	size_t len;

	if (!values || values[0] == '@')
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
		for (i = 0, found = 0; mpf_opt_word(o->values, i, word, sizeof(word)) >= 0; i++)
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

static int set_value(const struct mpf_opt *o, const char *arg, struct mpf_buf *err)
{
	char *end, word[64];
	double d;
	int i;

	switch (o->type) {
	case MPF_OPT_STRING:
		*(const char **)o->dest = arg;
		return 0;
	case MPF_OPT_LIST:
		mpf_strlist_add(o->dest, arg);
		return 0;
	case MPF_OPT_INT:
	case MPF_OPT_DOUBLE:
		errno = 0;
		d = o->type == MPF_OPT_INT ? (double)strtoll(arg, &end, 0) : strtod(arg, &end);
		if (errno || end == arg || *end || isnan(d))
			return bad(err, o, "expects a number, not", arg);
		if (d < o->lo || d > o->hi) {
			bad(err, o, "is out of range:", arg);
			mpf_buf_addf(err, " (%g to %g)", o->lo, o->hi);
			return MPF_ERR_ARG;
		}
		if (o->type == MPF_OPT_INT)
			*(int *)o->dest = (int)d;
		else
			*(double *)o->dest = d;
		return 0;
	case MPF_OPT_CHOICE:
		for (i = 0; mpf_opt_word(o->values, i, word, sizeof(word)) >= 0; i++)
			if (!strcmp(word, arg)) {
				*(const char **)o->dest = arg;
				return 0;
			}
		bad(err, o, "takes one of", o->values);
		mpf_buf_addf(err, ", not '%s'", arg);
		return MPF_ERR_ARG;
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
