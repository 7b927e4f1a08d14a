/* mpf-test-tool - drive lib/ functions from shell tests (after git's
 * t/helper/test-tool). Never installed.
 *
 *   mpf-test-tool filter [common options] [--set KEY=VALUE] [--fail-if KEY]
 *       Run the record filter over stdin like any applet: records with a
 *       "delay_ms" field sleep that long first (to test -j ordering), get
 *       KEY=VALUE set, and fail with an error when they carry --fail-if KEY.
 *       Records with "skip": true are not wanted and pass through; records
 *       with "progress": N report N bytes of progress in 4 steps.
 */
#include "applet.h"
#include "err.h"
#include "filter.h"
#include "log.h"
#include "progress.h"
#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *set_kv, *fail_key;

static const struct mpf_opt filter_opts[] = {
	OPT_STRING(0, "set", &set_kv, "KEY=VALUE", "set a string field in every record handled"),
	OPT_STRING(0, "fail-if", &fail_key, "KEY", "fail records that have this field"),
	OPT_END(),
};

static int wants(const struct mpf_record *rec, void *ctx)
{
	return !mpf_rec_bool(rec, "skip", 0);
}

static int run(struct mpf_record *rec, void *ctx)
{
	long long ms = mpf_rec_int(rec, "delay_ms", 0), total = mpf_rec_int(rec, "progress", 0);

	if (ms > 0)
		mpf_sleep_ms((int)ms);
	if (total > 0) {
		struct mpf_progress *p = mpf_progress_begin(mpf_rec_str(rec, "serial"), "write",
							    (uint64_t)total);
		int i;

		for (i = 1; i <= 4; i++) {
			mpf_sleep_ms(120);	/* updates are throttled to 10 per second */
			mpf_progress_update(p, (uint64_t)(total * i / 4));
		}
		mpf_progress_end(p, 1);
	}
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
	struct mpf_filter f = { wants, run, NULL, cols };

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

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "filter"))
		return mpf_applet_run(&filter_applet, argc - 1, argv + 1);
	fprintf(stderr, "usage: mpf-test-tool filter [options]\n");
	return 2;
}
