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

/* Switch the UART from old_baud (the rate now) to new_baud. */
void plat_set_baud(uint32_t new_baud, uint32_t old_baud);
uint32_t plat_read_reg(uint32_t addr);
void plat_write_reg(uint32_t addr, uint32_t value);
void plat_delay_us(uint32_t us);

/* SPI flash; 0 on success. Erase and program only start the operation
 * and return: the core then polls plat_flash_busy() and drains the UART
 * meanwhile (core/busy.c), and starts nothing while it is busy. Erase
 * addresses are sector (4 KiB) or block (64 KiB) aligned; a program
 * takes whole words, at most FLASH_PROGRAM_MAX bytes within one page;
 * reads whole words. */
#define FLASH_PAGE 256u
#define FLASH_PROGRAM_MAX 64u	/* the SPI controllers' 16 data registers */
int plat_flash_attach(uint32_t pins);
int plat_flash_set_size(uint32_t bytes);
int plat_flash_erase_chip(void);
int plat_flash_erase_sector(uint32_t addr);
int plat_flash_erase_block(uint32_t addr);
int plat_flash_program(uint32_t addr, const void *p, uint32_t len);
/* 1 while an erase or program is in progress, 0 when the flash is idle. */
int plat_flash_busy(void);
int plat_flash_read(uint32_t addr, void *p, uint32_t len);
/* Leave the loader: 0 reboots, 1 runs the firmware in flash. */
void plat_leave(int run_user_code);

/* ---- the core ---------------------------------------------------------- */

/* Greet and serve commands for ever (returns only on the host fake,
 * when plat_rx reports the end of its input with -2). */
void stub_run(void);

#endif
