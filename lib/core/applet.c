/* applet.c - common options, --help, and running an applet. */
#include "applet.h"
#include "buf.h"
#include "err.h"
#include "exitcode.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct mpf_common mpf = { .jobs = 1 };

const struct mpf_opt mpf_common_opts[] = {
	OPT_BOOL('h', "help", &mpf.help, "show this help and exit"),
	OPT_BOOL(0, "version", &mpf.version, "print the version and exit"),
	OPT_BOOL('q', "quiet", &mpf.quiet, "only print errors on stderr"),
	OPT_COUNT('v', "verbose", &mpf.verbose, "more messages on stderr (-vv: protocol trace)"),
	OPT_INT('j', "jobs", &mpf.jobs, "N", 1, 256, "handle up to N records at once"),
	OPT_DURATION(0, "timeout", &mpf.timeout, "SEC", 0.001, 86400,
		     "give up on a board after SEC seconds"),
	OPT_CHOICE('o', "output", &mpf.output, "FORMAT", "jsonl|table|json",
		   "record format on stdout (default: table on a terminal, else jsonl)"),
	OPT_CHOICE(0, "progress", &mpf.progress, "MODE", "auto|bar|json|none",
		   "progress on stderr (default: auto, a bar on a terminal)"),
	OPT_END(),
};

/* Only applets that read records take --retry-errors and --keep-order. */
const struct mpf_opt mpf_filter_opts[] = {
	OPT_BOOL(0, "retry-errors", &mpf.retry_errors,
		 "act on records that carry an error instead of passing them on"),
	OPT_BOOL(0, "keep-order", &mpf.keep_order,
		 "write records in input order (default: each as soon as it is done)"),
	OPT_END(),
};

int mpf_timeout_ms(void)
{
	double s = mpf.timeout > 0 ? mpf.timeout
		   : mpf.applet && mpf.applet->default_timeout > 0 ? mpf.applet->default_timeout
		   : 3.0;

	return (int)(s * 1000 + 0.5);
}

int mpf_common_shadowed(const struct mpf_applet *a, const struct mpf_opt *o)
{
	const struct mpf_opt *x;

	for (x = a->opts; x && x->type != MPF_OPT_END; x++)
		if (o->long_name && x->long_name && !strcmp(o->long_name, x->long_name))
			return 1;
	return 0;
}

static void help_opts(const struct mpf_applet *a, const struct mpf_opt *o,
		      struct mpf_buf *out)
{
	struct mpf_buf spell = MPF_BUF_INIT;

	for (; o && o->type != MPF_OPT_END; o++) {
		if (a && mpf_common_shadowed(a, o))
			continue;
		mpf_buf_reset(&spell);
		mpf_opt_spell(o, &spell);
		mpf_buf_addf(out, "  %-26s %s\n", spell.buf, o->help);
	}
	mpf_buf_release(&spell);
}

void mpf_applet_usage(const struct mpf_applet *a, void (*fn)(const char *line, size_t len,
							     void *ctx), void *ctx)
{
	const struct mpf_subcmd *s;
	const char *u, *nl;
	char line[256];
	int n;

	for (s = a->subcmds; s && s->name; s++) {
		n = snprintf(line, sizeof(line), "mpf-%s %s %s%s%s", a->name,
			     a->cmd_options ? a->cmd_options : "[options]", s->name,
			     s->args ? " " : "", s->args ? s->args : "");
		fn(line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1, ctx);
	}
	for (u = a->usage; u && *u; u = nl + 1) {
		nl = strchr(u, '\n');
		fn(u, nl ? (size_t)(nl - u) : strlen(u), ctx);
		if (!nl)
			break;
	}
}

struct usage_lines {
	struct mpf_buf *out;
	int n;
};

static void help_usage(const char *line, size_t len, void *ctx)
{
	struct usage_lines *u = ctx;

	mpf_buf_addf(u->out, "%s %.*s\n", u->n++ ? "      " : "usage:", (int)len, line);
}

/* The --help text of a, into out. */
static void mpf_applet_help(const struct mpf_applet *a, struct mpf_buf *out)
{
	struct usage_lines lines = { out, 0 };
	const struct mpf_subcmd *s;

	mpf_applet_usage(a, help_usage, &lines);
	mpf_buf_addf(out, "\n%s\n", a->summary);
	if (a->subcmds) {
		mpf_buf_addstr(out, "\ncommands:\n");
		for (s = a->subcmds; s->name; s++) {
			char left[80];

			snprintf(left, sizeof(left), "%s %s", s->name, s->args ? s->args : "");
			mpf_buf_addf(out, "  %-26s %s\n", left, s->summary);
		}
	}
	if (a->opts && a->opts->type != MPF_OPT_END) {
		mpf_buf_addstr(out, "\noptions:\n");
		help_opts(NULL, a->opts, out);
	}
	mpf_buf_addstr(out, "\ncommon options:\n");
	if (a->flags & MPF_APPLET_FILTER)
		help_opts(a, mpf_filter_opts, out);
	help_opts(a, mpf_common_opts, out);
	mpf_buf_addf(out, "\nSee %s(1) for details, mpf(7) for records and exit codes.\n",
		     mpf.prog);
}

uint32_t mpf_arg_addr(const char *what, const char *s)
{
	uint32_t v;

	if (mpf_parse_addr(s, &v) < 0)
		mpf_usage_error("%s '%s' is no address (0x... or decimal)", what, s);
	return v;
}

uint32_t mpf_arg_size(const char *what, const char *s)
{
	uint32_t v;

	if (mpf_parse_size(s, &v) < 0 || !v)
		mpf_usage_error("%s '%s' is no size (0x..., decimal, K or M after it; not 0)",
				what, s);
	return v;
}

const char *mpf_arg_file(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0 || access(path, R_OK) < 0)
		mpf_die(errno == EACCES ? MPF_EXIT_NOPERM : MPF_EXIT_NOINPUT, "cannot read %s: %s",
			path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		mpf_die(MPF_EXIT_NOINPUT, "%s is a directory, not a file", path);
	return path;
}

/* The names of a's subcommands, "list, write, read or erase". */
static void subcmd_names(const struct mpf_applet *a, struct mpf_buf *out)
{
	const struct mpf_subcmd *s;

	for (s = a->subcmds; s->name; s++)
		mpf_buf_addf(out, "%s%s", s == a->subcmds ? "" : s[1].name ? ", " : " or ",
			     s->name);
}

/* Run the subcommand argv[0] names, its operand count checked first. */
static int dispatch(const struct mpf_applet *a, int argc, char **argv)
{
	struct mpf_buf names = MPF_BUF_INIT;
	const struct mpf_subcmd *s;
	int n = argc - 1;

	for (s = a->subcmds; s && s->name && argc; s++) {
		if (strcmp(s->name, argv[0]))
			continue;
		if (n < s->min || (s->max >= 0 && n > s->max))
			mpf_usage_error("%s takes %s, not %d operand%s", s->name,
					s->args ? s->args : "no operands", n, n == 1 ? "" : "s");
		return s->run(n, argv + 1);
	}
	if (!a->subcmds || (argc && (a->flags & MPF_APPLET_OPERANDS)))
		return a->main(argc, argv);
	subcmd_names(a, &names);
	if (argc)
		mpf_usage_error("unknown command '%s' (%s)", argv[0], names.buf);
	if (isatty(STDIN_FILENO) && !(a->flags & MPF_APPLET_OPERANDS))
		mpf_usage_error("give a command (%s) or records on stdin", names.buf);
	mpf_buf_release(&names);
	return a->main(argc, argv);
}

static void parse_or_die(const struct mpf_applet *a, int *argc, char **argv)
{
	const struct mpf_opt *tables[4];
	struct mpf_buf err = MPF_BUF_INIT;
	int n = 0, r;

	if (a->opts)
		tables[n++] = a->opts;
	if (a->flags & MPF_APPLET_FILTER)
		tables[n++] = mpf_filter_opts;
	tables[n++] = mpf_common_opts;
	tables[n] = NULL;
	r = mpf_opt_parse(tables, *argc, argv, &err);
	if (r >= 0 && mpf_opt_conflicts(a->conflicts, &err) < 0)
		r = MPF_ERR_ARG;
	if (r < 0)
		mpf_usage_error("%s", err.buf);
	mpf_buf_release(&err);
	*argc = r;
}

int mpf_applet_run(const struct mpf_applet *a, int argc, char **argv)
{
	static char prog[64];
	int r;

	snprintf(prog, sizeof(prog), "mpf-%s", a->name);
	mpf.applet = a;
	mpf.prog = prog;
	if (a->default_jobs)
		mpf.jobs = a->default_jobs;
	parse_or_die(a, &argc, argv);
	if (a->check && !mpf.help && !mpf.version)
		a->check();
	/* a script checks every stage's options before the first one runs */
	if (getenv("MPF_CHECK_OPTIONS"))
		return MPF_EXIT_OK;
	if (mpf.help) {
		struct mpf_buf b = MPF_BUF_INIT;

		mpf_applet_help(a, &b);
		fputs(b.buf, stdout);
		mpf_buf_release(&b);
		return fflush(stdout) ? MPF_EXIT_IOERR : MPF_EXIT_OK;
	}
	if (mpf.version) {
		printf("%s (mpf) %s\n", prog, MPF_VERSION);
		return fflush(stdout) ? MPF_EXIT_IOERR : MPF_EXIT_OK;
	}
	mpf_signals_init();
	r = dispatch(a, argc, argv);
	mpf_cleanup_run();
	if (mpf_interrupted)
		r = 128 + mpf_interrupted;
	return r;
}
