/* core.c - a libusb-1.0 replacement over simulated devices (see usbsim.h
 * and README). Programs load it through LD_LIBRARY_PATH under the real
 * soname, libusb-1.0.so.0: mpf, Debian's dfu-util and openocd alike.
 *
 * It exports the part of the libusb-1.0 API those programs import
 * (`nm -D --undefined-only`), with the real library's semantics where a
 * program can tell: one libusb_device per device and context lifetime,
 * descriptors parsed from the raw bytes a device publishes, standard
 * requests answered from them, LIBUSB_ERROR_* codes as Linux usbfs gives
 * them, claims, kernel drivers, synchronous and asynchronous transfers.
 * Devices, faults and timing come from the environment.
 */
#define _GNU_SOURCE	/* pthread, clock_nanosleep, vsnprintf into the trace */
#include "usbsim.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEVS 64	/* a lab: make bench runs 16 DFU devices and 16 probes */
#define MAX_KEYS 32
#define MAX_IFACES 8

struct usbsim_core {
	char *keys[MAX_KEYS], *vals[MAX_KEYS];
	int nkeys;
	uint8_t bus, address, ports[7], nports;
	int deny, busy, kdriver, stall_at, timeout_at, gone_at, fault_req;
	long latency_us, bytes_per_ms;
	int nctl;			/* class/vendor requests seen (fault counting) */
	int kernel_bound[MAX_IFACES];
	int claimed[MAX_IFACES];	/* by a handle of this process */
	int cfg_value;			/* 0 = unconfigured */
};

struct libusb_device {
	struct usbsim_dev sim;
	struct usbsim_core core;
	int refs;			/* not freed: devices live for the process */
};

struct libusb_device_handle {
	struct libusb_device *dev;
	unsigned claimed;		/* bit per interface */
	int auto_detach;
};

struct pending {
	struct libusb_transfer *t;
	uint64_t deadline_ns;		/* 0 = none */
	int cancelled;
	struct pending *next;
};

struct libusb_context {
	int refs;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct libusb_device devs[MAX_DEVS];
static int ndevs, init_failed, trace_fd = -1;
static struct libusb_context *default_ctx;
/* Submitted transfers, one queue for every context: programs handle the
 * events of the context their devices came from, and there is one bus. */
static struct pending *queue;

extern const struct usbsim_model *const __start_usbsim_models[];
extern const struct usbsim_model *const __stop_usbsim_models[];

static const char *const core_keys[] = {
	"serial", "bus", "port", "address", "deny", "busy", "kdriver", "stall",
	"timeout", "gone", "fault_req", "latency_us", "bytes_per_ms", "plugged", NULL,
};

/* ---- small helpers ---------------------------------------------------- */

uint64_t usbsim_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void trace(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	if (trace_fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(trace_fd, line, (size_t)n) < 0)
		return;
}

/* A trace line "NAME KIND: message"; a violation is on stderr too. */
static void vreport(struct usbsim_dev *dev, const char *kind, const char *fmt, va_list ap)
{
	char msg[400];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!strcmp(kind, "violation"))
		fprintf(stderr, "usbsim: %s: protocol violation: %s\n", dev->name, msg);
	trace("%s %s: %s", dev->name, kind, msg);
}

void usbsim_log(struct usbsim_dev *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(dev, "event", fmt, ap);
	va_end(ap);
}

void usbsim_violation(struct usbsim_dev *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(dev, "violation", fmt, ap);
	va_end(ap);
}

const char *usbsim_opt(struct usbsim_dev *dev, const char *key, const char *dflt)
{
	int i;

	for (i = 0; i < dev->core->nkeys; i++)
		if (!strcmp(dev->core->keys[i], key))
			return dev->core->vals[i];
	return dflt;
}

long long usbsim_opt_int(struct usbsim_dev *dev, const char *key, long long dflt)
{
	const char *v = usbsim_opt(dev, key, NULL);

	return v ? strtoll(v, NULL, 0) : dflt;
}

double usbsim_opt_double(struct usbsim_dev *dev, const char *key, double dflt)
{
	const char *v = usbsim_opt(dev, key, NULL);

	return v ? strtod(v, NULL) : dflt;
}

void *usbsim_state_map(struct usbsim_dev *dev, const char *suffix, size_t size,
		       int fill, int *fresh)
{
	const char *dir = getenv("MPF_USBSIM_STATE");
	char path[4096];
	struct stat st;
	void *p;
	int fd;

	*fresh = 1;
	if (!dir || !*dir) {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		memset(p, fill, size);
		return p;
	}
	if (usbsim_opt(dev, "serial", NULL))
		snprintf(path, sizeof(path), "%s/%s-%s.%s", dir, dev->model->name,
			 usbsim_opt(dev, "serial", NULL), suffix);
	else
		snprintf(path, sizeof(path), "%s/%s-%d.%s", dir, dev->model->name, dev->index,
			 suffix);
	fd = open(path, O_RDWR | O_CREAT, 0644);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "usbsim: %s: cannot open '%s': %s\n", dev->name, path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	*fresh = (size_t)st.st_size != size;
	if (*fresh && ftruncate(fd, (off_t)size)) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	if (*fresh)
		memset(p, fill, size);
	return p;
}

/* ---- devices from the environment --------------------------------------- */

static int key_known(const struct usbsim_model *m, const char *k)
{
	const char *const *p;

	for (p = core_keys; *p; p++)
		if (!strcmp(*p, k))
			return 1;
	for (p = m->keys; p && *p; p++)
		if (!strcmp(*p, k))
			return 1;
	return 0;
}

static const struct usbsim_model *model_find(const char *name)
{
	const struct usbsim_model *const *m;

	for (m = __start_usbsim_models; m < __stop_usbsim_models; m++)
		if (!strcmp((*m)->name, name))
			return *m;
	return NULL;
}

static void parse_port(struct usbsim_core *c, const char *s)
{
	char *end;

	c->nports = 0;
	while (*s && c->nports < 7) {
		c->ports[c->nports++] = (uint8_t)strtoul(s, &end, 10);
		s = *end == '.' ? end + 1 : end;
		if (end == s && *s)
			break;
	}
}

static void core_setup(struct libusb_device *d)
{
	struct usbsim_core *c = &d->core;
	struct usbsim_dev *s = &d->sim;
	char def[16];

	c->bus = (uint8_t)usbsim_opt_int(s, "bus", 1);
	c->address = (uint8_t)usbsim_opt_int(s, "address", s->index + 2);
	snprintf(def, sizeof(def), "%d", s->index + 1);
	parse_port(c, usbsim_opt(s, "port", def));
	c->deny = (int)usbsim_opt_int(s, "deny", 0);
	c->busy = (int)usbsim_opt_int(s, "busy", 0);
	c->kdriver = (int)usbsim_opt_int(s, "kdriver", 0);
	c->stall_at = (int)usbsim_opt_int(s, "stall", 0);
	c->timeout_at = (int)usbsim_opt_int(s, "timeout", 0);
	c->gone_at = (int)usbsim_opt_int(s, "gone", 0);
	c->fault_req = (int)usbsim_opt_int(s, "fault_req", -1);
	c->latency_us = (long)usbsim_opt_int(s, "latency_us", 0);
	c->bytes_per_ms = (long)usbsim_opt_int(s, "bytes_per_ms", 0);
	for (int i = 0; i < MAX_IFACES; i++)
		c->kernel_bound[i] = c->kdriver;
	c->cfg_value = 1;
}

/* "model:key=val:key=val" */
static int add_device(char *spec)
{
	struct libusb_device *d = &devs[ndevs];
	char *save = NULL, *w = strtok_r(spec, ":", &save);
	const struct usbsim_model *m = w ? model_find(w) : NULL;

	if (!m) {
		fprintf(stderr, "usbsim: MPF_USBSIM: unknown device model '%s'\n", w ? w : "");
		return -1;
	}
	if (ndevs == MAX_DEVS) {
		fprintf(stderr, "usbsim: MPF_USBSIM: more than %d devices\n", MAX_DEVS);
		return -1;
	}
	d->sim.model = m;
	d->sim.core = &d->core;
	d->sim.index = ndevs;
	while ((w = strtok_r(NULL, ":", &save))) {
		char *eq = strchr(w, '=');

		if (!eq || !key_known(m, (*eq = '\0', w)) || d->core.nkeys == MAX_KEYS) {
			fprintf(stderr, "usbsim: MPF_USBSIM: %s does not take '%s'\n", m->name, w);
			return -1;
		}
		d->core.keys[d->core.nkeys] = strdup(w);
		d->core.vals[d->core.nkeys++] = strdup(eq + 1);
	}
	snprintf(d->sim.name, sizeof(d->sim.name), "%s:%s", m->name,
		 usbsim_opt(&d->sim, "serial", "-"));
	core_setup(d);
	if (m->create(&d->sim) < 0) {
		fprintf(stderr, "usbsim: %s: cannot create the device\n", d->sim.name);
		return -1;
	}
	ndevs++;
	return 0;
}

static void global_init(void)
{
	const char *env = getenv("MPF_USBSIM"), *log = getenv("MPF_USBSIM_LOG");
	char *copy, *save = NULL, *w;

	if (log && *log)
		trace_fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (!env)
		return;
	copy = strdup(env);
	for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (*w && add_device(w) < 0)
			init_failed = 1;
	free(copy);
}

/* ---- descriptors ---------------------------------------------------------- */

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

int LIBUSB_CALL libusb_get_device_descriptor(libusb_device *dev,
					     struct libusb_device_descriptor *desc)
{
	const uint8_t *p = dev->sim.dev_desc;

	desc->bLength = p[0];
	desc->bDescriptorType = p[1];
	desc->bcdUSB = le16(p + 2);
	desc->bDeviceClass = p[4];
	desc->bDeviceSubClass = p[5];
	desc->bDeviceProtocol = p[6];
	desc->bMaxPacketSize0 = p[7];
	desc->idVendor = le16(p + 8);
	desc->idProduct = le16(p + 10);
	desc->bcdDevice = le16(p + 12);
	desc->iManufacturer = p[14];
	desc->iProduct = p[15];
	desc->iSerialNumber = p[16];
	desc->bNumConfigurations = p[17];
	return 0;
}

/* Bytes of [p, end) up to the next descriptor of one of the stop types. */
static int extra_len(const uint8_t *p, const uint8_t *end, int stop1, int stop2)
{
	const uint8_t *q = p;

	while (q + 2 <= end && q[0] >= 2 && q + q[0] <= end && q[1] != stop1 && q[1] != stop2)
		q += q[0];
	return (int)(q - p);
}

static unsigned char *dup_extra(const uint8_t *p, int n)
{
	unsigned char *e;

	if (!n)
		return NULL;
	e = malloc((size_t)n);
	memcpy(e, p, (size_t)n);
	return e;
}

static const uint8_t *parse_endpoints(struct libusb_interface_descriptor *a,
				      const uint8_t *p, const uint8_t *end)
{
	struct libusb_endpoint_descriptor *eps;
	int i, n;

	eps = calloc(a->bNumEndpoints ? a->bNumEndpoints : 1, sizeof(*eps));
	for (i = 0; i < a->bNumEndpoints && p + 7 <= end; i++) {
		eps[i].bLength = p[0];
		eps[i].bDescriptorType = p[1];
		eps[i].bEndpointAddress = p[2];
		eps[i].bmAttributes = p[3];
		eps[i].wMaxPacketSize = le16(p + 4);
		eps[i].bInterval = p[6];
		p += p[0];
		n = extra_len(p, end, LIBUSB_DT_ENDPOINT, LIBUSB_DT_INTERFACE);
		eps[i].extra = dup_extra(p, n);
		eps[i].extra_length = n;
		p += n;
	}
	a->endpoint = eps;
	return p;
}

/* Parse the raw configuration the way libusb does: class-specific
 * descriptors (the DFU functional descriptor) land in the "extra" of the
 * interface or endpoint they follow. */
static struct libusb_config_descriptor *parse_config(const uint8_t *raw)
{
	struct libusb_config_descriptor *c = calloc(1, sizeof(*c));
	const uint8_t *p = raw, *end = raw + le16(raw + 2);
	struct libusb_interface *ifs;
	int n;

	c->bLength = p[0];
	c->bDescriptorType = p[1];
	c->wTotalLength = le16(p + 2);
	c->bNumInterfaces = p[4];
	c->bConfigurationValue = p[5];
	c->iConfiguration = p[6];
	c->bmAttributes = p[7];
	c->MaxPower = p[8];
	p += p[0];
	n = extra_len(p, end, LIBUSB_DT_INTERFACE, -1);
	c->extra = dup_extra(p, n);
	c->extra_length = n;
	p += n;
	ifs = calloc(c->bNumInterfaces ? c->bNumInterfaces : 1, sizeof(*ifs));
	c->interface = ifs;
	while (p + 9 <= end && p[1] == LIBUSB_DT_INTERFACE) {
		struct libusb_interface *uif;
		struct libusb_interface_descriptor *a;

		if (p[2] >= c->bNumInterfaces)
			break;
		uif = &ifs[p[2]];
		uif->altsetting = realloc((void *)uif->altsetting,
					  (size_t)(uif->num_altsetting + 1) * sizeof(*a));
		a = (struct libusb_interface_descriptor *)&uif->altsetting[uif->num_altsetting++];
		memset(a, 0, sizeof(*a));
		a->bLength = p[0];
		a->bDescriptorType = p[1];
		a->bInterfaceNumber = p[2];
		a->bAlternateSetting = p[3];
		a->bNumEndpoints = p[4];
		a->bInterfaceClass = p[5];
		a->bInterfaceSubClass = p[6];
		a->bInterfaceProtocol = p[7];
		a->iInterface = p[8];
		p += p[0];
		n = extra_len(p, end, LIBUSB_DT_INTERFACE, LIBUSB_DT_ENDPOINT);
		a->extra = dup_extra(p, n);
		a->extra_length = n;
		p = parse_endpoints(a, p + n, end);
	}
	return c;
}

int LIBUSB_CALL libusb_get_config_descriptor(libusb_device *dev, uint8_t idx,
					     struct libusb_config_descriptor **config)
{
	if (idx != 0)
		return LIBUSB_ERROR_NOT_FOUND;
	*config = parse_config(dev->sim.config);
	return 0;
}

int LIBUSB_CALL libusb_get_active_config_descriptor(libusb_device *dev,
						    struct libusb_config_descriptor **config)
{
	if (!dev->core.cfg_value)
		return LIBUSB_ERROR_NOT_FOUND;
	return libusb_get_config_descriptor(dev, 0, config);
}

int LIBUSB_CALL libusb_get_config_descriptor_by_value(libusb_device *dev, uint8_t value,
						      struct libusb_config_descriptor **config)
{
	if (value != dev->sim.config[5])
		return LIBUSB_ERROR_NOT_FOUND;
	return libusb_get_config_descriptor(dev, 0, config);
}

void LIBUSB_CALL libusb_free_config_descriptor(struct libusb_config_descriptor *c)
{
	int i, a, e;

	if (!c)
		return;
	for (i = 0; i < c->bNumInterfaces; i++) {
		for (a = 0; a < c->interface[i].num_altsetting; a++) {
			const struct libusb_interface_descriptor *d = &c->interface[i].altsetting[a];

			for (e = 0; e < d->bNumEndpoints; e++)
				free((void *)d->endpoint[e].extra);
			free((void *)d->endpoint);
			free((void *)d->extra);
		}
		free((void *)c->interface[i].altsetting);
	}
	free((void *)c->interface);
	free((void *)c->extra);
	free(c);
}

/* Is (iface, alt) in the configuration? */
static int alt_exists(struct libusb_device *d, int iface, int alt)
{
	const uint8_t *p = d->sim.config, *end = p + le16(p + 2);

	for (p += p[0]; p + 9 <= end && p[0] >= 2; p += p[0])
		if (p[1] == LIBUSB_DT_INTERFACE && p[2] == iface && p[3] == alt)
			return 1;
	return 0;
}

static int endpoint_exists(struct libusb_device *d, uint8_t ep)
{
	const uint8_t *p = d->sim.config, *end = p + le16(p + 2);

	for (p += p[0]; p + 7 <= end && p[0] >= 2; p += p[0])
		if (p[1] == LIBUSB_DT_ENDPOINT && p[2] == ep)
			return 1;
	return 0;
}

/* ---- contexts and device lists ------------------------------------------- */

int LIBUSB_CALL libusb_init(libusb_context **ctx)
{
	struct libusb_context *c;

	pthread_once(&once, global_init);
	if (init_failed)
		return LIBUSB_ERROR_OTHER;
	pthread_mutex_lock(&lock);
	if (!ctx && default_ctx) {
		default_ctx->refs++;
		pthread_mutex_unlock(&lock);
		return 0;
	}
	c = calloc(1, sizeof(*c));
	c->refs = 1;
	if (ctx)
		*ctx = c;
	else
		default_ctx = c;
	pthread_mutex_unlock(&lock);
	return 0;
}

void LIBUSB_CALL libusb_exit(libusb_context *ctx)
{
	pthread_mutex_lock(&lock);
	if (!ctx)
		ctx = default_ctx;
	if (ctx && --ctx->refs == 0) {
		if (ctx == default_ctx)
			default_ctx = NULL;
		free(ctx);
	}
	pthread_mutex_unlock(&lock);
}

/* plugged=FILE: the device is on the bus only while FILE exists; another
 * program (tests/sim/mpy-repl --dfu, a board entering its bootloader)
 * plugs it in by creating FILE, and the device unplugs itself by removing
 * it when it leaves the bus (DFU leave). */
static int plugged(struct libusb_device *d)
{
	const char *f = usbsim_opt(&d->sim, "plugged", NULL);

	return !f || !access(f, F_OK);
}

static void unplug(struct libusb_device *d)
{
	const char *f = usbsim_opt(&d->sim, "plugged", NULL);

	if (f && d->sim.gone && !unlink(f))
		usbsim_log(&d->sim, "unplugged: %s removed", f);
}

ssize_t LIBUSB_CALL libusb_get_device_list(libusb_context *ctx, libusb_device ***list)
{
	libusb_device **l = calloc((size_t)ndevs + 1, sizeof(*l));
	ssize_t n = 0;
	int i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < ndevs; i++)
		if (!devs[i].sim.gone && plugged(&devs[i])) {
			devs[i].refs++;
			l[n++] = &devs[i];
		}
	pthread_mutex_unlock(&lock);
	*list = l;
	return n;
}

void LIBUSB_CALL libusb_free_device_list(libusb_device **list, int unref_devices)
{
	free(list);
}

libusb_device *LIBUSB_CALL libusb_ref_device(libusb_device *dev)
{
	return dev;
}

void LIBUSB_CALL libusb_unref_device(libusb_device *dev)
{
}

uint8_t LIBUSB_CALL libusb_get_bus_number(libusb_device *dev)
{
	return dev->core.bus;
}

uint8_t LIBUSB_CALL libusb_get_device_address(libusb_device *dev)
{
	return dev->core.address;
}

uint8_t LIBUSB_CALL libusb_get_port_number(libusb_device *dev)
{
	return dev->core.nports ? dev->core.ports[dev->core.nports - 1] : 0;
}

int LIBUSB_CALL libusb_get_port_numbers(libusb_device *dev, uint8_t *ports, int len)
{
	if (len < dev->core.nports)
		return LIBUSB_ERROR_OVERFLOW;
	memcpy(ports, dev->core.ports, dev->core.nports);
	return dev->core.nports;
}

int LIBUSB_CALL libusb_get_port_path(libusb_context *ctx, libusb_device *dev, uint8_t *path,
				     uint8_t len)
{
	return libusb_get_port_numbers(dev, path, len);
}

libusb_device *LIBUSB_CALL libusb_get_parent(libusb_device *dev)
{
	return NULL;
}

int LIBUSB_CALL libusb_get_device_speed(libusb_device *dev)
{
	return LIBUSB_SPEED_FULL;
}

int LIBUSB_CALL libusb_get_max_packet_size(libusb_device *dev, unsigned char endpoint)
{
	const uint8_t *p = dev->sim.config, *end = p + le16(p + 2);

	for (p += p[0]; p + 7 <= end && p[0] >= 2; p += p[0])
		if (p[1] == LIBUSB_DT_ENDPOINT && p[2] == endpoint)
			return le16(p + 4);
	return LIBUSB_ERROR_NOT_FOUND;
}

int LIBUSB_CALL libusb_get_max_iso_packet_size(libusb_device *dev, unsigned char endpoint)
{
	return libusb_get_max_packet_size(dev, endpoint);
}

/* ---- opening, claiming -------------------------------------------------- */

int LIBUSB_CALL libusb_open(libusb_device *dev, libusb_device_handle **handle)
{
	struct libusb_device_handle *h;

	pthread_mutex_lock(&lock);
	if (dev->sim.gone) {
		pthread_mutex_unlock(&lock);
		return LIBUSB_ERROR_NO_DEVICE;
	}
	if (dev->core.deny) {
		/* /dev/bus/usb/BBB/DDD not writable: what a missing udev rule gives */
		trace("%s open -> LIBUSB_ERROR_ACCESS", dev->sim.name);
		pthread_mutex_unlock(&lock);
		return LIBUSB_ERROR_ACCESS;
	}
	h = calloc(1, sizeof(*h));
	h->dev = dev;
	trace("%s open", dev->sim.name);
	pthread_mutex_unlock(&lock);
	*handle = h;
	return 0;
}

libusb_device_handle *LIBUSB_CALL libusb_open_device_with_vid_pid(libusb_context *ctx,
								  uint16_t vid, uint16_t pid)
{
	libusb_device_handle *h = NULL;
	int i;

	for (i = 0; i < ndevs; i++)
		if (!devs[i].sim.gone && le16(devs[i].sim.dev_desc + 8) == vid &&
		    le16(devs[i].sim.dev_desc + 10) == pid)
			return libusb_open(&devs[i], &h) ? NULL : h;
	return NULL;
}

void LIBUSB_CALL libusb_close(libusb_device_handle *h)
{
	int i;

	if (!h)
		return;
	pthread_mutex_lock(&lock);
	for (i = 0; i < MAX_IFACES; i++)
		if (h->claimed & (1u << i))
			h->dev->core.claimed[i] = 0;
	trace("%s close", h->dev->sim.name);
	pthread_mutex_unlock(&lock);
	free(h);
}

libusb_device *LIBUSB_CALL libusb_get_device(libusb_device_handle *h)
{
	return h->dev;
}

static int iface_ok(struct libusb_device_handle *h, int iface)
{
	return iface >= 0 && iface < MAX_IFACES && iface < h->dev->sim.config[4];
}

int LIBUSB_CALL libusb_kernel_driver_active(libusb_device_handle *h, int iface)
{
	if (h->dev->sim.gone)
		return LIBUSB_ERROR_NO_DEVICE;
	if (!iface_ok(h, iface))
		return LIBUSB_ERROR_NOT_FOUND;
	return h->dev->core.kernel_bound[iface];
}

int LIBUSB_CALL libusb_detach_kernel_driver(libusb_device_handle *h, int iface)
{
	if (h->dev->sim.gone)
		return LIBUSB_ERROR_NO_DEVICE;
	if (!iface_ok(h, iface))
		return LIBUSB_ERROR_INVALID_PARAM;
	if (!h->dev->core.kernel_bound[iface])
		return LIBUSB_ERROR_NOT_FOUND;
	h->dev->core.kernel_bound[iface] = 0;
	trace("%s detach-kernel-driver %d", h->dev->sim.name, iface);
	return 0;
}

int LIBUSB_CALL libusb_attach_kernel_driver(libusb_device_handle *h, int iface)
{
	if (!iface_ok(h, iface))
		return LIBUSB_ERROR_INVALID_PARAM;
	if (!h->dev->core.kdriver)
		return LIBUSB_ERROR_NOT_FOUND;
	if (h->dev->core.claimed[iface])
		return LIBUSB_ERROR_BUSY;
	h->dev->core.kernel_bound[iface] = 1;
	return 0;
}

int LIBUSB_CALL libusb_set_auto_detach_kernel_driver(libusb_device_handle *h, int enable)
{
	h->auto_detach = enable;
	return 0;
}

int LIBUSB_CALL libusb_claim_interface(libusb_device_handle *h, int iface)
{
	struct usbsim_core *c = &h->dev->core;
	int r = 0;

	pthread_mutex_lock(&lock);
	if (h->dev->sim.gone)
		r = LIBUSB_ERROR_NO_DEVICE;
	else if (!iface_ok(h, iface))
		r = LIBUSB_ERROR_NOT_FOUND;
	else if (h->claimed & (1u << iface))
		r = 0;
	else if (c->busy || c->claimed[iface])
		r = LIBUSB_ERROR_BUSY;	/* another program (or handle) holds it */
	else if (c->kernel_bound[iface] && !h->auto_detach)
		r = LIBUSB_ERROR_BUSY;	/* usbfs: a kernel driver is bound */
	if (!r && !(h->claimed & (1u << iface))) {
		c->kernel_bound[iface] = 0;
		c->claimed[iface] = 1;
		h->claimed |= 1u << iface;
	}
	trace("%s claim %d -> %s", h->dev->sim.name, iface, r ? libusb_error_name(r) : "ok");
	pthread_mutex_unlock(&lock);
	return r;
}

int LIBUSB_CALL libusb_release_interface(libusb_device_handle *h, int iface)
{
	int r = 0;

	pthread_mutex_lock(&lock);
	if (!iface_ok(h, iface) || !(h->claimed & (1u << iface)))
		r = LIBUSB_ERROR_NOT_FOUND;
	else {
		h->claimed &= ~(1u << iface);
		h->dev->core.claimed[iface] = 0;
		if (h->auto_detach && h->dev->core.kdriver)
			h->dev->core.kernel_bound[iface] = 1;
	}
	pthread_mutex_unlock(&lock);
	if (h->dev->sim.gone)
		return LIBUSB_ERROR_NO_DEVICE;
	return r;
}

/* ---- transfers ------------------------------------------------------------ */

/* Hold the request while the device is busy (it NAKs): 0 when it may go
 * on, LIBUSB_ERROR_TIMEOUT when timeout_ms ran out first. Called and
 * returns with the lock held. */
static int wait_ready(struct usbsim_dev *s, unsigned timeout_ms)
{
	uint64_t deadline = timeout_ms ? usbsim_now_ns() + (uint64_t)timeout_ms * 1000000u : 0;

	for (;;) {
		uint64_t now = usbsim_now_ns(), until = s->busy_until_ns;

		if (now >= until || s->gone)
			return 0;
		if (s->busy_stalls)
			return LIBUSB_ERROR_PIPE;
		if (deadline && now >= deadline)
			return LIBUSB_ERROR_TIMEOUT;
		if (deadline && until > deadline)
			until = deadline;
		pthread_mutex_unlock(&lock);
		sleep_ns(until - now);
		pthread_mutex_lock(&lock);
	}
}

/* Bus time of a transfer: a fixed latency plus the data at the bus rate. */
static void pace(struct usbsim_core *c, int len)
{
	uint64_t ns = (uint64_t)c->latency_us * 1000u;

	if (c->bytes_per_ms > 0 && len > 0)
		ns += (uint64_t)len * 1000000u / (uint64_t)c->bytes_per_ms;
	if (ns)
		sleep_ns(ns);
}

static int string_desc(struct usbsim_dev *s, int index, uint8_t *data, int len)
{
	uint8_t buf[256];
	int n = 2, i;

	if (index == 0) {
		buf[2] = 0x09;
		buf[3] = 0x04;	/* English (US) */
		n = 4;
	} else if (index < s->nstrings && s->strings[index]) {
		const char *str = s->strings[index];

		for (i = 0; str[i] && n + 2 <= 254; i++) {
			buf[n++] = (uint8_t)str[i];
			buf[n++] = 0;
		}
	} else {
		return LIBUSB_ERROR_PIPE;
	}
	buf[0] = (uint8_t)n;
	buf[1] = LIBUSB_DT_STRING;
	if (n > len)
		n = len;
	memcpy(data, buf, (size_t)n);
	return n;
}

static int get_descriptor(struct libusb_device *d, const struct libusb_control_setup *st,
			  uint8_t *data)
{
	int type = st->wValue >> 8, index = st->wValue & 0xff, n;
	const uint8_t *src;

	switch (type) {
	case LIBUSB_DT_DEVICE:
		src = d->sim.dev_desc;
		n = 18;
		break;
	case LIBUSB_DT_CONFIG:
		if (index != 0)
			return LIBUSB_ERROR_PIPE;
		src = d->sim.config;
		n = le16(src + 2);
		break;
	case LIBUSB_DT_STRING:
		return string_desc(&d->sim, index, data, st->wLength);
	default:
		return d->sim.model->control ? d->sim.model->control(&d->sim, st, data)
					     : LIBUSB_ERROR_PIPE;
	}
	if (n > st->wLength)
		n = st->wLength;
	memcpy(data, src, (size_t)n);
	return n;
}

static int standard_request(struct libusb_device_handle *h, const struct libusb_control_setup *st,
			    uint8_t *data)
{
	struct libusb_device *d = h->dev;
	int recip = st->bmRequestType & 0x1f;

	switch (st->bRequest) {
	case LIBUSB_REQUEST_GET_DESCRIPTOR:
		return get_descriptor(d, st, data);
	case LIBUSB_REQUEST_GET_STATUS:
		if (st->wLength < 2)
			return LIBUSB_ERROR_PIPE;
		data[0] = recip == LIBUSB_RECIPIENT_DEVICE ? (d->sim.config[7] & 0x40 ? 1 : 0) : 0;
		data[1] = 0;
		return 2;
	case LIBUSB_REQUEST_GET_CONFIGURATION:
		if (st->wLength < 1)
			return LIBUSB_ERROR_PIPE;
		data[0] = (uint8_t)d->core.cfg_value;
		return 1;
	case LIBUSB_REQUEST_SET_CONFIGURATION:
		if (st->wValue != 0 && st->wValue != d->sim.config[5])
			return LIBUSB_ERROR_PIPE;
		d->core.cfg_value = st->wValue;
		return 0;
	case LIBUSB_REQUEST_SET_INTERFACE:
		if (!alt_exists(d, st->wIndex, st->wValue))
			return LIBUSB_ERROR_PIPE;
		if (d->sim.model->set_interface)
			d->sim.model->set_interface(&d->sim, st->wIndex, st->wValue);
		return 0;
	case LIBUSB_REQUEST_CLEAR_FEATURE:
		return 0;
	}
	return d->sim.model->control ? d->sim.model->control(&d->sim, st, data)
				     : LIBUSB_ERROR_PIPE;
}

/* Injected faults: the Nth class/vendor request (of type fault_req when
 * set) stalls, times out or finds the device unplugged. */
static int fault(struct libusb_device *d, const struct libusb_control_setup *st)
{
	struct usbsim_core *c = &d->core;

	if ((st->bmRequestType & 0x60) == 0)
		return 0;
	if (c->fault_req >= 0 && st->bRequest != c->fault_req)
		return 0;
	c->nctl++;
	if (c->stall_at && c->nctl == c->stall_at)
		return LIBUSB_ERROR_PIPE;
	if (c->timeout_at && c->nctl == c->timeout_at)
		return LIBUSB_ERROR_TIMEOUT;
	if (c->gone_at && c->nctl >= c->gone_at) {
		d->sim.gone = 1;
		usbsim_log(&d->sim, "unplugged (fault injection)");
		return LIBUSB_ERROR_NO_DEVICE;
	}
	return 0;
}

static int do_control(struct libusb_device_handle *h, struct libusb_control_setup *st,
		      uint8_t *data, unsigned timeout)
{
	struct libusb_device *d = h->dev;
	int r;

	pthread_mutex_lock(&lock);
	r = d->sim.gone ? LIBUSB_ERROR_NO_DEVICE : wait_ready(&d->sim, timeout);
	if (!r && d->sim.gone)
		r = LIBUSB_ERROR_NO_DEVICE;
	if (r == LIBUSB_ERROR_PIPE)
		usbsim_log(&d->sim, "stalled a request that came while busy");
	if (!r)
		r = fault(d, st);
	if (r == LIBUSB_ERROR_TIMEOUT) {
		pthread_mutex_unlock(&lock);
		sleep_ns((uint64_t)(timeout ? timeout : 1000) * 1000000u);
		pthread_mutex_lock(&lock);
	} else if (!r) {
		if ((st->bmRequestType & 0x60) == 0)
			r = standard_request(h, st, data);
		else if (d->sim.model->control)
			r = d->sim.model->control(&d->sim, st, data);
		else
			r = LIBUSB_ERROR_PIPE;
		unplug(d);
	}
	if (r > st->wLength)
		r = st->wLength;
	trace("%s ctrl %02x %02x %04x %04x %u -> %d", d->sim.name, st->bmRequestType,
	      st->bRequest, st->wValue, st->wIndex, st->wLength, r);
	pthread_mutex_unlock(&lock);
	pace(&d->core, st->wLength);
	return r;
}

int LIBUSB_CALL libusb_control_transfer(libusb_device_handle *h, uint8_t request_type,
					uint8_t bRequest, uint16_t wValue, uint16_t wIndex,
					unsigned char *data, uint16_t wLength, unsigned int timeout)
{
	struct libusb_control_setup st = { request_type, bRequest, wValue, wIndex, wLength };
	uint8_t dummy[1];

	if (wLength && !data)
		return LIBUSB_ERROR_INVALID_PARAM;
	return do_control(h, &st, data ? data : dummy, timeout);
}

/* How long a NAKed data transfer waits before it is tried again: until
 * the time the model named (in_ready_ns), else 100 us; never past the
 * deadline. Lock held. */
static uint64_t nak_wait(struct usbsim_dev *s, uint64_t deadline)
{
	uint64_t now = usbsim_now_ns(), until = s->in_ready_ns > now ? s->in_ready_ns : now + 100000;

	s->in_ready_ns = 0;
	if (deadline && until > deadline)
		until = deadline;
	return until > now ? until - now : 0;
}

/* Bulk and interrupt: an IN endpoint with nothing to send NAKs until the
 * timeout. Returns the count or an error; *actual gets the count. */
static int do_data(struct libusb_device_handle *h, int interrupt, uint8_t ep, uint8_t *data,
		   int len, unsigned timeout)
{
	struct libusb_device *d = h->dev;
	int (*fn)(struct usbsim_dev *, uint8_t, uint8_t *, int) =
		interrupt ? d->sim.model->interrupt : d->sim.model->bulk;
	uint64_t deadline = timeout ? usbsim_now_ns() + (uint64_t)timeout * 1000000u : 0;
	int r;

	pthread_mutex_lock(&lock);
	for (;;) {
		if (d->sim.gone)
			r = LIBUSB_ERROR_NO_DEVICE;
		else if (!endpoint_exists(d, ep) || !fn)
			r = LIBUSB_ERROR_PIPE;
		else
			r = fn(&d->sim, ep, data, len);
		if (r != USBSIM_NAK)
			break;
		if (deadline && usbsim_now_ns() >= deadline) {
			r = LIBUSB_ERROR_TIMEOUT;
			break;
		}
		pthread_mutex_unlock(&lock);
		sleep_ns(nak_wait(&d->sim, deadline));
		pthread_mutex_lock(&lock);
	}
	trace("%s %s %02x %d -> %d", d->sim.name, interrupt ? "intr" : "bulk", ep, len, r);
	pthread_mutex_unlock(&lock);
	pace(&d->core, r > 0 ? r : 0);
	return r;
}

static int data_sync(libusb_device_handle *h, int interrupt, unsigned char ep,
		     unsigned char *data, int len, int *actual, unsigned timeout)
{
	int r = do_data(h, interrupt, ep, data, len, timeout);

	if (actual)
		*actual = r > 0 ? r : 0;
	return r < 0 ? r : 0;
}

int LIBUSB_CALL libusb_bulk_transfer(libusb_device_handle *h, unsigned char ep,
				     unsigned char *data, int len, int *actual, unsigned int timeout)
{
	return data_sync(h, 0, ep, data, len, actual, timeout);
}

int LIBUSB_CALL libusb_interrupt_transfer(libusb_device_handle *h, unsigned char ep,
					  unsigned char *data, int len, int *actual,
					  unsigned int timeout)
{
	return data_sync(h, 1, ep, data, len, actual, timeout);
}

int LIBUSB_CALL libusb_clear_halt(libusb_device_handle *h, unsigned char endpoint)
{
	if (h->dev->sim.gone)
		return LIBUSB_ERROR_NO_DEVICE;
	return endpoint_exists(h->dev, endpoint) ? 0 : LIBUSB_ERROR_NOT_FOUND;
}

int LIBUSB_CALL libusb_set_interface_alt_setting(libusb_device_handle *h, int iface, int alt)
{
	struct libusb_control_setup st = { LIBUSB_RECIPIENT_INTERFACE,
					   LIBUSB_REQUEST_SET_INTERFACE, (uint16_t)alt,
					   (uint16_t)iface, 0 };
	uint8_t dummy[1];
	int r;

	if (!iface_ok(h, iface) || !(h->claimed & (1u << iface)))
		return LIBUSB_ERROR_NOT_FOUND;
	r = do_control(h, &st, dummy, 1000);
	return r == LIBUSB_ERROR_PIPE ? LIBUSB_ERROR_NOT_FOUND : r < 0 ? r : 0;
}

int LIBUSB_CALL libusb_get_configuration(libusb_device_handle *h, int *config)
{
	if (h->dev->sim.gone)
		return LIBUSB_ERROR_NO_DEVICE;
	*config = h->dev->core.cfg_value;
	return 0;
}

int LIBUSB_CALL libusb_set_configuration(libusb_device_handle *h, int config)
{
	struct libusb_control_setup st = { 0, LIBUSB_REQUEST_SET_CONFIGURATION,
					   (uint16_t)(config < 0 ? 0 : config), 0, 0 };
	uint8_t dummy[1];
	int i, r;

	for (i = 0; i < MAX_IFACES; i++)
		if (h->dev->core.claimed[i])
			return LIBUSB_ERROR_BUSY;
	r = do_control(h, &st, dummy, 1000);
	return r == LIBUSB_ERROR_PIPE ? LIBUSB_ERROR_NOT_FOUND : r < 0 ? r : 0;
}

int LIBUSB_CALL libusb_reset_device(libusb_device_handle *h)
{
	struct libusb_device *d = h->dev;
	int r = 0;

	pthread_mutex_lock(&lock);
	if (d->sim.gone) {
		r = LIBUSB_ERROR_NOT_FOUND;	/* it re-enumerated as something else */
	} else {
		if (d->sim.model->reset)
			d->sim.model->reset(&d->sim);
		/* A device that changes identity on reset (DFU manifest) is a
		 * new device: the handle is gone, as libusb reports it. */
		if (d->sim.gone)
			r = LIBUSB_ERROR_NOT_FOUND;
	}
	trace("%s reset -> %d", d->sim.name, r);
	pthread_mutex_unlock(&lock);
	return r;
}

int LIBUSB_CALL libusb_get_string_descriptor_ascii(libusb_device_handle *h, uint8_t index,
						   unsigned char *data, int length)
{
	unsigned char buf[255];
	int r, i, n = 0;
	uint16_t langid;

	if (index == 0)
		return LIBUSB_ERROR_INVALID_PARAM;
	r = libusb_control_transfer(h, LIBUSB_ENDPOINT_IN, LIBUSB_REQUEST_GET_DESCRIPTOR,
				    LIBUSB_DT_STRING << 8, 0, buf, sizeof(buf), 1000);
	if (r < 0)
		return r;
	if (r < 4)
		return LIBUSB_ERROR_IO;
	langid = le16(buf + 2);
	r = libusb_control_transfer(h, LIBUSB_ENDPOINT_IN, LIBUSB_REQUEST_GET_DESCRIPTOR,
				    (uint16_t)(LIBUSB_DT_STRING << 8 | index), langid, buf,
				    sizeof(buf), 1000);
	if (r < 0)
		return r;
	if (buf[1] != LIBUSB_DT_STRING || buf[0] > r)
		return LIBUSB_ERROR_IO;
	for (i = 2; i + 1 < buf[0] && n < length - 1; i += 2)
		data[n++] = buf[i + 1] || buf[i] & 0x80 ? '?' : buf[i];
	data[n] = 0;
	return n;
}

/* ---- asynchronous transfers -------------------------------------------- */

struct libusb_transfer *LIBUSB_CALL libusb_alloc_transfer(int iso_packets)
{
	size_t sz = sizeof(struct libusb_transfer) +
		    (size_t)iso_packets * sizeof(struct libusb_iso_packet_descriptor);

	return calloc(1, sz);
}

void LIBUSB_CALL libusb_free_transfer(struct libusb_transfer *t)
{
	if (t && (t->flags & LIBUSB_TRANSFER_FREE_BUFFER))
		free(t->buffer);
	free(t);
}

int LIBUSB_CALL libusb_submit_transfer(struct libusb_transfer *t)
{
	struct pending *p, **pp;

	if (t->type == LIBUSB_TRANSFER_TYPE_ISOCHRONOUS)
		return LIBUSB_ERROR_NOT_SUPPORTED;
	if (t->dev_handle->dev->sim.gone)
		return LIBUSB_ERROR_NO_DEVICE;
	p = calloc(1, sizeof(*p));
	p->t = t;
	p->deadline_ns = t->timeout ? usbsim_now_ns() + (uint64_t)t->timeout * 1000000u : 0;
	pthread_mutex_lock(&lock);
	for (pp = &queue; *pp; pp = &(*pp)->next)
		;
	*pp = p;
	pthread_mutex_unlock(&lock);
	return 0;
}

int LIBUSB_CALL libusb_cancel_transfer(struct libusb_transfer *t)
{
	struct pending *p;
	int r = LIBUSB_ERROR_NOT_FOUND;

	pthread_mutex_lock(&lock);
	for (p = queue; p; p = p->next)
		if (p->t == t && !p->cancelled) {
			p->cancelled = 1;
			r = 0;
		}
	pthread_mutex_unlock(&lock);
	return r;
}

/* Try one queued transfer: 1 when it finished (status set), 0 when an IN
 * endpoint still NAKs. */
static int run_transfer(struct pending *p)
{
	struct libusb_transfer *t = p->t;
	int r;

	if (p->cancelled) {
		t->status = LIBUSB_TRANSFER_CANCELLED;
		return 1;
	}
	if (t->type == LIBUSB_TRANSFER_TYPE_CONTROL) {
		struct libusb_control_setup *st = (void *)t->buffer;

		r = do_control(t->dev_handle, st, t->buffer + LIBUSB_CONTROL_SETUP_SIZE,
			       t->timeout);
		t->actual_length = r > 0 ? r : 0;
	} else {
		r = do_data(t->dev_handle, t->type == LIBUSB_TRANSFER_TYPE_INTERRUPT,
			    t->endpoint, t->buffer, t->length, 1);
		if (r == LIBUSB_ERROR_TIMEOUT &&
		    (!p->deadline_ns || usbsim_now_ns() < p->deadline_ns))
			return 0;
		t->actual_length = r > 0 ? r : 0;
	}
	t->status = r >= 0 ? LIBUSB_TRANSFER_COMPLETED :
		    r == LIBUSB_ERROR_TIMEOUT ? LIBUSB_TRANSFER_TIMED_OUT :
		    r == LIBUSB_ERROR_PIPE ? LIBUSB_TRANSFER_STALL :
		    r == LIBUSB_ERROR_NO_DEVICE ? LIBUSB_TRANSFER_NO_DEVICE : LIBUSB_TRANSFER_ERROR;
	return 1;
}

/* One pass over the queue: run what can run, call back what finished. */
static int handle_events(libusb_context *ctx, struct timeval *tv, int *completed)
{
	uint64_t wait = tv ? (uint64_t)tv->tv_sec * 1000000000u + (uint64_t)tv->tv_usec * 1000u
			   : 60000000000u;
	uint64_t end = usbsim_now_ns() + wait;
	int done = 0;

	do {
		struct pending *p, **pp;

		pthread_mutex_lock(&lock);
		p = queue;
		if (p)
			queue = p->next;
		pthread_mutex_unlock(&lock);
		if (!p) {
			if (done || (completed && *completed))
				return 0;
			sleep_ns(100000);
			continue;
		}
		if (run_transfer(p)) {
			struct libusb_transfer *t = p->t;

			free(p);
			done++;
			t->callback(t);
			if (completed && *completed)
				return 0;
		} else {
			pthread_mutex_lock(&lock);
			for (pp = &queue; *pp; pp = &(*pp)->next)
				;
			p->next = NULL;
			*pp = p;
			pthread_mutex_unlock(&lock);
			sleep_ns(50000);
		}
	} while (usbsim_now_ns() < end && !(completed && *completed) && !done);
	return 0;
}

int LIBUSB_CALL libusb_handle_events_timeout_completed(libusb_context *ctx, struct timeval *tv,
						       int *completed)
{
	return handle_events(ctx, tv, completed);
}

int LIBUSB_CALL libusb_handle_events_timeout(libusb_context *ctx, struct timeval *tv)
{
	return handle_events(ctx, tv, NULL);
}

int LIBUSB_CALL libusb_handle_events_completed(libusb_context *ctx, int *completed)
{
	return handle_events(ctx, NULL, completed);
}

int LIBUSB_CALL libusb_handle_events(libusb_context *ctx)
{
	return handle_events(ctx, NULL, NULL);
}

int LIBUSB_CALL libusb_handle_events_locked(libusb_context *ctx, struct timeval *tv)
{
	return handle_events(ctx, tv, NULL);
}

int LIBUSB_CALL libusb_get_next_timeout(libusb_context *ctx, struct timeval *tv)
{
	return 0;
}

void LIBUSB_CALL libusb_lock_events(libusb_context *ctx)
{
}

void LIBUSB_CALL libusb_unlock_events(libusb_context *ctx)
{
}

int LIBUSB_CALL libusb_try_lock_events(libusb_context *ctx)
{
	return 0;
}

int LIBUSB_CALL libusb_event_handling_ok(libusb_context *ctx)
{
	return 1;
}

int LIBUSB_CALL libusb_event_handler_active(libusb_context *ctx)
{
	return 0;
}

void LIBUSB_CALL libusb_interrupt_event_handler(libusb_context *ctx)
{
}

void LIBUSB_CALL libusb_lock_event_waiters(libusb_context *ctx)
{
}

void LIBUSB_CALL libusb_unlock_event_waiters(libusb_context *ctx)
{
}

int LIBUSB_CALL libusb_wait_for_event(libusb_context *ctx, struct timeval *tv)
{
	sleep_ns(100000);
	return 0;
}

int LIBUSB_CALL libusb_pollfds_handle_timeouts(libusb_context *ctx)
{
	return 1;
}

/* ---- the rest of the API ------------------------------------------------ */

int LIBUSB_CALL libusb_set_option(libusb_context *ctx, enum libusb_option option, ...)
{
	return option <= LIBUSB_OPTION_WEAK_AUTHORITY ? 0 : LIBUSB_ERROR_NOT_SUPPORTED;
}

void LIBUSB_CALL libusb_set_debug(libusb_context *ctx, int level)
{
}

void LIBUSB_CALL libusb_set_log_cb(libusb_context *ctx, libusb_log_cb cb, int mode)
{
}

int LIBUSB_CALL libusb_has_capability(uint32_t capability)
{
	return capability == LIBUSB_CAP_HAS_CAPABILITY ||
	       capability == LIBUSB_CAP_SUPPORTS_DETACH_KERNEL_DRIVER;
}

const struct libusb_version *LIBUSB_CALL libusb_get_version(void)
{
	static const struct libusb_version v = { 1, 0, 26, 11724, "-usbsim",
						 "https://libusb.info" };

	return &v;
}

int LIBUSB_CALL libusb_setlocale(const char *locale)
{
	return 0;
}

int LIBUSB_CALL libusb_hotplug_register_callback(libusb_context *ctx, int events, int flags,
						 int vendor_id, int product_id, int dev_class,
						 libusb_hotplug_callback_fn cb_fn, void *user_data,
						 libusb_hotplug_callback_handle *callback_handle)
{
	return LIBUSB_ERROR_NOT_SUPPORTED;
}

void LIBUSB_CALL libusb_hotplug_deregister_callback(libusb_context *ctx,
						    libusb_hotplug_callback_handle callback_handle)
{
}

static const struct {
	int code;
	const char *name, *text;
} errors[] = {
	{ LIBUSB_SUCCESS, "LIBUSB_SUCCESS", "Success" },
	{ LIBUSB_ERROR_IO, "LIBUSB_ERROR_IO", "Input/Output Error" },
	{ LIBUSB_ERROR_INVALID_PARAM, "LIBUSB_ERROR_INVALID_PARAM", "Invalid parameter" },
	{ LIBUSB_ERROR_ACCESS, "LIBUSB_ERROR_ACCESS", "Access denied (insufficient permissions)" },
	{ LIBUSB_ERROR_NO_DEVICE, "LIBUSB_ERROR_NO_DEVICE",
	  "No such device (it may have been disconnected)" },
	{ LIBUSB_ERROR_NOT_FOUND, "LIBUSB_ERROR_NOT_FOUND", "Entity not found" },
	{ LIBUSB_ERROR_BUSY, "LIBUSB_ERROR_BUSY", "Resource busy" },
	{ LIBUSB_ERROR_TIMEOUT, "LIBUSB_ERROR_TIMEOUT", "Operation timed out" },
	{ LIBUSB_ERROR_OVERFLOW, "LIBUSB_ERROR_OVERFLOW", "Overflow" },
	{ LIBUSB_ERROR_PIPE, "LIBUSB_ERROR_PIPE", "Pipe error" },
	{ LIBUSB_ERROR_INTERRUPTED, "LIBUSB_ERROR_INTERRUPTED",
	  "System call interrupted (perhaps due to signal)" },
	{ LIBUSB_ERROR_NO_MEM, "LIBUSB_ERROR_NO_MEM", "Insufficient memory" },
	{ LIBUSB_ERROR_NOT_SUPPORTED, "LIBUSB_ERROR_NOT_SUPPORTED",
	  "Operation not supported or unimplemented on this platform" },
	{ LIBUSB_ERROR_OTHER, "LIBUSB_ERROR_OTHER", "Other error" },
};

/* The row of code in errors, or -1. */
static int error_row(int code)
{
	int i;

	for (i = 0; i < (int)(sizeof(errors) / sizeof(errors[0])); i++)
		if (errors[i].code == code)
			return i;
	return -1;
}

const char *LIBUSB_CALL libusb_error_name(int code)
{
	int i = error_row(code);

	return i < 0 ? "**UNKNOWN**" : errors[i].name;
}

const char *LIBUSB_CALL libusb_strerror(int code)
{
	int i = error_row(code);

	return i < 0 ? "Unknown error" : errors[i].text;
}
