/* applet.h - what an applet declares, and the options every applet shares.
 *
 * Each cmd/NAME.c ends with one descriptor:
 *
 *   const struct mpf_applet scan_applet = {
 *           .name = "scan",
 *           .summary = "enumerate serial ports, DFU devices, UF2 drives, probes",
 *           .usage = "mpf-scan [options] [PORT...]",
 *           .description = "...", .examples = "...",
 *           .opts = scan_opts,
 *           .main = scan_main,
 *   };
 *
 * The build collects the files in cmd/ into the sorted applet table (cmd/main.c).
 * .main receives the operands left after option parsing (argv[0] is the
 * first operand, not the program name) and returns an exit status.
 */
#ifndef MPF_APPLET_H
#define MPF_APPLET_H

#include "opt.h"

/* A subcommand, declared once: lib/core checks its operand count and
 * runs it (after git's OPT_SUBCOMMAND), and --help, the man page and the
 * completions show it. A wrong count or an unknown command is a usage
 * error before .run is called, so before anything is opened.
 *
 *   static const struct mpf_subcmd dfu_subcmds[] = {
 *           SUBCMD("read", "ADDR SIZE FILE", 3, 3, cmd_read, "read SIZE bytes ..."),
 *           SUBCMD_END(),
 *   };
 */
struct mpf_subcmd {
	const char *name;	/* "write" */
	const char *args;	/* "ADDR FILE [ADDR FILE]...", NULL for none */
	const char *summary;
	int min, max;		/* operands after the name; max -1: no limit */
	int (*run)(int argc, char **argv);	/* the operands after the name */
};

#define SUBCMD(name, args, min, max, run, summary) { name, args, summary, min, max, run }
#define SUBCMD_END() { NULL, NULL, NULL, 0, 0, NULL }

enum {
	MPF_APPLET_FILTER = 1 << 0,	/* reads records on stdin (accepts --retry-errors) */
	MPF_APPLET_OPERANDS = 1 << 1,	/* an operand that names no subcommand goes to .main */
};

struct mpf_applet {
	const char *name;
	const char *summary;		/* one line: --list and the man page NAME */
	const char *usage;		/* synopsis lines separated by '\n', after
					 * the one per subcommand ("NAME [options] SUB ARGS") */
	const char *cmd_options;	/* in those: what stands for [options] */
	const char *description;	/* plain text; blank line separates paragraphs */
	const char *examples;		/* "$ command" lines each followed by text */
	const struct mpf_opt *opts;	/* applet-specific options */
	const struct mpf_subcmd *subcmds; /* NULL-name terminated, optional */
	const char *const *conflicts;	/* options that cannot go together:
					 * "LONG LONG" pairs, NULL-terminated */
	void (*check)(void);		/* option values beyond their types (a
					 * version, a name): mpf_usage_error, run
					 * before anything is read or opened */
	unsigned flags;
	double default_timeout;		/* seconds; 0 = no --timeout default */
	int default_jobs;		/* 0 = 1; MPF_JOBS_ALL: every record at once */
	int (*main)(int argc, char **argv);	/* no subcommand: records on stdin */
};

/* A flash applet works on every board it is given at once: each board is
 * a device of its own, and jobs on one device take turns (filter.h). */
#define MPF_JOBS_ALL (-1)

/* The options every applet accepts, filled in before .main runs. */
struct mpf_common {
	const struct mpf_applet *applet;
	const char *prog;		/* "mpf-scan" */
	int help, version, quiet, verbose, jobs, retry_errors, keep_order;
	double timeout;			/* seconds */
	const char *output;		/* "jsonl", "table" or "json" */
	const char *progress;		/* "auto", "bar", "json" or "none" */
};

extern struct mpf_common mpf;
extern const struct mpf_opt mpf_common_opts[];
/* The options of applets that read records (MPF_APPLET_FILTER). */
extern const struct mpf_opt mpf_filter_opts[];

/* Run applet a with the full argv (argv[0] is the program name): parse
 * the options, handle --help and --version, set up signals and stdout,
 * call .main, flush. Returns the exit status. */
int mpf_applet_run(const struct mpf_applet *a, int argc, char **argv);

/* Each synopsis line of a (without "usage:"), the subcommands' first;
 * fn is called with the line and its length. */
void mpf_applet_usage(const struct mpf_applet *a, void (*fn)(const char *line, size_t len,
							     void *ctx), void *ctx);

/* Subcommand operands of a type: the value, or a usage error naming what
 * (exit 2) when s is no address / size (mpf_parse_addr, mpf_parse_size). */
uint32_t mpf_arg_addr(const char *what, const char *s);
uint32_t mpf_arg_size(const char *what, const char *s);

/* An input file operand, checked before anything is opened: path, or the
 * exit mpf(7) gives (66 not there or a directory, 77 permission denied). */
const char *mpf_arg_file(const char *path);

/* 1 if common option o is shadowed by an applet option of the same long
 * name (mpf-pick --version VERSION): the applet's wins when parsing, and
 * help, man page and completions show only the applet's. */
int mpf_common_shadowed(const struct mpf_applet *a, const struct mpf_opt *o);

/* The timeout in milliseconds (mpf.timeout, or the applet default). */
int mpf_timeout_ms(void);

#endif
