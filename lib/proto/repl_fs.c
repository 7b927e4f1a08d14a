/* repl_fs.c - a board's files over the raw REPL: the helper code run on
 * the board and the parsing of what it prints (doc/protocols.md
 * section 6.1). */
#include "repl_fs.h"
#include "err.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

static const char hexdig[] = "0123456789abcdef";

const char *const mpf_fs_script[] = {
	"import os as _os,gc as _gc\n"
	"try:\n"
	" import hashlib as _h\n"
	"except ImportError:\n"
	" try:\n"
	"  import uhashlib as _h\n"
	" except ImportError:\n"
	"  _h=None\n"
	"if not hasattr(_h,'sha256'):_h=None\n"
	"try:\n"
	" import binascii as _b\n"
	"except ImportError:\n"
	" try:\n"
	"  import ubinascii as _b\n"
	" except ImportError:\n"
	"  _b=None\n"
	"_t=hasattr(_os,'stat')\n"
	"class _A:\n"
	" def __init__(s):s.a=1;s.b=0\n"
	" def update(s,d):\n"
	"  a=s.a;b=s.b;i=0\n"
	"  while i<len(d):\n"
	"   for c in d[i:i+256]:\n"
	"    a+=c;b+=a\n"
	"   a%=65521;b%=65521;i+=256\n"
	"  s.a=a;s.b=b\n"
	" def digest(s):return bytes((s.b>>8,s.b&255,s.a>>8,s.a&255))\n"
	"def _H():return _h.sha256() if _h else _A()\n"
	"def _x(d):return ''.join('%02x'%c for c in d)\n",
	"def _s(p):return str(p,'utf-8')\n"
	"def _p(k,n,p):print(k,n,repr(bytes(p,'utf-8')))\n"
	"def _l(d):return [d+'/'+n for n in _os.listdir(d or '/') if d or n!='rom']\n"
	"def _mpf_id():\n"
	" o=_A();o.update(bytes(range(256))*2)\n"
	" print('mpf-fs','tree' if _t else 'flat','sha256' if _h else 'adler32','b64' if _b else 'repr',_x(o.digest()))\n"
	"def _w(d):\n"
	" for p in _l(d):\n"
	"  m=_os.stat(p)\n"
	"  if m[0]&0x4000:_p('D',0,p);_w(p)\n"
	"  else:_p('F',m[6],p)\n"
	"def _mpf_ls():\n"
	" if _t:_w('')\n"
	" else:\n"
	"  for n in _os.listdir():_p('F',_os.size(n),n)\n"
	"def _mpf_ro(p):\n"
	" global _f,_o\n"
	" _f=open(_s(p),'rb');_o=_H()\n"
	"def _mpf_rd(k,n):\n"
	" for i in range(k):\n"
	"  d=_f.read(n)\n"
	"  if not d:\n"
	"   _f.close();print('E',_x(_o.digest()));break\n"
	"  _o.update(d)\n"
	"  print(str(_b.b2a_base64(d)[:-1],'ascii') if _b else repr(d))\n"
	" _gc.collect()\n",
	"def _mpf_wo(p):\n"
	" global _f\n"
	" _f=open(_s(p),'wb')\n"
	"def _mpf_w(d,n):\n"
	" if len(d)!=n:raise ValueError('mpf-fs: bytes lost')\n"
	" _f.write(d);_gc.collect()\n"
	"def _mpf_wa(s,n):_mpf_w(_b.a2b_base64(s),n)\n"
	"def _mpf_wc():_f.close()\n"
	"def _mpf_sum(p):\n"
	" o=_H();n=0;f=open(_s(p),'rb')\n"
	" while 1:\n"
	"  d=f.read(512)\n"
	"  if not d:break\n"
	"  o.update(d);n+=len(d)\n"
	" f.close();print('S',n,_x(o.digest()));_gc.collect()\n"
	"def _mpf_md(p):\n"
	" try:_os.mkdir(_s(p))\n"
	" except OSError:pass\n",
	NULL,
};

const char mpf_fs_uid_script[] =
	"_u=['machine','unique_id','-']\n"
	"try:_u[2]=_x(getattr(__import__(_u[0]),_u[1])())\n"
	"except (ImportError,AttributeError):pass\n"
	"print('U',_u[0],_u[1],_u[2])\n"
	"del _u\n";

int mpf_fs_parse_uid(const char *out, char *uid, size_t cap, struct mpf_buf *err)
{
	char mod[16], fn[16], v[130];
	size_t n;

	uid[0] = '\0';
	if (sscanf(out, "U %15s %15s %129s", mod, fn, v) != 3 || strcmp(mod, "machine") ||
	    strcmp(fn, "unique_id"))
		return mpf_errf(err, MPF_ERR_PROTO, "the board's unique_id did not arrive whole: "
				"'%.60s'", out);
	if (!strcmp(v, "-"))
		return 0;
	n = strlen(v);
	if (n % 2 || n >= cap || strspn(v, hexdig) != n)
		return mpf_errf(err, MPF_ERR_PROTO, "the board's unique_id is not hex: '%s'", v);
	memcpy(uid, v, n + 1);
	return 1;
}

/* Every file and directory, deepest first; mount points (the top level)
 * stay, since removing one only unmounts it. */
const char mpf_fs_format_script[] =
	"def _r(d):\n"
	" for p in _l(d):\n"
	"  if _os.stat(p)[0]&0x4000:\n"
	"   _r(p)\n"
	"   try:_os.rmdir(p)\n"
	"   except OSError:\n"
	"    if d:raise\n"
	"  else:_os.remove(p)\n"
	"def _mpf_fmt():\n"
	" if _t:_r('')\n"
	" else:\n"
	"  for n in _os.listdir():_os.remove(n)\n";

/* _mpf_mnt: sys.platform and
 * every mount with its file system's type (vfs.mount() without
 * arguments, MicroPython 1.20 on; vfs, or os before 1.23). _mpf_mkfs:
 * a fresh file system of class c on block device b at m, as the port's
 * boot does it; the one mounted before goes back when that fails. */
const char mpf_fs_mkfs_script[] =
	"def _v():\n"
	" try:return __import__('vfs')\n"
	" except ImportError:return _os\n"
	"def _mpf_mnt():\n"
	" print('P',__import__('sys').platform)\n"
	" try:\n"
	"  for f,m in _v().mount():print('M',m,type(f).__name__)\n"
	" except Exception:pass\n"
	"def _mpf_mkfs(m,b,c,k):\n"
	" v=_v();c=getattr(v,c)\n"
	" try:o=[f for f,p in v.mount() if p==m]\n"
	" except Exception:o=[]\n"
	" v.umount(m)\n"
	" try:c.mkfs(b,**k);v.mount(c(b,**k),m)\n"
	" except:\n"
	"  if o:v.mount(o[0],m)\n"
	"  raise\n"
	" _os.chdir(m)\n";

/* How each port finds its block device and makes its file system, as its
 * boot code does (doc/boards.md section 10); the last row, for any other
 * board, takes the block device a port's flashbdev module exposes and the
 * file system mounted at / or /flash. */
static const struct mpf_fs_port {
	const char *platform;	/* sys.platform; NULL: any board */
	const char *mount;	/* NULL: "/" or "/flash", whichever is mounted */
	const char *bdev;	/* the block device, for littlefs */
	const char *bdev_fat;	/* for FAT, where it differs */
	const char *fs;		/* what the port makes on a blank flash */
	const char *lfs_args;	/* littlefs's arguments, for mkfs and mount */
	const char *boots;	/* the classes its boot mounts; NULL: any it finds */
} fs_ports[] = {
	{ "rp2", "/", "__import__('rp2').Flash()", NULL, "VfsLfs2", "'progsize':256", " VfsLfs2 " },
	{ "esp32", "/", "(lambda P:P.find(P.TYPE_DATA,label='vfs') or "
	  "P.find(P.TYPE_DATA,label='ffat',block_size=512))(__import__('esp32').Partition)[0]",
	  NULL, "VfsLfs2", "", NULL },
	{ "esp8266", "/", "__import__('flashbdev').bdev", NULL, "VfsLfs2", "", NULL },
	{ "pyboard", "/flash", "__import__('pyb').Flash(start=0)", "__import__('pyb').Flash()",
	  "VfsFat", "", NULL },
	{ "samd", "/", "__import__('samd').Flash()", NULL, "VfsLfs2", "'progsize':256",
	  " VfsLfs2 VfsLfs1 " },
	{ "mimxrt", "/flash", "__import__('mimxrt').Flash()", NULL, "VfsLfs2", "'progsize':256",
	  " VfsLfs2 " },
	{ "nrf", "/flash", "__import__('nrf').Flash()", NULL, "VfsLfs2", "", NULL },
	{ "renesas-ra", "/flash", "__import__('renesas').Flash(start=0)",
	  "__import__('renesas').Flash()", "VfsFat", "", NULL },
	{ NULL, NULL, "__import__('flashbdev').bdev", NULL, NULL, "", NULL },
};

static int is_fs_class(const char *c)
{
	return !strcmp(c, "VfsLfs2") || !strcmp(c, "VfsLfs1") || !strcmp(c, "VfsFat");
}

/* The type of the file system _mpf_mnt printed for mount point m, or "". */
static const char *mounted(const char *out, const char *m, char *buf, size_t cap)
{
	const char *p = out;
	char mp[64], t[32];

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (sscanf(p, "M %63s %31s", mp, t) == 2 && !strcmp(mp, m)) {
			snprintf(buf, cap, "%s", t);
			return buf;
		}
	return "";
}

int mpf_fs_mkfs_plan(const char *out, struct mpf_fs_mkfs *plan)
{
	const struct mpf_fs_port *r = fs_ports;
	char platform[32] = "", t[32], word[40];
	const char *have, *m;

	memset(plan, 0, sizeof(*plan));
	if (sscanf(out, "P %31s", platform) != 1)
		return 0;
	while (r->platform && strcmp(r->platform, platform))
		r++;
	m = r->mount;
	if (!m)
		m = *mounted(out, "/", t, sizeof(t)) ? "/" : "/flash";
	have = mounted(out, m, t, sizeof(t));
	snprintf(plan->seen, sizeof(plan->seen), "%s", have);
	/* a board too old to list its mounts: the port's own file system */
	if (!*have && r->fs && !strstr(out, "\nM "))
		have = r->fs;
	snprintf(plan->fs, sizeof(plan->fs), "%s", have);
	if (!is_fs_class(have))
		return 0;	/* not mounted there, or neither FAT nor littlefs */
	snprintf(plan->mount, sizeof(plan->mount), "%s", m);
	snprintf(word, sizeof(word), " %s ", have);
	if (r->boots && !strstr(r->boots, word))	/* the next boot would make its own */
		snprintf(plan->fs, sizeof(plan->fs), "%s", r->fs);
	plan->fat = !strcmp(plan->fs, "VfsFat");
	plan->bdev = plan->fat && r->bdev_fat ? r->bdev_fat : r->bdev;
	plan->args = plan->fat ? "" : r->lfs_args;
	return 1;
}

/* Every name the helper defines, removed with a collection after: the
 * micro:bit cannot compile the helper while an earlier one still holds
 * its heap, and a board is left as it was found. */
const char mpf_fs_cleanup_script[] =
	"[globals().pop(n,None) for n in ('_os','_gc','_h','_b','_t','_A','_H','_x','_s','_p','_l',"
	"'_w','_f','_o','_r','_v','_u','_mpf_bd','_mpf_mnt','_mpf_mkfs','_mpf_id','_mpf_ls','_mpf_ro','_mpf_rd','_mpf_wo','_mpf_w',"
	"'_mpf_wa','_mpf_wc','_mpf_sum','_mpf_md','_mpf_fmt')]\n"
	"__import__('gc').collect()\n";

static int hexval(int c)
{
	const char *p = c ? strchr(hexdig, c | 0x20) : NULL;

	return p ? (int)(p - hexdig) : -1;
}

/* The escapes repr() writes for bytes (MicroPython py/objstr.c). */
static const char esc_from[] = "\\'\"nrt", esc_to[] = "\\'\"\n\r\t";

long mpf_pylit_decode(const char *s, size_t len, struct mpf_buf *out)
{
	size_t i = 2;
	char q;

	if (len < 3 || s[0] != 'b' || (s[1] != '\'' && s[1] != '"'))
		return -1;
	q = s[1];
	while (i < len && s[i] != q) {
		const char *e;

		if (s[i] != '\\') {
			mpf_buf_addch(out, s[i++]);
			continue;
		}
		if (i + 1 >= len)
			return -1;
		e = strchr(esc_from, s[i + 1]);
		if (e && s[i + 1]) {
			mpf_buf_addch(out, esc_to[e - esc_from]);
			i += 2;
		} else if (s[i + 1] == 'x' && i + 3 < len && hexval(s[i + 2]) >= 0 &&
			   hexval(s[i + 3]) >= 0) {
			mpf_buf_addch(out, hexval(s[i + 2]) << 4 | hexval(s[i + 3]));
			i += 4;
		} else {
			return -1;
		}
	}
	return i < len ? (long)i + 1 : -1;
}

void mpf_pylit_encode(const void *data, size_t len, struct mpf_buf *out)
{
	const unsigned char *p = data;
	size_t i;

	mpf_buf_addstr(out, "b'");
	for (i = 0; i < len; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\' && p[i] != '\'')
			mpf_buf_addch(out, p[i]);
		else
			mpf_buf_addf(out, "\\x%c%c", hexdig[p[i] >> 4], hexdig[p[i] & 15]);
	}
	mpf_buf_addch(out, '\'');
}

int mpf_b64_decode(const char *s, size_t len, struct mpf_buf *out)
{
	int n, pad = 0;

	if (len % 4)
		return MPF_ERR_PROTO;
	if (!len)
		return 0;
	pad = (s[len - 1] == '=') + (s[len - 2] == '=');
	mpf_buf_grow(out, len / 4 * 3 + 1);
	n = EVP_DecodeBlock((unsigned char *)out->buf + out->len, (const unsigned char *)s,
			    (int)len);
	if (n < pad)
		return MPF_ERR_PROTO;
	out->len += (size_t)(n - pad);
	out->buf[out->len] = 0;
	return 0;
}

void mpf_b64_encode(const void *data, size_t len, struct mpf_buf *out)
{
	int n;

	mpf_buf_grow(out, (len + 2) / 3 * 4 + 1);
	n = EVP_EncodeBlock((unsigned char *)out->buf + out->len, data, (int)len);
	out->len += (size_t)n;
	out->buf[out->len] = 0;
}

uint32_t mpf_adler32(uint32_t adler, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t a = adler & 0xffff, b = adler >> 16;
	size_t i;

	for (i = 0; i < len; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

void mpf_fs_entries_free(struct mpf_fs_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(e[i].path);
	free(e);
}

/* One line "D|F SIZE b'PATH'": the characters used (past the newline), or -1. */
static long parse_entry(const char *s, size_t len, struct mpf_fs_entry *e)
{
	struct mpf_buf p = MPF_BUF_INIT;
	char *end;
	long used;

	if (len < 4 || (s[0] != 'D' && s[0] != 'F') || s[1] != ' ')
		return -1;
	e->dir = s[0] == 'D';
	e->size = strtoll(s + 2, &end, 10);
	if (end == s + 2 || *end != ' ' || e->size < 0)
		return -1;
	used = mpf_pylit_decode(end + 1, len - (size_t)(end + 1 - s), &p);
	if (used < 0 || !p.len || memchr(p.buf, 0, p.len)) {
		mpf_buf_release(&p);
		return -1;
	}
	used += end + 1 - s;
	if ((size_t)used + 2 <= len && !memcmp(s + used, "\r\n", 2))
		used += 2;
	else if ((size_t)used < len && s[used] == '\n')
		used++;
	else if ((size_t)used != len) {
		mpf_buf_release(&p);
		return -1;
	}
	e->plen = p.len;
	e->path = mpf_buf_detach(&p);
	return used;
}

int mpf_fs_parse_ls(const char *out, size_t len, struct mpf_fs_entry **e, size_t *n,
		    struct mpf_buf *err)
{
	size_t off = 0, cap = 0;

	*e = NULL;
	*n = 0;
	while (off < len) {
		long used;

		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*e = mpf_xrealloc(*e, cap * sizeof(**e));
		}
		used = parse_entry(out + off, len - off, &(*e)[*n]);
		if (used < 0) {
			const char *nl = memchr(out + off, '\n', len - off);
			int l = nl ? (int)(nl - out - off) : (int)(len - off);

			mpf_fs_entries_free(*e, *n);
			*e = NULL;
			*n = 0;
			return mpf_errf(err, MPF_ERR_PROTO, "unreadable file list line '%.*s'",
					l > 80 ? 80 : l, out + off);
		}
		off += (size_t)used;
		(*n)++;
	}
	return 0;
}
