/* chip.c - the ESP32-C3 platform of the stub: UART0 by its registers
 * (ESP32-C3 Technical Reference Manual, chapter "UART Controller"), SPI
 * flash through the mask ROM's functions (addresses from ESP-IDF's
 * components/esp_rom/esp32c3/ld/esp32c3.rom.ld). */
#include "stub.h"

#define REG(a) (*(volatile uint32_t *)(a))

#define UART0 0x60000000u
#define UART_FIFO (UART0 + 0x00)
#define UART_INT_ENA (UART0 + 0x0C)
#define UART_INT_CLR (UART0 + 0x10)
#define UART_CLKDIV (UART0 + 0x14)	/* integer [11:0], fraction/16 [23:20] */
#define UART_STATUS (UART0 + 0x1C)	/* RX count [9:0], TX count [25:16] */
#define UART_FIFO_LEN 128

/* ROM functions (esp32c3.rom.ld). The "legacy" SPI flash API works on the
 * flash the ROM attached; every one returns 0 on success. */
#define ROM(type, name, addr, args) static type(*const name) args = (type(*) args)(addr)
ROM(void, ets_delay_us, 0x40000050, (uint32_t us));
ROM(int, rom_erase_chip, 0x40000120, (void));
ROM(int, rom_erase_block, 0x40000124, (uint32_t block));
ROM(int, rom_erase_sector, 0x40000128, (uint32_t sector));
ROM(int, rom_write, 0x4000012c, (uint32_t addr, const void *src, uint32_t len));
ROM(int, rom_read, 0x40000130, (uint32_t addr, void *dst, uint32_t len));
ROM(int, rom_config_param, 0x40000134, (uint32_t id, uint32_t size, uint32_t block,
					 uint32_t sector, uint32_t page, uint32_t mask));
ROM(int, rom_unlock, 0x40000140, (void));
ROM(void, rom_attach, 0x40000164, (uint32_t pins, int legacy));

const int plat_rx_buffered = 0;

int plat_rx(void)
{
	if (!(REG(UART_STATUS) & 0x3FF))
		return -1;
	return (int)(REG(UART_FIFO) & 0xFF);
}

void plat_tx(const uint8_t *p, uint32_t n)
{
	while (n) {
		if (((REG(UART_STATUS) >> 16) & 0x3FF) >= UART_FIFO_LEN)
			continue;
		REG(UART_FIFO) = *p++;
		n--;
	}
}

void plat_tx_drain(void)
{
	while ((REG(UART_STATUS) >> 16) & 0x3FF)
		;
	ets_delay_us(200);	/* the last character in the shift register */
}

/* The divider is clock/baud in 1/16ths: scale the one in use by old/new,
 * which needs no knowledge of the UART's clock. */
void plat_set_baud(uint32_t new_baud, uint32_t old_baud)
{
	uint32_t v = REG(UART_CLKDIV);
	uint64_t div16 = (uint64_t)((v & 0xFFF) << 4 | ((v >> 20) & 0xF)) * old_baud / new_baud;

	REG(UART_CLKDIV) = (v & ~0xF00FFFu) | (uint32_t)(div16 >> 4) | (uint32_t)(div16 & 0xF) << 20;
}

uint32_t plat_read_reg(uint32_t addr)
{
	return REG(addr);
}

void plat_write_reg(uint32_t addr, uint32_t value)
{
	REG(addr) = value;
}

void plat_delay_us(uint32_t us)
{
	ets_delay_us(us);
}

int plat_flash_attach(uint32_t pins)
{
	rom_attach(pins, 0);
	return rom_unlock();
}

int plat_flash_set_size(uint32_t bytes)
{
	return rom_config_param(0, bytes, 0x10000, 0x1000, 0x100, 0xFFFF);
}

int plat_flash_erase_chip(void)
{
	return rom_erase_chip();
}

int plat_flash_erase_sector(uint32_t addr)
{
	return rom_erase_sector(addr / 0x1000);
}

int plat_flash_erase_block(uint32_t addr)
{
	return rom_erase_block(addr / 0x10000);
}

int plat_flash_write(uint32_t addr, const void *p, uint32_t len)
{
	return rom_write(addr, p, len);
}

int plat_flash_read(uint32_t addr, void *p, uint32_t len)
{
	return rom_read(addr, p, len);
}

void plat_leave(int run_user_code)
{
	(void)run_user_code;	/* stays in the loader: the host resets the chip */
}

void stub_main(void);
void stub_main(void)
{
	REG(UART_INT_ENA) = 0;	/* the ROM's handler must not take our bytes */
	REG(UART_INT_CLR) = 0xFFFFFFFFu;
	stub_run();
}
