/* catalog.h - the firmware catalogue engine behind mpf-fetch: reading a
 * mirror's download pages (micropython.org's layout, see mirror.h) into
 * the database (db.h), downloading firmware files into the cache,
 * registering local builds, and listing the catalogue as records.
 *
 * A page read before is asked for conditionally (ETag, Last-Modified), so
 * an unchanged page costs one 304 reply; a server that sends no validators
 * answers 200 and the body's sha256 tells. Failures are logged with
 * mpf_error() as they happen and counted.
 */
#ifndef MPF_CATALOG_H
#define MPF_CATALOG_H

#include <pthread.h>
#include <stddef.h>

#include "db.h"
#include "http.h"
#include "opt.h"
#include "record.h"

struct mpf_buf;

struct mpf_catalog {
	struct mpf_db *db;
	char *fw_dir;			/* the firmware cache (the caller's) */
	char *mirror;			/* base URL, ending in '/' (the caller's) */
	int jobs;			/* requests at once */
	int timeout_ms, retries;	/* per request; retries after network errors and 5xx */
	int force;			/* download again even when the cached file is intact */
	pthread_mutex_t lock;		/* downloads run in parallel: guards stats */
	struct mpf_http_stats stats;	/* all requests so far */
};

struct mpf_catalog_update {
	size_t ports, boards;		/* port indexes and board pages read */
	int pages, unchanged, changed, failed, files;
	int missing;			/* boards asked for that no index read lists */
};

/* Read the index of each port (ports; none given: the ports of boards as
 * the database knows them, else every port the catalogue carries, see
 * ports.h) and the page of each board it lists (boards: only these or
 * boards they were renamed from), and save what changed. Names must be
 * valid ids (mpf_mirror_valid_id). Stops early when interrupted. */
void mpf_catalog_update(struct mpf_catalog *c, const struct mpf_strlist *ports,
			const struct mpf_strlist *boards, struct mpf_catalog_update *res);

/* Give the record's firmware a file: download firmware.url into the cache
 * as PORT/BOARD[-VARIANT]-vX.Y.Z[-preview.N].EXT (resuming, atomically,
 * checking the sha256 and size the record or the catalogue knows; an
 * intact cached file is used as is unless c->force; every name in the
 * path a valid id, the path inside fw_dir; the file checked against its
 * format before it takes its name), or check the
 * firmware.file of a record without url. Sets firmware.file, sha256 and
 * size, or the record's error. Returns 0 or a negative mpf_err. */
int mpf_catalog_fetch(struct mpf_catalog *c, struct mpf_record *rec);

/* The catalogue rows as records {port, firmware}, in catalogue order,
 * only those of boards and ports when given, and of version ("stable",
 * "preview", X.Y.Z, X.Y.Z-preview[.N]; NULL: any). Each record goes to fn
 * as its row is read and is released when fn returns, so a catalogue of
 * any size lists in the memory of one row; fn returns nonzero to stop.
 * Returns 0, MPF_ERR_ARG for a bad version (before fn is called), or a
 * database error, with err set. */
int mpf_catalog_list(struct mpf_catalog *c, const struct mpf_strlist *boards,
		     const struct mpf_strlist *ports, const char *version,
		     int (*fn)(struct mpf_record *rec, void *ctx), void *ctx,
		     struct mpf_buf *err);

struct mpf_catalog_build {
	const char *board, *variant, *port;	/* NULL: tell from the file */
	const char *version;			/* NULL: tell from the file */
	int custom;		/* a custom build even when the name looks official */
	const char *commit;	/* a build from a source tree (source "build"): its
				 * commit, "" when the tree is not a git checkout */
	int dirty;		/* that tree had uncommitted changes */
};

/* Register the firmware file (an absolute path) in the catalogue as a
 * local build (named as micropython.org names its files) or a custom one.
 * Board, variant and port: b's, else the file name's, else its
 * .../ports/PORT/build-BOARD[-VARIANT]/ path (the port else from the board
 * table); the version: b's, else the file name's, else the MicroPython
 * banner inside the image. The file must be an image of its format for
 * the port (fwcheck.h). fw gets the row. Returns 0, MPF_ERR_ARG (a bad
 * name or version), MPF_ERR_FORMAT (something it cannot tell, a format no
 * method flashes, content that is not such an image) or a file or
 * database error, with err set. */
int mpf_catalog_add(struct mpf_catalog *c, const char *file, const struct mpf_catalog_build *b,
		    struct mpf_fw *fw, struct mpf_buf *err);

#endif
