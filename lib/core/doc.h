/* doc.h - man pages and shell completions generated from the applet and
 * option tables, so --help, man/ and completions/ cannot drift apart.
 * (make docs writes them; tests/t0004-docs.sh compares.) */
#ifndef MPF_DOC_H
#define MPF_DOC_H

#include <stddef.h>

#include "applet.h"
#include "buf.h"

struct mpf_exit_doc {
	int code;
	const char *meaning;
};
/* Every exit status, for man pages and mpf(7); ends with meaning NULL. */
extern const struct mpf_exit_doc mpf_exit_docs[];

/* roff for mpf-NAME(1). */
void mpf_doc_man(const struct mpf_applet *a, struct mpf_buf *out);
/* roff for mpf(1): the multicall binary and its applets. */
void mpf_doc_man_mpf(const struct mpf_applet *const *applets, size_t n, struct mpf_buf *out);
/* A completion script for shell "bash", "zsh" or "fish"; MPF_ERR_ARG for others. */
int mpf_doc_completion(const char *shell, const struct mpf_applet *const *applets,
		       size_t n, struct mpf_buf *out);

#endif
