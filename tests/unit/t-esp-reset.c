/* t-esp-reset.c - the reset sequences (doc/protocols.md 1.9) against a model of
 * the dev-board auto-reset circuit: RTS drives EN and DTR drives the boot
 * strap through two cross-coupled transistors, so asserting both at once
 * changes neither; EN has an RC delay, and the chip samples the strap
 * when EN has been high for that long. */
#include "test-lib.h"
#include "clock.h"
#include "esp_flash.h"

#include <string.h>

#define RC_MS 20
#define MAXEV 64

struct board {
	int dtr, rts;
	int n;
	struct { int64_t t; int dtr, rts; } ev[MAXEV];
};

static int en(int dtr, int rts) { return !(rts && !dtr); }
static int io0(int dtr, int rts) { return !(dtr && !rts); }

static int fake_set_lines(struct mpf_transport *t, int dtr, int rts)
{
	struct board *b = t->priv;

	if (dtr >= 0)
		b->dtr = dtr;
	if (rts >= 0)
		b->rts = rts;
	if (b->n < MAXEV) {
		b->ev[b->n].t = mpf_now_ms();
		b->ev[b->n].dtr = b->dtr;
		b->ev[b->n].rts = b->rts;
		b->n++;
	}
	return 0;
}

static const struct mpf_transport_ops fake_ops = {
	.name = "fake", .set_lines = fake_set_lines,
};

/* Boots the line history causes: count, and whether the last one went to
 * the download mode (strap low when EN had been high for RC_MS). */
static int boots(struct board *b, int64_t end, int *download)
{
	int i, n = 0;

	for (i = 1; i < b->n; i++) {
		int64_t rise = b->ev[i].t, sample = rise + RC_MS, until = end;
		int j, state = i;

		if (!(en(b->ev[i].dtr, b->ev[i].rts) && !en(b->ev[i - 1].dtr, b->ev[i - 1].rts)))
			continue;
		for (j = i + 1; j < b->n; j++) {
			if (!en(b->ev[j].dtr, b->ev[j].rts)) {
				until = b->ev[j].t;
				break;
			}
		}
		if (until - rise < RC_MS)
			continue;	/* a glitch shorter than the RC delay */
		for (j = i; j < b->n && b->ev[j].t <= sample; j++)
			state = j;
		n++;
		*download = !io0(b->ev[state].dtr, b->ev[state].rts);
	}
	return n;
}

static void run(const char *name, int delay, struct board *b)
{
	struct mpf_transport t = { .ops = &fake_ops, .priv = b };
	const struct mpf_esp_reset *r;

	memset(b, 0, sizeof(*b));
	b->rts = 1;		/* Linux asserts RTS (and DTR) on open */
	b->dtr = 1;
	for (r = mpf_esp_resets; r->name; r++)
		if (!strcmp(r->name, name) && r->delay_ms == delay)
			break;
	if (!check(r->name != NULL))
		return;
	mpf_esp_run_reset(&t, r);
	mpf_sleep_ms(RC_MS + 5);
}

static void into_loader(const char *name, int delay)
{
	struct board b;
	int dl = 0;

	run(name, delay, &b);
	check_int(boots(&b, mpf_now_ms(), &dl), ==, 1);
	check_int(dl, ==, 1);
	/* and the strap is released afterwards, so the next reset boots flash */
	check_int(io0(b.dtr, b.rts), ==, 1);
	check_int(en(b.dtr, b.rts), ==, 1);
}

static void t_tight(void) { into_loader("tight", 50); into_loader("tight", 550); }
static void t_classic(void) { into_loader("classic", 50); }

static void t_tight_one_step(void)
{
	struct board b;
	int i, both = 0;

	run("tight", 50, &b);
	/* each step set both lines: never a state tight does not list */
	for (i = 0; i < b.n; i++)
		both += b.ev[i].dtr == 1 && b.ev[i].rts == 1;
	check_int(both, ==, 1);
}

static void t_usb_jtag(void)
{
	struct board b;
	int i, seen11 = 0, seen00_mid = 0;

	run("usb-jtag", 100, &b);
	for (i = 0; i < b.n; i++) {
		if (b.ev[i].dtr == 1 && b.ev[i].rts == 1)
			seen11 = 1;
		if (i > 2 && i < b.n - 1 && !b.ev[i].dtr && !b.ev[i].rts)
			seen00_mid = 1;
	}
	check(seen11);		/* passes through (1,1), not (0,0) */
	check(!seen00_mid);
	check_int(b.dtr, ==, 0);
	check_int(b.rts, ==, 0);
}

static void t_hard_reset(void)
{
	struct board b;
	struct mpf_transport t = { .ops = &fake_ops, .priv = &b };
	struct mpf_esp e;
	struct mpf_esp_opts o = { 0 };
	int dl = -1;

	memset(&b, 0, sizeof(b));
	b.dtr = 1;		/* left asserted by someone: must not block the reset */
	mpf_esp_init(&e, &t, &o);
	mpf_esp_hard_reset(&e);
	mpf_sleep_ms(RC_MS + 5);
	check_int(boots(&b, mpf_now_ms(), &dl), ==, 1);
	check_int(dl, ==, 0);	/* runs the firmware */
	mpf_esp_release(&e);
}

int main(void)
{
	TEST(t_tight(), "tight reset (TIOCMSET) enters the loader, 50 and 550 ms");
	TEST(t_classic(), "classic reset enters the loader despite the (1,1) glitch");
	TEST(t_tight_one_step(), "tight reset changes both lines together");
	TEST(t_usb_jtag(), "USB-Serial/JTAG sequence passes through (1,1), ends released");
	TEST(t_hard_reset(), "hard reset boots the firmware, DTR released first");
	return test_done();
}
