/* dfuse.c - ST DfuSe: memory layout, commands, .dfu files, write/read/leave
 * (doc/protocols.md 2.2 - 2.4). */
#include "dfuse.h"
#include "err.h"
#include "log.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- memory layout ------------------------------------------------------ */

void mpf_dfuse_layout_release(struct mpf_dfuse_layout *l)
{
	free(l->seg);
	memset(l, 0, sizeof(*l));
}

static void add_segment(struct mpf_dfuse_layout *l, uint32_t addr, uint32_t size, uint32_t page,
			unsigned flags)
{
	l->seg = mpf_xrealloc(l->seg, (l->n + 1) * sizeof(*l->seg));
	l->seg[l->n++] = (struct mpf_dfuse_segment){ addr, size, page, flags };
}

/* "04*016Kg": count, size, multiplier, type letter (dfuse_mem.c). */
static int parse_group(const char **sp, uint32_t *addr, struct mpf_dfuse_layout *l,
		       struct mpf_buf *err)
{
	const char *s = *sp;
	unsigned long count, size, mult = 1;
	char *end;

	count = strtoul(s, &end, 10);
	if (end == s || *end != '*')
		return mpf_errf(err, MPF_ERR_FORMAT, "memory layout: bad page count at '%s'", s);
	s = end + 1;
	size = strtoul(s, &end, 10);
	if (end == s)
		return mpf_errf(err, MPF_ERR_FORMAT, "memory layout: bad page size at '%s'", s);
	s = end;
	if (*s == 'K')
		mult = 1024;
	else if (*s == 'M')
		mult = 1024 * 1024;
	else if (*s != 'B' && *s != ' ')
		return mpf_errf(err, MPF_ERR_FORMAT, "memory layout: bad size unit at '%s'", s);
	s++;
	if (*s < 'a' || *s > 'g')
		return mpf_errf(err, MPF_ERR_FORMAT, "memory layout: bad memory type at '%s'", s);
	if (!count || !size || (uint64_t)count * size * mult > 0x100000000ull - *addr)
		return mpf_errf(err, MPF_ERR_FORMAT, "memory layout: segment at 0x%08x is empty "
				"or runs past 4 GiB", *addr);
	add_segment(l, *addr, (uint32_t)(count * size * mult), (uint32_t)(size * mult),
		    (unsigned)(*s - 'a' + 1) & 7);
	*addr += (uint32_t)(count * size * mult);
	*sp = s + 1;
	return MPF_OK;
}

static int cmp_seg(const void *a, const void *b)
{
	const struct mpf_dfuse_segment *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int mpf_dfuse_layout_parse(const char *s, struct mpf_dfuse_layout *l, struct mpf_buf *err)
{
	const char *p;
	size_t n;
	int r;

	memset(l, 0, sizeof(*l));
	if (*s++ != '@')
		return mpf_errf(err, MPF_ERR_FORMAT, "memory layout does not start with '@'");
	p = strchr(s, '/');
	if (!p)
		return mpf_errf(err, MPF_ERR_FORMAT, "memory layout has no '/'");
	n = (size_t)(p - s) < sizeof(l->name) ? (size_t)(p - s) : sizeof(l->name) - 1;
	memcpy(l->name, s, n);
	while (n && l->name[n - 1] == ' ')
		n--;
	l->name[n] = '\0';
	while (*p == '/') {
		char *end;
		unsigned long long a = strtoull(p + 1, &end, 16);
		uint32_t addr;

		if (end == p + 1 || *end != '/' || a > 0xffffffffull) {
			mpf_dfuse_layout_release(l);
			return mpf_errf(err, MPF_ERR_FORMAT, "memory layout: bad address at '%s'", p);
		}
		addr = (uint32_t)a;
		p = end + 1;
		for (;;) {
			r = parse_group(&p, &addr, l, err);
			if (r < 0) {
				mpf_dfuse_layout_release(l);
				return r;
			}
			if (*p != ',')
				break;
			p++;
		}
	}
	if (*p || !l->n) {
		mpf_dfuse_layout_release(l);
		return mpf_errf(err, MPF_ERR_FORMAT, "memory layout: unexpected '%s'", p);
	}
	qsort(l->seg, l->n, sizeof(*l->seg), cmp_seg);
	return MPF_OK;
}

const struct mpf_dfuse_segment *mpf_dfuse_layout_find(const struct mpf_dfuse_layout *l,
						      uint32_t addr)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (addr >= l->seg[i].addr && addr - l->seg[i].addr < l->seg[i].size)
			return &l->seg[i];
	return NULL;
}

const char *mpf_dfuse_flags_str(unsigned flags, char out[4])
{
	out[0] = flags & MPF_DFUSE_READ ? 'r' : '-';
	out[1] = flags & MPF_DFUSE_ERASE ? 'e' : '-';
	out[2] = flags & MPF_DFUSE_WRITE ? 'w' : '-';
	out[3] = '\0';
	return out;
}

int mpf_dfuse_layout_check(const struct mpf_dfuse_layout *l, uint32_t addr, uint32_t len,
			   unsigned flags, struct mpf_buf *err)
{
	uint64_t a = addr, end = (uint64_t)addr + len;
	char f[4];

	while (a < end) {
		const struct mpf_dfuse_segment *s = mpf_dfuse_layout_find(l, (uint32_t)a);

		if (!s)
			return mpf_errf(err, MPF_ERR_ARG, "0x%08llx is outside the memory layout "
					"of '%s'", (unsigned long long)a, l->name);
		if ((s->flags & flags) != flags)
			return mpf_errf(err, MPF_ERR_ARG, "0x%08llx is in a segment of '%s' that "
					"is not %s (it is %s)", (unsigned long long)a, l->name,
					flags & MPF_DFUSE_WRITE ? "writable" : "readable",
					mpf_dfuse_flags_str(s->flags, f));
		a = (uint64_t)s->addr + s->size;
	}
	return MPF_OK;
}

/* Add page to the sorted set *pages (n entries). The array grows by
 * doubling (its capacity is the power of two at or above n), and a page
 * above the last one, the usual case, is appended without a search. */
static void page_add(uint32_t **pages, size_t *n, uint32_t page)
{
	size_t lo = 0, hi = *n;

	if (*n && (*pages)[*n - 1] >= page) {
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if ((*pages)[mid] < page)
				lo = mid + 1;
			else
				hi = mid;
		}
		if ((*pages)[lo] == page)
			return;
	} else {
		lo = *n;
	}
	if (*n < 16 ? *n == 0 : !(*n & (*n - 1)))
		*pages = mpf_xrealloc(*pages, (*n < 16 ? 16 : *n * 2) * sizeof(**pages));
	memmove(*pages + lo + 1, *pages + lo, (*n - lo) * sizeof(**pages));
	(*pages)[lo] = page;
	(*n)++;
}

int mpf_dfuse_plan_erase(const struct mpf_dfuse_layout *l, uint32_t addr, uint32_t len,
			 uint32_t **pages, size_t *n, struct mpf_buf *err)
{
	uint64_t a = addr, end = (uint64_t)addr + len;

	while (a < end) {
		const struct mpf_dfuse_segment *s = mpf_dfuse_layout_find(l, (uint32_t)a);
		uint32_t page;

		if (!s)
			return mpf_errf(err, MPF_ERR_ARG, "0x%08llx is outside the memory layout",
					(unsigned long long)a);
		page = s->addr + ((uint32_t)a - s->addr) / s->page * s->page;
		page_add(pages, n, page);
		a = (uint64_t)page + s->page;
	}
	return MPF_OK;
}

/* ---- commands ------------------------------------------------------------ */

size_t mpf_dfuse_cmd_encode(enum mpf_dfuse_cmd cmd, uint32_t addr, uint8_t buf[5])
{
	static const uint8_t code[] = { 0x21, 0x41, 0x41, 0x92 };

	buf[0] = code[cmd];
	buf[1] = (uint8_t)addr;
	buf[2] = (uint8_t)(addr >> 8);
	buf[3] = (uint8_t)(addr >> 16);
	buf[4] = (uint8_t)(addr >> 24);
	return cmd == MPF_DFUSE_MASS_ERASE || cmd == MPF_DFUSE_READ_UNPROTECT ? 1 : 5;
}

static const char *const cmd_names[] = {
	"set address", "erase page", "mass erase", "read unprotect",
};

int mpf_dfuse_command(struct mpf_dfu *d, enum mpf_dfuse_cmd cmd, uint32_t addr,
		      struct mpf_buf *err)
{
	struct mpf_dfu_status st;
	uint8_t buf[5];
	size_t n = mpf_dfuse_cmd_encode(cmd, addr, buf);
	char what[64];
	int r;

	d->stats.commands++;
	if (cmd == MPF_DFUSE_ERASE_PAGE || cmd == MPF_DFUSE_MASS_ERASE)
		d->stats.erases++;
	if (n == 5)
		snprintf(what, sizeof(what), "%s 0x%08x", cmd_names[cmd], addr);
	else
		snprintf(what, sizeof(what), "%s", cmd_names[cmd]);
	r = mpf_dfu_dnload(d, 0, buf, (uint16_t)n, err);
	if (r < 0)
		return r;
	if (cmd == MPF_DFUSE_READ_UNPROTECT) {
		/* The device mass-erases and resets; it may answer once. */
		mpf_dfu_get_status(d, &st, NULL);
		return MPF_OK;
	}
	return mpf_dfu_wait(d, what, cmd == MPF_DFUSE_MASS_ERASE, &st, err);
}

static void report(const struct mpf_dfuse_progress *pr, const char *phase, uint64_t done,
		   uint64_t total)
{
	if (pr && pr->fn)
		pr->fn(pr->ctx, phase, done, total);
}

int mpf_dfuse_write(struct mpf_dfu *d, uint32_t addr, const uint8_t *data, uint32_t len,
		    const struct mpf_dfuse_progress *pr, uint64_t done, uint64_t total,
		    struct mpf_buf *err)
{
	uint32_t ts = d->func.transfer_size, off = 0;
	struct mpf_dfu_status st;
	uint16_t block = 2;
	char what[64];
	int r;

	if (!ts)
		return mpf_errf(err, MPF_ERR_PROTO, "device reports a transfer size of 0");
	while (off < len) {
		uint32_t n = len - off < ts ? len - off : ts;

		if (off == 0 || (d->quirks & MPF_DFU_QUIRK_SETADDR_EACH) || block == 0xffff) {
			r = mpf_dfuse_command(d, MPF_DFUSE_SET_ADDRESS, addr + off, err);
			if (r < 0)
				return r;
			block = 2;
		}
		r = mpf_dfu_dnload(d, block, data + off, (uint16_t)n, err);
		if (r < 0)
			return r;
		snprintf(what, sizeof(what), "write 0x%08x", addr + off);
		r = mpf_dfu_wait(d, what, 0, &st, err);
		if (r < 0)
			return r;
		off += n;
		block++;
		report(pr, "write", done + off, total);
	}
	return MPF_OK;
}

static int upload_block(struct mpf_dfu *d, uint16_t block, uint32_t addr, uint8_t *out,
			uint32_t n, struct mpf_buf *err)
{
	struct mpf_buf e = MPF_BUF_INIT;
	int r = mpf_dfu_upload(d, block, out, (uint16_t)n, &e);

	if (r < 0)
		mpf_errf(err, r, "read 0x%08x: %s", addr, mpf_buf_str(&e));
	mpf_buf_release(&e);
	return r;
}

int mpf_dfuse_read(struct mpf_dfu *d, uint32_t addr, uint8_t *out, uint32_t len,
		   const struct mpf_dfuse_progress *pr, uint64_t done, uint64_t total,
		   struct mpf_buf *err)
{
	uint32_t ts = d->func.transfer_size, off = 0;
	uint16_t block = 2;
	int r;

	if (!ts)
		return mpf_errf(err, MPF_ERR_PROTO, "device reports a transfer size of 0");
	while (off < len) {
		uint32_t n = len - off < ts ? len - off : ts;

		if (off == 0 || block == 0xffff) {
			r = mpf_dfuse_command(d, MPF_DFUSE_SET_ADDRESS, addr + off, err);
			if (r < 0)
				return r;
			/* Uploads start from dfuIDLE (dfu-util dfuse_do_upload). */
			r = mpf_dfu_abort(d, err);
			if (r < 0)
				return r;
			block = 2;
		}
		r = upload_block(d, block, addr + off, out + off, n, err);
		if (r < 0)
			return r;
		if ((uint32_t)r != n)
			return mpf_errf(err, MPF_ERR_PROTO, "read 0x%08x: device sent %d bytes, "
					"not %u", addr + off, r, n);
		off += n;
		block++;
		report(pr, "verify", done + off, total);
	}
	return mpf_dfu_abort(d, err);
}

int mpf_dfuse_leave(struct mpf_dfu *d, uint32_t addr, struct mpf_buf *err)
{
	struct mpf_dfu_status st;
	int r;

	r = mpf_dfuse_command(d, MPF_DFUSE_SET_ADDRESS, addr, err);
	if (r < 0)
		return r;
	/* dfu-util sends the leave request as block 2, pydfu as block 0;
	 * the ST ROM treats any zero-length DNLOAD in dfuDNLOAD-IDLE alike. */
	r = mpf_dfu_dnload(d, 2, NULL, 0, err);
	if (r < 0)
		return (d->quirks & MPF_DFU_QUIRK_LEAVE_SILENT) || r == MPF_ERR_NODEV ? MPF_OK : r;
	r = mpf_dfu_get_status(d, &st, NULL);
	if (r < 0)
		return MPF_OK;	/* it left before answering */
	if (st.status != MPF_DFU_STATUS_OK)
		return mpf_errf(err, MPF_ERR_PROTO, "leave: device reports %s",
				mpf_dfu_status_name(st.status));
	if (st.state != MPF_DFU_MANIFEST && st.state != MPF_DFU_MANIFEST_SYNC &&
	    st.state != MPF_DFU_MANIFEST_WAIT_RESET)
		return mpf_errf(err, MPF_ERR_PROTO, "leave: device is in %s, not dfuMANIFEST",
				mpf_dfu_state_name(st.state));
	return MPF_OK;
}

/* ---- files ---------------------------------------------------------------- */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put32(struct mpf_buf *b, uint32_t v)
{
	uint8_t p[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	mpf_buf_add(b, p, 4);
}

static void put16(struct mpf_buf *b, uint16_t v)
{
	uint8_t p[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	mpf_buf_add(b, p, 2);
}

int mpf_dfu_suffix_parse(const uint8_t *buf, size_t len, struct mpf_dfu_suffix *s,
			 struct mpf_buf *err)
{
	const uint8_t *p;
	uint32_t crc;

	if (len < 16 || memcmp(buf + len - 8, "UFD", 3))
		return 0;
	p = buf + len - 16;
	if (p[11] < 16 || p[11] > len)
		return mpf_errf(err, MPF_ERR_FORMAT, "DFU suffix length is %u, not 16", p[11]);
	crc = mpf_dfu_crc32(buf, len - 4);
	if (crc != get32(p + 12))
		return mpf_errf(err, MPF_ERR_FORMAT, "DFU suffix CRC is 0x%08x, the file's is "
				"0x%08x: the file is damaged", get32(p + 12), crc);
	s->bcd_device = get16(p);
	s->pid = get16(p + 2);
	s->vid = get16(p + 4);
	s->bcd_dfu = get16(p + 6);
	s->length = p[11];
	return 1;
}

enum mpf_dfu_prefix_type mpf_dfu_prefix_parse(const uint8_t *buf, size_t len, size_t suffix,
					      struct mpf_dfu_prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (len < 8)
		return MPF_DFU_PREFIX_NONE;
	if (buf[0] == 0x01 && buf[1] == 0x00) {
		p->type = MPF_DFU_PREFIX_STELLARIS;
		p->length = 8;
		p->address = 1024u * get16(buf + 2);
		p->payload = get32(buf + 4);
	} else if ((buf[0] & 0x3f) == 0x1a && (buf[1] & 0x3f) == 0x3f) {
		p->type = MPF_DFU_PREFIX_LPC;
		p->length = 16;
		p->payload = 512u * get16(buf + 2);
	}
	if (p->length + suffix > len)
		memset(p, 0, sizeof(*p));
	return p->type;
}

void mpf_dfu_suffix_append(struct mpf_buf *out, const struct mpf_dfu_suffix *s)
{
	put16(out, s->bcd_device);
	put16(out, s->pid);
	put16(out, s->vid);
	put16(out, s->bcd_dfu);
	mpf_buf_add(out, "UFD", 3);
	mpf_buf_addch(out, 16);
	put32(out, mpf_dfu_crc32((const uint8_t *)out->buf, out->len));
}

int mpf_dfuse_file_is(const uint8_t *buf, size_t len)
{
	return len >= 5 && !memcmp(buf, "DfuSe", 5);
}

void mpf_dfuse_file_release(struct mpf_dfuse_file *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->t[i].el);
	free(f->t);
	memset(f, 0, sizeof(*f));
}

static int parse_target(const uint8_t *p, size_t avail, struct mpf_dfuse_target *t,
			size_t *used, struct mpf_buf *err)
{
	uint32_t tsize, nel, i;
	size_t off = 274;

	if (avail < 274 || memcmp(p, "Target", 6))
		return mpf_errf(err, MPF_ERR_FORMAT, "no \"Target\" prefix where one should be");
	t->alt = p[6];
	if (get32(p + 7)) {
		memcpy(t->name, p + 11, 255);
		t->name[255] = '\0';
	}
	tsize = get32(p + 266);
	nel = get32(p + 270);
	if (tsize > avail - 274)
		return mpf_errf(err, MPF_ERR_FORMAT, "target for alt %u says %u bytes, only %zu "
				"are left", t->alt, tsize, avail - 274);
	if (nel > tsize / 8)
		return mpf_errf(err, MPF_ERR_FORMAT, "target for alt %u says %u elements in %u "
				"bytes", t->alt, nel, tsize);
	t->el = mpf_xcalloc(nel ? nel : 1, sizeof(*t->el));
	for (i = 0; i < nel; i++) {
		struct mpf_dfuse_element *e = &t->el[i];

		if (274 + tsize - off < 8)
			return mpf_errf(err, MPF_ERR_FORMAT, "element %u of alt %u is cut short",
					i, t->alt);
		e->addr = get32(p + off);
		e->size = get32(p + off + 4);
		off += 8;
		if (e->size > 274 + tsize - off)
			return mpf_errf(err, MPF_ERR_FORMAT, "element %u of alt %u (0x%08x) says "
					"%u bytes, only %zu are left", i, t->alt, e->addr,
					e->size, 274 + tsize - off);
		if ((uint64_t)e->addr + e->size > 0x100000000ull)
			return mpf_errf(err, MPF_ERR_FORMAT, "element %u of alt %u runs past 4 GiB",
					i, t->alt);
		e->data = p + off;
		off += e->size;
		t->n++;
	}
	if (off != 274 + tsize)
		return mpf_errf(err, MPF_ERR_FORMAT, "target for alt %u has %zu bytes after its "
				"elements", t->alt, 274 + tsize - off);
	*used = off;
	return MPF_OK;
}

int mpf_dfuse_file_parse(const uint8_t *buf, size_t len, struct mpf_dfuse_file *f,
			 struct mpf_buf *err)
{
	struct mpf_dfu_suffix s;
	uint32_t image, i;
	size_t off = 11;
	int r;

	memset(f, 0, sizeof(*f));
	if (!mpf_dfuse_file_is(buf, len))
		return mpf_errf(err, MPF_ERR_FORMAT, "not a DfuSe file (no \"DfuSe\" prefix)");
	r = mpf_dfu_suffix_parse(buf, len, &s, err);
	if (r == 0)
		return mpf_errf(err, MPF_ERR_FORMAT, "DfuSe file has no DFU suffix (\"UFD\")");
	if (r < 0)
		return r;
	if (s.bcd_dfu != MPF_DFU_VERSION_DFUSE)
		return mpf_errf(err, MPF_ERR_FORMAT, "DfuSe file's suffix says DFU version "
				"0x%04x, not 0x011a", s.bcd_dfu);
	if (len < 11 + 16 || buf[5] != 1)
		return mpf_errf(err, MPF_ERR_FORMAT, "DfuSe prefix version %u, not 1", buf[5]);
	/* The image size: MicroPython's dfu.py counts the file without its
	 * suffix, dfu-util's dfuse-pack with it; dfu-util itself ignores it.
	 * Accept both, and check the structure against the real length. */
	image = get32(buf + 6);
	if (image != len - 16 && image != len)
		return mpf_errf(err, MPF_ERR_FORMAT, "DfuSe prefix says %u bytes, the file has %zu "
				"(%zu before its suffix)", image, len, len - 16);
	image = (uint32_t)(len - 16);
	f->vid = s.vid;
	f->pid = s.pid;
	f->bcd_device = s.bcd_device;
	f->t = mpf_xcalloc(buf[10] ? buf[10] : 1, sizeof(*f->t));
	for (i = 0; i < buf[10]; i++) {
		size_t used = 0;

		f->n++;
		r = parse_target(buf + off, image - off, &f->t[i], &used, err);
		if (r < 0) {
			mpf_dfuse_file_release(f);
			return r;
		}
		off += used;
	}
	if (off != image) {
		mpf_dfuse_file_release(f);
		return mpf_errf(err, MPF_ERR_FORMAT, "DfuSe file has %zu bytes after its %u "
				"targets", image - off, buf[10]);
	}
	return MPF_OK;
}

void mpf_dfuse_file_write(const struct mpf_dfuse_file *f, int flags, struct mpf_buf *out)
{
	int pad8 = flags & MPF_DFUSE_PAD8;
	struct mpf_dfu_suffix s = { f->bcd_device, f->pid, f->vid, MPF_DFU_VERSION_DFUSE };
	size_t start = out->len, i, j;
	static const uint8_t zero[8];

	mpf_buf_add(out, "DfuSe\x01", 6);
	put32(out, 0);	/* image size, filled in below */
	mpf_buf_addch(out, (int)f->n);
	for (i = 0; i < f->n; i++) {
		const struct mpf_dfuse_target *t = &f->t[i];
		uint32_t tsize = 0;
		char name[255] = { 0 };

		for (j = 0; j < t->n; j++)
			tsize += 8 + (pad8 ? (t->el[j].size + 7) / 8 * 8 : t->el[j].size);
		mpf_buf_add(out, "Target", 6);
		mpf_buf_addch(out, t->alt);
		put32(out, t->name[0] ? 1 : 0);
		memcpy(name, t->name, strnlen(t->name, sizeof(name)));
		mpf_buf_add(out, name, sizeof(name));
		put32(out, tsize);
		put32(out, (uint32_t)t->n);
		for (j = 0; j < t->n; j++) {
			uint32_t sz = pad8 ? (t->el[j].size + 7) / 8 * 8 : t->el[j].size;

			put32(out, t->el[j].addr);
			put32(out, sz);
			mpf_buf_add(out, t->el[j].data, t->el[j].size);
			mpf_buf_add(out, zero, sz - t->el[j].size);
		}
	}
	{
		uint32_t image = (uint32_t)(out->len - start) +
				 (flags & MPF_DFUSE_SIZE_WITH_SUFFIX ? 16 : 0);
		uint8_t *p = (uint8_t *)out->buf + start + 6;

		p[0] = (uint8_t)image;
		p[1] = (uint8_t)(image >> 8);
		p[2] = (uint8_t)(image >> 16);
		p[3] = (uint8_t)(image >> 24);
	}
	mpf_dfu_suffix_append(out, &s);
}
