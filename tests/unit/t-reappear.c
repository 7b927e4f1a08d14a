/* t-reappear.c - recognising a board after it re-enumerated. */
#define _XOPEN_SOURCE 700	/* posix_openpt, ptsname */
#include "test-lib.h"

#include "buf.h"
#include "err.h"
#include "record.h"
#include "reappear.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void rec(struct mpf_record *r, const char *json)
{
	json_error_t e;

	mpf_record_from(r, json_loads(json, 0, &e));
}

static void t_match(void)
{
	struct mpf_record b, c1, c2, c3, c4;

	rec(&b, "{\"serial\":\"/dev/ttyACM0\",\"usb_serial\":\"E661\",\"location\":\"1-1.2\"}");
	rec(&c1, "{\"serial\":\"/dev/ttyACM1\",\"usb_serial\":\"E661\",\"location\":\"1-1.4\"}");
	rec(&c2, "{\"serial\":\"/dev/ttyACM0\",\"usb_serial\":\"F00D\",\"location\":\"1-1.2\"}");
	rec(&c3, "{\"serial\":\"/dev/ttyACM3\",\"location\":\"1-1.2\"}");
	rec(&c4, "{\"serial\":\"/dev/ttyACM0\"}");
	check_int(mpf_board_match(&c1, &b), ==, 3);	/* moved to another hub port */
	check_int(mpf_board_match(&c2, &b), ==, 0);	/* another board in its place */
	check_int(mpf_board_match(&c3, &b), ==, 2);
	check_int(mpf_board_match(&c4, &b), ==, 1);	/* the path, nothing against it */
	mpf_record_release(&b);
	mpf_record_release(&c1);
	mpf_record_release(&c2);
	mpf_record_release(&c3);
	mpf_record_release(&c4);
}

static void t_wait_pty(void)
{
	struct mpf_buf err = MPF_BUF_INIT, j = MPF_BUF_INIT;
	struct mpf_record b;
	char *port = NULL;
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	if (!check(m >= 0 && !grantpt(m) && !unlockpt(m)))
		return;
	mpf_buf_addf(&j, "{\"serial\":\"%s\",\"location\":\"9-9.9\"}", ptsname(m));
	rec(&b, j.buf);
	check_int(mpf_board_wait_serial(&b, 2000, &port, &err), ==, 0);
	check_str(port, ptsname(m));
	free(port);
	close(m);
	mpf_record_release(&b);
	mpf_buf_release(&err);
	mpf_buf_release(&j);
}

/* The step: back sets serial; not back is a warning, never an error. */
static void t_reappear(void)
{
	struct mpf_record gone, none;

	rec(&gone, "{\"serial\":\"/dev/t-reappear-gone\",\"flashed\":{\"ok\":true}}");
	mpf_board_reappear(&gone, NULL, 100);
	check_str(mpf_rec_str(&gone, "warning.code"), "timeout");
	check(strstr(mpf_rec_str(&gone, "warning.message"), "did not come back") != NULL);
	check(!mpf_rec_has_error(&gone));
	check_str(mpf_rec_str(&gone, "serial"), "/dev/t-reappear-gone");
	/* nothing to know the board by: no wait, no warning */
	rec(&none, "{\"flashed\":{\"ok\":true}}");
	mpf_board_reappear(&none, NULL, 100);
	check(mpf_rec_get(&none, "warning") == NULL);
	mpf_record_release(&gone);
	mpf_record_release(&none);
}

int main(void)
{
	TEST(t_match(), "USB serial, then location, then the path");
	TEST(t_wait_pty(), "a board on a pty is back when its path is");
	TEST(t_reappear(), "a board not back after a flash is a warning");
	return test_done();
}
