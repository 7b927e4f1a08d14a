/* fault.c - MPF_FAULT countdowns. */
#include "fault.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OPS 8

static struct {
	char op[16];
	long when;	/* fail the when-th call */
	long count;
} ops[MAX_OPS];
static int nops;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void parse(void)
{
	const char *s = getenv("MPF_FAULT"), *colon;

	while (s && *s && nops < MAX_OPS) {
		size_t n = strcspn(s, ":,");

		colon = s + n;
		if (*colon == ':' && n < sizeof(ops[0].op)) {
			memcpy(ops[nops].op, s, n);
			ops[nops].op[n] = '\0';
			ops[nops].when = strtol(colon + 1, NULL, 10);
			nops++;
		}
		s = strchr(s, ',');
		if (s)
			s++;
	}
}

int mpf_fault(const char *op)
{
	int i, hit = 0;

	pthread_once(&once, parse);
	if (!nops)
		return 0;
	pthread_mutex_lock(&lock);
	for (i = 0; i < nops; i++)
		if (!strcmp(ops[i].op, op) && ++ops[i].count == ops[i].when)
			hit = 1;
	pthread_mutex_unlock(&lock);
	return hit;
}
