/* version.h - MicroPython version strings (pure).
 *
 * Accepts everything boards and file names carry, with or without "v":
 *   1.22.2                       a release
 *   v1.23.0-preview.236.g2c8dab7ab   a preview, build 236 (1.22 and later)
 *   1.24.0-preview               a preview with no build number
 *   v1.19.1-123-gabcdef          123 commits after 1.19.1 (before 1.22)
 *   1.9.2, 1.20                  short forms (patch 0)
 * Written back without the "v": "1.24.1", "1.25.0-preview" (mpf(7), RECORDS);
 * a "-N-g" build is written as its base release ("1.19.1") with preview
 * set and build N, as the board itself reports (1, 19, 1).
 */
#ifndef MPF_VERSION_H
#define MPF_VERSION_H

#include <stddef.h>

struct mpf_version {
	int major, minor, patch;
	int preview;		/* a preview or development build (not a release) */
	int dev;		/* "-N-gHASH": N commits after the X.Y.Z tag (before 1.22) */
	int build;		/* preview number or commits since the tag; 0 if none */
	char hash[24];		/* "2c8dab7ab" or "" */
};

/* 0, or MPF_ERR_FORMAT when s is not a version. */
int mpf_version_parse(const char *s, struct mpf_version *v);
/* <0, 0, >0 like strcmp: releases order by number; a preview of X.Y.Z
 * sorts before X.Y.Z itself ("1.25.0-preview" < "1.25.0") and by build;
 * a "-N-g" development build after X.Y.Z sorts after X.Y.Z. */
int mpf_version_cmp(const struct mpf_version *a, const struct mpf_version *b);
/* "1.24.1" or "1.25.0-preview" (the version field of records). */
void mpf_version_format(const struct mpf_version *v, char *out, size_t cap);

#endif
