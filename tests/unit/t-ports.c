/* t-ports.c - the MicroPython port table: each port's method, activators,
 * bootloader device, manual steps and catalogue presence. */
#include "test-lib.h"

#include "bootloader.h"
#include "buf.h"
#include "ports.h"

#include <string.h>

/* The activators for (port, method), comma-joined. */
static const char *order(const char *port, const char *method, struct mpf_buf *b)
{
	const char *const *a;

	mpf_buf_reset(b);
	for (a = mpf_port_activators(port, method); *a; a++)
		mpf_buf_addf(b, "%s%s", b->len ? "," : "", *a);
	return mpf_buf_str(b);
}

static void t_activators(void)
{
	struct mpf_buf b = MPF_BUF_INIT;

	check_str(order("rp2", "uf2", &b), "mpy,touch1200,manual");
	check_str(order("rp2", NULL, &b), "mpy,touch1200,manual");
	check_str(order("samd", "uf2", &b), "touch1200,mpy,manual");
	check_str(order("nrf", NULL, &b), "touch1200,mpy,manual");
	/* MicroPython's stm32 port rarely honours the 1200-baud touch */
	check_str(order("stm32", "dfu", &b), "mpy,touch1200,manual");
	check_str(order("stm32", NULL, &b), "mpy,touch1200,manual");
	check_str(order("mimxrt", NULL, &b), "touch1200,mpy,manual");
	/* no bootloader step: mpf-esp resets ESP chips, a probe needs none */
	check_str(order("esp32", NULL, &b), "none");
	check_str(order("esp8266", "esp", &b), "none");
	check_str(order("stm32", "swd", &b), "none");
	/* an unknown port, or a bare serial port: the generic order */
	check_str(order(NULL, NULL, &b), "touch1200,mpy,manual");
	check_str(order("unix", "uf2", &b), "touch1200,mpy,manual");
	/* every activator named in the table exists */
	for (const struct mpf_port *p = mpf_ports; p->name; p++)
		for (int i = 0; p->activators[i]; i++)
			check(mpf_activator_find(p->activators[i]) != NULL);
	mpf_buf_release(&b);
}

static void t_bootdev(void)
{
	check_int(mpf_bootdev_for("uf2", NULL), ==, MPF_BOOTDEV_UF2);
	check_int(mpf_bootdev_for("dfu", "stm32"), ==, MPF_BOOTDEV_DFU);
	check_int(mpf_bootdev_for("esp", "esp32"), ==, MPF_BOOTDEV_ESP_ROM);
	check_int(mpf_bootdev_for("swd", "rp2"), ==, MPF_BOOTDEV_PROBE);
	check_int(mpf_bootdev_for(NULL, "rp2"), ==, MPF_BOOTDEV_UF2);
	check_int(mpf_bootdev_for(NULL, "mimxrt"), ==, MPF_BOOTDEV_UF2);
	check_int(mpf_bootdev_for(NULL, "stm32"), ==, MPF_BOOTDEV_DFU);
	check_int(mpf_bootdev_for(NULL, "esp8266"), ==, MPF_BOOTDEV_ESP_ROM);
	check_int(mpf_bootdev_for(NULL, "renesas-ra"), ==, MPF_BOOTDEV_NONE);
	check_int(mpf_bootdev_for(NULL, NULL), ==, MPF_BOOTDEV_NONE);
	check_int(mpf_bootdev_for("nope", "rp2"), ==, MPF_BOOTDEV_NONE);
}

static void t_methods(void)
{
	struct mpf_buf b = MPF_BUF_INIT;

	check_str(mpf_port_find("mimxrt")->method, "uf2");
	check(mpf_port_find("renesas-ra")->method == NULL);
	check(mpf_port_find("unix") == NULL);
	check(mpf_port_find(NULL) == NULL);
	check_str(mpf_method_find("swd")->formats[0], "hex");
	check_str(mpf_method_find("esp")->formats[0], "bin");
	check(mpf_method_find("jtag") == NULL);
	/* mpf-fetch --add registers what some method flashes */
	check(mpf_format_flashable("elf"));
	check(mpf_format_flashable("bin"));
	check(!mpf_format_flashable("map"));
	mpf_flashable_formats(&b);
	check_str(mpf_buf_str(&b), "uf2, dfu, bin, hex, elf");
	mpf_buf_release(&b);
	/* every method a port names is a method */
	for (const struct mpf_port *p = mpf_ports; p->name; p++)
		check(!p->method || mpf_method_find(p->method) != NULL);
}

static void t_manual(void)
{
	check(strstr(mpf_manual_instructions("rp2"), "BOOTSEL") != NULL);
	check(strstr(mpf_manual_instructions("samd"), "double-press") != NULL);
	check(strstr(mpf_manual_instructions("stm32"), "BOOT0") != NULL);
	check(strstr(mpf_manual_instructions(NULL), "RESET") != NULL);
	check(strstr(mpf_manual_instructions("esp32"), "RESET") != NULL);
}

/* The --port hint lists the catalogue's ports, in the table's order. */
static void t_catalog(void)
{
	struct mpf_buf b = MPF_BUF_INIT;

	for (const struct mpf_port *p = mpf_ports; p->name; p++)
		if (p->catalog)
			mpf_buf_addf(&b, "%s%s", b.len ? "|" : "", p->name);
	check_str(mpf_buf_str(&b), MPF_CATALOG_PORTS);
	mpf_buf_release(&b);
}

int main(void)
{
	TEST(t_activators(), "bootloader activators by port and method");
	TEST(t_bootdev(), "the bootloader device a board becomes");
	TEST(t_methods(), "flash methods and their formats");
	TEST(t_manual(), "manual steps by port");
	TEST(t_catalog(), "the ports the catalogue carries");
	return test_done();
}
