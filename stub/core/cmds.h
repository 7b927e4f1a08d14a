/* cmds.h - the command handlers' shared shapes (loop.c, flash.c, query.c). */
#ifndef STUB_CMDS_H
#define STUB_CMDS_H

#include "core.h"

struct req {
	uint8_t op;
	uint32_t chk;		/* the header's checksum field */
	const uint8_t *d;	/* data */
	uint32_t len;
};

/* What a handler answers besides its status: the value field, data. */
struct answer {
	uint32_t value;
	const uint8_t *data;
	uint32_t len;
};

/* A handler that sent its own reply returns this instead of an error. */
#define ANSWERED (-1)

/* One command: its op, the least data it takes, its handler (returns
 * E_OK, an E_* error or ANSWERED). Each file's table ends with run NULL. */
struct cmd {
	uint8_t op;
	uint16_t min_len;
	int (*run)(const struct req *r, struct answer *a);
};
extern const struct cmd flash_cmds[], query_cmds[];

void reply(uint8_t op, uint32_t value, const uint8_t *data, uint32_t len, uint8_t error);
/* The next request frame (the loop's buffer), SLIP_EOF at the end of input. */
int32_t next_request(const uint8_t **f);
/* Hand the request just read back to the loop, to be served next. */
void push_back_request(int32_t n);
/* Split a frame into a request: E_OK, or E_BAD_DATA_LEN when its size
 * field does not match (r->op is set whenever the header is there). */
int parse_request(const uint8_t *f, int32_t n, struct req *r);

extern uint32_t flash_size;
extern uint8_t tmp[SECTOR + 8];
int in_flash(uint32_t addr, uint32_t len);

static inline uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

#endif
