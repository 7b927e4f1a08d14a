/* t-esp-sim.c - hold the ROM simulator against the recorded esptool
 * exchange (doc/protocols.md 1.1), then run the flasher's connect and detect
 * against it for every chip in the table, over a socketpair. */
#define _DEFAULT_SOURCE		/* socketpair, kill */
#include "test-lib.h"
#include "esp_flash.h"
#include "esp_loader.h"
#include "err.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static const uint8_t req_wire[] = { 0xc0, 0x00, 0x0a, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
				    0x00, 0x10, 0x00, 0x40, 0xc0 };
static const uint8_t rep_wire[] = { 0xc0, 0x01, 0x0a, 0x02, 0x00, 0x09, 0x00, 0x00, 0x00,
				    0x00, 0x00, 0xc0 };

static pid_t spawn(const char *chip, int stub, int *fd)
{
	const char *b = getenv("MPF_BUILD");
	char path[4096];
	int sv[2];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/sim/esp-rom", b ? b : "build");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(sv[1], 0);
		dup2(sv[1], 1);
		if (null >= 0)	/* the violations provoked here are expected */
			dup2(null, 2);
		close(sv[0]);
		close(sv[1]);
		execl(path, "esp-rom", "--stdio", "--chip", chip, stub ? "--stub-replies" : NULL,
		      (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	*fd = sv[0];
	return pid;
}

static int finish(pid_t pid, int fd)
{
	int st = 0;

	close(fd);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Read until n bytes after the first SLIP frame start, skipping the banner. */
static size_t read_frames(struct mpf_transport *t, uint8_t *out, size_t cap, int frames)
{
	size_t n = 0;
	int ends = 0, started = 0;
	uint8_t c;

	while (n < cap && ends < 2 * frames && mpf_tr_read(t, &c, 1, 3000) == 1) {
		if (!started && c != 0xc0)
			continue;	/* the boot banner */
		started = 1;
		out[n++] = c;
		if (c == 0xc0)
			ends++;
	}
	return n;
}

static void t_recorded(void)
{
	uint8_t sync[36] = { 7, 7, 0x12, 0x20 }, got[512];
	struct mpf_buf b = MPF_BUF_INIT;
	struct mpf_transport *t;
	int fd, i;
	pid_t pid = spawn("esp32s3", 1, &fd);
	size_t n;

	if (!check(pid > 0))
		return;
	t = mpf_transport_from_fd(fd, "sim");
	memset(sync + 4, 0x55, 32);
	mpf_esp_encode(&b, MPF_ESP_SYNC, sync, 36, 0);
	mpf_tr_write(t, b.buf, b.len, 1000);
	n = read_frames(t, got, sizeof(got), 8);	/* eight SYNC replies */
	check_int(n, ==, 8 * 12);
	/* the recorded request, byte for byte; the recorded reply, byte for byte */
	mpf_tr_write(t, req_wire, sizeof(req_wire), 1000);
	n = read_frames(t, got, sizeof(got), 1);
	check_int(n, ==, sizeof(rep_wire));
	check_mem(got, rep_wire, sizeof(rep_wire));
	for (i = 0; i < 2; i++) {	/* and again: the sim keeps no stale state */
		mpf_tr_write(t, req_wire, sizeof(req_wire), 1000);
		check_int(read_frames(t, got, sizeof(got), 1), ==, sizeof(rep_wire));
	}
	/* two requests at once: the ROM takes one at a time, a violation */
	mpf_buf_reset(&b);
	mpf_buf_add(&b, req_wire, sizeof(req_wire));
	mpf_buf_add(&b, req_wire, sizeof(req_wire));
	mpf_tr_write(t, b.buf, b.len, 1000);
	read_frames(t, got, sizeof(got), 2);
	mpf_tr_close(t);
	check_int(finish(pid, -1), ==, 3);
	mpf_buf_release(&b);
}

static void t_violation(void)
{
	static const uint8_t bad_dir[] = { 0xc0, 0x01, 0x0a, 0x04, 0x00, 0, 0, 0, 0,
					   0x00, 0x10, 0x00, 0x40, 0xc0 };
	struct mpf_transport *t;
	uint8_t c;
	int fd;
	pid_t pid = spawn("esp32", 0, &fd);

	if (!check(pid > 0))
		return;
	t = mpf_transport_from_fd(fd, "sim");
	/* READ_REG before SYNC, with a reply's direction byte: loud exit 3 */
	mpf_tr_write(t, bad_dir, sizeof(bad_dir), 1000);
	while (mpf_tr_read(t, &c, 1, 3000) == 1)
		;
	mpf_tr_close(t);
	check_int(finish(pid, -1), ==, 3);
}

static void t_detect_all(void)
{
	size_t i;

	for (i = 0; i < mpf_esp_nchips; i++) {
		const struct mpf_esp_chip *c = &mpf_esp_chips[i];
		struct mpf_esp_opts o = { .before = MPF_ESP_BEFORE_NONE, .attempts = 3 };
		struct mpf_buf err = MPF_BUF_INIT;
		struct mpf_transport *t;
		struct mpf_esp e;
		uint8_t mac[6];
		int fd;
		pid_t pid;

		if (!c->rom)
			continue;	/* images only */
		pid = spawn(c->key, 0, &fd);
		if (!check(pid > 0))
			return;
		t = mpf_transport_from_fd(fd, "sim");
		mpf_esp_init(&e, t, &o);
		if (check_int(mpf_esp_connect(&e, &err), ==, 0) &&
		    check_int(mpf_esp_detect(&e, &err), ==, 0)) {
			check_str(e.chip->name, c->name);
			check_int(e.status_len, ==, c->status_len);
			check_int(mpf_esp_setup(&e, &err), ==, 0);
			check_uint(e.flash_size, ==, 4u << 20);
			check_int(mpf_esp_read_mac(&e, mac, &err), ==, 0);
			check_int(mac[5], ==, 0x56);
		}
		if (err.len)
			test_msg("%s: %s", c->name, err.buf);
		mpf_esp_release(&e);
		mpf_tr_close(t);
		check_int(finish(pid, -1), ==, 0);
		mpf_buf_release(&err);
	}
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	TEST(t_recorded(), "simulator answers the recorded READ_REG exactly as recorded, refuses pipelining");
	TEST(t_violation(), "simulator exits 3 on a protocol violation");
	TEST(t_detect_all(), "connect, detect, setup and MAC on every chip in the table");
	return test_done();
}
