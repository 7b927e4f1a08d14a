/* uf2drive.h - UF2 bootloader drives: INFO_UF2.TXT and mounted drives.
 *
 * A UF2 bootloader shows a small FAT drive whose root holds INFO_UF2.TXT
 * (doc/protocols.md section 3.1):
 *   UF2 Bootloader v3.0
 *   Model: Raspberry Pi RP2
 *   Board-ID: RPI-RP2
 */
#ifndef MPF_UF2DRIVE_H
#define MPF_UF2DRIVE_H

#include <stddef.h>

#include "daplink.h"
#include "uf2.h"

struct mpf_uf2_drive {
	char *path;		/* mount point */
	char *device;		/* block device or FUSE source ("/dev/sdb1") */
	char *fstype;
	struct mpf_uf2_info info;
	int daplink;		/* no INFO_UF2.TXT but a DAPLink DETAILS.TXT */
	struct mpf_daplink_details details;
};

/* Read INFO_UF2.TXT under dir (its name matched case-insensitively).
 * Returns 0, MPF_ERR_NODEV when absent, MPF_ERR_FORMAT when unreadable. */
int mpf_uf2_read_info(const char *dir, struct mpf_uf2_info *info);

/* How long reading one drive's INFO_UF2.TXT may take before the drive is
 * given up as not answering (a wedged FUSE server, a dying USB stick). */
#define MPF_UF2_READ_MS 2000

/* Every mounted file system whose root holds INFO_UF2.TXT, from mountinfo
 * (normally /proc/self/mountinfo): any local type, network file systems
 * (nfs, cifs, sshfs, 9p...) and kernel pseudo file systems left out. The
 * reading happens in a child process with a deadline of MPF_UF2_READ_MS
 * per drive, so a mount that stopped answering is warned about and
 * skipped instead of hanging the caller. */
int mpf_uf2_find_drives(const char *mountinfo, struct mpf_uf2_drive **drives, size_t *n);
/* The same, with DAPLink drives too (daplink set, details read). */
int mpf_drives_find(const char *mountinfo, struct mpf_uf2_drive **drives, size_t *n);
void mpf_uf2_drives_free(struct mpf_uf2_drive *drives, size_t n);

/* Decode one mountinfo line (pure): mount point, fstype and source with
 * their octal escapes (\040) undone. Returns 0 or MPF_ERR_FORMAT. */
int mpf_mountinfo_parse(const char *line, char *mnt, size_t mntcap, char *fstype,
			size_t fscap, char *source, size_t srccap);

/* ---- finding, mounting and writing a bootloader drive ---- */

struct mpf_buf;
struct mpf_progress;

/* A UF2 bootloader's block device, found in sysfs by the SCSI vendor and
 * model its mass-storage interface reports ("RPI" "RP2" for the RP2040 and
 * RP2350 boot ROMs), whether mounted or not. */
struct mpf_uf2_blockdev {
	char dev[64];		/* "/dev/sdb1": the first partition, else the disk */
	char disk[64];		/* "/dev/sdb" */
	char vendor[32], model[64];
};

/* Scan sysroot/block (sysroot NULL: "/sys") for bootloader block devices;
 * returns how many were stored in out (at most cap). */
int mpf_uf2_find_blockdevs(const char *sysroot, struct mpf_uf2_blockdev *out, size_t cap);
/* 1 if a SCSI vendor/model pair is a UF2 bootloader's (pure). */
int mpf_uf2_msc_match(const char *vendor, const char *model);

/* Make dev a mounted directory: where it is already mounted, else with
 * udisksctl (as the user, through polkit), else mount(8) when root. *path
 * (malloc'ed) is the mount point; *ours is 1 when we mounted it, and then
 * mpf_uf2_unmount must be called. On failure err says which permission or
 * package is missing: MPF_ERR_PERM or MPF_ERR_SUPP. */
int mpf_uf2_mount(const char *dev, const char *mountinfo, char **path, int *ours,
		  struct mpf_buf *err);
/* Undo mpf_uf2_mount (the device may be gone already: lazy). */
void mpf_uf2_unmount(const char *path);

/* Copy a UF2 image to dir/name the way a bootloader wants it: front to
 * back, the data synced to the device as it goes (fdatasync every 64
 * blocks), the last block written and synced on its own. A bootloader
 * resets as soon as it holds every block, so an error on that last step
 * is success if the drive goes; an error before it is not: "the drive
 * went away after 37 of 2048 blocks". Returns 0 (*vanished set when the
 * drive already went away; else the caller waits for it to go, which
 * decides) or a negative mpf_err with err set. */
int mpf_uf2_copy(const char *dir, const char *name, const unsigned char *data, size_t len,
		 struct mpf_progress *pr, int *vanished, struct mpf_buf *err);
/* Does the FAT file system on dev (a block device, or a file standing in
 * for one) hold INFO_UF2.TXT in its root folder, as a UF2 bootloader's
 * drive does? Returns 0, MPF_ERR_MISMATCH (with a message saying
 * --force writes anyway) when not, or an open error, with err set. */
int mpf_uf2_device_has_info(const char *dev, struct mpf_buf *err);
/* Write the blocks straight to a block device (or a file standing in for
 * one) from sector 0: UF2 bootloaders look at every sector written, at any
 * address, and ignore what is not a UF2 block. Opened O_EXCL, so a mounted
 * device is refused. Returns 0 or a negative mpf_err. */
int mpf_uf2_write_device(const char *dev, const unsigned char *data, size_t len,
			 struct mpf_progress *pr, struct mpf_buf *err);
/* Wait up to timeout_ms for dir to no longer show INFO_UF2.TXT (the
 * bootloader reset); 0 or MPF_ERR_TIMEOUT / MPF_ERR_INTR. */
int mpf_uf2_wait_gone(const char *dir, int timeout_ms);

/* ---- DAPLink drives (doc/protocols.md section 3.4) ---- */

/* Read DETAILS.TXT under dir (any case): 0, MPF_ERR_NODEV when absent,
 * MPF_ERR_FORMAT when it is not DAPLink's. */
int mpf_daplink_read_details(const char *dir, struct mpf_daplink_details *d);
/* 1 when dir shows FAIL.TXT, its message then in msg; else 0. */
int mpf_daplink_read_fail(const char *dir, char *msg, size_t cap);
/* Copy an image (.hex or .bin, as it is) to dir/name, synced as it goes.
 * Returns 0 or a negative mpf_err with err set. */
int mpf_daplink_copy(const char *dir, const char *name, const unsigned char *data, size_t len,
		     struct mpf_progress *pr, struct mpf_buf *err);
/* After a copy DAPLink programs the target, then remounts its drive: wait
 * up to timeout_ms for dir to show DETAILS.TXT again after going away, or
 * with a Remount count other than remounts (-1: not known). 0,
 * MPF_ERR_TIMEOUT or MPF_ERR_INTR. */
int mpf_daplink_wait_remount(const char *dir, long remounts, int timeout_ms);

#endif
