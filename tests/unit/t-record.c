/* t-record.c - the JSON Lines push parser and record helpers: what a
 * pipeline actually delivers (chunks split anywhere, CRLF from Windows
 * tools, blank lines, garbage, a last line without newline). */
#include "test-lib.h"
#include "record.h"
#include "err.h"

#include <stdlib.h>
#include <string.h>

/* Feed text in chunks of step bytes; collect raw lines of good records
 * and count errors. */
static int run(const char *text, size_t step, char out[][128], int *errors)
{
	struct mpf_jsonl p;
	struct mpf_record rec;
	struct mpf_buf err = MPF_BUF_INIT;
	size_t len = strlen(text), off;
	int n = 0, r;

	*errors = 0;
	mpf_jsonl_init(&p, "t");
	for (off = 0; off < len + step; off += step) {
		if (off < len)
			mpf_jsonl_feed(&p, text + off, off + step > len ? len - off : step);
		else
			mpf_jsonl_finish(&p);
		while ((r = mpf_jsonl_next(&p, &rec, &err)) != 0) {
			if (r < 0) {
				(*errors)++;
				continue;
			}
			snprintf(out[n++], 128, "%s", rec.raw);
			mpf_record_release(&rec);
		}
	}
	mpf_jsonl_release(&p);
	mpf_buf_release(&err);
	return n;
}

static void t_chunks(void)
{
	const char *text = "{\"a\":1}\r\n\n  \r\n{\"b\":[1,2]}\n{\"c\":\"x\"}";
	char out[8][128];
	size_t step;
	int errors, n;

	for (step = 1; step <= 40; step++) {
		n = run(text, step, out, &errors);
		if (!check_int(n, ==, 3))
			return;
		check_str(out[0], "{\"a\":1}");
		check_str(out[1], "{\"b\":[1,2]}");
		check_str(out[2], "{\"c\":\"x\"}");
		check_int(errors, ==, 0);
	}
}

static void t_errors(void)
{
	struct mpf_jsonl p;
	struct mpf_record rec;
	struct mpf_buf err = MPF_BUF_INIT;
	const char *text = "{\"ok\":1}\n{broken\n42\n{\"ok\":2}\n";

	mpf_jsonl_init(&p, "stdin");
	mpf_jsonl_feed(&p, text, strlen(text));
	mpf_jsonl_finish(&p);
	check_int(mpf_jsonl_next(&p, &rec, &err), ==, 1);
	mpf_record_release(&rec);
	check_int(mpf_jsonl_next(&p, &rec, &err), ==, MPF_ERR_FORMAT);
	check(!strncmp(err.buf, "stdin:2: invalid JSON", 21));
	check_int(mpf_jsonl_next(&p, &rec, &err), ==, MPF_ERR_FORMAT);
	check_str(err.buf, "stdin:3: not a JSON object");
	check_int(mpf_jsonl_next(&p, &rec, &err), ==, 1);
	check_int(rec.lineno, ==, 4);
	mpf_record_release(&rec);
	check_int(mpf_jsonl_next(&p, &rec, &err), ==, 0);
	mpf_jsonl_release(&p);
	mpf_buf_release(&err);
}

static void t_long_line(void)
{
	struct mpf_jsonl p;
	struct mpf_record rec;
	struct mpf_buf err = MPF_BUF_INIT;
	size_t len = 3u << 20, i;
	char *big = malloc(len + 32);

	/* a 3 MiB record (a firmware listing, say) is fine */
	strcpy(big, "{\"k\":\"");
	for (i = 6; i < len; i++)
		big[i] = 'x';
	strcpy(big + len, "\"}\n");
	mpf_jsonl_init(&p, "t");
	for (i = 0; i < len + 3; i += 4096)
		mpf_jsonl_feed(&p, big + i, i + 4096 > len + 3 ? len + 3 - i : 4096);
	check_int(mpf_jsonl_next(&p, &rec, &err), ==, 1);
	check_uint(strlen(mpf_rec_str(&rec, "k")), ==, len - 6);
	mpf_record_release(&rec);
	mpf_jsonl_release(&p);
	mpf_buf_release(&err);
	free(big);
}

static void t_passthrough(void)
{
	struct mpf_jsonl p;
	struct mpf_record rec;
	struct mpf_buf err = MPF_BUF_INIT;
	const char *line = "{\"z\": 1, \"unknown\": {\"deep\": [1.10, \"\\u00e9\"]}, \"a\": true}\n";
	char *out;
	size_t len;

	mpf_jsonl_init(&p, "t");
	mpf_jsonl_feed(&p, line, strlen(line));
	check_int(mpf_jsonl_next(&p, &rec, &err), ==, 1);
	/* untouched: byte for byte, spacing and escapes included */
	out = mpf_record_dump(&rec, &len);
	check_mem(out, line, strlen(line) - 1);
	free(out);
	/* touched: every other field kept as written (1.10 too), in order, new field last */
	mpf_rec_set_str(&rec, "version", "1.24.1");
	out = mpf_record_dump(&rec, &len);
	check_str(out, "{\"z\":1,\"unknown\":{\"deep\":[1.10,\"\xc3\xa9\"]},\"a\":true,"
		       "\"version\":\"1.24.1\"}");
	free(out);
	check_str(mpf_rec_str(&rec, "version"), "1.24.1");
	check(mpf_rec_get(&rec, "unknown.deep") != NULL);
	check(mpf_rec_str(&rec, "unknown.deep") == NULL);
	check_int(mpf_rec_bool(&rec, "a", 0), ==, 1);
	check_int(mpf_rec_int(&rec, "z", 7), ==, 1);
	check_int(mpf_rec_int(&rec, "missing", 7), ==, 7);
	mpf_record_release(&rec);
	mpf_jsonl_release(&p);
	mpf_buf_release(&err);
}

static void t_error_field(void)
{
	struct mpf_record rec;

	mpf_record_init(&rec);
	check(!mpf_rec_has_error(&rec));
	mpf_rec_set_error(&rec, "timeout", "no reply within %d ms", 3000);
	check(mpf_rec_has_error(&rec));
	check_str(mpf_rec_str(&rec, "error.code"), "timeout");
	check_str(mpf_rec_str(&rec, "error.message"), "no reply within 3000 ms");
	mpf_record_release(&rec);
}

int main(void)
{
	TEST(t_chunks(), "records split at any byte, CRLF and blank lines, no final newline");
	TEST(t_errors(), "invalid JSON and non-objects are reported with line numbers, parsing goes on");
	TEST(t_long_line(), "a 3 MiB line is one record");
	TEST(t_passthrough(), "untouched records pass byte for byte; touched keep fields and order");
	TEST(t_error_field(), "error records carry applet, code and message");
	return test_done();
}
