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

#define NC 5

static void t_pick(void)
{
	struct mpf_record b1, b2, anon, samd, d[NC];
	struct mpf_boot_cand c[NC];
	struct mpf_boot_board b[4], two[2];
	struct mpf_buf how = MPF_BUF_INIT;
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
	for (i = 0; i < NC; i++) {
		c[i].rec = &d[i];
		c[i].seen_ms = 200;	/* after every board was asked */
	}
	memset(b, 0, sizeof(b));
	b[0].rec = &b1, b[1].rec = &b2, b[2].rec = &anon, b[3].rec = &samd;
	for (i = 0; i < 4; i++) {
		b[i].kind = MPF_BOOTDEV_UF2;
		b[i].asked_ms = 100;
	}
	/* identity wins, even while other boards are entering theirs */
	check_int(mpf_boot_pick(b, 4, 0, c, NC, &how), ==, 1);
	check_str(how.buf, "usb_serial");
	check_int(mpf_boot_pick(b, 4, 1, c, NC, &how), ==, 0);
	check_str(how.buf, "location");
	/* the samd board's drive is told by INFO_UF2.TXT, and so is the RP2
	 * drive without identity once only one RP2 board could be its */
	check_int(mpf_boot_pick(b, 4, 3, c, NC, &how), ==, 2);
	check_str(how.buf, "info");
	check_int(mpf_boot_pick(b + 2, 2, 0, c + 2, 3, &how), ==, 1);
	check_str(how.buf, "info");
	/* two RP2 boards without identity: nothing tells whose d[3] is */
	two[0] = b[2];
	two[1] = b[2];
	check_int(mpf_boot_pick(two, 2, 1, c + 3, 2, &how), ==, -1);
	/* ... unless one's port was still there when the drive was seen */
	two[0].port_seen_ms = 200;
	check_int(mpf_boot_pick(two, 2, 1, c + 3, 2, &how), ==, 0);
	check_str(how.buf, "timing");
	check_int(mpf_boot_pick(two, 2, 0, c + 3, 2, &how), ==, -1);
	/* a drive another board is surely the one for is not a fallback */
	check_int(mpf_boot_pick(b + 1, 2, 1, c, 1, &how), ==, -1);
	/* alone, a board takes a fresh fitting drive */
	check_int(mpf_boot_pick(b, 1, 0, c + 3, 1, &how), ==, 0);
	check_int(mpf_boot_pick(b + 2, 1, 0, c, NC, &how), ==, 0);
	check_str(how.buf, "alone");
	c[0].seen_ms = c[1].seen_ms = c[3].seen_ms = 50;	/* there before we asked */
	check_int(mpf_boot_pick(b + 2, 1, 0, c, NC, &how), ==, -1);
	b[2].take_old = 1;
	check_int(mpf_boot_pick(b + 2, 1, 0, c, NC, &how), ==, 0);
	b[2].take_old = 0;
	c[0].seen_ms = c[1].seen_ms = 200;
	c[0].claimed = 1;
	check_int(mpf_boot_pick(b + 2, 1, 0, c, NC, &how), ==, 1);
	c[1].claimed = 1;
	check_int(mpf_boot_pick(b + 2, 1, 0, c, NC, &how), ==, -1);
	/* the samd board never takes an RP2 drive; the DFU board a DFU device */
	check_int(mpf_boot_pick(b + 3, 1, 0, c, 2, &how), ==, -1);
	check_int(mpf_boot_pick(b, 1, 0, c, NC, &how), ==, -1);
	b[2].kind = MPF_BOOTDEV_DFU;
	check_int(mpf_boot_pick(b + 2, 1, 0, c, NC, &how), ==, 4);
	mpf_record_release(&b1);
	mpf_record_release(&b2);
	mpf_record_release(&anon);
	mpf_record_release(&samd);
	for (i = 0; i < NC; i++)
		mpf_record_release(&d[i]);
	mpf_buf_release(&how);
}

/* Each rule of the table, on its own. */
static void t_judge(void)
{
	struct mpf_record bd, dr;
	struct mpf_boot_board b = { .rec = &bd, .kind = MPF_BOOTDEV_UF2, .asked_ms = 100 };
	struct mpf_boot_cand c = { .rec = &dr, .seen_ms = 200 };
	int rule;

	rec(&bd, "{\"serial\":\"/dev/ttyACM0\",\"port\":\"rp2\",\"location\":\"1-2\"}");
	rec(&dr, "{\"kind\":\"uf2\",\"board_id\":\"RPI-RP2\",\"location\":\"1-2\"}");
	check_int(mpf_boot_judge(&b, &c, &rule), ==, 1);
	check_int(rule, ==, MPF_BOOT_LOCATION);
	c.claimed = 1;
	check_int(mpf_boot_judge(&b, &c, &rule), ==, -1);
	check_str(mpf_boot_rule_names[rule], "claimed");
	c.claimed = 0;
	b.kind = MPF_BOOTDEV_DFU;
	check_int(mpf_boot_judge(&b, &c, &rule), ==, -1);
	check_str(mpf_boot_rule_names[rule], "kind");
	b.kind = MPF_BOOTDEV_UF2;
	mpf_rec_set_str(&dr, "location", "1-3");
	check_int(mpf_boot_judge(&b, &c, &rule), ==, -1);
	check_str(mpf_boot_rule_names[rule], "location");
	mpf_rec_set_str(&dr, "board_id", "SAMD51J19A-Itsy-v0");
	check_int(mpf_boot_judge(&b, &c, &rule), ==, -1);
	check_str(mpf_boot_rule_names[rule], "info");
	mpf_rec_set_str(&dr, "board_id", "RPI-RP2");
	mpf_rec_del(&dr, "location");
	mpf_rec_set_str(&dr, "usb_serial", "E661");
	check_int(mpf_boot_judge(&b, &c, &rule), ==, -1);
	check_str(mpf_boot_rule_names[rule], "identity");
	mpf_rec_del(&bd, "location");
	check_int(mpf_boot_judge(&b, &c, &rule), ==, 0);
	check_int(rule, ==, MPF_BOOT_NRULES);
	b.port_seen_ms = 200;
	check_int(mpf_boot_judge(&b, &c, &rule), ==, -1);
	check_str(mpf_boot_rule_names[rule], "timing");
	b.port_seen_ms = 199;
	check_int(mpf_boot_judge(&b, &c, &rule), ==, 0);
	c.seen_ms = 100;
	check_int(mpf_boot_judge(&b, &c, &rule), ==, -1);
	check_str(mpf_boot_rule_names[rule], "old");
	mpf_record_release(&bd);
	mpf_record_release(&dr);
}

static void t_conflict(void)
{
	struct mpf_record r[5];
	struct mpf_boot_board b[5];
	struct mpf_buf why = MPF_BUF_INIT;
	int i;

	rec(&r[0], "{\"serial\":\"/dev/pts/1\",\"port\":\"rp2\"}");
	rec(&r[1], "{\"serial\":\"/dev/pts/2\",\"port\":\"rp2\"}");
	rec(&r[2], "{\"serial\":\"/dev/pts/3\",\"port\":\"samd\"}");
	rec(&r[3], "{\"serial\":\"/dev/ttyACM0\",\"port\":\"rp2\",\"location\":\"1-1\"}");
	rec(&r[4], "{\"serial\":\"/dev/ttyACM1\",\"port\":\"rp2\",\"usb_serial\":\"E6\"}");
	memset(b, 0, sizeof(b));
	for (i = 0; i < 5; i++) {
		b[i].rec = &r[i];
		b[i].kind = MPF_BOOTDEV_UF2;
	}
	check_int(mpf_boot_conflict(&b[0], &b[1], &why), ==, 1);
	check_str(why.buf, "neither /dev/pts/1 nor /dev/pts/2 has a USB serial number or location "
		  "to tell its device by, and a RP2040 drive would fit both");
	check_int(mpf_boot_conflict(&b[0], &b[2], &why), ==, 0);	/* INFO_UF2.TXT tells */
	check_int(mpf_boot_conflict(&b[3], &b[4], &why), ==, 0);	/* identities tell */
	check_int(mpf_boot_conflict(&b[3], &b[1], &why), ==, 1);
	check(strstr(why.buf, "/dev/pts/2 has no USB serial number") != NULL);
	b[1].kind = MPF_BOOTDEV_DFU;
	check_int(mpf_boot_conflict(&b[0], &b[1], &why), ==, 0);
	b[0].kind = MPF_BOOTDEV_DFU;
	check_int(mpf_boot_conflict(&b[0], &b[1], &why), ==, 1);
	check(strstr(why.buf, "a DFU device would fit both") != NULL);
	for (i = 0; i < 5; i++)
		mpf_record_release(&r[i]);
	mpf_buf_release(&why);
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
	/* a serial port named by a link, on the same USB device's interface */
	snprintf(p, sizeof(p), "cd %s && mkdir -p dev by-id class/tty %s/../tty/ttyACM5 && "
		 "touch dev/ttyACM5 && ln -s %s/dev/ttyACM5 by-id/usb-Pico-if00 && "
		 "ln -s %s/../tty/ttyACM5 class/tty/ttyACM5", root, dev, root, dev);
	check_int(system(p), ==, 0);
	snprintf(p, sizeof(p), "%s/by-id/usb-Pico-if00", root);
	check_int(mpf_tty_usb_identity(root, p, serial, sizeof(serial), loc, sizeof(loc)), ==, 1);
	check_str(serial, "E6614103E7");
	check_str(loc, "1-1.3");
	check_int(mpf_tty_usb_identity(root, "/dev/ttyACM9", serial, sizeof(serial), loc,
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
	TEST(t_judge(), "the evidence rules, one by one");
	TEST(t_pick(), "each board gets its own bootloader device");
	TEST(t_conflict(), "boards the evidence cannot tell apart go one at a time");
	TEST(t_identity(), "a drive's and a port's USB serial and location from sysfs");
	TEST(t_touch1200(), "touch1200 sets 1200 baud on the port");
	return test_done();
}
