/* mpf-test-tool - drive lib/ functions from shell tests (after git's
 * t/helper/test-tool). Never installed.
 *
 *   mpf-test-tool filter [common options] [--set KEY=VALUE] [--fail-if KEY]
 *                        [--device-field KEY] [--stamp NAME]
 *       Run the record filter over stdin like any applet: records with a
 *       "delay_ms" field sleep that long first (to test -j ordering), get
 *       KEY=VALUE set, and fail with an error when they carry --fail-if KEY.
 *       --device-field: the record's KEY names the device its job works on
 *       (jobs on one device take turns). --stamp NAME: each record handled gets
 *       NAME_began and NAME_ended, the job's start and end (ms on
 *       CLOCK_MONOTONIC, one clock for every stage of a pipeline).
 *       Records with "skip": true are not wanted and pass through; records
 *       with "progress": N report N bytes of progress in 4 steps (and log
 *       their "log" text as a warning half way).
 *
 *   mpf-test-tool port NAME STEP...
 *       Open NAME with mpf_transport_open (a tty, socket://, rfc2217://) and
 *       run the steps in order: w:TEXT (write, \xHH escapes), r:MS[:N] (read
 *       for MS ms, or until N bytes came; print them as hex), baud:N, dtr:0|1, rts:0|1,
 *       lines:D,R (both at once), flush, sleep:MS. Exit 0, or the error.
 *
 *   mpf-test-tool pty-echo LINK
 *       A board that echoes every byte: a pty whose slave path is linked at
 *       LINK. It keeps its own slave open, so a client closing the port (as
 *       ser2net does when its connection ends) is no hang-up. Runs until
 *       killed.
 *
 *   mpf-test-tool udev-rules [FILE]
 *       Print the udev rule file FILE as generated from the USB id tables
 *       (make docs writes scripts/udev/ with it), or without FILE the names
 *       of the files, one a line.
 */
/* posix_openpt, ptsname, cfmakeraw, usleep, symlink */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700
#include "applet.h"
#include "clock.h"
#include "err.h"
#include "filter.h"
#include "log.h"
#include "progress.h"
#include "transport.h"
#include "usb.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const char *set_kv, *fail_key, *device_field, *stamp;

static const struct mpf_opt filter_opts[] = {
	OPT_STRING(0, "set", &set_kv, "KEY=VALUE", "set a string field in every record handled"),
	OPT_STRING(0, "fail-if", &fail_key, "KEY", "fail records that have this field"),
	OPT_STRING(0, "device-field", &device_field, "KEY", "the field naming a record's device"),
	OPT_STRING(0, "stamp", &stamp, "NAME", "put the job's start and end times in each record"),
	OPT_END(),
};

static int wants(const struct mpf_record *rec, void *ctx)
{
	return !mpf_rec_bool(rec, "skip", 0);
}

static const char *device(const struct mpf_record *rec, struct mpf_buf *out, void *ctx)
{
	return device_field ? mpf_rec_str(rec, device_field) : NULL;
}

static void set_stamp(struct mpf_record *rec, const char *what)
{
	char key[80];

	snprintf(key, sizeof(key), "%s_%s", stamp, what);
	mpf_rec_set_int(rec, key, mpf_now_ms());
}

static int run(struct mpf_record *rec, void *ctx)
{
	long long ms = mpf_rec_int(rec, "delay_ms", 0), total = mpf_rec_int(rec, "progress", 0);

	if (stamp)
		set_stamp(rec, "began");

	if (ms > 0 && mpf_sleep_ms((int)ms) < 0) {
		mpf_rec_set_error(rec, "interrupted", "interrupted after %lld ms", ms);
		return MPF_ERR_INTR;
	}
	if (total > 0) {
		struct mpf_progress *p = mpf_progress_begin(mpf_rec_str(rec, "serial"), "write",
							    (uint64_t)total);
		int i;

		for (i = 1; i <= 4; i++) {
			mpf_sleep_ms(120);	/* updates are throttled to 10 per second */
			mpf_progress_update(p, (uint64_t)(total * i / 4));
			if (i == 2 && mpf_rec_str(rec, "log"))
				mpf_warn("%s", mpf_rec_str(rec, "log"));
		}
		mpf_progress_end(p, 1);
	}
	if (stamp)
		set_stamp(rec, "ended");
	if (fail_key && mpf_rec_get(rec, fail_key)) {
		mpf_rec_set_error(rec, "test", "record has '%s'", fail_key);
		return MPF_ERR_FAIL;
	}
	if (set_kv) {
		const char *eq = strchr(set_kv, '=');
		char *key = mpf_xstrndup(set_kv, eq ? (size_t)(eq - set_kv) : strlen(set_kv));

		mpf_rec_set_str(rec, key, eq ? eq + 1 : "");
		free(key);
	}
	return 0;
}

static const struct mpf_column cols[] = {
	{ "Serial", "serial", NULL }, { "Value", "value", NULL }, { NULL, NULL, NULL },
};

static int filter_main(int argc, char **argv)
{
	struct mpf_filter f = { wants, run, NULL, cols, device };

	return mpf_filter_fd(&f, STDIN_FILENO, "stdin");
}

static const struct mpf_applet filter_applet = {
	.name = "test-filter",
	.summary = "pass records through the filter runner",
	.usage = "mpf-test-tool filter [options]",
	.opts = filter_opts,
	.flags = MPF_APPLET_FILTER,
	.main = filter_main,
};

/* "a\xffb" -> bytes */
static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s) {
		if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = { s[2], s[3], 0 };

			out[n++] = (char)strtol(hex, NULL, 16);
			s += 4;
		} else {
			out[n++] = *s++;
		}
	}
	return n;
}

static int step(struct mpf_transport *t, const char *st)
{
	const char *arg = strchr(st, ':');
	char buf[4096];
	int r = 0, i, n = 0;

	arg = arg ? arg + 1 : "";
	if (!strncmp(st, "w:", 2)) {
		n = (int)unescape(arg, buf);
		r = mpf_tr_write(t, buf, (size_t)n, 2000);
	} else if (!strncmp(st, "r:", 2)) {
		/* r:MS reads for MS ms; r:MS:N stops early once N bytes came */
		int64_t end = mpf_now_ms() + atoi(arg);
		const char *c = strchr(arg, ':');
		long want = c ? atol(c + 1) : -1, got = 0;

		while ((want < 0 || got < want) &&
		       (n = mpf_tr_read(t, buf, sizeof(buf), (int)(end - mpf_now_ms()))) > 0)
			for (i = 0; i < n; i++, got++)
				printf("%02x", (unsigned char)buf[i]);
		printf("\n");
		r = n < 0 ? n : 0;
	} else if (!strncmp(st, "baud:", 5)) {
		r = mpf_tr_set_baud(t, atoi(arg));
	} else if (!strncmp(st, "dtr:", 4)) {
		r = mpf_tr_set_lines(t, atoi(arg), -1);
	} else if (!strncmp(st, "rts:", 4)) {
		r = mpf_tr_set_lines(t, -1, atoi(arg));
	} else if (!strncmp(st, "lines:", 6)) {
		r = mpf_tr_set_lines(t, atoi(arg), atoi(strchr(arg, ',') ? strchr(arg, ',') + 1 : "0"));
	} else if (!strcmp(st, "flush")) {
		r = mpf_tr_flush_input(t);
	} else if (!strncmp(st, "sleep:", 6)) {
		r = mpf_sleep_ms(atoi(arg));
	} else {
		fprintf(stderr, "mpf-test-tool: unknown step '%s'\n", st);
		return MPF_ERR_ARG;
	}
	fflush(stdout);
	if (r < 0)
		fprintf(stderr, "mpf-test-tool: %s: %s\n", st, mpf_buf_str(&t->err));
	return r;
}

static int port_main(int argc, char **argv)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct mpf_transport *t;
	int i, r;

	if (argc < 3)
		return 2;
	r = mpf_transport_open(argv[2], 115200, &t, &err);
	if (r < 0) {
		fprintf(stderr, "mpf-test-tool: %s\n", err.buf);
		mpf_buf_release(&err);
		return 1;
	}
	for (i = 3; i < argc && r >= 0; i++)
		r = step(t, argv[i]);
	mpf_tr_close(t);
	mpf_buf_release(&err);
	return r < 0 ? 1 : 0;
}

static int pty_echo_main(const char *link)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), keep;
	char buf[4096];
	struct termios tio;
	ssize_t n;

	if (m < 0 || grantpt(m) || unlockpt(m))
		return 1;
	keep = open(ptsname(m), O_RDWR | O_NOCTTY);
	if (keep < 0 || tcgetattr(keep, &tio))
		return 1;
	cfmakeraw(&tio);
	tcsetattr(keep, TCSANOW, &tio);
	unlink(link);
	if (symlink(ptsname(m), link))
		return 1;
	for (;;) {
		n = read(m, buf, sizeof(buf));
		if (n > 0 && write(m, buf, (size_t)n) < 0)
			return 1;
		if (n <= 0)
			usleep(10000);
	}
}

static int udev_rules_main(const char *name)
{
	struct mpf_buf b = MPF_BUF_INIT;
	size_t i;

	if (!name) {
		for (i = 0; mpf_usb_udev_file(i); i++)
			puts(mpf_usb_udev_file(i));
		return 0;
	}
	if (mpf_usb_udev_rules(name, &b) < 0) {
		fprintf(stderr, "mpf-test-tool: no udev rule file '%s'\n", name);
		return 2;
	}
	fputs(mpf_buf_str(&b), stdout);
	mpf_buf_release(&b);
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "pty-echo"))
		return pty_echo_main(argv[2]);
	if (argc > 1 && !strcmp(argv[1], "filter"))
		return mpf_applet_run(&filter_applet, argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "port"))
		return port_main(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "udev-rules"))
		return udev_rules_main(argv[2]);
	fprintf(stderr, "usage: mpf-test-tool filter [options] | port NAME STEP... | "
		"pty-echo LINK | udev-rules [FILE]\n");
	return 2;
}
