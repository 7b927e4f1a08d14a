/* esp-stub.h - the flasher stub model of esp-rom.c, included by it (it
 * shares the simulator's state and primitives; kept apart so the ROM
 * model and this one stay separate).
 *
 * A chip whose ROM has taken MEM_BEGIN/MEM_DATA/MEM_END with an entry
 * point runs what it was given: it says "OHAI" and from then on answers
 * as our flasher stub does (stub/, doc/protocols.md 1.14): two status
 * bytes, FLASH_BEGIN and FLASH_DEFL_BEGIN with blocks up to 16 KiB, each
 * acknowledged on receipt and programmed while the next one arrives
 * (the stub drains the UART while the flash is busy; one block programs
 * while one is received: a block is taken once the one before it is in
 * flash), sectors erased as the data reaches them (64 KiB blocks where
 * the region covers a whole one; the last sector read and its bytes
 * past the region programmed back), ERASE_FLASH,
 * ERASE_REGION, READ_FLASH with acknowledgements and a closing MD5,
 * SPI_FLASH_MD5 as 16 raw bytes, CHANGE_BAUDRATE with the current rate
 * as second word. Paced like the chip: the UART at baud/10, the flash
 * times of --flash-timing on a clock of its own (st.flash_t), and MD5
 * reading the flash at 10 MB/s (40 MHz dual I/O).
 *
 * --stub-crash: the upload is taken but the stub never greets, and the
 * chip answers nothing until a SYNC (the reset the host makes before it).
 * So it is on --usb-jtag and --usb-otg: our stub speaks on UART0 only.
 */

#define STUB_BLOCK_MAX 0x4000
#define MEM_BLOCK_MAX 0x1800

static struct {
	int on, dead;
	/* the upload */
	uint32_t mem_size, mem_blocks, mem_bsize, mem_seq, mem_got;
	int mem_live;
	/* the write in progress */
	int wmode;		/* 0, MPF_ESP_FLASH_BEGIN or MPF_ESP_FLASH_DEFL_BEGIN */
	uint32_t off, size, blocks, bsize, seq, erased_to, erase_end;
	uint64_t done;
	z_stream z;
	int z_live;
	struct timespec flash_t;	/* when the flash is done with the last block */
	/* READ_FLASH in progress */
	int reading;
	uint32_t r_off, r_len, r_pkt, r_inflight, r_sent;
} st;

static int stub_running(void)
{
	return st.on;
}

static int stub_reading(void)
{
	return st.on && st.reading;
}

static void stub_reset(void)
{
	if (st.z_live)
		inflateEnd(&st.z);
	memset(&st, 0, sizeof(st));
}

/* ---- the upload, through the ROM --------------------------------------- */

static void mem_begin(const uint8_t *d, size_t len)
{
	need_len("MEM_BEGIN", len, 16);
	st.mem_size = word(d, 0), st.mem_blocks = word(d, 1), st.mem_bsize = word(d, 2);
	if (!st.mem_bsize || st.mem_bsize > MEM_BLOCK_MAX ||
	    st.mem_blocks != (st.mem_size + st.mem_bsize - 1) / st.mem_bsize)
		violation("MEM_BEGIN size %u, %u blocks of %u (at most 0x1800 each)", st.mem_size,
			  st.mem_blocks, st.mem_bsize);
	/* the ROM takes any address; code put where the ROM keeps its own
	 * buffers, or past the chip's RAM, would not run (doc/protocols.md 1.14) */
	if (!mpf_esp_ram_holds(opt.chip, word(d, 3), st.mem_size))
		violation("MEM_BEGIN puts %u bytes at 0x%08x, outside the RAM the %s ROM leaves "
			  "to loaded code", st.mem_size, word(d, 3), opt.chip->name);
	st.mem_seq = 0, st.mem_live = 1;
	logf_("MEM_BEGIN size=%u blocks=%u addr=0x%x", st.mem_size, st.mem_blocks, word(d, 3));
	ok(MPF_ESP_MEM_BEGIN, 0);
}

static void mem_data(const uint8_t *d, size_t len, uint32_t chk)
{
	uint32_t n;

	if (!st.mem_live || len < 16)
		violation("MEM_DATA without MEM_BEGIN, or shorter than its header");
	n = word(d, 0);
	if (n != len - 16 || word(d, 1) != st.mem_seq || st.mem_seq >= st.mem_blocks ||
	    n > st.mem_bsize)
		violation("MEM_DATA seq %u of %u bytes; expected seq %u of %u blocks", word(d, 1),
			  n, st.mem_seq, st.mem_blocks);
	if (mpf_esp_checksum(d + 16, n) != chk) {
		fail(MPF_ESP_MEM_DATA, MPF_ESP_ERR_CHECKSUM);
		return;
	}
	st.mem_seq++;
	st.mem_got += n;
	ok(MPF_ESP_MEM_DATA, 0);
}

static void send_frame(const void *p, size_t n)
{
	struct mpf_buf out = MPF_BUF_INIT;

	mpf_slip_encode(&out, p, n);
	send_bytes(out.buf, out.len);
	mpf_buf_release(&out);
}

static void mem_end(const uint8_t *d, size_t len)
{
	need_len("MEM_END", len, 8);
	if (st.mem_live && st.mem_seq != st.mem_blocks)
		violation("MEM_END after %u of %u blocks", st.mem_seq, st.mem_blocks);
	ok(MPF_ESP_MEM_END, 0);
	if (word(d, 0) || !word(d, 1))
		return;		/* no entry point: the ROM stays */
	if (!st.mem_got)
		violation("MEM_END runs 0x%08x, but nothing was loaded", word(d, 1));
	logf_("stub loaded (%u bytes), entry 0x%08x%s", st.mem_got, word(d, 1),
	      opt.stub_crash ? ": it crashes"
	      : opt.usb_jtag || opt.usb_otg ? ": it speaks on UART0, not this USB port" : "");
	if (opt.stub_crash || opt.usb_jtag || opt.usb_otg) {
		st.dead = 1;
		return;
	}
	st.on = 1;
	s.status_len = 2;
	send_frame("OHAI", 4);
}

static void cmd_mem(uint8_t op, const uint8_t *d, size_t len, uint32_t chk)
{
	if (op == MPF_ESP_MEM_BEGIN)
		mem_begin(d, len);
	else if (op == MPF_ESP_MEM_DATA)
		mem_data(d, len, chk);
	else
		mem_end(d, len);
}

/* ---- writing ------------------------------------------------------------ */

/* Erase what [addr, addr+n) reaches and is not erased yet: a 64 KiB block
 * where the region covers a whole one, else a sector (called by
 * program()). As the stub does (stub/core/flash.c), the last sector, when
 * the region ends inside it, is read first and its bytes past the region
 * are programmed back. */
static void stub_erase_ahead(uint64_t addr, size_t n)
{
	uint32_t end = st.off + st.size;

	if (!st.on || !st.wmode)
		return;
	if (addr + n > st.erase_end)
		violation("data past the %u bytes FLASH_BEGIN announced at 0x%x", st.size, st.off);
	while (st.erased_to < addr + n) {
		uint32_t k = st.erased_to % 0x10000 == 0 && end - st.erased_to >= 0x10000 ? 16 : 1;

		erase_sectors(st.erased_to / 0x1000, k);
		st.erased_to += k * 0x1000;
		if (opt.flash_timing && st.erased_to > end)	/* read at 10 MB/s, program the rest */
			busy_us(0x1000 / 10 + (long long)(st.erased_to - (end & ~3u)) * 700 / 256);
	}
}

static void stub_end_write(void)
{
	if (st.z_live)
		inflateEnd(&st.z);
	st.z_live = 0;
	st.wmode = 0;
}

static void stub_begin(uint8_t op, const uint8_t *d, size_t len)
{
	need_len(op == MPF_ESP_FLASH_BEGIN ? "stub FLASH_BEGIN" : "stub FLASH_DEFL_BEGIN", len, 16);
	stub_end_write();
	st.size = word(d, 0), st.blocks = word(d, 1), st.bsize = word(d, 2), st.off = word(d, 3);
	if (!st.bsize || st.bsize > STUB_BLOCK_MAX || st.off % 0x1000)
		violation("stub FLASH_BEGIN: block size 0x%x (at most 0x4000), offset 0x%x (a "
			  "sector start)", st.bsize, st.off);
	if ((uint64_t)st.off + st.size > opt.flash_size) {
		fail(op, MPF_ESP_ERR_RESULT);
		return;
	}
	logf_("stub %s size=0x%x blocks=%u block=0x%x offset=0x%x",
	      op == MPF_ESP_FLASH_BEGIN ? "FLASH_BEGIN" : "FLASH_DEFL_BEGIN", st.size, st.blocks,
	      st.bsize, st.off);
	st.wmode = op, st.seq = 0, st.done = 0;
	st.erased_to = st.off;
	st.erase_end = st.off + (st.size + 0xFFF) / 0x1000 * 0x1000;
	if (op == MPF_ESP_FLASH_DEFL_BEGIN) {
		memset(&st.z, 0, sizeof(st.z));
		if (inflateInit(&st.z) != Z_OK)
			die("inflateInit failed");
		st.z_live = 1;
	}
	ok(op, 0);
}

/* Inflate a block into flash: 0, or the stub's error code. The ROM
 * model's inflate_block looks alike on purpose: it models the ROM's own
 * inflate window, this one writes exactly the inflated bytes. */
static int stub_inflate(const uint8_t *p, size_t n)
{
	uint8_t out[16384];
	int r = Z_OK;

	st.z.next_in = (uint8_t *)p;
	st.z.avail_in = (uInt)n;
	while (st.z.avail_in && r != Z_STREAM_END) {
		size_t got;

		st.z.next_out = out;
		st.z.avail_out = sizeof(out);
		r = inflate(&st.z, Z_NO_FLUSH);
		if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR)
			return MPF_ESP_ERR_DEFLATE;
		got = sizeof(out) - st.z.avail_out;
		if (st.done + got > st.size)
			violation("the deflate stream inflates past the %u bytes announced", st.size);
		program(st.off + st.done, out, got);
		st.done += got;
	}
	return 0;
}

static void stub_check_block(uint8_t op, const uint8_t *d, size_t len)
{
	uint8_t want = op == MPF_ESP_FLASH_DATA ? MPF_ESP_FLASH_BEGIN : MPF_ESP_FLASH_DEFL_BEGIN;

	if (st.wmode != want || len < 16 || word(d, 0) != len - 16 || word(d, 2) || word(d, 3))
		violation("stub data block without its BEGIN, or with a bad header");
	if (word(d, 1) != st.seq || st.seq >= st.blocks)
		violation("stub block seq %u, expected %u of %u", word(d, 1), st.seq, st.blocks);
	if (word(d, 0) > st.bsize || (op == MPF_ESP_FLASH_DATA && word(d, 0) != st.bsize))
		violation("stub block of %u bytes, block size 0x%x", word(d, 0), st.bsize);
}

/* Taken once the buffer is free (the block before is programmed), then
 * acknowledged while it programs on the flash clock. */
static void stub_data(uint8_t op, const uint8_t *d, size_t len, uint32_t chk)
{
	struct timespec start;
	uint32_t n;
	int e = 0;

	stub_check_block(op, d, len);
	n = word(d, 0);
	if (mpf_esp_checksum(d + 16, n) != chk) {
		logf_("checksum error seq=%u", st.seq);
		fail(op, MPF_ESP_ERR_CHECKSUM);
		return;
	}
	if (opt.pace && ts_before(s.rom_t, st.flash_t))
		s.rom_t = st.flash_t;
	start = st.flash_t = s.rom_t;
	s.busy_t = opt.pace ? &st.flash_t : NULL;
	if (op == MPF_ESP_FLASH_DEFL_DATA)
		e = stub_inflate(d + 16, n);
	else	/* the padding past the region is not programmed */
		program(st.off + (uint64_t)st.seq * st.bsize, d + 16,
			n < st.size - st.seq * st.bsize ? n : st.size - st.seq * st.bsize);
	s.busy_t = NULL;
	s.rom_t = start;
	logf_("stub %s seq=%u len=%u", op == MPF_ESP_FLASH_DATA ? "FLASH_DATA" : "FLASH_DEFL_DATA",
	      st.seq, n);
	st.seq++;
	if (e)
		fail(op, (uint8_t)e);
	else
		ok(op, 0);
}

/* ---- the other commands --------------------------------------------------- */

static void stub_md5(const uint8_t *d, size_t len)
{
	uint8_t md[16];
	unsigned int mdlen = sizeof(md);
	uint32_t a = word(d, 0), n = word(d, 1);

	need_len("stub SPI_FLASH_MD5", len, 16);
	if ((uint64_t)a + n > opt.flash_size) {
		fail(MPF_ESP_SPI_FLASH_MD5, MPF_ESP_ERR_RESULT);
		return;
	}
	if (opt.flash_timing)	/* reading at 40 MHz dual I/O: 10 MB/s */
		busy_us((long long)n / 10);
	EVP_Digest(s.flash + a, n, md, &mdlen, EVP_md5(), NULL);
	logf_("stub SPI_FLASH_MD5 0x%x+0x%x", a, n);
	reply(MPF_ESP_SPI_FLASH_MD5, 0, md, 16, 0, 0);	/* raw, not hex as the ROM's */
}

static void stub_erase(uint8_t op, const uint8_t *d, size_t len)
{
	uint32_t a = 0, n = (uint32_t)opt.flash_size;

	need_len(op == MPF_ESP_ERASE_FLASH ? "ERASE_FLASH" : "ERASE_REGION", len,
		 op == MPF_ESP_ERASE_FLASH ? 0 : 8);
	if (op == MPF_ESP_ERASE_REGION)
		a = word(d, 0), n = word(d, 1);
	if (a % 0x1000 || n % 0x1000 || (uint64_t)a + n > opt.flash_size) {
		fail(op, MPF_ESP_ERR_INVALID);
		return;
	}
	logf_("stub %s 0x%x+0x%x", op == MPF_ESP_ERASE_FLASH ? "ERASE_FLASH" : "ERASE_REGION", a, n);
	erase_sectors(a / 0x1000, n / 0x1000);
	ok(op, 0);
}

/* Send packets while fewer than r_inflight are unacknowledged; after the
 * last one is acknowledged, the MD5 of it all. */
static void stub_read_more(uint32_t acked)
{
	while (st.r_sent < st.r_len && st.r_sent - acked < st.r_inflight * st.r_pkt) {
		uint32_t k = st.r_len - st.r_sent < st.r_pkt ? st.r_len - st.r_sent : st.r_pkt;

		send_frame(s.flash + st.r_off + st.r_sent, k);
		st.r_sent += k;
	}
	if (acked == st.r_len) {
		uint8_t md[16];
		unsigned int mdlen = sizeof(md);

		EVP_Digest(s.flash + st.r_off, st.r_len, md, &mdlen, EVP_md5(), NULL);
		send_frame(md, sizeof(md));
		st.reading = 0;
	}
}

static void stub_read(const uint8_t *d, size_t len)
{
	need_len("READ_FLASH", len, 16);
	st.r_off = word(d, 0), st.r_len = word(d, 1), st.r_pkt = word(d, 2);
	st.r_inflight = word(d, 3), st.r_sent = 0;
	if (!st.r_pkt || !st.r_inflight || (uint64_t)st.r_off + st.r_len > opt.flash_size) {
		fail(MPF_ESP_READ_FLASH, MPF_ESP_ERR_INVALID);
		return;
	}
	logf_("stub READ_FLASH 0x%x+0x%x packets of %u, %u ahead", st.r_off, st.r_len, st.r_pkt,
	      st.r_inflight);
	ok(MPF_ESP_READ_FLASH, 0);
	st.reading = 1;
	stub_read_more(0);
}

/* A frame while READ_FLASH runs: the host's count of bytes received. */
static void stub_read_ack(const uint8_t *f, size_t n)
{
	uint32_t got;

	if (n != 4)
		violation("a %zu-byte frame during READ_FLASH, where the stub wants 4-byte "
			  "acknowledgements", n);
	got = mpf_le32(f);
	if (got > st.r_sent || (got % st.r_pkt && got != st.r_len))
		violation("READ_FLASH acknowledgement of %u bytes; %u sent", got, st.r_sent);
	stub_read_more(got);
}

static void stub_baud(const uint8_t *d, size_t len)
{
	uint32_t nb = word(d, 0), old = word(d, 1);

	need_len("stub CHANGE_BAUDRATE", len, 8);
	if (!same_rate((long)old, s.uart_baud))
		violation("stub CHANGE_BAUDRATE says the rate now is %u; it is %ld", old,
			  s.uart_baud);
	ok(MPF_ESP_CHANGE_BAUDRATE, 0);
	logf_("stub CHANGE_BAUDRATE %u%s", nb, opt.fault_baud ? " (fault: not switching)" : "");
	if (!opt.fault_baud)
		s.uart_baud = nb;
}

/* A frame for the stub (or the crashed chip): 1 if it was taken here. */
static int stub_frame(const uint8_t *f, size_t n)
{
	if (st.dead && !(n >= 2 && f[0] == 0 && f[1] == MPF_ESP_SYNC))
		return 1;	/* nothing answers */
	if (st.dead) {
		logf_("SYNC after the stub crashed: the host reset the chip");
		session_reset();
		return 0;
	}
	if (!stub_reading())
		return 0;
	stub_read_ack(f, n);
	return 1;
}

static void stub_simple(uint8_t op, const uint8_t *d, size_t len)
{
	char tmp[8];

	switch (op) {
	case MPF_ESP_READ_REG:
		need_len("READ_REG", len, 4);
		ok(op, read_reg(word(d, 0)));
		return;
	case MPF_ESP_WRITE_REG:
		need_len("WRITE_REG", len, 16);
		write_reg(word(d, 0), word(d, 1), word(d, 2));
		ok(op, 0);
		return;
	case MPF_ESP_SPI_ATTACH:
		need_len("stub SPI_ATTACH", len, 4);
		s.attached = 1;
		ok(op, 0);
		return;
	case MPF_ESP_SPI_SET_PARAMS:
		need_len("SPI_SET_PARAMS", len, 24);
		ok(op, 0);
		return;
	case MPF_ESP_GET_SECURITY_INFO:
		cmd_secinfo(len);
		return;
	}
	violation("%s sent to the flasher stub, which does not have it", mpf_esp_op_name(op, tmp));
}

static void stub_dispatch(uint8_t op, const uint8_t *d, size_t len, uint32_t chk)
{
	if (op != MPF_ESP_FLASH_DATA && op != MPF_ESP_FLASH_DEFL_DATA && opt.pace &&
	    ts_before(s.rom_t, st.flash_t))
		s.rom_t = st.flash_t;	/* in order: after the last block is in flash */
	switch (op) {
	case MPF_ESP_FLASH_BEGIN:
	case MPF_ESP_FLASH_DEFL_BEGIN:
		stub_begin(op, d, len);
		return;
	case MPF_ESP_FLASH_DATA:
	case MPF_ESP_FLASH_DEFL_DATA:
		stub_data(op, d, len, chk);
		return;
	case MPF_ESP_FLASH_END:
	case MPF_ESP_FLASH_DEFL_END:
		need_len("stub FLASH_END", len, 4);
		stub_end_write();
		ok(op, 0);
		if (!word(d, 0))
			leave_loader("FLASH_END (reboot)");
		return;
	case MPF_ESP_SPI_FLASH_MD5:
		stub_md5(d, len);
		return;
	case MPF_ESP_ERASE_FLASH:
	case MPF_ESP_ERASE_REGION:
		stub_erase(op, d, len);
		return;
	case MPF_ESP_READ_FLASH:
		stub_read(d, len);
		return;
	case MPF_ESP_CHANGE_BAUDRATE:
		stub_baud(d, len);
		return;
	}
	stub_simple(op, d, len);
}
