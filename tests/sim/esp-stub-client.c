/* esp-stub-client - drive our flasher stub on a chip (the Espressif QEMU
 * peer) from shell tests, command by command, as the stub's protocol
 * documents them (esptool "Serial Protocol"). Never installed.
 *
 *   esp-stub-client PORT STEP...
 *     start              connect (40 attempts: the ESP32 machine boots slowly
 *                        on a loaded host), detect, upload the stub, wait for OHAI
 *     attach             SPI_ATTACH 0, then SPI_SET_PARAMS for 4 MiB
 *     baud:N             CHANGE_BAUDRATE to N (and the port with it)
 *     reg:ADDR           READ_REG, prints the value
 *     write:ADDR:FILE    FLASH_DEFL_BEGIN/DATA/END, 16 KiB blocks (zlib)
 *     plain:ADDR:FILE    FLASH_BEGIN/DATA/END, 16 KiB blocks
 *     md5:ADDR:LEN       SPI_FLASH_MD5, prints the 32 hex digits
 *     read:ADDR:LEN:OUT  READ_FLASH (4 KiB packets, 64 in flight) into OUT
 *     erase:ADDR:LEN     ERASE_REGION
 *     raw:OP:HEX         any request; prints "status error value hexdata"
 *
 * Each step prints one line; the first failure prints "error: ..." and
 * exits 1. */
#include "buf.h"
#include "clock.h"
#include "err.h"
#include "esp_flash.h"
#include "esp_loader.h"
#include "esp_stub.h"
#include "fsutil.h"
#include "transport.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define BLOCK 0x4000

static struct mpf_esp e;
static struct mpf_buf err = MPF_BUF_INIT;

static int req(uint8_t op, const void *d, size_t n, uint32_t chk, int ms,
	       struct mpf_esp_reply *rep)
{
	mpf_buf_reset(&e.out);
	mpf_esp_encode(&e.out, op, d, n, chk);
	return mpf_esp_transact(&e, op, ms, rep, &err);
}

static int words(uint8_t op, const uint32_t *w, size_t n, int ms, struct mpf_esp_reply *rep)
{
	uint8_t d[32];
	size_t i;

	for (i = 0; i < n; i++)
		mpf_put_le32(d + 4 * i, w[i]);
	return req(op, d, 4 * n, 0, ms, rep);
}

static int step_start(void)
{
	const struct mpf_esp_stub *s;
	int r = 0, i;

	/* A slowly booting machine answers the SYNCs of several attempts
	 * late, enough to bury the first replies: connect again then. */
	for (i = 0; i < 3; i++)
		if ((r = mpf_esp_connect(&e, &err)) == 0 && (r = mpf_esp_detect(&e, &err)) == 0)
			break;
	if (r < 0)
		return r;
	if (!(s = mpf_esp_stub_for(e.chip)))
		return mpf_errf(&err, MPF_ERR_SUPP, "no stub for %s", e.chip->name);
	if ((r = mpf_esp_stub_start(&e, s, &err)) < 0)
		return r;
	printf("start %s ok\n", e.chip->key);
	return 0;
}

static int step_attach(void)
{
	struct mpf_esp_reply rep;
	int r;

	if ((r = words(MPF_ESP_SPI_ATTACH, (uint32_t[]){ 0 }, 1, 3000, &rep)) < 0 ||
	    (r = words(MPF_ESP_SPI_SET_PARAMS, (uint32_t[]){ 0, 4u << 20, 0x10000, 0x1000, 0x100,
			0xFFFF }, 6, 3000, &rep)) < 0)
		return r;
	printf("attach ok\n");
	return 0;
}

static int step_baud(const char *arg)
{
	struct mpf_esp_reply rep;
	uint32_t baud = (uint32_t)strtoul(arg, NULL, 0), v;
	int r;

	if ((r = words(MPF_ESP_CHANGE_BAUDRATE, (uint32_t[]){ baud, (uint32_t)e.baud }, 2, 3000,
		       &rep)) < 0)
		return r;
	mpf_sleep_ms(20);
	if ((r = mpf_tr_set_baud(e.t, (int)baud)) < 0)
		return mpf_errf(&err, r, "set baud");
	e.baud = (int)baud;
	if ((r = words(MPF_ESP_READ_REG, (uint32_t[]){ MPF_ESP_CHIP_DETECT_MAGIC_REG }, 1, 3000,
		       &rep)) < 0)
		return r;
	v = rep.value;
	printf("baud %u ok 0x%08x\n", baud, v);
	return 0;
}

static int step_reg(const char *arg)
{
	struct mpf_esp_reply rep;
	int r = words(MPF_ESP_READ_REG, (uint32_t[]){ (uint32_t)strtoul(arg, NULL, 0) }, 1, 3000,
		      &rep);

	if (r < 0)
		return r;
	printf("reg 0x%08x\n", rep.value);
	return 0;
}

static int load(const char *path, struct mpf_buf *b)
{
	return mpf_load_file(path, 64u << 20, b, &err);
}

/* FLASH(_DEFL)_BEGIN, the blocks, FLASH(_DEFL)_END with "stay" (1). */
static int send_image(uint8_t begin, uint32_t addr, const uint8_t *raw, size_t rawlen,
		      const uint8_t *z, size_t zlen)
{
	uint32_t blocks = (uint32_t)((zlen + BLOCK - 1) / BLOCK), seq;
	struct mpf_esp_reply rep;
	int r;

	if ((r = words(begin, (uint32_t[]){ (uint32_t)rawlen, blocks, BLOCK, addr, 0 }, 5, 10000,
		       &rep)) < 0)
		return r;
	for (seq = 0; seq < blocks; seq++) {
		size_t n = zlen - seq * BLOCK < BLOCK ? zlen - seq * BLOCK : BLOCK;

		mpf_buf_reset(&e.out);
		mpf_esp_encode_data(&e.out, begin + 1, z + seq * BLOCK, n, seq,
				    begin == MPF_ESP_FLASH_BEGIN ? BLOCK : 0);
		if ((r = mpf_esp_transact(&e, begin + 1, 30000, &rep, &err)) < 0)
			return r;
	}
	(void)raw;
	return words(begin + 2, (uint32_t[]){ 1 }, 1, 30000, &rep);
}

static int step_write(const char *arg, int deflate)
{
	struct mpf_buf b = MPF_BUF_INIT;
	uint32_t addr = (uint32_t)strtoul(arg, NULL, 0);
	const char *path = strchr(arg, ':');
	uLongf zlen;
	uint8_t *z;
	int r;

	if (!path || (r = load(path + 1, &b)) < 0)
		return path ? r : mpf_errf(&err, MPF_ERR_ARG, "write:ADDR:FILE");
	zlen = compressBound(b.len);
	z = mpf_xmalloc(zlen);
	if (deflate)
		compress2(z, &zlen, (const Bytef *)b.buf, b.len, 9);
	else
		memcpy(z, b.buf, zlen = b.len);
	r = send_image(deflate ? MPF_ESP_FLASH_DEFL_BEGIN : MPF_ESP_FLASH_BEGIN, addr,
		       (const uint8_t *)b.buf, b.len, z, zlen);
	if (r == 0)
		printf("write 0x%x %zu ok\n", addr, b.len);
	free(z);
	mpf_buf_release(&b);
	return r;
}

/* "ADDR:LEN..." into two numbers; the rest after LEN in *rest. */
static void addr_len(const char *arg, uint32_t *addr, uint32_t *len, char **rest)
{
	char *p;

	*addr = (uint32_t)strtoul(arg, &p, 0);
	*len = (uint32_t)strtoul(*p ? p + 1 : p, rest, 0);
}

static int step_md5(const char *arg)
{
	struct mpf_esp_reply rep;
	uint32_t addr, len;
	int r, i;

	addr_len(arg, &addr, &len, NULL);
	r = words(MPF_ESP_SPI_FLASH_MD5, (uint32_t[]){ addr, len, 0, 0 }, 4, 30000, &rep);

	if (r < 0)
		return r;
	if (rep.len != 16)
		return mpf_errf(&err, MPF_ERR_PROTO, "MD5 reply of %zu bytes", rep.len);
	printf("md5 ");
	for (i = 0; i < 16; i++)
		printf("%02x", rep.data[i]);
	printf("\n");
	return 0;
}

static int ack(uint32_t got)
{
	uint8_t a[4];

	mpf_put_le32(a, got);
	mpf_buf_reset(&e.out);
	mpf_slip_encode(&e.out, a, 4);
	return mpf_tr_write(e.t, e.out.buf, e.out.len, 3000);
}

/* READ_FLASH: the reply, then raw data frames each acknowledged with
 * the count so far, then the MD5 of it all (esptool "Reading Flash"). */
static int step_read(const char *arg)
{
	struct mpf_esp_reply rep;
	struct mpf_buf data = MPF_BUF_INIT;
	char *q;
	uint32_t addr, len;
	uint8_t md[16];
	unsigned int mdlen = 16;
	int r;

	addr_len(arg, &addr, &len, &q);
	r = words(MPF_ESP_READ_FLASH, (uint32_t[]){ addr, len, 0x1000, 64 }, 4, 3000, &rep);
	while (r >= 0 && data.len < len) {
		if ((r = mpf_esp_next_frame(&e, 5000, &err)) < 0)
			break;
		mpf_buf_add(&data, e.slip.frame.buf, e.slip.frame.len);
		r = ack((uint32_t)data.len);
	}
	if (r >= 0 && (r = mpf_esp_next_frame(&e, 5000, &err)) >= 0) {
		EVP_Digest(data.buf, data.len, md, &mdlen, EVP_md5(), NULL);
		if (e.slip.frame.len != 16 || memcmp(e.slip.frame.buf, md, 16))
			r = mpf_errf(&err, MPF_ERR_MISMATCH, "READ_FLASH: MD5 frame does not match");
		else if (data.len != len)
			r = mpf_errf(&err, MPF_ERR_PROTO, "READ_FLASH: %zu bytes, not %u", data.len, len);
		else
			r = mpf_write_file(q + 1, data.buf, data.len, &err);
	}
	if (r >= 0)
		printf("read 0x%x %u ok\n", addr, len);
	mpf_buf_release(&data);
	return r;
}

static int step_erase(const char *arg)
{
	struct mpf_esp_reply rep;
	uint32_t addr, len;
	int r;

	addr_len(arg, &addr, &len, NULL);
	r = words(MPF_ESP_ERASE_REGION, (uint32_t[]){ addr, len }, 2, 30000, &rep);

	if (r >= 0)
		printf("erase 0x%x %u ok\n", addr, len);
	return r;
}

static int step_raw(const char *arg)
{
	struct mpf_esp_reply rep;
	char *p;
	uint8_t op = (uint8_t)strtoul(arg, &p, 0), d[4096];
	size_t n = 0, i;
	int r;

	for (p = *p ? p + 1 : p; p[0] && p[1] && n < sizeof(d); p += 2)
		d[n++] = (uint8_t)(strtoul((char[]){ p[0], p[1], 0 }, NULL, 16));
	r = req(op, d, n, mpf_esp_checksum(n > 16 ? d + 16 : d, n > 16 ? n - 16 : 0), 5000, &rep);
	if (r < 0 && r != MPF_ERR_PROTO && r != MPF_ERR_SUPP)
		return r;
	printf("raw %u 0x%02x 0x%08x ", rep.status, rep.error, rep.value);
	for (i = 0; i < rep.len; i++)
		printf("%02x", rep.data[i]);
	printf("\n");
	return 0;
}

static int step(const char *s)
{
	if (!strcmp(s, "start"))
		return step_start();
	if (!strcmp(s, "attach"))
		return step_attach();
	if (!strncmp(s, "baud:", 5))
		return step_baud(s + 5);
	if (!strncmp(s, "reg:", 4))
		return step_reg(s + 4);
	if (!strncmp(s, "write:", 6))
		return step_write(s + 6, 1);
	if (!strncmp(s, "plain:", 6))
		return step_write(s + 6, 0);
	if (!strncmp(s, "md5:", 4))
		return step_md5(s + 4);
	if (!strncmp(s, "read:", 5))
		return step_read(s + 5);
	if (!strncmp(s, "erase:", 6))
		return step_erase(s + 6);
	if (!strncmp(s, "raw:", 4))
		return step_raw(s + 4);
	return mpf_errf(&err, MPF_ERR_ARG, "unknown step %s", s);
}

int main(int argc, char **argv)
{
	struct mpf_transport *t;
	struct mpf_esp_opts o = { .before = MPF_ESP_BEFORE_NONE, .attempts = 40 };
	int i, r;

	if (argc < 3) {
		fprintf(stderr, "usage: esp-stub-client PORT STEP...\n");
		return 2;
	}
	if ((r = mpf_transport_open(argv[1], 115200, &t, &err)) < 0) {
		fprintf(stderr, "error: %s\n", mpf_buf_str(&err));
		return 1;
	}
	mpf_esp_init(&e, t, &o);
	for (i = 2, r = 0; i < argc && r >= 0; i++)
		r = step(argv[i]);
	if (r < 0)
		printf("error: %s\n", mpf_buf_str(&err));
	fflush(stdout);
	mpf_esp_release(&e);
	mpf_tr_close(t);
	mpf_buf_release(&err);
	return r < 0;
}
