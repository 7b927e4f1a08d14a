/* esp_loader.c - ROM loader command encoding and decoding (esp_loader.h). */
#include "esp_loader.h"
#include "err.h"
#include "slip.h"

#include <stdio.h>
#include <string.h>

static const struct { uint8_t op; const char *name; } op_names[] = {
	{ 0x02, "FLASH_BEGIN" }, { 0x03, "FLASH_DATA" }, { 0x04, "FLASH_END" },
	{ 0x05, "MEM_BEGIN" }, { 0x06, "MEM_END" }, { 0x07, "MEM_DATA" }, { 0x08, "SYNC" },
	{ 0x09, "WRITE_REG" }, { 0x0A, "READ_REG" }, { 0x0B, "SPI_SET_PARAMS" },
	{ 0x0D, "SPI_ATTACH" }, { 0x0E, "READ_FLASH_SLOW" }, { 0x0F, "CHANGE_BAUDRATE" },
	{ 0x10, "FLASH_DEFL_BEGIN" }, { 0x11, "FLASH_DEFL_DATA" }, { 0x12, "FLASH_DEFL_END" },
	{ 0x13, "SPI_FLASH_MD5" }, { 0x14, "GET_SECURITY_INFO" }, { 0xD0, "ERASE_FLASH" },
	{ 0xD1, "ERASE_REGION" }, { 0xD2, "READ_FLASH" }, { 0xD3, "RUN_USER_CODE" },
};

const char *mpf_esp_op_name(uint8_t op, char tmp[8])
{
	size_t i;

	for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (op_names[i].op == op)
			return op_names[i].name;
	snprintf(tmp, 8, "0x%02x", op);
	return tmp;
}

/* Meaning of a ROM error code ("checksum error"), or NULL. */
static const char *mpf_esp_err_text(uint8_t code)
{
	static const char *const rom[] = {
		[0x05] = "received message is invalid",
		[0x06] = "failed to act on received message",
		[0x07] = "invalid CRC in message",
		[0x08] = "flash write error",
		[0x09] = "flash read error",
		[0x0A] = "flash read length error",
		[0x0B] = "deflate error",
		[0x0C] = "deflate adler32 error",
		[0x0D] = "deflate parameter error",
		[0x0E] = "invalid RAM binary size",
		[0x0F] = "invalid RAM binary address",
	};

	if (code < sizeof(rom) / sizeof(rom[0]) && rom[code])
		return rom[code];
	if (code >= 0x64 && code <= 0x69)
		return "invalid parameter";
	return NULL;
}

uint8_t mpf_esp_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint8_t c = MPF_ESP_CHECKSUM_SEED;
	size_t i;

	for (i = 0; i < len; i++)
		c ^= p[i];
	return c;
}

/* SLIP-escape straight into out, without building the raw packet first:
 * data blocks are the hot path of a 1.5 MB write. */
static void put_escaped(struct mpf_buf *out, const uint8_t *p, size_t len)
{
	size_t i, run = 0;

	for (i = 0; i < len; i++) {
		if (p[i] != MPF_SLIP_END && p[i] != MPF_SLIP_ESC)
			continue;
		mpf_buf_add(out, p + run, i - run);
		mpf_buf_addch(out, MPF_SLIP_ESC);
		mpf_buf_addch(out, p[i] == MPF_SLIP_END ? MPF_SLIP_ESC_END : MPF_SLIP_ESC_ESC);
		run = i + 1;
	}
	mpf_buf_add(out, p + run, len - run);
}

static void put_header(struct mpf_buf *out, uint8_t dir, uint8_t op, size_t size, uint32_t w)
{
	uint8_t h[MPF_ESP_HDR_LEN] = { dir, op, (uint8_t)size, (uint8_t)(size >> 8) };

	mpf_put_le32(h + 4, w);
	put_escaped(out, h, sizeof(h));
}

void mpf_esp_encode(struct mpf_buf *out, uint8_t op, const void *data, size_t len,
		    uint32_t checksum)
{
	mpf_buf_grow(out, len + len / 32 + 16);
	mpf_buf_addch(out, MPF_SLIP_END);
	put_header(out, 0x00, op, len, checksum);
	put_escaped(out, data, len);
	mpf_buf_addch(out, MPF_SLIP_END);
}

void mpf_esp_encode_words(struct mpf_buf *out, uint8_t op, const uint32_t *w, size_t n)
{
	uint8_t d[64];
	size_t i;

	for (i = 0; i < n && i < 16; i++)
		mpf_put_le32(d + 4 * i, w[i]);
	mpf_esp_encode(out, op, d, 4 * i, 0);
}

void mpf_esp_encode_data(struct mpf_buf *out, uint8_t op, const void *data, size_t len,
			 uint32_t seq, size_t pad_to)
{
	static const uint8_t ff[64] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff,
	};
	size_t total = pad_to > len ? pad_to : len, pad = total - len;
	uint8_t h[MPF_ESP_DATA_HDR_LEN] = { 0 };
	uint8_t chk = mpf_esp_checksum(data, len);

	/* 0xFF padding XORs in pairs: an odd count flips the checksum */
	if (pad & 1)
		chk ^= 0xFF;
	mpf_put_le32(h, (uint32_t)total);
	mpf_put_le32(h + 4, seq);
	mpf_buf_grow(out, total + total / 32 + 32);
	mpf_buf_addch(out, MPF_SLIP_END);
	put_header(out, 0x00, op, sizeof(h) + total, chk);
	put_escaped(out, h, sizeof(h));
	put_escaped(out, data, len);
	while (pad) {
		size_t n = pad < sizeof(ff) ? pad : sizeof(ff);

		mpf_buf_add(out, ff, n);
		pad -= n;
	}
	mpf_buf_addch(out, MPF_SLIP_END);
}

int mpf_esp_decode(const uint8_t *f, size_t n, int status_len, struct mpf_esp_reply *r,
		   struct mpf_buf *err)
{
	size_t size;

	memset(r, 0, sizeof(*r));
	if (n >= 1 && f[0] == 0x00)
		return MPF_ERR_AGAIN;
	if (n < MPF_ESP_HDR_LEN || f[0] != 0x01)
		return mpf_errf(err, MPF_ERR_PROTO, "malformed reply (%zu bytes, direction 0x%02x)",
				n, n ? f[0] : 0);
	size = (size_t)f[2] | (size_t)f[3] << 8;
	if (size != n - MPF_ESP_HDR_LEN)
		return mpf_errf(err, MPF_ERR_PROTO, "reply size field %zu but %zu data bytes", size,
				n - MPF_ESP_HDR_LEN);
	if (size < (size_t)status_len)
		return mpf_errf(err, MPF_ERR_PROTO, "reply has %zu data bytes, fewer than the %d "
				"status bytes", size, status_len);
	r->op = f[1];
	r->size = (uint16_t)size;
	r->value = mpf_le32(f + 4);
	r->data = f + MPF_ESP_HDR_LEN;
	r->len = size - (size_t)status_len;
	r->status = r->data[r->len];
	r->error = r->data[r->len + 1];
	return MPF_OK;
}

int mpf_esp_check(const struct mpf_esp_reply *r, struct mpf_buf *err)
{
	const char *text;
	char tmp[8];

	if (!r->status)
		return MPF_OK;
	if (r->error == MPF_ESP_ERR_INVALID)
		return mpf_errf(err, MPF_ERR_SUPP, "%s: the ROM does not support it or rejected "
				"the message (error 0x05)", mpf_esp_op_name(r->op, tmp));
	text = mpf_esp_err_text(r->error);
	return mpf_errf(err, MPF_ERR_PROTO, "%s failed: %s (0x%02x)", mpf_esp_op_name(r->op, tmp),
			text ? text : "unknown error", r->error);
}

int mpf_esp_decode_request(const uint8_t *f, size_t n, uint8_t *op, uint32_t *checksum,
			   const uint8_t **data, size_t *len, struct mpf_buf *err)
{
	size_t size;

	if (n < MPF_ESP_HDR_LEN)
		return mpf_errf(err, MPF_ERR_PROTO, "request of %zu bytes is shorter than the "
				"8-byte header", n);
	if (f[0] != 0x00)
		return mpf_errf(err, MPF_ERR_PROTO, "request direction byte 0x%02x, not 0x00", f[0]);
	size = (size_t)f[2] | (size_t)f[3] << 8;
	if (size != n - MPF_ESP_HDR_LEN)
		return mpf_errf(err, MPF_ERR_PROTO, "request size field %zu but %zu data bytes",
				size, n - MPF_ESP_HDR_LEN);
	*op = f[1];
	*checksum = mpf_le32(f + 4);
	*data = f + MPF_ESP_HDR_LEN;
	*len = size;
	return MPF_OK;
}

void mpf_esp_encode_reply(struct mpf_buf *out, uint8_t op, uint32_t value, const void *data,
			  size_t len, uint8_t status, uint8_t error, int status_len)
{
	uint8_t st[4] = { status, error, 0, 0 };

	mpf_buf_addch(out, MPF_SLIP_END);
	put_header(out, 0x01, op, len + (size_t)status_len, value);
	put_escaped(out, data, len);
	put_escaped(out, st, (size_t)status_len);
	mpf_buf_addch(out, MPF_SLIP_END);
}

uint32_t mpf_esp8266_erase_size(uint32_t offset, uint32_t size)
{
	uint32_t n = (size + MPF_ESP_SECTOR - 1) / MPF_ESP_SECTOR;
	uint32_t head = 16 - (offset / MPF_ESP_SECTOR) % 16;

	if (n < head)
		head = n;
	if (n < 2 * head)
		return (n + 1) / 2 * MPF_ESP_SECTOR;
	return (n - head) * MPF_ESP_SECTOR;
}

uint32_t mpf_esp8266_rom_erased(uint32_t offset, uint32_t sent)
{
	/* The ROM erases the sectors up to the next 64 KiB boundary one by
	 * one, then the whole requested count again from there. */
	uint32_t e = (sent + MPF_ESP_SECTOR - 1) / MPF_ESP_SECTOR;
	uint32_t head = 16 - (offset / MPF_ESP_SECTOR) % 16;

	if (e < head)
		head = e;
	return head + e;
}

int mpf_esp_timeout_per_mb(uint64_t bytes, int ms_per_mb)
{
	uint64_t t = bytes * (uint64_t)ms_per_mb / (1024 * 1024);

	return t < 3000 ? 3000 : t > 3600000 ? 3600000 : (int)t;
}
