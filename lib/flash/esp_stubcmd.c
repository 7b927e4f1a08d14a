/* esp_stubcmd.c - stub-only commands (see esp_stubcmd.h). */
#include "esp_stubcmd.h"
#include "clock.h"
#include "err.h"
#include "esp_loader.h"
#include "log.h"
#include "progress.h"
#include "slip.h"

#include <openssl/evp.h>
#include <string.h>

#define DRAIN_MS 10000		/* one 16 KiB block: at most 5 sector erases and 64 pages */
#define ERASE_MS_PER_MB 40000	/* the ROM path's figure (doc/protocols.md 1.8) */
#define READ_PACKET 0x1000	/* bytes a READ_FLASH packet carries */
#define READ_INFLIGHT 64	/* packets the stub may send ahead of our acknowledgements */
#define PACKET_MS 3000

static int stub_command(struct mpf_esp *e, uint8_t op, const uint32_t *w, size_t nw,
			int timeout_ms, struct mpf_buf *err)
{
	struct mpf_esp_reply rep;

	mpf_buf_reset(&e->out);
	mpf_esp_encode_words(&e->out, op, w, nw);
	return mpf_esp_transact(e, op, timeout_ms, &rep, err);
}

int mpf_esp_stub_drain(struct mpf_esp *e, struct mpf_buf *err)
{
	uint32_t reg = MPF_ESP_CHIP_DETECT_MAGIC_REG;

	return stub_command(e, MPF_ESP_READ_REG, &reg, 1, DRAIN_MS, err);
}

int mpf_esp_stub_erase(struct mpf_esp *e, uint32_t addr, uint32_t len, struct mpf_buf *err)
{
	uint32_t w[2] = { addr, len };
	int ms = mpf_esp_timeout_per_mb(len, ERASE_MS_PER_MB);

	if (addr == 0 && len == e->flash_size)
		return stub_command(e, MPF_ESP_ERASE_FLASH, NULL, 0, ms, err);
	return stub_command(e, MPF_ESP_ERASE_REGION, w, 2, ms, err);
}

/* One data packet into out + *done, acknowledged. */
static int read_packet(struct mpf_esp *e, uint8_t *out, size_t len, size_t *done,
		       struct mpf_buf *err)
{
	uint8_t ack[4];
	size_t n;
	int r = mpf_esp_next_frame(e, PACKET_MS, err);

	if (r == MPF_ERR_TIMEOUT)
		return mpf_errf(err, r, "READ_FLASH: no data after %zu of %zu bytes", *done, len);
	if (r < 0)
		return r;
	n = e->slip.frame.len;
	if (n > len - *done || (n < READ_PACKET && *done + n < len))
		return mpf_errf(err, MPF_ERR_PROTO, "READ_FLASH: a packet of %zu bytes after %zu "
				"of %zu", n, *done, len);
	memcpy(out + *done, e->slip.frame.buf, n);
	*done += n;
	mpf_put_le32(ack, (uint32_t)*done);
	mpf_buf_reset(&e->out);
	mpf_slip_encode(&e->out, ack, sizeof(ack));
	if ((r = mpf_tr_write(e->t, e->out.buf, e->out.len, PACKET_MS)) < 0)
		return mpf_errf(err, r, "%s", e->t->err.len ? e->t->err.buf : mpf_err_name(r));
	return 0;
}

/* The stub's MD5 of what it sent, after the last packet. */
static int read_digest(struct mpf_esp *e, const uint8_t *data, size_t len, struct mpf_buf *err)
{
	uint8_t md[16];
	unsigned int mdlen = sizeof(md);
	int r = mpf_esp_next_frame(e, PACKET_MS, err);

	if (r < 0)
		return r == MPF_ERR_TIMEOUT ? mpf_errf(err, r, "READ_FLASH: no MD5 after the data")
					    : r;
	if (e->slip.frame.len != sizeof(md))
		return mpf_errf(err, MPF_ERR_PROTO, "READ_FLASH: a %zu-byte frame where its MD5 "
				"belongs", e->slip.frame.len);
	EVP_Digest(data, len, md, &mdlen, EVP_md5(), NULL);
	if (memcmp(md, e->slip.frame.buf, sizeof(md)))
		return mpf_errf(err, MPF_ERR_MISMATCH, "READ_FLASH: the data received differs from "
				"what the stub sent (MD5)");
	return 0;
}

int mpf_esp_stub_read(struct mpf_esp *e, uint32_t addr, uint8_t *out, size_t len,
		      struct mpf_buf *err)
{
	uint32_t w[4] = { addr, (uint32_t)len, READ_PACKET, READ_INFLIGHT };
	struct mpf_progress *p = mpf_progress_begin(e->o.progress_id, "read", len);
	size_t done = 0;
	int r = stub_command(e, MPF_ESP_READ_FLASH, w, 4, PACKET_MS, err);

	while (r == 0 && done < len) {
		if (mpf_interrupted)
			r = mpf_errf(err, MPF_ERR_INTR, "interrupted");
		else if ((r = read_packet(e, out, len, &done, err)) == 0)
			mpf_progress_update(p, done);
	}
	if (r == 0)
		r = read_digest(e, out, len, err);
	mpf_progress_end(p, r == 0);
	return r;
}
