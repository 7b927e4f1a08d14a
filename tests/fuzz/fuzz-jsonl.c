/* fuzz-jsonl - the JSON Lines push parser: records arrive from any
 * program upstream in a pipeline. Bytes are fed in two chunks split at a
 * point the input chooses; every record is dumped back (pass-through). */
#include "record.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mpf_jsonl p;
	struct mpf_record rec;
	struct mpf_buf err = MPF_BUF_INIT;
	size_t split = size ? data[0] % (size + 1) : 0, len;
	int r;

	mpf_jsonl_init(&p, "fuzz");
	mpf_jsonl_feed(&p, data, split);
	while ((r = mpf_jsonl_next(&p, &rec, &err)) != 0)
		if (r > 0) {
			free(mpf_record_dump(&rec, &len));
			mpf_rec_set_str(&rec, "touched", "x");
			free(mpf_record_dump(&rec, &len));
			mpf_rec_str(&rec, "firmware.file");
			mpf_record_release(&rec);
		}
	mpf_jsonl_feed(&p, data + split, size - split);
	mpf_jsonl_finish(&p);
	while ((r = mpf_jsonl_next(&p, &rec, &err)) != 0)
		if (r > 0)
			mpf_record_release(&rec);
	mpf_jsonl_release(&p);
	mpf_buf_release(&err);
	return 0;
}
