/* esp_flash.h - talking to an Espressif mask ROM loader over a transport:
 * reset into the loader, sync, detect the chip, attach and size the
 * flash, change baud, write (deflated where the ROM can inflate), verify
 * with the MD5 command, erase, read. Through the chip's ROM (esp_chip.h
 * says what each ROM has) or, once mpf_esp_load_stub has started our
 * flasher stub in the chip's RAM, through the stub's command set
 * (doc/protocols.md 1.14): 16 KiB blocks acknowledged on receipt,
 * erase as it goes, READ_FLASH, ERASE_FLASH/REGION, MD5 on every chip.
 *
 *   struct mpf_esp e;
 *   mpf_esp_init(&e, transport, &opts);
 *   if (mpf_esp_connect(&e, &err) < 0 || mpf_esp_setup(&e, &err) < 0) ...
 *   mpf_esp_write(&e, 0x1000, data, len, &res, &err);
 *   mpf_esp_hard_reset(&e);
 *   mpf_esp_release(&e);
 */
#ifndef MPF_ESP_FLASH_H
#define MPF_ESP_FLASH_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "esp_chip.h"
#include "slip.h"
#include "transport.h"

struct mpf_esp_reply;

/* One line-change step of a reset sequence (doc/protocols.md 1.9). dtr/rts:
 * 1 asserted, 0 released, -1 unchanged; both given = one TIOCMSET.
 * ms: sleep afterwards; MPF_ESP_DELAY = the sequence's reset delay. */
struct mpf_esp_step {
	signed char dtr, rts;
	short ms;
};
#define MPF_ESP_DELAY (-1)

struct mpf_esp_reset {
	const char *name;	/* "tight", "classic", "usb-jtag", "none" */
	int delay_ms;		/* the reset delay: 50, then 550 for slow boards */
	const struct mpf_esp_step *steps;	/* ends with dtr == rts == -1, ms == 0 */
};

extern const struct mpf_esp_reset mpf_esp_resets[];	/* ends with name NULL */

/* Run one reset sequence on t. */
int mpf_esp_run_reset(struct mpf_transport *t, const struct mpf_esp_reset *r);

enum mpf_esp_before { MPF_ESP_BEFORE_DEFAULT, MPF_ESP_BEFORE_USB, MPF_ESP_BEFORE_NONE };

struct mpf_esp_opts {
	int baud;		/* after connect (0: stay at the sync rate) */
	int sync_baud;		/* 0: 115200 */
	enum mpf_esp_before before;
	int usb_jtag;		/* the port is a USB-Serial/JTAG (303a:1001): try its reset first */
	int usb_pid;		/* PID of an Espressif (303a) port, 0 otherwise: the ROM's
				 * USB-OTG CDC port has PID = chip id */
	int attempts;		/* connect attempts (0: 7) */
	int no_compress;	/* plain FLASH_DATA blocks even where the ROM inflates */
	const char *progress_id;	/* names the board in progress events */
	int64_t deadline;	/* mpf_now_ms() after which everything fails (0: none) */
};

struct mpf_esp_secinfo {
	int valid, has_chip_id;
	uint32_t flags, chip_id, api_version;
	uint8_t crypt_cnt;
};

struct mpf_esp {
	struct mpf_transport *t;
	struct mpf_esp_opts o;
	const struct mpf_esp_chip *chip;
	struct mpf_slip slip;
	uint8_t rbuf[4096];
	size_t rpos, rlen;
	struct mpf_buf out;	/* the frame being sent */
	struct mpf_buf bootlog;	/* text seen before sync */
	int status_len;		/* 2 or 4, learnt from the SYNC reply */
	int synced, attached, secure_download;
	int write_lost;		/* the ROM refused a block: its write must begin again */
	int stub;		/* our flasher stub answers, not the ROM (esp_stub.h) */
	struct mpf_esp_secinfo sec;
	uint32_t flash_id;	/* JEDEC RDID, 0 when unknown */
	uint64_t flash_size;	/* bytes, detected or 4 MB */
	int flash_size_guessed;
	int baud;		/* current rate */
	unsigned long retries;	/* blocks sent again after a fault */
	int64_t data_ms;	/* time in the *_DATA phase of the last write */
	uint64_t wire_bytes;	/* bytes sent in that phase, SLIP framing included */
	int64_t turnaround_us;	/* our time from a reply to the next block, summed */
};

void mpf_esp_init(struct mpf_esp *e, struct mpf_transport *t, const struct mpf_esp_opts *o);
void mpf_esp_release(struct mpf_esp *e);

/* Reset into the loader and sync, trying the reset sequences in the order
 * of 1.9. The error tells "chip booted normally (strap)" from "no answer". */
int mpf_esp_connect(struct mpf_esp *e, struct mpf_buf *err);
/* Detect the chip (GET_SECURITY_INFO, else the magic register). */
int mpf_esp_detect(struct mpf_esp *e, struct mpf_buf *err);
/* Switch to o.baud now if the loader can (a stub uploaded after this
 * comes in at that rate); nothing when it cannot. */
int mpf_esp_raise_baud(struct mpf_esp *e, struct mpf_buf *err);
/* Change baud (falls back to staying where it is when the ROM cannot),
 * attach the flash, read its JEDEC id and size, set SPI parameters. */
int mpf_esp_setup(struct mpf_esp *e, struct mpf_buf *err);

/* MAC address as 6 bytes. */
int mpf_esp_read_mac(struct mpf_esp *e, uint8_t mac[6], struct mpf_buf *err);
/* major*100+minor from eFuses; MPF_ERR_SUPP on the ESP8266. */
int mpf_esp_chip_revision(struct mpf_esp *e, int *rev, struct mpf_buf *err);
/* ESP32 only: "ESP32-D0WD-V3", major*100+minor revision; MPF_ERR_SUPP elsewhere. */
int mpf_esp_esp32_package(struct mpf_esp *e, const char **pkg, int *rev, struct mpf_buf *err);

struct mpf_esp_write_result {
	uint64_t written;	/* bytes of the region actually sent (after --skip-unchanged) */
	uint64_t skipped;	/* bytes found unchanged */
};

/* Write len bytes at addr. skip_unchanged compares 64 KiB chunks by MD5
 * first and writes only the ones that differ. Nothing is verified here:
 * a job verifies every region after its last write (mpf_esp_verify). */
int mpf_esp_write(struct mpf_esp *e, uint32_t addr, const uint8_t *data, size_t len,
		  int skip_unchanged, struct mpf_esp_write_result *res, struct mpf_buf *err);
/* Compare the flash at addr with data by the ROM's MD5: 0 when equal,
 * MPF_ERR_MISMATCH when not, MPF_ERR_SUPP when the ROM cannot (ESP8266,
 * Secure Download Mode). */
int mpf_esp_verify(struct mpf_esp *e, uint32_t addr, const uint8_t *data, size_t len,
		   struct mpf_buf *err);
/* Erase [addr, addr+len) (sector multiples) through FLASH_BEGIN. */
int mpf_esp_erase(struct mpf_esp *e, uint32_t addr, uint32_t len, struct mpf_buf *err);
/* Read flash through READ_FLASH_SLOW (64 bytes a round trip). */
int mpf_esp_read_flash(struct mpf_esp *e, uint32_t addr, uint8_t *out, size_t len,
		       struct mpf_buf *err);
/* Send the request frame built in e->out and wait up to timeout_ms for
 * the reply to op (esp_stub.c builds its uploads with this). */
int mpf_esp_transact(struct mpf_esp *e, uint8_t op, int timeout_ms, struct mpf_esp_reply *rep,
		     struct mpf_buf *err);
/* Wait up to timeout_ms for the next SLIP frame: 1 with it in
 * e->slip.frame, MPF_ERR_TIMEOUT, or a transport error. */
int mpf_esp_next_frame(struct mpf_esp *e, int timeout_ms, struct mpf_buf *err);

/* Leave the loader and run the firmware: RTS pulse (1.9); on the ROM's
 * USB-OTG port, where RTS resets nothing, an RTC watchdog reset. */
int mpf_esp_hard_reset(struct mpf_esp *e);
/* The port is one of the chip's own USB ports (its USB-Serial/JTAG, or
 * the ROM's USB-OTG CDC, known after detect), not a UART bridge. */
int mpf_esp_on_usb(const struct mpf_esp *e);

#endif
