/* uf2drive.h - UF2 bootloader drives: INFO_UF2.TXT and mounted drives.
 *
 * A UF2 bootloader shows a small FAT drive whose root holds INFO_UF2.TXT
 * (protocols.md section 3.1):
 *   UF2 Bootloader v3.0
 *   Model: Raspberry Pi RP2
 *   Board-ID: RPI-RP2
 */
#ifndef MPF_UF2DRIVE_H
#define MPF_UF2DRIVE_H

#include <stddef.h>

struct mpf_uf2_info {
	char bootloader[128];	/* first line, "UF2 Bootloader v3.0" */
	char model[128];	/* "Model:" */
	char board_id[128];	/* "Board-ID:" */
	char date[64];		/* "Date:" (TinyUF2) */
};

/* Parse the text of INFO_UF2.TXT (pure; CRLF or LF; unknown keys ignored).
 * Returns 0, or MPF_ERR_FORMAT when it has neither a Board-ID nor a Model. */
int mpf_uf2_info_parse(const char *text, size_t len, struct mpf_uf2_info *info);

struct mpf_uf2_drive {
	char *path;		/* mount point */
	char *device;		/* block device or FUSE source ("/dev/sdb1") */
	char *fstype;
	struct mpf_uf2_info info;
};

/* Read INFO_UF2.TXT under dir (its name matched case-insensitively).
 * Returns 0, MPF_ERR_NODEV when absent, MPF_ERR_FORMAT when unreadable. */
int mpf_uf2_read_info(const char *dir, struct mpf_uf2_info *info);

/* Every mounted file system whose root holds INFO_UF2.TXT, whatever its
 * type, from mountinfo (normally /proc/self/mountinfo). */
int mpf_uf2_find_drives(const char *mountinfo, struct mpf_uf2_drive **drives, size_t *n);
void mpf_uf2_drives_free(struct mpf_uf2_drive *drives, size_t n);

/* Decode one mountinfo line (pure): mount point, fstype and source with
 * their octal escapes (\040) undone. Returns 0 or MPF_ERR_FORMAT. */
int mpf_mountinfo_parse(const char *line, char *mnt, size_t mntcap, char *fstype,
			size_t fscap, char *source, size_t srccap);

#endif
