/* uart-c6.h - the UART0 register layout the ESP32-C6 generation shares
 * (C6, H2, C5, C61, P4: each chip's Technical Reference Manual, chapter
 * "UART Controller"), included by their chip.h, which gives the base. */
#define UART_CNT_BITS 8			/* STATUS: RX count [7:0], TX count [23:16] */
#define UART_FRAG 1			/* CLKDIV_SYNC: integer [11:0], sixteenths [23:20] */
#define UART_DIV_MASK 0xFFFu
#define UART_REG_UPDATE 0x98		/* REG_UPDATE: bit 0 set, cleared when taken */

/* Not used by the polling stub; for one that receives by interrupt. */
#define UART_RXFULL_REG 0x24		/* CONF1: RXFIFO_FULL_THRHD [7:0] */
#define UART_TOUT_EN_REG 0x64		/* TOUT_CONF_SYNC: RX_TOUT_EN bit 0 */
#define UART_TOUT_EN_BIT (1u << 0)
#define UART_TOUT_REG 0x64		/* TOUT_CONF_SYNC: RX_TOUT_THRHD [11:2], in bit times */
#define UART_TOUT_SHIFT 2
