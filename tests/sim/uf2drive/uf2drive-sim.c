/* uf2drive-sim - a UF2 bootloader drive in FUSE (libfuse3), after the
 * RP2040 boot ROM's mass-storage device.
 *
 *   uf2drive-sim [options] MOUNTPOINT     mount the drive, serve until "reboot"
 *   uf2drive-sim [options] --parse FILE   feed FILE's sectors to the bootloader
 *                                         (a raw block device written with --device)
 *
 * What it does, with the facts it rests on (doc/protocols.md section 3, the UF2
 * README, the RP2040 datasheet section 2.8.4 on the boot ROM's USB MSC):
 * - The root holds INFO_UF2.TXT, INDEX.HTM and CURRENT.UF2 (the flash
 *   contents as UF2, generated on read), plus whatever the host writes.
 * - Every 512-byte sector written (to any file, at any offset) is looked at
 *   on its own: anything without both UF2 magic numbers is ignored (the host
 *   also writes FAT metadata); blocks flagged not-main-flash, of a foreign
 *   family, without a family ID, with a payload other than 256 bytes or
 *   outside the flash are ignored, as the boot ROM does. Structurally broken
 *   blocks (bad payload size, blockNo >= numBlocks) are rejected loudly.
 * - A new numBlocks starts a new download. When every block 0..numBlocks-1
 *   of the download has arrived the device "reboots" after --reboot-ms: the
 *   assembled flash image is written (atomically) to --flash, the drive is
 *   unmounted and the process ends, so whoever still writes gets an error,
 *   as with a real device that reset itself.
 * - --vanish-after N makes the device disappear after N accepted blocks
 *   (a cable pulled half way), without writing the image.
 * - --block-us paces each accepted block (the RP2040 takes about 4 ms per
 *   256-byte block: 32 blocks per 130-140 ms in raspberrypi/pico-bootrom-rp2040#21).
 * Events go to --log (one line each) so tests can check what the device saw.
 *
 * --daplink makes it a DAPLink probe's drive instead (doc/protocols.md
 * section 3.4; DAPLink's docs/USERS-GUIDE.md and source/daplink/drag-n-drop):
 * - The root holds DETAILS.TXT (Unique ID from --board-id, HIC ID, Daplink
 *   Mode, Interface Version, Remount count) and, after a failed transfer,
 *   FAIL.TXT ("error: ...", "type: ..."), with DAPLink's own messages.
 * - A file whose name ends in .hex or .bin is the transfer (others are
 *   kept and ignored, as DAPLink picks the decoder by the extension). When
 *   the host closes it the target is programmed: a hex must have good
 *   checksums and only addresses inside the flash (--base, --flash-size);
 *   a bin must start with a vector table (stack pointer in --ram-base /
 *   --ram-size, reset, NMI and HardFault handlers in the flash) and is
 *   placed at --base. After --program-ms the drive remounts (the serving
 *   process unmounts and ends, a new one mounts the same point --remount-ms
 *   later, Remount count one higher, written files gone); a good image is
 *   written to --flash first, a bad one leaves FAIL.TXT on the new mount.
 * - --maintenance: the drive of DAPLink's own bootloader (Daplink Mode:
 *   Bootloader); a transfer there fails as a target image would.
 */
#define FUSE_USE_VERSION 31
#define _DEFAULT_SOURCE		/* umount2, usleep */

#include <fuse.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SECTOR 512
#define MAXFILES 32

struct file {
	char name[256];
	unsigned char *data;
	size_t size, cap;
	size_t done;		/* sectors below this offset were looked at */
};

static struct {
	const char *mnt, *flash_out, *log, *board_id, *model, *bootloader, *fsname;
	uint32_t fams[8];
	size_t nfams;
	uint32_t base, size;
	unsigned char *flash;
	long reboot_ms, block_us, vanish_after;
	/* the download in progress */
	uint32_t count;
	unsigned char *seen;
	uint32_t nseen, accepted;
	int rebooting;
	struct file files[MAXFILES];
	size_t nfiles;
	char info[512], index[512];
	FILE *logf;
	pthread_mutex_t lock;
	/* --daplink */
	int daplink, maintenance, result_fd;
	long program_ms, remount_ms, remounts;
	uint32_t ram_base, ram_size;
	char details[1024], fail[512];
} d;

/* Each event ends with " @MS", wall-clock milliseconds, for benchmarks. */
static void logev(const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	if (!d.logf)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	va_start(ap, fmt);
	vfprintf(d.logf, fmt, ap);
	va_end(ap);
	fprintf(d.logf, " @%lld\n", (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	fflush(d.logf);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int write_image(void)
{
	char tmp[4096];
	int fd;

	if (!d.flash_out)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", d.flash_out);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, d.flash, d.size) != (ssize_t)d.size || fsync(fd) || close(fd) ||
	    rename(tmp, d.flash_out)) {
		perror("uf2drive-sim: writing the flash image");
		return -1;
	}
	return 0;
}

/* The device leaves the bus: the mount goes away and the process ends,
 * which aborts the FUSE connection under anyone still using it. */
static _Noreturn void vanish(const char *why)
{
	logev("%s", why);
	if (d.mnt && umount2(d.mnt, MNT_DETACH)) {
		pid_t p = fork();

		if (p == 0) {
			execlp("fusermount3", "fusermount3", "-u", "-z", d.mnt, (char *)NULL);
			_exit(127);
		}
		if (p > 0)
			waitpid(p, NULL, 0);
	}
	if (d.logf)
		fclose(d.logf);
	_exit(0);
}

static void *reboot_thread(void *arg)
{
	struct timespec ts = { d.reboot_ms / 1000, (d.reboot_ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
	pthread_mutex_lock(&d.lock);
	if (write_image())
		vanish("reboot failed: could not write the flash image");
	vanish("reboot");
}

static int family_ok(uint32_t fam)
{
	size_t i;

	for (i = 0; i < d.nfams; i++)
		if (d.fams[i] == fam)
			return 1;
	return 0;
}

/* Why the boot ROM would skip this block, or NULL to take it. */
static const char *skip_reason(uint32_t flags, uint32_t addr, uint32_t size, uint32_t fam)
{
	if (flags & 1)
		return "not-main-flash";
	if (!(flags & 0x2000))
		return "no family ID";
	if (!family_ok(fam))
		return "foreign family";
	if (size != 256 || addr & 255)
		return "payload not 256 bytes on a 256-byte boundary";
	if (addr < d.base || addr - d.base > d.size - 256)
		return "outside the flash";
	return NULL;
}

/* One sector as the boot ROM sees it. Returns -1 to fail the host's write
 * (the device vanished), else 0. */
static int sector(const unsigned char *b)
{
	uint32_t flags, addr, size, no, count, fam;
	const char *why;

	if (le32(b) != 0x0A324655 || le32(b + 4) != 0x9E5D5157 || le32(b + 508) != 0x0AB16F30)
		return 0;	/* FAT metadata or anything else */
	flags = le32(b + 8), addr = le32(b + 12), size = le32(b + 16);
	no = le32(b + 20), count = le32(b + 24), fam = le32(b + 28);
	if (size > 476 || !count || no >= count) {
		fprintf(stderr, "uf2drive-sim: REJECTED malformed block: payload %u, block %u of %u\n",
			size, no, count);
		logev("rejected malformed block %u/%u payload %u", no, count, size);
		return 0;
	}
	if ((why = skip_reason(flags, addr, size, fam))) {
		logev("ignored block %u/%u family 0x%08x at 0x%08x: %s", no, count, fam, addr, why);
		return 0;
	}
	if (count != d.count || !d.seen) {	/* a new download */
		free(d.seen);
		d.seen = calloc(count, 1);
		d.count = count;
		d.nseen = 0;
	}
	memcpy(d.flash + (addr - d.base), b + 32, 256);
	if (!d.seen[no]++)
		d.nseen++;
	d.accepted++;
	logev("block %u/%u family 0x%08x at 0x%08x", no, count, fam, addr);
	if (d.block_us)
		usleep((useconds_t)d.block_us);
	if (d.vanish_after && d.accepted >= (uint32_t)d.vanish_after)
		vanish("vanished");
	if (d.nseen == d.count && !d.rebooting) {
		pthread_t t;

		d.rebooting = 1;
		logev("all %u blocks in", d.count);
		if (!d.mnt)
			return 0;
		pthread_create(&t, NULL, reboot_thread, NULL);
		pthread_detach(t);
	}
	return 0;
}

/* ---- the file system ---- */

static struct file *find_file(const char *path)
{
	size_t i;

	for (i = 0; i < d.nfiles; i++)
		if (!strcasecmp(d.files[i].name, path + 1))
			return &d.files[i];
	return NULL;
}

static size_t current_size(void)
{
	return (size_t)d.size / 256 * SECTOR;
}

/* CURRENT.UF2: the flash as 256-byte-payload UF2 blocks, made on read. */
static void current_block(size_t i, unsigned char *b)
{
	uint32_t w[8] = { 0x0A324655, 0x9E5D5157, 0x2000, d.base + (uint32_t)i * 256, 256,
			  (uint32_t)i, d.size / 256, d.fams[0] };
	int k;

	memset(b, 0, SECTOR);
	for (k = 0; k < 8; k++) {
		b[4 * k] = (unsigned char)w[k];
		b[4 * k + 1] = (unsigned char)(w[k] >> 8);
		b[4 * k + 2] = (unsigned char)(w[k] >> 16);
		b[4 * k + 3] = (unsigned char)(w[k] >> 24);
	}
	memcpy(b + 32, d.flash + i * 256, 256);
	b[508] = 0x30, b[509] = 0x6F, b[510] = 0xB1, b[511] = 0x0A;
}

/* ---- DAPLink (--daplink) ---- */

/* DAPLink's FAIL.TXT messages (source/daplink/error.c) and types. */
#define E_CKSUM "The hex file cannot be decoded. Checksum calculation failure occurred."
#define E_PARSER "The hex file cannot be decoded. Parser logic failure occurred."
#define E_ALGO "Flash algorithm missing for a region"
#define E_FORMAT "The application file format is unknown and cannot be parsed and/or processed."
#define E_MODE "The hex file you dropped isn't compatible with this mode or device. " \
	       "Are you in MAINTENANCE mode? See HELP FAQ.HTM"

static int ends_with(const char *name, const char *ext)
{
	size_t n = strlen(name), k = strlen(ext);

	return n > k && !strcasecmp(name + n - k, ext);
}

static uint32_t hexn(const unsigned char *p, int n)
{
	uint32_t v = 0;

	while (n--) {
		int c = *p++;

		v = v << 4 | (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

static int in_flash(uint32_t a, uint32_t n)
{
	return a >= d.base && a - d.base <= d.size && n <= d.size - (a - d.base);
}

/* One record ":LLAAAATT<data>CC" of n characters: NULL when taken,
 * else DAPLink's message (*type set). *upper is the extended address. */
static const char *hex_record(const unsigned char *l, size_t n, uint32_t *upper,
			      const char **type)
{
	uint32_t cnt, sum = 0, addr, rt, i;

	*type = "transient, user";
	if (n < 11 || l[0] != ':' || strspn((const char *)l + 1, "0123456789abcdefABCDEF") < n - 1)
		return E_PARSER;
	cnt = hexn(l + 1, 2);
	if (n != 11 + 2 * cnt)
		return E_PARSER;
	for (i = 0; i < cnt + 5; i++)
		sum += hexn(l + 1 + 2 * i, 2);
	if (sum & 0xff)
		return E_CKSUM;
	addr = *upper + hexn(l + 3, 4), rt = hexn(l + 7, 2);
	if (rt == 2 || rt == 4)
		*upper = hexn(l + 9, 4) << (rt == 2 ? 4 : 16);
	if (rt != 0 || !cnt)
		return NULL;
	*type = d.maintenance ? "user" : "target";
	if (d.maintenance || !in_flash(addr, cnt))
		return d.maintenance ? E_MODE : E_ALGO;
	for (i = 0; i < cnt; i++)
		d.flash[addr - d.base + i] = (unsigned char)hexn(l + 9 + 2 * i, 2);
	return NULL;
}

static const char *program_hex(const unsigned char *t, size_t len, const char **type)
{
	uint32_t upper = 0;
	size_t i = 0;

	while (i < len) {
		const unsigned char *nl = memchr(t + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (t + i)) : len - i;
		const char *why;
		char line[600];

		while (n && (t[i + n - 1] == '\r' || t[i + n - 1] == ' '))
			n--;
		if (n >= sizeof(line))
			return *type = "transient, user", E_PARSER;
		memcpy(line, t + i, n);
		line[n] = '\0';
		i += (nl ? (size_t)(nl - (t + i)) + 1 : len - i);
		if (n && (why = hex_record((unsigned char *)line, n, &upper, type)))
			return why;
		if (n >= 9 && !strncmp(line + 7, "01", 2))
			return NULL;	/* end of file */
	}
	return NULL;
}

/* A bin goes to the flash's start if it begins with a vector table for the
 * target (source/daplink/validation.c). */
static const char *program_bin(const unsigned char *b, size_t len, const char **type)
{
	int k;

	*type = "user";
	if (len < 16 || le32(b) < d.ram_base || le32(b) - d.ram_base > d.ram_size)
		return E_FORMAT;
	for (k = 1; k < 4; k++)
		if (!in_flash(le32(b + 4 * k) & ~1u, 1))
			return E_FORMAT;
	if (d.maintenance)
		return E_MODE;
	*type = "target";
	if (!in_flash(d.base, (uint32_t)len))
		return E_ALGO;
	memcpy(d.flash, b, len);
	return NULL;
}

/* The target is programmed: the result goes to the supervisor, which
 * mounts the drive again (with FAIL.TXT when it failed). */
static void *remount_thread(void *arg)
{
	struct timespec ts = { d.program_ms / 1000, (d.program_ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
	pthread_mutex_lock(&d.lock);
	if (!d.fail[0] && write_image())
		snprintf(d.fail, sizeof(d.fail), "error: %s\r\ntype: internal\r\n", E_ALGO);
	if (write(d.result_fd, d.fail, strlen(d.fail) + 1) < 0)
		perror("uf2drive-sim: result");
	vanish("remount");
}

static void transfer(struct file *f)
{
	const char *type, *why;
	pthread_t t;

	if (d.rebooting || !f->size || !(ends_with(f->name, ".hex") || ends_with(f->name, ".bin")))
		return;
	d.rebooting = 1;
	why = ends_with(f->name, ".hex") ? program_hex(f->data, f->size, &type)
					 : program_bin(f->data, f->size, &type);
	logev("transfer %s %zu bytes: %s", f->name, f->size, why ? why : "programmed");
	d.fail[0] = '\0';
	if (why)
		snprintf(d.fail, sizeof(d.fail), "error: %s\r\ntype: %s\r\n", why, type);
	pthread_create(&t, NULL, remount_thread, NULL);
	pthread_detach(t);
}

static int fs_release(const char *path, struct fuse_file_info *fi)
{
	struct file *f;

	pthread_mutex_lock(&d.lock);
	if (d.daplink && (f = find_file(path)))
		transfer(f);
	pthread_mutex_unlock(&d.lock);
	return 0;
}

/* The fixed files of the drive: their text, or NULL. */
static const char *fixed_text(const char *path)
{
	if (d.daplink && !strcasecmp(path, "/DETAILS.TXT"))
		return d.details;
	if (d.daplink && d.fail[0] && !strcasecmp(path, "/FAIL.TXT"))
		return d.fail;
	if (!d.daplink && !strcasecmp(path, "/INFO_UF2.TXT"))
		return d.info;
	if (!d.daplink && !strcasecmp(path, "/INDEX.HTM"))
		return d.index;
	return NULL;
}

static int fs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	struct file *f;

	memset(st, 0, sizeof(*st));
	st->st_uid = getuid();
	st->st_gid = getgid();
	if (!strcmp(path, "/")) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return 0;
	}
	st->st_mode = S_IFREG | 0644;
	st->st_nlink = 1;
	if (fixed_text(path))
		st->st_size = (off_t)strlen(fixed_text(path));
	else if (!d.daplink && !strcasecmp(path, "/CURRENT.UF2"))
		st->st_size = (off_t)current_size();
	else if ((f = find_file(path)))
		st->st_size = (off_t)f->size;
	else
		return -ENOENT;
	return 0;
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
		      struct fuse_file_info *fi, enum fuse_readdir_flags fl)
{
	size_t i;

	if (strcmp(path, "/"))
		return -ENOTDIR;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	if (d.daplink) {
		fill(buf, "DETAILS.TXT", NULL, 0, 0);
		if (d.fail[0])
			fill(buf, "FAIL.TXT", NULL, 0, 0);
	} else {
		fill(buf, "INFO_UF2.TXT", NULL, 0, 0);
		fill(buf, "INDEX.HTM", NULL, 0, 0);
		fill(buf, "CURRENT.UF2", NULL, 0, 0);
	}
	for (i = 0; i < d.nfiles; i++)
		fill(buf, d.files[i].name, NULL, 0, 0);
	return 0;
}

static int read_text(const char *s, char *buf, size_t size, off_t off)
{
	size_t n = strlen(s);

	if ((size_t)off >= n)
		return 0;
	if (size > n - (size_t)off)
		size = n - (size_t)off;
	memcpy(buf, s + off, size);
	return (int)size;
}

static int fs_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	struct file *f;
	size_t done = 0;

	if (fixed_text(path))
		return read_text(fixed_text(path), buf, size, off);
	if (!d.daplink && !strcasecmp(path, "/CURRENT.UF2")) {
		unsigned char b[SECTOR];

		while (done < size && (size_t)off + done < current_size()) {
			size_t pos = (size_t)off + done, k = SECTOR - pos % SECTOR;

			if (k > size - done)
				k = size - done;
			current_block(pos / SECTOR, b);
			memcpy(buf + done, b + pos % SECTOR, k);
			done += k;
		}
		return (int)done;
	}
	/* A real drive would read back whatever the FAT cache holds; the
	 * boot ROM keeps nothing, so written files read as zeros. */
	if (!(f = find_file(path)))
		return -ENOENT;
	if ((size_t)off >= f->size)
		return 0;
	if (size > f->size - (size_t)off)
		size = f->size - (size_t)off;
	memset(buf, 0, size);
	return (int)size;
}

static int fs_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	struct file *f;

	pthread_mutex_lock(&d.lock);
	f = find_file(path);
	if (!f) {
		if (d.nfiles == MAXFILES || strlen(path + 1) >= sizeof(f->name) || strchr(path + 1, '/')) {
			pthread_mutex_unlock(&d.lock);
			return -ENOSPC;
		}
		f = &d.files[d.nfiles++];
		memset(f, 0, sizeof(*f));
		snprintf(f->name, sizeof(f->name), "%s", path + 1);
	}
	pthread_mutex_unlock(&d.lock);
	return 0;
}

static int fs_open(const char *path, struct fuse_file_info *fi)
{
	struct stat st;

	return fs_getattr(path, &st, fi);
}

static int fs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	struct file *f = find_file(path);

	if (!f)
		return strcasecmp(path, "/CURRENT.UF2") ? -ENOENT : 0;
	if ((size_t)size < f->size) {
		f->size = (size_t)size;
		if (f->done > f->size)
			f->done = f->size / SECTOR * SECTOR;
	}
	return 0;
}

static int grow(struct file *f, size_t end)
{
	if (end > f->cap) {
		size_t cap = f->cap ? f->cap : 65536;
		unsigned char *p;

		while (cap < end)
			cap *= 2;
		if (!(p = realloc(f->data, cap)))
			return -ENOSPC;
		memset(p + f->cap, 0, cap - f->cap);
		f->data = p;
		f->cap = cap;
	}
	if (end > f->size)
		f->size = end;
	return 0;
}

/* Sectors are looked at once the host has written up to their end (hosts
 * write files front to back). */
static int fs_write(const char *path, const char *buf, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct file *f;
	size_t end = (size_t)off + size;
	int r = (int)size;

	pthread_mutex_lock(&d.lock);
	if (!(f = find_file(path)) || grow(f, end)) {
		pthread_mutex_unlock(&d.lock);
		return f ? -ENOSPC : -ENOENT;
	}
	memcpy(f->data + off, buf, size);
	while (!d.daplink && f->done + SECTOR <= end) {
		if (sector(f->data + f->done) < 0) {
			r = -EIO;
			break;
		}
		f->done += SECTOR;
	}
	pthread_mutex_unlock(&d.lock);
	return r;
}

static int fs_unlink(const char *path)
{
	struct file *f = find_file(path);

	if (!f)
		return -ENOENT;
	free(f->data);
	*f = d.files[--d.nfiles];
	return 0;
}

static int fs_ok(const char *path, struct fuse_file_info *fi)
{
	return 0;
}

static int fs_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	return 0;
}

static int fs_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
	return 0;
}

static int fs_chmod(const char *path, mode_t m, struct fuse_file_info *fi)
{
	return 0;
}

static int fs_statfs(const char *path, struct statvfs *s)
{
	memset(s, 0, sizeof(*s));
	s->f_bsize = s->f_frsize = SECTOR;
	s->f_blocks = 262144;	/* the RP2040 drive claims 128 MiB */
	s->f_bfree = s->f_bavail = 262144 - 16;
	s->f_namemax = 255;
	return 0;
}

/* As over a real drive, the kernel keeps what it read (a mounted vfat's
 * page cache): reading INFO_UF2.TXT does not wait behind a long write. */
static void *fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	cfg->kernel_cache = 1;
	cfg->entry_timeout = cfg->attr_timeout = 1.0;
	return NULL;
}

static const struct fuse_operations ops = {
	.init = fs_init,
	.getattr = fs_getattr,
	.readdir = fs_readdir,
	.open = fs_open,
	.create = fs_create,
	.read = fs_read,
	.write = fs_write,
	.truncate = fs_truncate,
	.unlink = fs_unlink,
	.flush = fs_ok,
	.release = fs_release,
	.fsync = fs_fsync,
	.utimens = fs_utimens,
	.chmod = fs_chmod,
	.statfs = fs_statfs,
};

/* ---- setup ---- */

static void usage(void)
{
	fputs("usage: uf2drive-sim [--board-id ID] [--model M] [--family ID]... [--flash-in FILE]\n"
	      "         [--flash FILE] [--flash-size N] [--base ADDR] [--reboot-ms MS]\n"
	      "         [--block-us US] [--vanish-after N] [--fsname DEV] [--log FILE] MOUNTPOINT\n"
	      "       uf2drive-sim --daplink|--maintenance [--board-id 9904] [--base ADDR]\n"
	      "         [--flash-size N] [--ram-base ADDR] [--ram-size N] [--program-ms MS]\n"
	      "         [--remount-ms MS] [--flash FILE] [--flash-in FILE] [--log FILE] MOUNTPOINT\n"
	      "       uf2drive-sim [...] --parse DEVICE-IMAGE\n", stderr);
	exit(2);
}

/* The families the boot ROM behind a Board-ID takes. */
static void default_families(void)
{
	if (d.nfams)
		return;
	if (!strncmp(d.board_id, "RP2350", 6)) {
		uint32_t f[] = { 0xE48BFF59, 0xE48BFF5A, 0xE48BFF5B, 0xE48BFF57 };

		memcpy(d.fams, f, sizeof(f));
		d.nfams = 4;
	} else {
		d.fams[d.nfams++] = 0xE48BFF56;	/* RP2040 */
	}
}

static void load_flash(const char *in)
{
	int fd;
	ssize_t n;

	d.flash = malloc(d.size);
	if (!d.flash)
		exit(1);
	memset(d.flash, 0xFF, d.size);	/* erased flash */
	if (!in)
		return;
	fd = open(in, O_RDONLY);
	if (fd < 0 && errno == ENOENT)
		return;
	if (fd < 0 || (n = read(fd, d.flash, d.size)) < 0) {
		perror(in);
		exit(1);
	}
	close(fd);
}

static int parse_device(const char *path)
{
	unsigned char b[SECTOR];
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return 1;
	}
	while (fread(b, 1, SECTOR, f) == SECTOR)
		sector(b);
	fclose(f);
	if (!d.count || d.nseen != d.count) {
		logev("incomplete: %u of %u blocks", d.nseen, d.count);
		fprintf(stderr, "uf2drive-sim: %u of %u blocks found\n", d.nseen, d.count);
		return 1;
	}
	return write_image() ? 1 : (logev("reboot"), 0);
}

static int serve(void)
{
	char fsopt[300];
	char *argv[] = { "uf2drive-sim", "-o", fsopt, NULL };
	/* fsname: the mount table's source, as a real drive shows /dev/sdb1 */
	struct fuse_args args = FUSE_ARGS_INIT(d.fsname ? 3 : 1, argv);
	struct fuse *fuse;

	snprintf(fsopt, sizeof(fsopt), "fsname=%s", d.fsname ? d.fsname : "uf2drive-sim");
	fuse = fuse_new(&args, &ops, sizeof(ops), NULL);
	if (!fuse || fuse_mount(fuse, d.mnt)) {
		fprintf(stderr, "uf2drive-sim: cannot mount on %s\n", d.mnt);
		return 1;
	}
	logev("mounted %s", d.mnt);
	fuse_loop(fuse);	/* single-threaded: one request at a time, like MSC */
	fuse_unmount(fuse);
	fuse_destroy(fuse);
	return 0;
}

/* DETAILS.TXT as DAPLink 0255 writes it (source/daplink/drag-n-drop/
 * vfs_user.c): the Unique ID is board ID, family ID, host ID, HIC ID. */
static void make_details(void)
{
	snprintf(d.details, sizeof(d.details),
		 "# DAPLink Firmware - see https://daplink.io\r\n"
		 "Unique ID: %.4s9796360251974045001790090000000400009796990b\r\n"
		 "HIC ID: 9796990b\r\n"
		 "Auto Reset: 1\r\nAutomation allowed: 0\r\nOverflow detection: 0\r\n"
		 "Incompatible image detection: 1\r\nPage erasing: 0\r\n"
		 "Daplink Mode: %s\r\n%s: 0255\r\n%s: 0255\r\n"
		 "Git SHA: 1436bdcc67029fdfc0ff03b73e12045bb6a9f272\r\nLocal Mods: 0\r\n"
		 "USB Interfaces: MSD, CDC, HID, WebUSB\r\n"
		 "Bootloader CRC: 0x828c6069\r\nInterface CRC: 0x5b5cc0f1\r\n"
		 "Remount count: %ld\r\nURL: https://microbit.org/device/?id=%.4s&v=0255\r\n",
		 d.board_id, d.maintenance ? "Bootloader" : "Interface",
		 d.maintenance ? "Bootloader Version" : "Interface Version",
		 d.maintenance ? "Interface Version" : "Bootloader Version", d.remounts, d.board_id);
}

/* One mount after another: each serving process ends after a transfer;
 * its result (FAIL.TXT's text, empty when programmed) comes on a pipe. */
static int serve_daplink(const char *flash_in)
{
	for (;;) {
		char res[sizeof(d.fail)];
		size_t got = 0;
		ssize_t n;
		int p[2];
		pid_t pid;

		make_details();
		if (pipe(p) || (pid = fork()) < 0)
			return 1;
		if (pid == 0) {
			close(p[0]);
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			d.result_fd = p[1];
			load_flash(flash_in);
			_exit(serve());
		}
		close(p[1]);
		while (got < sizeof(res) && (n = read(p[0], res + got, sizeof(res) - got)) > 0)
			got += (size_t)n;
		close(p[0]);
		waitpid(pid, NULL, 0);
		if (!got)
			return 0;	/* unmounted from outside: the board was unplugged */
		res[got - 1] = '\0';
		snprintf(d.fail, sizeof(d.fail), "%s", res);
		d.remounts++;
		flash_in = d.flash_out ? d.flash_out : flash_in;
		usleep((useconds_t)d.remount_ms * 1000);
	}
}

static const char *arg(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		usage();
	return argv[++*i];
}

int main(int argc, char **argv)
{
	const char *flash_in = NULL, *parse = NULL;
	int i, placed = 0;

	d.board_id = "RPI-RP2";
	d.model = "Raspberry Pi RP2";
	d.bootloader = "UF2 Bootloader v3.0";
	d.base = 0x10000000;
	d.size = 2u << 20;
	d.reboot_ms = 50;
	d.program_ms = 200;
	d.remount_ms = 100;
	d.ram_base = 0x20000000;
	d.ram_size = 128u << 10;
	pthread_mutex_init(&d.lock, NULL);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--board-id"))
			d.board_id = arg(argc, argv, &i);
		else if (!strcmp(a, "--model"))
			d.model = arg(argc, argv, &i);
		else if (!strcmp(a, "--family") && d.nfams < 8)
			d.fams[d.nfams++] = (uint32_t)strtoul(arg(argc, argv, &i), NULL, 0);
		else if (!strcmp(a, "--flash-in"))
			flash_in = arg(argc, argv, &i);
		else if (!strcmp(a, "--flash"))
			d.flash_out = arg(argc, argv, &i);
		else if (!strcmp(a, "--flash-size"))
			d.size = (uint32_t)strtoul(arg(argc, argv, &i), NULL, 0), placed |= 1;
		else if (!strcmp(a, "--base"))
			d.base = (uint32_t)strtoul(arg(argc, argv, &i), NULL, 0), placed |= 2;
		else if (!strcmp(a, "--reboot-ms"))
			d.reboot_ms = strtol(arg(argc, argv, &i), NULL, 0);
		else if (!strcmp(a, "--block-us"))
			d.block_us = strtol(arg(argc, argv, &i), NULL, 0);
		else if (!strcmp(a, "--vanish-after"))
			d.vanish_after = strtol(arg(argc, argv, &i), NULL, 0);
		else if (!strcmp(a, "--log"))
			d.log = arg(argc, argv, &i);
		else if (!strcmp(a, "--fsname"))
			d.fsname = arg(argc, argv, &i);
		else if (!strcmp(a, "--daplink"))
			d.daplink = 1;
		else if (!strcmp(a, "--maintenance"))
			d.daplink = d.maintenance = 1;
		else if (!strcmp(a, "--program-ms"))
			d.program_ms = strtol(arg(argc, argv, &i), NULL, 0);
		else if (!strcmp(a, "--remount-ms"))
			d.remount_ms = strtol(arg(argc, argv, &i), NULL, 0);
		else if (!strcmp(a, "--ram-base"))
			d.ram_base = (uint32_t)strtoul(arg(argc, argv, &i), NULL, 0);
		else if (!strcmp(a, "--ram-size"))
			d.ram_size = (uint32_t)strtoul(arg(argc, argv, &i), NULL, 0);
		else if (!strcmp(a, "--parse"))
			parse = arg(argc, argv, &i);
		else if (a[0] == '-' || d.mnt)
			usage();
		else
			d.mnt = a;
	}
	if (!!parse == !!d.mnt || d.size < 256 || d.size % 256 || (d.daplink && parse))
		usage();
	if (d.daplink && !strcmp(d.board_id, "RPI-RP2"))
		d.board_id = "9904";	/* BBC micro:bit v2: nRF52833, 512 KiB at 0 */
	if (d.daplink && !(placed & 1))
		d.size = 512u << 10;
	if (d.daplink && !(placed & 2))
		d.base = 0;
	default_families();
	snprintf(d.info, sizeof(d.info), "%s\r\nModel: %s\r\nBoard-ID: %s\r\n", d.bootloader,
		 d.model, d.board_id);
	snprintf(d.index, sizeof(d.index),
		 "<html><head><meta http-equiv=\"refresh\" content=\"0;URL='https://raspberrypi.com/"
		 "device/RP2?version=E0C9125E0D4D'\"/></head><body>Redirecting to <a href='https://"
		 "raspberrypi.com/device/RP2?version=E0C9125E0D4D'>raspberrypi.com</a></body></html>\n");
	if (d.log && !(d.logf = fopen(d.log, "a"))) {
		perror(d.log);
		return 1;
	}
	if (d.daplink)
		return serve_daplink(flash_in);
	load_flash(flash_in);
	return parse ? parse_device(parse) : serve();
}
