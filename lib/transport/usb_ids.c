/* usb_ids.c - the USB devices a user needs a udev rule to open: debug
 * probes speaking CMSIS-DAP and the STM32 DFU bootloader. The rule files
 * in scripts/udev/ are generated from these tables (make docs), so the
 * probes mpf lists and the ones its rules let a user open are the same.
 *
 * Ids are the vendors' own: Arm's DAPLink, the Raspberry Pi Debug Probe,
 * NXP's LPC-Link2 and MCU-Link, Infineon's KitProg3 and MiniProg4,
 * Microchip's udev rules for its CMSIS-DAP debuggers (pyedbglib), Keil's
 * ULINKplus, WCH-Link, ST's AN2606 (system memory boot mode, DFU 0483:df11).
 */
#include "usb.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* One device; a name starts a group of the same product family, the next
 * entries without one belong to it (a comment line in the rules). */
struct usb_id {
	uint16_t vid, pid;
	const char *name;
	int hidraw;	/* a hidraw rule too, for tools that use hidapi (v1 probes) */
	int stlink;	/* ST-LINK protocol version (2: V2 and V2-1, 3: V3) */
};

static const struct usb_id probes[] = {
	{ .vid = 0x0d28, .pid = 0x0204, .name = "Arm DAPLink", .hidraw = 1 },
	{ 0x2e8a, 0x000c, "Raspberry Pi Debug Probe and picoprobe" }, { 0x2e8a, 0x0004 },
	{ 0x1fc9, 0x0090, "NXP LPC-Link2, MCU-Link" }, { 0x1fc9, 0x0143 },
	{ 0x04b4, 0xf138, "Cypress/Infineon KitProg3 and MiniProg4" }, { 0x04b4, 0xf148 },
	{ 0x04b4, 0xf151 }, { 0x04b4, 0xf152 }, { 0x04b4, 0xf154 }, { 0x04b4, 0xf155 },
	{ 0x04b4, 0xf166 },
	{ 0x03eb, 0x2111, "Microchip EDBG, Atmel-ICE, nEDBG, PICkit4, MPLAB Snap" },
	{ 0x03eb, 0x2140 }, { 0x03eb, 0x2141 }, { 0x03eb, 0x2144 }, { 0x03eb, 0x2145 },
	{ 0x03eb, 0x216c }, { 0x03eb, 0x2175 }, { 0x03eb, 0x2177 }, { 0x03eb, 0x2180 },
	{ 0xc251, 0x2750, "Keil ULINKplus" },
	{ 0x1a86, 0x8011, "WCH-Link" },
	{ 0x0483, 0x572a, "RadioOperator CMSIS-DAP" },
};

/* ST-LINK/V1 (0483:3744) speaks SCSI over mass storage and no SWD worth
 * having; the V3 boot loaders (374d, 3755) only update firmware. */
static const struct usb_id stlinks[] = {
	{ .vid = 0x0483, .pid = 0x3748, .name = "ST-LINK/V2", .stlink = 2 },
	{ .vid = 0x0483, .pid = 0x374b, .name = "ST-LINK/V2-1 (Nucleo, Discovery)", .stlink = 2 },
	{ .vid = 0x0483, .pid = 0x3752, .stlink = 2 },
	{ .vid = 0x0483, .pid = 0x374e, .name = "STLINK-V3 (V3E, V3MINIE, V3SET, V3PWR)",
	  .stlink = 3 },
	{ .vid = 0x0483, .pid = 0x374f, .stlink = 3 },
	{ .vid = 0x0483, .pid = 0x3753, .stlink = 3 },
	{ .vid = 0x0483, .pid = 0x3754, .stlink = 3 },
	{ .vid = 0x0483, .pid = 0x3757, .stlink = 3 },
};

static const struct usb_id dfu_bootloaders[] = {
	{ 0x0483, 0xdf11, "ST system bootloader and MicroPython mboot" },
};

static const struct udev_file {
	const char *name, *about;	/* about: the comment lines that open the file */
	const struct usb_id *ids;
	size_t n;
} files[] = {
	{
		.name = "50-mpf-cmsis-dap.rules",
		.about = "# mpf: access to common CMSIS-DAP debug probes for members of plugdev\n"
			 "# and the logged-in user (hidraw for CMSIS-DAP v1, usb for v2).\n",
		.ids = probes, .n = N(probes),
	},
	{
		.name = "50-mpf-stlink.rules",
		.about = "# mpf: access to ST-LINK/V2, V2-1 and V3 debug probes for members of\n"
			 "# plugdev and the logged-in user.\n",
		.ids = stlinks, .n = N(stlinks),
	},
	{
		.name = "65-mpf-stm32-dfu.rules",
		.about = "# mpf: let members of plugdev (and the logged-in user) use the STM32 DFU\n"
			 "# bootloader (ST system bootloader and MicroPython mboot, 0483:df11).\n",
		.ids = dfu_bootloaders, .n = N(dfu_bootloaders),
	},
};

static const struct usb_id *id_of(uint16_t vid, uint16_t pid, const struct udev_file **file)
{
	size_t f, i;

	for (f = 0; f < N(files); f++)
		for (i = 0; i < files[f].n; i++)
			if (files[f].ids[i].vid == vid && files[f].ids[i].pid == pid) {
				*file = &files[f];
				return &files[f].ids[i];
			}
	*file = NULL;
	return NULL;
}

static const struct udev_file *file_of(uint16_t vid, uint16_t pid)
{
	const struct udev_file *f;

	id_of(vid, pid, &f);
	return f;
}

int mpf_usb_known_probe(uint16_t vid, uint16_t pid)
{
	const struct udev_file *f = file_of(vid, pid);

	return f == &files[0] || f == &files[1];
}

int mpf_usb_stlink_version(uint16_t vid, uint16_t pid)
{
	const struct udev_file *f;
	const struct usb_id *id = id_of(vid, pid, &f);

	return id ? id->stlink : 0;
}

int mpf_usb_dfu_bootloader(uint16_t vid, uint16_t pid)
{
	return file_of(vid, pid) == &files[2];
}

/* Any other device we may not open is a DFU device found by its interface
 * class: the DFU rules are the ones to start from. */
const char *mpf_usb_udev_rule(uint16_t vid, uint16_t pid)
{
	const struct udev_file *f = file_of(vid, pid);

	return f ? f->name : files[2].name;
}

void mpf_usb_access_hint(uint16_t vid, uint16_t pid, struct mpf_buf *out)
{
	mpf_buf_addf(out, "no permission for USB device %04x:%04x: install the udev rule "
		     "%s ('make install-udev', or copy it from share/mpf/udev to "
		     "/etc/udev/rules.d) and replug the device", vid, pid,
		     mpf_usb_udev_rule(vid, pid));
}

const char *mpf_usb_udev_file(size_t i)
{
	return i < N(files) ? files[i].name : NULL;
}

static void add_rule(struct mpf_buf *out, const char *match, const struct usb_id *id)
{
	mpf_buf_addf(out, "%s, ATTRS{idVendor}==\"%04x\", ATTRS{idProduct}==\"%04x\", "
		     "MODE=\"0660\", GROUP=\"plugdev\", TAG+=\"uaccess\"\n",
		     match, id->vid, id->pid);
}

int mpf_usb_udev_rules(const char *name, struct mpf_buf *out)
{
	const struct udev_file *f = NULL;
	size_t i;

	for (i = 0; i < N(files); i++)
		if (!strcmp(files[i].name, name))
			f = &files[i];
	if (!f)
		return -1;
	mpf_buf_addstr(out, f->about);
	mpf_buf_addstr(out, "# Generated by make docs from lib/transport/usb_ids.c.\n");
	for (i = 0; i < f->n; i++) {
		if (f->ids[i].name)
			mpf_buf_addf(out, "# %s\n", f->ids[i].name);
		add_rule(out, "SUBSYSTEM==\"usb\"", &f->ids[i]);
		if (f->ids[i].hidraw)
			add_rule(out, "KERNEL==\"hidraw*\"", &f->ids[i]);
	}
	return 0;
}
