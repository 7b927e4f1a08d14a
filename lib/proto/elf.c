/* elf.c - PT_LOAD segments of ELF32 little-endian ARM files (System V ABI,
 * ELF for the Arm Architecture). Every offset read is bounds-checked. */
#include <string.h>

#include "elf.h"
#include "err.h"

#define PT_LOAD 1
#define EM_ARM 40

static uint32_t le16(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8; }
static uint32_t le32(const uint8_t *p) { return le16(p) | le16(p + 2) << 16; }

int mpf_elf_is(const uint8_t *buf, size_t len)
{
	return len >= 4 && !memcmp(buf, "\177ELF", 4);
}

int mpf_elf_segments(const uint8_t *buf, size_t len, struct mpf_elf_seg *segs, size_t max,
		     struct mpf_buf *err)
{
	uint32_t phoff, phentsize, phnum, i;
	size_t n = 0;

	if (len < 52 || !mpf_elf_is(buf, len))
		return mpf_errf(err, MPF_ERR_FORMAT, "not an ELF file");
	if (buf[4] != 1 || buf[5] != 1)
		return mpf_errf(err, MPF_ERR_FORMAT, "not a 32-bit little-endian ELF file");
	if (le16(buf + 18) != EM_ARM)
		return mpf_errf(err, MPF_ERR_FORMAT, "ELF file is not for ARM (e_machine %u)",
				le16(buf + 18));
	phoff = le32(buf + 28);
	phentsize = le16(buf + 42);
	phnum = le16(buf + 44);
	if (!phnum)
		return mpf_errf(err, MPF_ERR_FORMAT, "ELF file has no program headers");
	if (phentsize < 32 || phoff > len || (uint64_t)phnum * phentsize > len - phoff)
		return mpf_errf(err, MPF_ERR_FORMAT, "ELF program headers lie outside the file");
	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = buf + phoff + (size_t)i * phentsize;
		uint32_t off = le32(ph + 4), paddr = le32(ph + 12), filesz = le32(ph + 16);

		if (le32(ph) != PT_LOAD || !filesz)
			continue;
		if (off > len || filesz > len - off)
			return mpf_errf(err, MPF_ERR_FORMAT, "ELF segment %u (0x%08x, %u bytes) "
					"extends past the end of the file", i, paddr, filesz);
		if ((uint64_t)paddr + filesz > 0x100000000ull)
			return mpf_errf(err, MPF_ERR_FORMAT, "ELF segment %u wraps the address space", i);
		if (n == max)
			return mpf_errf(err, MPF_ERR_FORMAT, "ELF file has more than %zu segments", max);
		segs[n].paddr = paddr;
		segs[n].offset = off;
		segs[n].size = filesz;
		n++;
	}
	if (!n)
		return mpf_errf(err, MPF_ERR_FORMAT, "ELF file has nothing to load");
	return (int)n;
}
