/* stm32dfu.c - the STM32F405 system bootloader in DFU mode (DfuSe 1.1a).
 *
 * Facts (DFU 1.1, ST AN3156 and AN2606; doc/protocols.md 2):
 * - descriptors as lsusb shows a real F4 ROM (dfu-util device-logs/
 *   stm32f4discovery.lsusb): 0483:df11, bcdDevice 0x2100, one interface with
 *   four alternate settings whose names carry the memory layout, and the
 *   DFU functional descriptor (bmAttributes 0x0B, detach 255 ms,
 *   wTransferSize 2048, bcdDFU 0x011A) after the last one;
 * - DFU 1.1 class requests and states; DfuSe commands in DNLOAD block 0
 *   (0x21 set address, 0x41 erase sector / mass erase, 0x92 read unprotect),
 *   data blocks at pointer + (wBlockNum - 2) * wTransferSize, UPLOAD block 0
 *   = the command list (AN3156, as summarised by dfu-programmer);
 * - a command runs when the GETSTATUS after it reports dfuDNBUSY, inside
 *   the ROM's USB interrupt: until it is done the device NAKs every control
 *   request, so a GETSTATUS sent too early waits (and times out if the host
 *   gives up first). The F405 reports a 100 ms poll timeout for a mass erase
 *   that takes seconds (dfu-util dfuse.c).
 * - erase and program times: STM32F405 datasheet, flash characteristics at
 *   x32 parallelism, typical values: 16 KiB sector 250 ms, 64 KiB 550 ms,
 *   128 KiB 1 s, mass erase 8 s, 16 us per 32-bit word.
 * Flash is NOR: programming only clears bits. The ROM reads back what it
 * programmed (as ST's DFU media layer does) and reports errVERIFY on a
 * mismatch, so writing over unerased flash fails the way it would.
 *
 * Assumptions where no source says (kept explicit): the poll timeouts the
 * ROM reports for sector erase (100 ms, like mass erase) and for a data
 * block (the program time); with read protection active an UPLOAD stalls
 * and DNLOAD commands end in errVENDOR; SET_ADDRESS/ERASE outside the
 * layout end in errTARGET; a protocol violation (request invalid in the
 * state) stalls and sets dfuERROR/errSTALLEDPKT, as DFU 1.1 section 6.1.2
 * prescribes, and is reported on stderr.
 *
 * Options (MPF_USBSIM="stm32dfu:KEY=VAL:..."):
 *   serial=S        iSerialNumber (default 315A28A0B956, the lsusb log's)
 *   time_scale=F    multiply every erase/program time and reported poll
 *                   timeout (default 1 = real time; 0 = instant)
 *   boot0=0|1       after leaving DFU, is the device in DFU mode again in
 *                   the next process (BOOT0 held; default 1)
 *   rdp=1           read protection level 1 when the state is created
 *   start=error     start in dfuERROR/errFIRMWARE, as in the dfu-util log
 *   early_stall=1   stall a GETSTATUS sent while busy (STM32L4 ROMs)
 *   mass_erase_poll=MS   poll timeout reported for mass erase (100)
 *   fail_erase=ADDR erasing the sector holding ADDR fails (errERASE)
 *   fail_write=ADDR programming a block holding ADDR fails (errPROG)
 *   corrupt=ADDR    silently program the byte at ADDR with bit 0 flipped
 *                   (a weak cell: only a read-back verify notices)
 */
#include "dfu-class.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define XFER 2048
#define FLASH_BASE 0x08000000u
#define FLASH_SIZE (1024u * 1024u)
#define HDR 4096u

/* What the ROM can do to a memory (layout type letters, doc/protocols.md 2.3). */
enum { M_READ = 1, M_ERASE = 2, M_WRITE = 4 };

struct region {
	int alt;
	uint32_t addr, size, sector;	/* sector: 0 = variable (flash table) */
	int flags;
	uint32_t offset;		/* into the state file, after the header */
};

static const struct region regions[] = {
	{ 0, FLASH_BASE, FLASH_SIZE, 0, M_READ | M_ERASE | M_WRITE, 0 },
	{ 1, 0x1FFFC000u, 16, 16, M_READ | M_ERASE | M_WRITE, FLASH_SIZE },
	{ 2, 0x1FFF7800u, 512, 512, M_READ | M_ERASE | M_WRITE, FLASH_SIZE + 16 },
	{ 2, 0x1FFF7A00u, 16, 16, M_READ | M_ERASE | M_WRITE, FLASH_SIZE + 16 + 512 },
	{ 3, 0xFFFF0000u, 4, 4, M_READ | M_ERASE | M_WRITE, FLASH_SIZE + 16 + 528 },
};
#define NREGIONS (sizeof(regions) / sizeof(regions[0]))
#define MEM_SIZE (FLASH_SIZE + 16 + 528 + 4)

/* F405 sectors: 4 x 16 KiB, 1 x 64 KiB, 7 x 128 KiB. */
static uint32_t sector_start(int i)
{
	return i < 4 ? FLASH_BASE + (uint32_t)i * 0x4000u :
	       i == 4 ? FLASH_BASE + 0x10000u : FLASH_BASE + 0x20000u * (uint32_t)(i - 4);
}

static uint32_t sector_size(int i)
{
	return i < 4 ? 0x4000u : i == 4 ? 0x10000u : 0x20000u;
}

static int sector_of(uint32_t addr)
{
	int i;

	for (i = 11; i >= 0; i--)
		if (addr >= sector_start(i))
			return i;
	return -1;
}

/* Persistent part (the state file's header). */
struct persist {
	uint32_t magic;
	uint32_t rdp;			/* 1 = level 1 read protection */
	uint32_t left;			/* left DFU: running the application */
	uint32_t erase_count[12];	/* per flash sector, for tests */
};

struct dfu {
	struct usbsim_dfu dfu;	/* first: the class requests use it */
	struct persist *ps;
	uint8_t *mem;
	int alt;
	uint32_t ptr;
	/* the DNLOAD waiting for the GETSTATUS that runs it */
	int block, len;
	uint8_t buf[XFER];
	double scale;
	uint32_t fail_erase, fail_write, corrupt;
	int early_stall, mass_poll, boot0;
	char serial[64];
};

static const uint8_t dev_desc[18] = {
	18, 1, 0x00, 0x01, 0, 0, 0, 64, 0x83, 0x04, 0x11, 0xdf, 0x00, 0x21, 1, 2, 3, 1,
};

#define ALT(n) 9, 4, 0, n, 0, 0xfe, 1, 2, 4 + n
static const uint8_t config[54] = {
	9, 2, 54, 0, 1, 1, 0, 0xc0, 50,
	ALT(0), ALT(1), ALT(2), ALT(3),
	/* DFU functional: WillDetach | CanUpload | CanDnload, 255 ms, 2048, 1.1a */
	9, 0x21, 0x0b, 0xff, 0x00, 0x00, 0x08, 0x1a, 0x01,
};

static const char *const names[] = {
	"@Internal Flash  /0x08000000/04*016Kg,01*064Kg,07*128Kg",
	"@Option Bytes  /0x1FFFC000/01*016 g",
	"@OTP Memory /0x1FFF7800/01*512 g,01*016 g",
	"@Device Feature/0xFFFF0000/01*004 g",
};

static const char *const keys[] = {
	"time_scale", "boot0", "rdp", "start", "early_stall", "mass_erase_poll",
	"fail_erase", "fail_write", "corrupt", NULL,
};

static const struct region *find_region(const struct dfu *s, uint32_t addr, uint32_t len)
{
	size_t i;

	for (i = 0; i < NREGIONS; i++)
		if (regions[i].alt == s->alt && addr >= regions[i].addr &&
		    (uint64_t)addr + len <= (uint64_t)regions[i].addr + regions[i].size)
			return &regions[i];
	return NULL;
}

static uint8_t *mem_at(struct dfu *s, const struct region *r, uint32_t addr)
{
	return s->mem + r->offset + (addr - r->addr);
}

/* Nominal ms -> scaled ns of busy time; and the poll timeout reported. */
static void busy_for(struct usbsim_dev *dev, double ms)
{
	struct dfu *s = dev->priv;

	dev->busy_until_ns = usbsim_now_ns() + (uint64_t)(ms * s->scale * 1e6);
}

static uint32_t poll_ms(const struct dfu *s, double ms)
{
	double v = ms * s->scale;

	return v <= 0 ? 0 : v < 1 ? 1 : (uint32_t)(v + 0.999);
}

static void erase_range(struct dfu *s, const struct region *r, uint32_t addr, uint32_t len)
{
	memset(mem_at(s, r, addr), 0xff, len);
}

static int cmd_erase_sector(struct usbsim_dev *dev, uint32_t addr)
{
	struct dfu *s = dev->priv;
	const struct region *r = find_region(s, addr, 1);
	int i;

	if (!r || !(r->flags & M_ERASE))
		return E_TARGET;
	if (r->alt != 0) {
		erase_range(s, r, r->addr, r->size);
		busy_for(dev, 10);
		return E_OK;
	}
	i = sector_of(addr);
	busy_for(dev, i < 4 ? 250 : i == 4 ? 550 : 1000);
	if (s->fail_erase && sector_of(s->fail_erase) == i)
		return E_ERASE;
	erase_range(s, r, sector_start(i), sector_size(i));
	s->ps->erase_count[i]++;
	usbsim_log(dev, "erase sector %d at 0x%08x (%u KiB)", i, sector_start(i),
		   sector_size(i) / 1024);
	return E_OK;
}

static void mass_erase(struct usbsim_dev *dev)
{
	struct dfu *s = dev->priv;
	int i;

	memset(s->mem, 0xff, FLASH_SIZE);
	for (i = 0; i < 12; i++)
		s->ps->erase_count[i]++;
	busy_for(dev, 8000);
	usbsim_log(dev, "mass erase");
}

static int write_block(struct usbsim_dev *dev)
{
	struct dfu *s = dev->priv;
	uint32_t addr = s->ptr + (uint32_t)(s->block - 2) * XFER;
	const struct region *r = find_region(s, addr, (uint32_t)s->len);
	uint8_t *m;
	int i, bad = 0;

	if (!r || !(r->flags & M_WRITE))
		return E_TARGET;
	busy_for(dev, 0.016 * (s->len + 3) / 4 + 0.2);
	if (s->fail_write && s->fail_write >= addr && s->fail_write < addr + (uint32_t)s->len)
		return E_PROG;
	m = mem_at(s, r, addr);
	for (i = 0; i < s->len; i++) {
		uint8_t v = s->buf[i];

		if (s->corrupt == addr + (uint32_t)i)
			v ^= 1;
		m[i] &= v;	/* NOR flash: programming clears bits only */
		bad |= m[i] != s->buf[i] && s->corrupt != addr + (uint32_t)i;
	}
	usbsim_log(dev, "write 0x%08x %d%s", addr, s->len, bad ? " (not erased)" : "");
	return bad ? E_VERIFY : E_OK;
}

/* Run the DNLOAD that the GETSTATUS just answered with dfuDNBUSY. */
static int run_pending(struct usbsim_dev *dev)
{
	struct dfu *s = dev->priv;
	uint32_t a = s->len >= 5 ? (uint32_t)(s->buf[1] | s->buf[2] << 8 | s->buf[3] << 16 |
					      (uint32_t)s->buf[4] << 24) : 0;

	if (s->block >= 2)
		return s->ps->rdp ? E_VENDOR : write_block(dev);
	if (s->buf[0] == 0x92) {
		mass_erase(dev);
		s->ps->rdp = 0;
		usbsim_log(dev, "read unprotect: mass erase and reset");
		dev->gone = 1;
		return E_OK;
	}
	if (s->ps->rdp)
		return E_VENDOR;
	if (s->buf[0] == 0x21) {
		if (!find_region(s, a, 1))
			return E_TARGET;
		s->ptr = a;
		busy_for(dev, 0.1);
		usbsim_log(dev, "set address 0x%08x", a);
		return E_OK;
	}
	if (s->len == 1) {
		if (s->alt != 0)
			return E_TARGET;
		mass_erase(dev);
		return E_OK;
	}
	return cmd_erase_sector(dev, a);
}

static uint32_t pending_poll(const struct dfu *s)
{
	int i;

	if (s->block >= 2)
		return poll_ms(s, 0.016 * (s->len + 3) / 4 + 0.2);
	if (s->buf[0] == 0x41 && s->len == 1)
		return poll_ms(s, s->mass_poll);
	if (s->buf[0] == 0x41) {
		i = sector_of((uint32_t)(s->buf[1] | s->buf[2] << 8 | s->buf[3] << 16 |
					 (uint32_t)s->buf[4] << 24));
		(void)i;
		return poll_ms(s, 100);
	}
	return poll_ms(s, 1);
}

static void leave(struct usbsim_dev *dev)
{
	struct dfu *s = dev->priv;
	const struct region *r;
	uint32_t sp = 0, pc = 0;

	s->alt = 0;
	r = find_region(s, s->ptr, 8);
	if (r) {
		memcpy(&sp, mem_at(s, r, s->ptr), 4);
		memcpy(&pc, mem_at(s, r, s->ptr + 4), 4);
	}
	usbsim_log(dev, "leave: jump to 0x%08x (sp 0x%08x, pc 0x%08x)", s->ptr, sp, pc);
	s->ps->left = 1;
	dev->gone = 1;
}

static int get_status(struct usbsim_dev *dev, uint8_t *d, int len)
{
	struct dfu *s = dev->priv;
	uint32_t poll = 0;
	int run = 0, manifest = 0;

	if (len < 6)
		return LIBUSB_ERROR_PIPE;
	switch (s->dfu.state) {
	case S_DNLOAD_SYNC:
		if (s->dfu.pending) {
			s->dfu.state = S_DNBUSY;
			poll = pending_poll(s);
			run = 1;
		} else {
			s->dfu.state = S_DNLOAD_IDLE;
		}
		break;
	case S_MANIFEST_SYNC:
		s->dfu.state = S_MANIFEST;
		poll = 1;
		manifest = 1;
		break;
	}
	d[0] = (uint8_t)s->dfu.status;
	d[1] = (uint8_t)poll;
	d[2] = (uint8_t)(poll >> 8);
	d[3] = (uint8_t)(poll >> 16);
	d[4] = (uint8_t)s->dfu.state;
	d[5] = 0;
	if (run) {
		/* The ROM executes the command after this status stage. */
		int st = run_pending(dev);

		s->dfu.pending = 0;
		s->dfu.status = st;
		s->dfu.state = st == E_OK ? S_DNLOAD_SYNC : S_ERROR;
		if (st != E_OK)
			usbsim_log(dev, "command failed: status %d", st);
		dev->busy_stalls = s->early_stall;
	}
	if (manifest)
		leave(dev);
	return 6;
}

static int dnload(struct usbsim_dev *dev, const struct libusb_control_setup *st, uint8_t *data)
{
	struct dfu *s = dev->priv;

	if (s->dfu.state != S_IDLE && s->dfu.state != S_DNLOAD_IDLE)
		return usbsim_dfu_violation(dev, "DNLOAD");
	if (st->wLength == 0) {
		if (s->dfu.state != S_DNLOAD_IDLE)
			return usbsim_dfu_violation(dev, "zero-length DNLOAD (leave) without a prior command");
		s->dfu.state = S_MANIFEST_SYNC;
		return 0;
	}
	if (st->wLength > XFER)
		return usbsim_dfu_violation(dev, "DNLOAD longer than wTransferSize");
	if (st->wValue == 1)
		return usbsim_dfu_violation(dev, "DNLOAD block 1");
	if (st->wValue == 0 &&
	    !((data[0] == 0x21 && st->wLength == 5) || (data[0] == 0x41 && st->wLength == 5) ||
	      (data[0] == 0x41 && st->wLength == 1) || (data[0] == 0x92 && st->wLength == 1)))
		return usbsim_dfu_violation(dev, "unknown DfuSe command");
	memcpy(s->buf, data, st->wLength);
	s->len = st->wLength;
	s->block = st->wValue;
	s->dfu.pending = 1;
	s->dfu.state = S_DNLOAD_SYNC;
	return st->wLength;
}

static int upload(struct usbsim_dev *dev, const struct libusb_control_setup *st, uint8_t *data)
{
	static const uint8_t cmds[] = { 0x00, 0x21, 0x41, 0x92 };
	struct dfu *s = dev->priv;
	const struct region *r;
	uint32_t addr, n = st->wLength;

	if (s->dfu.state != S_IDLE && s->dfu.state != S_UPLOAD_IDLE)
		return usbsim_dfu_violation(dev, "UPLOAD");
	if (st->wValue == 0) {
		n = n < sizeof(cmds) ? n : sizeof(cmds);
		memcpy(data, cmds, n);
		s->dfu.state = S_UPLOAD_IDLE;
		return (int)n;
	}
	if (st->wValue == 1 || n > XFER)
		return usbsim_dfu_violation(dev, "UPLOAD block 1 or longer than wTransferSize");
	if (s->ps->rdp) {
		s->dfu.state = S_ERROR;
		s->dfu.status = E_VENDOR;
		usbsim_log(dev, "upload refused: read protection");
		return LIBUSB_ERROR_PIPE;
	}
	addr = s->ptr + (uint32_t)(st->wValue - 2) * XFER;
	r = find_region(s, addr, 1);
	if (!r) {
		s->dfu.state = S_ERROR;
		s->dfu.status = E_ADDRESS;
		usbsim_log(dev, "upload from 0x%08x: outside the layout", addr);
		return LIBUSB_ERROR_PIPE;
	}
	if (addr + n > r->addr + r->size)
		n = r->addr + r->size - addr;	/* a short packet ends the upload */
	memcpy(data, mem_at(s, r, addr), n);
	s->dfu.state = S_UPLOAD_IDLE;
	return (int)n;
}

static const struct usbsim_dfu_ops ops = { dnload, upload, get_status };

static int control(struct usbsim_dev *dev, const struct libusb_control_setup *st, uint8_t *data)
{
	return usbsim_dfu_control(dev, &ops, st, data);
}

static void set_interface(struct usbsim_dev *dev, int iface, int alt)
{
	struct dfu *s = dev->priv;

	s->alt = alt;
}

static void reset(struct usbsim_dev *dev)
{
	struct dfu *s = dev->priv;

	/* A USB reset in DFU mode brings the ROM back to dfuIDLE (DFU 1.1
	 * appendix A); after manifestation it would start the application. */
	if (s->dfu.state == S_MANIFEST || s->dfu.state == S_MANIFEST_WAIT_RESET) {
		leave(dev);
		return;
	}
	s->dfu.state = S_IDLE;
	s->dfu.status = E_OK;
	s->dfu.pending = 0;
}

static int create(struct usbsim_dev *dev)
{
	static const char *strs[8];
	struct dfu *s = calloc(1, sizeof(*s));
	const char *start = usbsim_opt(dev, "start", "idle");
	int fresh, i;
	uint8_t *p;

	p = usbsim_state_map(dev, "mem", HDR + MEM_SIZE, 0xff, &fresh);
	if (!s || !p)
		return -1;
	s->ps = (struct persist *)p;
	s->mem = p + HDR;
	if (fresh || s->ps->magic != 0x46353034u) {
		memset(p, 0, HDR);
		memset(s->mem, 0xff, MEM_SIZE);
		s->ps->magic = 0x46353034u;
		s->ps->rdp = (uint32_t)usbsim_opt_int(dev, "rdp", 0);
		/* option bytes: USER 0xEF (BOR off, SW watchdog), RDP 0xAA level 0 */
		s->mem[FLASH_SIZE] = 0xef;
		s->mem[FLASH_SIZE + 1] = s->ps->rdp ? 0x55 : 0xaa;
		memset(s->mem + FLASH_SIZE + 16 + 528, 0, 4);
	}
	s->scale = usbsim_opt_double(dev, "time_scale", 1.0);
	s->boot0 = (int)usbsim_opt_int(dev, "boot0", 1);
	s->early_stall = (int)usbsim_opt_int(dev, "early_stall", 0);
	s->mass_poll = (int)usbsim_opt_int(dev, "mass_erase_poll", 100);
	s->fail_erase = (uint32_t)usbsim_opt_int(dev, "fail_erase", 0);
	s->fail_write = (uint32_t)usbsim_opt_int(dev, "fail_write", 0);
	s->corrupt = (uint32_t)usbsim_opt_int(dev, "corrupt", 0);
	if (strcmp(start, "idle") && strcmp(start, "error")) {
		fprintf(stderr, "usbsim: %s: start=%s: want idle or error\n", dev->name, start);
		return -1;
	}
	s->dfu.state = strcmp(start, "error") ? S_IDLE : S_ERROR;
	s->dfu.status = strcmp(start, "error") ? E_OK : E_FIRMWARE;
	s->ptr = FLASH_BASE;
	snprintf(s->serial, sizeof(s->serial), "%s", usbsim_opt(dev, "serial", "315A28A0B956"));
	if (s->ps->left) {
		/* it left DFU in an earlier process: back in the ROM only if
		 * BOOT0 is held when it next powers up */
		if (s->boot0)
			s->ps->left = 0;
		else
			dev->gone = 1;
	}
	dev->priv = s;
	dev->dev_desc = dev_desc;
	dev->config = config;
	/* strings: 1 manufacturer, 2 product, 3 serial, 4..7 alt names */
	strs[1] = "STMicroelectronics";
	strs[2] = "STM32  BOOTLOADER";
	for (i = 0; i < 4; i++)
		strs[4 + i] = names[i];
	dev->strings = calloc(8, sizeof(char *));
	memcpy((void *)dev->strings, strs, sizeof(strs));
	((const char **)dev->strings)[3] = s->serial;
	dev->nstrings = 8;
	return 0;
}

static void destroy(struct usbsim_dev *dev)
{
	free(dev->priv);
}

static const struct usbsim_model stm32dfu_model = {
	.name = "stm32dfu",
	.summary = "STM32F405 system bootloader in DFU mode (0483:df11, DfuSe 1.1a)",
	.keys = keys,
	.create = create,
	.destroy = destroy,
	.control = control,
	.set_interface = set_interface,
	.reset = reset,
};
USBSIM_MODEL(stm32dfu_model);
