/* esp_loader.h - Espressif serial ROM loader commands, encoded and decoded
 * over buffers (doc/protocols.md 1.2-1.4). No I/O here: esp_flash.c moves the
 * bytes, tests feed recorded ones.
 *
 * Request (inside SLIP): u8 0x00, u8 op, u16 size, u32 checksum, data.
 * Reply: u8 0x01, u8 op, u16 size, u32 value, data ending in status bytes:
 * 4 on ESP32-and-later ROMs, 2 on the ESP8266 ROM (and on stubs). */
#ifndef MPF_ESP_LOADER_H
#define MPF_ESP_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum mpf_esp_op {
	MPF_ESP_FLASH_BEGIN = 0x02,
	MPF_ESP_FLASH_DATA = 0x03,
	MPF_ESP_FLASH_END = 0x04,
	MPF_ESP_MEM_BEGIN = 0x05,
	MPF_ESP_MEM_END = 0x06,
	MPF_ESP_MEM_DATA = 0x07,
	MPF_ESP_SYNC = 0x08,
	MPF_ESP_WRITE_REG = 0x09,
	MPF_ESP_READ_REG = 0x0A,
	MPF_ESP_SPI_SET_PARAMS = 0x0B,
	MPF_ESP_SPI_ATTACH = 0x0D,
	MPF_ESP_READ_FLASH_SLOW = 0x0E,
	MPF_ESP_CHANGE_BAUDRATE = 0x0F,
	MPF_ESP_FLASH_DEFL_BEGIN = 0x10,
	MPF_ESP_FLASH_DEFL_DATA = 0x11,
	MPF_ESP_FLASH_DEFL_END = 0x12,
	MPF_ESP_SPI_FLASH_MD5 = 0x13,
	MPF_ESP_GET_SECURITY_INFO = 0x14,
	/* flasher stub only (doc/protocols.md 1.14) */
	MPF_ESP_ERASE_FLASH = 0xD0,
	MPF_ESP_ERASE_REGION = 0xD1,
	MPF_ESP_READ_FLASH = 0xD2,
	MPF_ESP_RUN_USER_CODE = 0xD3,
};

/* ROM error codes (second status byte, 1.3) */
enum {
	MPF_ESP_ERR_INVALID = 0x05,	/* also: unknown command */
	MPF_ESP_ERR_RESULT = 0x06,
	MPF_ESP_ERR_CHECKSUM = 0x07,
	MPF_ESP_ERR_FLASH_WRITE = 0x08,
	MPF_ESP_ERR_FLASH_READ = 0x09,
	MPF_ESP_ERR_READ_LEN = 0x0A,
	MPF_ESP_ERR_DEFLATE = 0x0B,
	MPF_ESP_ERR_ADLER32 = 0x0C,
	MPF_ESP_ERR_DEFL_PARAM = 0x0D,
	MPF_ESP_ERR_RAM_SIZE = 0x0E,
	MPF_ESP_ERR_RAM_ADDR = 0x0F,
};

#define MPF_ESP_CHECKSUM_SEED 0xEF
#define MPF_ESP_HDR_LEN 8		/* request and reply header */
#define MPF_ESP_DATA_HDR_LEN 16		/* u32 len, seq, 0, 0 of *_DATA */
#define MPF_ESP_ROM_BLOCK 0x400		/* ROM FLASH_WRITE_SIZE */
#define MPF_ESP_STUB_BLOCK 0x4000	/* a flasher stub's FLASH_WRITE_SIZE (1.14) */
#define MPF_ESP_SECTOR 0x1000
#define MPF_ESP_SYNC_VALUE 0x20120707u	/* value field of a ROM SYNC reply */

struct mpf_esp_reply {
	uint8_t op;
	uint16_t size;		/* data length as sent */
	uint32_t value;
	const uint8_t *data;	/* payload before the status bytes (points into the frame) */
	size_t len;		/* its length */
	uint8_t status, error;	/* status 0 = ok */
};

/* Name of an opcode ("FLASH_DEFL_DATA") or "0xNN". */
const char *mpf_esp_op_name(uint8_t op, char tmp[8]);

/* XOR of data, seeded with 0xEF: the checksum of *_DATA commands. */
uint8_t mpf_esp_checksum(const void *data, size_t len);

/* Append the SLIP frame of a request to out. */
void mpf_esp_encode(struct mpf_buf *out, uint8_t op, const void *data, size_t len,
		    uint32_t checksum);
/* Append a request whose data is n little-endian words. */
void mpf_esp_encode_words(struct mpf_buf *out, uint8_t op, const uint32_t *w, size_t n);
/* Append a *_DATA request: 16-byte header (len, seq, 0, 0) then data,
 * padded with 0xFF up to pad_to bytes when pad_to > len (FLASH_DATA;
 * compressed blocks are not padded). */
void mpf_esp_encode_data(struct mpf_buf *out, uint8_t op, const void *data, size_t len,
			 uint32_t seq, size_t pad_to);

/* Decode one unescaped frame as a reply carrying status_len status bytes
 * (2 or 4). MPF_ERR_PROTO if it is not a well-formed reply. A request
 * frame (direction 0) is MPF_ERR_AGAIN: a peer's echo, to be skipped. */
int mpf_esp_decode(const uint8_t *frame, size_t n, int status_len, struct mpf_esp_reply *r,
		   struct mpf_buf *err);
/* MPF_OK when r's status is ok; MPF_ERR_SUPP for "unknown command"
 * (status 1, error 0x05: what a ROM says to an op it lacks);
 * MPF_ERR_PROTO with "OP failed: checksum error (0x07)" otherwise. */
int mpf_esp_check(const struct mpf_esp_reply *r, struct mpf_buf *err);

/* Decode a request frame (for simulators and tests): fills op, size,
 * checksum and data; MPF_ERR_PROTO when malformed. */
int mpf_esp_decode_request(const uint8_t *frame, size_t n, uint8_t *op, uint32_t *checksum,
			   const uint8_t **data, size_t *len, struct mpf_buf *err);
/* Append a reply frame (SLIP) to out. */
void mpf_esp_encode_reply(struct mpf_buf *out, uint8_t op, uint32_t value, const void *data,
			  size_t len, uint8_t status, uint8_t error, int status_len);

/* ESP8266 ROM FLASH_BEGIN erases more than asked (1.4): the erase size to
 * send so that exactly [offset, offset+size) rounded to sectors is erased. */
uint32_t mpf_esp8266_erase_size(uint32_t offset, uint32_t size);
/* What the ESP8266 ROM really erases (in sectors from offset's sector)
 * when sent erase size `sent`: the inverse, for the simulator. */
uint32_t mpf_esp8266_rom_erased(uint32_t offset, uint32_t sent);

/* Timeouts in ms for operations proportional to size (1.8): rate ms per
 * MiB, never below 3 s. */
int mpf_esp_timeout_per_mb(uint64_t bytes, int ms_per_mb);

/* Little-endian helpers */
static inline uint32_t mpf_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void mpf_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#endif
