/* transport.h - a byte stream to a board: a serial port, a TCP socket or a
 * test double, behind one small interface, so protocol code (raw REPL, ESP
 * ROM loader, touch-1200) runs unchanged over each.
 *
 *   struct mpf_transport *t;
 *   if (mpf_transport_open("/dev/ttyACM0", 115200, &t, &err) < 0) ...
 *   n = mpf_tr_read(t, buf, sizeof(buf), 500);   // >0 bytes, 0 timeout, <0 error
 *   mpf_tr_close(t);
 *
 * Errors: MPF_ERR_BUSY (someone else holds the port), MPF_ERR_PERM,
 * MPF_ERR_NODEV (no such port, or it vanished: a board rebooting),
 * MPF_ERR_IO, MPF_ERR_TIMEOUT (write could not finish), MPF_ERR_INTR.
 */
#ifndef MPF_TRANSPORT_H
#define MPF_TRANSPORT_H

#include <stddef.h>

#include "buf.h"

struct mpf_transport;

struct mpf_transport_ops {
	const char *name;	/* "serial", "tcp", ... */
	/* Up to len bytes within timeout_ms: >0 read, 0 timed out, <0 error. */
	int (*read)(struct mpf_transport *t, void *buf, size_t len, int timeout_ms);
	/* All len bytes within timeout_ms: 0, or <0 error. */
	int (*write)(struct mpf_transport *t, const void *buf, size_t len, int timeout_ms);
	int (*set_baud)(struct mpf_transport *t, int baud);
	/* DTR and RTS: 1 asserted, 0 released, -1 unchanged. Both given
	 * change in one step (TIOCMSET), as ESP "tight" resets need. Lines a
	 * port cannot drive (a pty) are logged at debug level, not errors. */
	int (*set_lines)(struct mpf_transport *t, int dtr, int rts);
	/* Drop unread input. */
	int (*flush_input)(struct mpf_transport *t);
	void (*close)(struct mpf_transport *t);
};

struct mpf_transport {
	const struct mpf_transport_ops *ops;
	char *name;		/* as given: "/dev/ttyACM0" */
	int baud;
	struct mpf_buf err;	/* message of the last failure */
	void *priv;
};

/* Open a port by name: a device path (exclusive: TIOCEXCL + flock, raw
 * mode, restored on every exit path), socket://host:port (raw TCP) or
 * rfc2217://host:port (Telnet COM-PORT-OPTION: baud, DTR and RTS follow). */
int mpf_transport_open(const char *name, int baud, struct mpf_transport **t,
		       struct mpf_buf *err);
/* Without opening it (opening may reset a board): 0 if name can be a
 * port to open (a network port always can), else MPF_ERR_NODEV "no such
 * port", MPF_ERR_ARG "not a serial port" (a file, a directory) or
 * MPF_ERR_PERM, with the message open would give. */
int mpf_serial_check(const char *name, struct mpf_buf *err);
/* Wrap an already open file descriptor (a socketpair or pipe in tests, a
 * pty master); baud and line changes are accepted and ignored. Takes fd. */
struct mpf_transport *mpf_transport_from_fd(int fd, const char *name);

static inline int mpf_tr_read(struct mpf_transport *t, void *buf, size_t len, int ms)
{
	return t->ops->read(t, buf, len, ms);
}

static inline int mpf_tr_write(struct mpf_transport *t, const void *buf, size_t len, int ms)
{
	return t->ops->write(t, buf, len, ms);
}

static inline int mpf_tr_set_baud(struct mpf_transport *t, int baud)
{
	return t->ops->set_baud(t, baud);
}

static inline int mpf_tr_set_lines(struct mpf_transport *t, int dtr, int rts)
{
	return t->ops->set_lines(t, dtr, rts);
}

static inline int mpf_tr_flush_input(struct mpf_transport *t)
{
	return t->ops->flush_input(t);
}

/* Close and free (NULL is fine). */
void mpf_tr_close(struct mpf_transport *t);

/* Read until the received bytes end with one of the NUL-terminated
 * patterns (NULL-terminated list) or timeout_ms passes. Everything read is
 * appended to got. Returns the index of the pattern seen, or <0
 * (MPF_ERR_TIMEOUT, or the transport's error). */
int mpf_tr_read_until(struct mpf_transport *t, const char *const *patterns,
		      struct mpf_buf *got, int timeout_ms);

#endif
