/* uf2drive.c - find UF2 bootloader drives through the mount table. */
#include "uf2drive.h"
#include "buf.h"
#include "err.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static void copy_value(char *dst, size_t cap, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && strchr(" \t\r", s[n - 1]))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

int mpf_uf2_info_parse(const char *text, size_t len, struct mpf_uf2_info *info)
{
#define KEY(k, f) { k, offsetof(struct mpf_uf2_info, f), sizeof(info->f) }
	const struct { const char *key; size_t off, cap; } keys[] = {
		KEY("Model:", model), KEY("Board-ID:", board_id), KEY("Date:", date),
	};
#undef KEY
	const char *p = text, *end = text + len;
	size_t i;
	int first = 1;

	memset(info, 0, sizeof(*info));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t kl = strlen(keys[i].key);

			if (n >= kl && !strncasecmp(p, keys[i].key, kl)) {
				copy_value((char *)info + keys[i].off, keys[i].cap, p + kl, n - kl);
				break;
			}
		}
		if (first && i == sizeof(keys) / sizeof(keys[0]))
			copy_value(info->bootloader, sizeof(info->bootloader), p, n);
		first = 0;
		p = nl ? nl + 1 : end;
	}
	return info->board_id[0] || info->model[0] ? 0 : MPF_ERR_FORMAT;
}

/* The real name of INFO_UF2.TXT in dir, matched without case. */
static int find_info_name(const char *dir, char *name, size_t cap)
{
	DIR *d;
	struct dirent *e;
	int found = 0;

	snprintf(name, cap, "%s/INFO_UF2.TXT", dir);
	if (!access(name, R_OK))
		return 1;
	d = opendir(dir);
	if (!d)
		return 0;
	while (!found && (e = readdir(d)))
		if (!strcasecmp(e->d_name, "INFO_UF2.TXT")) {
			snprintf(name, cap, "%s/%s", dir, e->d_name);
			found = 1;
		}
	closedir(d);
	return found;
}

int mpf_uf2_read_info(const char *dir, struct mpf_uf2_info *info)
{
	char path[4096], text[4096];
	ssize_t n;
	int fd;

	if (!find_info_name(dir, path, sizeof(path)))
		return MPF_ERR_NODEV;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return MPF_ERR_FORMAT;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		return MPF_ERR_FORMAT;
	text[n] = '\0';
	return mpf_uf2_info_parse(text, (size_t)n, info);
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

int mpf_uf2_find_drives(const char *mountinfo, struct mpf_uf2_drive **drives, size_t *n)
{
	FILE *f = fopen(mountinfo ? mountinfo : "/proc/self/mountinfo", "re");
	char *line = NULL, mnt[4096], fstype[64], source[4096];
	size_t cap = 0;
	struct mpf_uf2_info info;

	*drives = NULL;
	*n = 0;
	if (!f)
		return MPF_ERR_IO;
	while (getline(&line, &cap, f) > 0) {
		struct mpf_uf2_drive *d;

		if (mpf_mountinfo_parse(line, mnt, sizeof(mnt), fstype, sizeof(fstype),
					source, sizeof(source)) || pseudo_fs(fstype))
			continue;
		if (mpf_uf2_read_info(mnt, &info))
			continue;
		*drives = mpf_xrealloc(*drives, (*n + 1) * sizeof(**drives));
		d = &(*drives)[(*n)++];
		d->path = mpf_xstrdup(mnt);
		d->device = mpf_xstrdup(source);
		d->fstype = mpf_xstrdup(fstype);
		d->info = info;
	}
	free(line);
	fclose(f);
	return 0;
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
