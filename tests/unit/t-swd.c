/* t-swd.c - the CMSIS-DAP, ADIv5, Cortex-M and flash layers against the
 * probe and target models of tests/sim/dap, in-process. */
#include <stdlib.h>
#include <string.h>

#include "cortex_m.h"
#include "dapsim-io.h"
#include "elf.h"
#include "flash_algo.h"
#include "flash_rp2.h"
#include "nrf52.h"
#include "swd.h"
#include "test-lib.h"

static struct dapsim_io io;
static struct mpf_probe_link link;
static struct mpf_dap *const dapp = &link.dap;
static struct dapsim_target *tgt;
static struct mpf_swd swd;
static struct mpf_buf err = MPF_BUF_INIT;

static int attach(const char *model, unsigned psize, unsigned pcount, int halt)
{
	struct mpf_swd_opts o = { 0 };
	int rc;

	dapsim_target_free(tgt);
	mpf_dap_release(dapp);
	tgt = dapsim_target_new(model);
	dapsim_io_init(&io, dapp, tgt, psize, pcount);
	o.halt = halt;
	mpf_buf_reset(&err);
	rc = mpf_swd_attach(&swd, &link, &o, &err);
	if (rc < 0)
		test_msg("attach %s: %s", model, mpf_buf_str(&err));
	return rc;
}

static void t_packing(void)
{
	int rc;
	uint32_t words[300], i;
	unsigned long p0;

	rc = attach("stm32f405", 64, 4, 0);
	if (!check_int(rc, ==, 0))
		return;
	/* 20 single writes: 12 fit a 64-byte DAP_Transfer (3 + 12 * 5) */
	p0 = dapp->stats.packets;
	for (i = 0; i < 20; i++)
		mpf_dap_q_write(dapp, DAP_A(DP_SELECT), 0);
	rc = mpf_dap_run(dapp, &err);
	check_int(rc, ==, 0);
	check_int(dapp->stats.packets - p0, ==, 2);
	/* 140 words to RAM in one window: 140 / 14 = 10 full blocks, no head */
	for (i = 0; i < 300; i++)
		words[i] = i * 0x01010101u;
	p0 = dapp->stats.packets;
	io.max_inflight = 0;
	mpf_adiv5_q_write(&swd.a, 0x20000000, words, 140);
	rc = mpf_adiv5_run(&swd.a, &err);
	check_int(rc, ==, 0);
	/* CSW+TAR (+ CTRL/STAT check) in one DAP_Transfer, then 10 blocks, then the check */
	check_int(dapp->stats.packets - p0, <=, 12);
	check_int(io.max_inflight, ==, 4);
}

/* 64 KiB through 4 KiB TAR windows: with DAP_ExecuteCommands the packets
 * stay full across window ends (within 5% of the data alone in full block
 * packets); without it, 9 packets a window. Same data either way. */
static void t_execute_commands(void)
{
	uint32_t n = 16384, i, *w = malloc(4 * n), *r = calloc(n, 4);
	unsigned long p0, with, without;
	int rc;

	for (i = 0; i < n; i++)
		w[i] = i * 2654435761u;
	rc = attach("stm32f405", 512, 4, 0);
	if (!check_int(rc, ==, 0) || !check(dapp->exec))
		goto out;
	p0 = dapp->stats.packets;
	rc = mpf_adiv5_write(&swd.a, 0x20000000, w, n, &err);
	check_int(rc, ==, 0);
	with = dapp->stats.packets - p0;
	rc = mpf_adiv5_read(&swd.a, 0x20000000, r, n, &err);
	check_int(rc, ==, 0);
	check_mem(w, r, 4 * n);
	check_int(with * 126, <=, n * 105 / 100 + 126);
	dapp->exec = 0;
	memset(r, 0, 4 * n);
	p0 = dapp->stats.packets;
	rc = mpf_adiv5_write(&swd.a, 0x20000000, w, n, &err);
	check_int(rc, ==, 0);
	without = dapp->stats.packets - p0;
	check_int(without, ==, 16 * 9 + 1);
	rc = mpf_adiv5_read(&swd.a, 0x20000000, r, n, &err);
	check_int(rc, ==, 0);
	check_mem(w, r, 4 * n);
	/* firmware that does not know the command is detected as such */
	dapsim_target_free(tgt);
	mpf_dap_release(dapp);
	tgt = dapsim_target_new("stm32f405");
	dapsim_io_init(&io, dapp, tgt, 512, 4);
	io.probe.no_execute = 1;
	rc = mpf_dap_setup(dapp, &err);
	check_int(rc, ==, 0);
	check(!dapp->exec);
	check_int(io.probe.violations, ==, 0);
out:
	free(w);
	free(r);
}

static void t_ram_roundtrip(void)
{
	int rc;
	uint32_t *w = malloc(4 * 3000), *r = calloc(3000, 4), i;

	for (i = 0; i < 3000; i++)
		w[i] = 0xA5000000u ^ (i * 2654435761u);
	/* 12000 bytes from an odd offset cross three 4 KiB TAR windows */
	rc = mpf_adiv5_write(&swd.a, 0x20000F00, w, 3000, &err);
	check_int(rc, ==, 0);
	rc = mpf_adiv5_read(&swd.a, 0x20000F00, r, 3000, &err);
	check_int(rc, ==, 0);
	check_mem(w, r, 4 * 3000);
	free(w);
	free(r);
}

static void t_sticky_recovery(void)
{
	int rc;
	uint32_t v = 0;

	mpf_buf_reset(&err);
	rc = mpf_adiv5_read32(&swd.a, 0x30000000, &v, &err);
	check_int(rc, ==, MPF_ERR_PROTO);
	check(strstr(mpf_buf_str(&err), "bus error") != NULL);
	/* the next access works: sticky errors were cleared */
	rc = mpf_adiv5_read32(&swd.a, CM_CPUID, &v, &err);
	check_int(rc, ==, 0);
	check_uint(v, ==, 0x410FC241u);
	check_str(mpf_cm_core_name(v), "Cortex-M4");
}

static void t_halt_reset(void)
{
	int rc;
	uint8_t vec[8] = { 0x00, 0x00, 0x02, 0x20, 0x01, 0x01, 0x00, 0x08 };
	uint32_t pc = 0;

	dapsim_poke(tgt, 0x08000000, vec, 8);
	rc = mpf_cm_reset_halt(&swd.a, &err);
	check_int(rc, ==, 0);
	check(dapsim_halted(tgt));
	rc = mpf_cm_reg_read(&swd.a, 15, &pc, &err);
	check_int(rc, ==, 0);
	check_uint(pc, ==, 0x08000100u);
	rc = mpf_cm_reset_run(&swd.a, &err);
	check_int(rc, ==, 0);
	check(!dapsim_halted(tgt));
}

static uint8_t *pattern(size_t n, unsigned seed)
{
	uint8_t *b = malloc(n);
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)((i * 131 + seed) ^ (i >> 8));
	return b;
}

static void flash_roundtrip(const char *model, const char *name, uint32_t base, size_t len,
			    unsigned long want_erases)
{
	uint8_t *img = pattern(len, 7), *back = malloc(len);
	int rc;

	rc = attach(model, 512, 4, 1);
	if (!check_int(rc, ==, 0))
		return;
	check_str(swd.t.name, name);
	rc = mpf_flash_write(&swd.a, &swd.t, base, img, len, NULL, NULL, NULL, &err);
	if (!check_int(rc, ==, 0))
		test_msg("%s", mpf_buf_str(&err));
	rc = dapsim_peek(tgt, base, back, len);
	check_int(rc, ==, 0);
	check_mem(img, back, len);
	check_int(dapsim_counts(tgt)->erases, ==, want_erases);
	check_int(dapsim_counts(tgt)->violations, ==, 0);
	free(img);
	free(back);
}

static void t_f405(void)
{
	/* 70000 bytes at 0x08004000: sectors 1-4 (16+16+16+64 KiB) */
	flash_roundtrip("stm32f405", "STM32F405/407/415/417", 0x08004000, 70000, 4);
	check_int(swd.t.flash_size, ==, 1024 * 1024);
}

static void t_l476(void)
{
	/* 5001 bytes at the start of bank 2: 3 pages of 2 KiB */
	flash_roundtrip("stm32l476", "STM32L47x/48x", 0x08080000, 5001, 3);
	check_int(swd.t.bank_size, ==, 512 * 1024);
}

static void t_nrf52840(void)
{
	flash_roundtrip("nrf52840", "nRF52840", 0x1000, 9000, 3);
	check_int(swd.t.flash_size, ==, 1024 * 1024);
}

static void t_h743(void)
{
	/* across the bank boundary: bank 1 sector 7, bank 2 sector 0; 1 KiB TAR window */
	flash_roundtrip("stm32h743", "STM32H74x/75x", 0x080FF000, 9000, 2);
	check_int(swd.a.wrap, ==, 0x400);
	check_int(swd.t.bank_size, ==, 1024 * 1024);
}

static uint8_t *random_image(size_t len)
{
	uint8_t *img = malloc(len);
	size_t i;

	for (i = 0; i < len; i++)
		img[i] = (uint8_t)(rand() >> 7);
	return img;
}

/* Our routine programs and CRC-checks; a part whose RAM cannot hold it
 * and two 1 KiB buffers is programmed from the host and CRC-checked by
 * the verify-only routine, read back where RAM cannot hold even that. */
static void t_algo_ram(void)
{
	struct mpf_flash_how how = { 0 };
	uint8_t *img = random_image(20000), back[20000];
	uint32_t ram;
	int rc;

	if (!check_int(attach("stm32f405", 512, 4, 1), ==, 0))
		goto out;
	check(mpf_algo_find(&swd.t) != NULL);
	rc = mpf_flash_write(&swd.a, &swd.t, 0x08008000, img, 20000, &how, NULL, NULL, &err);
	check_int(rc, ==, 0);
	check_int(how.algorithm, ==, 1);
	ram = swd.t.ram_size;
	swd.t.ram_size = 3 * 1024;	/* a routine, its mailbox, table and stack, one buffer */
	check(mpf_algo_find(&swd.t) == NULL);
	img[0] ^= 0xFF;
	rc = mpf_flash_write(&swd.a, &swd.t, 0x08008000, img, 20000, &how, NULL, NULL, &err);
	check_int(rc, ==, 0);
	check_int(how.algorithm, ==, 0);
	check_int(how.crc, ==, 1);
	dapsim_peek(tgt, 0x08008000, back, 20000);
	check_mem(img, back, 20000);
	swd.t.ram_size = 1024;	/* not the verify-only routine's code, table and stack */
	check(mpf_algo_find_crc(&swd.t) == NULL);
	img[2] ^= 0xFF;
	rc = mpf_flash_write(&swd.a, &swd.t, 0x08008000, img, 20000, &how, NULL, NULL, &err);
	check_int(rc, ==, 0);
	check_int(how.crc, ==, 0);
	swd.t.ram_size = ram;
	how.host_only = 1;	/* --no-algorithm */
	img[1] ^= 0xFF;
	rc = mpf_flash_write(&swd.a, &swd.t, 0x08008000, img, 20000, &how, NULL, NULL, &err);
	check_int(rc, ==, 0);
	check_int(how.algorithm, ==, 0);
	check_int(how.crc, ==, 0);
	dapsim_peek(tgt, 0x08008000, back, 20000);
	check_mem(img, back, 20000);
	check_int(dapsim_counts(tgt)->violations, ==, 0);
out:
	free(img);
}

/* One word of the loaded routine's CRC table corrupted on the target: the
 * verify must fail, naming both CRCs. */
static void t_algo_corrupt(void)
{
	struct mpf_algo g;
	const struct mpf_algo_image *alg;
	uint8_t *img = random_image(4096), bad[4];
	int rc;

	if (!check_int(attach("nrf52840", 512, 4, 1), ==, 0) ||
	    !check((alg = mpf_algo_find(&swd.t)) != NULL))
		goto out;
	check_int(mpf_flash_erase(&swd.a, &swd.t, 0x2000, 4096, NULL, NULL, &err), ==, 0);
	rc = mpf_algo_start(&g, &swd.a, &swd.t, alg, &err);
	check_int(rc, ==, 0);
	check_int(mpf_algo_program(&g, 0x2000, img, 4096, NULL, NULL, &err), ==, 0);
	check_int(mpf_algo_verify(&g, 0x2000, img, 4096, &err), ==, 0);
	/* the table follows the mailbox; its entry 0x80 flipped */
	dapsim_peek(tgt, g.ctl + 64 + 0x80 * 4, bad, 4);
	bad[0] ^= 1;
	dapsim_poke(tgt, g.ctl + 64 + 0x80 * 4, bad, 4);
	mpf_buf_reset(&err);
	rc = mpf_algo_verify(&g, 0x2000, img, 4096, &err);
	check_int(rc, ==, MPF_ERR_MISMATCH);
	check(strstr(mpf_buf_str(&err), "CRC-32") != NULL);
	check_int(mpf_algo_stop(&g, &err), ==, 0);
	check(dapsim_halted(tgt));
out:
	free(img);
}

static void t_cpu_match(void)
{
	struct mpf_target t = { 0 };

	t.cpus = "STM32F405,STM32F407";
	check(mpf_target_matches_cpu(&t, "STM32F405RG"));
	check(mpf_target_matches_cpu(&t, "stm32f407vg"));
	check(!mpf_target_matches_cpu(&t, "STM32F411CE"));
	check(!mpf_target_matches_cpu(&t, "STM32F4"));
	check(!mpf_target_matches_cpu(&t, ""));
}

static void t_wrong_key(void)
{
	int rc;
	uint32_t cr = 0;

	rc = attach("stm32f405", 64, 1, 1);
	if (!check_int(rc, ==, 0))
		return;
	rc = mpf_adiv5_write32(&swd.a, 0x40023C04, 0x12345678, &err);
	check_int(rc, <, 0);
	mpf_adiv5_read32(&swd.a, 0x40023C10, &cr, &err);
	check_uint(cr & 0x80000000u, ==, 0x80000000u);
	mpf_buf_reset(&err);
	rc = mpf_flash_erase(&swd.a, &swd.t, 0x08000000, 1, NULL, NULL, &err);
	check_int(rc, ==, MPF_ERR_FAIL);
	check(strstr(mpf_buf_str(&err), "locked") != NULL);
	/* a reset clears the key lock */
	rc = mpf_cm_reset_halt(&swd.a, &err);
	check_int(rc, ==, 0);
	rc = mpf_flash_erase(&swd.a, &swd.t, 0x08000000, 1, NULL, NULL, &err);
	check_int(rc, ==, 0);
}

static void t_nrf_protect(void)
{
	int rc;
	struct mpf_swd_opts o = { 0 };
	uint8_t b[4] = { 1, 2, 3, 4 }, back[4];

	dapsim_target_free(tgt);
	tgt = dapsim_target_new("nrf52840");
	dapsim_poke(tgt, 0x2000, b, 4);
	dapsim_target_protect(tgt);
	mpf_dap_release(dapp);
	dapsim_io_init(&io, dapp, tgt, 64, 2);
	mpf_buf_reset(&err);
	rc = mpf_swd_attach(&swd, &link, &o, &err);
	check_int(rc, ==, MPF_ERR_PERM);
	check(strstr(mpf_buf_str(&err), "--unlock") != NULL);
	dapsim_peek(tgt, 0x2000, back, 4);
	check_mem(back, b, 4);		/* nothing was erased without --unlock */
	o.unlock = 1;
	mpf_buf_reset(&err);
	rc = mpf_swd_attach(&swd, &link, &o, &err);
	if (!check_int(rc, ==, 0))
		test_msg("%s", mpf_buf_str(&err));
	check(swd.unlocked);
	check_str(swd.t.name, "nRF52840");
	dapsim_peek(tgt, 0x2000, back, 4);
	check_uint(back[0], ==, 0xFF);
}

static void t_elf(void)
{
	int rc;
	uint8_t f[52 + 3 * 32 + 16] = { 0x7F, 'E', 'L', 'F', 1, 1, 1 };
	struct mpf_elf_seg s[4];
	uint8_t *ph = f + 52;

	f[18] = 40;			/* EM_ARM */
	f[28] = 52;			/* e_phoff */
	f[42] = 32;			/* e_phentsize */
	f[44] = 3;			/* e_phnum */
	/* PT_LOAD text at 0x08000000, PT_LOAD .data VMA 0x20000000 LMA 0x08000008, PT_LOAD bss */
	ph[0] = 1; ph[4] = 148; ph[8 + 3] = 0x08; ph[12 + 3] = 0x08; ph[16] = 8; ph[20] = 8;
	ph += 32;
	ph[0] = 1; ph[4] = 156; ph[8 + 3] = 0x20; ph[12] = 8; ph[12 + 3] = 0x08; ph[16] = 8; ph[20] = 8;
	ph += 32;
	ph[0] = 1; ph[8 + 3] = 0x20; ph[20] = 0x40;
	rc = mpf_elf_segments(f, sizeof(f), s, 4, &err);
	check_int(rc, ==, 2);
	check_uint(s[1].paddr, ==, 0x08000008u);
	check_uint(s[1].offset, ==, 156);
	f[52 + 32 + 16] = 200;		/* filesz beyond the file */
	rc = mpf_elf_segments(f, sizeof(f), s, 4, &err);
	check_int(rc, ==, MPF_ERR_FORMAT);
	rc = mpf_elf_segments(f, 40, s, 4, &err);
	check_int(rc, ==, MPF_ERR_FORMAT);
	f[18] = 62;
	rc = mpf_elf_segments(f, sizeof(f), s, 4, &err);
	check_int(rc, ==, MPF_ERR_FORMAT);
}

/* RP2040: no answer to a plain line reset; multidrop selection of core 0,
 * kept for the next connect; flash written through the boot ROM calls. */
static void t_rp2040(void)
{
	uint8_t ones[7] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x03 }, data[8192], back[8192];
	struct mpf_flash_how how = { 0 };
	uint32_t v = 0, i;
	int rc = attach("rp2040", 512, 4, 1);

	if (!check_int(rc, ==, 0))
		return;
	check_uint(swd.a.targetsel, ==, 0x01002927u);
	check_str(swd.t.drv->name, "rp2040");
	check_uint(swd.t.flash_size, ==, 0x200000u);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	rc = mpf_flash_write(&swd.a, &swd.t, 0x10001000, data, sizeof(data), &how, NULL, NULL, &err);
	check_int(rc, ==, 0);
	check_int(how.crc, ==, 1);	/* the verify-only routine, over XIP flash */
	check_int(dapsim_peek(tgt, 0x10001000, back, sizeof(back)), ==, 0);
	check(!memcmp(data, back, sizeof(data)));
	check_uint(dapsim_counts(tgt)->erases, ==, 2);
	/* a line reset without TARGETSEL: no DP answers */
	dapsim_swj_sequence(tgt, ones, 51);
	check_int(dapsim_transfer(tgt, 0x02, &v, 0), ==, 7);
	/* connecting again selects core 0 again */
	rc = mpf_adiv5_connect(&swd.a, &err);
	check_int(rc, ==, 0);
	rc = mpf_adiv5_read32(&swd.a, 0x10, &v, &err);
	check_int(rc, ==, 0);
	check_uint(v & 0xFFFFFF, ==, 0x01754Du);
	check_uint(dapsim_counts(tgt)->violations, ==, 0);
}

/* A reply read that fails leaves the reply, and those behind it, in the
 * probe: they are read and dropped before the next command, so the probe
 * never holds more than its packet count and no old reply answers a new
 * command. */
static void t_failed_read(void)
{
	uint32_t w[600], v = 0, i;
	int rc = attach("stm32f405", 64, 4, 0);

	if (!check_int(rc, ==, 0))
		return;
	for (i = 0; i < 600; i++)
		w[i] = i * 2654435761u;
	check_int(mpf_adiv5_write(&swd.a, 0x20000000, w, 600, &err), ==, 0);
	/* the second reply of a long write: three more in flight behind it */
	io.fail_read = io.reads + 2;
	io.max_inflight = 0;
	rc = mpf_adiv5_write(&swd.a, 0x20001000, w, 600, &err);
	check_int(rc, ==, MPF_ERR_TIMEOUT);
	check_int(dapp->nowed, ==, 4);
	rc = mpf_adiv5_read32(&swd.a, 0x20000000 + 4 * 123, &v, &err);
	check_int(rc, ==, 0);
	check_uint(v, ==, w[123]);
	check_int(io.max_inflight, <=, 4);
	/* the last reply of a read: the next read must not take it for its own */
	io.fail_read = io.reads + 1;
	check_int(mpf_adiv5_read32(&swd.a, 0x20000000 + 4 * 7, &v, &err), ==, MPF_ERR_TIMEOUT);
	rc = mpf_adiv5_read32(&swd.a, 0x20000000 + 4 * 8, &v, &err);
	check_int(rc, ==, 0);
	check_uint(v, ==, w[8]);
	check_int(dapp->nowed, ==, 0);
	/* a reply gone with its transfer: out of step, nothing more is sent */
	io.fail_read = io.reads + 1;
	io.lose_reply = 1;
	check_int(mpf_adiv5_read32(&swd.a, 0x20000000, &v, &err), ==, MPF_ERR_TIMEOUT);
	i = (uint32_t)io.sent;
	check_int(mpf_adiv5_read32(&swd.a, 0x20000000, &v, &err), <, 0);
	check_int(mpf_adiv5_read32(&swd.a, 0x20000000, &v, &err), ==, MPF_ERR_IO);
	check(strstr(mpf_buf_str(&err), "out of step") != NULL);
	check_int(io.sent, ==, i);
	check_int(io.probe.violations, ==, 0);
}

/* A failed reply read at each point of a write ends it with an error (or
 * with the image written, where nothing needed that reply), the probe
 * never holding more than it takes nor the target seeing a stray access
 * (a routine still programming when the controller is relocked); the
 * next write works. sr, bsy: the flash status register and its busy bit,
 * waited on before the next write, as a later run would find it. */
static void failed_read_walk(const char *model, uint32_t addr, uint32_t sr, uint32_t bsy)
{
	uint8_t *img = pattern(2048, 3), *back = malloc(2048);
	unsigned long total, k;
	int rc = attach(model, 64, 4, 1);

	if (!check_int(rc, ==, 0))
		goto out;
	io.reads = 0;
	check_int(mpf_flash_write(&swd.a, &swd.t, addr, img, 2048, NULL, NULL, NULL, &err), ==, 0);
	total = io.reads;
	for (k = 1; k <= total; k++) {
		io.fail_read = io.reads + k;
		io.max_inflight = 0;
		img[0] = (uint8_t)k;
		rc = mpf_flash_write(&swd.a, &swd.t, addr, img, 2048, NULL, NULL, NULL, &err);
		if (rc == 0 && (dapsim_peek(tgt, addr, back, 2048) || memcmp(img, back, 2048)))
			check_int(rc, <, 0);
		if (!check_int(io.max_inflight, <=, 4) ||
		    !check_int(dapsim_counts(tgt)->violations, ==, 0))
			test_msg("%s: reply read %lu of %lu failing", model, k, total);
		check_int(mpf_target_wait(&swd.a, sr, bsy, 0, 1000, "erase", NULL, &err), ==, 0);
		img[1] = (uint8_t)k;
		rc = mpf_flash_write(&swd.a, &swd.t, addr, img, 2048, NULL, NULL, NULL, &err);
		if (!check_int(rc, ==, 0))
			test_msg("after reply read %lu of %lu failed: %s", k, total, mpf_buf_str(&err));
		check_int(dapsim_peek(tgt, addr, back, 2048), ==, 0);
		check_mem(img, back, 2048);
	}
	check_int(io.probe.violations, ==, 0);
out:
	free(img);
	free(back);
}

/* The STM32F072 is programmed from the host, half-word by half-word; the
 * STM32F405 by our routine in its RAM. */
static void t_failed_read_walk(void)
{
	failed_read_walk("stm32f072", 0x08004000, 0x4002200C, 1u << 0);
	failed_read_walk("stm32f405", 0x08004000, 0x40023C0C, 1u << 16);
}

/* Model time for the core to read len bytes at addr word by word, the
 * model's clock moved on 1 us at a time while the bus holds a read. */
static uint64_t xip_read_us(uint32_t addr, uint32_t len)
{
	uint64_t t0 = dapsim_now(tgt), now = t0;
	uint32_t a, v;

	for (a = addr; a < addr + len; a += 4)
		while (dapsim_bus_read(tgt, a, 4, &v) == 1)
			dapsim_transfer(tgt, 0x0E, &v, ++now);	/* DP RDBUFF: the clock only */
	return now - t0;
}

/* XIP reads pay a 03h line fetch per 8 bytes at the boot ROM's SPI clock
 * from clk_sys on the ring oscillator: 96 bits x 6 / 6.5 MHz on the
 * RP2040, 96 x 12 / 13 MHz on the RP2350; what the cache holds is free. */
static void t_rp2_xip_pace(void)
{
	static const struct { const char *model; uint64_t line_us; } c[] = {
		{ "rp2040", 89 }, { "rp2350", 89 },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (!check_int(attach(c[i].model, 512, 4, 1), ==, 0))
			return;
		check_uint(xip_read_us(0x10000000, 65536), ==, 65536 / 8 * c[i].line_us);
		check_uint(xip_read_us(0x10000000, 16384), ==, 16384 / 8 * c[i].line_us);
		check_uint(xip_read_us(0x10000000, 16384), ==, 0);	/* all hits */
		check_uint(xip_read_us(0x13000000, 64), ==, 16 * c[i].line_us);	/* uncached */
		check_uint(dapsim_counts(tgt)->violations, ==, 0);
	}
}

/* The core runs at clk_sys: a SUBS/BNE loop of 3 cycles a round, 6500
 * rounds, takes 3 ms at the RP2040's 6.5 MHz (0.2 ms at 100 per us). */
static void t_rp2_core_pace(void)
{
	static const uint8_t loop[] = { 0x01, 0x38, 0xFD, 0xD1, 0x00, 0xBE };	/* subs; bne; bkpt */
	uint64_t t0, now;
	uint32_t v;

	if (!check_int(attach("rp2040", 512, 4, 1), ==, 0))
		return;
	check_int(dapsim_poke(tgt, 0x20000000, loop, sizeof(loop)), ==, 0);
	mpf_rp2_q_reg(&swd.a, 0, 6500);
	mpf_rp2_q_reg(&swd.a, 15, 0x20000000);
	if (!check_int(mpf_adiv5_run(&swd.a, &err), ==, 0))
		return;
	/* started by transfers of our own on the model's clock: the probe's
	 * run the wall clock paces, and a loaded machine would let the core
	 * run part of the loop before t0 */
	t0 = now = dapsim_now(tgt) + 1;
	v = 0;
	check_int(dapsim_transfer(tgt, 0x08, &v, now), ==, 1);	/* DP SELECT: AP 0, bank 0 */
	v = CM_DHCSR;
	check_int(dapsim_transfer(tgt, 0x05, &v, now), ==, 1);	/* AP TAR */
	v = DHCSR_KEY | DHCSR_C_DEBUGEN | DHCSR_C_MASKINTS;
	check_int(dapsim_transfer(tgt, 0x0D, &v, now), ==, 1);	/* AP DRW */
	check_int(dapsim_transfer(tgt, 0x0E, &v, now), ==, 1);	/* DP RDBUFF */
	while (!dapsim_halted(tgt) && now - t0 < 100000)
		dapsim_run(tgt, now += 10, 1000000);
	check(dapsim_halted(tgt));
	check_uint(now - t0, >=, 2900);
	check_uint(now - t0, <=, 3100);
}

int main(void)
{
	TEST(t_packing(), "transfers pack into full packets, pipelined to the packet count");
	TEST(t_ram_roundtrip(), "RAM write/read across TAR auto-increment windows");
	TEST(t_sticky_recovery(), "a bus fault is reported and sticky errors are cleared");
	TEST(t_halt_reset(), "reset-and-halt catches the reset vector, reset-run runs");
	TEST(t_execute_commands(), "DAP_ExecuteCommands keeps packets full across TAR windows");
	TEST(t_f405(), "STM32F405: erase touched sectors, program x32, verify");
	TEST(t_l476(), "STM32L476: bank 2 pages, double words, verify");
	TEST(t_nrf52840(), "nRF52840: NVMC pages and words, verify");
	TEST(t_h743(), "STM32H743: two banks, 256-bit flash words, 1 KiB TAR window, verify");
	TEST(t_algo_ram(), "our routine in RAM programs; too little RAM or --no-algorithm: the host");
	TEST(t_algo_corrupt(), "a corrupted CRC table of the loaded routine fails the verify");
	TEST(t_cpu_match(), "target matches the record's cpu by part prefix");
	TEST(t_wrong_key(), "a wrong flash key locks the controller until reset");
	TEST(t_nrf_protect(), "protected nRF52: refused without --unlock, erased with it");
	TEST(t_elf(), "ELF PT_LOAD segments at their load addresses, bounds checked");
	TEST(t_rp2040(), "RP2040: multidrop selection, flash through the boot ROM, verify");
	TEST(t_failed_read(), "replies left in the probe by a failed read are drained, in step");
	TEST(t_failed_read_walk(), "a failed reply read at every point of a write: host (F072), routine (F405)");
	TEST(t_rp2_xip_pace(), "RP2040/RP2350 model: XIP cache misses cost a 03h fetch at the ROM's SCK");
	TEST(t_rp2_core_pace(), "RP2040 model: the core runs at its ring oscillator's clock");
	dapsim_target_free(tgt);
	mpf_dap_release(dapp);
	mpf_buf_release(&err);
	return test_done();
}
