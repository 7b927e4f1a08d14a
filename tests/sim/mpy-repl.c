/* mpy-repl - a MicroPython board's REPL on a pseudo-terminal.
 *
 *   build/sim/mpy-repl [--board NAME] [--count N] [fault options] > sim.out &
 *   pty=$(head -1 sim.out)       # one pty path per board, one per line
 *   mpf-info "$pty"
 *   kill $!
 *
 *   build/sim/mpy-repl --list    # the board profiles
 *
 * What it stands for: a board on USB CDC or a UART, as MicroPython's
 * shared/runtime/pyexec.c drives it: the friendly REPL (echo, Ctrl-C
 * clears the line, Ctrl-B banner, Ctrl-D soft reboot), the raw REPL
 * (Ctrl-A, "OK", output 0x04 errors 0x04 ">"), raw-paste mode ("\x05A\x01"
 * -> "R\x01" + window, 0x01 per window consumed, 0x04 to end) or its
 * absence ("R\x00" from boards built without it, the raw banner again from
 * boards before 1.14), a main.py busy in a loop, ESP-style boot chatter,
 * CircuitPython's "Press any key to enter the REPL". The profiles hold
 * sys.implementation and os.uname() as real boards print them; the
 * micro:bit one is the QEMU recording of Debian's firmware (MicroPython
 * 1.9.2), whose bytes the unit tests also use, and the mps2 one modern
 * MicroPython on QEMU's mps2-an385 (tests/t2011 holds the two to the same
 * bytes).
 *
 * It cannot run Python: code sent for execution is matched against a
 * table of known snippets (struct code_handler), each a small function
 * that writes what the board would print. Unknown code gets a traceback,
 * so a client never mistakes the simulator for a board that ran its code.
 * To teach it a command (machine.bootloader() for mpf-bootloader), add a
 * handler to that table: it writes stdout, then "\x04", then stderr
 * (exec_done adds the final "\x04>"); one that resets the board can
 * exit() as --vanish does, which closes the pty like a USB port going
 * away. Code "runs" for --exec-ms, asynchronously: a Ctrl-C meanwhile
 * raises KeyboardInterrupt, as on a board.
 *
 * All boards of one process share one thread, so --baud pacing makes
 * them wait for each other: for timing, run one process per board.
 *
 * Protocol violations by the client (writing past the raw-paste window,
 * a raw line longer than the board holds, a board left in the raw REPL
 * or raw paste when the simulator stops: a client must leave the board
 * as it found it) are printed on stderr as "mpy-repl: VIOLATION on PTY:
 * ..." and counted; the exit status on SIGTERM is then 3, so a test
 * notices.
 *
 * Fault options (all boards of the process):
 *   --busy         main.py loops printing; Ctrl-C stops it
 *   --busy-catch   main.py catches the first KeyboardInterrupt
 *   --chatter      ESP ROM boot messages, input ignored for --boot-ms
 *   --silent       never answers (a port with no REPL)
 *   --vanish       the port disappears once code starts running
 *   --raise        the identification code raises an exception
 *   --no-raw-paste raw paste understood but not built in ("R\x00")
 *   --toml TEXT    the board_info.toml on the board's file system
 *   --baud N       pace output like a UART at N baud (0: unpaced)
 *   --exec-ms N    time the board spends running code (default 2)
 *   --drop N       the first code sent in plain raw mode loses N bytes from
 *                  its middle, as when a UART buffer overflows (the code
 *                  then fails with a SyntaxError, as on a board); once, so
 *                  a client that sends again, more slowly, succeeds
 *   --drop-error E the exception line the lost bytes cause instead (one
 *                  letter lost from a name: "AttributeError: ...")
 *   --late-raw N   each raw prompt (after a Ctrl-A, a soft reboot) comes N ms late, and
 *                  the board reads nothing meanwhile (a slow board, or one
 *                  stopped for a while: input waits in the line): a client
 *                  that interrupts again meanwhile gets every prompt in turn
 *   --late-friendly N  the banner and friendly prompt after Ctrl-B come N ms
 *                  late, the same way
 *   -v             say on stderr what the board does (raw REPL, raw paste,
 *                  running code, soft reboot, leaving)
 *
 * The bootloader round trip (for mpf-bootloader and mpf-uf2), with --uf2:
 *   --link PATH    a symlink to the board's pty that survives its resets
 *                  (as /dev/serial/by-id/... does); PATH0, PATH1... with --count
 *   --uf2 DIR      where the board's UF2 bootloader drive appears (DIR0...)
 *   --flash FILE   the board's flash image (FILE0...), what the drive writes
 *   --drive-sim P  the drive simulator (build/sim/uf2drive-sim)
 *   --drive-arg A  one more argument for it (--block-us 4200, --fsname ...)
 *   --reset-ms N   from the reset to the drive (default 300)
 *   --back-ms N    from the drive's reboot to the port back (default 300)
 * machine.bootloader() in the raw REPL, or the 1200-baud touch (the line
 * coding set to 1200, which a pty master sees in the slave's termios; a
 * pty cannot show DTR), resets the board into its bootloader: the pty
 * closes and the link goes, then the drive appears at DIR. When the drive
 * reboots the board comes back on a new pty behind the link, running what
 * the flash image holds: the version in its "MicroPython vX.Y.Z on DATE;
 * MACHINE" banner (a profile with that banner if there is one). An image
 * without the banner does not boot: the port stays away.
 *
 * A pyboard and its STM32 DFU bootloader, with --dfu (and --flash):
 *   --dfu FILE     the libusb simulator's plugged= file of the board's DFU
 *                  device (FILE0... with --count)
 *   --flash FILE   that device's flash state (MPF_USBSIM_STATE/...mem)
 * machine.bootloader() resets the board into DFU: the port goes, and after
 * --reset-ms FILE is created, which plugs the DFU device in. The device
 * removes FILE when the host makes it leave DFU; --back-ms later the board
 * is back behind the link, running what the flash holds (its banner).
 *
 * The board's files, with --fs:
 *   --fs DIR       the board's file system is the folder DIR (DIR0...): its
 *                  top-level folders stand for mount points (/flash). The
 *                  code mpf-fs runs (lib/proto/repl_fs.h: _mpf_ls, _mpf_rd,
 *                  _mpf_wa, _mpf_sum, ...) works on it, with hashlib and
 *                  binascii; a file the simulator cannot open fails as
 *                  on a board (OSError)
 *   --fs-eio NAME  reading a file whose path holds NAME fails (OSError
 *                  EIO), as from a worn flash block
 *   --fs-wipe N    a flash (back from the UF2 or DFU bootloader) empties
 *                  the file system, which then holds N bytes at most (a
 *                  new layout; 0: no limit): writes past it fail (ENOSPC)
 *   --fs-class C   the class of the file system mounted (VfsFat,
 *                  VfsLfs2), where the port's boot made another
 *   --unique-id HEX[,HEX...]  machine.unique_id() of each board in turn
 *                  (mpf-fs reads it with mpf_fs_uid_script); "-", or a
 *                  board past the list, has none (as the mps2 port)
 * The rp2, esp32 and pyboard profiles model their port's flash file
 * system (port_fss: where its boot mounts it, the block device behind it):
 * mpf-fs format's fresh file system (_mpf_mnt, _mpf_bd=..., _mpf_mkfs)
 * is taken only on the block device the port has, with the arguments its
 * boot uses; anything else raises, as a board would, and code that
 * reaches mkfs with a wrong block device or arguments is a violation.
 * Other profiles list no mounts (as MicroPython before 1.20) and have no
 * block device module.
 *
 * An ESP32 behind a USB-UART with the auto-reset circuit, with --esp-rom:
 *   --esp-rom PATH the ESP ROM loader simulator (build/sim/esp-rom)
 *   --esp-arg A    one more argument for it (--chip esp32, --pace ...)
 *   --flash FILE   the chip's flash, shared with esp-rom (FILE0...)
 * The host resets such a board into its ROM loader with DTR/RTS, which a
 * pty cannot show; what it sends next, a SLIP frame with the SYNC command
 * (C0 00 08), can only follow that reset, so it stands for it: the board
 * lends its pty to esp-rom --pty-fd (the SYNC is lost, as the first SYNCs
 * after a reset are on a real chip; the host sends more) and waits for it.
 * When the host closes the port (after its hard reset) the board boots what
 * the flash holds: the version in its "MicroPython vX.Y.Z on DATE; MACHINE"
 * banner, or a dead port without one. All boards of the process wait
 * meanwhile: give each ESP32 its own process.
 */
/* posix_openpt & co. are XSI; cfmakeraw is a BSD extension */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE
#include "repl_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* ---- board profiles ---- */

struct profile {
	const char *name;
	const char *impl;	/* repr(sys.implementation) */
	const char *uname;	/* repr(os.uname()) */
	const char *platform;	/* sys.platform */
	const char *version;	/* sys.version */
	const char *banner;	/* the friendly REPL's first line */
	int paste;		/* raw paste: window bytes, 0 "R\x00", -1 unknown command */
	const char *board_id;	/* CircuitPython board.board_id */
	int circuitpython;
};

static const struct profile profiles[] = {
	{ "microbit-1.9.2",	/* recorded from QEMU + firmware-microbit-micropython */
	  "(name='micropython', version=(1, 9, 2))",
	  "(sysname='microbit', nodename='microbit', release='1.0.1', version='micro:bit v1.0.1+unknown "
	  "on 2023-02-24; MicroPython v1.9.2-34-gd64154c73 on 2017-09-01', machine='micro:bit with nRF51822')",
	  "microbit", "3.4.0",
	  "MicroPython v1.9.2-34-gd64154c73 on 2017-09-01; micro:bit v1.0.1 with nRF51822", -1, NULL, 0 },
	{ "esp32-1.20.0",
	  "(name='micropython', version=(1, 20, 0), _machine='ESP32 module with ESP32', _mpy=10502)",
	  "(sysname='esp32', nodename='esp32', release='1.20.0', version='v1.20.0 on 2023-04-26', "
	  "machine='ESP32 module with ESP32')",
	  "esp32", "3.4.0; MicroPython v1.20.0 on 2023-04-26",
	  "MicroPython v1.20.0 on 2023-04-26; ESP32 module with ESP32", 128, NULL, 0 },
	{ "samd-1.21.0",
	  "(name='micropython', version=(1, 21, 0), _machine='Wio Terminal D51R with SAMD51P19A', _mpy=7686)",
	  "(sysname='samd', nodename='samd', release='1.21.0', version='v1.21.0 on 2023-10-06', "
	  "machine='Wio Terminal D51R with SAMD51P19A')",
	  "samd", "3.4.0; MicroPython v1.21.0 on 2023-10-06",
	  "MicroPython v1.21.0 on 2023-10-06; Wio Terminal D51R with SAMD51P19A", 32, NULL, 0 },
	{ "stm32-1.22.2",
	  "(name='micropython', version=(1, 22, 2, ''), _machine='PYBv1.1 with STM32F405RG', _mpy=7686)",
	  "(sysname='pyboard', nodename='pyboard', release='1.22.2', version='v1.22.2 on 2024-02-22', "
	  "machine='PYBv1.1 with STM32F405RG')",
	  "pyboard", "3.4.0; MicroPython v1.22.2 on 2024-02-22",
	  "MicroPython v1.22.2 on 2024-02-22; PYBv1.1 with STM32F405RG", 128, NULL, 0 },
	{ "esp8266-1.23.0",
	  "(name='micropython', version=(1, 23, 0, ''), _machine='ESP module with ESP8266', _mpy=9990)",
	  "(sysname='esp8266', nodename='esp8266', release='1.23.0', version='v1.23.0 on 2024-06-02', "
	  "machine='ESP module with ESP8266')",
	  "esp8266", "3.4.0; MicroPython v1.23.0 on 2024-06-02",
	  "MicroPython v1.23.0 on 2024-06-02; ESP module with ESP8266", 0, NULL, 0 },
	{ "rp2-1.22.2",
	  "(name='micropython', version=(1, 22, 2, ''), _machine='Raspberry Pi Pico W with RP2040', _mpy=4614)",
	  "(sysname='rp2', nodename='rp2', release='1.22.2', version='v1.22.2 on 2024-02-22 (GNU 13.2.0 "
	  "MinSizeRel)', machine='Raspberry Pi Pico W with RP2040')",
	  "rp2", "3.4.0; MicroPython v1.22.2 on 2024-02-22",
	  "MicroPython v1.22.2 on 2024-02-22; Raspberry Pi Pico W with RP2040", 128, NULL, 0 },
	{ "rp2-1.24.1",
	  "(name='micropython', version=(1, 24, 1, ''), _machine='Raspberry Pi Pico W with RP2040', _mpy=4870)",
	  "(sysname='rp2', nodename='rp2', release='1.24.1', version='v1.24.1 on 2024-11-29 (GNU 14.1.0 "
	  "MinSizeRel)', machine='Raspberry Pi Pico W with RP2040')",
	  "rp2", "3.4.0; MicroPython v1.24.1 on 2024-11-29",
	  "MicroPython v1.24.1 on 2024-11-29; Raspberry Pi Pico W with RP2040", 128, NULL, 0 },
	{ "esp32-spiram-1.25.0",	/* a variant, named by _build (1.25+) */
	  "(name='micropython', version=(1, 25, 0, ''), _machine='Generic ESP32 module with SPIRAM with "
	  "ESP32', _mpy=11014, _build='ESP32_GENERIC-SPIRAM')",
	  "(sysname='esp32', nodename='esp32', release='1.25.0', version='v1.25.0 on 2025-04-15', "
	  "machine='Generic ESP32 module with SPIRAM with ESP32')",
	  "esp32", "3.4.0; MicroPython v1.25.0 on 2025-04-15",
	  "MicroPython v1.25.0 on 2025-04-15; Generic ESP32 module with SPIRAM with ESP32", 128, NULL, 0 },
	{ "mimxrt-1.26.1",
	  "(name='micropython', version=(1, 26, 1, ''), _machine='Teensy 4.1 with MIMXRT1062DVJ6A', "
	  "_mpy=7942, _build='TEENSY41')",
	  "(sysname='mimxrt', nodename='mimxrt', release='1.26.1', version='v1.26.1 on 2025-09-11', "
	  "machine='Teensy 4.1 with MIMXRT1062DVJ6A')",
	  "mimxrt", "3.4.0; MicroPython v1.26.1 on 2025-09-11",
	  "MicroPython v1.26.1 on 2025-09-11; Teensy 4.1 with MIMXRT1062DVJ6A", 256, NULL, 0 },
	{ "rp2-1.27.0",
	  "(name='micropython', version=(1, 27, 0, ''), _machine='Raspberry Pi Pico2 with RP2350', "
	  "_mpy=7942, _build='RPI_PICO2')",
	  "(sysname='rp2', nodename='rp2', release='1.27.0', version='v1.27.0 on 2025-12-09 (GNU 14.2.0 "
	  "MinSizeRel)', machine='Raspberry Pi Pico2 with RP2350')",
	  "rp2", "3.4.0; MicroPython v1.27.0 on 2025-12-09",
	  "MicroPython v1.27.0 on 2025-12-09; Raspberry Pi Pico2 with RP2350", 128, NULL, 0 },
	{ "rp2-preview",
	  "(name='micropython', version=(1, 28, 0, 'preview'), _machine='Raspberry Pi Pico W with RP2040', "
	  "_mpy=4870, _build='RPI_PICO_W')",
	  "(sysname='rp2', nodename='rp2', release='1.28.0-preview', version='v1.28.0-preview.236.g2c8dab7ab "
	  "on 2026-02-10 (GNU 14.2.0 MinSizeRel)', machine='Raspberry Pi Pico W with RP2040')",
	  "rp2", "3.4.0; MicroPython v1.28.0-preview.236.g2c8dab7ab on 2026-02-10",
	  "MicroPython v1.28.0-preview.236.g2c8dab7ab on 2026-02-10; Raspberry Pi Pico W with RP2040",
	  128, NULL, 0 },
	{ "mps2-1.29.0-preview",	/* QEMU mps2-an385, built by tests/peers/mps2-build.sh */
	  "(name='micropython', version=(1, 29, 0, 'preview'), _machine='mps2-an385 with Cortex-M3', "
	  "_mpy=6918, _build='MPS2_AN385')",
	  "(sysname='qemu', nodename='qemu', release='1.29.0-preview', version='v1.29.0-preview on "
	  "2026-08-18', machine='mps2-an385 with Cortex-M3')",
	  "qemu", "3.4.0; MicroPython v1.29.0-preview on 2026-08-18",
	  "MicroPython v1.29.0-preview on 2026-08-18; mps2-an385 with Cortex-M3", 128, NULL, 0 },
	{ "circuitpython-9.0.0",
	  "(name='circuitpython', version=(9, 0, 0), _machine='Raspberry Pi Pico with rp2040', _mpy=517)",
	  "(sysname='rp2040', nodename='rp2040', release='9.0.0', version='9.0.0 on 2024-03-19', "
	  "machine='Raspberry Pi Pico with rp2040')",
	  "RP2040", "3.4.0; CircuitPython 9.0.0 on 2024-03-19",
	  "Adafruit CircuitPython 9.0.0 on 2024-03-19; Raspberry Pi Pico with rp2040", 128,
	  "raspberry_pi_pico", 1 },
};
#define NPROFILES (sizeof(profiles) / sizeof(profiles[0]))

/* ---- options ---- */

static struct {
	const struct profile *p;
	int count, busy, busy_catch, chatter, silent, vanish, raise, no_paste, verbose;
	int baud, exec_ms, boot_ms, drop, late_raw, late_friendly;
	const char *toml, *drop_error, *dfu, *fs, *fs_eio, *fs_class, *unique_id;
	int fs_wipe;			/* -1: no --fs-wipe */
	const char *link, *uf2, *flash, *drive_sim;	/* the bootloader round trip */
	const char *drive_args[16];
	int ndrive_args, reset_ms, back_ms;
	const char *esp_rom, *esp_args[16];		/* --esp-rom */
	int nesp_args;
} opt = { .count = 1, .fs_wipe = -1, .exec_ms = 2, .boot_ms = 300, .reset_ms = 300, .back_ms = 300 };

static volatile sig_atomic_t stop;
static int violations;

/* ---- one simulated board ---- */

enum state { BOOT, MAIN, FRIENDLY, RAW, PASTE, EXEC, ANYKEY, DEAD, BOOTSEL };

struct board {
	int fd, slave;		/* pty master; our own slave fd keeps it alive */
	char path[64];
	enum state st;
	char line[16384];	/* raw REPL line or paste data */
	size_t len;
	unsigned window, remain;	/* raw paste */
	int interrupts;		/* Ctrl-C seen by a --busy-catch main.py */
	int lost;		/* bytes of this raw line dropped (--drop) */
	int dropped;		/* --drop done */
	long long next_tick, boot_until, exec_until;
	void (*held)(struct board *b);	/* a late prompt, due at hold_until */
	long long hold_until;
	int ticks;
	const struct profile *p;	/* what the board runs now */
	int idx;
	char link[4096], uf2[4096], flash[4096], dfu[4096];
	int in_dfu;		/* 1 resetting into DFU, 2 DFU device plugged, 3 left */
	pid_t drive;		/* the UF2 drive simulator while in BOOTSEL, -1 after */
	long long drive_at, back_at;
	struct profile own;	/* made from a flashed image no profile matches */
	char fs[4096];		/* --fs: the board's file system */
	FILE *fsf;		/* the file _mpf_ro or _mpf_wo opened */
	EVP_MD_CTX *fsh;	/* the sha256 of what _mpf_rd read */
	long long fs_cap;	/* bytes the file system holds, 0: no limit */
	const struct port_bdev *bd;	/* _mpf_bd: the block device the code named */
	char *own_s[4];
	char uid[80];		/* --unique-id: this board's, "" for none */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void violation(struct board *b, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mpy-repl: VIOLATION on %s: ", b->path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	violations++;
}

/* With -v, what the board does, one line each on stderr (tests grep it). */
static void note(struct board *b, const char *fmt, ...)
{
	va_list ap;

	if (!opt.verbose)
		return;
	fprintf(stderr, "mpy-repl: %s: ", b->path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Output as a UART would send it: paced at --baud; dropped when nobody
 * reads and the pty is full, as a USB CDC port drops it. */
static void out(struct board *b, const char *s, size_t n)
{
	while (n) {
		size_t k = opt.baud ? (n < 64 ? n : 64) : n;
		ssize_t w = write(b->fd, s, k);
		struct pollfd pw = { b->fd, POLLOUT, 0 };

		/* a full pty (the host reads more slowly than a file arrives):
		 * wait, as a board's USB CDC waits for the host */
		if (w < 0 && errno == EAGAIN && poll(&pw, 1, 5000) > 0)
			continue;
		if (w < 0)
			return;
		if (opt.baud) {
			long long us = (long long)w * 10 * 1000000 / opt.baud;
			struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };

			nanosleep(&ts, NULL);
		}
		s += w;
		n -= (size_t)w;
	}
}

static void outs(struct board *b, const char *s)
{
	out(b, s, strlen(s));
}

static void banner(struct board *b)
{
	outs(b, b->st == ANYKEY ? "\r\n" : "");
	outs(b, b->p->banner);
	outs(b, b->p->circuitpython ? "\r\n" : "\r\nType \"help()\" for more information.\r\n");
	outs(b, ">>> ");
	b->st = FRIENDLY;
}

static void raw_banner(struct board *b)
{
	note(b, "raw REPL");
	outs(b, "raw REPL; CTRL-B to exit\r\n>");
	b->st = RAW;
	b->len = 0;
}

/* A prompt ms late (--late-raw, --late-friendly): the board is busy
 * until then and reads no input; tick writes it. */
static void prompt_in(struct board *b, void (*fn)(struct board *b), int ms)
{
	if (ms <= 0) {
		fn(b);
		return;
	}
	note(b, "busy for %d ms before the prompt", ms);
	b->held = fn;
	b->hold_until = now_ms() + ms;
}

/* ---- code the board "runs" ---- */

/* Python's repr() of a str: single quotes unless it holds ' and no ". */
static void py_repr(char *dst, size_t cap, const char *s)
{
	char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
	size_t o = 0;

	dst[o++] = q;
	for (; *s && o + 8 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == (unsigned char)q || c == '\\')
			o += (size_t)snprintf(dst + o, cap - o, "\\%c", c);
		else if (c == '\n')
			o += (size_t)snprintf(dst + o, cap - o, "\\n");
		else if (c == '\r')
			o += (size_t)snprintf(dst + o, cap - o, "\\r");
		else if (c == '\t')
			o += (size_t)snprintf(dst + o, cap - o, "\\t");
		else if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(dst + o, cap - o, "\\x%02x", c);
		else
			dst[o++] = (char)c;
	}
	dst[o++] = q;
	dst[o] = 0;
}

static void traceback(struct board *b, const char *file, const char *exc)
{
	char t[512];

	snprintf(t, sizeof(t), "Traceback (most recent call last):\r\n  File \"%s\", line 1, in "
		 "<module>\r\n%s\r\n", file, exc);
	outs(b, t);
}

/* print('mpf1', repr((sys.implementation, u, sys.platform, sys.version, f, b, t))) */
static int run_ident(struct board *b, const char *code)
{
	char plat[64], ver[256], bid[128], toml[8192], line[12288];

	if (opt.raise) {
		outs(b, "\x04");
		traceback(b, "<stdin>", "MemoryError: memory allocation failed, allocating 2048 bytes");
		return 0;
	}
	py_repr(plat, sizeof(plat), b->p->platform);
	py_repr(ver, sizeof(ver), b->p->version);
	if (b->p->board_id)
		py_repr(bid, sizeof(bid), b->p->board_id);
	else
		strcpy(bid, "None");
	if (opt.toml)
		py_repr(toml, sizeof(toml), opt.toml);
	else
		strcpy(toml, "None");
	snprintf(line, sizeof(line), "mpf1 (%s, %s, %s, %s, None, %s, %s)\r\n", b->p->impl,
		 b->p->uname, plat, ver, bid, toml);
	outs(b, line);
	outs(b, "\x04");
	return 0;
}

static int run_zerodiv(struct board *b, const char *code)
{
	outs(b, "\x04");
	traceback(b, "<stdin>", "ZeroDivisionError: divide by zero");
	return 0;
}

static int run_print1(struct board *b, const char *code)
{
	outs(b, "1\r\n\x04");
	return 0;
}

/* pass: what a client runs to see where the board's replies stand */
static int run_pass(struct board *b, const char *code)
{
	outs(b, "\x04");
	return 0;
}

static void enter_bootsel(struct board *b, const char *why);

/* machine.bootloader(): never returns; the port goes (--uf2). */
static int run_bootloader(struct board *b, const char *code)
{
	if (opt.dfu) {
		enter_bootsel(b, "machine.bootloader()");
		b->in_dfu = 1;
		return 1;
	}
	if (!opt.uf2) {
		outs(b, "\x04");
		traceback(b, "<stdin>", "NotImplementedError: mpy-repl needs --uf2 DIR for machine.bootloader()");
		return 0;
	}
	enter_bootsel(b, "machine.bootloader()");
	return 1;
}

/* ---- the board's files (--fs) ---- */

/* A port's flash file system as its boot code makes it (MicroPython's
 * ports/rp2/modules/_boot.py, ports/esp32/modules/flashbdev.py and
 * inisetup.py, ports/stm32/main.c and factoryreset.c): the block devices
 * its modules give, each with the classes a boot would mount from it. */
static const struct port_bdev {
	const char *platform, *mount;	/* sys.platform, where the boot mounts it */
	const char *fs;			/* what the boot makes on a blank flash */
	const char *code;		/* Python that gives the block device */
	const char *classes;		/* ' VfsLfs2 VfsFat ': what it may hold */
	const char *lfs_args;		/* littlefs's arguments there */
} port_bdevs[] = {
	{ "rp2", "/", "VfsLfs2", "__import__('rp2').Flash()", " VfsLfs2 ", "'progsize':256" },
	{ "esp32", "/", "VfsLfs2", "(lambda P:P.find(P.TYPE_DATA,label='vfs') or "
	  "P.find(P.TYPE_DATA,label='ffat',block_size=512))(__import__('esp32').Partition)[0]",
	  " VfsLfs2 VfsFat ", "" },
	{ "pyboard", "/flash", "VfsFat", "__import__('pyb').Flash()", " VfsFat ", "" },
	{ "pyboard", "/flash", "VfsFat", "__import__('pyb').Flash(start=0)", " VfsLfs2 VfsLfs1 ", "" },
};

static const struct port_bdev *port_fs(const struct board *b)
{
	size_t i;

	for (i = 0; i < sizeof(port_bdevs) / sizeof(port_bdevs[0]); i++)
		if (!strcmp(port_bdevs[i].platform, b->p->platform))
			return &port_bdevs[i];
	return NULL;
}

/* _mpf_mnt(): the platform, and the port's mount (none for the others) */
static void fs_mounts(struct board *b)
{
	const struct port_bdev *pb = port_fs(b);
	char line[160];

	snprintf(line, sizeof(line), "P %s\r\n", b->p->platform);
	outs(b, line);
	if (pb) {
		snprintf(line, sizeof(line), "M %s %s\r\n", pb->mount,
			 opt.fs_class ? opt.fs_class : pb->fs);
		outs(b, line);
	}
	outs(b, "\x04");
}

/* _mpf_bd=CODE: a block device only where the port has one */
static void fs_bdev(struct board *b, const char *code)
{
	size_t i;

	b->bd = NULL;
	for (i = 0; i < sizeof(port_bdevs) / sizeof(port_bdevs[0]); i++)
		if (!strcmp(port_bdevs[i].platform, b->p->platform) &&
		    !strcmp(port_bdevs[i].code, code + 8))
			b->bd = &port_bdevs[i];
	outs(b, "\x04");
	if (!b->bd)
		traceback(b, "<stdin>", port_fs(b) ? "AttributeError: no such block device" :
			  "ImportError: no module named the block device's");
}

static int fs_rm_all(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (ftw->level == 0)
		return 0;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* _mpf_mkfs('M',_mpf_bd,'CLASS',{ARGS}): what the port's boot would do */
static void fs_mkfs(struct board *b, const char *code)
{
	char m[64] = "", cls[32] = "", args[64] = "", want[64], dir[8192];
	const struct port_bdev *pb = b->bd;

	sscanf(code, "_mpf_mkfs('%63[^']',_mpf_bd,'%31[^']',{%63[^}]}", m, cls, args);
	snprintf(want, sizeof(want), " %s ", cls);
	if (!pb || strcmp(m, pb->mount) || !strstr(pb->classes, want) ||
	    strcmp(args, strcmp(cls, "VfsFat") ? pb->lfs_args : "")) {
		violation(b, "mkfs the port's boot would not do: %s", code);
		outs(b, "\x04");
		traceback(b, "<stdin>", "OSError: [Errno 19] ENODEV");
		return;
	}
	snprintf(dir, sizeof(dir), "%s%s", b->fs, strcmp(m, "/") ? m : "");
	nftw(dir, fs_rm_all, 16, FTW_DEPTH | FTW_PHYS);
	note(b, "mkfs %s on %s at %s", cls, pb->code, m);
	outs(b, "\x04");
}

/* The path of fn(b'PATH'...) in code, under the board's folder. */
static int fs_arg(struct board *b, const char *code, const char *fn, char *out, size_t cap)
{
	const char *a = strstr(code, fn);
	struct mpf_buf p = MPF_BUF_INIT;
	int ok;

	ok = a && mpf_pylit_decode(a + strlen(fn) + 1, strlen(a + strlen(fn) + 1), &p) > 0 &&
	     snprintf(out, cap, "%s%s%s", b->fs, p.buf[0] == '/' ? "" : "/", p.buf) < (int)cap;
	mpf_buf_release(&p);
	return ok;
}

static void os_error(struct board *b, int e)
{
	char t[64];

	snprintf(t, sizeof(t), "OSError: [Errno %d] %s", e, e == ENOSPC ? "ENOSPC" : e == ENOENT ? "ENOENT" : "EIO");
	outs(b, "\x04");
	traceback(b, "<stdin>", t);
}

static void fs_list(struct board *b, const char *dir, const char *rel)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort), i;

	for (i = 0; i < n; i++) {
		char full[8192], r[4096], line[16384];
		struct mpf_buf q = MPF_BUF_INIT;
		struct stat st;

		if (ents[i]->d_name[0] == '.' && (!ents[i]->d_name[1] || !strcmp(ents[i]->d_name, "..")))
			goto next;
		snprintf(full, sizeof(full), "%s/%s", dir, ents[i]->d_name);
		snprintf(r, sizeof(r), "%s/%s", rel, ents[i]->d_name);
		if (stat(full, &st))
			goto next;
		mpf_pylit_encode(r, strlen(r), &q);
		snprintf(line, sizeof(line), "%c %lld %s\r\n", S_ISDIR(st.st_mode) ? 'D' : 'F',
			 S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size, q.buf);
		outs(b, line);
		mpf_buf_release(&q);
		if (S_ISDIR(st.st_mode))
			fs_list(b, full, r);
next:
		free(ents[i]);
	}
	free(ents);
}

static void hex_digest(EVP_MD_CTX *h, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0, i;

	EVP_DigestFinal_ex(h, md, &len);
	EVP_MD_CTX_free(h);
	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

/* _mpf_rd(K,N): K lines of N bytes, base64, or "E <sha256>" at the end */
static void fs_read(struct board *b, const char *code)
{
	int k = 0, n = 0, i;
	char buf[8192], hex[65];

	sscanf(strstr(code, "_mpf_rd(") + 8, "%d,%d", &k, &n);
	for (i = 0; i < k && b->fsf; i++) {
		struct mpf_buf line = MPF_BUF_INIT;
		size_t got = fread(buf, 1, n > 0 && n <= (int)sizeof(buf) ? (size_t)n : 1, b->fsf);

		if (!got) {
			fclose(b->fsf);
			b->fsf = NULL;
			hex_digest(b->fsh, hex);
			b->fsh = NULL;
			mpf_buf_addf(&line, "E %s", hex);
		} else {
			EVP_DigestUpdate(b->fsh, buf, got);
			mpf_b64_encode(buf, got, &line);
		}
		mpf_buf_addstr(&line, "\r\n");
		outs(b, line.buf);
		mpf_buf_release(&line);
	}
	outs(b, "\x04");
}

static long long fs_used(const char *dir)
{
	struct dirent **ents;
	long long sum = 0;
	int n = scandir(dir, &ents, NULL, NULL), i;

	for (i = 0; i < n; i++) {
		char full[8192];
		struct stat st;

		snprintf(full, sizeof(full), "%s/%s", dir, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && !stat(full, &st))
			sum += S_ISDIR(st.st_mode) ? fs_used(full) : st.st_size;
		free(ents[i]);
	}
	free(ents);
	return sum;
}

/* _mpf_wa('BASE64',N): N checked, as the helper does */
static void fs_write(struct board *b, const char *code)
{
	const char *a = strstr(code, "_mpf_wa('") + 9, *e = strchr(a, '\'');
	struct mpf_buf d = MPF_BUF_INIT;
	long n = e ? atol(e + 2) : -1;

	if (!e || mpf_b64_decode(a, (size_t)(e - a), &d) < 0 || (long)d.len != n || !b->fsf) {
		outs(b, "\x04");
		traceback(b, "<stdin>", "ValueError: mpf-fs: bytes lost");
	} else if (b->fs_cap && fs_used(b->fs) + ftell(b->fsf) + n > b->fs_cap) {
		os_error(b, ENOSPC);
	} else {
		fwrite(d.buf, 1, d.len, b->fsf);
		outs(b, "\x04");
	}
	mpf_buf_release(&d);
}

/* _mpf_sum(b'PATH'): "S size sha256" */
static void fs_sum(struct board *b, const char *path)
{
	EVP_MD_CTX *h = EVP_MD_CTX_new();
	FILE *f = fopen(path, "rb");
	char buf[4096], hex[65], line[128];
	long long n = 0;
	size_t got;

	EVP_DigestInit_ex(h, EVP_sha256(), NULL);
	while (f && (got = fread(buf, 1, sizeof(buf), f)) > 0) {
		EVP_DigestUpdate(h, buf, got);
		n += (long long)got;
	}
	hex_digest(h, hex);
	if (!f) {
		os_error(b, ENOENT);
		return;
	}
	fclose(f);
	snprintf(line, sizeof(line), "S %lld %s\r\n\x04", n, hex);
	outs(b, line);
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (ftw->level == 0 || (ftw->level == 1 && type == FTW_DP))
		return 0;	/* the root and the mount points stay */
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static void fs_wipe(struct board *b)
{
	if (!b->fs[0] || opt.fs_wipe < 0)
		return;
	nftw(b->fs, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	b->fs_cap = opt.fs_wipe;
	note(b, "the flash wiped the file system (%d bytes now)", opt.fs_wipe);
}

static void fs_open(struct board *b, const char *path, int wr)
{
	if (b->fsf)
		fclose(b->fsf);
	b->fsf = NULL;
	if (opt.fs_eio && !wr && strstr(path, opt.fs_eio)) {
		os_error(b, EIO);
		return;
	}
	b->fsf = fopen(path, wr ? "wb" : "rb");
	if (!b->fsf) {
		os_error(b, errno);
		return;
	}
	if (!wr) {
		b->fsh = EVP_MD_CTX_new();
		EVP_DigestInit_ex(b->fsh, EVP_sha256(), NULL);
	}
	outs(b, "\x04");
}

/* Every call of lib/proto/repl_fs.h's helper; its definitions and its
 * removal print nothing. */
static int run_fs(struct board *b, const char *code)
{
	char path[8192], id[96];
	unsigned char self[512];
	int i;

	if (!b->fs[0]) {
		outs(b, "\x04");
		traceback(b, "<stdin>", "NotImplementedError: mpy-repl needs --fs DIR for files");
	} else if (strstr(code, "def ") || strstr(code, "globals().pop")) {
		outs(b, "\x04");
	} else if (strstr(code, "_mpf_id()")) {
		for (i = 0; i < 512; i++)
			self[i] = (unsigned char)i;
		snprintf(id, sizeof(id), "mpf-fs tree sha256 b64 %08x\r\n\x04",
			 (unsigned)mpf_adler32(1, self, sizeof(self)));
		outs(b, id);
	} else if (strstr(code, "_mpf_ls()")) {
		fs_list(b, b->fs, "");
		outs(b, "\x04");
	} else if (strstr(code, "_mpf_rd(")) {
		fs_read(b, code);
	} else if (strstr(code, "_mpf_wa(")) {
		fs_write(b, code);
	} else if (strstr(code, "_mpf_wc()")) {
		if (b->fsf)
			fclose(b->fsf);
		b->fsf = NULL;
		outs(b, "\x04");
	} else if (strstr(code, "_mpf_mnt()")) {
		fs_mounts(b);
	} else if (!strncmp(code, "_mpf_bd=", 8)) {
		fs_bdev(b, code);
	} else if (!strncmp(code, "_mpf_mkfs(", 10)) {
		fs_mkfs(b, code);
	} else if (strstr(code, "_mpf_fmt()")) {
		nftw(b->fs, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		outs(b, "\x04");
	} else if (fs_arg(b, code, "_mpf_ro", path, sizeof(path))) {
		fs_open(b, path, 0);
	} else if (fs_arg(b, code, "_mpf_wo", path, sizeof(path))) {
		fs_open(b, path, 1);
	} else if (fs_arg(b, code, "_mpf_sum", path, sizeof(path))) {
		fs_sum(b, path);
	} else if (fs_arg(b, code, "_mpf_md", path, sizeof(path))) {
		mkdir(path, 0777);
		outs(b, "\x04");
	} else {
		outs(b, "\x04");
		traceback(b, "<stdin>", "NotImplementedError: mpy-repl simulator cannot run this code");
	}
	return 0;
}

/* mpf_fs_uid_script: the board's machine.unique_id() in hex, or "-". */
static int run_uid(struct board *b, const char *code)
{
	char line[128];

	snprintf(line, sizeof(line), "U machine unique_id %s\r\n\x04", b->uid[0] ? b->uid : "-");
	outs(b, line);
	return 0;
}

/* Board i's --unique-id: the i-th of the list. */
static void board_uid(struct board *b)
{
	const char *p = opt.unique_id;
	int i;

	for (i = 0; p && i < b->idx; i++)
		p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL;
	if (p && *p != '-')
		snprintf(b->uid, sizeof(b->uid), "%.*s", (int)strcspn(p, ","), p);
}

static const struct code_handler {
	const char *match;	/* a substring of the code */
	/* writes stdout, 0x04, stderr; returns 1 when the board left */
	int (*run)(struct board *b, const char *code);
} handlers[] = {
	{ "_mpf_", run_fs },	/* first: the helper holds "pass" and "print(" */
	{ "import os as _os", run_fs },	/* the helper's first part */
	{ "machine.bootloader()", run_bootloader },
	{ "'unique_id'", run_uid },
	{ "print('mpf1'", run_ident },
	{ "1/0", run_zerodiv },
	{ "print(1)", run_print1 },
	{ "pass", run_pass },	/* last: other code may hold the word */
};

/* The code is in: it "runs" for --exec-ms (ticks finish it), and a
 * Ctrl-C meanwhile interrupts it, as on a board. */
static void execute(struct board *b)
{
	b->line[b->len] = 0;
	note(b, "running code (%zu bytes)", b->len);
	if (opt.vanish) {
		fprintf(stderr, "mpy-repl: %s vanishes (as a board resetting mid-exchange)\n", b->path);
		exit(0);
	}
	b->st = EXEC;
	b->exec_until = now_ms() + opt.exec_ms;
}

static void exec_done(struct board *b)
{
	size_t i, n = sizeof(handlers) / sizeof(handlers[0]);

	if (b->lost) {
		note(b, "%d bytes of the code were lost", b->lost);
		outs(b, "\x04");
		traceback(b, "<stdin>", opt.drop_error ? opt.drop_error : "SyntaxError: invalid syntax");
		n = 0;
	}
	for (i = 0; i < n; i++)
		if (strstr(b->line, handlers[i].match)) {
			if (handlers[i].run(b, b->line))
				return;	/* the board left (machine.bootloader()) */
			break;
		}
	if (i == n && !b->lost) {
		outs(b, "\x04");
		traceback(b, "<stdin>", "NotImplementedError: mpy-repl simulator cannot run this code");
	}
	outs(b, "\x04>");
	b->len = 0;
	b->lost = 0;
	b->st = RAW;
}

static void in_exec(struct board *b, unsigned char c)
{
	if (c != 3)
		return;		/* the code does not read stdin */
	note(b, "code interrupted");
	outs(b, "\x04");
	traceback(b, "<stdin>", "KeyboardInterrupt: ");
	outs(b, "\x04>");
	b->len = 0;
	b->st = RAW;
}

/* ---- input per state ---- */

static void soft_reboot(struct board *b, int raw)
{
	note(b, "soft reboot");
	/* 1.9.2 (QEMU micro:bit) says "soft reboot"; current ones "MPY: soft reboot" */
	outs(b, b->p->paste < 0 ? "soft reboot\r\n" : "MPY: soft reboot\r\n");
	if (raw)
		prompt_in(b, raw_banner, opt.late_raw);
	else
		banner(b);
}

static void main_interrupted(struct board *b)
{
	outs(b, "Traceback (most recent call last):\r\n  File \"main.py\", line 7, in <module>\r\n"
		"KeyboardInterrupt: \r\n");
	if (b->p->circuitpython) {
		outs(b, "\r\nCode done running.\r\n\r\nPress any key to enter the REPL. "
			"Use CTRL-D to reload.\r\n");
		b->st = ANYKEY;
		return;
	}
	banner(b);	/* as after main.py ends */
}

static void in_main(struct board *b, unsigned char c)
{
	if (c != 3)
		return;		/* main.py does not read stdin */
	if (opt.busy_catch && !b->interrupts++) {
		outs(b, "caught KeyboardInterrupt, carrying on\r\n");
		return;
	}
	main_interrupted(b);
}

static void in_friendly(struct board *b, unsigned char c)
{
	char e[2] = { (char)c, 0 };

	switch (c) {
	case 1:
		outs(b, "\r\n");
		prompt_in(b, raw_banner, opt.late_raw);
		break;
	case 2:
		outs(b, "\r\n");
		banner(b);
		break;
	case 3:
		outs(b, "\r\n>>> ");
		b->len = 0;
		break;
	case 4:
		if (b->len == 0) {
			outs(b, "\r\n");
			soft_reboot(b, 0);
		}
		break;
	case '\r':
		/* a line of Python is beyond us: echo it and prompt again */
		outs(b, "\r\n>>> ");
		b->len = 0;
		break;
	default:
		if (c >= 0x20 && b->len < sizeof(b->line) - 1) {
			b->line[b->len++] = (char)c;
			outs(b, e);
		}
	}
}

static void start_paste(struct board *b)
{
	unsigned w = (unsigned)b->p->paste;
	char reply[5] = { 'R', 1, (char)(w & 0xff), (char)(w >> 8), 1 };

	if (b->p->paste == 0 || opt.no_paste) {
		out(b, "R\x00>", 3);
		b->len = 0;
		return;
	}
	note(b, "raw paste, window %d", b->p->paste);
	/* the window, then 0x01: "two windows free" (pyexec.c) */
	out(b, reply, 5);
	b->window = w;
	b->remain = 2 * w;
	b->len = 0;
	b->st = PASTE;
}

static void in_raw(struct board *b, unsigned char c)
{
	switch (c) {
	case 1:
		if (b->len == 2 && b->line[0] == 5 && b->p->paste >= 0) {
			if (b->line[1] == 'A') {
				start_paste(b);
			} else {
				out(b, "R\x00>", 3);
				b->len = 0;
			}
			return;
		}
		prompt_in(b, raw_banner, opt.late_raw);
		return;
	case 2:
		note(b, "friendly REPL");
		outs(b, "\r\n");
		b->st = FRIENDLY;	/* left the raw REPL, even if not prompting yet */
		prompt_in(b, banner, opt.late_friendly);
		return;
	case 3:
		b->len = 0;
		return;
	case 4:
		outs(b, "OK");
		if (b->len == 0) {
			outs(b, "\r\n");
			soft_reboot(b, 1);
			return;
		}
		execute(b);
		return;
	}
	/* --drop: bytes 100 to 100+N of the first plain-raw code are lost */
	if (opt.drop && !b->dropped && b->len + (size_t)b->lost >= 100 && b->lost < opt.drop) {
		b->lost++;
		if (b->lost == opt.drop)
			b->dropped = 1;
		return;
	}
	if (b->len < sizeof(b->line) - 1)
		b->line[b->len++] = (char)c;
	else
		violation(b, "raw REPL line longer than %zu bytes", sizeof(b->line) - 1);
}

static void in_paste(struct board *b, unsigned char c)
{
	if (c == 4 || c == 3) {
		outs(b, "\x04");
		if (c == 3) {
			traceback(b, "<stdin>", "KeyboardInterrupt: ");
			outs(b, "\x04>");
			b->st = RAW;
			b->len = 0;
			return;
		}
		execute(b);
		return;
	}
	if (b->remain == 0) {
		violation(b, "host wrote past the raw-paste window (%u bytes)", b->window);
		return;		/* a real board's buffer overflows: byte lost */
	}
	b->remain--;
	if (b->len < sizeof(b->line) - 1)
		b->line[b->len++] = (char)c;
	/* every window's worth consumed frees one: tell the host */
	if ((b->len % b->window) == 0) {
		outs(b, "\x01");
		b->remain += b->window;
	}
}

static void in_anykey(struct board *b, unsigned char c)
{
	banner(b);	/* CircuitPython: the key itself is swallowed */
}

/* What a byte from the host does in each state; NULL: nothing reads it. */
static void (*const in_state[])(struct board *b, unsigned char c) = {
	[BOOT] = NULL,
	[MAIN] = in_main,
	[FRIENDLY] = in_friendly,
	[RAW] = in_raw,
	[PASTE] = in_paste,
	[EXEC] = in_exec,
	[ANYKEY] = in_anykey,
	[DEAD] = NULL,
	[BOOTSEL] = NULL,
};

static void feed(struct board *b, unsigned char c)
{
	if (in_state[b->st])
		in_state[b->st](b, c);
}

/* ---- time-driven behaviour ---- */

static void boot(struct board *b)
{
	b->st = opt.silent ? DEAD : BOOT;
	if (opt.chatter)
		outs(b, "ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 "
			"(SPI_FAST_FLASH_BOOT)\r\nconfigsip: 0, SPIWP:0xee\r\nclk_drv:0x00,q_drv:0x00,"
			"d_drv:0x00,cs0_drv:0x00,hd_drv:0x00,wp_drv:0x00\r\nmode:DIO, clock div:2\r\n"
			"load:0x3fff0030,len:4540\r\nentry 0x400805e8\r\n");
	b->boot_until = now_ms() + (opt.chatter ? opt.boot_ms : 0);
}

static void bootsel_tick(struct board *b, long long t);
static int touched(struct board *b);

static void tick(struct board *b)
{
	long long t = now_ms();

	if (b->st == BOOTSEL) {
		bootsel_tick(b, t);
		return;
	}
	if (b->held && t >= b->hold_until) {
		void (*fn)(struct board *b) = b->held;

		b->held = NULL;
		fn(b);
	}
	if (opt.uf2 && touched(b)) {
		enter_bootsel(b, "1200-baud touch");
		return;
	}
	if (b->st == BOOT && t >= b->boot_until) {
		if (opt.busy || opt.busy_catch) {
			b->st = MAIN;
			b->next_tick = t;
		} else if (b->p->circuitpython) {
			outs(b, "Auto-reload is on. Simply save files over USB to run them or enter "
				"REPL to disable.\r\ncode.py output:\r\nHello World!\r\n\r\nCode done "
				"running.\r\n\r\nPress any key to enter the REPL. Use CTRL-D to reload.\r\n");
			b->st = ANYKEY;
		} else {
			banner(b);
		}
	}
	if (b->st == EXEC && t >= b->exec_until)
		exec_done(b);
	if (b->st == MAIN && t >= b->next_tick) {
		char s[48];

		snprintf(s, sizeof(s), "sensor reading %d\r\n", b->ticks++);
		outs(b, s);
		b->next_tick = t + 50;
	}
}

/* ---- setup and main loop ---- */

static int open_board(struct board *b)
{
	struct termios tio;
	const char *name;

	b->fd = posix_openpt(O_RDWR | O_NOCTTY);
	if (b->fd < 0 || grantpt(b->fd) < 0 || unlockpt(b->fd) < 0 || !(name = ptsname(b->fd)))
		return -1;
	snprintf(b->path, sizeof(b->path), "%s", name);
	b->slave = open(b->path, O_RDWR | O_NOCTTY);
	if (b->slave < 0 || tcgetattr(b->slave, &tio) < 0)
		return -1;
	cfmakeraw(&tio);
	tcsetattr(b->slave, TCSANOW, &tio);
	fcntl(b->fd, F_SETFL, fcntl(b->fd, F_GETFL) | O_NONBLOCK);
	return 0;
}

/* ---- the bootloader round trip (--uf2) ---- */

/* The link as /dev/serial/by-id keeps it: replaced atomically. */
static void make_link(struct board *b)
{
	char tmp[4200];

	if (!b->link[0])
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", b->link);
	unlink(tmp);
	if (symlink(b->path, tmp) || rename(tmp, b->link))
		perror("mpy-repl: link");
}

/* The 1200-baud touch: the host set the line coding to 1200. */
static int touched(struct board *b)
{
	struct termios tio;

	return b->fd >= 0 && !tcgetattr(b->slave, &tio) && cfgetospeed(&tio) == B1200;
}

/* Reset into the bootloader: the USB CDC port leaves the bus. */
static void enter_bootsel(struct board *b, const char *why)
{
	note(b, "%s: resetting into the %s bootloader", why, opt.dfu ? "DFU" : "UF2");
	if (b->link[0])
		unlink(b->link);
	close(b->fd);
	close(b->slave);
	b->fd = b->slave = -1;
	b->st = BOOTSEL;
	b->len = 0;
	b->drive = 0;
	b->drive_at = now_ms() + opt.reset_ms;
}

static void start_drive(struct board *b)
{
	const char *argv[32];
	int i = 0, k;

	argv[i++] = opt.drive_sim;
	argv[i++] = "--flash-in";
	argv[i++] = b->flash;
	argv[i++] = "--flash";
	argv[i++] = b->flash;
	for (k = 0; k < opt.ndrive_args; k++)
		argv[i++] = opt.drive_args[k];
	argv[i++] = b->uf2;
	argv[i] = NULL;
	b->drive = fork();
	if (b->drive == 0) {
		execv(opt.drive_sim, (char *const *)argv);
		_exit(127);
	}
}

/* The "MicroPython vX.Y.Z on DATE; MACHINE" banner in the flash image. */
static int image_banner(const char *path, char *out, size_t cap)
{
	static const char tag[] = "MicroPython v";
	FILE *f = fopen(path, "rb");
	size_t n = 0, i, max = 16u << 20;
	char *buf = malloc(max);

	if (f && buf)
		n = fread(buf, 1, max - 1, f);
	if (f)
		fclose(f);
	out[0] = 0;
	for (i = 0; buf && i + sizeof(tag) < n && !out[0]; i++)
		if (!memcmp(buf + i, tag, sizeof(tag) - 1))
			snprintf(out, cap, "%.*s", (int)strnlen(buf + i, n - i < cap ? n - i : cap - 1),
				 buf + i);
	free(buf);
	return out[0] ? 0 : -1;
}

static char *replace(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	const char *p;
	char *r, *o;

	for (p = s; fl && (p = strstr(p, from)); p += fl)
		n++;
	r = o = malloc(strlen(s) + n * (tl + 1) + 1);
	for (p = s; fl && (p = strstr(s, from)); s = p + fl) {
		memcpy(o, s, (size_t)(p - s));
		o += p - s;
		memcpy(o, to, tl);
		o += tl;
	}
	strcpy(o, s);
	return r;
}

/* "1.24.1 on 2024-11-29" out of a banner: version, date, tuple "1, 24, 1". */
static int banner_parts(const char *banner, char *ver, char *date, char *tuple)
{
	const char *v = strstr(banner, "MicroPython v"), *on;
	int a, b2, c;

	if (!v || !(on = strstr(v, " on ")))
		return -1;
	v += 13;
	snprintf(ver, 64, "%.*s", (int)(on - v), v);
	snprintf(date, 64, "%.*s", (int)strcspn(on + 4, ";"), on + 4);
	if (sscanf(ver, "%d.%d.%d", &a, &b2, &c) != 3)
		return -1;
	snprintf(tuple, 64, "%d, %d, %d", a, b2, c);
	return 0;
}

/* What the board runs after booting the image with this banner: the
 * profile with that banner, else the old one with version and date
 * replaced. */
static void retarget(struct board *b, const char *banner)
{
	char ov[64], od[64], ot[64], nv[64], nd[64], nt[64];
	char *t;
	size_t i;
	int k;

	for (i = 0; i < NPROFILES; i++)
		if (!strcmp(profiles[i].banner, banner)) {
			b->p = &profiles[i];
			return;
		}
	if (banner_parts(b->p->banner, ov, od, ot) || banner_parts(banner, nv, nd, nt))
		return;
	b->own = *b->p;
	b->own.impl = replace(b->own.impl, ot, nt);
	t = replace(b->own.uname, ov, nv);
	b->own.uname = replace(t, od, nd);
	free(t);
	t = replace(b->own.version, ov, nv);
	b->own.version = replace(t, od, nd);
	free(t);
	b->own.banner = strdup(banner);
	for (k = 0; k < 4; k++)
		free(b->own_s[k]);
	b->own_s[0] = (char *)b->own.impl, b->own_s[1] = (char *)b->own.uname;
	b->own_s[2] = (char *)b->own.version, b->own_s[3] = (char *)b->own.banner;
	b->p = &b->own;
}

static void come_back(struct board *b)
{
	char banner[256];

	b->drive = -1;
	if (image_banner(b->flash, banner, sizeof(banner))) {
		note(b, "no MicroPython in the flashed image: the port stays away");
		b->st = DEAD;
		b->back_at = 0;
		return;
	}
	retarget(b, banner);
	fs_wipe(b);
	if (open_board(b) < 0) {
		perror("mpy-repl: cannot make a pty");
		exit(1);
	}
	make_link(b);
	printf("%s\n", b->path);
	fflush(stdout);
	note(b, "back from the bootloader: %s", b->p->banner);
	boot(b);
}

/* --dfu: plug the DFU device in; the board is back once it left DFU. */
static void dfu_tick(struct board *b, long long t)
{
	int fd;

	if (b->in_dfu == 1 && t >= b->drive_at) {
		fd = open(b->dfu, O_WRONLY | O_CREAT, 0644);
		if (fd >= 0)
			close(fd);
		note(b, "in the DFU bootloader: %s", b->dfu);
		b->in_dfu = 2;
	} else if (b->in_dfu == 2 && access(b->dfu, F_OK)) {
		note(b, "left DFU");
		b->in_dfu = 3;
		b->back_at = t + opt.back_ms;
	} else if (b->in_dfu == 3 && t >= b->back_at) {
		b->in_dfu = 0;
		come_back(b);
	}
}

static void bootsel_tick(struct board *b, long long t)
{
	int st;

	if (b->in_dfu) {
		dfu_tick(b, t);
		return;
	}

	if (b->drive == 0 && t >= b->drive_at)
		start_drive(b);
	if (b->drive > 0 && waitpid(b->drive, &st, WNOHANG) == b->drive) {
		b->drive = -1;	/* the drive rebooted */
		b->back_at = t + opt.back_ms;
	}
	if (b->drive == -1 && t >= b->back_at)
		come_back(b);
}

/* On exit a board in its bootloader takes its drive along. */
static void stop_drive(struct board *b)
{
	if (b->st == BOOTSEL && b->in_dfu == 2)
		unlink(b->dfu);	/* unplug the DFU device with the board */
	if (b->st != BOOTSEL || b->drive <= 0)
		return;
	kill(b->drive, SIGTERM);
	waitpid(b->drive, NULL, 0);
	umount2(b->uf2, MNT_DETACH);
}

/* NAME, or NAMEi when the process simulates several boards. */
static void per_board(char *out, size_t cap, const char *name, int i)
{
	if (!name)
		out[0] = 0;
	else if (opt.count == 1)
		snprintf(out, cap, "%s", name);
	else
		snprintf(out, cap, "%s%d", name, i);
}

static void on_signal(int sig)
{
	stop = 1;
}

static void usage(void)
{
	size_t i;

	fprintf(stderr, "usage: mpy-repl [--board NAME] [--count N] [--busy|--busy-catch] [--chatter]\n"
		"       [--silent] [--vanish] [--raise] [--no-raw-paste] [--toml TEXT]\n"
		"       [--baud N] [--exec-ms N] [--boot-ms N] [--drop N] [--drop-error E] [-v]\n"
		"       [--late-raw N] [--late-friendly N]\n"
		"       [--link PATH --uf2 DIR --flash FILE --drive-sim PATH [--drive-arg ARG]...\n"
		"        [--reset-ms N] [--back-ms N]]\n"
		"       [--link PATH --dfu FILE --flash FILE [--reset-ms N] [--back-ms N]]\n"
		"       [--esp-rom PATH --flash FILE [--esp-arg ARG]...] | --list\nboards:");
	for (i = 0; i < NPROFILES; i++)
		fprintf(stderr, " %s", profiles[i].name);
	fputc('\n', stderr);
	exit(2);
}

static const struct profile *find_profile(const char *name)
{
	size_t i;

	for (i = 0; i < NPROFILES; i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	fprintf(stderr, "mpy-repl: no board profile '%s'\n", name);
	usage();
	return NULL;
}

static void parse_args(int argc, char **argv)
{
	static const struct { const char *name; int *flag; } flags[] = {
		{ "--busy", &opt.busy }, { "--busy-catch", &opt.busy_catch },
		{ "--chatter", &opt.chatter }, { "--silent", &opt.silent },
		{ "--vanish", &opt.vanish }, { "--raise", &opt.raise },
		{ "--no-raw-paste", &opt.no_paste }, { "-v", &opt.verbose },
	};
	static const struct { const char *name; int *val; } ints[] = {
		{ "--count", &opt.count }, { "--baud", &opt.baud }, { "--exec-ms", &opt.exec_ms },
		{ "--boot-ms", &opt.boot_ms }, { "--drop", &opt.drop },
		{ "--reset-ms", &opt.reset_ms }, { "--back-ms", &opt.back_ms },
		{ "--late-raw", &opt.late_raw }, { "--late-friendly", &opt.late_friendly },
		{ "--fs-wipe", &opt.fs_wipe },
	};
	static const struct { const char *name; const char **val; } strs[] = {
		{ "--toml", &opt.toml }, { "--link", &opt.link }, { "--uf2", &opt.uf2 },
		{ "--flash", &opt.flash }, { "--drive-sim", &opt.drive_sim },
		{ "--esp-rom", &opt.esp_rom }, { "--drop-error", &opt.drop_error },
		{ "--dfu", &opt.dfu }, { "--fs", &opt.fs }, { "--fs-eio", &opt.fs_eio },
		{ "--fs-class", &opt.fs_class }, { "--unique-id", &opt.unique_id },
	};
	int i;
	size_t k;

	opt.p = find_profile("rp2-1.24.1");
	for (i = 1; i < argc; i++) {
		for (k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
			if (!strcmp(argv[i], flags[k].name))
				break;
		if (k < sizeof(flags) / sizeof(flags[0])) {
			*flags[k].flag = 1;
			continue;
		}
		for (k = 0; k < sizeof(ints) / sizeof(ints[0]); k++)
			if (!strcmp(argv[i], ints[k].name) && i + 1 < argc)
				break;
		if (k < sizeof(ints) / sizeof(ints[0])) {
			*ints[k].val = atoi(argv[++i]);
			continue;
		}
		for (k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
			if (!strcmp(argv[i], strs[k].name) && i + 1 < argc)
				break;
		if (k < sizeof(strs) / sizeof(strs[0])) {
			*strs[k].val = argv[++i];
			continue;
		}
		if (!strcmp(argv[i], "--board") && i + 1 < argc)
			opt.p = find_profile(argv[++i]);
		else if (!strcmp(argv[i], "--drive-arg") && i + 1 < argc && opt.ndrive_args < 16)
			opt.drive_args[opt.ndrive_args++] = argv[++i];
		else if (!strcmp(argv[i], "--esp-arg") && i + 1 < argc && opt.nesp_args < 14)
			opt.esp_args[opt.nesp_args++] = argv[++i];
		else if (!strcmp(argv[i], "--list")) {
			for (k = 0; k < NPROFILES; k++)
				printf("%s\n", profiles[k].name);
			exit(0);
		} else
			usage();
	}
	if (opt.count < 1 || opt.count > 64 || (opt.uf2 && (!opt.flash || !opt.drive_sim)) ||
	    (opt.esp_rom && !opt.flash) || (opt.dfu && (!opt.flash || opt.uf2)))
		usage();
}

/* --esp-rom: a SLIP frame carrying the ROM loader's SYNC command */
static int esp_sync(const unsigned char *buf, ssize_t n)
{
	ssize_t i;

	for (i = 0; i + 2 < n; i++)
		if (buf[i] == 0xC0 && buf[i + 1] == 0x00 && buf[i + 2] == 0x08)
			return 1;
	return 0;
}

/* The host reset the ESP32 into its ROM loader: esp-rom serves the port
 * until the host closes it; then the chip boots what its flash holds. */
static void esp_download(struct board *b)
{
	char fd[16], banner[256];
	const char *argv[24];
	int i = 0, k, st;
	pid_t pid;

	note(b, "SYNC after a reset into download mode: the ROM loader (esp-rom) has the port");
	snprintf(fd, sizeof(fd), "%d", b->fd);
	argv[i++] = opt.esp_rom;
	argv[i++] = "--pty-fd";
	argv[i++] = fd;
	argv[i++] = "--flash";
	argv[i++] = b->flash;
	for (k = 0; k < opt.nesp_args; k++)
		argv[i++] = opt.esp_args[k];
	argv[i] = NULL;
	close(b->slave);	/* so esp-rom sees the host close the port */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(2, 1);	/* esp-rom prints no pty path here, but keep stdout ours */
		execv(opt.esp_rom, (char *const *)argv);
		perror("mpy-repl: esp-rom");
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	b->slave = open(b->path, O_RDWR | O_NOCTTY);
	if (pid < 0 || b->slave < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		note(b, "esp-rom failed or found a protocol violation: the board is dead");
		violations++;
		b->st = DEAD;
		return;
	}
	if (image_banner(b->flash, banner, sizeof(banner))) {
		note(b, "no MicroPython in the flash: the port stays silent");
		b->st = DEAD;
		return;
	}
	retarget(b, banner);
	note(b, "reset: running %s", b->p->banner);
	boot(b);
}

static int serve(struct board *bs, int n)
{
	struct pollfd pfd[64];
	int i;

	while (!stop) {
		long long wait = 10;

		for (i = 0; i < n; i++) {
			tick(&bs[i]);
			/* -1 (ignored) while in the bootloader or busy (a late prompt) */
			pfd[i].fd = bs[i].held ? -1 : bs[i].fd;
			pfd[i].events = POLLIN;
			if (bs[i].held && bs[i].hold_until - now_ms() < wait)
				wait = bs[i].hold_until - now_ms();
			/* wake exactly when running code is due to finish */
			if (bs[i].st == EXEC && bs[i].exec_until - now_ms() < wait)
				wait = bs[i].exec_until - now_ms();
		}
		if (poll(pfd, (nfds_t)n, wait > 0 ? (int)wait : 0) < 0 && errno != EINTR)
			return 1;
		for (i = 0; i < n; i++) {
			unsigned char buf[4096];
			ssize_t r, j;

			if (!(pfd[i].revents & POLLIN) || bs[i].fd < 0)
				continue;
			/* a board that will be busy after a byte must not have
			 * read what follows it: one byte at a time then */
			r = read(bs[i].fd, buf, opt.late_raw || opt.late_friendly ? 1 : sizeof(buf));
			if (opt.esp_rom && esp_sync(buf, r)) {
				esp_download(&bs[i]);
				continue;
			}
			for (j = 0; j < r; j++)
				feed(&bs[i], buf[j]);
		}
	}
	for (i = 0; i < n; i++) {
		if (bs[i].st == RAW || bs[i].st == PASTE || bs[i].st == EXEC)
			violation(&bs[i], "left in the raw REPL (no Ctrl-B)");
		stop_drive(&bs[i]);
		if (bs[i].link[0])
			unlink(bs[i].link);
	}
	return violations ? 3 : 0;
}

int main(int argc, char **argv)
{
	static struct board bs[64];
	struct sigaction sa;
	int i;

	parse_args(argc, argv);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < opt.count; i++) {
		bs[i].p = opt.p;
		bs[i].idx = i;
		per_board(bs[i].link, sizeof(bs[i].link), opt.link, i);
		per_board(bs[i].uf2, sizeof(bs[i].uf2), opt.uf2, i);
		per_board(bs[i].flash, sizeof(bs[i].flash), opt.flash, i);
		per_board(bs[i].dfu, sizeof(bs[i].dfu), opt.dfu, i);
		per_board(bs[i].fs, sizeof(bs[i].fs), opt.fs, i);
		board_uid(&bs[i]);
		if (open_board(&bs[i]) < 0) {
			perror("mpy-repl: cannot make a pty");
			return 1;
		}
		make_link(&bs[i]);
		printf("%s\n", bs[i].path);
		boot(&bs[i]);
	}
	fflush(stdout);
	return serve(bs, opt.count);
}
