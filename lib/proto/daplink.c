/* daplink.c - DETAILS.TXT and FAIL.TXT of DAPLink drives (doc/protocols.md
 * section 3.4). */
#include "daplink.h"
#include "err.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* value (after "Key:") trimmed, at most cap-1 bytes, into dst */
static void put_value(char *dst, size_t cap, const char *v, size_t n)
{
	size_t k;

	v += strspn(v, " \t");
	k = strcspn(v, "\r\n");
	if (k > n)
		k = n;
	while (k && (v[k - 1] == ' ' || v[k - 1] == '\t'))
		k--;
	if (k >= cap)
		k = cap - 1;
	memcpy(dst, v, k);
	dst[k] = '\0';
}

/* The line at p (n bytes up to its newline) holds key: its value, or NULL. */
static const char *after_key(const char *p, size_t n, const char *key)
{
	size_t kl = strlen(key);

	return n > kl && !strncasecmp(p, key, kl) && p[kl] == ':' ? p + kl + 1 : NULL;
}

#define F(k, f) { k, offsetof(struct mpf_daplink_details, f), \
		  sizeof(((struct mpf_daplink_details *)0)->f) }
static const struct { const char *key; size_t off, cap; } details_keys[] = {
	F("Unique ID", unique_id), F("HIC ID", hic_id), F("Daplink Mode", mode),
	F("Interface Version", version), F("Version", version),
	F("Bootloader Version", bl_version),
};
#undef F

static void details_line(const char *p, size_t n, struct mpf_daplink_details *d)
{
	const char *v;
	size_t i;

	if ((v = after_key(p, n, "Remount count")))
		d->remounts = strtol(v, NULL, 10);
	for (i = 0; i < sizeof(details_keys) / sizeof(details_keys[0]); i++)
		if ((v = after_key(p, n, details_keys[i].key))) {
			put_value((char *)d + details_keys[i].off, details_keys[i].cap, v,
				  n - (size_t)(v - p));
			return;
		}
}

int mpf_daplink_details_parse(const char *text, size_t len, struct mpf_daplink_details *d)
{
	const char *p = text, *end = text + len;

	memset(d, 0, sizeof(*d));
	d->remounts = -1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		details_line(p, n, d);
		p = nl ? nl + 1 : end;
	}
	if (strlen(d->unique_id) < 4 || strspn(d->unique_id, "0123456789abcdefABCDEF") < 4)
		return MPF_ERR_FORMAT;
	memcpy(d->board_id, d->unique_id, 4);
	if (strspn(d->unique_id + 4, "0123456789abcdefABCDEF") >= 4)
		memcpy(d->family_id, d->unique_id + 4, 4);
	return 0;
}

int mpf_daplink_maintenance(const struct mpf_daplink_details *d)
{
	return !strcasecmp(d->mode, "Bootloader");
}

void mpf_daplink_fail_message(const char *text, size_t len, char *msg, size_t cap)
{
	const char *p = text, *end = text + len, *v;

	put_value(msg, cap, text, len);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if ((v = after_key(p, n, "error"))) {
			put_value(msg, cap, v, n - (size_t)(v - p));
			return;
		}
		p = nl ? nl + 1 : end;
	}
}
