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
	if (!strcasecmp(path, "/INFO_UF2.TXT"))
		st->st_size = (off_t)strlen(d.info);
	else if (!strcasecmp(path, "/INDEX.HTM"))
		st->st_size = (off_t)strlen(d.index);
	else if (!strcasecmp(path, "/CURRENT.UF2"))
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
	fill(buf, "INFO_UF2.TXT", NULL, 0, 0);
	fill(buf, "INDEX.HTM", NULL, 0, 0);
	fill(buf, "CURRENT.UF2", NULL, 0, 0);
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

	if (!strcasecmp(path, "/INFO_UF2.TXT"))
		return read_text(d.info, buf, size, off);
	if (!strcasecmp(path, "/INDEX.HTM"))
		return read_text(d.index, buf, size, off);
	if (!strcasecmp(path, "/CURRENT.UF2")) {
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
	while (f->done + SECTOR <= end) {
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
	.release = fs_ok,
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

static const char *arg(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		usage();
	return argv[++*i];
}

int main(int argc, char **argv)
{
	const char *flash_in = NULL, *parse = NULL;
	int i;

	d.board_id = "RPI-RP2";
	d.model = "Raspberry Pi RP2";
	d.bootloader = "UF2 Bootloader v3.0";
	d.base = 0x10000000;
	d.size = 2u << 20;
	d.reboot_ms = 50;
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
			d.size = (uint32_t)strtoul(arg(argc, argv, &i), NULL, 0);
		else if (!strcmp(a, "--base"))
			d.base = (uint32_t)strtoul(arg(argc, argv, &i), NULL, 0);
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
		else if (!strcmp(a, "--parse"))
			parse = arg(argc, argv, &i);
		else if (a[0] == '-' || d.mnt)
			usage();
		else
			d.mnt = a;
	}
	if (!!parse == !!d.mnt || d.size < 256 || d.size % 256)
		usage();
	default_families();
	load_flash(flash_in);
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
	return parse ? parse_device(parse) : serve();
}
