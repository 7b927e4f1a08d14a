/* fsutil.h - small file-system helpers shared by the database and caches. */
#ifndef MPF_FSUTIL_H
#define MPF_FSUTIL_H

#include "buf.h"

/* mkdir -p of the directory part of path ("a/b/c.db" makes a and a/b).
 * Returns 0, MPF_ERR_PERM or MPF_ERR_IO with a message in err. */
int mpf_mkdir_parents(const char *path, struct mpf_buf *err);

#endif
