/* cmds.h - the command handlers' shared shapes (loop.c, flash.c). */
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

void reply(uint8_t op, uint32_t value, const uint8_t *data, uint32_t len, uint8_t error);
int32_t next_request(const uint8_t **f);

#define CMDS_FLASH

#endif
