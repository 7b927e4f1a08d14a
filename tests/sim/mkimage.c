/* mkimage - write test images for mpf-swd: the same bytes as an ELF32 ARM
 * file (PT_LOAD segments) or as Intel HEX, independently of lib/.
 *
 *   mkimage elf OUT ADDR:FILE[@VADDR] ...   one PT_LOAD per FILE, loaded at
 *                                           ADDR (p_paddr), linked at VADDR
 *                                           (p_vaddr, default ADDR)
 *   mkimage hex OUT ADDR:FILE ...           Intel HEX, 16 bytes a line,
 *                                           extended linear address records
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct seg { unsigned long addr, vaddr; unsigned char *data; size_t len; };

static void le(unsigned char *p, unsigned long v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static int load(const char *arg, struct seg *s)
{
	char *end, *file, *at;
	FILE *f;
	long n;

	s->addr = strtoul(arg, &end, 0);
	if (*end != ':')
		return -1;
	file = strdup(end + 1);
	s->vaddr = s->addr;
	if ((at = strchr(file, '@'))) {
		*at = 0;
		s->vaddr = strtoul(at + 1, NULL, 0);
	}
	if (!(f = fopen(file, "rb")) || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0)
		return -1;
	rewind(f);
	s->len = (size_t)n;
	s->data = malloc(s->len + 1);
	if (fread(s->data, 1, s->len, f) != s->len)
		return -1;
	fclose(f);
	free(file);
	return 0;
}

static void write_elf(FILE *o, struct seg *s, int n)
{
	unsigned char eh[52] = { 0x7F, 'E', 'L', 'F', 1, 1, 1 }, ph[32];
	unsigned long off = 52 + 32ul * n;
	int i;

	le(eh + 16, 2, 2);		/* ET_EXEC */
	le(eh + 18, 40, 2);		/* EM_ARM */
	le(eh + 20, 1, 4);
	le(eh + 24, s[0].vaddr | 1, 4);	/* entry (Thumb) */
	le(eh + 28, 52, 4);		/* e_phoff */
	le(eh + 36, 0x05000200, 4);	/* EABI5, hard float */
	le(eh + 40, 52, 2);
	le(eh + 42, 32, 2);
	le(eh + 44, (unsigned long)n, 2);
	le(eh + 46, 40, 2);
	fwrite(eh, 1, 52, o);
	for (i = 0; i < n; i++, off += s[i - 1].len) {
		memset(ph, 0, 32);
		le(ph, 1, 4);
		le(ph + 4, off, 4);
		le(ph + 8, s[i].vaddr, 4);
		le(ph + 12, s[i].addr, 4);
		le(ph + 16, s[i].len, 4);
		le(ph + 20, s[i].len + 64, 4);	/* memsz > filesz: bss is not loaded */
		le(ph + 24, 5, 4);
		le(ph + 28, 4, 4);
		fwrite(ph, 1, 32, o);
	}
	for (i = 0; i < n; i++)
		fwrite(s[i].data, 1, s[i].len, o);
}

static void hex_line(FILE *o, int type, unsigned addr, const unsigned char *d, int n)
{
	unsigned sum = (unsigned)n + (addr >> 8) + (addr & 0xFF) + (unsigned)type;
	int i;

	fprintf(o, ":%02X%04X%02X", n, addr & 0xFFFF, type);
	for (i = 0; i < n; i++) {
		fprintf(o, "%02X", d[i]);
		sum += d[i];
	}
	fprintf(o, "%02X\n", (0x100 - (sum & 0xFF)) & 0xFF);
}

static void write_hex(FILE *o, struct seg *s, int n)
{
	unsigned long upper = ~0ul;
	int i;

	for (i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < s[i].len; ) {
			unsigned long a = s[i].addr + k;
			size_t m = s[i].len - k < 16 ? s[i].len - k : 16;
			unsigned char ub[2];

			if (m > 0x10000 - (a & 0xFFFF))
				m = 0x10000 - (a & 0xFFFF);
			if ((a >> 16) != upper) {
				upper = a >> 16;
				ub[0] = (unsigned char)(upper >> 8);
				ub[1] = (unsigned char)upper;
				hex_line(o, 4, 0, ub, 2);
			}
			hex_line(o, 0, (unsigned)(a & 0xFFFF), s[i].data + k, (int)m);
			k += m;
		}
	}
	hex_line(o, 1, 0, NULL, 0);
}

int main(int argc, char **argv)
{
	struct seg s[16];
	FILE *o;
	int i, n = argc - 3;

	if (argc < 4 || n > 16 || (strcmp(argv[1], "elf") && strcmp(argv[1], "hex"))) {
		fprintf(stderr, "usage: mkimage elf|hex OUT ADDR:FILE[@VADDR]...\n");
		return 2;
	}
	for (i = 0; i < n; i++)
		if (load(argv[3 + i], &s[i]) < 0) {
			fprintf(stderr, "mkimage: bad segment %s\n", argv[3 + i]);
			return 1;
		}
	if (!(o = fopen(argv[2], "wb")))
		return 1;
	if (!strcmp(argv[1], "elf"))
		write_elf(o, s, n);
	else
		write_hex(o, s, n);
	for (i = 0; i < n; i++)
		free(s[i].data);
	return fclose(o) ? 1 : 0;
}
