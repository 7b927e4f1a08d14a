/* esp_flash.c - the ROM loader conversation (see esp_flash.h).
 *
 * Speed: the ROM takes one data block at a time and answers each before
 * it reads the next (no pipelining), so the time between its reply and
 * our next frame is dead wire time. The loop below keeps that to a parse
 * and a write: frames are encoded straight into one reused buffer, the
 * reply is read with a single poll, nothing sleeps. */
#include "esp_flash.h"
#include "clock.h"
#include "err.h"
#include "esp_loader.h"
#include "esp_stubcmd.h"
#include "fault.h"
#include "log.h"
#include "progress.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define DEFAULT_MS 3000
#define SYNC_MS 100
#define BLOCK_TRIES 3
#define WRITE_MS 10000
#define ERASE_MS_PER_MB 40000
#define MD5_MS_PER_MB 8000

/* doc/protocols.md 1.9. Classic and USB-JTAG change one line per call, as
 * esptool does; tight uses TIOCMSET so the 2-transistor circuit never
 * sees an intermediate state. */
static const struct mpf_esp_step classic[] = {
	{ 0, -1, 0 }, { -1, 1, 100 }, { 1, -1, 0 }, { -1, 0, MPF_ESP_DELAY }, { 0, -1, 0 },
	{ -1, -1, 0 },
};
static const struct mpf_esp_step tight[] = {
	{ 0, 0, 0 }, { 1, 1, 0 }, { 0, 1, 100 }, { 1, 0, MPF_ESP_DELAY }, { 0, 0, 0 },
	{ 0, -1, 0 }, { -1, -1, 0 },
};
static const struct mpf_esp_step usb_jtag[] = {
	{ -1, 0, 0 }, { 0, -1, 100 }, { 1, -1, 0 }, { -1, 0, 100 }, { -1, 1, 0 }, { 0, -1, 0 },
	{ -1, 1, 100 }, { 0, -1, 0 }, { -1, 0, 0 }, { -1, -1, 0 },
};
static const struct mpf_esp_step no_steps[] = { { -1, -1, 0 } };

const struct mpf_esp_reset mpf_esp_resets[] = {
	{ .name = "tight", .delay_ms = 50, .steps = tight },
	{ .name = "tight", .delay_ms = 550, .steps = tight },
	{ .name = "classic", .delay_ms = 50, .steps = classic },
	{ .name = "classic", .delay_ms = 550, .steps = classic },
	{ .name = "usb-jtag", .delay_ms = 100, .steps = usb_jtag },
	{ .name = "none", .delay_ms = 0, .steps = no_steps },
	{ .name = NULL },
};
enum { R_TIGHT50, R_TIGHT550, R_CLASSIC50, R_CLASSIC550, R_USB, R_NONE };

int mpf_esp_run_reset(struct mpf_transport *t, const struct mpf_esp_reset *r)
{
	const struct mpf_esp_step *s;
	int ret;

	for (s = r->steps; s->dtr >= 0 || s->rts >= 0; s++) {
		if ((ret = mpf_tr_set_lines(t, s->dtr, s->rts)) < 0)
			return ret;
		if (s->ms && (ret = mpf_sleep_ms(s->ms < 0 ? r->delay_ms : s->ms)) < 0)
			return ret;
	}
	return 0;
}

void mpf_esp_init(struct mpf_esp *e, struct mpf_transport *t, const struct mpf_esp_opts *o)
{
	memset(e, 0, sizeof(*e));
	e->t = t;
	e->o = *o;
	if (!e->o.sync_baud)
		e->o.sync_baud = 115200;
	if (!e->o.attempts)
		e->o.attempts = 7;
	e->baud = t->baud;
	mpf_slip_init(&e->slip);
}

void mpf_esp_release(struct mpf_esp *e)
{
	mpf_slip_release(&e->slip);
	mpf_buf_release(&e->out);
	mpf_buf_release(&e->bootlog);
}

static void drop_input(struct mpf_esp *e)
{
	mpf_tr_flush_input(e->t);
	e->rpos = e->rlen = 0;
	mpf_slip_reset(&e->slip);
}

/* After a failed read (EIO) the ROM may still be sending its reply, and a
 * retry sent now would cross it on the wire (the ROM is half duplex in
 * practice, the simulator rejects it). Wait for the line to be quiet:
 * 30 ms without a byte, 500 ms at most; what came is dropped. */
static void settle(struct mpf_esp *e)
{
	int64_t end = mpf_now_ms() + 500;
	char junk[256];

	while (mpf_now_ms() < end && mpf_tr_read(e->t, junk, sizeof(junk), 30) > 0)
		;
	e->rpos = e->rlen = 0;
	mpf_slip_reset(&e->slip);
}

static int tr_error(struct mpf_esp *e, int r, struct mpf_buf *err)
{
	return mpf_errf(err, r, "%s", e->t->err.len ? e->t->err.buf : mpf_err_name(r));
}

/* What the chip printed instead of answering: a panic or a reboot
 * explains a timeout better than "no reply". */
static const char *junk_hint(struct mpf_esp *e)
{
	const char *j = mpf_buf_str(&e->slip.junk);

	if (strstr(j, "Guru Meditation") || strstr(j, "Fatal exception"))
		return " (the chip crashed: its output shows a panic)";
	if (strstr(j, "rst:") || strstr(j, "ets "))
		return " (the chip printed a boot banner: it reset)";
	return "";
}

/* Next SLIP frame into e->slip.frame: 1, or MPF_ERR_TIMEOUT / transport error. */
static int read_frame(struct mpf_esp *e, int64_t deadline, struct mpf_buf *err)
{
	for (;;) {
		int n;

		while (e->rpos < e->rlen) {
			size_t used;
			int r = mpf_slip_feed(&e->slip, e->rbuf + e->rpos, e->rlen - e->rpos, &used,
					      err);

			e->rpos += used;
			if (r == 1)
				return 1;
			if (r < 0)	/* a damaged frame: drop it, wait for the retry */
				mpf_debug("%s", mpf_buf_str(err));
		}
		n = (int)(deadline - mpf_now_ms());
		if (n <= 0)
			return MPF_ERR_TIMEOUT;
		n = mpf_tr_read(e->t, e->rbuf, sizeof(e->rbuf), n);
		if (n < 0)
			return tr_error(e, n, err);
		if (n == 0)
			return MPF_ERR_TIMEOUT;
		e->rpos = 0;
		e->rlen = (size_t)n;
	}
}

/* The next frame, decoded as a reply: 1, 0 for one to skip (an echo, a
 * damaged reply), or MPF_ERR_TIMEOUT / a transport error. */
static int next_reply(struct mpf_esp *e, int64_t deadline, uint8_t op, size_t expect,
		      struct mpf_esp_reply *rep, struct mpf_buf *err)
{
	const uint8_t *f;
	char tmp[8];
	size_t n;
	int r = read_frame(e, deadline, err), sl;

	if (r < 0)
		return r;
	f = (const uint8_t *)e->slip.frame.buf;
	n = e->slip.frame.len;
	sl = e->status_len;
	if (!sl)	/* before SYNC told us: whatever fits the payload */
		sl = n >= MPF_ESP_HDR_LEN + expect + 4 ? 4 : 2;
	r = mpf_esp_decode(f, n, sl, rep, err);
	if (r == MPF_ERR_AGAIN)
		return 0;	/* an echo */
	if (r < 0) {
		mpf_debug("ignoring a damaged reply: %s", mpf_buf_str(err));
		return 0;
	}
	if (op != MPF_ESP_FLASH_DEFL_DATA && op != MPF_ESP_FLASH_DATA)
		mpf_trace("< %s value=0x%08x len=%zu status=%u error=0x%02x",
			  mpf_esp_op_name(rep->op, tmp), rep->value, rep->len, rep->status,
			  rep->error);
	return 1;
}

/* Wait for the reply to op; expect = payload bytes before the status.
 * A ROM answers a command it lacks with error 0x05 eight times, in the
 * header of its last reply, not op's (doc/protocols.md 1.3): eight of
 * those in a row, or fewer and then 200 ms of quiet, mean unsupported.
 * A ROM that was still starting answers every SYNC it had queued, with
 * 0x05 to the torn ones, before it comes to op: such replies restart the
 * count and the wait. */
static int await(struct mpf_esp *e, uint8_t op, int timeout_ms, size_t expect,
		 struct mpf_esp_reply *rep, struct mpf_buf *err)
{
	int64_t deadline = mpf_now_ms() + timeout_ms, quiet = 0;
	char tmp[8];
	int i, r, invalid = 0;

	for (i = 0; i < 4096; i++) {
		int64_t end = invalid && quiet < deadline ? quiet : deadline;

		if (e->o.deadline && end > e->o.deadline) {	/* --timeout */
			if (e->o.deadline <= mpf_now_ms())
				return mpf_errf(err, MPF_ERR_TIMEOUT, "gave up: the time allowed "
						"for this board (--timeout) ran out");
			end = e->o.deadline;
		}
		r = next_reply(e, end, op, expect, rep, err);
		if (r == MPF_ERR_TIMEOUT && invalid)
			break;
		if (r == MPF_ERR_TIMEOUT)
			return mpf_errf(err, r, "no reply to %s within %d ms%s",
					mpf_esp_op_name(op, tmp), timeout_ms, junk_hint(e));
		if (r < 0) {
			if (r != MPF_ERR_NODEV && r != MPF_ERR_INTR)
				settle(e);
			return r;
		}
		if (r == 0)
			continue;
		if (rep->op == op)
			return mpf_esp_check(rep, err);
		if (rep->op == MPF_ESP_SYNC && !rep->status && op != MPF_ESP_SYNC) {
			invalid = 0;	/* a queued SYNC's: the ROM is busy, not deaf */
			deadline = mpf_now_ms() + timeout_ms;
		} else if (rep->status && rep->error == MPF_ESP_ERR_INVALID) {
			quiet = mpf_now_ms() + 200;
			if (++invalid == 8)
				break;
		}
	}
	if (!invalid)
		return mpf_errf(err, MPF_ERR_PROTO, "no reply to %s among %d frames",
				mpf_esp_op_name(op, tmp), i);
	memset(rep, 0, sizeof(*rep));
	rep->op = op, rep->status = 1, rep->error = MPF_ESP_ERR_INVALID;
	return mpf_esp_check(rep, err);
}

static int send_out(struct mpf_esp *e, struct mpf_buf *err)
{
	int r = mpf_tr_write(e->t, e->out.buf, e->out.len, WRITE_MS);

	return r < 0 ? tr_error(e, r, err) : 0;
}

int mpf_esp_transact(struct mpf_esp *e, uint8_t op, int timeout_ms, struct mpf_esp_reply *rep,
		     struct mpf_buf *err)
{
	int r = send_out(e, err);

	return r < 0 ? r : await(e, op, timeout_ms, 0, rep, err);
}

int mpf_esp_next_frame(struct mpf_esp *e, int timeout_ms, struct mpf_buf *err)
{
	return read_frame(e, mpf_now_ms() + timeout_ms, err);
}

static int command(struct mpf_esp *e, uint8_t op, const uint32_t *w, size_t nw, int timeout_ms,
		   size_t expect, struct mpf_esp_reply *rep, struct mpf_buf *err)
{
	struct mpf_esp_reply tmp;
	int r;

	mpf_buf_reset(&e->out);
	mpf_esp_encode_words(&e->out, op, w, nw);
	if (mpf_log_enabled(MPF_LOG_TRACE)) {
		char tmp2[8];

		mpf_trace("> %s %08x %08x %08x %08x", mpf_esp_op_name(op, tmp2), nw > 0 ? w[0] : 0,
			  nw > 1 ? w[1] : 0, nw > 2 ? w[2] : 0, nw > 3 ? w[3] : 0);
	}
	if ((r = send_out(e, err)) < 0)
		return r;
	return await(e, op, timeout_ms, expect, rep ? rep : &tmp, err);
}

static int mpf_esp_read_reg(struct mpf_esp *e, uint32_t addr, uint32_t *val, struct mpf_buf *err)
{
	struct mpf_esp_reply rep;
	int r;

	*val = 0;
	r = command(e, MPF_ESP_READ_REG, &addr, 1, DEFAULT_MS, 0, &rep, err);
	if (r == 0)
		*val = rep.value;
	return r;
}

static int mpf_esp_write_reg(struct mpf_esp *e, uint32_t addr, uint32_t val, struct mpf_buf *err)
{
	uint32_t w[4] = { addr, val, 0xFFFFFFFF, 0 };

	return command(e, MPF_ESP_WRITE_REG, w, 4, DEFAULT_MS, 0, NULL, err);
}

/* ---- connect ---------------------------------------------------------- */

static int sync_once(struct mpf_esp *e, struct mpf_buf *err)
{
	uint8_t d[36] = { 0x07, 0x07, 0x12, 0x20 };
	struct mpf_esp_reply rep;
	int64_t end;
	int r, extra = 0;

	memset(d + 4, 0x55, 32);
	drop_input(e);
	mpf_buf_reset(&e->out);
	mpf_esp_encode(&e->out, MPF_ESP_SYNC, d, sizeof(d), 0);
	if ((r = send_out(e, err)) < 0)
		return r;
	e->status_len = 0;
	if ((r = await(e, MPF_ESP_SYNC, SYNC_MS, 0, &rep, err)) < 0)
		return r;
	e->status_len = (int)rep.size == 2 ? 2 : 4;
	if (!rep.value)
		mpf_warn("%s: a flasher stub is already running; talking to it as to the ROM",
			 e->t->name);
	/* The ROM answers SYNC about eight times, and a ROM that was still
	 * starting answers every SYNC it queued (0x05 to the torn ones): take
	 * them all now, until the line is quiet, so that none arrives as the
	 * reply to the next command. */
	end = mpf_now_ms() + SYNC_MS;
	while (extra < 256 && read_frame(e, end, err) == 1) {
		extra++;
		if (extra >= 7)
			end = mpf_now_ms() + SYNC_MS;
	}
	mpf_buf_reset(err);
	return 0;
}

/* Keep what the chip printed after a reset for the diagnosis. */
static void take_bootlog(struct mpf_esp *e, int ms)
{
	struct mpf_buf ignore = MPF_BUF_INIT;
	int64_t end = mpf_now_ms() + ms;

	while (read_frame(e, end, &ignore) == 1)
		;
	if (e->slip.junk.len)
		mpf_buf_add(&e->bootlog, e->slip.junk.buf, e->slip.junk.len);
	if (e->bootlog.len > 8192)
		mpf_buf_consume(&e->bootlog, e->bootlog.len - 8192);
	mpf_buf_release(&ignore);
}

static void diagnose(struct mpf_esp *e, struct mpf_buf *err)
{
	const char *log = mpf_buf_str(&e->bootlog), *b = strstr(log, "boot:0x");
	char what[64] = "";

	if (b)
		sscanf(b, "%63[^\r\n]", what);
	/* the ESP8266 says "boot mode:(1,x)" for its loader, (3,x) for flash */
	if (!b && (b = strstr(log, "boot mode:(3,")))
		sscanf(b, "%63[^\r\n]", what);
	if (strstr(log, "waiting for download") || strstr(log, "boot mode:(1,"))
		mpf_errf(err, MPF_ERR_TIMEOUT, "the chip is in its download mode (boot log: "
			 "'waiting for download') but never answered SYNC: is the host-to-chip "
			 "line (RX on the chip) connected?");
	else if (b)
		mpf_errf(err, MPF_ERR_TIMEOUT, "the chip booted its firmware instead of the ROM "
			 "loader (boot log: '%s'): the boot strap pin was not low at reset; hold "
			 "BOOT while pressing RESET, or check the DTR/RTS auto-reset wiring", what);
	else if (e->bootlog.len)
		mpf_errf(err, MPF_ERR_TIMEOUT, "no reply to SYNC; the port only gave %zu bytes of "
			 "unrecognised output (wrong baud rate, or not an ESP chip?)", e->bootlog.len);
	else
		mpf_errf(err, MPF_ERR_TIMEOUT, "no answer: no boot log and no reply to SYNC after "
			 "%d attempts (wrong port, board not powered, or no auto-reset circuit: "
			 "hold BOOT, press RESET and use --before no-reset)", e->o.attempts);
}

int mpf_esp_connect(struct mpf_esp *e, struct mpf_buf *err)
{
	int order[6], n = 0, a, i, r;

	if (e->o.before == MPF_ESP_BEFORE_NONE) {
		order[n++] = R_NONE;
	} else if (e->o.before == MPF_ESP_BEFORE_USB) {
		order[n++] = R_USB;
	} else {
		if (e->o.usb_jtag)
			order[n++] = R_USB;
		order[n++] = R_TIGHT50;
		order[n++] = R_TIGHT550;
		order[n++] = R_CLASSIC50;
		order[n++] = R_CLASSIC550;
	}
	mpf_buf_reset(&e->bootlog);
	if (e->t->baud != e->o.sync_baud && (r = mpf_tr_set_baud(e->t, e->o.sync_baud)) < 0)
		return tr_error(e, r, err);
	e->baud = e->o.sync_baud;
	for (a = 0; a < e->o.attempts; a++) {
		const struct mpf_esp_reset *rs = &mpf_esp_resets[order[a % n]];

		mpf_debug("%s: connect attempt %d: %s reset (%d ms)", e->t->name, a + 1, rs->name,
			  rs->delay_ms);
		if ((r = mpf_esp_run_reset(e->t, rs)) < 0)
			return mpf_errf(err, r, "reset interrupted");
		take_bootlog(e, 30);
		for (i = 0; i < 5; i++) {
			r = sync_once(e, err);
			if (r == 0) {
				e->synced = 1;
				mpf_debug("%s: synced (%d status bytes)", e->t->name, e->status_len);
				return 0;
			}
			if (r == MPF_ERR_NODEV || r == MPF_ERR_INTR || r == MPF_ERR_BUSY)
				return r;
			if (e->slip.junk.len)
				take_bootlog(e, 0);
			if ((r = mpf_sleep_ms(50)) < 0)
				return mpf_errf(err, r, "interrupted");
		}
	}
	diagnose(e, err);
	return MPF_ERR_TIMEOUT;
}

/* ---- detect ----------------------------------------------------------- */

static int security_info(struct mpf_esp *e, struct mpf_buf *err)
{
	struct mpf_esp_reply rep;
	const uint8_t *d;
	int r = command(e, MPF_ESP_GET_SECURITY_INFO, NULL, 0, DEFAULT_MS, 20, &rep, err);

	if (r < 0)
		return r;
	if (rep.len != 20 && rep.len != 12)
		return mpf_errf(err, MPF_ERR_PROTO, "GET_SECURITY_INFO returned %zu bytes, not 12 "
				"or 20", rep.len);
	d = rep.data;
	e->sec.valid = 1;
	e->sec.flags = mpf_le32(d);
	e->sec.crypt_cnt = d[4];
	if (rep.len == 20) {
		e->sec.has_chip_id = 1;
		e->sec.chip_id = mpf_le32(d + 12);
		e->sec.api_version = mpf_le32(d + 16);
	}
	return 0;
}

int mpf_esp_detect(struct mpf_esp *e, struct mpf_buf *err)
{
	uint32_t magic;
	int r;

	r = security_info(e, err);
	if (r == MPF_ERR_NODEV || r == MPF_ERR_INTR)
		return r;
	if (r < 0)	/* ESP8266 and ESP32 ROMs do not have it */
		mpf_debug("%s: %s", e->t->name, mpf_buf_str(err));
	if (e->sec.has_chip_id) {
		e->chip = mpf_esp_chip_by_id((int)e->sec.chip_id);
		if (!e->chip)
			return mpf_errf(err, MPF_ERR_SUPP, "unknown chip: GET_SECURITY_INFO says "
					"chip id %u", e->sec.chip_id);
	} else {
		r = mpf_esp_read_reg(e, MPF_ESP_CHIP_DETECT_MAGIC_REG, &magic, err);
		if (r == MPF_ERR_SUPP && e->sec.valid) {
			/* only the S2 answers GET_SECURITY_INFO without an id,
			 * and refuses READ_REG in Secure Download Mode */
			e->chip = mpf_esp_chip_by_name("esp32s2");
			e->secure_download = 1;
		} else if (r < 0) {
			return r;
		} else if (!(e->chip = mpf_esp_chip_by_magic(magic))) {
			return mpf_errf(err, MPF_ERR_SUPP, "unknown chip: magic register reads "
					"0x%08x", magic);
		}
	}
	if (!e->chip->rom)
		return mpf_errf(err, MPF_ERR_SUPP, "%s: mpf-esp knows its images but not yet its "
				"ROM loader (flash, eFuse and watchdog registers)", e->chip->name);
	if (e->sec.valid && (e->sec.flags & (1u << 2)))
		e->secure_download = 1;
	mpf_buf_reset(err);
	mpf_debug("%s: %s%s", e->t->name, e->chip->name,
		  e->secure_download ? " in Secure Download Mode" : "");
	return 0;
}

int mpf_esp_read_mac(struct mpf_esp *e, uint8_t mac[6], struct mpf_buf *err)
{
	const struct mpf_esp_chip *c = e->chip;
	uint32_t a = 0, b = 0, m3 = 0;
	int r;

	if (e->secure_download)
		return mpf_errf(err, MPF_ERR_SUPP, "Secure Download Mode: eFuses cannot be read");
	switch (c->mac_kind) {
	case MPF_ESP_MAC_ESP8266:
		if ((r = mpf_esp_read_reg(e, c->mac_reg, &a, err)) < 0 ||
		    (r = mpf_esp_read_reg(e, c->mac_reg + 4, &b, err)) < 0 ||
		    (r = mpf_esp_read_reg(e, c->mac_reg + 12, &m3, err)) < 0)
			return r;
		if (m3) {
			mac[0] = (uint8_t)(m3 >> 16), mac[1] = (uint8_t)(m3 >> 8), mac[2] = (uint8_t)m3;
		} else if (((b >> 16) & 0xFF) <= 1) {
			static const uint8_t oui[2][3] = { { 0x18, 0xFE, 0x34 }, { 0xAC, 0xD0, 0x74 } };

			memcpy(mac, oui[(b >> 16) & 0xFF], 3);
		} else {
			return mpf_errf(err, MPF_ERR_PROTO, "unknown ESP8266 OUI code 0x%02x",
					(b >> 16) & 0xFF);
		}
		mac[3] = (uint8_t)(b >> 8), mac[4] = (uint8_t)b, mac[5] = (uint8_t)(a >> 24);
		return 0;
	case MPF_ESP_MAC_ESP32:
		if ((r = mpf_esp_read_reg(e, c->mac_reg + 4, &a, err)) < 0 ||
		    (r = mpf_esp_read_reg(e, c->mac_reg + 8, &b, err)) < 0)
			return r;
		break;
	case MPF_ESP_MAC_EFUSE:
		if ((r = mpf_esp_read_reg(e, c->mac_reg, &a, err)) < 0 ||
		    (r = mpf_esp_read_reg(e, c->mac_reg + 4, &b, err)) < 0)
			return r;
		break;
	}
	mac[0] = (uint8_t)(b >> 8), mac[1] = (uint8_t)b;
	mac[2] = (uint8_t)(a >> 24), mac[3] = (uint8_t)(a >> 16);
	mac[4] = (uint8_t)(a >> 8), mac[5] = (uint8_t)a;
	return 0;
}

/* doc/protocols.md 1.11: the ESP32 package code and the names it has on
 * the silicon, by major revision 3 and by the single-core eFuse bit */
static const char *esp32_package_name(unsigned p, int v3, int single)
{
	static const struct {
		const char *name, *v3, *single;
	} pkgs[8] = {
		{ "ESP32-D0WDQ6", "ESP32-D0WDQ6-V3", "ESP32-S0WDQ6" },
		{ "ESP32-D0WD", "ESP32-D0WD-V3", "ESP32-S0WD" },
		{ "ESP32-D2WD", NULL, NULL },
		{ NULL, NULL, NULL },
		{ "ESP32-U4WDH", NULL, NULL },
		{ "ESP32-PICO-D4", "ESP32-PICO-V3", NULL },
		{ "ESP32-PICO-V3-02", NULL, NULL },
		{ "ESP32-D0WDR2-V3", NULL, NULL },
	};

	if (p >= 8)
		return NULL;
	if (single && pkgs[p].single)
		return pkgs[p].single;
	return v3 && pkgs[p].v3 ? pkgs[p].v3 : pkgs[p].name;
}

int mpf_esp_esp32_package(struct mpf_esp *e, const char **pkg, int *rev, struct mpf_buf *err)
{
	uint32_t w3, w5, apb, base = e->chip->mac_reg;
	unsigned bits, major;
	int r;

	if (e->chip->mac_kind != MPF_ESP_MAC_ESP32)
		return MPF_ERR_SUPP;
	if ((r = mpf_esp_read_reg(e, base + 12, &w3, err)) < 0 ||
	    (r = mpf_esp_read_reg(e, base + 20, &w5, err)) < 0 ||
	    (r = mpf_esp_read_reg(e, 0x3FF6607C, &apb, err)) < 0)
		return r;
	/* doc/protocols.md 1.11: major revision from three scattered bits */
	bits = ((apb >> 31) & 1) << 2 | ((w5 >> 20) & 1) << 1 | ((w3 >> 15) & 1);
	major = bits == 1 ? 1 : bits == 3 ? 2 : bits == 7 ? 3 : 0;
	*rev = (int)(major * 100 + ((w5 >> 24) & 3));
	*pkg = esp32_package_name(((w3 >> 9) & 7) | ((w3 >> 2) & 1) << 3, major == 3, w3 & 1);
	return 0;
}

int mpf_esp_chip_revision(struct mpf_esp *e, int *rev, struct mpf_buf *err)
{
	const struct mpf_esp_rev *rv = e->chip->rev;
	uint32_t w[8] = { 0 };
	const char *pkg;
	int i, r;

	if (e->chip->mac_kind == MPF_ESP_MAC_ESP32)
		return mpf_esp_esp32_package(e, &pkg, rev, err);
	if (!rv || e->secure_download)
		return MPF_ERR_SUPP;
	for (i = 0; i < 6; i++)
		if ((r = mpf_esp_read_reg(e, e->chip->mac_reg + 4u * (uint32_t)i, &w[i], err)) < 0)
			return r;
	/* S3: block 2 word 4 (EFUSE_BASE + 0x5C + 16) for the eco0 rule */
	if (rv->s3_eco0 && (r = mpf_esp_read_reg(e, e->chip->mac_reg - 0x44 + 0x6C, &w[7], err)) < 0)
		return r;
	*rev = mpf_esp_rev_decode(rv, w);
	return 0;
}

/* ---- flash setup ------------------------------------------------------ */

/* What the loader accepts now: Secure Download Mode (S2 and later) takes
 * only plain FLASH_BEGIN/DATA/END of the flash commands (1.4); our stub
 * has the same commands on every chip, READ_FLASH instead of
 * READ_FLASH_SLOW, and no ESP8266 erase bug (1.14). */
static unsigned rom(const struct mpf_esp *e)
{
	unsigned caps = e->chip->rom;

	if (e->stub)
		return MPF_ESP_ROM_ATTACH | MPF_ESP_ROM_SPI_PARAMS | MPF_ESP_ROM_BAUD |
		       MPF_ESP_ROM_DEFL | MPF_ESP_ROM_MD5;
	if (e->secure_download)
		caps &= ~(unsigned)(MPF_ESP_ROM_DEFL | MPF_ESP_ROM_MD5 | MPF_ESP_ROM_READ_SLOW);
	return caps;
}

static int change_baud(struct mpf_esp *e, int baud, struct mpf_buf *err)
{
	/* the stub wants the rate it is at as the second word (1.14) */
	uint32_t w[2] = { (uint32_t)baud, e->stub ? (uint32_t)e->baud : 0 }, magic;
	int r;

	if (e->chip->xtal_clkdiv_reg && !e->secure_download && !e->stub) {
		uint32_t div;

		/* the divider the ROM's autobaud chose gives the crystal: a 26
		 * MHz ESP32-C2 ROM computes rates for 40 MHz (esptool esp32c2.py) */
		if ((r = mpf_esp_read_reg(e, e->chip->xtal_clkdiv_reg, &div, err)) < 0)
			return r;
		if ((double)e->baud * (div & 0xFFFFF) / 1e6 <= 33) {
			w[0] = (uint32_t)((uint64_t)baud * 40 / 26);
			mpf_debug("%s: 26 MHz crystal: asking the ROM for %u baud to get %d", e->t->name,
				  w[0], baud);
		}
	}
	if ((r = command(e, MPF_ESP_CHANGE_BAUDRATE, w, 2, DEFAULT_MS, 0, NULL, err)) < 0)
		return r;
	/* the ROM switches after its reply has left; give the UART time */
	mpf_sleep_ms(50);
	if ((r = mpf_tr_set_baud(e->t, baud)) < 0)
		return tr_error(e, r, err);
	drop_input(e);
	e->baud = baud;
	/* prove the new rate works before trusting a megabyte to it */
	r = mpf_esp_read_reg(e, MPF_ESP_CHIP_DETECT_MAGIC_REG, &magic, err);
	if (r == MPF_ERR_SUPP && e->secure_download)
		r = 0;
	if (r < 0) {
		char *why = mpf_xstrdup(mpf_buf_str(err));

		r = mpf_errf(err, MPF_ERR_IO, "no answer after switching to %d baud (%s)", baud, why);
		free(why);
		return r;
	}
	mpf_debug("%s: now at %d baud", e->t->name, baud);
	return 0;
}

static int attach(struct mpf_esp *e, struct mpf_buf *err)
{
	uint32_t w[5] = { 0 }, w3, w5;
	int r;

	if (!(rom(e) & MPF_ESP_ROM_ATTACH))	/* ESP8266: FLASH_BEGIN(0, 0) attaches */
		return command(e, MPF_ESP_FLASH_BEGIN, (uint32_t[]){ 0, 0, MPF_ESP_ROM_BLOCK, 0 },
			       4, DEFAULT_MS, 0, NULL, err);
	if (e->chip->mac_kind == MPF_ESP_MAC_ESP32) {
		/* the ESP32 ROM does not find in-package flash by itself:
		 * pass the SPI pads the eFuses name (esptool get_chip_spi_pads) */
		if ((r = mpf_esp_read_reg(e, e->chip->mac_reg + 20, &w5, err)) < 0 ||
		    (r = mpf_esp_read_reg(e, e->chip->mac_reg + 12, &w3, err)) < 0)
			return r;
		w[0] = ((w3 >> 4) & 0x1F) << 24 | ((w5 >> 15) & 0x1F) << 18 |
		       ((w5 >> 10) & 0x1F) << 12 | ((w5 >> 5) & 0x1F) << 6 | (w5 & 0x1F);
	}
	/* the stub takes the pin word alone, the ROM an "is legacy" word too */
	return command(e, MPF_ESP_SPI_ATTACH, w, e->stub ? 1 : 2, DEFAULT_MS, 0, NULL, err);
}

/* JEDEC RDID through the SPI controller's user-command registers. */
static int flash_id(struct mpf_esp *e, uint32_t *id, struct mpf_buf *err)
{
	const struct mpf_esp_chip *c = e->chip;
	uint32_t b = c->spi_base, usr, usr2, cmd = 0;
	int r, i;

	if ((r = mpf_esp_read_reg(e, b + c->spi_usr, &usr, err)) < 0 ||
	    (r = mpf_esp_read_reg(e, b + c->spi_usr2, &usr2, err)) < 0)
		return r;
	if (c->spi_miso_dlen)
		r = mpf_esp_write_reg(e, b + c->spi_miso_dlen, 24 - 1, err);
	else	/* ESP8266: bit lengths live in USR1 */
		r = mpf_esp_write_reg(e, b + c->spi_usr1, (24 - 1) << 8, err);
	if (r < 0 ||
	    (r = mpf_esp_write_reg(e, b + c->spi_usr, 1u << 31 | 1u << 28, err)) < 0 ||
	    (r = mpf_esp_write_reg(e, b + c->spi_usr2, 7u << 28 | 0x9F, err)) < 0 ||
	    (r = mpf_esp_write_reg(e, b + c->spi_w0, 0, err)) < 0 ||
	    (r = mpf_esp_write_reg(e, b, 1u << 18, err)) < 0)
		return r;
	for (i = 0; i < 10; i++) {
		if ((r = mpf_esp_read_reg(e, b, &cmd, err)) < 0)
			return r;
		if (!(cmd & 1u << 18))
			break;
	}
	if (cmd & 1u << 18)
		return mpf_errf(err, MPF_ERR_TIMEOUT, "SPI flash command did not complete");
	if ((r = mpf_esp_read_reg(e, b + c->spi_w0, id, err)) < 0 ||
	    (r = mpf_esp_write_reg(e, b + c->spi_usr, usr, err)) < 0 ||
	    (r = mpf_esp_write_reg(e, b + c->spi_usr2, usr2, err)) < 0)
		return r;
	*id &= 0xFFFFFF;
	return 0;
}

static int set_params(struct mpf_esp *e, struct mpf_buf *err)
{
	uint32_t w[6] = { 0, (uint32_t)e->flash_size, 0x10000, 0x1000, 0x100, 0xFFFF };

	if (!(rom(e) & MPF_ESP_ROM_SPI_PARAMS))
		return 0;	/* ESP8266: the ROM has no such command; skip it */
	return command(e, MPF_ESP_SPI_SET_PARAMS, w, 6, DEFAULT_MS, 0, NULL, err);
}

/* USB-Serial/JTAG chips keep their RTC watchdog and super-watchdog
 * running in the loader; left alone they reset the chip mid-flash. */
static int disable_watchdogs(struct mpf_esp *e, struct mpf_buf *err)
{
	const struct mpf_esp_wdt *w = e->chip->usj_wdt;
	uint32_t v;
	int r;

	if ((r = mpf_esp_write_reg(e, w->wprotect, MPF_ESP_WDT_KEY, err)) < 0 ||
	    (r = mpf_esp_write_reg(e, w->config0, 0, err)) < 0 ||
	    (r = mpf_esp_write_reg(e, w->wprotect, 0, err)) < 0 ||
	    (r = mpf_esp_write_reg(e, w->swd_wprotect, w->swd_key, err)) < 0 ||
	    (r = mpf_esp_read_reg(e, w->swd_conf, &v, err)) < 0 ||
	    (r = mpf_esp_write_reg(e, w->swd_conf, v | w->swd_feed_bit, err)) < 0 ||
	    (r = mpf_esp_write_reg(e, w->swd_wprotect, 0, err)) < 0)
		return r;
	mpf_debug("%s: USB-Serial/JTAG: RTC watchdog off, super-watchdog auto-fed", e->t->name);
	return 0;
}

int mpf_esp_raise_baud(struct mpf_esp *e, struct mpf_buf *err)
{
	if (!e->o.baud || e->o.baud == e->baud || !(rom(e) & MPF_ESP_ROM_BAUD))
		return 0;
	return change_baud(e, e->o.baud, err);
}

int mpf_esp_setup(struct mpf_esp *e, struct mpf_buf *err)
{
	int r;

	if (e->o.usb_jtag && e->chip->usj_wdt && !e->secure_download &&
	    (r = disable_watchdogs(e, err)) < 0)
		return r;

	if ((r = mpf_esp_raise_baud(e, err)) < 0)
		return r;
	if (e->o.baud && e->o.baud != e->baud)
		mpf_info("%s: the %s ROM cannot change baud; staying at %d", e->t->name,
			 e->chip->name, e->baud);
	if ((r = attach(e, err)) < 0)
		return r;
	e->attached = 1;
	e->flash_size = 4u << 20;
	e->flash_size_guessed = 1;
	if (!e->secure_download) {
		if ((r = flash_id(e, &e->flash_id, err)) < 0)
			return r;
		if (mpf_esp_jedec_size((uint8_t)(e->flash_id >> 16))) {
			e->flash_size = mpf_esp_jedec_size((uint8_t)(e->flash_id >> 16));
			e->flash_size_guessed = 0;
		} else {
			mpf_warn("%s: flash id 0x%06x gives no size; assuming 4MB", e->t->name,
				 e->flash_id);
		}
	}
	return set_params(e, err);
}

/* ---- write, verify, erase, read --------------------------------------- */

static void md5(const uint8_t *p, size_t n, uint8_t out[16])
{
	unsigned int len = 16;

	EVP_Digest(p, n, out, &len, EVP_md5(), NULL);
}

/* The ROM's MD5 of a flash range, as 16 bytes. */
static int mpf_esp_flash_md5(struct mpf_esp *e, uint32_t addr, uint32_t len, uint8_t out[16],
			     struct mpf_buf *err)
{
	uint32_t w[4] = { addr, len, 0, 0 };
	struct mpf_esp_reply rep;
	size_t i;
	int r;

	if (!(rom(e) & MPF_ESP_ROM_MD5))
		return mpf_errf(err, MPF_ERR_SUPP, "the %s ROM has no SPI_FLASH_MD5%s",
				e->chip->name, e->secure_download ? " in Secure Download Mode" : "");
	r = command(e, MPF_ESP_SPI_FLASH_MD5, w, 4, mpf_esp_timeout_per_mb(len, MD5_MS_PER_MB),
		    32, &rep, err);
	if (r < 0)
		return r;
	if (rep.len == 16) {	/* a stub's raw digest */
		memcpy(out, rep.data, 16);
		return 0;
	}
	if (rep.len != 32)
		return mpf_errf(err, MPF_ERR_PROTO, "SPI_FLASH_MD5 returned %zu bytes", rep.len);
	for (i = 0; i < 16; i++) {
		unsigned v;

		if (sscanf((const char *)rep.data + 2 * i, "%2x", &v) != 1)
			return mpf_errf(err, MPF_ERR_PROTO, "SPI_FLASH_MD5 returned non-hex text");
		out[i] = (uint8_t)v;
	}
	return 0;
}

/* Data block size: the ROM buffers 1 KiB, our stub 16 KiB (1.14). */
static size_t block_size(const struct mpf_esp *e)
{
	return e->stub ? MPF_ESP_STUB_BLOCK : MPF_ESP_ROM_BLOCK;
}

static int begin(struct mpf_esp *e, uint8_t op, uint32_t erase, uint32_t blocks, uint32_t addr,
		 struct mpf_buf *err)
{
	uint32_t w[5] = { erase, blocks, (uint32_t)block_size(e), addr, 0 };
	size_t nw = rom(e) & MPF_ESP_ROM_BEGIN5 ? 5 : 4;

	/* the ROM erases the whole region before it answers; the stub
	 * erases as the data comes and answers at once */
	return command(e, op, w, nw, e->stub ? DEFAULT_MS :
		       mpf_esp_timeout_per_mb(erase, ERASE_MS_PER_MB), 0, NULL, err);
}

/* MPF_FAULT=espsum:N: the N-th data block leaves with a wrong checksum,
 * as a bit flipped on the wire would make it. Flips the checksum's low
 * byte inside the SLIP frame; a second call undoes it. */
static void flip_checksum(struct mpf_buf *f)
{
	uint8_t *p = (uint8_t *)f->buf;
	size_t i = 1, k = 0;

	for (; i < f->len && k < 4; i++, k++)	/* decoded bytes 0-3: direction, op, size */
		if (p[i] == MPF_SLIP_ESC)
			i++;
	if (i + 1 >= f->len)
		return;
	if (p[i] == MPF_SLIP_ESC)	/* an escaped 0xC0 becomes 0xDB, or back */
		p[i + 1] ^= MPF_SLIP_ESC_END ^ MPF_SLIP_ESC_ESC;
	else
		p[i] ^= (p[i] ^ 1) == MPF_SLIP_END || (p[i] ^ 1) == MPF_SLIP_ESC ? 2 : 1;
}

/* Send the frame in e->out and wait for its reply, again on a lost or
 * damaged reply. A block the ROM refused (checksum, or 0x05 for a block it
 * has already counted) is not sent again: after a checksum error the ROM
 * expects the next sequence number but has not moved its write address, so
 * its write is lost (doc/protocols.md 1.13); e->write_lost says so. Our
 * stub counts only the blocks it took: it gets a refused one again. */
static int send_block(struct mpf_esp *e, uint8_t op, uint32_t seq, struct mpf_buf *err)
{
	struct mpf_esp_reply rep;
	char *last;
	int tries, r = 0, bad;

	for (tries = 0; tries < BLOCK_TRIES; tries++) {
		memset(&rep, 0, sizeof(rep));
		if (tries) {
			e->retries++;
			mpf_warn("%s: block %u: %s; sending it again", e->t->name, seq,
				 mpf_buf_str(err));
		}
		e->wire_bytes += e->out.len;
		if ((bad = mpf_fault("espsum")))
			flip_checksum(&e->out);
		r = send_out(e, err);
		if (bad)
			flip_checksum(&e->out);
		if (r < 0)
			return r;
		r = await(e, op, DEFAULT_MS, 0, &rep, err);
		if (r == 0 || r == MPF_ERR_NODEV || r == MPF_ERR_INTR || r == MPF_ERR_IO)
			return r;
		if (r == MPF_ERR_TIMEOUT && *junk_hint(e))
			return r;	/* it rebooted or crashed: the write is lost */
		if (r == MPF_ERR_TIMEOUT && e->o.deadline && mpf_now_ms() >= e->o.deadline)
			return r;	/* --timeout ran out: no point sending again */
		bad = rep.status && (rep.error == MPF_ESP_ERR_CHECKSUM ||
				     rep.error == MPF_ESP_ERR_INVALID);
		if (bad && e->stub)
			continue;	/* our stub takes the same block again */
		e->write_lost = bad;
		if (rep.status)
			return r;	/* refused, or a flash or deflate error */
	}
	last = mpf_xstrdup(mpf_buf_str(err));	/* err is both message and argument */
	mpf_errf(err, r, "block %u failed %d times: %s", seq, BLOCK_TRIES, last);
	free(last);
	return r;
}

struct run {
	uint32_t addr;
	const uint8_t *data;
	size_t len;
	struct mpf_progress *prog;
	uint64_t base;		/* progress before this run */
	size_t off, n;		/* the part of the run being written */
	uint32_t acked;		/* its blocks the ROM has taken */
};

static int write_blocks(struct mpf_esp *e, struct run *w, const uint8_t *src, size_t n, int defl,
			struct mpf_buf *err)
{
	uint8_t op = defl ? MPF_ESP_FLASH_DEFL_DATA : MPF_ESP_FLASH_DATA;
	size_t bs = block_size(e);
	uint32_t blocks = (uint32_t)((n + bs - 1) / bs), seq;
	int64_t t0 = mpf_now_ms(), got = 0;
	int r;

	for (seq = 0; seq < blocks; seq++) {
		size_t off = (size_t)seq * bs;
		size_t len = n - off < bs ? n - off : bs;

		if (mpf_interrupted)
			return mpf_errf(err, MPF_ERR_INTR, "interrupted");
		mpf_buf_reset(&e->out);
		/* plain blocks are padded to the block size; deflate chunks are not */
		mpf_esp_encode_data(&e->out, op, src + off, len, seq, defl ? 0 : bs);
		if (got)	/* our share of the dead time: reply in to next frame out */
			e->turnaround_us += mpf_now_us() - got;
		if ((r = send_block(e, op, seq, err)) < 0)
			return r;
		got = mpf_now_us();
		w->acked = seq + 1;
		mpf_progress_update(w->prog, w->base + w->off + (uint64_t)w->n * (seq + 1) / blocks);
	}
	e->data_ms += mpf_now_ms() - t0;
	/* the stub acknowledges a block before programming it: wait until
	 * the last one is in flash (it answers commands in order) */
	return e->stub ? mpf_esp_stub_drain(e, err) : 0;
}

/* The uncompressed length of the first zlen bytes of a zlib stream. */
static size_t inflated_len(const uint8_t *z, size_t zlen)
{
	uint8_t out[16384];
	z_stream s;
	size_t n = 0;
	int r;

	memset(&s, 0, sizeof(s));
	if (inflateInit(&s) != Z_OK)
		return 0;
	s.next_in = (uint8_t *)z;
	s.avail_in = (uInt)zlen;
	do {
		s.next_out = out;
		s.avail_out = sizeof(out);
		r = inflate(&s, Z_NO_FLUSH);
		n += sizeof(out) - s.avail_out;
	} while (r == Z_OK && s.avail_out == 0);
	inflateEnd(&s);
	return n;
}

#define DEFL_WINDOW 0x8000	/* the ROM's inflate window (doc/protocols.md 1.13) */

/* Bytes from the start of a part that are surely on flash after its write
 * failed: the blocks taken, in whole sectors; deflated, the windows the ROM
 * has programmed (two, as its window may be larger than deflate's). */
static size_t written_part(const struct mpf_esp *e, const struct run *w, const uint8_t *z, int defl)
{
	size_t got = (size_t)w->acked * block_size(e);

	if (defl)
		return inflated_len(z, got) / (2 * DEFL_WINDOW) * (2 * DEFL_WINDOW);
	got = got < w->n ? got : w->n;
	return got / MPF_ESP_SECTOR * MPF_ESP_SECTOR;
}

/* One BEGIN and its blocks for w->n bytes at w->off of the run (starting
 * on a sector), deflated when asked and it helps. *done: bytes surely
 * written when it fails. */
static int write_part(struct mpf_esp *e, struct run *w, int defl, size_t *done,
		      struct mpf_buf *err)
{
	const uint8_t *data = w->data + w->off;
	uint32_t addr = w->addr + (uint32_t)w->off, len = (uint32_t)w->n;
	uLongf zlen = defl ? compressBound(w->n) : 0;
	uint8_t *z = defl ? mpf_xmalloc(zlen) : NULL;
	int r;

	w->acked = 0;
	if (defl && (compress2(z, &zlen, data, w->n, 9) != Z_OK || zlen >= w->n))
		defl = 0;
	if (defl) {
		/* the ROM takes the size rounded up to whole blocks, the stub
		 * the size the data inflates to (doc/protocols.md 1.14) */
		uint32_t size = e->stub ? len : (len + MPF_ESP_ROM_BLOCK - 1) / MPF_ESP_ROM_BLOCK *
						 MPF_ESP_ROM_BLOCK;

		mpf_debug("%s: 0x%08x: %u bytes, %lu deflated", e->t->name, addr, len,
			  (unsigned long)zlen);
		r = begin(e, MPF_ESP_FLASH_DEFL_BEGIN, size,
			  (uint32_t)((zlen + block_size(e) - 1) / block_size(e)), addr, err);
		if (r == 0)
			r = write_blocks(e, w, z, zlen, 1, err);
	} else {
		r = begin(e, MPF_ESP_FLASH_BEGIN, rom(e) & MPF_ESP_ROM_ERASE_BUG
				  ? mpf_esp8266_erase_size(addr, len) : len,
			  (uint32_t)((len + block_size(e) - 1) / block_size(e)), addr, err);
		if (r == 0)
			r = write_blocks(e, w, data, w->n, 0, err);
	}
	*done = r < 0 ? written_part(e, w, z, defl) : w->n;
	free(z);
	return r;
}

/* Where the deflated part of a run of len bytes ends. The ESP32 ROM
 * programs the rest of its inflate window past the end of the stream, a
 * whole window when the stream ends on a window boundary (doc/protocols.md
 * 1.13): end it one sector before a boundary, so that what the ROM writes
 * past it falls in the rest of the run, which goes plain, erased first. */
static size_t deflate_end(const struct mpf_esp *e, size_t len)
{
	size_t end = len / DEFL_WINDOW * DEFL_WINDOW;

	if (!(rom(e) & MPF_ESP_ROM_DEFL) || e->o.no_compress)
		return 0;
	if (!(rom(e) & MPF_ESP_ROM_DEFL_OVERRUN))
		return len;
	return end > MPF_ESP_SECTOR ? end - MPF_ESP_SECTOR : 0;
}

/* The ROM lost a write: reset, sync and set up again (at the rate the
 * ROM is at when it is not reset), to go on from the last good block. */
static int reconnect(struct mpf_esp *e, uint32_t at, struct mpf_buf *err)
{
	char *why = mpf_xstrdup(mpf_buf_str(err));
	int r;

	mpf_warn("%s: %s; reconnecting to go on at 0x%x", e->t->name, why, at);
	free(why);
	mpf_buf_reset(err);
	if (e->o.before == MPF_ESP_BEFORE_NONE)
		e->o.sync_baud = e->baud;
	if ((r = mpf_esp_connect(e, err)) < 0 || (r = mpf_esp_setup(e, err)) < 0)
		return r;
	e->retries++;
	return 0;
}

#define RECONNECTS 3

static int write_run(struct mpf_esp *e, struct run *w, struct mpf_buf *err)
{
	uint8_t *padded = NULL;
	uint32_t pre = w->addr % MPF_ESP_SECTOR;
	size_t done, dend;
	int r = 0, lost = 0;

	if (pre) {	/* the ROM erases whole sectors: start on one, 0xFF before */
		padded = mpf_xmalloc(w->len + pre);
		memset(padded, 0xFF, pre);
		memcpy(padded + pre, w->data, w->len);
		w->data = padded, w->len += pre, w->addr -= pre;
	}
	dend = deflate_end(e, w->len);
	for (w->off = 0; w->off < w->len; w->off += done) {
		int defl = w->off < dend;

		w->n = (defl ? dend : w->len) - w->off;
		e->write_lost = 0;
		if ((r = write_part(e, w, defl, &done, err)) == 0)
			continue;
		if (!e->write_lost || ++lost > RECONNECTS ||
		    (r = reconnect(e, w->addr + (uint32_t)(w->off + done), err)) < 0)
			break;
	}
	free(padded);
	return r;
}

#define CHUNK 0x10000

/* --skip-unchanged: compare 64 KiB chunks with the ROM's MD5 and write
 * each run of differing chunks in one go. */
static int write_changed(struct mpf_esp *e, struct run *w, struct mpf_esp_write_result *res,
			 struct mpf_buf *err)
{
	const uint8_t *data = w->data;
	uint32_t addr = w->addr;
	size_t len = w->len, off = 0;
	uint8_t all[2][16];
	int r = 0;

	/* the stub's MD5 reads a megabyte in a fraction of a second: one
	 * round trip settles an unchanged image */
	if (e->stub && len > CHUNK) {
		md5(data, len, all[0]);
		if ((r = mpf_esp_flash_md5(e, addr, (uint32_t)len, all[1], err)) < 0)
			return r;
		if (!memcmp(all[0], all[1], 16)) {
			res->skipped = len;
			mpf_progress_update(w->prog, len);
			return 0;
		}
	}
	while (off < len && r == 0) {
		size_t start = off, n = 0, same = 0;
		uint8_t want[16], got[16];

		while (off < len) {
			n = len - off < CHUNK ? len - off : CHUNK;
			md5(data + off, n, want);
			if ((r = mpf_esp_flash_md5(e, addr + (uint32_t)off, (uint32_t)n, got, err)) < 0)
				break;
			if (memcmp(want, got, 16)) {
				off += n;
				continue;
			}
			res->skipped += n;
			if (off != start) {
				same = n;	/* ends the run; already compared */
				break;
			}
			start = off += n;	/* unchanged: skip it */
			mpf_progress_update(w->prog, off);
		}
		if (r < 0 || off == start)
			break;
		w->addr = addr + (uint32_t)start;
		w->data = data + start;
		w->len = off - start;
		w->base = start;
		r = write_run(e, w, err);
		res->written += off - start;
		off += same;
	}
	return r;
}

int mpf_esp_write(struct mpf_esp *e, uint32_t addr, const uint8_t *data, size_t len,
		  int skip_unchanged, struct mpf_esp_write_result *res, struct mpf_buf *err)
{
	struct run w = { addr, data, len, NULL, 0 };
	int r;

	memset(res, 0, sizeof(*res));
	e->data_ms = 0;
	e->wire_bytes = 0;
	e->turnaround_us = 0;
	if ((uint64_t)addr + len > e->flash_size)
		return mpf_errf(err, MPF_ERR_ARG, "0x%08x+%zu ends beyond the %llu-byte flash", addr,
				len, (unsigned long long)e->flash_size);
	if (skip_unchanged && !(rom(e) & MPF_ESP_ROM_MD5)) {
		mpf_warn("%s: the %s ROM has no MD5 command: --skip-unchanged cannot compare, "
			 "writing everything", e->t->name, e->chip->name);
		skip_unchanged = 0;
	}
	w.prog = mpf_progress_begin(e->o.progress_id, "write", len);
	if (skip_unchanged) {
		r = write_changed(e, &w, res, err);
	} else {
		r = write_run(e, &w, err);
		res->written = len;
	}
	mpf_progress_end(w.prog, r == 0);
	return r;
}

int mpf_esp_verify(struct mpf_esp *e, uint32_t addr, const uint8_t *data, size_t len,
		   struct mpf_buf *err)
{
	uint8_t want[16], got[16];
	int r;

	md5(data, len, want);
	if ((r = mpf_esp_flash_md5(e, addr, (uint32_t)len, got, err)) < 0)
		return r;
	if (memcmp(want, got, 16))
		return mpf_errf(err, MPF_ERR_MISMATCH, "verify failed: the flash MD5 of "
				"0x%08x+%zu differs from the data written", addr, len);
	return 0;
}

int mpf_esp_erase(struct mpf_esp *e, uint32_t addr, uint32_t len, struct mpf_buf *err)
{
	struct mpf_progress *p = mpf_progress_begin(e->o.progress_id, "erase", len);
	uint32_t size = len;
	int r;

	if (rom(e) & MPF_ESP_ROM_ERASE_BUG)
		size = mpf_esp8266_erase_size(addr, len);
	/* no chip or region erase in the ROM (those are stub commands):
	 * FLASH_BEGIN erases the region it is given, and no block follows */
	if (e->stub)
		r = mpf_esp_stub_erase(e, addr, len, err);
	else
		r = begin(e, MPF_ESP_FLASH_BEGIN, size, 0, addr, err);
	mpf_progress_update(p, len);
	mpf_progress_end(p, r == 0);
	return r;
}

int mpf_esp_read_flash(struct mpf_esp *e, uint32_t addr, uint8_t *out, size_t len,
		       struct mpf_buf *err)
{
	struct mpf_progress *p;
	size_t done = 0;
	int r = 0;

	if (e->stub)
		return mpf_esp_stub_read(e, addr, out, len, err);
	if (!(rom(e) & MPF_ESP_ROM_READ_SLOW))
		return mpf_errf(err, MPF_ERR_SUPP, "the %s ROM cannot read flash (READ_FLASH_SLOW "
				"is an ESP32-family ROM command; reading needs the flasher stub)",
				e->chip->name);
	p = mpf_progress_begin(e->o.progress_id, "read", len);
	while (done < len && r == 0) {
		uint32_t w[2] = { addr + (uint32_t)done, len - done < 64 ? (uint32_t)(len - done) : 64 };
		struct mpf_esp_reply rep;

		r = command(e, MPF_ESP_READ_FLASH_SLOW, w, 2, DEFAULT_MS, 64, &rep, err);
		if (r == 0 && rep.len < w[1])
			r = mpf_errf(err, MPF_ERR_PROTO, "READ_FLASH_SLOW returned %zu bytes, "
				     "asked for %u", rep.len, w[1]);
		if (r == 0) {
			memcpy(out + done, rep.data, w[1]);
			done += w[1];
			mpf_progress_update(p, done);
		}
	}
	mpf_progress_end(p, r == 0);
	return r;
}

/* The port is the chip's ROM USB-OTG CDC (known after detect). */
static int mpf_esp_on_usb_otg(const struct mpf_esp *e)
{
	return e->chip && e->chip->otg && e->o.usb_pid && e->o.usb_pid == e->chip->chip_id;
}

int mpf_esp_on_usb(const struct mpf_esp *e)
{
	return e->o.usb_jtag || mpf_esp_on_usb_otg(e);
}

static int write_reg_mask(struct mpf_esp *e, uint32_t addr, uint32_t val, uint32_t mask,
			  struct mpf_buf *err)
{
	uint32_t w[4] = { addr, val, mask, 0 };

	return command(e, MPF_ESP_WRITE_REG, w, 4, DEFAULT_MS, 0, NULL, err);
}

/* esptool watchdog_reset: RTC WDT armed with a short timeout; the chip
 * then boots from flash (the strap is only sampled at power-on/EN). */
static int watchdog_reset(struct mpf_esp *e, const struct mpf_esp_otg *o, struct mpf_buf *err)
{
	int r;

	if ((r = mpf_esp_write_reg(e, o->wdt_wprotect, MPF_ESP_WDT_KEY, err)) < 0 ||
	    (r = mpf_esp_write_reg(e, o->wdt_config1, 2000, err)) < 0 ||
	    (r = mpf_esp_write_reg(e, o->wdt_config0,
				   1u << 31 | 5u << 28 | 1u << 8 | 2, err)) < 0)
		return r;
	/* the chip may be gone before it answers the lock */
	mpf_esp_write_reg(e, o->wdt_wprotect, 0, err);
	mpf_debug("%s: watchdog reset (USB-OTG)", e->t->name);
	mpf_sleep_ms(500);
	return 0;
}

static int otg_reset(struct mpf_esp *e, int *done)
{
	const struct mpf_esp_otg *o = e->chip->otg;
	struct mpf_buf err = MPF_BUF_INIT;
	uint32_t strap = 0, opt1 = 0;
	int r = 0;

	*done = 0;
	/* S3: a set force-download flag would bring it back to the loader */
	if (o->clear_force_dl)
		write_reg_mask(e, o->option1, 0, o->force_dl, &err);
	if (o->always_wdt ||
	    ((r = mpf_esp_read_reg(e, o->strap_reg, &strap, &err)) == 0 &&
	     (r = mpf_esp_read_reg(e, o->option1, &opt1, &err)) == 0 &&
	     !(strap & o->strap_spi_boot) && !(opt1 & o->force_dl))) {
		r = watchdog_reset(e, o, &err);
		*done = r == 0;
	}
	if (r < 0)
		mpf_debug("%s: %s", e->t->name, mpf_buf_str(&err));
	mpf_buf_release(&err);
	return r;
}

int mpf_esp_hard_reset(struct mpf_esp *e)
{
	int usb = mpf_esp_on_usb(e), r, done;

	if (mpf_esp_on_usb_otg(e) && e->synced && !e->secure_download &&
	    otg_reset(e, &done) == 0 && done)
		return 0;

	/* DTR released first: with both asserted the auto-reset circuit
	 * holds EN high and nothing happens */
	if ((r = mpf_tr_set_lines(e->t, 0, -1)) < 0 || (r = mpf_tr_set_lines(e->t, -1, 1)) < 0)
		return r;
	mpf_sleep_ms(usb ? 200 : 100);
	r = mpf_tr_set_lines(e->t, -1, 0);
	if (usb)
		mpf_sleep_ms(200);
	return r;
}

