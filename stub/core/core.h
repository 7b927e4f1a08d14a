/* core.h - what the stub's core files share (not the platform's business). */
#ifndef STUB_CORE_H
#define STUB_CORE_H

#include "stub.h"

void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* Requests (esptool "Serial Protocol", "Commands"). */
enum {
	OP_FLASH_BEGIN = 0x02, OP_FLASH_DATA = 0x03, OP_FLASH_END = 0x04,
	OP_MEM_BEGIN = 0x05, OP_MEM_END = 0x06, OP_MEM_DATA = 0x07,
	OP_SYNC = 0x08, OP_WRITE_REG = 0x09, OP_READ_REG = 0x0A,
	OP_SPI_SET_PARAMS = 0x0B, OP_SPI_ATTACH = 0x0D, OP_CHANGE_BAUDRATE = 0x0F,
	OP_FLASH_DEFL_BEGIN = 0x10, OP_FLASH_DEFL_DATA = 0x11, OP_FLASH_DEFL_END = 0x12,
	OP_SPI_FLASH_MD5 = 0x13,
	OP_ERASE_FLASH = 0xD0, OP_ERASE_REGION = 0xD1, OP_READ_FLASH = 0xD2,
	OP_RUN_USER_CODE = 0xD3,
};

/* The stub's error codes (second status byte), as esptool's stub numbers
 * them (the "Serial Protocol" page links the list). */
enum {
	E_OK = 0,
	E_BAD_DATA_LEN = 0xC0, E_BAD_DATA_CHECKSUM = 0xC1, E_BAD_BLOCKSIZE = 0xC2,
	E_INVALID_COMMAND = 0xC3, E_FAILED_SPI_OP = 0xC4, E_FAILED_SPI_UNLOCK = 0xC5,
	E_NOT_IN_FLASH_MODE = 0xC6, E_INFLATE_ERROR = 0xC7, E_NOT_ENOUGH_DATA = 0xC8,
	E_TOO_MUCH_DATA = 0xC9, E_CMD_NOT_IMPLEMENTED = 0xFF,
};

#define SECTOR 0x1000u
#define BLOCK64 0x10000u
#define MAX_BLOCK 0x4000u	/* largest *_DATA payload: esptool's 16 KiB */
#define HDR 8u			/* request and reply header */
#define DATA_HDR 16u		/* length, sequence, two zero words */

#define SLIP_EOF (-1)
#define SLIP_BAD (-2)

void slip_start(void);
void slip_send(const uint8_t *p, uint32_t n);
void slip_end(void);
void slip_frame(const uint8_t *p, uint32_t n);
int32_t slip_recv(uint8_t *buf, uint32_t max);

/* Receiving while the flash is busy (busy.c). */
int rx_byte(void);
int flash_erase(uint32_t addr, uint32_t size);	/* size 0: the whole chip */
int flash_write(uint32_t addr, const uint8_t *p, uint32_t n);
int flash_read(uint32_t addr, void *p, uint32_t n);

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#endif
