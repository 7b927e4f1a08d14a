/* ports.h - the MicroPython ports mpf knows, one row each: how a board of
 * the port is flashed, the bootloader activators to try and in which
 * order, the bootloader device it becomes, what a person does when no
 * activator works, and whether micropython.org's download pages carry its
 * firmware. mpf-pick, mpf-bootloader and mpf-fetch all read this table;
 * adding a port is adding a row in ports.c.
 */
#ifndef MPF_PORTS_H
#define MPF_PORTS_H

struct mpf_buf;

/* What a board becomes to be flashed: its bootloader device. */
enum mpf_bootdev {
	MPF_BOOTDEV_NONE,	/* unknown: no flash method */
	MPF_BOOTDEV_UF2,	/* a UF2 drive (mpf-uf2) */
	MPF_BOOTDEV_DFU,	/* a USB DFU device (mpf-dfu) */
	MPF_BOOTDEV_ESP_ROM,	/* the ESP ROM loader on the board's own serial port:
				 * mpf-esp resets the chip into it itself */
	MPF_BOOTDEV_PROBE,	/* nothing: a debug probe writes the flash (mpf-swd) */
};

struct mpf_method {
	const char *name;		/* a record's method: "uf2", "dfu", "esp", "swd" */
	enum mpf_bootdev bootdev;
	const char *formats[4];		/* firmware formats it writes, best first */
};

struct mpf_port {
	const char *name;		/* MicroPython's port directory: "rp2" */
	const char *method;		/* its flash method; NULL: none in mpf */
	const char *activators[4];	/* up to 3 bootloader activators, in order; none
					 * listed: the generic order */
	const char *manual;		/* what a person does to start the
					 * bootloader; NULL: the generic advice */
	int catalog;			/* micropython.org's download pages carry it */
};

extern const struct mpf_port mpf_ports[];	/* NULL-name terminated */

/* The ports micropython.org carries, as a hint for option help; t-ports
 * checks it against the table. */
#define MPF_CATALOG_PORTS "rp2|esp32|esp8266|stm32|samd|nrf|mimxrt|renesas-ra"

/* The row of port, or NULL (port NULL or unknown). */
const struct mpf_port *mpf_port_find(const char *port);
/* The row of method, or NULL. */
const struct mpf_method *mpf_method_find(const char *method);
/* The name of the i-th method, NULL past the last (an option's choices). */
const char *mpf_method_name(int i);

/* 1 if some flash method writes firmware of format ("uf2", "hex"). */
int mpf_format_flashable(const char *format);
/* Those formats, "uf2, dfu, bin, hex, elf", into out. */
void mpf_flashable_formats(struct mpf_buf *out);

/* What a board becomes in its bootloader: by its method, else by its
 * port's method. NONE when neither is known. */
enum mpf_bootdev mpf_bootdev_for(const char *method, const char *port);

/* The activators to try for a board, NULL-terminated: "none" when the
 * method (or else the port's method) has no bootloader step (esp, swd),
 * else the port's order, else the generic one (touch1200, mpy, manual). */
const char *const *mpf_port_activators(const char *port, const char *method);

/* What a person does to start the bootloader of port (NULL or unknown
 * gives the generic advice). */
const char *mpf_manual_instructions(const char *port);

#endif
