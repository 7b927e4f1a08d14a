/* t-uf2mount.c - finding an unmounted UF2 bootloader under /sys/block and
 * using where it is mounted already (lib/flash/uf2drive). */
#define _DEFAULT_SOURCE		/* mkdtemp */
#include "test-lib.h"

#include "buf.h"
#include "err.h"
#include "uf2drive.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void put(const char *root, const char *rel, const char *text)
{
	char p[1024];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if ((f = fopen(p, "w"))) {
		fputs(text, f);
		fclose(f);
	}
}

static void t_msc(void)
{
	check(mpf_uf2_msc_match("RPI", "RP2"));		/* RP2040 boot ROM */
	check(mpf_uf2_msc_match("RPI", "RP2350"));
	check(mpf_uf2_msc_match("Adafruit", "UF2 Bootloader"));
	check(!mpf_uf2_msc_match("SanDisk", "Cruzer Blade"));
	check(!mpf_uf2_msc_match("RPI", "Compute Module"));
}

static void t_sysfs(void)
{
	char root[] = "/tmp/t-uf2mount.XXXXXX", cmd[1200];
	struct mpf_uf2_blockdev bd[4];
	int n, i, sdb = -1, sdc = -1;

	if (!check(mkdtemp(root) != NULL))
		return;
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/block/sda/device %s/block/sdb/sdb1 "
		 "%s/block/sdb/device %s/block/sdc/device", root, root, root, root);
	check_int(system(cmd), ==, 0);
	put(root, "block/sda/device/vendor", "ATA     \n");
	put(root, "block/sda/device/model", "Samsung SSD 860 \n");
	put(root, "block/sdb/device/vendor", "RPI     \n");	/* SCSI strings are padded */
	put(root, "block/sdb/device/model", "RP2             \n");
	put(root, "block/sdc/device/vendor", "Adafruit\n");
	put(root, "block/sdc/device/model", "UF2 Bootloader  \n");
	n = mpf_uf2_find_blockdevs(root, bd, 4);
	check_int(n, ==, 2);
	for (i = 0; i < n; i++) {
		if (!strcmp(bd[i].disk, "/dev/sdb"))
			sdb = i;
		if (!strcmp(bd[i].disk, "/dev/sdc"))
			sdc = i;
	}
	if (check(sdb >= 0 && sdc >= 0)) {
		check_str(bd[sdb].dev, "/dev/sdb1");	/* the partition, when there is one */
		check_str(bd[sdb].vendor, "RPI");
		check_str(bd[sdb].model, "RP2");
		check_str(bd[sdc].dev, "/dev/sdc");	/* else the whole disk */
	}
	check_int(mpf_uf2_find_blockdevs("/nonexistent", bd, 4), ==, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	check_int(system(cmd), ==, 0);
}

static void t_mounted_already(void)
{
	char path[] = "/tmp/t-uf2mount-mi.XXXXXX";
	struct mpf_buf err = MPF_BUF_INIT;
	char *dir = NULL;
	int ours = -1, fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!check(f != NULL))
		return;
	fputs("36 25 8:17 / /media/u/RPI-RP2 rw,nosuid - vfat /dev/sdb1 rw,uid=1000\n", f);
	fclose(f);
	check_int(mpf_uf2_mount("/dev/sdb1", path, &dir, &ours, &err), ==, 0);
	check_str(dir, "/media/u/RPI-RP2");
	check_int(ours, ==, 0);		/* not ours to unmount */
	free(dir);
	unlink(path);
	mpf_buf_release(&err);
}

/* A drive on a network file system is never read (its server may be
 * gone); the same folder as a local mount is a drive. */
static void t_network_fs_skipped(void)
{
	static const char *const types[] = { "nfs4", "cifs", "fuse.sshfs", "9p", "smb3", "vfat" };
	char root[] = "/tmp/t-uf2mount.XXXXXX", mi[1100], line[2400];
	struct mpf_uf2_drive *d;
	size_t n, i;
	FILE *f;

	if (!check(mkdtemp(root) != NULL))
		return;
	put(root, "INFO_UF2.TXT", "UF2 Bootloader v3.0\nModel: Raspberry Pi RP2\nBoard-ID: RPI-RP2\n");
	snprintf(mi, sizeof(mi), "%s/mountinfo", root);
	if (!check((f = fopen(mi, "w")) != NULL))
		return;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(line, sizeof(line), "%zu 1 0:%zu / %s rw - %s server:/x rw\n", 40 + i, 50 + i,
			 root, types[i]);
		fputs(line, f);
	}
	fclose(f);
	unsetenv("MPF_TEST_DRIVES");
	check_int(mpf_uf2_find_drives(mi, &d, &n), ==, 0);
	check_int(n, ==, 1);
	if (n == 1)
		check_str(d[0].fstype, "vfat");
	mpf_uf2_drives_free(d, n);
	snprintf(line, sizeof(line), "rm -rf %s", root);
	check_int(system(line), ==, 0);
}

int main(void)
{
	TEST(t_msc(), "SCSI vendor/model of UF2 bootloaders");
	TEST(t_sysfs(), "bootloader block devices under /sys/block, partition first");
	TEST(t_network_fs_skipped(), "network file systems are not read");
	TEST(t_mounted_already(), "a device mounted already is used where it is");
	return test_done();
}
