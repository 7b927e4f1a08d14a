/* fsutil.c - file-system helpers. */
#include "fsutil.h"
#include "err.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int mpf_mkdir_parents(const char *path, struct mpf_buf *err)
{
	char *p = mpf_xstrdup(path), *s;
	int r = 0;

	for (s = p + 1; *s && !r; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			r = mpf_errf(err, errno == EACCES ? MPF_ERR_PERM : MPF_ERR_IO,
				     "cannot create %s: %s", p, strerror(errno));
		*s = '/';
	}
	free(p);
	return r;
}
