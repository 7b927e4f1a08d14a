/* usbboard-sim - a USB CDC board's life around its UF2 bootloader, on a pty.
 *
 *   usbboard-sim --link PATH --drive DIR --flash IMG [--log FILE]
 *                [--enter-ms MS] [--back-ms MS] [-- UF2DRIVE-SIM ARGS...]
 *
 * The board's serial port is a pty reached through the symlink PATH (as
 * /dev/serial/by-id/... links are). It enters its bootloader
 * - on the 1200-baud touch: the port's line coding set to 1200 baud, which
 *   a pty master sees in the slave's termios (pico-sdk stdio_usb resets on
 *   this alone; MicroPython also wants DTR low, which a pty cannot show),
 * - on SIGUSR1: a person holding BOOTSEL and pressing RESET ("manual").
 * Entering the bootloader the port disappears (pty closed, link removed:
 * whoever has it open gets EIO), and after --enter-ms the UF2 drive appears
 * at DIR (uf2drive-sim with the flash image IMG). When the drive "reboots"
 * the board comes back on a new pty behind the same link after --back-ms,
 * and logs the MicroPython version found in the flashed image.
 * Events ("touch1200", "manual", "bootloader", "back 1.24.1") go to --log.
 */
#define _XOPEN_SOURCE 700	/* posix_openpt, grantpt, ptsname */
#define _DEFAULT_SOURCE		/* symlink, usleep */

#include <errno.h>
#include <fcntl.h>
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

static const char *link_path, *drive, *flash, *log_path, *drive_sim;
static char **extra;
static int nextra;
static long enter_ms = 300, back_ms = 300;
static volatile sig_atomic_t manual, stop;
static int master = -1, slave = -1;

/* Each event ends with " @MS", wall-clock milliseconds, for benchmarks. */
static void logev(const char *fmt, ...)
{
	FILE *f = log_path ? fopen(log_path, "a") : NULL;
	struct timespec ts;
	va_list ap;

	if (!f)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fprintf(f, " @%lld\n", (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	fclose(f);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR && !stop)
		;
}

/* The port appears: a fresh pty behind the link. */
static int port_up(void)
{
	struct termios tio;
	char tmp[4096];

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return -1;
	/* hold the slave open so the master never sees a hang-up */
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0 || tcgetattr(slave, &tio))
		return -1;
	cfmakeraw(&tio);
	cfsetospeed(&tio, B115200);
	cfsetispeed(&tio, B115200);
	tcsetattr(slave, TCSANOW, &tio);
	snprintf(tmp, sizeof(tmp), "%s.tmp", link_path);
	unlink(tmp);
	if (symlink(ptsname(master), tmp) || rename(tmp, link_path))
		return -1;
	return 0;
}

static void port_down(void)
{
	unlink(link_path);
	close(slave);
	close(master);
	master = slave = -1;
}

/* The version in the image's banner, "MicroPython v1.24.1 on ...". */
static void image_version(char *out, size_t cap)
{
	static const char tag[] = "MicroPython v";
	FILE *f = fopen(flash, "rb");
	char *buf = malloc(1 << 22), *p = NULL;
	size_t n = f && buf ? fread(buf, 1, (1 << 22) - 1, f) : 0, i;

	snprintf(out, cap, "none");
	for (i = 0; i + sizeof(tag) < n && !p; i++)
		if (!memcmp(buf + i, tag, sizeof(tag) - 1))
			p = buf + i + sizeof(tag) - 1;
	if (p)
		snprintf(out, cap, "%.*s", (int)strcspn(p, " ;\n"), p);
	free(buf);
	if (f)
		fclose(f);
}

static void bootloader(const char *why)
{
	char ver[64];
	char **argv = calloc((size_t)nextra + 8, sizeof(*argv));
	int i = 0, k, st;
	pid_t pid;

	logev("%s", why);
	port_down();
	logev("bootloader");
	sleep_ms(enter_ms);
	if (stop) {
		free(argv);
		return;
	}
	argv[i++] = (char *)drive_sim;
	argv[i++] = "--flash-in";
	argv[i++] = (char *)flash;
	argv[i++] = "--flash";
	argv[i++] = (char *)flash;
	for (k = 0; k < nextra; k++)
		argv[i++] = extra[k];
	argv[i++] = (char *)drive;
	pid = fork();
	if (pid == 0) {
		execv(drive_sim, argv);
		_exit(127);
	}
	/* the drive goes with the board: a SIGTERM to us ends it too */
	while (pid > 0 && waitpid(pid, &st, WNOHANG) == 0) {
		if (stop) {
			kill(pid, SIGTERM);
			umount2(drive, MNT_DETACH);
			waitpid(pid, &st, 0);
			break;
		}
		sleep_ms(10);
	}
	free(argv);
	sleep_ms(back_ms);
	if (stop)
		return;
	image_version(ver, sizeof(ver));
	if (port_up())
		exit(1);
	logev("back %s", ver);
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		manual = 1;
	else
		stop = 1;
}

static int touched(void)
{
	struct termios tio;

	return !tcgetattr(master, &tio) && cfgetospeed(&tio) == B1200;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--") ) {
			extra = argv + i + 1;
			nextra = argc - i - 1;
			break;
		}
		if (i + 1 >= argc)
			goto usage;
		if (!strcmp(argv[i], "--link"))
			link_path = argv[++i];
		else if (!strcmp(argv[i], "--drive"))
			drive = argv[++i];
		else if (!strcmp(argv[i], "--flash"))
			flash = argv[++i];
		else if (!strcmp(argv[i], "--log"))
			log_path = argv[++i];
		else if (!strcmp(argv[i], "--drive-sim"))
			drive_sim = argv[++i];
		else if (!strcmp(argv[i], "--enter-ms"))
			enter_ms = atol(argv[++i]);
		else if (!strcmp(argv[i], "--back-ms"))
			back_ms = atol(argv[++i]);
		else
			goto usage;
	}
	if (!link_path || !drive || !flash || !drive_sim)
		goto usage;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (port_up())
		return 1;
	logev("up");
	while (!stop) {
		struct pollfd p = { master, POLLIN, 0 };
		char buf[256];

		if (poll(&p, 1, 5) > 0 && read(master, buf, sizeof(buf)) < 0 && errno != EAGAIN)
			sleep_ms(5);
		if (touched())
			bootloader("touch1200");
		else if (manual) {
			manual = 0;
			bootloader("manual");
		}
	}
	port_down();
	return 0;
usage:
	fputs("usage: usbboard-sim --link PATH --drive DIR --flash IMG --drive-sim PATH "
	      "[--log FILE] [--enter-ms MS] [--back-ms MS] [-- UF2DRIVE-SIM ARGS]\n", stderr);
	return 2;
}
