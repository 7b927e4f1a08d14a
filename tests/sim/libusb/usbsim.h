/* usbsim.h - the device-model interface of the libusb simulator.
 *
 * The simulator (core.c) is a shared library, libusb-1.0.so.0, that
 * programs load in place of the real libusb through LD_LIBRARY_PATH. It
 * implements the libusb-1.0 API over simulated devices; each kind of device
 * is a *model*: one file holding a const struct usbsim_model, registered
 * with USBSIM_MODEL(var) (no list to edit elsewhere).
 *
 * Devices are chosen by the environment, see README:
 *   MPF_USBSIM="stm32dfu:serial=ABC,stm32dfu:serial=DEF:time_scale=0"
 *
 * The core answers the standard requests (GET_DESCRIPTOR, SET_INTERFACE,
 * SET/GET_CONFIGURATION, GET_STATUS, CLEAR_FEATURE) from the descriptors a
 * model publishes, and hands everything else to the model. All model
 * callbacks run under one global lock, so a model needs no locking of its
 * own. A model keeps its state in dev->priv.
 *
 * This interface is shared by every model (STM32 DfuSe, CMSIS-DAP, ...):
 * keep it stable; add fields at the end.
 */
#ifndef USBSIM_H
#define USBSIM_H

#include <libusb.h>
#include <stddef.h>
#include <stdint.h>

/* Returned by a bulk or interrupt IN handler with nothing to send yet: the
 * endpoint NAKs, the core retries until data comes or the transfer's
 * timeout runs out. */
#define USBSIM_NAK 1000000

struct usbsim_dev;

struct usbsim_model {
	const char *name;		/* "stm32dfu": the word used in MPF_USBSIM */
	const char *summary;		/* one line for the README and error messages */
	const char *const *keys;	/* model options accepted (NULL-terminated) */
	/* Build the instance: read options with usbsim_opt*(), allocate
	 * dev->priv, set dev->dev_desc, dev->config and dev->strings. Return 0,
	 * or -1 after usbsim_fatal-style message (usbsim_violation). */
	int (*create)(struct usbsim_dev *dev);
	void (*destroy)(struct usbsim_dev *dev);
	/* A class or vendor control request, or a standard one the core does
	 * not answer itself. data holds wLength bytes (OUT: what the host
	 * sent; IN: fill it). Return the number of bytes of the data stage, or
	 * a negative LIBUSB_ERROR_* (LIBUSB_ERROR_PIPE = the endpoint stalls). */
	int (*control)(struct usbsim_dev *dev, const struct libusb_control_setup *setup,
		       uint8_t *data);
	/* SET_INTERFACE was accepted (the core checked that it exists). NULL ok. */
	void (*set_interface)(struct usbsim_dev *dev, int iface, int alt);
	/* Bulk and interrupt transfers. ep carries the direction bit. OUT:
	 * consume len bytes, return len or an error. IN: fill up to len bytes,
	 * return the count, USBSIM_NAK, or an error. NULL: every such transfer
	 * stalls. */
	int (*bulk)(struct usbsim_dev *dev, uint8_t ep, uint8_t *data, int len);
	int (*interrupt)(struct usbsim_dev *dev, uint8_t ep, uint8_t *data, int len);
	/* USB bus reset (libusb_reset_device). NULL ok. */
	void (*reset)(struct usbsim_dev *dev);
};

struct usbsim_dev {
	const struct usbsim_model *model;
	void *priv;			/* the model's state */
	char name[96];			/* "stm32dfu:ABC" (model:serial), for logs */
	int index;			/* position in MPF_USBSIM, from 0 */

	/* Set by the model's create(). Strings are indexed from 1
	 * (strings[0] is unused; the core answers string 0, the language
	 * table, with 0x0409). */
	const uint8_t *dev_desc;	/* 18 bytes */
	const uint8_t *config;		/* one configuration, wTotalLength bytes */
	const char *const *strings;
	int nstrings;

	/* The device NAKs every control request until this time (CLOCK_MONOTONIC
	 * ns): a ROM busy erasing flash in its USB interrupt handler. A request
	 * whose timeout runs out first fails with LIBUSB_ERROR_TIMEOUT. */
	uint64_t busy_until_ns;
	/* A model NAKing an IN transfer whose data will be ready at a known
	 * time (a probe still on its wire) sets this: the transfer waits
	 * until then, without the lock, so other devices go on meanwhile. */
	uint64_t in_ready_ns;
	/* Set to make the device drop off the bus once the current transfer
	 * completes (DFU leave, reset into the application): every later
	 * transfer fails with LIBUSB_ERROR_NO_DEVICE and device lists no longer
	 * show it (in this process). */
	int gone;
	/* While busy, stall control requests instead of NAKing them (some
	 * STM32L4 ROMs stall a GETSTATUS that comes before the poll time). */
	int busy_stalls;

	struct usbsim_core *core;	/* private to core.c */
};

/* Register a model: USBSIM_MODEL(stm32dfu_model); in the model's file. */
#define USBSIM_MODEL(var) \
	__attribute__((used, section("usbsim_models"))) \
	static const struct usbsim_model *const usbsim_model_ptr_##var = &var

/* Options of this device ("key=value" words of its MPF_USBSIM entry). */
const char *usbsim_opt(struct usbsim_dev *dev, const char *key, const char *dflt);
long long usbsim_opt_int(struct usbsim_dev *dev, const char *key, long long dflt);
double usbsim_opt_double(struct usbsim_dev *dev, const char *key, double dflt);

/* Monotonic time in ns. */
uint64_t usbsim_now_ns(void);

/* A file in the state directory ($MPF_USBSIM_STATE) named
 * "<model>-<serial or index>.<suffix>", mapped shared and read-write, of
 * size bytes; created filled with fill when missing (*fresh = 1). Without
 * a state directory the memory is private to the process. NULL on failure
 * (message on stderr). Never unmapped: devices live as long as the process. */
void *usbsim_state_map(struct usbsim_dev *dev, const char *suffix, size_t size,
		       int fill, int *fresh);

/* One line in the trace ($MPF_USBSIM_LOG): "NAME event: ...". */
void usbsim_log(struct usbsim_dev *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The host broke the protocol: always printed on stderr
 * ("usbsim: NAME: protocol violation: ...") and traced. */
void usbsim_violation(struct usbsim_dev *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
