/* flash.c - the stub's flash commands (esptool "Serial Protocol":
 * "Writing Data", "Verifying Uploaded Data", "Reading Flash", "SPI
 * Configuration Commands", and the software loader's own commands).
 *
 * Writes erase as they go: a sector (or a whole 64 KiB block) is erased
 * just before its first byte is programmed. Nothing outside the region
 * FLASH(_DEFL)_BEGIN names ever changes: a sector the region only partly
 * covers is read first and its other bytes are programmed back after
 * the erase, and a write that would pass the region's end fails. */
#include "cmds.h"
#include "inflate.h"
#include "md5.h"

#define DUPLICATE 0x100		/* a block we already took: answer it again */

uint32_t flash_size = 16u << 20;	/* until SPI_SET_PARAMS says */

/* The write in progress. */
static struct {
	uint8_t mode;		/* 0, OP_FLASH_BEGIN or OP_FLASH_DEFL_BEGIN */
	uint32_t start, end;	/* the region asked for */
	uint32_t pos;		/* address of the next byte */
	uint32_t erased;	/* erased from start's sector up to here */
	uint32_t blocks, block_size, seq;	/* seq: the next block expected */
	int err;		/* the first error, told at the next reply */
	int done;		/* the compressed stream ended */
	uint32_t bufaddr;	/* the sector buf holds */
	uint8_t buf[SECTOR];
} w;

/* A sector's worth, plus room to align reads (shared with query.c). */
uint8_t tmp[SECTOR + 8];

int in_flash(uint32_t addr, uint32_t len)
{
	return addr <= flash_size && len <= flash_size - addr;
}

/* Erase the sector at a, keeping its bytes outside [lo, hi): those are
 * programmed back, in the words that hold them (the region's bytes in
 * those words are 0xFF, which programming leaves erased). */
static int erase_sector_keep(uint32_t a, uint32_t lo, uint32_t hi)
{
	int keep = a < lo || a + SECTOR > hi, e;

	if (keep && flash_read(a, tmp, SECTOR))
		return E_FAILED_SPI_OP;
	if (flash_erase(a, SECTOR))
		return E_FAILED_SPI_OP;
	if (!keep)
		return 0;
	lo = lo > a ? lo - a : 0;
	hi = min32(hi - a, SECTOR);
	memset(tmp + lo, 0xFF, hi - lo);
	lo = (lo + 3) & ~3u;
	hi &= ~3u;
	if (lo >= hi)
		return flash_write(a, tmp, SECTOR);
	if (lo && (e = flash_write(a, tmp, lo)) != 0)
		return e;
	return hi < SECTOR ? flash_write(a + hi, tmp + hi, SECTOR - hi) : 0;
}

static int erase_to(uint32_t upto)
{
	while (w.erased < upto) {
		uint32_t a = w.erased;
		int e;

		if (a % BLOCK64 == 0 && a >= w.start && a + BLOCK64 <= w.end) {
			if (flash_erase(a, BLOCK64))
				return E_FAILED_SPI_OP;
			w.erased += BLOCK64;
		} else {
			if ((e = erase_sector_keep(a, w.start, w.end)) != 0)
				return e;
			w.erased += SECTOR;
		}
	}
	return 0;
}

/* Program what buf holds of the region, in whole words. */
static int program(void)
{
	uint32_t lo = (w.bufaddr > w.start ? w.bufaddr : w.start) & ~3u;
	uint32_t hi = (min32(w.bufaddr + SECTOR, w.pos) + 3) & ~3u;
	int e;

	if (hi <= lo)
		return 0;
	if ((e = erase_to(min32(w.bufaddr + SECTOR, (w.end + SECTOR - 1) & ~(SECTOR - 1)))) != 0)
		return e;
	return flash_write(lo, w.buf + (lo - w.bufaddr), hi - lo);
}

static int sink(const uint8_t *p, uint32_t n)
{
	while (n) {
		uint32_t off, k;
		int e;

		if (w.pos >= w.end)
			return E_TOO_MUCH_DATA;
		if (w.pos >= w.bufaddr + SECTOR) {
			if ((e = program()) != 0)
				return e;
			w.bufaddr = w.pos & ~(SECTOR - 1);
			memset(w.buf, 0xFF, SECTOR);
		}
		off = w.pos - w.bufaddr;
		k = min32(min32(n, SECTOR - off), w.end - w.pos);
		memcpy(w.buf + off, p, k);
		w.pos += k;
		p += k;
		n -= k;
	}
	return 0;
}

/* FLASH_BEGIN and FLASH_DEFL_BEGIN: size (of the data, uncompressed),
 * blocks, block size, offset. */
static int begin(const struct req *r, uint8_t mode)
{
	uint32_t size = get32(r->d), bsize = get32(r->d + 8), off = get32(r->d + 12);

	w.mode = 0;
	if (!bsize || bsize > MAX_BLOCK)
		return E_BAD_BLOCKSIZE;
	if (!in_flash(off, size))
		return E_BAD_DATA_LEN;
	w.mode = mode;
	w.start = w.pos = off;
	w.end = off + size;
	w.erased = w.bufaddr = off & ~(SECTOR - 1);
	w.blocks = get32(r->d + 4);
	w.block_size = bsize;
	w.seq = 0;
	w.err = w.done = 0;
	memset(w.buf, 0xFF, SECTOR);
	return E_OK;
}

static int cmd_flash_begin(const struct req *r, struct answer *a)
{
	return begin(r, OP_FLASH_BEGIN);
}

static int cmd_defl_begin(const struct req *r, struct answer *a)
{
	return begin(r, OP_FLASH_DEFL_BEGIN);
}

static uint8_t checksum(const uint8_t *p, uint32_t n)
{
	uint8_t c = 0xEF;

	while (n--)
		c ^= *p++;
	return c;
}

/* A *_DATA block: its header, checksum and place in the sequence. */
static int check_block(const struct req *r, uint8_t mode)
{
	uint32_t dlen, seq;

	if (w.mode != mode)
		return E_NOT_IN_FLASH_MODE;
	if (r->len < DATA_HDR)
		return E_BAD_DATA_LEN;
	dlen = get32(r->d);
	seq = get32(r->d + 4);
	if (dlen != r->len - DATA_HDR || dlen > w.block_size)
		return E_BAD_DATA_LEN;
	if ((r->chk & 0xFF) != checksum(r->d + DATA_HDR, dlen))
		return E_BAD_DATA_CHECKSUM;
	if (seq + 1 == w.seq)
		return DUPLICATE;
	if (seq >= w.blocks)
		return E_TOO_MUCH_DATA;
	return seq == w.seq ? E_OK : E_BAD_DATA_LEN;
}

/* Plain blocks, answered on receipt (a failure to program one is told
 * at the next reply); the host pads the last one with 0xFF past the region. */
static int cmd_flash_data(const struct req *r, struct answer *a)
{
	int e = check_block(r, OP_FLASH_BEGIN);

	if (e == DUPLICATE)
		return w.err;
	if (e)
		return e;
	w.seq++;
	reply(r->op, 0, 0, 0, (uint8_t)w.err);	/* on receipt: the next one comes while this programs */
	if (!w.err)
		w.err = sink(r->d + DATA_HDR, min32(get32(r->d), w.end - w.pos));
	if (!w.err && w.pos == w.end)
		w.err = program();	/* hosts verify without a FLASH_END */
	return ANSWERED;
}

/* FLASH_END, FLASH_DEFL_END: program the last sector; then 0 reboots,
 * 1 stays in the loader. */
static int end(const struct req *r, uint8_t mode)
{
	int e = w.mode == mode ? w.err : E_NOT_IN_FLASH_MODE;

	if (!e && mode == OP_FLASH_DEFL_BEGIN && (!w.done || w.pos != w.end))
		e = E_NOT_ENOUGH_DATA;
	if (!e && mode == OP_FLASH_BEGIN && w.pos != w.end)
		e = program();	/* the last block and the inflater's end did it */
	w.mode = 0;
	if (r->len >= 4 && !get32(r->d)) {
		reply(r->op, 0, 0, 0, (uint8_t)e);
		plat_tx_drain();
		plat_leave(0);
		return ANSWERED;
	}
	return e;
}

static int cmd_flash_end(const struct req *r, struct answer *a)
{
	return end(r, OP_FLASH_BEGIN);
}

static int cmd_defl_end(const struct req *r, struct answer *a)
{
	return end(r, OP_FLASH_DEFL_BEGIN);
}

static int defl_out(struct inflate_io *io, const uint8_t *p, uint32_t n)
{
	return sink(p, n);
}

static void ack_block(void)
{
	reply(OP_FLASH_DEFL_DATA, 0, 0, 0, E_OK);
}

/* The inflater wants the next block: read the next request. A good next
 * block feeds it and is answered at once, so the host sends the one
 * after while this one is programmed (received meanwhile, busy.c); a bad
 * one is refused and its resend awaited; anything else ends the write
 * and is served by the loop. */
static int defl_more(struct inflate_io *io)
{
	for (;;) {
		const uint8_t *f;
		int32_t n;
		struct req r;
		int e;

		if ((n = next_request(&f)) == SLIP_EOF)
			return E_NOT_ENOUGH_DATA;
		if (parse_request(f, n, &r) != E_OK || r.op != OP_FLASH_DEFL_DATA) {
			push_back_request(n);
			return E_NOT_ENOUGH_DATA;
		}
		if ((e = check_block(&r, OP_FLASH_DEFL_BEGIN)) != E_OK) {
			reply(r.op, 0, 0, 0, e == DUPLICATE ? E_OK : (uint8_t)e);
			continue;
		}
		w.seq++;
		io->in = r.d + DATA_HDR;
		io->in_len = get32(r.d);
		ack_block();
		return 0;
	}
}

/* The first block starts the inflater, which then pulls the others
 * itself; later blocks only come here after it stopped on an error. */
static int cmd_defl_data(const struct req *r, struct answer *a)
{
	struct inflate_io io = { .more = defl_more, .out = defl_out };
	int e = check_block(r, OP_FLASH_DEFL_BEGIN);

	if (e == DUPLICATE)
		return w.err;
	if (e || (e = w.err) != 0)
		return e;
	if (w.done)
		return E_TOO_MUCH_DATA;
	w.seq++;
	io.in = r->d + DATA_HDR;
	io.in_len = get32(r->d);
	ack_block();
	e = inflate_zlib(&io);
	w.done = 1;
	if (!e && io.in_len)
		e = E_TOO_MUCH_DATA;
	if (!e)
		e = program();
	w.err = e;
	return ANSWERED;	/* told at the next reply: the next block's or the end's */
}

const struct cmd flash_cmds[] = {
	{ OP_FLASH_BEGIN, 16, cmd_flash_begin },
	{ OP_FLASH_DATA, DATA_HDR, cmd_flash_data },
	{ OP_FLASH_END, 0, cmd_flash_end },
	{ OP_FLASH_DEFL_BEGIN, 16, cmd_defl_begin },
	{ OP_FLASH_DEFL_DATA, DATA_HDR, cmd_defl_data },
	{ OP_FLASH_DEFL_END, 0, cmd_defl_end },
	{ 0, 0, NULL },
};
