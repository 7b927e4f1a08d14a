/* stub.h - our ESP flasher stub: a portable core (SLIP, inflate, MD5, the
 * command loop) over a small per-chip platform layer (UART, SPI flash,
 * registers). The core is plain C with no library: the same files build
 * for the chips and, in the unit tests, for the host over a fake UART
 * and flash.
 *
 * The wire protocol is the one esptool documents for its stub
 * ("Serial Protocol", "Supported by software loader"): the ROM loader's
 * requests, replies with two status bytes, and the stub-only commands. */
#ifndef STUB_H
#define STUB_H

#include <stddef.h>
#include <stdint.h>

/* ---- the platform: one implementation per chip (and the host fake) --- */

/* Next received byte, or -1 when none has arrived yet. */
int plat_rx(void);
/* Send n bytes; returns when they are in the transmitter. */
void plat_tx(const uint8_t *p, uint32_t n);
/* Wait until everything sent has left the wire. */
void plat_tx_drain(void);
/* 1 when received bytes are queued by an interrupt while the core is
 * busy (the core then acknowledges data blocks on receipt and programs
 * them while the next one arrives), 0 when bytes must be polled (it
 * then answers a block only once it is programmed, so the host waits). */
extern const int plat_rx_buffered;

/* Switch the UART from old_baud (the rate now) to new_baud. */
void plat_set_baud(uint32_t new_baud, uint32_t old_baud);
uint32_t plat_read_reg(uint32_t addr);
void plat_write_reg(uint32_t addr, uint32_t value);
void plat_delay_us(uint32_t us);

/* SPI flash; 0 on success. Addresses and lengths of write and read are
 * multiples of 4, erase addresses sector (4 KiB) or block (64 KiB)
 * aligned. */
int plat_flash_attach(uint32_t pins);
int plat_flash_set_size(uint32_t bytes);
int plat_flash_erase_chip(void);
int plat_flash_erase_sector(uint32_t addr);
int plat_flash_erase_block(uint32_t addr);
int plat_flash_write(uint32_t addr, const void *p, uint32_t len);
int plat_flash_read(uint32_t addr, void *p, uint32_t len);
/* Leave the loader: 0 reboots, 1 runs the firmware in flash. */
void plat_leave(int run_user_code);

/* ---- the core ---------------------------------------------------------- */

/* Greet and serve commands for ever (returns only on the host fake,
 * when plat_rx reports the end of its input with -2). */
void stub_run(void);

#endif
