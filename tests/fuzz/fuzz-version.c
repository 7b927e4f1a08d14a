/* fuzz-version - version strings from boards (os.uname, sys.version) and
 * from firmware file names on a mirror. */
#include "version.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[256], out[64];
	struct mpf_version a, b;
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1, half = n / 2;

	memcpy(s, data, n);
	s[n] = '\0';
	if (!mpf_version_parse(s, &a)) {
		mpf_version_format(&a, out, sizeof(out));
		if (!mpf_version_parse(out, &b))
			mpf_version_cmp(&a, &b);
	}
	s[half] = '\0';
	mpf_version_parse(s + (half < n ? half + 1 : n), &b);
	return 0;
}
