/* uart_ids.c - USB-to-UART adapters found on ESP boards and their top
 * rates, from the vendors' datasheets: Silicon Labs CP2102/9 ("300 bps to
 * 1 Mbps"; 921600 is its top standard rate), CP2102N ("up to 3 Mbaud"),
 * CP2104 and CP2105 ("up to 2 Mbps"); WCH CH340 ("50 bps to 2 Mbps"),
 * CH343 ("up to 6 Mbps"), CH9102 ("up to 4 Mbps"); FTDI FT232R and
 * FT231X ("up to 3 Mbaud"), FT2232H, FT4232H and FT232H ("up to 12
 * Mbaud"). Espressif's USB-Serial/JTAG has no UART: the rate is ignored.
 */
#include "uart_ids.h"

#include <stddef.h>
#include <string.h>

/* a row with a product word comes before the row of its id without one */
static const struct mpf_uart_adapter adapters[] = {
	{ 0x10c4, 0xea60, "CP2102N", "CP2102N", 3000000 },
	{ 0x10c4, 0xea60, "CP2104", "CP2104", 2000000 },
	{ 0x10c4, 0xea60, NULL, "CP2102", 921600 },
	{ 0x10c4, 0xea70, NULL, "CP2105", 2000000 },
	{ 0x1a86, 0x7523, NULL, "CH340", 2000000 },
	{ 0x1a86, 0x55d3, NULL, "CH343", 6000000 },
	{ 0x1a86, 0x55d4, NULL, "CH9102", 4000000 },
	{ 0x0403, 0x6001, NULL, "FT232R", 3000000 },
	{ 0x0403, 0x6015, NULL, "FT231X", 3000000 },
	{ 0x0403, 0x6010, NULL, "FT2232H", 12000000 },
	{ 0x0403, 0x6011, NULL, "FT4232H", 12000000 },
	{ 0x0403, 0x6014, NULL, "FT232H", 12000000 },
	{ 0x303a, 0x1001, NULL, "USB-Serial/JTAG", 0 },
};

const struct mpf_uart_adapter *mpf_uart_adapter(unsigned vid, unsigned pid, const char *product)
{
	size_t i;

	for (i = 0; i < sizeof(adapters) / sizeof(adapters[0]); i++) {
		const struct mpf_uart_adapter *a = &adapters[i];

		if (a->vid == vid && a->pid == pid &&
		    (!a->product || (product && strstr(product, a->product))))
			return a;
	}
	return NULL;
}
