/* udiv.c - unsigned division for the lx106 build: the core has no divide
 * instruction and Debian's libgcc for it leaves these two out (the
 * ESP8266 SDKs take them from the mask ROM). Shift and subtract. */
#include <stdint.h>

uint32_t __udivsi3(uint32_t n, uint32_t d);
uint32_t __umodsi3(uint32_t n, uint32_t d);

static uint32_t udivmod(uint32_t n, uint32_t d, uint32_t *rem)
{
	uint32_t q = 0, r = 0;
	int i;

	for (i = 31; i >= 0; i--) {
		r = r << 1 | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1u << i;
		}
	}
	*rem = r;
	return q;
}

uint32_t __udivsi3(uint32_t n, uint32_t d)
{
	uint32_t r;

	return udivmod(n, d, &r);
}

uint32_t __umodsi3(uint32_t n, uint32_t d)
{
	uint32_t r;

	udivmod(n, d, &r);
	return r;
}
