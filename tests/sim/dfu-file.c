/* dfu-file - make and inspect DfuSe and Intel HEX files with lib/proto/dfuse
 * and lib/proto/ihex, for the shell tests (which hold them against dfu-util's
 * dfuse-pack, dfu-util itself and binutils' objcopy). Never installed.
 *
 *   dfu-file pack [-D VID:PID] [-8] ADDR[@ALT]:FILE... OUT.dfu
 *   dfu-file dump FILE.dfu      one line per element: "alt ADDR SIZE"
 *   dfu-file hex ADDR FILE OUT.hex
 *   dfu-file probe FILE         the DFU suffix and prefix of a plain DFU file
 */
#include "buf.h"
#include "dfuse.h"
#include "ihex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void slurp(const char *path, struct mpf_buf *b)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;

	if (!f) {
		perror(path);
		exit(1);
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		mpf_buf_add(b, buf, n);
	fclose(f);
}

static void spill(const char *path, const struct mpf_buf *b)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(b->buf, 1, b->len, f) != b->len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static int pack(int argc, char **argv)
{
	struct mpf_dfuse_file f = { 0xffff, 0xffff, 0xffff, NULL, 0 };
	struct mpf_buf *data, out = MPF_BUF_INIT;
	int i, pad = 0, n = 0;

	data = mpf_xcalloc((size_t)argc, sizeof(*data));
	for (i = 0; i < argc - 1; i++) {
		unsigned long addr, alt = 0;
		char *p;
		size_t t;

		if (!strcmp(argv[i], "-D") && i + 1 < argc) {
			unsigned v, d;

			if (sscanf(argv[++i], "%x:%x", &v, &d) != 2)
				return 2;
			f.vid = (uint16_t)v;
			f.pid = (uint16_t)d;
			continue;
		}
		if (!strcmp(argv[i], "-8")) {
			pad = 1;
			continue;
		}
		addr = strtoul(argv[i], &p, 0);
		if (*p == '@')
			alt = strtoul(p + 1, &p, 0);
		if (*p++ != ':')
			return 2;
		slurp(p, &data[n]);
		for (t = 0; t < f.n && f.t[t].alt != alt; t++)
			;
		if (t == f.n) {
			f.t = mpf_xrealloc(f.t, (f.n + 1) * sizeof(*f.t));
			memset(&f.t[f.n], 0, sizeof(*f.t));
			f.t[f.n].alt = (uint8_t)alt;
			snprintf(f.t[f.n].name, sizeof(f.t[f.n].name), "ST...");
			f.n++;
		}
		f.t[t].el = mpf_xrealloc(f.t[t].el, (f.t[t].n + 1) * sizeof(*f.t[t].el));
		f.t[t].el[f.t[t].n++] = (struct mpf_dfuse_element){
			(uint32_t)addr, (uint32_t)data[n].len, (const uint8_t *)data[n].buf };
		n++;
	}
	mpf_dfuse_file_write(&f, pad, &out);
	spill(argv[argc - 1], &out);
	for (i = 0; i < n; i++)
		mpf_buf_release(&data[i]);
	free(data);
	for (i = 0; i < (int)f.n; i++)
		free(f.t[i].el);
	free(f.t);
	mpf_buf_release(&out);
	return 0;
}

static int dump(const char *path)
{
	struct mpf_buf b = MPF_BUF_INIT, err = MPF_BUF_INIT;
	struct mpf_dfuse_file f;
	size_t i, j;

	slurp(path, &b);
	if (mpf_dfuse_file_parse((const uint8_t *)b.buf, b.len, &f, &err) < 0) {
		fprintf(stderr, "dfu-file: %s\n", err.buf);
		mpf_buf_release(&err);
		mpf_buf_release(&b);
		return 1;
	}
	printf("device %04x:%04x\n", f.vid, f.pid);
	for (i = 0; i < f.n; i++)
		for (j = 0; j < f.t[i].n; j++)
			printf("%u 0x%08x %u\n", f.t[i].alt, f.t[i].el[j].addr, f.t[i].el[j].size);
	mpf_dfuse_file_release(&f);
	mpf_buf_release(&b);
	return 0;
}

static int hex(const char *addr, const char *in, const char *out)
{
	struct mpf_buf b = MPF_BUF_INIT, o = MPF_BUF_INIT;
	struct mpf_ihex_segment s;
	struct mpf_ihex h = { &s, 1, 0, 0 };

	slurp(in, &b);
	s.addr = (uint32_t)strtoul(addr, NULL, 0);
	s.data = (uint8_t *)b.buf;
	s.len = b.len;
	mpf_ihex_write(&h, &o);
	spill(out, &o);
	mpf_buf_release(&b);
	mpf_buf_release(&o);
	return 0;
}

/* What lib/proto/dfuse reads of a plain DFU file's prefix and suffix,
 * one line each: "suffix VID:PID device BCD dfu BCD length N" (or "suffix
 * none" / "suffix bad"), "prefix stellaris ADDR PAYLOAD", "prefix lpc
 * PAYLOAD" or "prefix none". */
static int probe(const char *path)
{
	static const char *const names[] = { "none", "stellaris", "lpc" };
	struct mpf_buf b = MPF_BUF_INIT;
	struct mpf_dfu_suffix s;
	struct mpf_dfu_prefix p;
	int r;

	slurp(path, &b);
	r = mpf_dfu_suffix_parse((const uint8_t *)b.buf, b.len, &s, NULL);
	if (r > 0)
		printf("suffix %04x:%04x device %04x dfu %04x length %u\n", s.vid, s.pid,
		       s.bcd_device, s.bcd_dfu, s.length);
	else
		printf("suffix %s\n", r ? "bad" : "none");
	mpf_dfu_prefix_parse((const uint8_t *)b.buf, b.len, r > 0 ? s.length : 0, &p);
	printf("prefix %s", names[p.type]);
	if (p.type == MPF_DFU_PREFIX_STELLARIS)
		printf(" 0x%08x", p.address);
	if (p.type != MPF_DFU_PREFIX_NONE)
		printf(" %u", p.payload);
	printf("\n");
	mpf_buf_release(&b);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "probe"))
		return probe(argv[2]);
	if (argc >= 4 && !strcmp(argv[1], "pack"))
		return pack(argc - 2, argv + 2);
	if (argc == 3 && !strcmp(argv[1], "dump"))
		return dump(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "hex"))
		return hex(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: dfu-file pack [-D VID:PID] [-8] ADDR[@ALT]:FILE... OUT | "
			"dump FILE | hex ADDR FILE OUT | probe FILE\n");
	return 2;
}
