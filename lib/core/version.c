/* version.c - parse and compare MicroPython versions. */
#include "version.h"
#include "err.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int number(const char **p, int *out)
{
	char *end;
	long n;

	if (!isdigit((unsigned char)**p))
		return 0;
	n = strtol(*p, &end, 10);
	if (n > 100000)
		return 0;
	*out = (int)n;
	*p = end;
	return 1;
}

static void copy_hash(char *dst, size_t cap, const char *s)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");

	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

int mpf_version_parse(const char *s, struct mpf_version *v)
{
	const char *p = s;

	memset(v, 0, sizeof(*v));
	if (*p == 'v' || *p == 'V')
		p++;
	if (!number(&p, &v->major) || *p++ != '.' || !number(&p, &v->minor))
		return MPF_ERR_FORMAT;
	if (*p == '.' && !number((++p, &p), &v->patch))
		return MPF_ERR_FORMAT;
	if (!strncmp(p, "-preview", 8)) {
		v->preview = 1;
		p += 8;
		/* ".236.g2c8dab7ab" */
		if (*p == '.' && isdigit((unsigned char)p[1])) {
			p++;
			number(&p, &v->build);
			if (!strncmp(p, ".g", 2))
				copy_hash(v->hash, sizeof(v->hash), p + 2);
		}
	} else if (*p == '-' && isdigit((unsigned char)p[1])) {
		/* git describe: "-123-gabcdef", commits after a release tag */
		p++;
		number(&p, &v->build);
		v->preview = v->dev = 1;
		if (!strncmp(p, "-g", 2))
			copy_hash(v->hash, sizeof(v->hash), p + 2);
	}
	return 0;
}

/* A development build "X.Y.Z-N-g" lies after X.Y.Z; a "-preview" before. */
static int rank(const struct mpf_version *v)
{
	return v->dev ? 2 : v->preview ? 0 : 1;
}

int mpf_version_cmp(const struct mpf_version *a, const struct mpf_version *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	if (rank(a) != rank(b))
		return rank(a) < rank(b) ? -1 : 1;
	if (a->build != b->build)
		return a->build < b->build ? -1 : 1;
	return 0;
}

void mpf_version_format(const struct mpf_version *v, char *out, size_t cap)
{
	snprintf(out, cap, "%d.%d.%d%s", v->major, v->minor, v->patch,
		 v->preview && !v->dev ? "-preview" : "");
}
