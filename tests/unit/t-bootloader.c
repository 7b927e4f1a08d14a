/* t-bootloader.c - activator table, picking each board's
 * bootloader device, sysfs identity of a drive, touch1200 on a pty. */
#define _DEFAULT_SOURCE		/* mkdtemp, symlink, usleep */
#define _XOPEN_SOURCE 700	/* posix_openpt, ptsname */
#include "test-lib.h"

#include "bootloader.h"
#include "buf.h"
#include "err.h"
#include "record.h"
#include "scan.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static void rec(struct mpf_record *r, const char *json)
{
	json_error_t e;

	mpf_record_from(r, json_loads(json, 0, &e));
}

static void t_table(void)
{
	check_str(mpf_activator_find("touch1200")->name, "touch1200");
	check(mpf_activator_find("mpy")->needs_port);
	check(!mpf_activator_find("manual")->needs_port);
	check(mpf_activator_find("none") != NULL);
	check(mpf_activator_find("reset") == NULL);
}

static void t_pick(void)
{
	struct mpf_record b1, b2, anon, samd, d[5];
	struct mpf_boot_cand c[5];
	int i;

	rec(&b1, "{\"serial\":\"/dev/ttyACM0\",\"port\":\"rp2\",\"usb_serial\":\"E66141\",\"location\":\"1-1.2\"}");
	rec(&b2, "{\"serial\":\"/dev/ttyACM1\",\"port\":\"rp2\",\"location\":\"1-1.3\"}");
	rec(&anon, "{\"serial\":\"/dev/pts/3\",\"port\":\"rp2\"}");
	rec(&samd, "{\"serial\":\"/dev/ttyACM2\",\"port\":\"samd\"}");
	rec(&d[0], "{\"kind\":\"uf2\",\"path\":\"/m/a\",\"board_id\":\"RPI-RP2\",\"location\":\"1-1.3\"}");
	rec(&d[1], "{\"kind\":\"uf2\",\"path\":\"/m/b\",\"board_id\":\"RPI-RP2\",\"usb_serial\":\"E66141\",\"location\":\"1-1.2\"}");
	rec(&d[2], "{\"kind\":\"uf2\",\"path\":\"/m/c\",\"board_id\":\"SAMD21G18A-Zero-v0\"}");
	rec(&d[3], "{\"kind\":\"uf2\",\"path\":\"/m/d\",\"board_id\":\"RPI-RP2\"}");
	rec(&d[4], "{\"kind\":\"dfu\",\"vid\":\"0483\",\"pid\":\"df11\",\"bus\":1,\"address\":9}");
	memset(c, 0, sizeof(c));
	for (i = 0; i < 5; i++)
		c[i].rec = &d[i];
	/* identity wins, even while other boards are entering theirs */
	check_int(mpf_boot_pick(&b1, MPF_BOOTDEV_UF2, c, 5, 0, 0), ==, 1);
	check_int(mpf_boot_pick(&b2, MPF_BOOTDEV_UF2, c, 5, 0, 0), ==, 0);
	/* a board without identity takes a fresh fitting drive only alone */
	check_int(mpf_boot_pick(&anon, MPF_BOOTDEV_UF2, c, 5, 0, 0), ==, -1);
	check_int(mpf_boot_pick(&anon, MPF_BOOTDEV_UF2, c, 5, 1, 0), ==, 0);
	c[0].old = c[1].old = c[3].old = 1;	/* there before we asked */
	check_int(mpf_boot_pick(&anon, MPF_BOOTDEV_UF2, c, 5, 1, 0), ==, -1);
	check_int(mpf_boot_pick(&anon, MPF_BOOTDEV_UF2, c, 5, 1, 1), ==, 0);
	c[0].old = c[1].old = 0;
	c[0].claimed = 1;
	check_int(mpf_boot_pick(&anon, MPF_BOOTDEV_UF2, c, 5, 1, 0), ==, 1);
	c[1].claimed = 1;
	check_int(mpf_boot_pick(&anon, MPF_BOOTDEV_UF2, c, 5, 1, 0), ==, -1);
	/* the samd board never takes an RP2 drive */
	check_int(mpf_boot_pick(&samd, MPF_BOOTDEV_UF2, c, 5, 1, 0), ==, 2);
	check_int(mpf_boot_pick(&b1, MPF_BOOTDEV_UF2, c, 5, 1, 0), ==, -1);
	check_int(mpf_boot_pick(&anon, MPF_BOOTDEV_DFU, c, 5, 1, 0), ==, 4);
	mpf_record_release(&b1);
	mpf_record_release(&b2);
	mpf_record_release(&anon);
	mpf_record_release(&samd);
	for (i = 0; i < 5; i++)
		mpf_record_release(&d[i]);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* sysfs as Linux lays out a USB mass-storage disk. */
static void t_identity(void)
{
	char root[] = "/tmp/t-bootloader.XXXXXX", dev[512], p[1024], serial[64], loc[64];

	if (!check(mkdtemp(root) != NULL))
		return;
	snprintf(dev, sizeof(dev), "%s/devices/pci0000:00/usb1/1-1/1-1.3", root);
	snprintf(p, sizeof(p), "mkdir -p %s/1-1.3:1.0/host2/target2:0:0/2:0:0:0/block/sdb/sdb1 "
		 "%s/class/block", dev, root);
	check_int(system(p), ==, 0);
	snprintf(p, sizeof(p), "%s/busnum", dev);
	put(p, "1\n");
	snprintf(p, sizeof(p), "%s/serial", dev);
	put(p, "E6614103E7\n");
	snprintf(p, sizeof(p), "%s/class/block/sdb1", root);
	snprintf(dev + strlen(dev), sizeof(dev) - strlen(dev),
		 "/1-1.3:1.0/host2/target2:0:0/2:0:0:0/block/sdb/sdb1");
	check_int(symlink(dev, p), ==, 0);
	check_int(mpf_blockdev_usb_identity(root, "/dev/sdb1", serial, sizeof(serial), loc,
					    sizeof(loc)), ==, 1);
	check_str(serial, "E6614103E7");
	check_str(loc, "1-1.3");
	check_int(mpf_blockdev_usb_identity(root, "/dev/sdc1", serial, sizeof(serial), loc,
					    sizeof(loc)), ==, 0);
	snprintf(p, sizeof(p), "rm -rf %s", root);
	check_int(system(p), ==, 0);
}

struct watch {
	int master, saw1200, done;
};

static void *watch_speed(void *arg)
{
	struct watch *w = arg;
	struct termios tio;

	while (!w->done) {
		/* a pty master reads the slave's termios: the simulator's view */
		if (!tcgetattr(w->master, &tio) && cfgetospeed(&tio) == B1200)
			w->saw1200 = 1;
		usleep(2000);
	}
	return NULL;
}

static void t_touch1200(void)
{
	struct mpf_buf err = MPF_BUF_INIT;
	struct watch w = { 0 };
	pthread_t th;
	int r;

	w.master = posix_openpt(O_RDWR | O_NOCTTY);
	if (!check(w.master >= 0 && !grantpt(w.master) && !unlockpt(w.master)))
		return;
	pthread_create(&th, NULL, watch_speed, &w);
	r = mpf_touch1200(ptsname(w.master), &err);
	w.done = 1;
	pthread_join(th, NULL);
	check_int(r, ==, 0);
	check(w.saw1200);
	/* a port that is already gone counts as reset */
	check_int(mpf_touch1200("/dev/nonexistent-tty", &err), ==, 0);
	close(w.master);
	mpf_buf_release(&err);
}

int main(void)
{
	TEST(t_table(), "the activator table");
	TEST(t_pick(), "each board gets its own bootloader device");
	TEST(t_identity(), "a drive's USB serial and location from sysfs");
	TEST(t_touch1200(), "touch1200 sets 1200 baud on the port");
	return test_done();
}
