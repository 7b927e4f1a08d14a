/* rp2.c - the RP2040 boot ROM, SSI and QSPI flash (see rp2.h).
 *
 * Facts: RP2040 datasheet 2.8.3 (ROM layout: initial SP and reset vector,
 * 'M' 'u' magic and version at 0x10, 16-bit pointers to the function
 * table at 0x14, the data table at 0x16 and rom_table_lookup at 0x18; the
 * table as two-character codes with 16-bit addresses, ending in 0; the
 * flash functions and their alignment rules), 2.3.4 (debug trampoline
 * 'DT'/'DE'), 4.10 (SSI DR0 at 0x60), 2.19.6.3 (GPIO_QSPI_SS_CTRL OUTOVER
 * at 0x4001800C). W25Q16JV datasheet: JEDEC ID EF 40 15, typical times
 * tPP 0.4 ms, tSE (4 KiB) 45 ms, tBE1 (32 KiB) 120 ms, tBE2 (64 KiB)
 * 150 ms. doc/protocols.md 5.13.
 *
 * The RP2350 (rp2350 set): RP2350 datasheet 5.4.1 (the magic 'M' 'u' 2 at
 * 0x10, the ROM version at 0x13, 16-bit pointers to the ROM table at 0x14
 * and to rom_table_lookup at 0x16; the table's entries a code, a flags
 * halfword and one halfword per flag set, lowest flag first; the lookup
 * takes a code and a flags mask), 5.4.8 (the flash functions, and
 * flash_reset_address_trans 'RA'), 3.6.3 (the functions use the RCP,
 * which faults until enabled in CPACR and seeded), 12.14 (QMI DIRECT_CSR,
 * DIRECT_TX, DIRECT_RX at 0x400D0000), 12.15.1 (SYSINFO CHIP_ID and
 * PACKAGE_SEL at 0x40000000), 12.14.5 (direct mode cuts the XIP window
 * off: a read there faults). No debug trampoline. W25Q32JV: JEDEC ID EF
 * 40 16, the W25Q16JV's times. doc/protocols.md 5.16.
 *
 * The pace (clocks[]): the core at clk_sys, the ROM's SPI transfers and
 * the XIP cache's line fetches at the divider the ROM sets; the same for
 * any code that calls the ROM or reads XIP (doc/protocols.md 5.13, 5.16).
 */
#include <stdlib.h>
#include <string.h>

#include "rp2.h"

#define ROM_SIZE	0x8000	/* the RP2040's is 16 KiB, the RP2350's 32 */
#define XIP_BASE	0x10000000u
#define XIP_END		0x14000000u	/* cached, no-allocate, no-cache, no-cache-no-alloc aliases */
#define SSI_BASE	0x18000000u
#define SSI_DR0		0x60
#define SSI_SR		0x28
#define QSPI_SS_CTRL	0x4001800Cu
#define OUTOVER_LOW	2
#define OUTOVER_HIGH	3

#define FUNC_TABLE	0x0040
#define DATA_TABLE	0x0080
#define LOOKUP_FN	0x00C0
#define HANG		0x00E0
#define TRAMPOLINE	0x0100
#define NATIVE		0x0200	/* handler i at NATIVE + 4 i */
#define V2_TABLE	0x7E00	/* RP2350: shared with RISC-V, at the ROM's end */
#define V2_RISCV	0x7F00	/* RISC-V entries (never run here) */
#define RT_RISCV	0x01
#define RT_ARM_SEC	0x04
#define QMI_BASE	0x400D0000u	/* DIRECT_CSR, DIRECT_TX, DIRECT_RX */
#define QMI_EN		(1u << 0)
#define QMI_CS0N	(1u << 2)
#define QMI_NOPUSH	(1u << 20)
#define SYSINFO		0x40000000u
#define XIP_LINE	8		/* bytes a cache miss fetches */
#define XIP_LINES	(16384 / XIP_LINE)	/* a 16 KiB cache, direct-mapped here */

/* What paces the chip once a debugger has reset and halted it
 * (doc/protocols.md 5.13, 5.16): clk_sys from the ring oscillator at its
 * typical frequency, the SPI clock the boot ROM's flash functions divide
 * from it, and the cycles flash_exit_xip waits for the pad pulls. The
 * model takes the same times whoever's code calls the ROM or reads XIP. */
static const struct rp2_clock {
	uint32_t clk_hz;	/* clk_sys */
	unsigned spi_div;	/* SCK = clk_sys / spi_div */
	unsigned exit_cycles;	/* flash_exit_xip's two delay loops */
} clocks[2] = {
	/* RP2040 2.16.2: ROSC typical 6.5 MHz (1.8 to 12); boot ROM SSI
	 * BAUDR 6; 2 x 2048 rounds of a 3-cycle loop */
	{ 6500000, 6, 12288 },
	/* RP2350 boot ROM: clk_sys from the ROSC at its reset divider
	 * typically 13 MHz (3.6 to 22.6); QMI CLKDIV 12; 2 x 50 us at the
	 * 23 MHz it takes as the ROSC's most */
	{ 13000000, 12, 2300 },
};

struct dapsim_rp2;
typedef uint64_t (*rom_fn)(struct dapsim_rp2 *r, uint32_t *regs);

struct dapsim_rp2 {
	int rp2350;
	const char *who;
	struct dapsim_target *t;
	struct dapsim_counts *n;
	uint8_t rom[ROM_SIZE];
	uint8_t *flash;
	uint32_t size;
	int connected;		/* connect_internal_flash: the pads are the SSI's */
	int xip;		/* flash_enter_cmd_xip: reads through the XIP window work */
	int stale;		/* programmed or erased since the last flash_flush_cache */
	uint32_t ss_ctrl;	/* GPIO_QSPI_SS_CTRL */
	uint32_t qmi_csr;	/* RP2350 QMI DIRECT_CSR */
	/* one SPI transaction while CSn is forced low: command, bytes so far */
	int spi_pos;
	uint8_t spi_cmd;
	uint8_t rx[16];
	unsigned rx_n;
	/* a ROM function in progress: its index, when it returns */
	int busy_fn;
	uint64_t busy_until;
	const struct rp2_clock *clk;
	uint32_t clk_hz;	/* clk_sys: the table's unless set */
	uint32_t tpp_us;	/* the chip's page program time: typical unless set */
	/* the XIP cache: line number + 1 per slot, 0 empty; the line being
	 * fetched (number + 1) and when it is in */
	uint32_t tag[XIP_LINES];
	uint32_t fill_line;
	uint64_t fill_until;
};

static void bad(struct dapsim_rp2 *r, const char *fmt, const char *arg)
{
	dapsim_violation(&r->n->violations, r->who, fmt, arg);
}

/* microseconds, rounded up, for n clk_sys cycles */
static uint64_t cycles_us(const struct dapsim_rp2 *r, uint64_t n)
{
	return (n * 1000000 + r->clk_hz - 1) / r->clk_hz;
}

/* bits shifted over the flash's one data line at SCK */
static uint64_t spi_us(const struct dapsim_rp2 *r, uint64_t bits)
{
	return cycles_us(r, bits * r->clk->spi_div);
}

static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }

/* ---- the flash functions (datasheet 2.8.3.1.3) ---- */

static int serial_mode(struct dapsim_rp2 *r, const char *fn)
{
	if (r->connected && !r->xip)
		return 1;
	dapsim_violation(&r->n->violations, r->who, "%s with the flash %s", fn, r->connected ?
			 "in XIP mode (no flash_exit_xip)" : "not connected (no connect_internal_flash)");
	return 0;
}

static uint64_t fn_connect(struct dapsim_rp2 *r, uint32_t *regs)
{
	r->connected = 1;
	return 5;
}

static uint64_t fn_exit_xip(struct dapsim_rp2 *r, uint32_t *regs)
{
	if (!r->connected)
		bad(r, "flash_exit_xip before %s: the QSPI pads are not the SSI's",
		    "connect_internal_flash");
	r->xip = 0;
	r->ss_ctrl = (r->ss_ctrl & ~0x300u) | OUTOVER_HIGH << 8;	/* CSn left forced high */
	/* 32 clocks with CSn high, 32 low, then FFh FFh */
	return cycles_us(r, r->clk->exit_cycles) + spi_us(r, 32 + 32 + 16);
}

/* flash_range_erase(addr, count, block_size, block_cmd): 4 KiB sectors,
 * or block_cmd over block_size where a whole aligned block fits. */
static uint64_t fn_erase(struct dapsim_rp2 *r, uint32_t *regs)
{
	uint32_t addr = regs[0], count = regs[1], bs = regs[2], cmd = regs[3] & 0xFF;
	uint64_t us = 0;

	if (!serial_mode(r, "flash_range_erase"))
		return 5;
	if (addr % 4096 || count % 4096 || (uint64_t)addr + count > r->size) {
		bad(r, "flash_range_erase of a range that is not whole sectors of the flash%s", "");
		return 5;
	}
	if (bs && !((bs == 65536 && cmd == 0xD8) || (bs == 32768 && cmd == 0x52))) {
		bad(r, "flash_range_erase with a block size and command the %s does not have",
		    "W25Q16JV");
		return 5;
	}
	while (count) {
		uint32_t n = bs && addr % bs == 0 && count >= bs ? bs : 4096;

		memset(r->flash + addr, 0xFF, n);
		us += n == 65536 ? 150000 : n == 32768 ? 120000 : 45000;
		us += spi_us(r, (1 + 4 + 2) * 8);	/* 06h; command, address; 05h, status */
		r->n->erases++;
		addr += n;
		count -= n;
	}
	r->stale = 1;
	return us;
}

/* flash_range_program(addr, data, count): whole 256-byte pages. */
static uint64_t fn_program(struct dapsim_rp2 *r, uint32_t *regs)
{
	uint32_t addr = regs[0], count = regs[2], i;
	uint8_t *buf;

	if (!serial_mode(r, "flash_range_program"))
		return 5;
	if (addr % 256 || count % 256 || (uint64_t)addr + count > r->size) {
		bad(r, "flash_range_program of a range that is not whole pages of the flash%s", "");
		return 5;
	}
	buf = malloc(count ? count : 1);
	if (dapsim_peek(r->t, regs[1], buf, count) < 0) {
		bad(r, "flash_range_program from data outside RAM, ROM or flash%s", "");
		free(buf);
		return 5;
	}
	for (i = 0; i < count; i++)
		r->flash[addr + i] &= buf[i];	/* programming only clears bits */
	free(buf);
	r->n->programs += count / 256;
	r->stale = 1;
	/* a page: 06h; 02h, address, 256 bytes; 05h and its status, then tPP */
	return (uint64_t)count / 256 * r->tpp_us + spi_us(r, (uint64_t)count / 256 * (1 + 4 + 256 + 2) * 8);
}

static uint64_t fn_flush(struct dapsim_rp2 *r, uint32_t *regs)
{
	r->stale = 0;
	memset(r->tag, 0, sizeof(r->tag));
	r->ss_ctrl &= ~0x300u;	/* CSn back to the SSI */
	return 10;
}

static uint64_t fn_enter_xip(struct dapsim_rp2 *r, uint32_t *regs)
{
	if (!r->connected)
		bad(r, "flash_enter_cmd_xip before %s", "connect_internal_flash");
	r->xip = 1;
	return 10;
}

/* RP2350: the XIP address translation back to its reset mapping */
static uint64_t fn_reset_trans(struct dapsim_rp2 *r, uint32_t *regs)
{
	return 2;
}

/* the RP2350's ROM has them all, the RP2040's all but the last */
static const struct {
	char code[2];
	rom_fn fn;
} fns[] = {
	{ "IF", fn_connect }, { "EX", fn_exit_xip }, { "RE", fn_erase },
	{ "RP", fn_program }, { "FC", fn_flush }, { "CX", fn_enter_xip },
	{ "RA", fn_reset_trans },
};
#define NFNS (sizeof(fns) / sizeof(fns[0]))
#define NFNS_RP2040 6

/* ---- the ROM image ---- */

static void build_vectors(uint8_t *rom, uint32_t sp)
{
	put32(rom + 0x00, sp);			/* initial SP: top of SRAM */
	put32(rom + 0x04, HANG | 1);		/* reset: the ROM's boot path, not modelled */
	put32(rom + 0x08, HANG | 1);
	put32(rom + 0x0C, HANG | 1);
	rom[0x10] = 'M';
	rom[0x11] = 'u';
	put16(rom + LOOKUP_FN, 0x4770);		/* bx lr: run natively */
	put16(rom + HANG, 0xE7FE);		/* b . */
}

static void build_rom(uint8_t *rom)
{
	uint32_t at = FUNC_TABLE;
	size_t i;

	build_vectors(rom, 0x20042000);
	rom[0x12] = 1;
	rom[0x13] = 3;				/* B2 */
	put16(rom + 0x14, FUNC_TABLE);
	put16(rom + 0x16, DATA_TABLE);
	put16(rom + 0x18, LOOKUP_FN | 1);
	put16(rom + TRAMPOLINE, 0x47B8);	/* DT: blx r7 */
	put16(rom + TRAMPOLINE + 2, 0xBE00);	/* DE: bkpt #0 */
	put16(rom + TRAMPOLINE + 4, 0xE7FC);	/* b DT */
	put16(rom + at, 'D' | 'T' << 8);
	put16(rom + at + 2, TRAMPOLINE | 1);
	put16(rom + at + 4, 'D' | 'E' << 8);
	put16(rom + at + 6, (TRAMPOLINE + 2) | 1);
	for (at += 8, i = 0; i < NFNS_RP2040; i++, at += 4) {
		put16(rom + at, (uint16_t)(fns[i].code[0] | fns[i].code[1] << 8));
		put16(rom + at + 2, (uint16_t)((NATIVE + 4 * i) | 1));
		put16(rom + NATIVE + 4 * i, 0x4770);
	}
}

/* The RP2350's: each function with a RISC-V and a Secure Arm entry. */
static void build_rom_v2(uint8_t *rom)
{
	uint32_t at = V2_TABLE;
	size_t i;

	build_vectors(rom, 0x20082000);
	rom[0x12] = 2;
	rom[0x13] = 2;				/* A2 */
	put16(rom + 0x14, V2_TABLE);
	put16(rom + 0x16, LOOKUP_FN | 1);
	put16(rom + 0x18, HANG | 1);		/* rom_table_lookup_entry: not modelled */
	for (i = 0; i < NFNS; i++, at += 8) {
		put16(rom + at, (uint16_t)(fns[i].code[0] | fns[i].code[1] << 8));
		put16(rom + at + 2, RT_RISCV | RT_ARM_SEC);
		put16(rom + at + 4, (uint16_t)(V2_RISCV + 4 * i));
		put16(rom + at + 6, (uint16_t)((NATIVE + 4 * i) | 1));
		put16(rom + NATIVE + 4 * i, 0x4770);
	}
}

struct dapsim_rp2 *dapsim_rp2_new(struct dapsim_target *t, struct dapsim_counts *n, int rp2350)
{
	struct dapsim_rp2 *r = calloc(1, sizeof(*r));

	r->t = t;
	r->n = n;
	r->rp2350 = rp2350;
	r->clk = &clocks[!!rp2350];
	r->clk_hz = r->clk->clk_hz;
	r->tpp_us = 400;
	r->who = rp2350 ? "rp2350" : "rp2040";
	if (rp2350)
		build_rom_v2(r->rom);
	else
		build_rom(r->rom);
	r->connected = r->xip = 1;	/* as the second stage boot left it */
	r->busy_fn = -1;
	return r;
}

void dapsim_rp2_free(struct dapsim_rp2 *r)
{
	free(r);
}

void dapsim_rp2_memory(struct dapsim_rp2 *r, uint8_t *flash, uint32_t size)
{
	r->flash = flash;
	r->size = size;
}

void dapsim_rp2_reset(struct dapsim_rp2 *r)
{
	r->busy_fn = -1;
}

uint32_t dapsim_rp2_clk_hz(const struct dapsim_rp2 *r)
{
	return r->clk_hz;
}

void dapsim_rp2_clock(struct dapsim_rp2 *r, uint32_t hz, uint32_t tpp_us)
{
	if (hz)
		r->clk_hz = hz;
	if (tpp_us)
		r->tpp_us = tpp_us;
}

int dapsim_rp2_in_rom(uint32_t addr)
{
	return addr < ROM_SIZE;
}

/* rom_table_lookup(table, code): the entry's address, 0 when absent */
static void lookup(struct dapsim_rp2 *r, uint32_t *regs)
{
	uint32_t p = regs[0], code = regs[1] & 0xFFFF;

	regs[0] = 0;
	for (; p + 4 <= ROM_SIZE; p += 4) {
		uint16_t c = (uint16_t)(r->rom[p] | r->rom[p + 1] << 8);

		if (!c)
			break;
		if (c == code) {
			regs[0] = r->rom[p + 2] | r->rom[p + 3] << 8;
			break;
		}
	}
}

static uint16_t rom16(const struct dapsim_rp2 *r, uint32_t p)
{
	return p + 2 <= ROM_SIZE ? (uint16_t)(r->rom[p] | r->rom[p + 1] << 8) : 0;
}

/* RP2350 rom_table_lookup(code, mask): the halfword of the entry's
 * lowest flag that the mask has, 0 when no entry has one */
static void lookup_v2(struct dapsim_rp2 *r, uint32_t *regs)
{
	uint32_t p = rom16(r, 0x14), code = regs[0] & 0xFFFF, mask = regs[1] & 0xFFFF;
	uint16_t c, flags;
	unsigned b;

	regs[0] = 0;
	while ((c = rom16(r, p))) {
		flags = rom16(r, p + 2);
		p += 4;
		for (b = 0; b < 16; b++) {
			if (!(flags >> b & 1))
				continue;
			if (c == code && (mask >> b & 1)) {
				regs[0] = rom16(r, p);
				return;
			}
			p += 2;
		}
	}
}

int dapsim_rp2_native(struct dapsim_rp2 *r, uint32_t *regs, uint64_t *now, uint64_t limit,
		      int rcp_ready)
{
	uint32_t pc = regs[15], nf = r->rp2350 ? NFNS : NFNS_RP2040;
	int i = pc >= NATIVE && pc < NATIVE + 4 * nf && !(pc % 4) ? (int)((pc - NATIVE) / 4) : -1;

	if (pc == LOOKUP_FN) {
		if (r->rp2350)
			lookup_v2(r, regs);
		else
			lookup(r, regs);
		regs[15] = regs[14] & ~1u;
		return 1;
	}
	if (i < 0)
		return 0;
	if (r->rp2350 && !rcp_ready)
		return -1;	/* the function's first RCP instruction faults */
	if (r->busy_fn != i) {
		r->busy_fn = i;
		r->busy_until = *now + fns[i].fn(r, regs);
	}
	if (*now < r->busy_until) {
		*now = r->busy_until < limit ? r->busy_until : limit;
		return 1;
	}
	r->busy_fn = -1;
	regs[0] = 0;
	regs[15] = regs[14] & ~1u;
	return 1;
}

/* ---- the bus ---- */

/* An XIP read: 0 when its line is in (a hit, or a fetch done), 1 while
 * the line is fetched: 03h, a 24-bit address and the line's bits at SCK
 * (the mode flash_enter_cmd_xip leaves). The cached alias (0x10...) looks
 * up and allocates, no-allocate (0x11...) only looks up, the uncached
 * ones (0x12..., 0x13...) fetch every time. */
static int xip_fetch(struct dapsim_rp2 *r, uint32_t addr, uint64_t now)
{
	uint32_t line = (addr & 0x00FFFFFFu) / XIP_LINE, slot = line % XIP_LINES;

	if (addr < 0x12000000u && r->tag[slot] == line + 1)
		return 0;
	if (r->fill_line != line + 1) {
		r->fill_line = line + 1;
		r->fill_until = now + spi_us(r, 8 + 24 + XIP_LINE * 8);
	}
	if (now < r->fill_until)
		return 1;
	r->fill_line = 0;
	if (addr < 0x11000000u)
		r->tag[slot] = line + 1;
	return 0;
}

static int xip_read(struct dapsim_rp2 *r, uint32_t addr, int size, uint32_t *v, uint64_t now)
{
	uint32_t off = addr & 0x00FFFFFFu;

	if (r->busy_fn >= 0 && now < r->busy_until)
		return 1;
	if (r->rp2350 && (r->qmi_csr & QMI_EN)) {
		bad(r, "XIP read with the QMI in direct mode (DIRECT_CSR.EN set)%s", "");
		return -1;
	}
	if (!r->xip || !r->connected) {
		dapsim_violation(&r->n->violations, r->who, "XIP read at 0x%08x with the flash "
				 "in serial mode (no flash_enter_cmd_xip)", addr);
		return -1;
	}
	if (r->stale && addr < 0x12000000u) {
		bad(r, "cached XIP read after programming without flash_flush_cache%s", "");
		return -1;
	}
	if (xip_fetch(r, addr, now))
		return 1;
	*v = dapsim_lane_get(r->flash + off % r->size, addr, size);
	return 0;
}

/* SPI bytes while CSn is forced low: 9Fh answers the JEDEC ID. */
static uint8_t spi_byte(struct dapsim_rp2 *r, uint8_t out)
{
	uint8_t jedec[] = { 0xEF, 0x40, 0 };
	int pos = r->spi_pos++;

	while (jedec[2] < 31 && (1u << jedec[2]) < r->size)
		jedec[2]++;		/* capacity: 2^n bytes */

	if (pos == 0) {
		r->spi_cmd = out;
		return 0xFF;
	}
	if (r->spi_cmd == 0x9F && pos <= 3)
		return jedec[pos - 1];
	return 0xFF;
}

static int ssi_access(struct dapsim_rp2 *r, uint32_t off, int rd, uint32_t *v)
{
	if (off == SSI_SR && rd) {
		*v = 0x6 | (r->rx_n ? 0x8 : 0);	/* TFNF, TFE, RFNE */
		return 0;
	}
	if (off != SSI_DR0) {
		if (rd)
			*v = 0;
		return 0;
	}
	if (r->xip) {
		bad(r, "SSI DR0 %s with the SSI in XIP mode (no flash_exit_xip)", rd ? "read" : "write");
		return -1;
	}
	if (rd) {
		*v = r->rx_n ? r->rx[0] : 0;
		if (r->rx_n)
			memmove(r->rx, r->rx + 1, --r->rx_n);
		return 0;
	}
	if (r->rx_n < sizeof(r->rx))
		r->rx[r->rx_n++] = ((r->ss_ctrl >> 8) & 3) == OUTOVER_LOW ? spi_byte(r, (uint8_t)*v) : 0xFF;
	return 0;
}

/* RP2350 QMI direct mode: bytes through DIRECT_TX while EN is set, each
 * answered into DIRECT_RX unless NOPUSH; ASSERT_CS0N holds CSn low. */
static int qmi_access(struct dapsim_rp2 *r, uint32_t off, int rd, uint32_t *v)
{
	uint8_t in;

	if (off == 0 && rd) {
		*v = r->qmi_csr | 1u << 11 | (r->rx_n ? 0 : 1u << 16);	/* TXEMPTY, RXEMPTY */
	} else if (off == 0) {
		if (!(*v & QMI_CS0N))
			r->spi_pos = 0;	/* CSn high ends the transaction */
		r->qmi_csr = *v & (QMI_EN | QMI_CS0N);
	} else if (off == 8 && rd) {
		*v = r->rx_n ? r->rx[0] : 0;
		if (r->rx_n)
			memmove(r->rx, r->rx + 1, --r->rx_n);
	} else if (off == 4 && !rd) {
		if (!(r->qmi_csr & QMI_EN)) {
			bad(r, "QMI DIRECT_TX write with direct mode off (DIRECT_CSR.EN clear)%s", "");
			return -1;
		}
		in = r->qmi_csr & QMI_CS0N ? spi_byte(r, (uint8_t)*v) : 0xFF;
		if (!(*v & QMI_NOPUSH) && r->rx_n < sizeof(r->rx))
			r->rx[r->rx_n++] = in;
	} else if (rd) {
		*v = 0;
	}
	return 0;
}

/* The RP2350's own registers: QMI, SYSINFO CHIP_ID (revision A2, part
 * 0x0004, Raspberry Pi's JEP106 code 0x493) and PACKAGE_SEL (1: the
 * QFN-60 RP2350A). */
static int rp2350_regs(struct dapsim_rp2 *r, uint32_t addr, int rd, uint32_t *v)
{
	if (addr >= QMI_BASE && addr < QMI_BASE + 0x10)
		return qmi_access(r, addr & 0xC, rd, v);
	if (addr == SYSINFO || addr == SYSINFO + 4) {
		if (rd)
			*v = addr == SYSINFO ? 0x20004927u : 1;
		return rd ? 0 : -1;
	}
	return RP2_NOT_MINE;
}

int dapsim_rp2_read(struct dapsim_rp2 *r, uint32_t addr, int size, uint32_t *v, uint64_t now)
{
	if (addr < ROM_SIZE) {
		*v = dapsim_lane_get(r->rom + addr, addr, size);
		return 0;
	}
	if (addr >= XIP_BASE && addr < XIP_END)
		return xip_read(r, addr, size, v, now);
	if (r->rp2350)
		return rp2350_regs(r, addr & ~3u, 1, v);
	if (addr >= SSI_BASE && addr < SSI_BASE + 0x100)
		return ssi_access(r, addr & 0xFC, 1, v);
	if ((addr & ~3u) == QSPI_SS_CTRL) {
		*v = r->ss_ctrl;
		return 0;
	}
	return RP2_NOT_MINE;
}

int dapsim_rp2_write(struct dapsim_rp2 *r, uint32_t addr, int size, uint32_t v, uint64_t now)
{
	if (addr < ROM_SIZE)
		return -1;
	if (addr >= XIP_BASE && addr < XIP_END) {
		dapsim_violation(&r->n->violations, r->who, "write to the XIP window at 0x%08x: "
				 "flash is written through the ROM functions", addr);
		return -1;
	}
	if (r->rp2350)
		return rp2350_regs(r, addr & ~3u, 0, &v);
	if (addr >= SSI_BASE && addr < SSI_BASE + 0x100)
		return ssi_access(r, addr & 0xFC, 0, &v);
	if ((addr & ~3u) == QSPI_SS_CTRL) {
		if (((v >> 8) & 3) != OUTOVER_LOW)
			r->spi_pos = 0;	/* CSn high ends the transaction */
		r->ss_ctrl = v;
		return 0;
	}
	return RP2_NOT_MINE;
}
