/* newer.h - what the ESP32-S2 and the chips after it share, included by
 * their chip.h. SPI1, the flash controller, is laid out alike on all of
 * them (each chip.h gives SPI_BASE and the ESP-IDF register header that
 * says so); so are UART0's interrupt registers (each chip's Technical
 * Reference Manual, chapter "UART Controller"): raw status +0x04,
 * masked +0x08, enable +0x0C, clear +0x10, RXFIFO_FULL bit 0,
 * RXFIFO_TOUT bit 8. The interrupt ones are not used by the polling
 * stub; they are for one that receives by interrupt. */
#define SPI_RD_STATUS 0x2C
#define SPI_USER1_OFF 0x1C
#define SPI_W0_OFF 0x58

#define UART_IRQ_RAW 0x04
#define UART_IRQ_RXFULL (1u << 0)
#define UART_IRQ_RXTOUT (1u << 8)
