/* t-esp-stub-core.c - the flasher stub's portable core (stub/core: SLIP,
 * inflate, MD5, the command loop) built for the host and run over a fake
 * UART and flash: its answers, the flash it leaves, and what it does
 * with damaged, hostile and random input (it must answer errors and
 * never write outside the region it was asked to). The requests are
 * built with mpf's own encoder, the answers read with its decoder. */
#include "test-lib.h"
#include "buf.h"
#include "esp_loader.h"
#include "slip.h"
#include "stub.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define FLASH (4u << 20)
#define BLOCK 0x4000

/* ---- the fake platform ------------------------------------------------- */

static uint8_t flash[FLASH], before[FLASH];
static struct mpf_buf rx, tx;
static size_t rx_pos;
static int bad_flash_ops, auto_ack, left_loader = -1;
static uint32_t acked_bytes, baud_set;
static struct mpf_slip tx_slip;

int plat_rx(void)
{
	if (rx_pos >= rx.len)	/* the end of the input: stub_run returns */
		return auto_ack && acked_bytes < (uint32_t)auto_ack ? -1 : -2;
	return (uint8_t)rx.buf[rx_pos++];
}

/* In READ_FLASH, acknowledge each data frame as a host does: frames
 * after the reply to READ_FLASH, until auto_ack bytes came. */
static void auto_acknowledge(const uint8_t *p, uint32_t n)
{
	static int reading;
	size_t used;

	if (!p) {
		reading = 0;
		return;
	}
	while (n) {
		int r = mpf_slip_feed(&tx_slip, p, n, &used, NULL);

		p += used;
		n -= (uint32_t)used;
		if (r == 1 && !reading) {
			reading = tx_slip.frame.len >= 2 && (uint8_t)tx_slip.frame.buf[0] == 0x01 &&
				  (uint8_t)tx_slip.frame.buf[1] == 0xD2;
		} else if (r == 1 && acked_bytes < (uint32_t)auto_ack) {
			uint8_t a[4];

			acked_bytes += (uint32_t)tx_slip.frame.len;
			mpf_put_le32(a, acked_bytes);
			mpf_slip_encode(&rx, a, 4);
		}
	}
}

void plat_tx(const uint8_t *p, uint32_t n)
{
	mpf_buf_add(&tx, p, n);
	if (auto_ack)
		auto_acknowledge(p, n);
}

void plat_tx_drain(void) {}
void plat_set_baud(uint32_t new_baud, uint32_t old_baud) { baud_set = new_baud; }
uint32_t plat_read_reg(uint32_t addr) { return addr ^ 0x5A5A5A5Au; }
void plat_write_reg(uint32_t addr, uint32_t value) {}
void plat_delay_us(uint32_t us) {}
void plat_leave(int run_user_code) { left_loader = run_user_code; }
int plat_flash_attach(uint32_t pins) { return 0; }
int plat_flash_set_size(uint32_t bytes) { return 0; }

static int flash_ok(uint32_t addr, uint32_t len, uint32_t align)
{
	if (addr % align || len % (align < 4 ? align : 4) || addr > FLASH || len > FLASH - addr) {
		bad_flash_ops++;
		return 0;
	}
	return 1;
}

int plat_flash_erase_chip(void)
{
	memset(flash, 0xFF, FLASH);
	return 0;
}

int plat_flash_erase_sector(uint32_t addr)
{
	if (!flash_ok(addr, 0x1000, 0x1000))
		return -1;
	memset(flash + addr, 0xFF, 0x1000);
	return 0;
}

int plat_flash_erase_block(uint32_t addr)
{
	if (!flash_ok(addr, 0x10000, 0x10000))
		return -1;
	memset(flash + addr, 0xFF, 0x10000);
	return 0;
}

/* A program is at most FLASH_PROGRAM_MAX bytes within one page. */
int plat_flash_program(uint32_t addr, const void *p, uint32_t len)
{
	const uint8_t *s = p;
	uint32_t i;

	if (!flash_ok(addr, len, 4) || len > FLASH_PROGRAM_MAX ||
	    addr / FLASH_PAGE != (addr + len - 1) / FLASH_PAGE) {
		bad_flash_ops++;
		return -1;
	}
	for (i = 0; i < len; i++)
		flash[addr + i] &= s[i];	/* NOR: programming only clears bits */
	return 0;
}

int plat_flash_busy(void)
{
	return 0;	/* done at once: every byte of the input is already there */
}

int plat_flash_read(uint32_t addr, void *p, uint32_t len)
{
	if (!flash_ok(addr, len, 4))
		return -1;
	memcpy(p, flash + addr, len);
	return 0;
}

/* ---- sessions ---------------------------------------------------------- */

struct ans {
	uint8_t op, status, error;
	uint32_t value;
	uint8_t data[64];
	size_t len;
};
static struct ans ans[4096];
static int nans;

static struct mpf_buf read_back;

static void fill_flash(unsigned seed)
{
	size_t i;

	srand(seed);
	for (i = 0; i < FLASH; i++)
		flash[i] = (uint8_t)rand();
	memcpy(before, flash, FLASH);
}

/* Run the stub over rx, decode what it sent. */
static void run(void)
{
	struct mpf_slip sl;
	size_t off = 0, used;

	mpf_buf_reset(&tx);
	mpf_buf_reset(&read_back);
	rx_pos = 0;
	nans = 0;
	acked_bytes = 0;
	bad_flash_ops = 0;
	mpf_slip_reset(&tx_slip);
	auto_acknowledge(NULL, 0);
	stub_run();
	mpf_slip_init(&sl);
	sl.max_frame = 1 << 20;
	while (off < tx.len) {
		struct mpf_esp_reply r;
		int k = mpf_slip_feed(&sl, (uint8_t *)tx.buf + off, tx.len - off, &used, NULL);

		off += used;
		if (k != 1)
			continue;
		if (mpf_esp_decode((uint8_t *)sl.frame.buf, sl.frame.len, 2, &r, NULL) == 0 &&
		    sl.frame.len < 64 && nans < 4096) {
			struct ans *a = &ans[nans++];

			a->op = r.op;
			a->status = r.status;
			a->error = r.error;
			a->value = r.value;
			a->len = r.len;
			memcpy(a->data, r.data, r.len);
		} else if (sl.frame.len != 4) {
			mpf_buf_add(&read_back, sl.frame.buf, sl.frame.len);
		}
	}
	mpf_slip_release(&sl);
	mpf_buf_reset(&rx);
}

static void words(uint8_t op, const uint32_t *w, size_t n)
{
	mpf_esp_encode_words(&rx, op, w, n);
}

static void params(void)
{
	words(0x0B, (uint32_t[]){ 0, FLASH, 0x10000, 0x1000, 0x100, 0xFFFF }, 6);
}

static size_t deflate_buf(const uint8_t *p, size_t n, uint8_t **z)
{
	uLongf zl = compressBound(n);

	*z = malloc(zl);
	compress2(*z, &zl, p, n, 9);
	return zl;
}

/* FLASH_DEFL_BEGIN for size bytes at addr, the stream z in 16 KiB blocks, END (stay). */
static void defl_write(uint32_t addr, uint32_t size, const uint8_t *z, size_t zl)
{
	uint32_t blocks = (uint32_t)((zl + BLOCK - 1) / BLOCK), i;

	words(0x10, (uint32_t[]){ size, blocks, BLOCK, addr, 0 }, 5);
	for (i = 0; i < blocks; i++) {
		size_t n = zl - (size_t)i * BLOCK < BLOCK ? zl - (size_t)i * BLOCK : BLOCK;

		mpf_esp_encode_data(&rx, 0x11, z + (size_t)i * BLOCK, n, i, 0);
	}
	words(0x12, (uint32_t[]){ 1 }, 1);
}

/* Every byte outside [lo, hi) is as fill_flash left it. */
static int outside_unchanged(uint32_t lo, uint32_t hi)
{
	return !memcmp(flash, before, lo) && !memcmp(flash + hi, before + hi, FLASH - hi);
}

static int count_errors(uint8_t error)
{
	int i, n = 0;

	for (i = 0; i < nans; i++)
		n += ans[i].status && (!error || ans[i].error == error);
	return n;
}

static uint8_t *image(size_t n, unsigned seed)
{
	uint8_t *p = malloc(n);
	size_t i;

	srand(seed);
	for (i = 0; i < n; i++)	/* half noise, half text: blocks of all three kinds */
		p[i] = i % 8192 < 4096 ? (uint8_t)rand() : (uint8_t)("flash me "[i % 9]);
	return p;
}

/* A *_DATA block whose checksum is XORed with bad. */
static void data_block(const uint8_t *p, size_t n, uint32_t seq, uint8_t bad)
{
	uint8_t *d = malloc(16 + n);

	memset(d, 0, 16);
	mpf_put_le32(d, (uint32_t)n);
	mpf_put_le32(d + 4, seq);
	memcpy(d + 16, p, n);
	mpf_esp_encode(&rx, 0x11, d, 16 + n, mpf_esp_checksum(p, n) ^ bad);
	free(d);
}

/* ---- tests ------------------------------------------------------------- */

static void t_greeting(void)
{
	static const uint8_t ohai[] = { 0xC0, 'O', 'H', 'A', 'I', 0xC0 };

	run();
	check_int(tx.len, ==, sizeof(ohai));
	check_mem(tx.buf, ohai, sizeof(ohai));
}

static void t_registers(void)
{
	uint8_t sync[36] = { 7, 7, 0x12, 0x20 };

	memset(sync + 4, 0x55, 32);
	mpf_esp_encode(&rx, 0x08, sync, sizeof(sync), 0);
	words(0x0A, (uint32_t[]){ 0x40001000 }, 1);
	words(0x0F, (uint32_t[]){ 921600, 115200 }, 2);
	mpf_esp_encode(&rx, 0x0A, "\x01", 1, 0);	/* READ_REG, 1 byte of address */
	words(0x55, (uint32_t[]){ 1 }, 1);		/* no such command */
	run();
	if (!check_int(nans, ==, 5))
		return;
	check_int(ans[0].op, ==, 0x08);
	check_int(ans[0].status, ==, 0);
	check_uint(ans[0].value, ==, 0);	/* a stub answers SYNC with 0 */
	check_uint(ans[1].value, ==, 0x40001000u ^ 0x5A5A5A5Au);
	check_int(ans[2].status, ==, 0);
	check_uint(baud_set, ==, 921600);
	check_int(ans[3].error, ==, 0xC0);
	check_int(ans[4].error, ==, 0xFF);
}

/* A deflated image in 16 KiB blocks at an address and of a size that are
 * not sector multiples: exact bytes inside, nothing changed outside. */
static void t_defl_write(void)
{
	uint32_t addr = 0x10123, size = 300003;
	uint8_t *img = image(size, 1), *z, md[16];
	unsigned int mdlen = 16;
	size_t zl = deflate_buf(img, size, &z);

	fill_flash(2);
	params();
	defl_write(addr, size, z, zl);
	words(0x13, (uint32_t[]){ addr, size, 0, 0 }, 4);
	run();
	check_int(count_errors(0), ==, 0);
	check_int(bad_flash_ops, ==, 0);
	check_mem(flash + addr, img, size);
	check(outside_unchanged(addr, addr + size));
	EVP_Digest(img, size, md, &mdlen, EVP_md5(), NULL);
	if (check_int(nans, >=, 1) && check_int(ans[nans - 1].len, ==, 16))
		check_mem(ans[nans - 1].data, md, 16);
	free(img);
	free(z);
}

static void t_plain_write(void)
{
	uint32_t addr = 0x20000, size = 40000, i;
	uint8_t *img = image(size, 3);

	fill_flash(4);
	params();
	words(0x02, (uint32_t[]){ size, 3, BLOCK, addr, 0 }, 5);
	for (i = 0; i < 3; i++)	/* the last block padded with 0xFF, as hosts do */
		mpf_esp_encode_data(&rx, 0x03, img + i * BLOCK, i < 2 ? BLOCK : size - 2 * BLOCK, i,
				    BLOCK);
	/* no FLASH_END: hosts verify at once (esptool, mpf-esp), so the
	 * last block's sector must be in flash before the next command */
	words(0x13, (uint32_t[]){ addr, size, 0, 0 }, 4);
	run();
	check_int(count_errors(0), ==, 0);
	check_mem(flash + addr, img, size);
	check(outside_unchanged(addr, addr + size));
	free(img);
}

static void t_read_flash(void)
{
	uint32_t addr = 0x3000, len = 3 * 4096 + 100;
	uint8_t md[16];
	unsigned int mdlen = 16;

	fill_flash(5);
	params();
	words(0xD2, (uint32_t[]){ addr, len, 4096, 2 }, 4);
	auto_ack = (int)len;
	run();
	auto_ack = 0;
	if (!check_uint(read_back.len, ==, len + 16))
		return;
	check_mem(read_back.buf, flash + addr, len);
	EVP_Digest(flash + addr, len, md, &mdlen, EVP_md5(), NULL);
	check_mem(read_back.buf + len, md, 16);
}

static void t_erase(void)
{
	fill_flash(6);
	params();
	words(0xD1, (uint32_t[]){ 0x11000, 0x21000 }, 2);
	words(0xD1, (uint32_t[]){ 0x11001, 0x1000 }, 2);	/* not a sector: refused */
	run();
	check_int(count_errors(0), ==, 1);
	check_int(count_errors(0xC0), ==, 1);
	check(outside_unchanged(0x11000, 0x32000));
	check_int(flash[0x11000], ==, 0xFF);
	check_int(flash[0x31FFF], ==, 0xFF);
}

/* More data than the size announced: the stub stops at the region's end. */
static void t_too_much(void)
{
	uint32_t addr = 0x40000, size = 50000;
	uint8_t *img = image(3 * size, 7), *z;
	size_t zl = deflate_buf(img, 3 * size, &z);

	fill_flash(8);
	params();
	defl_write(addr, size, z, zl);
	run();
	check_int(count_errors(0xC9), >=, 1);
	check(outside_unchanged(addr, addr + size));
	check_int(bad_flash_ops, ==, 0);
	free(img);
	free(z);
}

/* A bad checksum is refused, the resent block taken; a block too large
 * for the stub's buffer is refused; a region past the flash's end too. */
static void t_damaged_blocks(void)
{
	uint32_t addr = 0x50000, size = 70000;
	uint8_t *img = image(size, 9), *z, big[BLOCK + 100] = { 0 };
	size_t zl = deflate_buf(img, size, &z), i;

	fill_flash(10);
	params();
	words(0x10, (uint32_t[]){ size, (uint32_t)((zl + BLOCK - 1) / BLOCK), BLOCK, addr, 0 }, 5);
	data_block(z, BLOCK, 0, 0x01);
	mpf_esp_encode_data(&rx, 0x11, big, sizeof(big), 0, 0);
	for (i = 0; i * BLOCK < zl; i++)
		mpf_esp_encode_data(&rx, 0x11, z + i * BLOCK, zl - i * BLOCK < BLOCK ?
				    zl - i * BLOCK : BLOCK, (uint32_t)i, 0);
	words(0x12, (uint32_t[]){ 1 }, 1);
	words(0x10, (uint32_t[]){ 0x2000, 1, BLOCK, FLASH - 0x1000, 0 }, 5);
	run();
	check_int(count_errors(0xC1), ==, 1);
	check_int(count_errors(0xC0), ==, 2);
	check_int(count_errors(0), ==, 3);
	check_mem(flash + addr, img, size);
	check(outside_unchanged(addr, addr + size));
	free(img);
	free(z);
}

/* Streams with bytes changed: an error, never a success with other
 * bytes, never a write outside the region. */
static void t_corrupt_streams(void)
{
	uint32_t addr = 0x61000, size = 40000;
	uint8_t *img = image(size, 11), *z;
	size_t zl = deflate_buf(img, size, &z);
	int i, lied = 0, outside = 0, bad_ops = 0, refused = 0;

	for (i = 0; i < 150; i++) {
		uint8_t *c = malloc(zl);
		int k;

		memcpy(c, z, zl);
		srand(100 + i);
		for (k = 0; k <= i % 3; k++)
			c[rand() % zl] ^= (uint8_t)(1 + rand() % 255);
		fill_flash(12 + i % 2);
		params();
		defl_write(addr, size, c, zl);
		run();
		outside += !outside_unchanged(addr, addr + size);
		bad_ops += bad_flash_ops;
		refused += count_errors(0) > 0;
		lied += count_errors(0) == 0 && memcmp(flash + addr, img, size);
		free(c);
	}
	check_int(outside, ==, 0);
	check_int(bad_ops, ==, 0);
	check_int(lied, ==, 0);
	check_int(refused, >, 140);
	free(img);
	free(z);
}

/* Random bytes, and random frames: answered or ignored, flash untouched. */
static void t_random_input(void)
{
	int i, changed = 0, bad_ops = 0;

	fill_flash(20);
	for (i = 0; i < 300; i++) {
		size_t n = 1 + (size_t)rand() % 6000, k;

		for (k = 0; k < n; k++)
			mpf_buf_addch(&rx, rand() % 7 ? rand() % 256 : (k % 2 ? 0xC0 : 0xDB));
		if (i % 2) {	/* a frame that parses: random op, random words */
			uint32_t w[6];

			for (k = 0; k < 6; k++)
				w[k] = (uint32_t)rand() * 2654435761u;
			words((uint8_t)(rand() % 0x20), w, (size_t)rand() % 7);
		}
		run();
		bad_ops += bad_flash_ops;
	}
	changed = memcmp(flash, before, FLASH) != 0;
	check_int(changed, ==, 0);
	check_int(bad_ops, ==, 0);
}

static void t_bad_slip_and_order(void)
{
	static const uint8_t bad[] = { 0xC0, 0x00, 0x0A, 0x04, 0x00, 0, 0, 0, 0, 0xDB, 0x01, 0,
		0, 0, 0xC0 };
	uint8_t z[32];
	uLongf zl = sizeof(z);

	compress2(z, &zl, (const Bytef *)"abc", 3, 9);
	fill_flash(21);
	params();
	mpf_buf_add(&rx, bad, sizeof(bad));		/* 0xDB 0x01: no such escape */
	words(0x0A, (uint32_t[]){ 0x1000 }, 1);
	data_block(z, zl, 0, 0);			/* DEFL_DATA before BEGIN */
	words(0x12, (uint32_t[]){ 1 }, 1);		/* DEFL_END before BEGIN */
	words(0x10, (uint32_t[]){ 6, 1, BLOCK, 0x70000, 0 }, 5);
	data_block(z, zl, 0, 0);			/* 3 bytes where 6 were announced */
	words(0x12, (uint32_t[]){ 1 }, 1);
	run();
	if (!check_int(nans, ==, 8))
		return;
	check_int(ans[1].error, ==, 0xC0);
	check_int(ans[2].status, ==, 0);
	check_int(ans[3].error, ==, 0xC6);
	check_int(ans[4].error, ==, 0xC6);
	check_int(ans[7].error, ==, 0xC8);
	check(outside_unchanged(0x70000, 0x70006));
}

static void t_leave(void)
{
	words(0x04, (uint32_t[]){ 0 }, 1);	/* FLASH_END 0: reboot */
	left_loader = -1;
	run();
	check_int(left_loader, ==, 0);
}

int main(void)
{
	mpf_slip_init(&tx_slip);
	tx_slip.max_frame = 1 << 20;
	TEST(t_greeting(), "the stub greets with OHAI in a SLIP frame");
	TEST(t_registers(), "SYNC once with value 0, READ_REG, CHANGE_BAUDRATE; short data and unknown commands get 0xC0 and 0xFF");
	TEST(t_defl_write(), "FLASH_DEFL: 300,003 bytes at 0x10123 in 16 KiB blocks, exact inside, unchanged outside, MD5 matches");
	TEST(t_plain_write(), "FLASH_DATA: padded last block in flash before the next command (no FLASH_END), nothing written past the region");
	TEST(t_read_flash(), "READ_FLASH: packets, acknowledgements, then the MD5 of the data");
	TEST(t_erase(), "ERASE_REGION erases whole sectors and refuses others");
	TEST(t_too_much(), "a stream longer than announced: 0xC9, nothing past the region");
	TEST(t_damaged_blocks(), "bad checksum 0xC1 then the resend, overlong block and region past the flash 0xC0");
	TEST(t_corrupt_streams(), "150 corrupted streams: refused, never claimed, never outside the region");
	TEST(t_random_input(), "random bytes and frames: flash untouched, no bad flash call");
	TEST(t_bad_slip_and_order(), "bad escape answered 0xC0; data before BEGIN 0xC6; short stream 0xC8");
	TEST(t_leave(), "FLASH_END 0 leaves the loader");
	mpf_buf_release(&rx);
	mpf_buf_release(&tx);
	mpf_buf_release(&read_back);
	mpf_slip_release(&tx_slip);
	return test_done();
}
