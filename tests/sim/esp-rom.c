/* esp-rom.c - an Espressif mask ROM serial loader on a pseudo-terminal.
 *
 *   esp-rom --chip esp32s3 --flash flash.bin [--flash-size 4MB] [--pace]
 *           [--boot download|strap|silent|deaf] [--fault KIND:N]...
 *           [--log FILE] [--link PATH] [--stdio] [--stub-replies]
 *           [--secure-download] [--flash-timing] [--usb-jtag] [--xtal 26]
 *           [--rev MAJOR*100+MINOR] [--usb-otg] [--pty-fd N] [--no-auto-reset]
 *
 * Prints the pty path on its first line (like QEMU) and serves until
 * killed. Behaviour follows doc/protocols.md section 1 and the chip table in
 * lib/proto/esp_chip.c: each chip's ROM command set and status layout, the
 * ESP8266 FLASH_BEGIN over-erase, deflate blocks inflated with zlib,
 * MD5 over the flash file with libcrypto, NOR semantics (a write only
 * clears bits, so writing unerased flash corrupts it as real flash does).
 *
 * The client's serial settings are read from the pty (master and slave
 * share termios on Linux): with --pace every byte takes 10 bit times at
 * the rate the ROM's UART is at, and bytes sent at another rate than the
 * UART's arrive as garbage, as on a real wire.
 *
 * Anything a ROM would not accept from a correct host is a VIOLATION:
 * printed to stderr, written to the log, and the simulator exits 3, so a
 * sloppy client cannot pass a test. Faults (--fault, N counts data blocks
 * received, from 1; KIND:N*COUNT for COUNT blocks in a row): drop (one
 * byte of the block is lost on the wire), checksum (a payload byte is
 * corrupted), noreply (the block is lost entirely), vanish (the device disappears), baud (CHANGE_BAUDRATE is
 * acknowledged but the UART stays at its old rate). --usb-jtag: the chip
 * is on its USB-Serial/JTAG port, whose RTC watchdog and super-watchdog
 * keep running in the loader: unless the host disables them, the chip
 * resets into its firmware 64 data blocks into a write. --usb-otg: the
 * chip is on its ROM's USB-OTG port, entered with BOOT held: DTR/RTS do
 * nothing there, an RTC watchdog reset is the way back to the firmware.
 *
 * --no-auto-reset: the board has no auto-reset circuit, so the host cannot
 * reset the chip: a SYNC at another rate than the UART's is noise, not the
 * sign of a reset.
 *
 * --pty-fd N: serve on the pty master N inherited from another simulator
 * instead of making a pty, and exit when the host closes the port. This is
 * how tests/sim/mpy-repl --esp-rom hands an ESP32 board's port to the ROM
 * loader when the host resets it into download mode, and takes it back
 * (running what the flash now holds) when the host is done (make demo).
 */
/* cfmakeraw (glibc: _DEFAULT_SOURCE) and posix_openpt, grantpt, ptsname (XSI) */
#define _DEFAULT_SOURCE
#define _XOPEN_SOURCE 700
#include "esp_chip.h"
#include "esp_loader.h"
#include "slip.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

enum { F_DROP, F_CHECKSUM, F_NOREPLY, F_VANISH, F_BAUD, F_MAX };
static const char *const fault_names[F_MAX] = { "drop", "checksum", "noreply", "vanish", "baud" };

static struct {
	const struct mpf_esp_chip *chip;
	const char *flash_path, *log_path, *link, *boot;
	uint64_t flash_size;
	int pty_fd;			/* --pty-fd: inherited master, -1: our own pty */
	int pace, stdio_mode, stub_replies, secure_download, flash_timing, usb_jtag, usb_otg;
	int xtal_mhz;			/* 26 or 40 (ESP32-C2: --xtal 26) */
	int rev;			/* chip revision, major*100+minor (--rev) */
	long fault_at[F_MAX], fault_count[F_MAX];	/* --fault KIND:N[*COUNT] */
	int no_auto_reset;		/* the host cannot reset the chip */
	int fault_baud;
} opt = { .pty_fd = -1, .boot = "download", .flash_size = 4u << 20, .xtal_mhz = 40, .rev = 1 };

static struct {
	int in, out;
	uint8_t *flash;
	FILE *log;
	struct mpf_slip slip;
	int synced, attached, status_len;
	long uart_baud;			/* 0 until SYNC fixes it (autobaud) */
	/* Virtual time (--pace): rx_t is when the last byte received has
	 * fully arrived on the wire, rom_t when the ROM is done with what it
	 * was given (modelled flash time added, no real sleeping), tx_t when
	 * the last reply byte has left. One real sleep per reply, so the
	 * simulator's own scheduling jitter does not count as wire time. */
	struct timespec rx_t, rom_t, tx_t;
	long data_blocks;		/* data requests seen (fault counter) */
	long blocks_since_sync;
	int frame_garbled, frame_dropped;
	/* the write in progress */
	enum { W_NONE, W_PLAIN, W_DEFL } wmode;
	uint32_t w_off, w_erase, w_blocks, w_bsize, w_seq;
	uint32_t w_lag;			/* blocks refused for their checksum: the ROM
					 * counted them but did not move its write address */
	int w_resync;			/* a SYNC came during the write */
	uint64_t w_done;
	uint8_t window[0x8000];		/* the ROM's inflate window, kept across writes */
	uint8_t last_op;		/* the op of the ROM's last reply */
	z_stream z;
	int z_live, z_end;
	uint32_t spi[64];		/* SPI controller registers, by word offset */
	int app_running;		/* left the loader: FLASH_END */
	/* USB-Serial/JTAG watchdogs (--usb-jtag): running until disabled */
	uint32_t wdt_wprotect, swd_wprotect, swd_conf;
	uint32_t otg_wprotect, option1;	/* --usb-otg: RTC WDT and OPTION1 */
	int wdt_off, swd_fed;
	int reset_pending;		/* the armed watchdog fires after the reply */
} s;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	va_list ap;

	if (!s.log)
		return;
	va_start(ap, fmt);
	vfprintf(s.log, fmt, ap);
	va_end(ap);
	fputc('\n', s.log);
	fflush(s.log);
}

static _Noreturn void violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void violation(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "esp-rom: VIOLATION: %s\n", msg);
	logf_("VIOLATION %s", msg);
	if (s.flash)
		msync(s.flash, opt.flash_size, MS_SYNC);
	exit(3);
}

static _Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("esp-rom: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ---- time and the wire ------------------------------------------------- */

static struct timespec now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t;
}

static void ts_add_ns(struct timespec *t, long long ns)
{
	ns += t->tv_nsec;
	t->tv_sec += ns / 1000000000LL;
	t->tv_nsec = ns % 1000000000LL;
}

static int ts_before(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

static void sleep_until(struct timespec t)
{
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
		;
}

/* The ROM is busy for us microseconds (erasing, programming). */
static void busy_us(long long us)
{
	if (opt.pace) {
		ts_add_ns(&s.rom_t, us * 1000LL);
	} else {
		struct timespec t = now();

		ts_add_ns(&t, us * 1000LL);
		sleep_until(t);
	}
}

/* The rate the host's side of the pty is set to. */
static long host_baud(void)
{
	static const struct { speed_t c; long b; } rates[] = {
		{ B9600, 9600 }, { B19200, 19200 }, { B38400, 38400 }, { B57600, 57600 },
		{ B115200, 115200 }, { B230400, 230400 }, { B460800, 460800 },
		{ B500000, 500000 }, { B576000, 576000 }, { B921600, 921600 },
		{ B1000000, 1000000 }, { B1152000, 1152000 }, { B1500000, 1500000 },
		{ B2000000, 2000000 }, { B3000000, 3000000 },
	};
	struct termios t;
	speed_t sp;
	size_t i;

	if (opt.stdio_mode || tcgetattr(s.in, &t) < 0)
		return 115200;
	sp = cfgetospeed(&t);
	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
		if (rates[i].c == sp)
			return rates[i].b;
	return 0;
}

static long wire_rate(void)
{
	return s.uart_baud ? s.uart_baud : host_baud();
}

static void send_bytes(const void *p, size_t n)
{
	const uint8_t *b = p;

	if (opt.pace) {
		struct timespec t = s.rom_t;

		if (ts_before(t, s.tx_t))
			t = s.tx_t;
		ts_add_ns(&t, (long long)n * 10 * 1000000000LL / wire_rate());
		s.tx_t = s.rom_t = t;
		sleep_until(t);
	}
	while (n) {
		ssize_t w = write(s.out, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd pfd = { s.out, POLLOUT, 0 };

			poll(&pfd, 1, 100);
			continue;
		}
		if (w < 0)
			return;	/* the client went away; its loss */
		b += w;
		n -= (size_t)w;
	}
}

static void reply(uint8_t op, uint32_t value, const void *data, size_t len, uint8_t status,
		  uint8_t error)
{
	struct mpf_buf out = MPF_BUF_INIT;

	mpf_esp_encode_reply(&out, op, value, data, len, status, error, s.status_len);
	s.last_op = op;
	send_bytes(out.buf, out.len);
	mpf_buf_release(&out);
}

static void ok(uint8_t op, uint32_t value)
{
	reply(op, value, NULL, 0, 0, 0);
}

static void fail(uint8_t op, uint8_t error)
{
	reply(op, 0, NULL, 0, 1, error);
}

/* What a ROM does with an opcode it lacks: error 0x05, repeated, in the
 * header of its last reply, not the op asked (1.3). */
static void unknown(uint8_t op)
{
	uint8_t last = s.last_op ? s.last_op : op;
	int i;

	for (i = 0; i < 8; i++)
		fail(last, MPF_ESP_ERR_INVALID);
}

/* ---- flash -------------------------------------------------------------- */

static void flash_delay_erase(uint32_t off, uint32_t len)
{
	long ms = 0;
	uint32_t end = off + len;

	if (!opt.flash_timing)
		return;
	/* typical SPI NOR: 64 KiB block erase 150 ms, 4 KiB sector 45 ms */
	while (off < end) {
		if (off % 0x10000 == 0 && end - off >= 0x10000) {
			ms += 150;
			off += 0x10000;
		} else {
			ms += 45;
			off += 0x1000;
		}
	}
	busy_us(ms * 1000LL);
}

static void erase_sectors(uint32_t first, uint32_t count)
{
	uint64_t a = (uint64_t)first * 0x1000, n = (uint64_t)count * 0x1000;

	if (a > opt.flash_size)
		return;
	if (a + n > opt.flash_size)
		n = opt.flash_size - a;
	memset(s.flash + a, 0xFF, n);
	logf_("erased 0x%08llx+0x%llx", (unsigned long long)a, (unsigned long long)n);
	flash_delay_erase((uint32_t)a, (uint32_t)n);
}

/* NOR flash: programming can only clear bits. */
static void program(uint64_t addr, const uint8_t *p, size_t n)
{
	size_t i;

	if (addr + n > opt.flash_size)
		violation("write of %zu bytes at 0x%llx runs past the %llu-byte flash", n,
			  (unsigned long long)addr, (unsigned long long)opt.flash_size);
	for (i = 0; i < n; i++)
		s.flash[addr + i] &= p[i];
	if (opt.flash_timing)	/* page program ~0.7 ms per 256 bytes */
		busy_us((long long)n * 700 / 256);
}

/* ---- registers ---------------------------------------------------------- */

static const uint8_t default_mac[6] = { 0x24, 0x0a, 0xc4, 0x12, 0x34, 0x56 };

/* eFuse words holding the revision of --rev (major*100+minor), laid out
 * by the chip table's fields. */
static uint32_t put_field(const struct mpf_esp_field *f, unsigned v, int word)
{
	uint32_t out = 0;
	int i;

	for (i = 0; i < 2; i++, f++)
		if (f->word == word)
			out |= ((v >> f->at) & ((1u << f->width) - 1)) << f->shift;
	return out;
}

static uint32_t rev_word(uint32_t a)
{
	const struct mpf_esp_rev *r = opt.chip->rev;
	int word;

	if (!r || a < opt.chip->mac_reg || a >= opt.chip->mac_reg + 24 || (a - opt.chip->mac_reg) % 4)
		return 0;
	word = (int)((a - opt.chip->mac_reg) / 4);
	return put_field(r->major, (unsigned)opt.rev / 100, word) |
	       put_field(r->minor, (unsigned)opt.rev % 100, word);
}

static uint32_t read_reg(uint32_t a)
{
	const struct mpf_esp_chip *c = opt.chip;
	const uint8_t *m = default_mac;

	if (a == MPF_ESP_CHIP_DETECT_MAGIC_REG)
		return c->magic[0];
	if (c->usj_wdt && a == c->usj_wdt->swd_conf)
		return s.swd_conf;
	if (opt.usb_otg && a == c->otg->strap_reg)
		return 0x20;		/* GPIO0 low (BOOT held), so SPI_BOOT clear */
	if (opt.usb_otg && a == c->otg->option1)
		return s.option1;
	if (c->xtal_clkdiv_reg && a == c->xtal_clkdiv_reg)	/* what autobaud chose */
		return (uint32_t)(opt.xtal_mhz * 1000000L / wire_rate());
	if (a >= c->spi_base && a < c->spi_base + 4 * 64)
		return s.spi[(a - c->spi_base) / 4];
	switch (c->mac_kind) {
	case MPF_ESP_MAC_ESP8266:	/* OTP; OUI code 0 = 18:fe:34 */
		if (a == c->mac_reg)
			return (uint32_t)m[5] << 24;
		if (a == c->mac_reg + 4)
			return (uint32_t)m[3] << 8 | m[4];
		if (a == c->mac_reg + 12)
			return 0;
		break;
	case MPF_ESP_MAC_ESP32:
		if (a == c->mac_reg + 4)
			return (uint32_t)m[2] << 24 | (uint32_t)m[3] << 16 | m[4] << 8 | m[5];
		if (a == c->mac_reg + 8)
			return 0x5A0000u | (uint32_t)m[0] << 8 | m[1];	/* 0x5A: CRC byte */
		if (a == c->mac_reg + 12)	/* package 1 (D0WD), rev bit 0: an ECO3 chip's word 3 */
			return 0xA200;
		if (a == c->mac_reg + 20)	/* rev bit 1, minor 0, default SPI pads */
			return 1u << 20;
		if (a == 0x3FF6607C)		/* APB_CTL_DATE: rev bit 2 -> v3.0 */
			return 1u << 31;
		break;
	case MPF_ESP_MAC_EFUSE: {
		uint32_t v = rev_word(a);

		if (a == c->mac_reg)
			return v | (uint32_t)m[2] << 24 | (uint32_t)m[3] << 16 | m[4] << 8 | m[5];
		if (a == c->mac_reg + 4)
			return v | (uint32_t)m[0] << 8 | m[1];
		return v;
	}
	}
	return 0;
}

static int log2u(uint64_t v)
{
	int n = 0;

	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

/* A user command on the SPI controller: only RDID is known here. */
static void spi_user_command(void)
{
	const struct mpf_esp_chip *c = opt.chip;
	uint32_t usr = s.spi[c->spi_usr / 4], usr2 = s.spi[c->spi_usr2 / 4], miso_bits;
	uint8_t cmd = (uint8_t)usr2;

	if ((usr2 >> 28) != 7)
		violation("SPI user command length %u bits, flash commands are 8", (usr2 >> 28) + 1);
	if (!(usr & 1u << 31))
		violation("SPI user command without the COMMAND phase bit in SPI_USR");
	miso_bits = c->spi_miso_dlen ? s.spi[c->spi_miso_dlen / 4] + 1
				     : ((s.spi[c->spi_usr1 / 4] >> 8) & 0x1FF) + 1;
	if (cmd != 0x9F)
		violation("SPI flash command 0x%02x is not simulated", cmd);
	if (!(usr & 1u << 28) || miso_bits != 24)
		violation("RDID needs the MISO phase and 24 bits, got usr=0x%08x, %u bits", usr,
			  miso_bits);
	/* Winbond (0xEF), type 0x40, capacity = log2(size) */
	s.spi[c->spi_w0 / 4] = 0xEF | 0x40 << 8 | (uint32_t)log2u(opt.flash_size) << 16;
	logf_("SPI RDID");
}

static void write_wdt(const struct mpf_esp_wdt *w, uint32_t a, uint32_t v)
{
	if (a == w->wprotect)
		s.wdt_wprotect = v;
	else if (a == w->swd_wprotect)
		s.swd_wprotect = v;
	else if (a == w->config0 && s.wdt_wprotect == MPF_ESP_WDT_KEY && !(v & 1u << 31))
		s.wdt_off = 1;	/* WDT enable bit cleared while unlocked */
	else if (a == w->swd_conf && s.swd_wprotect == w->swd_key) {
		s.swd_conf = v;
		s.swd_fed = (v & w->swd_feed_bit) != 0;
	} else if (a != w->config0 && a != w->swd_conf)
		return;
	logf_("WDT reg 0x%08x = 0x%08x", a, v);
}

static void leave_loader(const char *why);

/* On the ROM's USB-OTG port RTS resets nothing; an RTC watchdog does. */
static void write_otg(const struct mpf_esp_otg *o, uint32_t a, uint32_t v, uint32_t mask)
{
	if (a == o->option1) {
		s.option1 = (s.option1 & ~mask) | (v & mask);
		logf_("OPTION1 = 0x%x", s.option1);
	} else if (a == o->wdt_wprotect) {
		s.otg_wprotect = v;
	} else if (a == o->wdt_config0 && s.otg_wprotect == MPF_ESP_WDT_KEY && (v & 1u << 31)) {
		logf_("watchdog armed: reset, boot:%s", s.option1 & o->force_dl ? "download" : "flash");
		if (!(s.option1 & o->force_dl))
			s.reset_pending = 2;	/* fires after the next command (the lock) */
	}
}

static void write_reg(uint32_t a, uint32_t v, uint32_t mask)
{
	const struct mpf_esp_chip *c = opt.chip;

	if (c->usj_wdt)
		write_wdt(c->usj_wdt, a, v);
	if (opt.usb_otg)
		write_otg(c->otg, a, v, mask);
	if (a >= c->spi_base && a < c->spi_base + 4 * 64) {
		uint32_t *r = &s.spi[(a - c->spi_base) / 4];

		*r = (*r & ~mask) | (v & mask);
		if (a == c->spi_base && (v & 1u << 18)) {
			spi_user_command();
			*r &= ~(1u << 18);	/* done at once */
		}
	}
}

/* ---- commands ----------------------------------------------------------- */

static uint32_t word(const uint8_t *d, int i)
{
	return mpf_le32(d + 4 * i);
}

static void need_len(const char *name, size_t len, size_t want)
{
	if (len != want)
		violation("%s with %zu data bytes; the %s ROM takes %zu", name, len,
			  opt.chip->name, want);
}

static int has(unsigned cap)
{
	return (opt.chip->rom & cap) != 0;
}

static void end_write_check_quiet(void)
{
	if (s.z_live)
		inflateEnd(&s.z);
	s.z_live = 0;
	s.wmode = W_NONE;
}

static void end_write_check(const char *why)
{
	/* a host may give up a write and start over, after a refused block
	 * or a new SYNC, but not leave one half done otherwise */
	if (s.wmode == W_DEFL && !s.z_end && s.w_seq && !s.w_lag && !s.w_resync)
		violation("%s while a deflate write has only %u of %u blocks", why, s.w_seq,
			  s.w_blocks);
	if (s.z_live)
		inflateEnd(&s.z);
	s.z_live = 0;
	s.wmode = W_NONE;
}

static void cmd_sync(const uint8_t *d, size_t len)
{
	static const uint8_t want[4] = { 0x07, 0x07, 0x12, 0x20 };
	size_t i;
	int n;

	if (len != 36 || memcmp(d, want, 4))
		violation("SYNC data is not 07 07 12 20 + 32 x 55 (%zu bytes)", len);
	for (i = 4; i < 36; i++)
		if (d[i] != 0x55)
			violation("SYNC byte %zu is 0x%02x, not 0x55", i, d[i]);
	if (!s.synced)
		s.uart_baud = host_baud();	/* autobaud */
	s.w_resync = s.wmode != W_NONE;
	s.synced = 1;
	/* the ROM answers about eight times */
	for (n = 0; n < 8; n++)
		ok(MPF_ESP_SYNC, opt.stub_replies ? 0 : MPF_ESP_SYNC_VALUE);
}

static void cmd_begin(uint8_t op, const uint8_t *d, size_t len)
{
	int defl = op == MPF_ESP_FLASH_DEFL_BEGIN;
	size_t words = has(MPF_ESP_ROM_BEGIN5) ? 5 : 4;
	uint32_t erase, blocks, bsize, off, sectors;

	need_len(defl ? "FLASH_DEFL_BEGIN" : "FLASH_BEGIN", len, 4 * words);
	if (has(MPF_ESP_ROM_ATTACH) && !s.attached)
		violation("flash command before SPI_ATTACH (the %s ROM needs it)", opt.chip->name);
	end_write_check("BEGIN");
	erase = word(d, 0), blocks = word(d, 1), bsize = word(d, 2), off = word(d, 3);
	if (words == 5 && word(d, 4) > 1)
		violation("FLASH_BEGIN encrypted flag %u", word(d, 4));
	if (bsize != MPF_ESP_ROM_BLOCK && blocks)
		violation("block size 0x%x; the ROM buffer takes 0x400", bsize);
	if ((uint64_t)off + erase > opt.flash_size) {
		fail(op, 0x06);
		return;
	}
	logf_("%s erase=0x%x blocks=%u offset=0x%x", defl ? "FLASH_DEFL_BEGIN" : "FLASH_BEGIN",
	      erase, blocks, off);
	if (opt.chip->rom & MPF_ESP_ROM_ERASE_BUG)
		sectors = mpf_esp8266_rom_erased(off, erase);
	else
		sectors = (off % 0x1000 + erase + 0xFFF) / 0x1000;
	if (erase)
		erase_sectors(off / 0x1000, sectors);
	s.wmode = defl ? W_DEFL : W_PLAIN;
	s.w_off = off, s.w_erase = erase, s.w_blocks = blocks, s.w_bsize = bsize;
	s.w_seq = 0, s.w_done = 0, s.z_end = 0, s.w_lag = 0, s.w_resync = 0;
	if (defl) {
		memset(&s.z, 0, sizeof(s.z));
		if (inflateInit(&s.z) != Z_OK)
			die("inflateInit failed");
		s.z_live = 1;
	}
	ok(op, 0);
}

static void keep_window(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		s.window[(s.w_done + i) % sizeof(s.window)] = p[i];
}

/* The ESP32 ROM at the end of a deflate stream (1.13): it programs the
 * rest of its window past the end, from the next page on (a whole window
 * when the end is on a window boundary), with what the window held. */
static void window_overrun(void)
{
	uint64_t w = sizeof(s.window), from = (s.w_done + 0xFF) / 0x100 * 0x100;
	uint64_t to = s.w_done % w ? (s.w_done + w - 1) / w * w : s.w_done + w, p;
	uint8_t junk[0x8000];

	if (s.w_off + to > opt.flash_size)
		to = opt.flash_size - s.w_off;
	if (from >= to)
		return;
	for (p = from; p < to; p++)
		junk[p - from] = s.window[p % w];
	logf_("inflate window over-write 0x%llx+0x%llx", (unsigned long long)(s.w_off + from),
	      (unsigned long long)(to - from));
	program(s.w_off + from, junk, (size_t)(to - from));
}

static int inflate_block(const uint8_t *p, size_t n)
{
	uint8_t out[16384];
	int r = Z_OK;

	s.z.next_in = (uint8_t *)p;
	s.z.avail_in = (uInt)n;
	while (s.z.avail_in && r != Z_STREAM_END) {
		size_t got;

		s.z.next_out = out;
		s.z.avail_out = sizeof(out);
		r = inflate(&s.z, Z_NO_FLUSH);
		if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR)
			return r == Z_DATA_ERROR && s.z.msg && strstr(s.z.msg, "check")
				       ? MPF_ESP_ERR_ADLER32 : MPF_ESP_ERR_DEFLATE;
		got = sizeof(out) - s.z.avail_out;
		if (s.w_done + got > s.w_erase)
			violation("deflate stream inflates past the %u bytes FLASH_DEFL_BEGIN "
				  "announced", s.w_erase);
		program(s.w_off + s.w_done, out, got);
		keep_window(out, got);
		s.w_done += got;
	}
	if (r == Z_STREAM_END) {
		s.z_end = 1;
		if (has(MPF_ESP_ROM_DEFL_OVERRUN))
			window_overrun();
		if (s.z.avail_in)
			violation("%u bytes after the end of the deflate stream", s.z.avail_in);
	}
	return 0;
}

static void cmd_data(uint8_t op, const uint8_t *d, size_t len, uint32_t chk)
{
	int defl = op == MPF_ESP_FLASH_DEFL_DATA;
	uint32_t n, seq;
	int e;

	if (s.wmode != (defl ? W_DEFL : W_PLAIN))
		violation("%s without a matching BEGIN", defl ? "FLASH_DEFL_DATA" : "FLASH_DATA");
	if (len < 16)
		violation("data command with %zu bytes, shorter than its 16-byte header", len);
	n = word(d, 0), seq = word(d, 1);
	if (word(d, 2) || word(d, 3))
		violation("data header words 2 and 3 must be 0");
	if (n != len - 16)
		violation("data header says %u bytes, the command carries %zu", n, len - 16);
	if (mpf_esp_checksum(d + 16, n) != chk) {
		/* the real ROMs count the block anyway (1.13) */
		logf_("checksum error seq=%u", seq);
		s.w_seq++, s.w_lag++;
		fail(op, MPF_ESP_ERR_CHECKSUM);
		return;
	}
	if (seq != s.w_seq && s.w_lag) {
		logf_("refused seq=%u: the ROM expects %u", seq, s.w_seq);
		fail(op, MPF_ESP_ERR_INVALID);
		return;
	}
	if (seq != s.w_seq)
		violation("block seq %u, expected %u", seq, s.w_seq);
	if (s.w_lag)
		logf_("seq=%u written where block %u belongs", seq, seq - s.w_lag);
	seq -= s.w_lag;
	if (seq >= s.w_blocks)
		violation("block %u of a write announced as %u blocks", seq, s.w_blocks);
	if (!defl && n != s.w_bsize)
		violation("FLASH_DATA block of %u bytes; the ROM wants exactly the block size "
			  "0x%x (pad with 0xFF)", n, s.w_bsize);
	if (defl && n > s.w_bsize)
		violation("FLASH_DEFL_DATA block of %u bytes is over the block size", n);
	logf_("%s seq=%u len=%u", defl ? "FLASH_DEFL_DATA" : "FLASH_DATA", seq, n);
	if (defl) {
		if ((e = inflate_block(d + 16, n))) {
			fail(op, (uint8_t)e);
			return;
		}
	} else {
		program(s.w_off + (uint64_t)seq * s.w_bsize, d + 16, n);
	}
	s.w_seq++;
	ok(op, 0);
}

static void cmd_md5(const uint8_t *d, size_t len)
{
	uint8_t md[16];
	char hex[33];
	unsigned int mdlen = 16;
	uint32_t a, n;
	int i;

	need_len("SPI_FLASH_MD5", len, 16);
	end_write_check("SPI_FLASH_MD5");
	a = word(d, 0), n = word(d, 1);
	if ((uint64_t)a + n > opt.flash_size) {
		fail(MPF_ESP_SPI_FLASH_MD5, 0x06);
		return;
	}
	EVP_Digest(s.flash + a, n, md, &mdlen, EVP_md5(), NULL);
	for (i = 0; i < 16; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	logf_("SPI_FLASH_MD5 0x%x+0x%x", a, n);
	reply(MPF_ESP_SPI_FLASH_MD5, 0, hex, 32, 0, 0);
}

static void cmd_read_slow(const uint8_t *d, size_t len)
{
	uint8_t buf[64];
	uint32_t a, n;

	need_len("READ_FLASH_SLOW", len, 8);
	a = word(d, 0), n = word(d, 1);
	if (n > 64 || (uint64_t)a + n > opt.flash_size) {
		fail(MPF_ESP_READ_FLASH_SLOW, MPF_ESP_ERR_READ_LEN);
		return;
	}
	memset(buf, 0, sizeof(buf));
	memcpy(buf, s.flash + a, n);
	reply(MPF_ESP_READ_FLASH_SLOW, 0, buf, 64, 0, 0);	/* always 64 bytes */
}

static void cmd_secinfo(size_t len)
{
	uint8_t d[20] = { 0 };

	need_len("GET_SECURITY_INFO", len, 0);
	if (opt.secure_download)
		d[0] = 1u << 2;	/* SECURE_DOWNLOAD_ENABLE */
	/* the S2 sends only flags, crypt count and key purposes */
	if (!strcmp(opt.chip->key, "esp32s2")) {
		reply(MPF_ESP_GET_SECURITY_INFO, 0, d, 12, 0, 0);
		return;
	}
	mpf_put_le32(d + 12, (uint32_t)opt.chip->chip_id);
	mpf_put_le32(d + 16, 3);
	reply(MPF_ESP_GET_SECURITY_INFO, 0, d, 20, 0, 0);
}

static void cmd_baud(const uint8_t *d, size_t len)
{
	uint32_t nb, old;

	need_len("CHANGE_BAUDRATE", len, 8);
	nb = word(d, 0), old = word(d, 1);
	if (old != 0)
		violation("CHANGE_BAUDRATE old rate %u: it is 0 when talking to the ROM", old);
	if (nb < 9600 || nb > 5000000)
		violation("CHANGE_BAUDRATE to %u", nb);
	ok(MPF_ESP_CHANGE_BAUDRATE, 0);
	logf_("CHANGE_BAUDRATE %u%s", nb, opt.fault_baud ? " (fault: not switching)" : "");
	/* a C2 ROM computes the divider for 40 MHz whatever the crystal */
	if (opt.chip->xtal_clkdiv_reg)
		nb = (uint32_t)((uint64_t)nb * (uint64_t)opt.xtal_mhz / 40);
	if (!opt.fault_baud)
		s.uart_baud = nb;
}

static int allowed_in_sdm(uint8_t op)
{
	static const uint8_t ok_ops[] = {
		MPF_ESP_SYNC, MPF_ESP_SPI_ATTACH, MPF_ESP_SPI_SET_PARAMS, MPF_ESP_CHANGE_BAUDRATE,
		MPF_ESP_FLASH_BEGIN, MPF_ESP_FLASH_DATA, MPF_ESP_FLASH_END,
		MPF_ESP_GET_SECURITY_INFO,
	};
	size_t i;

	for (i = 0; i < sizeof(ok_ops); i++)
		if (ok_ops[i] == op)
			return 1;
	return 0;
}

static void leave_loader(const char *why)
{
	end_write_check(why);
	s.app_running = 1;
	send_bytes("\r\nMicroPython (simulated) booting\r\n", 35);
}

/* The commands only some ROMs have, and the capability each needs (a ROM
 * without it answers as to an unknown command). */
static const struct {
	uint8_t op;
	unsigned needs;
} optional_ops[] = {
	{ MPF_ESP_FLASH_DEFL_BEGIN, MPF_ESP_ROM_DEFL },
	{ MPF_ESP_FLASH_DEFL_DATA, MPF_ESP_ROM_DEFL },
	{ MPF_ESP_FLASH_DEFL_END, MPF_ESP_ROM_DEFL },
	{ MPF_ESP_SPI_ATTACH, MPF_ESP_ROM_ATTACH },
	{ MPF_ESP_SPI_SET_PARAMS, MPF_ESP_ROM_SPI_PARAMS },
	{ MPF_ESP_CHANGE_BAUDRATE, MPF_ESP_ROM_BAUD },
	{ MPF_ESP_SPI_FLASH_MD5, MPF_ESP_ROM_MD5 },
	{ MPF_ESP_READ_FLASH_SLOW, MPF_ESP_ROM_READ_SLOW },
	{ MPF_ESP_GET_SECURITY_INFO, MPF_ESP_ROM_SECINFO },
};

static int rom_lacks(uint8_t op)
{
	size_t i;

	for (i = 0; i < sizeof(optional_ops) / sizeof(optional_ops[0]); i++)
		if (optional_ops[i].op == op)
			return !has(optional_ops[i].needs);
	return 0;
}

/* Run a command this ROM has; 0 for one it does not know. */
static int run(uint8_t op, const uint8_t *d, size_t len, uint32_t chk)
{
	char tmp[8];

	switch (op) {
	case MPF_ESP_SYNC:
		cmd_sync(d, len);
		return 1;
	case MPF_ESP_READ_REG:
		need_len("READ_REG", len, 4);
		ok(op, read_reg(word(d, 0)));
		return 1;
	case MPF_ESP_WRITE_REG:
		need_len("WRITE_REG", len, 16);
		write_reg(word(d, 0), word(d, 1), word(d, 2));
		ok(op, 0);
		if (s.reset_pending && --s.reset_pending == 0) {
			leave_loader("watchdog reset");
			logf_("running the firmware");
		}
		return 1;
	case MPF_ESP_FLASH_BEGIN:
	case MPF_ESP_FLASH_DEFL_BEGIN:
		cmd_begin(op, d, len);
		return 1;
	case MPF_ESP_FLASH_DATA:
	case MPF_ESP_FLASH_DEFL_DATA:
		cmd_data(op, d, len, chk);
		return 1;
	case MPF_ESP_FLASH_END:
	case MPF_ESP_FLASH_DEFL_END:
		need_len(mpf_esp_op_name(op, tmp), len, 4);
		ok(op, 0);
		if (word(d, 0) == 1 || op == MPF_ESP_FLASH_END)
			leave_loader("FLASH_END");
		return 1;
	case MPF_ESP_SPI_ATTACH:
		need_len("SPI_ATTACH", len, 8);
		s.attached = 1;
		ok(op, 0);
		return 1;
	case MPF_ESP_SPI_SET_PARAMS:
		need_len("SPI_SET_PARAMS", len, 24);
		if (word(d, 2) != 0x10000 || word(d, 3) != 0x1000 || word(d, 4) != 0x100 ||
		    word(d, 5) != 0xFFFF)
			violation("SPI_SET_PARAMS block/sector/page/mask not 64K/4K/256/0xFFFF");
		if (word(d, 1) != opt.flash_size)
			logf_("SPI_SET_PARAMS size %u differs from the real %llu", word(d, 1),
			      (unsigned long long)opt.flash_size);
		ok(op, 0);
		return 1;
	case MPF_ESP_CHANGE_BAUDRATE:
		cmd_baud(d, len);
		return 1;
	case MPF_ESP_SPI_FLASH_MD5:
		cmd_md5(d, len);
		return 1;
	case MPF_ESP_READ_FLASH_SLOW:
		cmd_read_slow(d, len);
		return 1;
	case MPF_ESP_GET_SECURITY_INFO:
		cmd_secinfo(len);
		return 1;
	case MPF_ESP_MEM_BEGIN:
	case MPF_ESP_MEM_DATA:
	case MPF_ESP_MEM_END:
		violation("%s: RAM upload (a stub) is not something mpf-esp may do",
			  mpf_esp_op_name(op, tmp));
	default:
		if (op >= 0xD0)
			violation("%s is a stub-only command; the ROM does not have it",
				  mpf_esp_op_name(op, tmp));
		violation("unknown opcode 0x%02x", op);
	}
	return 0;
}

static void dispatch(uint8_t op, const uint8_t *d, size_t len, uint32_t chk)
{
	char tmp[8];

	if (op != MPF_ESP_SYNC && !s.synced)
		violation("%s before SYNC", mpf_esp_op_name(op, tmp));
	if (opt.secure_download && !allowed_in_sdm(op)) {
		logf_("refused %s (secure download mode)", mpf_esp_op_name(op, tmp));
		unknown(op);
		return;
	}
	if (op != MPF_ESP_SYNC)
		logf_("%s", mpf_esp_op_name(op, tmp));
	if (!rom_lacks(op) && run(op, d, len, chk))
		return;
	/* a documented command this ROM lacks: the ROM's error, and the
	 * client is expected to know better (esp_chip.c says what each ROM has) */
	logf_("unsupported %s", mpf_esp_op_name(op, tmp));
	unknown(op);
	if (op != MPF_ESP_GET_SECURITY_INFO)
		violation("%s sent to the %s ROM, which does not have it", mpf_esp_op_name(op, tmp),
			  opt.chip->name);
}

/* ---- frames and faults --------------------------------------------------- */

static int is_data_op(const uint8_t *f, size_t n)
{
	return n >= 2 && f[0] == 0 && (f[1] == MPF_ESP_FLASH_DATA || f[1] == MPF_ESP_FLASH_DEFL_DATA);
}

static void handle_frame(uint8_t *f, size_t n)
{
	struct mpf_buf err = MPF_BUF_INIT;
	const uint8_t *d;
	uint32_t chk;
	size_t len;
	uint8_t op;

	if (s.app_running)
		return;		/* the firmware does not speak SLIP */
	if (is_data_op(f, n)) {
		s.data_blocks++;
		if (opt.usb_jtag && (!s.wdt_off || !s.swd_fed) && ++s.blocks_since_sync == 64) {
			/* seconds into the write: the RTC watchdog bites and the
			 * chip boots its firmware */
			logf_("watchdog reset (RTC WDT %s, SWD %s)", s.wdt_off ? "off" : "running",
			      s.swd_fed ? "fed" : "starving");
			end_write_check_quiet();
			s.app_running = 1;
			send_bytes("ESP-ROM:rst:0x7 (TG0WDT_HPSYS),boot:0x8 (SPI_FAST_FLASH_BOOT)\r\n", 63);
			return;
		}
		if (s.data_blocks == opt.fault_at[F_VANISH]) {
			fprintf(stderr, "esp-rom: fault: vanishing at data block %ld\n", s.data_blocks);
			logf_("fault vanish");
			msync(s.flash, opt.flash_size, MS_SYNC);
			exit(0);
		}
		if (s.data_blocks >= opt.fault_at[F_NOREPLY] &&
		    s.data_blocks < opt.fault_at[F_NOREPLY] + opt.fault_count[F_NOREPLY]) {
			logf_("fault noreply");
			return;
		}
		if (s.data_blocks == opt.fault_at[F_DROP] && n > 40) {
			logf_("fault drop");
			memmove(f + 30, f + 31, n - 31);	/* one payload byte lost */
			n--;
			s.frame_dropped = 1;
		}
		if (s.data_blocks == opt.fault_at[F_CHECKSUM] && n > 40) {
			logf_("fault checksum");
			f[n - 1] ^= 0x10;	/* a bit flipped on the wire */
		}
	}
	if (mpf_esp_decode_request(f, n, &op, &chk, &d, &len, &err) < 0) {
		if (s.frame_dropped && n >= 2) {
			/* what the ROM says about a short message */
			fail(f[1], MPF_ESP_ERR_INVALID);
			s.frame_dropped = 0;
			mpf_buf_release(&err);
			return;
		}
		if (s.frame_garbled)
			return;	/* noise at the wrong baud: the ROM ignores it */
		violation("%s", mpf_buf_str(&err));
	}
	s.frame_dropped = 0;
	dispatch(op, d, len, chk);
	mpf_buf_release(&err);
}

/* UARTs tolerate a couple of percent of rate error */
static int same_rate(long a, long b)
{
	return labs(a - b) <= b / 50;
}

static int has_sync(const uint8_t *p, size_t n)
{
	static const uint8_t pat[] = { 0x08, 0x24, 0x00, 0, 0, 0, 0, 0x07, 0x07, 0x12, 0x20,
				       0x55, 0x55, 0x55, 0x55 };
	size_t i;

	for (i = 0; i + sizeof(pat) <= n; i++)
		if (!memcmp(p + i, pat, 3) && !memcmp(p + i + 7, pat + 7, sizeof(pat) - 7))
			return 1;
	return 0;
}

static void session_reset(void);

static int only_delims(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != MPF_SLIP_END)
			return 0;
	return 1;
}

static int is_sync(const uint8_t *f, size_t n)
{
	return n >= 2 && f[1] == MPF_ESP_SYNC;
}

static void feed(uint8_t *p, size_t n)
{
	struct mpf_buf err = MPF_BUF_INIT;
	size_t used;
	long hb = host_baud();
	int r;

	if (s.uart_baud && !same_rate(hb, s.uart_baud) && has_sync(p, n) && !opt.no_auto_reset) {
		/* A pty carries no DTR/RTS, and a quick close and reopen of the
		 * port is invisible here: a SYNC at another rate stands for the
		 * reset the host makes before it syncs. */
		logf_("SYNC at %ld baud while the UART is at %ld: host reset the chip", hb,
		      s.uart_baud);
		session_reset();
	}
	if (s.uart_baud && !same_rate(hb, s.uart_baud)) {
		/* host and UART disagree on the rate: framing errors */
		size_t i;

		for (i = 0; i < n; i++)
			p[i] = (uint8_t)(p[i] * 7 + 0x33);
		s.frame_garbled = 1;
		logf_("garbage: host at %ld baud, UART at %ld", hb, s.uart_baud);
	}
	if (opt.pace) {
		struct timespec t = now();

		if (ts_before(t, s.rx_t))
			t = s.rx_t;
		ts_add_ns(&t, (long long)n * 10 * 1000000000LL / wire_rate());
		s.rx_t = t;
	}
	while (n) {
		r = mpf_slip_feed(&s.slip, p, n, &used, &err);
		p += used;
		n -= used;
		if (r < 0) {
			if (s.frame_garbled)
				continue;
			violation("%s", mpf_buf_str(&err));
		}
		if (r == 1) {
			int pending = 0;

			if (opt.pace && ts_before(s.rom_t, s.rx_t))
				s.rom_t = s.rx_t;	/* starts when the frame is in */
			if (!opt.stdio_mode)
				ioctl(s.in, FIONREAD, &pending);
			/* the ROM takes one command at a time: a frame sent before
			 * the reply to the last one is lost on a real chip */
			if ((n && !only_delims(p, n)) || pending > 0) {
				if (!is_sync((uint8_t *)s.slip.frame.buf, s.slip.frame.len) &&
				    !s.frame_garbled)
					violation("a request arrived before the reply to the one "
						  "before it: the ROM does not take pipelined commands");
			}
			handle_frame((uint8_t *)s.slip.frame.buf, s.slip.frame.len);
			if (!s.uart_baud || same_rate(host_baud(), s.uart_baud))
				s.frame_garbled = 0;
		}
	}
	if (s.slip.junk.len && !s.frame_garbled && s.synced)
		violation("%zu bytes outside SLIP frames", s.slip.junk.len);
	mpf_buf_reset(&s.slip.junk);
	mpf_buf_release(&err);
}

/* ---- the session --------------------------------------------------------- */

static void boot_banner(void)
{
	int esp8266 = opt.chip->chip_id < 0;
	char b[512];

	if (!strcmp(opt.boot, "silent"))
		return;
	if (esp8266)
		snprintf(b, sizeof(b), "\r\n ets Jan  8 2013,rst cause:2, boot mode:(%d,7)\r\n\r\n",
			 strcmp(opt.boot, "strap") ? 1 : 3);
	else if (!strcmp(opt.boot, "strap"))
		snprintf(b, sizeof(b), "ESP-ROM:%s\r\nrst:0x1 (POWERON),boot:0x%s "
			 "(SPI_FAST_FLASH_BOOT)\r\nentry 0x403c98d0\r\n\r\nMicroPython v1.24.1 on "
			 "2024-11-29; Generic %s\r\n>>> ", opt.chip->key,
			 opt.chip->chip_id ? "8" : "13", opt.chip->name);
	else
		snprintf(b, sizeof(b), "ESP-ROM:%s\r\nrst:0x1 (POWERON),boot:0x%s "
			 "(DOWNLOAD(USB/UART0))\r\nwaiting for download\r\n", opt.chip->key,
			 opt.chip->chip_id ? "0" : "3");
	send_bytes(b, strlen(b));
}

static void session_reset(void)
{
	if (s.z_live)
		inflateEnd(&s.z);
	s.z_live = 0;
	s.wmode = W_NONE;
	s.synced = s.attached = s.app_running = 0;
	s.wdt_wprotect = s.swd_wprotect = s.swd_conf = 0;
	s.otg_wprotect = s.option1 = 0;
	s.reset_pending = 0;
	s.wdt_off = s.swd_fed = 0;
	s.blocks_since_sync = 0;
	s.uart_baud = 0;
	s.frame_garbled = s.frame_dropped = 0;
	s.rx_t = s.rom_t = s.tx_t = now();
	mpf_slip_reset(&s.slip);
	memset(s.spi, 0, sizeof(s.spi));
	s.status_len = opt.stub_replies ? 2 : opt.chip->status_len;
}

static int deaf(void)
{
	return !strcmp(opt.boot, "strap") || !strcmp(opt.boot, "silent") ||
	       !strcmp(opt.boot, "deaf");
}

static void serve(void)
{
	int present = 0, booted = 0;
	uint8_t buf[8192];

	for (;;) {
		struct pollfd pfd = { s.in, POLLIN, 0 };
		int r = poll(&pfd, 1, 20);
		ssize_t n;

		if (r < 0 && errno == EINTR)
			continue;
		if (!opt.stdio_mode && (pfd.revents & POLLHUP) && !(pfd.revents & POLLIN)) {
			if (present)
				logf_("port closed");
			if (present && opt.pty_fd >= 0)
				return;		/* back to the simulator that lent the port */
			present = 0;
			usleep(5000);
			continue;
		}
		if (!present && opt.no_auto_reset && booted) {
			present = 1;	/* nothing reboots the chip: it stays as it was */
			logf_("port opened");
		} else if (!present) {
			/* the port was opened: the auto-reset circuit reboots the chip */
			present = booted = 1;
			session_reset();
			logf_("port opened");
			boot_banner();
		}
		if (!(pfd.revents & POLLIN))
			continue;
		n = read(s.in, buf, sizeof(buf));
		if (n == 0 && opt.stdio_mode)
			return;
		if (n <= 0)
			continue;
		if (deaf())
			continue;
		feed(buf, (size_t)n);
	}
}

static uint64_t parse_size(const char *v)
{
	char *end;
	unsigned long long n = strtoull(v, &end, 0);

	if (!strcasecmp(end, "MB"))
		n <<= 20;
	else if (!strcasecmp(end, "KB"))
		n <<= 10;
	else if (*end)
		die("bad size '%s'", v);
	return n;
}

static void parse_fault(const char *v)
{
	char *end;
	int i;

	for (i = 0; i < F_MAX; i++) {
		size_t l = strlen(fault_names[i]);

		if (strncmp(v, fault_names[i], l))
			continue;
		if (i == F_BAUD) {
			opt.fault_baud = 1;
			return;
		}
		if (v[l] != ':' || (opt.fault_at[i] = strtol(v + l + 1, &end, 0)) <= 0)
			die("--fault %s:N needs a block number from 1", fault_names[i]);
		opt.fault_count[i] = *end == '*' ? strtol(end + 1, NULL, 0) : 1;
		return;
	}
	die("unknown fault '%s' (drop, checksum, noreply, vanish, baud)", v);
}

/* The options without a value: each turns one setting on. */
static int flag_arg(const char *a)
{
	static const struct {
		const char *name;
		int *on;
	} flags[] = {
		{ "--pace", &opt.pace },
		{ "--stdio", &opt.stdio_mode },
		{ "--stub-replies", &opt.stub_replies },
		{ "--secure-download", &opt.secure_download },
		{ "--usb-otg", &opt.usb_otg },
		{ "--usb-jtag", &opt.usb_jtag },
		{ "--flash-timing", &opt.flash_timing },
		{ "--no-auto-reset", &opt.no_auto_reset },
	};
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strcmp(a, flags[i].name)) {
			*flags[i].on = 1;
			return 1;
		}
	return 0;
}

static void parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

#define ARG(name) (!strcmp(a, name) && (v || (die("%s needs a value", name), 0)) && ++i)
		if (ARG("--chip")) {
			if (!(opt.chip = mpf_esp_chip_by_name(v)))
				die("unknown chip '%s'", v);
		} else if (ARG("--flash")) {
			opt.flash_path = v;
		} else if (ARG("--flash-size")) {
			opt.flash_size = parse_size(v);
		} else if (ARG("--log")) {
			opt.log_path = v;
		} else if (ARG("--pty-fd")) {
			opt.pty_fd = atoi(v);
		} else if (ARG("--link")) {
			opt.link = v;
		} else if (ARG("--boot")) {
			opt.boot = v;
		} else if (ARG("--fault")) {
			parse_fault(v);
		} else if (ARG("--rev")) {
			opt.rev = atoi(v);
		} else if (ARG("--xtal")) {
			opt.xtal_mhz = atoi(v);
		} else if (!flag_arg(a)) {
			die("unknown argument '%s'", a);
		}
	}
	if (!opt.chip)
		opt.chip = mpf_esp_chip_by_name("esp32");
	if (opt.xtal_mhz != 40 && (opt.xtal_mhz != 26 || !opt.chip->xtal_clkdiv_reg))
		die("--xtal 26 is for the ESP32-C2");
	if (opt.usb_otg && !opt.chip->otg)
		die("%s has no ROM USB-OTG port", opt.chip->name);
	if (opt.usb_jtag && !opt.chip->usj_wdt)
		die("%s has no USB-Serial/JTAG", opt.chip->name);
	if (opt.flash_size < 0x40000 || (opt.flash_size & (opt.flash_size - 1)))
		die("flash size must be a power of two, at least 256KB");
}

static void open_flash(void)
{
	int fd;
	struct stat st;

	if (!opt.flash_path) {
		s.flash = mmap(NULL, opt.flash_size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (s.flash == MAP_FAILED)
			die("mmap: %s", strerror(errno));
		memset(s.flash, 0xFF, opt.flash_size);
		return;
	}
	fd = open(opt.flash_path, O_RDWR | O_CREAT, 0644);
	if (fd < 0 || fstat(fd, &st) < 0)
		die("%s: %s", opt.flash_path, strerror(errno));
	if ((uint64_t)st.st_size < opt.flash_size) {
		/* new flash is erased: 0xFF, not the zeros of a sparse file */
		uint8_t ff[4096];
		off_t o = st.st_size;

		memset(ff, 0xFF, sizeof(ff));
		while ((uint64_t)o < opt.flash_size) {
			size_t k = opt.flash_size - (uint64_t)o < sizeof(ff)
					   ? (size_t)(opt.flash_size - (uint64_t)o) : sizeof(ff);

			if (pwrite(fd, ff, k, o) != (ssize_t)k)
				die("%s: %s", opt.flash_path, strerror(errno));
			o += (off_t)k;
		}
	}
	s.flash = mmap(NULL, opt.flash_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (s.flash == MAP_FAILED)
		die("mmap %s: %s", opt.flash_path, strerror(errno));
	close(fd);
}

static void open_pty(void)
{
	struct termios t;
	const char *name;
	int fd = posix_openpt(O_RDWR | O_NOCTTY);

	if (fd < 0 || grantpt(fd) < 0 || unlockpt(fd) < 0 || !(name = ptsname(fd)))
		die("cannot make a pty: %s", strerror(errno));
	/* raw from the start, so nothing echoes before the client sets it */
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		cfsetispeed(&t, B115200);
		cfsetospeed(&t, B115200);
		tcsetattr(fd, TCSANOW, &t);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	s.in = s.out = fd;
	if (opt.link) {
		unlink(opt.link);
		if (symlink(name, opt.link) < 0)
			die("symlink %s: %s", opt.link, strerror(errno));
	}
	printf("%s\n", name);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	parse_args(argc, argv);
	/* wake when the wire time is up, not up to 50 us later (the default
	 * timer slack): the simulator's lateness would count against the client */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	open_flash();
	if (opt.log_path && !(s.log = fopen(opt.log_path, "a")))
		die("%s: %s", opt.log_path, strerror(errno));
	mpf_slip_init(&s.slip);
	if (opt.stdio_mode) {
		s.in = 0;
		s.out = 1;
		opt.pace = 0;
	} else if (opt.pty_fd >= 0) {
		s.in = s.out = opt.pty_fd;
		fcntl(opt.pty_fd, F_SETFL, fcntl(opt.pty_fd, F_GETFL) | O_NONBLOCK);
	} else {
		open_pty();
	}
	serve();
	msync(s.flash, opt.flash_size, MS_SYNC);
	return 0;
}
