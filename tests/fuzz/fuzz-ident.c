/* fuzz-ident - what a board prints for the identification script (the
 * Python literal parser, the field rules, board_info.toml), and a
 * board_info.toml on its own. */
#include "ident.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mpf_buf warn = MPF_BUF_INIT, err = MPF_BUF_INIT;
	json_t *f = mpf_ident_parse((const char *)data, size, &warn, &err);
	size_t end;

	json_decref(f);
	f = json_object();
	mpf_ident_toml((const char *)data, size, f, &err);
	json_decref(f);
	json_decref(mpf_pylit_parse((const char *)data, size, &end, &err));
	mpf_buf_release(&warn);
	mpf_buf_release(&err);
	return 0;
}
