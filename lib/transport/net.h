/* net.h - network serial ports: socket://host:port and rfc2217://host:port
 * (see lib/transport/net.c). Use mpf_transport_open(), which picks the transport. */
#ifndef MPF_NET_H
#define MPF_NET_H

#include <stddef.h>

#include "transport.h"

int mpf_net_open(const char *name, int baud, struct mpf_transport **out, struct mpf_buf *err);

#endif
