/* uf2drive.c - UF2 bootloader drives: find them through the mount table
 * and sysfs, mount them, copy images onto them, write block devices. */
#define _DEFAULT_SOURCE		/* mkdtemp, fdatasync, umount2 */
#include "uf2drive.h"
#include "buf.h"
#include "clock.h"
#include "err.h"
#include "fault.h"
#include "fsutil.h"
#include "log.h"
#include "progress.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The real name of file (INFO_UF2.TXT, DETAILS.TXT) in dir, matched
 * without case. */
static int find_name(const char *dir, const char *file, char *name, size_t cap)
{
	DIR *d;
	struct dirent *e;
	int found = 0;

	snprintf(name, cap, "%s/%s", dir, file);
	if (!access(name, R_OK))
		return 1;
	d = opendir(dir);
	if (!d)
		return 0;
	while (!found && (e = readdir(d)))
		if (!strcasecmp(e->d_name, file)) {
			snprintf(name, cap, "%s/%s", dir, e->d_name);
			found = 1;
		}
	closedir(d);
	return found;
}

/* The first cap-1 bytes of dir's file (any case) into text: their
 * length, MPF_ERR_NODEV when absent, MPF_ERR_FORMAT when unreadable. */
static ssize_t read_small(const char *dir, const char *file, char *text, size_t cap)
{
	char path[4096];
	ssize_t n;
	int fd;

	if (!find_name(dir, file, path, sizeof(path)))
		return MPF_ERR_NODEV;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return MPF_ERR_FORMAT;
	n = read(fd, text, cap - 1);
	close(fd);
	if (n < 0)
		return MPF_ERR_FORMAT;
	text[n] = '\0';
	return n;
}

int mpf_uf2_read_info(const char *dir, struct mpf_uf2_info *info)
{
	char text[4096];
	ssize_t n = read_small(dir, "INFO_UF2.TXT", text, sizeof(text));

	return n < 0 ? (int)n : mpf_uf2_info_parse(text, (size_t)n, info);
}

int mpf_daplink_read_details(const char *dir, struct mpf_daplink_details *d)
{
	char text[4096];
	ssize_t n = read_small(dir, "DETAILS.TXT", text, sizeof(text));

	return n < 0 ? (int)n : mpf_daplink_details_parse(text, (size_t)n, d);
}

int mpf_daplink_read_fail(const char *dir, char *msg, size_t cap)
{
	char text[1024];
	ssize_t n = read_small(dir, "FAIL.TXT", text, sizeof(text));

	if (n < 0)
		return 0;
	mpf_daplink_fail_message(text, (size_t)n, msg, cap);
	return 1;
}

/* What a drive is: a UF2 bootloader's (INFO_UF2.TXT), else DAPLink's
 * (DETAILS.TXT, daplink set). 0 or the UF2 reading's error. */
static int read_drive(struct mpf_uf2_drive *d)
{
	int r = mpf_uf2_read_info(d->path, &d->info);

	d->daplink = r == MPF_ERR_NODEV && !mpf_daplink_read_details(d->path, &d->details);
	return d->daplink ? 0 : r;
}

static int octal(char c)
{
	return c >= '0' && c <= '7';
}

/* Undo mountinfo's octal escapes (\040 space, \011 tab, \012, \134). */
static void unescape(char *dst, size_t cap, const char *s, size_t n)
{
	size_t o = 0, i;

	for (i = 0; i < n && o + 1 < cap; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    octal(s[i + 2]) && octal(s[i + 3])) {
			dst[o++] = (char)(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) |
					  (s[i + 3] - '0'));
			i += 3;
		} else {
			dst[o++] = s[i];
		}
	}
	dst[o] = '\0';
}

/* Field i (0-based, space-separated) of line: start and length. */
static int field(const char *line, int i, const char **start, size_t *len)
{
	const char *p = line;

	for (;;) {
		p += strspn(p, " ");
		if (!*p || *p == '\n')
			return 0;
		*len = strcspn(p, " \n");
		if (i-- == 0) {
			*start = p;
			return 1;
		}
		p += *len;
	}
}

int mpf_mountinfo_parse(const char *line, char *mnt, size_t mntcap, char *fstype,
			size_t fscap, char *source, size_t srccap)
{
	const char *s, *dash;
	size_t n;

	/* id parent maj:min root mountpoint options [optional...] - fstype source super */
	if (!field(line, 4, &s, &n))
		return MPF_ERR_FORMAT;
	unescape(mnt, mntcap, s, n);
	dash = strstr(line, " - ");
	if (!dash || !field(dash + 3, 0, &s, &n))
		return MPF_ERR_FORMAT;
	unescape(fstype, fscap, s, n);
	if (!field(dash + 3, 1, &s, &n))
		return MPF_ERR_FORMAT;
	unescape(source, srccap, s, n);
	return 0;
}

/* Kernel pseudo file systems can never be a UF2 drive; skipping them saves
 * a directory read each. */
static int pseudo_fs(const char *t)
{
	static const char *const pseudo[] = {
		"proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue", "debugfs",
		"tracefs", "securityfs", "pstore", "bpf", "configfs", "fusectl",
		"hugetlbfs", "autofs", "binfmt_misc", "nsfs", "devtmpfs", "efivarfs",
		"selinuxfs", "rpc_pipefs", "overlay",
	};
	size_t i;

	for (i = 0; i < sizeof(pseudo) / sizeof(pseudo[0]); i++)
		if (!strcmp(t, pseudo[i]))
			return 1;
	return 0;
}

/* Network file systems can never be a UF2 drive, and a server that went
 * away would make reading them hang: they are not looked at. */
static int network_fs(const char *t)
{
	static const char *const net[] = {
		"nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "9p", "ceph", "afs",
		"coda", "lustre", "glusterfs", "davfs", "fuse.sshfs", "sshfs",
		"fuse.glusterfs", "fuse.rclone", "fuse.s3fs", "fuse.davfs2",
	};
	size_t i;

	for (i = 0; i < sizeof(net) / sizeof(net[0]); i++)
		if (!strcmp(t, net[i]))
			return 1;
	return 0;
}

/* The mounts worth a look, as drives with info unread. */
static size_t candidates(FILE *f, struct mpf_uf2_drive **out)
{
	/* Tests running side by side each see only their own simulated drives
	 * (a glob of mount points); the mount table is shared by all. */
	const char *only = getenv("MPF_TEST_DRIVES");
	char *line = NULL, mnt[4096], fstype[64], source[4096];
	size_t cap = 0, n = 0;

	*out = NULL;
	while (getline(&line, &cap, f) > 0) {
		struct mpf_uf2_drive *d;

		if (mpf_mountinfo_parse(line, mnt, sizeof(mnt), fstype, sizeof(fstype),
					source, sizeof(source)) || pseudo_fs(fstype) ||
		    network_fs(fstype))
			continue;
		if (only && *only && fnmatch(only, mnt, 0))
			continue;
		*out = mpf_xrealloc(*out, (n + 1) * sizeof(**out));
		d = &(*out)[n++];
		memset(d, 0, sizeof(*d));
		d->path = mpf_xstrdup(mnt);
		d->device = mpf_xstrdup(source);
		d->fstype = mpf_xstrdup(fstype);
	}
	free(line);
	return n;
}

/* What a reader process says of one drive. */
struct info_msg {
	size_t i;
	int rc;
	struct mpf_uf2_info info;
	int daplink;
	struct mpf_daplink_details details;
};

/* Start a process that reads INFO_UF2.TXT of d[from..n-1] in turn and
 * writes one info_msg each (atomically: smaller than PIPE_BUF) to *fd. */
static pid_t start_reader(const struct mpf_uf2_drive *d, size_t n, size_t from, int *fd)
{
	int p[2];
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	if ((pid = fork()) == 0) {
		struct info_msg m;

		close(p[0]);
		for (m.i = from; m.i < n; m.i++) {
			struct mpf_uf2_drive one = d[m.i];

			memset(&one.info, 0, sizeof(one.info));
			m.rc = read_drive(&one);
			m.info = one.info;
			m.daplink = one.daplink;
			m.details = one.details;
			if (write(p[1], &m, sizeof(m)) != (ssize_t)sizeof(m))
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	if (pid < 0)
		close(p[0]);
	*fd = p[0];
	return pid;
}

/* Read every drive's INFO_UF2.TXT (rc[i]: 0 or an mpf_err) in a child
 * process, so that a mount whose server stopped answering (a wedged FUSE
 * drive: the reading process sleeps in D state, uninterruptibly) holds up
 * the scan for MPF_UF2_READ_MS, not forever: the child is killed and left,
 * the drive counted unreadable, and a new child goes on with the next. */
static void read_infos(struct mpf_uf2_drive *d, size_t n, int *rc)
{
	struct info_msg m;
	size_t next = 0;
	int fd = -1;

	while (next < n) {
		pid_t pid = start_reader(d, n, next, &fd);
		struct pollfd pfd = { fd, POLLIN, 0 };

		if (pid < 0) {	/* no process to spare: read here */
			rc[next] = read_drive(&d[next]);
			next++;
			continue;
		}
		while (next < n && poll(&pfd, 1, MPF_UF2_READ_MS) > 0 &&
		       read(fd, &m, sizeof(m)) == (ssize_t)sizeof(m) && m.i == next) {
			rc[next] = m.rc;
			d[next].daplink = m.daplink;
			d[next].details = m.details;
			d[next++].info = m.info;
		}
		if (next < n) {
			mpf_warn("%s did not answer in %d ms: not read", d[next].path, MPF_UF2_READ_MS);
			rc[next++] = MPF_ERR_TIMEOUT;
		}
		kill(pid, SIGKILL);
		close(fd);
		waitpid(pid, NULL, WNOHANG);	/* it may sleep on; we do not wait */
	}
}

/* Every drive with INFO_UF2.TXT, and with daplink those with DETAILS.TXT. */
static int find_drives(const char *mountinfo, int daplink, struct mpf_uf2_drive **drives,
		       size_t *n)
{
	FILE *f = fopen(mountinfo ? mountinfo : "/proc/self/mountinfo", "re");
	struct mpf_uf2_drive *c;
	size_t nc, i;
	int *rc;

	*drives = NULL;
	*n = 0;
	if (!f)
		return MPF_ERR_IO;
	nc = candidates(f, &c);
	fclose(f);
	rc = mpf_xcalloc(nc ? nc : 1, sizeof(*rc));
	read_infos(c, nc, rc);
	for (i = 0; i < nc; i++) {
		if (!rc[i] && (daplink || !c[i].daplink))
			c[(*n)++] = c[i];	/* keep the drives, in order */
		else
			free(c[i].path), free(c[i].device), free(c[i].fstype);
	}
	free(rc);
	*drives = c;
	return 0;
}

int mpf_uf2_find_drives(const char *mountinfo, struct mpf_uf2_drive **drives, size_t *n)
{
	return find_drives(mountinfo, 0, drives, n);
}

int mpf_drives_find(const char *mountinfo, struct mpf_uf2_drive **drives, size_t *n)
{
	return find_drives(mountinfo, 1, drives, n);
}

void mpf_uf2_drives_free(struct mpf_uf2_drive *drives, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(drives[i].path);
		free(drives[i].device);
		free(drives[i].fstype);
	}
	free(drives);
}

/* ---- block devices in sysfs ---- */

/* SCSI INQUIRY strings of UF2 bootloaders' mass-storage interfaces. The
 * RP2040 and RP2350 boot ROMs answer vendor "RPI", product "RP2" / "RP2350"
 * (the strings mpflash users see in lsblk); TinyUF2 and the Adafruit
 * bootloaders put "UF2" in the product string. */
static const struct { const char *vendor, *model; } msc_ids[] = {
	{ "RPI", "RP2" },
	{ NULL, "UF2" },
};

/* sysfs pads SCSI strings with spaces: trim both ends. */
int mpf_uf2_msc_match(const char *vendor, const char *model)
{
	size_t i;

	for (i = 0; i < sizeof(msc_ids) / sizeof(msc_ids[0]); i++) {
		if (msc_ids[i].vendor ? strcasecmp(vendor, msc_ids[i].vendor) ||
					strncasecmp(model, msc_ids[i].model, strlen(msc_ids[i].model))
				      : !strstr(model, msc_ids[i].model))
			continue;
		return 1;
	}
	return 0;
}

/* The first partition of disk (sysfs dir "sdb1" under "sdb"), if any. */
static int first_partition(const char *diskdir, const char *disk, char *out, size_t cap)
{
	DIR *d = opendir(diskdir);
	struct dirent *e;
	size_t n = strlen(disk);
	int found = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, disk, n) && e->d_name[n] &&
		    (!found || strcmp(e->d_name, out) < 0)) {
			snprintf(out, cap, "%s", e->d_name);
			found = 1;
		}
	closedir(d);
	return found;
}

int mpf_uf2_find_blockdevs(const char *sysroot, struct mpf_uf2_blockdev *out, size_t cap)
{
	char dir[4096], path[4096 + 300], part[256];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/block", sysroot ? sysroot : "/sys");
	if (!(d = opendir(dir)))
		return 0;
	while ((e = readdir(d)) && (size_t)n < cap) {
		struct mpf_uf2_blockdev *b = &out[n];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/device/vendor", dir, e->d_name);
		mpf_read_line(path, b->vendor, sizeof(b->vendor));
		snprintf(path, sizeof(path), "%s/%s/device/model", dir, e->d_name);
		mpf_read_line(path, b->model, sizeof(b->model));
		if (!mpf_uf2_msc_match(b->vendor, b->model))
			continue;
		snprintf(b->disk, sizeof(b->disk), "/dev/%.58s", e->d_name);
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (first_partition(path, e->d_name, part, sizeof(part)))
			snprintf(b->dev, sizeof(b->dev), "/dev/%.58s", part);
		else
			snprintf(b->dev, sizeof(b->dev), "%s", b->disk);
		n++;
	}
	closedir(d);
	return n;
}

/* ---- mounting ---- */

/* Run argv, collecting stdout and stderr in out; returns the exit status,
 * 127 when it could not run, -1 after timeout_ms (the child is killed).
 * Ends when the child does, even if something it started still holds the
 * pipe (a FUSE mount helper's daemon). */
static int run(char *const argv[], struct mpf_buf *out, int timeout_ms)
{
	int fds[2], st = 0, done = 0;
	int64_t end = mpf_now_ms() + timeout_ms;
	pid_t pid;
	char buf[512];

	if (pipe(fds))
		return 127;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return 127;
	}
	if (!pid) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while (!done) {
		struct pollfd p = { fds[0], POLLIN, 0 };
		ssize_t n;

		done = waitpid(pid, &st, WNOHANG) == pid;
		if (!done && mpf_now_ms() >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			close(fds[0]);
			return -1;
		}
		while (poll(&p, 1, done ? 0 : 50) > 0 && (n = read(fds[0], buf, sizeof(buf))) > 0)
			mpf_buf_add(out, buf, (size_t)n);
	}
	close(fds[0]);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 127;
}

static int on_path(const char *cmd)
{
	const char *p = getenv("PATH");
	char path[4096];

	while (p && *p) {
		size_t n = strcspn(p, ":");

		snprintf(path, sizeof(path), "%.*s/%s", (int)n, p, cmd);
		if (!access(path, X_OK))
			return 1;
		p += n + (p[n] == ':');
	}
	return 0;
}

/* Where dev is mounted now, from the mount table (malloc'ed) or NULL. */
static char *mounted_at(const char *dev, const char *mountinfo)
{
	FILE *f = fopen(mountinfo ? mountinfo : "/proc/self/mountinfo", "re");
	char *line = NULL, mnt[4096], fstype[64], source[4096], *found = NULL;
	size_t cap = 0;

	if (!f)
		return NULL;
	while (!found && getline(&line, &cap, f) > 0)
		if (!mpf_mountinfo_parse(line, mnt, sizeof(mnt), fstype, sizeof(fstype), source,
					 sizeof(source)) && !strcmp(source, dev))
			found = mpf_xstrdup(mnt);
	free(line);
	fclose(f);
	return found;
}

/* udisksctl mount prints "Mounted /dev/sdb1 at /media/u/RPI-RP2" (some
 * versions end it with '.'). */
static char *udisks_mount(const char *dev, struct mpf_buf *msg)
{
	char *argv[] = { "udisksctl", "mount", "--no-user-interaction", "-b", (char *)dev, NULL };
	const char *at;
	char *path;
	size_t n;

	if (run(argv, msg, 30000) != 0 || !(at = strstr(mpf_buf_str(msg), " at ")))
		return NULL;
	at += 4;
	n = strcspn(at, "\n");
	while (n && (at[n - 1] == '.' || at[n - 1] == ' ' || at[n - 1] == '\r'))
		n--;
	path = mpf_xstrndup(at, n);
	return path;
}

static char *root_mount(const char *dev, struct mpf_buf *msg)
{
	char tmpl[] = "/tmp/mpf-uf2.XXXXXX";
	char *argv[] = { "mount", "-t", "vfat", (char *)dev, tmpl, NULL };

	if (!mkdtemp(tmpl)) {
		mpf_buf_addf(msg, "mkdtemp: %s", strerror(errno));
		return NULL;
	}
	if (run(argv, msg, 30000) != 0) {
		rmdir(tmpl);
		return NULL;
	}
	return mpf_xstrdup(tmpl);
}

static void chomp(struct mpf_buf *b)
{
	while (b->len && strchr("\n\r .", b->buf[b->len - 1]))
		b->buf[--b->len] = '\0';
}

int mpf_uf2_mount(const char *dev, const char *mountinfo, char **path, int *ours,
		  struct mpf_buf *err)
{
	struct mpf_buf umsg = MPF_BUF_INIT, mmsg = MPF_BUF_INIT;
	int have_udisks = on_path("udisksctl"), root = geteuid() == 0, r = 0;

	*ours = 0;
	if ((*path = mounted_at(dev, mountinfo)))
		return 0;
	if (have_udisks && (*path = udisks_mount(dev, &umsg))) {
		*ours = 1;
		goto out;
	}
	chomp(&umsg);
	if (root && (*path = root_mount(dev, &mmsg))) {
		*ours = 2;
		goto out;
	}
	chomp(&mmsg);
	if (!have_udisks && !root)
		r = mpf_errf(err, MPF_ERR_PERM, "cannot mount %s: udisksctl is not installed "
			     "(Debian package udisks2) and mount(8) needs root; install udisks2, "
			     "mount it yourself, or write the blocks directly with --device %s "
			     "(needs write access to it: group disk)", dev, dev);
	else if (!root)
		r = mpf_errf(err, MPF_ERR_PERM, "cannot mount %s: udisksctl: %s; mount(8) needs "
			     "root; or write the blocks directly with --device %s (needs write "
			     "access to it: group disk)", dev, umsg.buf, dev);
	else
		r = mpf_errf(err, MPF_ERR_SUPP, "cannot mount %s: %s%s%s%s; or write the blocks "
			     "directly with --device %s", dev,
			     have_udisks ? "udisksctl: " : "udisksctl is not installed (udisks2)",
			     have_udisks ? umsg.buf : "", "; mount: ", mmsg.len ? mmsg.buf : "failed",
			     dev);
out:
	mpf_buf_release(&umsg);
	mpf_buf_release(&mmsg);
	return r;
}

void mpf_uf2_unmount(const char *path)
{
	/* The bootloader has usually reset already: a lazy unmount detaches
	 * what is left of the mount; our own mount point goes too. */
	if (umount2(path, MNT_DETACH) && errno != EINVAL && errno != ENOENT) {
		struct mpf_buf msg = MPF_BUF_INIT;
		char *argv[] = { "umount", "-l", (char *)path, NULL };

		run(argv, &msg, 10000);
		mpf_buf_release(&msg);
	}
	if (!strncmp(path, "/tmp/mpf-uf2.", 13))
		rmdir(path);
}

/* ---- writing ---- */

/* 1 once dir no longer shows INFO_UF2.TXT (the bootloader reset). */
static int drive_gone(void *dir)
{
	struct mpf_uf2_info info;

	return mpf_uf2_read_info(dir, &info) != 0;
}

int mpf_uf2_wait_gone(const char *dir, int timeout_ms)
{
	return mpf_poll_until(drive_gone, (void *)dir, timeout_ms, 20);
}

/* Errors a write gets when the device left the bus under it. */
static int vanish_errno(int e)
{
	return e == ENOTCONN || e == ENODEV || e == ENXIO || e == EIO || e == ENOENT ||
	       e == ESTALE || e == ECONNABORTED;
}

#define SYNC_BLOCKS 64

/* Write len bytes at fd's offset, syncing every SYNC_BLOCKS blocks;
 * *done counts the bytes the device took. Returns 0 or errno. */
static int write_synced(int fd, const unsigned char *p, size_t len, size_t *done,
			struct mpf_progress *pr, size_t base)
{
	size_t chunk = SYNC_BLOCKS * 512;

	while (len) {
		size_t n = len < chunk ? len : chunk, off = 0;

		while (off < n) {
			/* MPF_FAULT=fwrite:N: the Nth write fails as a drive
			 * that went bad would (EIO) */
			ssize_t w = mpf_fault("fwrite") ? (errno = EIO, -1) :
				    write(fd, p + off, n - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return errno;
			off += (size_t)w;
			*done += (size_t)w;
		}
		if (fdatasync(fd) && errno != EINVAL)
			return errno;
		p += n;
		len -= n;
		if (pr)
			mpf_progress_update(pr, base + *done);
		if (mpf_interrupted)
			return EINTR;
	}
	return 0;
}

/* Create dir/name (path) for the copy: its fd, or a negative mpf_err. */
static int create_on(const char *dir, const char *name, char *path, size_t cap,
		     struct mpf_buf *err)
{
	int fd;

	snprintf(path, cap, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return mpf_errf(err, errno == EACCES || errno == EROFS ? MPF_ERR_PERM : MPF_ERR_IO,
				"cannot create %s: %s", path, strerror(errno));
	return fd;
}

static int gone_soon(const char *dir)
{
	return !mpf_uf2_wait_gone(dir, 1000);
}

int mpf_uf2_copy(const char *dir, const char *name, const unsigned char *data, size_t len,
		 struct mpf_progress *pr, int *vanished, struct mpf_buf *err)
{
	char path[4096];
	size_t done = 0, nb = len / 512, head = len - 512;
	int fd, e;

	*vanished = 0;
	if (len < 512 || len % 512)
		return mpf_errf(err, MPF_ERR_ARG, "%zu bytes is not a UF2 image", len);
	if ((fd = create_on(dir, name, path, sizeof(path), err)) < 0)
		return fd;
	e = write_synced(fd, data, head, &done, pr, 0);
	if (e) {
		close(fd);
		if (e == EINTR)
			return mpf_errf(err, MPF_ERR_INTR, "interrupted after %zu of %zu blocks",
					done / 512, nb);
		if (vanish_errno(e) && gone_soon(dir))
			return mpf_errf(err, MPF_ERR_NODEV, "the drive went away after %zu of %zu "
					"blocks (unplugged or reset?): the board is not flashed",
					done / 512, nb);
		return mpf_errf(err, MPF_ERR_IO, "writing %s: %s (after %zu of %zu blocks)", path,
				strerror(e), done / 512, nb);
	}
	/* The last block: the bootloader may reset as soon as it has it. */
	e = write_synced(fd, data + head, 512, &done, pr, 0);
	if (close(fd) && !e)
		e = errno;
	if (!e)
		return 0;
	/* The reset can fail the last write or sync (adafruit/tinyuf2#88); over a
	 * kernel vfat the mount may linger a while: the caller waits for the
	 * drive to go, and only a drive that stays makes this an error. */
	if (vanish_errno(e)) {
		mpf_debug("%s: %s on the last block", path, strerror(e));
		*vanished = gone_soon(dir);
		return 0;
	}
	return mpf_errf(err, MPF_ERR_IO, "writing the last block to %s: %s", path, strerror(e));
}

static unsigned le16(const unsigned char *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

/* Does the FAT file system on fd hold INFO_UF2.TXT in its root folder? The
 * FAT12/16 root folder follows the reserved sectors and the FATs; a FAT32
 * root is looked for in its first cluster (Microsoft's FAT specification,
 * "FAT: General Overview of On-Disk Format", sections 3 and 6). */
static int fat_has_info(int fd)
{
	unsigned char bs[512], dir[16384];
	unsigned bps, spc, fatsz, nroot;
	off_t root;
	ssize_t n, i;

	if (pread(fd, bs, sizeof(bs), 0) != (ssize_t)sizeof(bs) || bs[510] != 0x55 ||
	    bs[511] != 0xaa)
		return 0;
	bps = le16(bs + 11), spc = bs[13], nroot = le16(bs + 17);
	fatsz = le16(bs + 22) ? le16(bs + 22) : le16(bs + 36) | (unsigned)le16(bs + 38) << 16;
	if (bps < 512 || bps > 4096 || !spc || !bs[16] || !fatsz)
		return 0;
	root = ((off_t)le16(bs + 14) + (off_t)bs[16] * fatsz) * bps;
	if (!nroot)		/* FAT32: the root folder is a cluster chain */
		root += ((off_t)(le16(bs + 44) | (unsigned)le16(bs + 46) << 16) - 2) * spc * bps;
	n = pread(fd, dir, nroot && nroot * 32u < sizeof(dir) ? nroot * 32u : sizeof(dir), root);
	for (i = 0; i + 32 <= n && dir[i]; i += 32)
		if (dir[i] != 0xe5 && dir[i + 11] != 0x0f && !memcmp(dir + i, "INFO_UF2TXT", 11))
			return 1;
	return 0;
}

int mpf_uf2_device_has_info(const char *dev, struct mpf_buf *err)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC), found;

	if (fd < 0)
		return mpf_errf(err, errno == ENOENT || errno == ENXIO ? MPF_ERR_NODEV : MPF_ERR_IO,
				"cannot open %s: %s", dev, strerror(errno));
	found = fat_has_info(fd);
	close(fd);
	return found ? 0 : mpf_errf(err, MPF_ERR_MISMATCH, "%s is not a UF2 bootloader drive (its "
				    "USB identity is not one, and no INFO_UF2.TXT is on it): give "
				    "--force to write it anyway", dev);
}

int mpf_uf2_write_device(const char *dev, const unsigned char *data, size_t len,
			 struct mpf_progress *pr, struct mpf_buf *err)
{
	struct stat st;
	size_t done = 0;
	int fd = open(dev, O_WRONLY | O_EXCL | O_CLOEXEC), e;

	if (fd < 0 && (errno == EACCES || errno == EPERM))
		return mpf_errf(err, MPF_ERR_PERM, "cannot open %s: permission denied (writing a "
				"block device needs root or membership of its group, usually disk)", dev);
	if (fd < 0 && errno == EBUSY)
		return mpf_errf(err, MPF_ERR_BUSY, "%s is mounted or in use: flash the mounted "
				"drive with --drive instead", dev);
	if (fd < 0)
		return mpf_errf(err, errno == ENOENT || errno == ENXIO ? MPF_ERR_NODEV : MPF_ERR_IO,
				"cannot open %s: %s", dev, strerror(errno));
	if (fstat(fd, &st) || !(S_ISBLK(st.st_mode) || S_ISREG(st.st_mode))) {
		close(fd);
		return mpf_errf(err, MPF_ERR_ARG, "%s is not a block device", dev);
	}
	e = write_synced(fd, data, len, &done, pr, 0);
	if (close(fd) && !e)
		e = errno;
	if (!e)
		return 0;
	if (e == EINTR)
		return mpf_errf(err, MPF_ERR_INTR, "interrupted after %zu of %zu blocks",
				done / 512, len / 512);
	return mpf_errf(err, vanish_errno(e) ? MPF_ERR_NODEV : MPF_ERR_IO,
			"writing %s: %s (after %zu of %zu blocks)", dev, strerror(e), done / 512,
			len / 512);
}

/* ---- DAPLink drives (doc/protocols.md section 3.4) ---- */

int mpf_daplink_copy(const char *dir, const char *name, const unsigned char *data, size_t len,
		     struct mpf_progress *pr, struct mpf_buf *err)
{
	char path[4096];
	size_t done = 0;
	int fd, e;

	if ((fd = create_on(dir, name, path, sizeof(path), err)) < 0)
		return fd;
	e = write_synced(fd, data, len, &done, pr, 0);
	if (close(fd) && !e)
		e = errno;
	if (e == EINTR)
		return mpf_errf(err, MPF_ERR_INTR, "interrupted after %zu of %zu bytes", done, len);
	if (e)
		return mpf_errf(err, vanish_errno(e) ? MPF_ERR_NODEV : MPF_ERR_IO, "writing %s: %s "
				"(after %zu of %zu bytes): the target is not flashed", path,
				strerror(e), done, len);
	return 0;
}

struct remount {
	const char *dir;
	long before;
	int gone;
};

/* 1 once the drive is back: seen gone since, or a new Remount count. */
static int remounted(void *ctx)
{
	struct remount *w = ctx;
	struct mpf_daplink_details d;

	if (mpf_daplink_read_details(w->dir, &d)) {
		w->gone = 1;
		return 0;
	}
	return w->gone || (w->before >= 0 && d.remounts >= 0 && d.remounts != w->before);
}

int mpf_daplink_wait_remount(const char *dir, long remounts, int timeout_ms)
{
	struct remount w = { dir, remounts, 0 };

	return mpf_poll_until(remounted, &w, timeout_ms, 20);
}
