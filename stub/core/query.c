/* query.c - the stub's other flash commands: attach and parameters,
 * MD5, reads, erases; and RAM loading (esptool "Serial Protocol"). */
#include "cmds.h"
#include "md5.h"

static int cmd_spi_attach(const struct req *r, struct answer *a)
{
	return plat_flash_attach(get32(r->d)) ? E_FAILED_SPI_UNLOCK : E_OK;
}

/* id, total size, block, sector, page, status mask: only the size
 * matters here (esptool sends the others as constants). */
static int cmd_spi_set_params(const struct req *r, struct answer *a)
{
	uint32_t size = get32(r->d + 4);

	if (!size || size > (1u << 30))
		return E_BAD_DATA_LEN;
	flash_size = size;
	return plat_flash_set_size(size) ? E_FAILED_SPI_OP : E_OK;
}

/* n bytes of flash at any address: a pointer into tmp. */
static const uint8_t *read_any(uint32_t addr, uint32_t n)
{
	uint32_t skew = addr & 3;

	if (flash_read(addr - skew, tmp, (n + skew + 3) & ~3u))
		return 0;
	return tmp + skew;
}

static int cmd_md5(const struct req *r, struct answer *a)
{
	static uint8_t digest[16];
	uint32_t addr = get32(r->d), len = get32(r->d + 4);
	struct md5 m;

	if (!in_flash(addr, len))
		return E_BAD_DATA_LEN;
	md5_init(&m);
	while (len) {
		uint32_t n = min32(len, SECTOR);
		const uint8_t *p = read_any(addr, n);

		if (!p)
			return E_FAILED_SPI_OP;
		md5_update(&m, p, n);
		addr += n;
		len -= n;
	}
	md5_final(&m, digest);
	a->data = digest;
	a->len = 16;
	return E_OK;
}

/* The host's acknowledgements during READ_FLASH: SLIP frames of one u32,
 * the bytes it has so far. Takes what has arrived (all of it, or until
 * one comes when wait); -1 when the input ended (host fake). */
static int take_acks(uint32_t *acked, int wait)
{
	static uint8_t buf[4];
	static uint32_t n;
	static int esc;

	for (;;) {
		int c = rx_byte();

		if (c < 0 && !wait)
			return 0;
		if (c == -1)
			continue;
		if (c < 0)
			return -1;
		if (c == 0xC0) {
			if (n == 4) {
				*acked = get32(buf);
				wait = 0;
			}
			n = 0;
			esc = 0;
			continue;
		}
		if (esc)
			c = c == 0xDC ? 0xC0 : 0xDB;
		if ((esc = !esc && c == 0xDB))
			continue;
		if (n < 4)
			buf[n] = (uint8_t)c;
		n += n < 5;
	}
}

/* offset, length, packet size, packets in flight; the reply, then raw
 * packets, then the MD5 of them all (esptool "Reading Flash"). */
static int cmd_read_flash(const struct req *r, struct answer *a)
{
	uint32_t addr = get32(r->d), len = get32(r->d + 4), psize = get32(r->d + 8);
	uint32_t inflight = get32(r->d + 12), sent = 0, acked = 0;
	uint8_t digest[16];
	struct md5 m;

	if (!in_flash(addr, len))
		return E_BAD_DATA_LEN;
	if (!psize || psize > SECTOR || !inflight)
		return E_BAD_BLOCKSIZE;
	reply(r->op, 0, 0, 0, E_OK);
	md5_init(&m);
	while (acked < len) {
		int more = sent < len && sent - acked < psize * inflight;

		if (more) {
			uint32_t n = min32(psize, len - sent);
			const uint8_t *p = read_any(addr + sent, n);

			if (!p)
				break;	/* the host sees the stream stop */
			md5_update(&m, p, n);
			slip_frame(p, n);
			sent += n;
		}
		if (take_acks(&acked, !more) < 0)
			return ANSWERED;
	}
	md5_final(&m, digest);
	slip_frame(digest, 16);
	return ANSWERED;
}

static int cmd_erase_flash(const struct req *r, struct answer *a)
{
	return flash_erase(0, 0);
}

/* Offset and size, both whole sectors. */
static int cmd_erase_region(const struct req *r, struct answer *a)
{
	uint32_t addr = get32(r->d), len = get32(r->d + 4);

	if (addr % SECTOR || len % SECTOR || !in_flash(addr, len))
		return E_BAD_DATA_LEN;
	while (len) {
		int big = addr % BLOCK64 == 0 && len >= BLOCK64;

		if (flash_erase(addr, big ? BLOCK64 : SECTOR))
			return E_FAILED_SPI_OP;
		addr += big ? BLOCK64 : SECTOR;
		len -= big ? BLOCK64 : SECTOR;
	}
	return E_OK;
}

static int cmd_run_user_code(const struct req *r, struct answer *a)
{
	plat_tx_drain();
	plat_leave(1);
	return ANSWERED;
}

const struct cmd query_cmds[] = {
	{ OP_SPI_ATTACH, 4, cmd_spi_attach },
	{ OP_SPI_SET_PARAMS, 24, cmd_spi_set_params },
	{ OP_SPI_FLASH_MD5, 8, cmd_md5 },
	{ OP_READ_FLASH, 16, cmd_read_flash },
	{ OP_ERASE_FLASH, 0, cmd_erase_flash },
	{ OP_ERASE_REGION, 8, cmd_erase_region },
	{ OP_RUN_USER_CODE, 0, cmd_run_user_code },
	{ 0, 0, NULL },
};
