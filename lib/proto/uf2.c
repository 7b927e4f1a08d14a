/* uf2.c - UF2 blocks, file validation, bin-to-UF2 conversion, the family
 * table and which families a drive or a port accepts (doc/protocols.md 3). */
#include "uf2.h"
#include "buf.h"
#include "err.h"
#include "opt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Every family of Microsoft's utils/uf2families.json (names, IDs and
 * descriptions as there; CYW43 from the Pico SDK), by name. port: the
 * MicroPython port that runs on it; base: where a raw image goes (the
 * flash base of the chip, after the bootloader on SAMD); flash_end: the
 * first address past the largest flash of the family (RP2040 and RP2350
 * datasheets: the XIP window of one or two 16 MB chips; SAMD21/51, nRF52
 * and RA4M1 datasheets: the internal flash). 0 where it depends on the
 * board or bootloader. */
const struct mpf_uf2_family mpf_uf2_families[] = {
	{ .name = "AT32F415", .id = 0xA0C97B8E, .description = "ArteryTek AT32F415" },
	{ .name = "ATMEGA32", .id = 0x16573617, .description = "Microchip (Atmel) ATmega32" },
	{ .name = "BK7231N", .id = 0x7B3EF230, .description = "Beken 7231N" },
	{ .name = "BK7231U", .id = 0x675A40B0, .description = "Beken 7231U/7231T" },
	{ .name = "BK7251", .id = 0x6A82CC42, .description = "Beken 7251/7252" },
	{ .name = "BL602", .id = 0xDE1270B7, .description = "Boufallo 602" },
	{ .name = "CH32V", .id = 0x699B62EC, .description = "WCH CH32V2xx and CH32V3xx" },
	{ .name = "CSK4", .id = 0x4F6ACE52, .description = "LISTENAI CSK300x/400x" },
	{ .name = "CSK6", .id = 0x6E7348A8, .description = "LISTENAI CSK60xx" },
	{ .name = "CYW43", .id = 0xE48BFF55, .description = "CYW43 Wi-Fi firmware (Pico SDK)" },
	{ .name = "ESP32", .id = 0x1C5F21B0, .port = "esp32", .description = "ESP32" },
	{ .name = "ESP32C2", .id = 0x2B88D29C, .port = "esp32", .description = "ESP32-C2" },
	{ .name = "ESP32C3", .id = 0xD42BA06C, .port = "esp32", .description = "ESP32-C3" },
	{ .name = "ESP32C5", .id = 0xF71C0343, .port = "esp32", .description = "ESP32-C5" },
	{ .name = "ESP32C6", .id = 0x540DDF62, .port = "esp32", .description = "ESP32-C6" },
	{ .name = "ESP32C61", .id = 0x77D850C4, .description = "ESP32-C61" },
	{ .name = "ESP32H2", .id = 0x332726F6, .description = "ESP32-H2" },
	{ .name = "ESP32H21", .id = 0xB6DD00AF, .description = "ESP32-H21" },
	{ .name = "ESP32H4", .id = 0x9E0BAA8A, .description = "ESP32-H4" },
	{ .name = "ESP32P4", .id = 0x3D308E94, .port = "esp32", .description = "ESP32-P4" },
	{ .name = "ESP32S2", .id = 0xBFDD4EEE, .port = "esp32", .description = "ESP32-S2" },
	{ .name = "ESP32S3", .id = 0xC47E5767, .port = "esp32", .description = "ESP32-S3" },
	{ .name = "ESP32S31", .id = 0x3101F7C1, .description = "ESP32-S31" },
	{ .name = "ESP8266", .id = 0x7EAB61ED, .port = "esp8266", .description = "ESP8266" },
	{ .name = "FX2", .id = 0x5A18069B, .description = "Cypress FX2" },
	{ .name = "GD32F350", .id = 0x31D228C6, .description = "GD32F350" },
	{ .name = "GD32VF103", .id = 0x9AF03E33, .description = "GigaDevice GD32VF103" },
	{ .name = "KL32L2", .id = 0x7F83E793, .description = "NXP KL32L2x" },
	{ .name = "LPC55", .id = 0x2ABC77EC, .description = "NXP LPC55xx" },
	{ .name = "M0SENSE", .id = 0x11DE784A, .description = "M0SENSE BL702" },
	{ .name = "MaixPlay-U4", .id = 0x4B684D71, .description = "Sipeed MaixPlay-U4(BL618)" },
	{ .name = "MAX32650", .id = 0xD63F8632, .description = "Analog Devices MAX32650/1/2" },
	{ .name = "MAX32666", .id = 0xF0C30D71, .description = "Analog Devices MAX32665/6" },
	{ .name = "MAX32690", .id = 0x7410520A, .description = "Analog Devices MAX32690" },
	{ .name = "MAX78002", .id = 0x91D3FD18, .description = "Analog Devices MAX78002" },
	{ .name = "MIMXRT10XX", .id = 0x4FB2D5BD, .port = "mimxrt",
	  .description = "NXP i.MX RT10XX" },
	{ .name = "NRF52", .id = 0x1B57745F, .port = "nrf", .description = "Nordic NRF52" },
	{ .name = "NRF52820", .id = 0x820D9A5F, .flash_end = 0x00040000,
	  .description = "Nordic NRF52820_xxAA" },
	{ .name = "NRF52832xxAA", .id = 0x72721D4E, .port = "nrf", .flash_end = 0x00080000,
	  .description = "Nordic NRF52832xxAA" },
	{ .name = "NRF52832xxAB", .id = 0x6F752678, .port = "nrf", .flash_end = 0x00040000,
	  .description = "Nordic NRF52832xxAB" },
	{ .name = "NRF52833", .id = 0x621E937A, .port = "nrf", .flash_end = 0x00080000,
	  .description = "Nordic NRF52833" },
	{ .name = "NRF52840", .id = 0xADA52840, .port = "nrf", .flash_end = 0x00100000,
	  .description = "Nordic NRF52840" },
	{ .name = "PY32F071-UVK5-V3", .id = 0x7D7A66EF,
	  .description = "Quansheng UV-K5 V3 amateur radio based on Puya Semiconductor PY32F071" },
	{ .name = "RA4M1", .id = 0x7BE8976D, .port = "renesas-ra", .flash_end = 0x00040000,
	  .description = "Renesas RA4M1" },
	{ .name = "RP2040", .id = 0xE48BFF56, .port = "rp2", .base = 0x10000000, .flash_end = 0x11000000,
	  .description = "Raspberry Pi RP2040" },
	{ .name = "RP2350_ARM_NS", .id = 0xE48BFF5B, .port = "rp2", .base = 0x10000000, .flash_end = 0x12000000,
	  .description = "Raspberry Pi RP2350, Non-secure Arm image" },
	{ .name = "RP2350_ARM_S", .id = 0xE48BFF59, .port = "rp2", .base = 0x10000000, .flash_end = 0x12000000,
	  .description = "Raspberry Pi RP2350, Secure Arm image" },
	{ .name = "RP2350_RISCV", .id = 0xE48BFF5A, .port = "rp2", .base = 0x10000000, .flash_end = 0x12000000,
	  .description = "Raspberry Pi RP2350, RISC-V image" },
	{ .name = "RP2XXX_ABSOLUTE", .id = 0xE48BFF57, .port = "rp2", .base = 0x10000000, .flash_end = 0x12000000,
	  .description = "Raspberry Pi Microcontrollers: Absolute (unpartitioned) download" },
	{ .name = "RP2XXX_DATA", .id = 0xE48BFF58, .port = "rp2",
	  .description = "Raspberry Pi Microcontrollers: Data partition download" },
	{ .name = "RTL8710A", .id = 0x9FFFD543, .description = "Realtek Ameba1 RTL8710A" },
	{ .name = "RTL8710B", .id = 0x22E0D6FC, .description = "Realtek AmebaZ RTL8710B" },
	{ .name = "RTL8720C", .id = 0xE08F7564, .description = "Realtek AmebaZ2 RTL8720C" },
	{ .name = "RTL8720D", .id = 0x3379CFE2, .description = "Realtek AmebaD RTL8720D" },
	{ .name = "RZA1LU", .id = 0x9517422F, .description = "Renesas RZ/A1LU (R7S7210xx)" },
	{ .name = "SAMD21", .id = 0x68ED2B88, .port = "samd", .base = 0x2000, .flash_end = 0x00040000,
	  .description = "Microchip (Atmel) SAMD21" },
	{ .name = "SAMD51", .id = 0x55114460, .port = "samd", .base = 0x4000, .flash_end = 0x00100000,
	  .description = "Microchip (Atmel) SAMD51" },
	{ .name = "SAML21", .id = 0x1851780A, .description = "Microchip (Atmel) SAML21" },
	{ .name = "STM32F0", .id = 0x647824B6, .port = "stm32", .base = 0x08000000,
	  .description = "ST STM32F0xx" },
	{ .name = "STM32F1", .id = 0x5EE21072, .base = 0x08000000, .description = "ST STM32F103" },
	{ .name = "STM32F2", .id = 0x5D1A0A2E, .base = 0x08000000, .description = "ST STM32F2xx" },
	{ .name = "STM32F3", .id = 0x6B846188, .base = 0x08000000, .description = "ST STM32F3xx" },
	{ .name = "STM32F4", .id = 0x57755A57, .port = "stm32", .base = 0x08000000,
	  .description = "ST STM32F4xx" },
	{ .name = "STM32F407", .id = 0x6D0922FA, .port = "stm32", .base = 0x08000000,
	  .description = "ST STM32F407" },
	{ .name = "STM32F407VG", .id = 0x8FB060FE, .port = "stm32", .base = 0x08000000,
	  .description = "ST STM32F407VG" },
	{ .name = "STM32F411xC", .id = 0x06D1097B, .port = "stm32", .base = 0x08000000,
	  .description = "ST STM32F411xC" },
	{ .name = "STM32F411xE", .id = 0x2DC309C5, .port = "stm32", .base = 0x08000000,
	  .description = "ST STM32F411xE" },
	{ .name = "STM32F7", .id = 0x53B80F00, .port = "stm32", .base = 0x08000000,
	  .description = "ST STM32F7xx" },
	{ .name = "STM32G0", .id = 0x300F5633, .port = "stm32", .base = 0x08000000,
	  .description = "ST STM32G0xx" },
	{ .name = "STM32G4", .id = 0x4C71240A, .port = "stm32", .base = 0x08000000,
	  .description = "ST STM32G4xx" },
	{ .name = "STM32H5", .id = 0x4E8F1C5D, .port = "stm32", .base = 0x08000000,
	  .description = "ST STM32H5xx" },
	{ .name = "STM32H7", .id = 0x6DB66082, .port = "stm32", .base = 0x08000000,
	  .description = "ST STM32H7xx" },
	{ .name = "STM32L0", .id = 0x202E3A91, .port = "stm32", .base = 0x08000000,
	  .description = "ST STM32L0xx" },
	{ .name = "STM32L1", .id = 0x1E1F432D, .port = "stm32", .base = 0x08000000,
	  .description = "ST STM32L1xx" },
	{ .name = "STM32L4", .id = 0x00FF6919, .port = "stm32", .base = 0x08000000,
	  .description = "ST STM32L4xx" },
	{ .name = "STM32L5", .id = 0x04240BDF, .base = 0x08000000, .description = "ST STM32L5xx" },
	{ .name = "STM32WB", .id = 0x70D16653, .port = "stm32", .base = 0x08000000,
	  .description = "ST STM32WBxx" },
	{ .name = "STM32WL", .id = 0x21460FF0, .port = "stm32", .base = 0x08000000,
	  .description = "ST STM32WLxx" },
	{ .name = "XR809", .id = 0x51E903A8, .description = "Xradiotech 809" },
	{ .name = NULL },
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static const struct mpf_uf2_family *mpf_uf2_family_by_id(uint32_t id)
{
	const struct mpf_uf2_family *f;

	for (f = mpf_uf2_families; f->name; f++)
		if (f->id == id)
			return f;
	return NULL;
}

int mpf_uf2_is_block(const uint8_t *blk)
{
	return get32(blk) == MPF_UF2_MAGIC0 && get32(blk + 4) == MPF_UF2_MAGIC1 &&
	       get32(blk + 508) == MPF_UF2_MAGIC_END;
}

/* Extension tags start 4-byte aligned after the payload: byte 0 the tag's
 * size (header included), bytes 1..3 its type; size 0 ends the list. They
 * must end inside the data area (before an MD5 trailer if there is one). */
static int check_tags(const struct mpf_uf2_block *b, uint32_t room, struct mpf_buf *err)
{
	uint32_t off = (b->size + 3) & ~3u;

	for (;;) {
		uint32_t sz;

		if (off + 4 > room)
			return mpf_errf(err, MPF_ERR_FORMAT, "extension tags run past the data area");
		sz = b->data[off];
		if (!sz)
			return 0;
		if (sz < 4)
			return mpf_errf(err, MPF_ERR_FORMAT, "extension tag of %u bytes", (unsigned)sz);
		off += (sz + 3) & ~3u;
	}
}

int mpf_uf2_block_decode(const uint8_t *blk, struct mpf_uf2_block *b, struct mpf_buf *err)
{
	uint32_t room = MPF_UF2_DATA;

	if (!mpf_uf2_is_block(blk))
		return mpf_errf(err, MPF_ERR_FORMAT, "bad magic numbers (not a UF2 block)");
	b->flags = get32(blk + 8);
	b->addr = get32(blk + 12);
	b->size = get32(blk + 16);
	b->no = get32(blk + 20);
	b->count = get32(blk + 24);
	b->family = get32(blk + 28);
	b->data = blk + 32;
	if (b->flags & MPF_UF2_MD5_PRESENT)
		room -= 24;
	if (!b->size || b->size > room)
		return mpf_errf(err, MPF_ERR_FORMAT, "payload size %u (must be 1..%u)",
				(unsigned)b->size, (unsigned)room);
	if (!b->count || b->no >= b->count)
		return mpf_errf(err, MPF_ERR_FORMAT, "block number %u of %u", (unsigned)b->no,
				(unsigned)b->count);
	if ((b->addr | b->size) & 3)
		return mpf_errf(err, MPF_ERR_FORMAT, "address 0x%08x or size %u not 4-byte aligned",
				(unsigned)b->addr, (unsigned)b->size);
	if ((uint64_t)b->addr + b->size > 0x100000000ull)
		return mpf_errf(err, MPF_ERR_FORMAT, "payload runs past the 4 GiB address space");
	if (b->flags & MPF_UF2_EXT_TAGS)
		return check_tags(b, room, err);
	return 0;
}

/* Encode b (data: size bytes, the rest of the 476 is zero-filled). */
static void mpf_uf2_block_encode(const struct mpf_uf2_block *b, uint8_t *blk)
{
	memset(blk, 0, MPF_UF2_BLOCK);
	put32(blk, MPF_UF2_MAGIC0);
	put32(blk + 4, MPF_UF2_MAGIC1);
	put32(blk + 8, b->flags);
	put32(blk + 12, b->addr);
	put32(blk + 16, b->size);
	put32(blk + 20, b->no);
	put32(blk + 24, b->count);
	put32(blk + 28, b->family);
	memcpy(blk + 32, b->data, b->size);
	put32(blk + 508, MPF_UF2_MAGIC_END);
}

/* The RP2350-E10 workaround block: a family ABSOLUTE block at 0x10FFFF00
 * of 256 x 0xEF that the boot ROM uses only to reset its state machine. */
static int e10_block(const struct mpf_uf2_block *b)
{
	uint32_t i;

	if (!(b->flags & MPF_UF2_FAMILY_PRESENT) || b->family != MPF_UF2_RP2_ABSOLUTE ||
	    b->addr != MPF_UF2_E10_ADDR || b->size != 256)
		return 0;
	for (i = 0; i < 256; i++)
		if (b->data[i] != 0xEF)
			return 0;
	return 1;
}

/* Per-family state while validating: which block numbers were seen and
 * every block's range for the overlap check. */
struct part_state {
	uint8_t *seen;
	uint32_t (*ranges)[2];
	uint32_t nranges;
};

static int rp2_family(uint32_t id)
{
	return (id & 0xFFFFFFF0u) == 0xE48BFF50u;
}

static int part_index(struct mpf_uf2_summary *s, struct part_state *st,
		      const struct mpf_uf2_block *b, size_t nblocks, struct mpf_buf *err)
{
	int hf = !!(b->flags & MPF_UF2_FAMILY_PRESENT);
	uint32_t fam = hf ? b->family : 0;
	struct mpf_uf2_part *p;
	size_t i;

	for (i = 0; i < s->nparts; i++)
		if (s->parts[i].has_family == hf && s->parts[i].family == fam)
			return (int)i;
	if (s->nparts == MPF_UF2_MAX_PARTS)
		return mpf_errf(err, MPF_ERR_FORMAT, "more than %d families", MPF_UF2_MAX_PARTS);
	if (b->count > nblocks)
		return mpf_errf(err, MPF_ERR_FORMAT, "declares %u blocks but the file has %zu",
				(unsigned)b->count, nblocks);
	p = &s->parts[s->nparts];
	memset(p, 0, sizeof(*p));
	p->family = fam;
	p->has_family = hf;
	p->num_blocks = b->count;
	p->start = UINT32_MAX;
	st[s->nparts].seen = mpf_xcalloc(b->count, 1);
	st[s->nparts].ranges = mpf_xcalloc(b->count, sizeof(*st->ranges));
	st[s->nparts].nranges = 0;
	return (int)s->nparts++;
}

/* Count block b in its family's numbering. A not-main-flash block (the
 * source code MakeCode appends) is numbered with the rest and counts
 * towards numBlocks, as bootloaders count it (microsoft/uf2 README, "Flags";
 * its SAMD bootloader marks every block number it receives), but holds
 * nothing for flash. */
static int add_block(struct mpf_uf2_summary *s, struct part_state *st,
		     const struct mpf_uf2_block *b, size_t nblocks, struct mpf_buf *err)
{
	int i = part_index(s, st, b, nblocks, err);
	struct mpf_uf2_part *p;

	if (i < 0)
		return i;
	p = &s->parts[i];
	if (b->count != p->num_blocks)
		return mpf_errf(err, MPF_ERR_FORMAT, "numBlocks %u differs from the %u of earlier blocks",
				(unsigned)b->count, (unsigned)p->num_blocks);
	if (st[i].seen[b->no])
		return mpf_errf(err, MPF_ERR_FORMAT, "block number %u appears twice", (unsigned)b->no);
	st[i].seen[b->no] = 1;
	p->blocks++;
	if (b->flags & MPF_UF2_NOT_MAIN_FLASH)
		return 0;
	if (p->has_family && rp2_family(p->family) && (b->size != 256 || (b->addr & 255)))
		return mpf_errf(err, MPF_ERR_FORMAT, "RP2 boot ROMs take only 256-byte payloads on "
				"256-byte boundaries (payload %u at 0x%08x)",
				(unsigned)b->size, (unsigned)b->addr);
	st[i].ranges[st[i].nranges][0] = b->addr;
	st[i].ranges[st[i].nranges++][1] = b->addr + b->size;
	if (!p->bytes)
		p->payload = b->size;
	p->bytes += b->size;
	if (b->addr < p->start)
		p->start = b->addr;
	if (b->addr + b->size > p->end)
		p->end = b->addr + b->size;
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

static int check_part(const struct mpf_uf2_part *p, struct part_state *st, struct mpf_buf *err)
{
	char fb[16];
	const char *name = p->has_family ? mpf_uf2_family_name(p->family, fb, sizeof(fb)) : "no family";
	uint32_t i;

	if (p->blocks != p->num_blocks) {
		for (i = 0; st->seen[i]; i++)
			;
		return mpf_errf(err, MPF_ERR_FORMAT, "%s: %u of %u blocks missing (first: block %u)",
				name, (unsigned)(p->num_blocks - p->blocks),
				(unsigned)p->num_blocks, (unsigned)i);
	}
	qsort(st->ranges, st->nranges, sizeof(*st->ranges), cmp_range);
	for (i = 1; i < st->nranges; i++)
		if (st->ranges[i][0] < st->ranges[i - 1][1])
			return mpf_errf(err, MPF_ERR_FORMAT, "%s: blocks overlap at 0x%08x", name,
					(unsigned)st->ranges[i][0]);
	return 0;
}

static int validate_blocks(const uint8_t *data, size_t nb, struct mpf_uf2_summary *s,
			   struct part_state *st, struct mpf_buf *err)
{
	struct mpf_buf why = MPF_BUF_INIT;
	struct mpf_uf2_block b;
	size_t i;
	int r = 0;

	for (i = 0; i < nb; i++) {
		r = mpf_uf2_block_decode(data + i * MPF_UF2_BLOCK, &b, &why);
		if (!r && (b.flags & MPF_UF2_FILE_CONTAINER))
			r = mpf_errf(&why, MPF_ERR_FORMAT, "a file-container block, not flash contents");
		if (r)
			break;
		s->flags |= b.flags;
		s->skipped += !!(b.flags & MPF_UF2_NOT_MAIN_FLASH);
		if (e10_block(&b))
			s->ignored++;
		else if ((r = add_block(s, st, &b, nb, &why)))
			break;
	}
	if (r)
		mpf_errf(err, r, "block %zu (offset %zu): %s", i, i * MPF_UF2_BLOCK, mpf_buf_str(&why));
	for (i = 0; !r && i < s->nparts; i++)
		r = check_part(&s->parts[i], &st[i], err);
	mpf_buf_release(&why);
	return r;
}

/* Drop the parts that hold nothing for flash (only not-main-flash blocks). */
static void drop_empty_parts(struct mpf_uf2_summary *s)
{
	size_t i, k = 0;

	for (i = 0; i < s->nparts; i++)
		if (s->parts[i].bytes)
			s->parts[k++] = s->parts[i];
	s->nparts = k;
}

int mpf_uf2_validate(const uint8_t *data, size_t len, struct mpf_uf2_summary *s,
		     struct mpf_buf *err)
{
	struct part_state st[MPF_UF2_MAX_PARTS];
	size_t i;
	int r;

	memset(s, 0, sizeof(*s));
	if (!len)
		return mpf_errf(err, MPF_ERR_FORMAT, "empty file");
	if (len % MPF_UF2_BLOCK)
		return mpf_errf(err, MPF_ERR_FORMAT, "size %zu is not a multiple of 512 bytes", len);
	s->blocks = len / MPF_UF2_BLOCK;
	r = validate_blocks(data, s->blocks, s, st, err);
	for (i = 0; i < s->nparts; i++) {
		free(st[i].seen);
		free(st[i].ranges);
	}
	drop_empty_parts(s);
	if (!r && !s->nparts)
		r = mpf_errf(err, MPF_ERR_FORMAT, "no block is meant for main flash");
	return r;
}

int mpf_uf2_convert(const uint8_t *bin, size_t len, uint32_t base, uint32_t family,
		    uint32_t payload, struct mpf_buf *out, struct mpf_buf *err)
{
	uint8_t blk[MPF_UF2_BLOCK], chunk[MPF_UF2_DATA];
	struct mpf_uf2_block b = { 0 };
	size_t n, i;

	if (!len)
		return mpf_errf(err, MPF_ERR_ARG, "the input is empty");
	if (payload < 4 || payload > MPF_UF2_DATA || payload % 4)
		return mpf_errf(err, MPF_ERR_ARG, "payload size %u (must be a multiple of 4, 4..476)",
				(unsigned)payload);
	if (base % 4 || (rp2_family(family) && (base % 256 || payload != 256)))
		return mpf_errf(err, MPF_ERR_ARG, "base 0x%08x or payload %u not aligned for this family",
				(unsigned)base, (unsigned)payload);
	if ((uint64_t)base + len > 0x100000000ull)
		return mpf_errf(err, MPF_ERR_ARG, "%zu bytes at 0x%08x run past 4 GiB", len, (unsigned)base);
	n = (len + payload - 1) / payload;
	if (n > UINT32_MAX)
		return mpf_errf(err, MPF_ERR_ARG, "input too large");
	b.flags = family ? MPF_UF2_FAMILY_PRESENT : 0;
	b.family = family ? family : (uint32_t)len;	/* uf2conv: file size when no family */
	b.count = (uint32_t)n;
	b.size = payload;
	b.data = chunk;
	for (i = 0; i < n; i++) {
		size_t off = i * payload, k = len - off < payload ? len - off : payload;

		memset(chunk, 0, sizeof(chunk));	/* the last block is padded with zeros */
		memcpy(chunk, bin + off, k);
		b.addr = base + (uint32_t)off;
		b.no = (uint32_t)i;
		mpf_uf2_block_encode(&b, blk);
		mpf_buf_add(out, blk, sizeof(blk));
	}
	return (int)n;
}


const struct mpf_uf2_family *mpf_uf2_family_find(const char *name)
{
	const struct mpf_uf2_family *f;
	uint32_t id;

	for (f = mpf_uf2_families; f->name; f++)
		if (!strcasecmp(f->name, name))
			return f;
	return mpf_parse_addr(name, &id) ? NULL : mpf_uf2_family_by_id(id);
}

const char *mpf_uf2_family_name(uint32_t id, char *buf, size_t cap)
{
	const struct mpf_uf2_family *f = mpf_uf2_family_by_id(id);

	if (f)
		return f->name;
	snprintf(buf, cap, "0x%08x", (unsigned)id);
	return buf;
}

/* What a bootloader drive accepts, by INFO_UF2.TXT. Board-IDs are
 * "CPU-board-revision" (UF2 README), so the CPU token leads; the RP2040
 * boot ROM writes "RPI-RP2", the RP2350 one "RP2350". */
static const struct drive_rule {
	const char *board_id;	/* Board-ID prefix, case-insensitive */
	const char *model;	/* or a Model substring */
	uint32_t ids[6];
} drive_rules[] = {
	{ "RPI-RP2", "Raspberry Pi RP2", { 0xE48BFF56 } },
	{ "RP2350", "RP2350", { 0xE48BFF59, 0xE48BFF5A, 0xE48BFF5B, 0xE48BFF57, 0xE48BFF58 } },
	{ "SAMD21", NULL, { 0x68ED2B88 } },
	{ "SAMD51", NULL, { 0x55114460 } },
	{ "SAME5", NULL, { 0x55114460 } },
	{ "NRF52840", NULL, { 0xADA52840, 0x1B57745F } },
	{ "NRF52833", NULL, { 0x621E937A, 0x1B57745F } },
	{ "ESP32S2", NULL, { 0xBFDD4EEE } },
	{ "ESP32S3", NULL, { 0xC47E5767 } },
	{ "STM32F4", NULL, { 0x57755A57, 0x6D0922FA, 0x8FB060FE, 0x2DC309C5, 0x06D1097B } },
	{ "MIMXRT10", NULL, { 0x4FB2D5BD } },
};

static size_t copy_ids(const uint32_t *src, size_t max, uint32_t *ids, size_t cap)
{
	size_t n = 0;

	while (n < max && src[n] && n < cap) {
		ids[n] = src[n];
		n++;
	}
	return n;
}

size_t mpf_uf2_drive_families(const struct mpf_uf2_info *info, uint32_t *ids, size_t cap)
{
	const struct drive_rule *r;

	for (r = drive_rules; r < drive_rules + N(drive_rules); r++)
		if (!strncasecmp(info->board_id, r->board_id, strlen(r->board_id)))
			return copy_ids(r->ids, N(r->ids), ids, cap);
	for (r = drive_rules; r < drive_rules + N(drive_rules); r++)
		if (!info->board_id[0] && r->model && strstr(info->model, r->model))
			return copy_ids(r->ids, N(r->ids), ids, cap);
	return 0;
}

size_t mpf_uf2_port_families(const char *port, uint32_t *ids, size_t cap)
{
	const struct mpf_uf2_family *f;
	size_t n = 0;

	for (f = mpf_uf2_families; f->name && n < cap; f++)
		if (f->port && !strcmp(f->port, port))
			ids[n++] = f->id;
	return n;
}

static int has_any(const struct mpf_uf2_summary *s, const uint32_t *ids, size_t n)
{
	size_t i, j;

	for (i = 0; i < s->nparts; i++)
		for (j = 0; j < n; j++)
			if (s->parts[i].has_family && s->parts[i].family == ids[j])
				return 1;
	return 0;
}

static void families_of(const struct mpf_uf2_summary *s, struct mpf_buf *out)
{
	char fb[16];
	size_t i;

	for (i = 0; i < s->nparts; i++)
		if (s->parts[i].has_family)
			mpf_buf_addf(out, "%s%s", out->len ? ", " : "",
				     mpf_uf2_family_name(s->parts[i].family, fb, sizeof(fb)));
}

int mpf_uf2_check_target(const struct mpf_uf2_summary *s, const struct mpf_uf2_info *drive,
			 const char *port, struct mpf_buf *err)
{
	uint32_t ids[32];
	struct mpf_buf fams = MPF_BUF_INIT;
	size_t n;
	int checked = 0, r = 0;

	families_of(s, &fams);
	if (!fams.len) {
		mpf_buf_release(&fams);
		return 1;
	}
	if (drive && (n = mpf_uf2_drive_families(drive, ids, N(ids)))) {
		checked = 1;
		if (!has_any(s, ids, n))
			r = mpf_errf(err, MPF_ERR_MISMATCH, "the image is for %s but the drive is %s (%s)",
				     fams.buf, drive->board_id[0] ? drive->board_id : drive->model,
				     mpf_uf2_family_by_id(ids[0]) ? mpf_uf2_family_by_id(ids[0])->name : "?");
	}
	if (!r && port && (n = mpf_uf2_port_families(port, ids, N(ids)))) {
		checked = 1;
		if (!has_any(s, ids, n))
			r = mpf_errf(err, MPF_ERR_MISMATCH, "the image is for %s, not for a %s board",
				     fams.buf, port);
	}
	mpf_buf_release(&fams);
	return r ? r : !checked;
}

/* ---- INFO_UF2.TXT ---- */

static void copy_value(char *dst, size_t cap, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && strchr(" \t\r", s[n - 1]))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

int mpf_uf2_info_parse(const char *text, size_t len, struct mpf_uf2_info *info)
{
#define KEY(k, f) { k, offsetof(struct mpf_uf2_info, f), sizeof(info->f) }
	const struct { const char *key; size_t off, cap; } keys[] = {
		KEY("Model:", model), KEY("Board-ID:", board_id), KEY("Date:", date),
	};
#undef KEY
	const char *p = text, *end = text + len;
	size_t i;
	int first = 1;

	memset(info, 0, sizeof(*info));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t kl = strlen(keys[i].key);

			if (n >= kl && !strncasecmp(p, keys[i].key, kl)) {
				copy_value((char *)info + keys[i].off, keys[i].cap, p + kl, n - kl);
				break;
			}
		}
		if (first && i == sizeof(keys) / sizeof(keys[0]))
			copy_value(info->bootloader, sizeof(info->bootloader), p, n);
		first = 0;
		p = nl ? nl + 1 : end;
	}
	return info->board_id[0] || info->model[0] ? 0 : MPF_ERR_FORMAT;
}

/* ---- bounds and extraction ---- */

int mpf_uf2_fits(uint32_t family, uint64_t end, struct mpf_buf *err)
{
	const struct mpf_uf2_family *f = mpf_uf2_family_by_id(family);

	if (!f || !f->flash_end || end <= f->flash_end)
		return 0;
	return mpf_errf(err, MPF_ERR_MISMATCH, "the image runs to 0x%08llx, %llu bytes past the "
			"end of %s flash (0x%08x)", (unsigned long long)end,
			(unsigned long long)(end - f->flash_end), f->name, (unsigned)f->flash_end);
}

int mpf_uf2_check_bounds(const struct mpf_uf2_summary *s, const struct mpf_uf2_info *drive,
			 struct mpf_buf *err)
{
	uint32_t ids[8];
	size_t nd = drive ? mpf_uf2_drive_families(drive, ids, 8) : 0, i;
	int r = 0;

	for (i = 0; !r && i < s->nparts; i++)
		if (s->parts[i].has_family || nd)
			r = mpf_uf2_fits(s->parts[i].has_family ? s->parts[i].family : ids[0],
					 s->parts[i].end, err);
	return r;
}

/* 1 if block b holds flash contents of part p. */
static int block_of(const struct mpf_uf2_block *b, const struct mpf_uf2_part *p)
{
	int hf = !!(b->flags & MPF_UF2_FAMILY_PRESENT);

	return !(b->flags & MPF_UF2_NOT_MAIN_FLASH) && !e10_block(b) && hf == p->has_family &&
	       (!hf || b->family == p->family);
}

int mpf_uf2_extract(const uint8_t *data, size_t len, const struct mpf_uf2_part *p, size_t max,
		    struct mpf_buf *out, struct mpf_buf *err)
{
	size_t size = (size_t)p->end - p->start, i;
	struct mpf_uf2_block b;
	uint8_t *img;

	if (size > max)
		return mpf_errf(err, MPF_ERR_FORMAT, "0x%08x-0x%08x is %zu bytes with its gaps "
				"filled, more than %zu", (unsigned)p->start, (unsigned)p->end, size,
				max);
	mpf_buf_reset(out);
	mpf_buf_grow(out, size);
	img = (uint8_t *)out->buf;
	memset(img, 0xff, size);	/* erased flash */
	for (i = 0; i + MPF_UF2_BLOCK <= len; i += MPF_UF2_BLOCK)
		if (!mpf_uf2_block_decode(data + i, &b, NULL) && block_of(&b, p))
			memcpy(img + (b.addr - p->start), b.data, b.size);
	out->len = size;
	return 0;
}
