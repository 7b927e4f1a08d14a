/* ports.c - the MicroPython port table (ports.h). */
#include "ports.h"
#include "buf.h"

#include <stddef.h>
#include <string.h>

static const struct mpf_method methods[] = {
	{ .name = "uf2", .bootdev = MPF_BOOTDEV_UF2, .formats = { "uf2" } },
	{ .name = "dfu", .bootdev = MPF_BOOTDEV_DFU, .formats = { "dfu" } },
	{ .name = "esp", .bootdev = MPF_BOOTDEV_ESP_ROM, .formats = { "bin" } },
	{ .name = "swd", .bootdev = MPF_BOOTDEV_PROBE, .formats = { "hex", "elf", "bin" } },
};
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

/* mpf-fetch --update reads the ports in the table's order.
 *
 * Activator orders: rp2 boards answer machine.bootloader() at once; samd,
 * nrf and mimxrt honour the 1200-baud touch. MicroPython's stm32 port
 * honours the touch only on a few Arduino boards
 * (MICROPY_HW_USB_CDC_1200BPS_TOUCH), so a pyboard would spend the whole
 * activator wait on it, while machine.bootloader() enters its DFU
 * bootloader at once. mimxrt boards take UF2 images behind the tinyuf2
 * bootloader, which a double RESET, machine.bootloader() or the touch
 * starts (MicroPython's ports/mimxrt/boards/deploy_mimxrt.md). */
const struct mpf_port mpf_ports[] = {
	{
		.name = "rp2", .method = "uf2", .activators = { "mpy", "touch1200", "manual" },
		.manual = "hold the BOOTSEL button while plugging the board in (or hold "
			  "BOOTSEL and press RESET/RUN)",
		.catalog = 1,
	},
	{ .name = "esp32", .method = "esp", .catalog = 1 },
	{ .name = "esp8266", .method = "esp", .catalog = 1 },
	{
		.name = "stm32", .method = "dfu", .activators = { "mpy", "touch1200", "manual" },
		.manual = "hold BOOT0 high (button or jumper) and press RESET",
		.catalog = 1,
	},
	{
		.name = "samd", .method = "uf2", .activators = { "touch1200", "mpy", "manual" },
		.manual = "double-press the RESET button quickly",
		.catalog = 1,
	},
	{
		.name = "nrf", .method = "uf2", .activators = { "touch1200", "mpy", "manual" },
		.manual = "double-press RESET (Adafruit nRF52 bootloader), or hold the user "
			  "button while pressing RESET",
		.catalog = 1,
	},
	{
		.name = "mimxrt", .method = "uf2", .activators = { "touch1200", "mpy", "manual" },
		.manual = "double-press RESET, or set the boot switches to serial downloader",
		.catalog = 1,
	},
	{ .name = "renesas-ra", .catalog = 1 },
	{ .name = NULL },
};

static const char *const generic_activators[] = { "touch1200", "mpy", "manual", NULL };
static const char *const no_activator[] = { "none", NULL };

const struct mpf_port *mpf_port_find(const char *port)
{
	const struct mpf_port *p;

	for (p = mpf_ports; port && p->name; p++)
		if (!strcmp(p->name, port))
			return p;
	return NULL;
}

/* 1 if method m writes firmware of format. */
static int mpf_method_writes(const struct mpf_method *m, const char *format)
{
	int i;

	for (i = 0; i < 4 && m->formats[i]; i++)
		if (!strcmp(m->formats[i], format))
			return 1;
	return 0;
}

const struct mpf_method *mpf_method_find(const char *method)
{
	size_t i;

	for (i = 0; method && i < NMETHODS; i++)
		if (!strcmp(methods[i].name, method))
			return &methods[i];
	return NULL;
}

const char *mpf_method_name(int i)
{
	return i >= 0 && (size_t)i < NMETHODS ? methods[i].name : NULL;
}

int mpf_format_flashable(const char *format)
{
	size_t i;

	for (i = 0; i < NMETHODS; i++)
		if (mpf_method_writes(&methods[i], format))
			return 1;
	return 0;
}

void mpf_flashable_formats(struct mpf_buf *out)
{
	size_t i, j, k;

	for (i = 0; i < NMETHODS; i++)
		for (j = 0; j < 4 && methods[i].formats[j]; j++) {
			const char *f = methods[i].formats[j];

			for (k = 0; k < i && !mpf_method_writes(&methods[k], f); k++)
				;	/* each format once */
			if (k == i)
				mpf_buf_addf(out, "%s%s", out->len ? ", " : "", f);
		}
}

/* A record's method, else its port's. */
static const struct mpf_method *method_of(const char *method, const char *port)
{
	const struct mpf_port *p = mpf_port_find(port);

	return mpf_method_find(method ? method : p ? p->method : NULL);
}

enum mpf_bootdev mpf_bootdev_for(const char *method, const char *port)
{
	const struct mpf_method *m = method_of(method, port);

	return m ? m->bootdev : MPF_BOOTDEV_NONE;
}

const char *const *mpf_port_activators(const char *port, const char *method)
{
	const struct mpf_method *m = method_of(method, port);
	const struct mpf_port *p = mpf_port_find(port);

	if (m && (m->bootdev == MPF_BOOTDEV_ESP_ROM || m->bootdev == MPF_BOOTDEV_PROBE))
		return no_activator;
	return p && p->activators[0] ? p->activators : generic_activators;
}

const char *mpf_manual_instructions(const char *port)
{
	const struct mpf_port *p = mpf_port_find(port);

	return p && p->manual ? p->manual : "press RESET while holding the board's boot button";
}
