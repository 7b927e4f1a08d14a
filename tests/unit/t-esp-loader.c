/* t-esp-loader.c - ROM loader commands over buffers (doc/protocols.md 1.2-1.4):
 * the recorded READ_REG exchange, both status layouts, unsupported-command
 * detection, data-block checksums, the ESP8266 erase-size workaround. */
#include "test-lib.h"
#include "esp_loader.h"
#include "err.h"
#include "slip.h"

#include <string.h>

static const uint8_t req_wire[] = { 0xc0, 0x00, 0x0a, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
				    0x00, 0x10, 0x00, 0x40, 0xc0 };
static const uint8_t rep_raw[] = { 0x01, 0x0a, 0x02, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00 };

static void t_read_reg_request(void)
{
	struct mpf_buf b = MPF_BUF_INIT;
	uint32_t addr = 0x40001000;

	mpf_esp_encode_words(&b, MPF_ESP_READ_REG, &addr, 1);
	check_int(b.len, ==, sizeof(req_wire));
	check_mem(b.buf, req_wire, sizeof(req_wire));
	mpf_buf_release(&b);
}

static void t_recorded_reply(void)
{
	struct mpf_esp_reply r;

	/* the recorded reply is stub-style: 2 status bytes */
	check_int(mpf_esp_decode(rep_raw, sizeof(rep_raw), 2, &r, NULL), ==, 0);
	check_int(r.op, ==, MPF_ESP_READ_REG);
	check_uint(r.value, ==, 0x00000009);	/* the ESP32-S3 magic */
	check_int(r.len, ==, 0);
	check_int(r.status, ==, 0);
	check_int(mpf_esp_check(&r, NULL), ==, 0);
	/* read as a 4-status-byte ROM reply it does not fit */
	check_int(mpf_esp_decode(rep_raw, sizeof(rep_raw), 4, &r, NULL), ==, MPF_ERR_PROTO);
}

static void t_rom_layout(void)
{
	struct mpf_buf b = MPF_BUF_INIT;
	struct mpf_esp_reply r;
	struct mpf_slip s;
	size_t used;

	mpf_esp_encode_reply(&b, MPF_ESP_SPI_FLASH_MD5, 0, "0123456789abcdef0123456789abcdef", 32,
			     0, 0, 4);
	mpf_slip_init(&s);
	check_int(mpf_slip_feed(&s, (const uint8_t *)b.buf, b.len, &used, NULL), ==, 1);
	check_int(mpf_esp_decode((const uint8_t *)s.frame.buf, s.frame.len, 4, &r, NULL), ==, 0);
	check_int(r.size, ==, 36);
	check_int(r.len, ==, 32);
	check_mem(r.data, "0123456789abcdef", 16);
	mpf_slip_release(&s);
	mpf_buf_release(&b);
}

static void t_errors(void)
{
	struct mpf_buf err = MPF_BUF_INIT;
	uint8_t f[12] = { 0x01, 0x14, 0x04, 0x00, 0, 0, 0, 0, 0x01, 0x05, 0, 0 };
	struct mpf_esp_reply r;

	check_int(mpf_esp_decode(f, sizeof(f), 4, &r, NULL), ==, 0);
	check_int(mpf_esp_check(&r, &err), ==, MPF_ERR_SUPP);
	check(strstr(err.buf, "GET_SECURITY_INFO") != NULL);
	f[1] = MPF_ESP_FLASH_DEFL_DATA;
	f[9] = 0x07;
	check_int(mpf_esp_decode(f, sizeof(f), 4, &r, NULL), ==, 0);
	check_int(mpf_esp_check(&r, &err), ==, MPF_ERR_PROTO);
	check(strstr(err.buf, "FLASH_DEFL_DATA failed: invalid CRC in message (0x07)") != NULL);
	/* ESP8266 layout: 2 status bytes */
	{
		uint8_t g[10] = { 0x01, 0x02, 0x02, 0x00, 0, 0, 0, 0, 0x01, 0x08 };

		check_int(mpf_esp_decode(g, sizeof(g), 2, &r, NULL), ==, 0);
		check_int(r.error, ==, 0x08);
	}
	/* an echo of our own request is skipped, a bad size is an error */
	f[0] = 0x00;
	check_int(mpf_esp_decode(f, sizeof(f), 4, &r, NULL), ==, MPF_ERR_AGAIN);
	f[0] = 0x01;
	f[2] = 0x09;
	check_int(mpf_esp_decode(f, sizeof(f), 4, &r, &err), ==, MPF_ERR_PROTO);
	mpf_buf_release(&err);
}

static void t_data_block(void)
{
	struct mpf_buf b = MPF_BUF_INIT;
	struct mpf_slip s;
	uint8_t data[5] = { 1, 2, 3, 0xc0, 0xdb }, op;
	const uint8_t *d;
	uint32_t chk;
	size_t used, len;

	check_int(mpf_esp_checksum(data, 5), ==, 0xEF ^ 1 ^ 2 ^ 3 ^ 0xc0 ^ 0xdb);
	/* padded to 8 with three 0xFF: an odd count flips the checksum */
	mpf_esp_encode_data(&b, MPF_ESP_FLASH_DATA, data, 5, 7, 8);
	mpf_slip_init(&s);
	check_int(mpf_slip_feed(&s, (const uint8_t *)b.buf, b.len, &used, NULL), ==, 1);
	check_int(mpf_esp_decode_request((const uint8_t *)s.frame.buf, s.frame.len, &op, &chk, &d,
					 &len, NULL), ==, 0);
	check_int(op, ==, MPF_ESP_FLASH_DATA);
	check_int(len, ==, 16 + 8);
	check_uint(mpf_le32(d), ==, 8);
	check_uint(mpf_le32(d + 4), ==, 7);
	check_uint(chk, ==, mpf_esp_checksum(d + 16, 8));
	check_int(d[16 + 7], ==, 0xFF);
	mpf_slip_release(&s);
	mpf_buf_release(&b);
}

static void t_esp8266_erase(void)
{
	/* esptool ESP8266ROM.get_erase_size values, worked by hand */
	check_uint(mpf_esp8266_erase_size(0, 0x100000), ==, (256 - 16) * 0x1000);
	check_uint(mpf_esp8266_erase_size(0, 0x14000), ==, 10 * 0x1000);	/* 20 < 2*16 */
	check_uint(mpf_esp8266_erase_size(0x3000, 0x2000), ==, 1 * 0x1000);	/* 2 sectors */
	check_uint(mpf_esp8266_erase_size(0xF000, 0x40000), ==, (64 - 1) * 0x1000);
	/* and what the ROM then erases covers exactly the region (or one more) */
	check_uint(mpf_esp8266_rom_erased(0, mpf_esp8266_erase_size(0, 0x100000)), ==, 256);
	check_uint(mpf_esp8266_rom_erased(0, mpf_esp8266_erase_size(0, 0x14000)), ==, 20);
	check_uint(mpf_esp8266_rom_erased(0xF000, mpf_esp8266_erase_size(0xF000, 0x40000)), ==, 64);
	/* a host without the workaround loses data after the region */
	check_uint(mpf_esp8266_rom_erased(0, 0x100000), >, 256);
}

static void t_timeouts(void)
{
	check_int(mpf_esp_timeout_per_mb(1000, 40000), ==, 3000);
	check_int(mpf_esp_timeout_per_mb(4u << 20, 40000), ==, 160000);
}

int main(void)
{
	TEST(t_read_reg_request(), "READ_REG 0x40001000 encodes as the recorded esptool bytes");
	TEST(t_recorded_reply(), "the recorded reply decodes: ESP32-S3 magic, status ok");
	TEST(t_rom_layout(), "a ROM reply with a payload and 4 status bytes");
	TEST(t_errors(), "unsupported command (0x05), named errors, echoes, bad sizes");
	TEST(t_data_block(), "data block header, 0xFF padding and checksum");
	TEST(t_esp8266_erase(), "ESP8266 erase-size workaround and its inverse");
	TEST(t_timeouts(), "per-megabyte timeouts floor at 3 s");
	return test_done();
}
