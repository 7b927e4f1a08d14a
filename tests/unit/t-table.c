/* t-table.c - the -o table renderer. */
#include "test-lib.h"
#include "table.h"

static void t_render(void)
{
	struct mpf_table t;
	struct mpf_buf out = MPF_BUF_INIT;
	const char *h[] = { "Serial", "Board", "Version" };
	const char *r1[] = { "/dev/ttyACM0", "RPI_PICO_W", "1.24.1" };
	const char *r2[] = { "/dev/ttyUSB10", NULL, "1.9.2" };

	mpf_table_init(&t, 3);
	mpf_table_add(&t, h);
	mpf_table_add(&t, r1);
	mpf_table_add(&t, r2);
	mpf_table_render(&t, 0, &out);
	check_str(out.buf, "Serial         Board       Version\n"
			   "/dev/ttyACM0   RPI_PICO_W  1.24.1\n"
			   "/dev/ttyUSB10  -           1.9.2\n");
	mpf_buf_reset(&out);
	mpf_table_render(&t, 8, &out);
	check_str(out.buf, "Serial    Board     Version\n"
			   "/dev/tt~  RPI_PIC~  1.24.1\n"
			   "/dev/tt~  -         1.9.2\n");
	mpf_table_release(&t);
	mpf_buf_release(&out);
}

static void t_utf8(void)
{
	struct mpf_table t;
	struct mpf_buf out = MPF_BUF_INIT;
	const char *h[] = { "A", "B" };
	const char *r[] = { "\xc3\xa9t\xc3\xa9", "x" };

	mpf_table_init(&t, 2);
	mpf_table_add(&t, h);
	mpf_table_add(&t, r);
	mpf_table_render(&t, 0, &out);
	check_str(out.buf, "A    B\n\xc3\xa9t\xc3\xa9  x\n");
	mpf_table_release(&t);
	mpf_buf_release(&out);
}

int main(void)
{
	TEST(t_render(), "columns align, absent cells show '-', wide cells are cut");
	TEST(t_utf8(), "widths count characters, not bytes");
	return test_done();
}
