/* main.c - the mpf multicall binary: dispatch to an applet by the name it
 * was called by (mpf-scan, a symlink) or by its first argument (mpf scan).
 *
 * The applet table is generated from the files in cmd/ (see Makefile), one
 * APPLET(name) line each, sorted, so lookup is a binary search. */
#include "applet.h"
#include "buf.h"
#include "doc.h"
#include "exitcode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APPLET(n) extern const struct mpf_applet n##_applet;
#include "applets.h"
#undef APPLET

static const struct mpf_applet *const applets[] = {
#define APPLET(n) &n##_applet,
#include "applets.h"
#undef APPLET
};

#define NAPPLETS (sizeof(applets) / sizeof(applets[0]))

static int cmp_name(const void *key, const void *elem)
{
	const struct mpf_applet *const *a = elem;

	return strcmp(key, (*a)->name);
}

static const struct mpf_applet *find(const char *name)
{
	const struct mpf_applet *const *a;

	if (!strncmp(name, "mpf-", 4))
		name += 4;
	a = bsearch(name, applets, NAPPLETS, sizeof(applets[0]), cmp_name);
	return a ? *a : NULL;
}

static void list(FILE *f)
{
	size_t i;

	for (i = 0; i < NAPPLETS; i++)
		fprintf(f, "mpf-%-12s %s\n", applets[i]->name, applets[i]->summary);
}

static int print(struct mpf_buf *b)
{
	fputs(mpf_buf_str(b), stdout);
	mpf_buf_release(b);
	return fflush(stdout) ? MPF_EXIT_IOERR : MPF_EXIT_OK;
}

static int usage(FILE *f, int code)
{
	fprintf(f, "usage: mpf APPLET [options] [args]   (or mpf-APPLET ...)\n"
		"       mpf --list | --version | --help | --man NAME | --completion SHELL\n\n"
		"applets:\n");
	list(f);
	fprintf(f, "\nSee 'mpf-APPLET --help', mpf(1) and mpf(7).\n");
	return code;
}

/* mpf --man NAME: roff for mpf(1) or mpf-NAME(1). */
static int man(const char *name)
{
	struct mpf_buf b = MPF_BUF_INIT;
	const struct mpf_applet *a;

	if (!strcmp(name, "mpf")) {
		mpf_doc_man_mpf(applets, NAPPLETS, &b);
		return print(&b);
	}
	a = find(name);
	if (!a) {
		fprintf(stderr, "mpf: no man page for '%s'\n", name);
		return MPF_EXIT_USAGE;
	}
	mpf_doc_man(a, &b);
	return print(&b);
}

static int completion(const char *shell)
{
	struct mpf_buf b = MPF_BUF_INIT;

	if (mpf_doc_completion(shell, applets, NAPPLETS, &b) < 0) {
		fprintf(stderr, "mpf: no completion for shell '%s' (bash, zsh, fish)\n", shell);
		return MPF_EXIT_USAGE;
	}
	return print(&b);
}

static int mpf_main(int argc, char **argv)
{
	const char *arg = argc > 1 ? argv[1] : NULL;

	if (!arg)
		return usage(stderr, MPF_EXIT_USAGE);
	if (!strcmp(arg, "--list")) {
		list(stdout);
		return fflush(stdout) ? MPF_EXIT_IOERR : MPF_EXIT_OK;
	}
	if (!strcmp(arg, "--version")) {
		printf("mpf %s\n", MPF_VERSION);
		return fflush(stdout) ? MPF_EXIT_IOERR : MPF_EXIT_OK;
	}
	if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
		return usage(stdout, MPF_EXIT_OK);
	if (!strcmp(arg, "--man") && argc == 3)
		return man(argv[2]);
	if (!strcmp(arg, "--completion") && argc == 3)
		return completion(argv[2]);
	if (arg[0] == '-') {
		fprintf(stderr, "mpf: unknown option '%s'\n", arg);
		return usage(stderr, MPF_EXIT_USAGE);
	}
	if (!find(arg)) {
		fprintf(stderr, "mpf: unknown applet '%s'\n\n", arg);
		return usage(stderr, MPF_EXIT_USAGE);
	}
	return mpf_applet_run(find(arg), argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	const struct mpf_applet *a;

	base = base ? base + 1 : argv[0];
	if (!strcmp(base, "mpf"))
		return mpf_main(argc, argv);
	a = find(base);
	if (!a || strncmp(base, "mpf-", 4)) {
		fprintf(stderr, "mpf: unknown applet '%s'\n\n", base);
		return usage(stderr, MPF_EXIT_USAGE);
	}
	return mpf_applet_run(a, argc, argv);
}
