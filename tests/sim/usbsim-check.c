/* usbsim-check - exercise the libusb simulator through the libusb-1.0 API
 * as dfu-util and openocd use it (descriptors, claims, kernel drivers,
 * alt settings, asynchronous transfers, unplugging). Run by t6006 with
 * MPF_USBSIM="stm32dfu:serial=A:kdriver=1:port=1.4,stm32dfu:serial=B:gone=2".
 * Prints one line per failed check on stderr; exit 0 when all pass.
 */
#include <libusb.h>
#include <stdio.h>
#include <string.h>

static int failed;

#define CHECK(x) do { if (!(x)) { fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #x); \
	failed++; } } while (0)

static void cb(struct libusb_transfer *t)
{
	*(int *)t->user_data = 1;
}

static void wait_done(libusb_context *ctx, int *done)
{
	struct timeval tv = { 1, 0 };
	int i;

	for (i = 0; i < 50 && !*done; i++)
		libusb_handle_events_timeout_completed(ctx, &tv, done);
}

static void check_descriptors(libusb_device *d)
{
	struct libusb_device_descriptor dd;
	struct libusb_config_descriptor *c;
	uint8_t ports[8];

	CHECK(libusb_get_device_descriptor(d, &dd) == 0);
	CHECK(dd.idVendor == 0x0483 && dd.idProduct == 0xdf11 && dd.bcdDevice == 0x2100);
	CHECK(libusb_get_config_descriptor(d, 0, &c) == 0);
	CHECK(c->bNumInterfaces == 1 && c->interface[0].num_altsetting == 4);
	/* the functional descriptor follows the last alt setting (lsusb) */
	CHECK(c->interface[0].altsetting[3].extra_length == 9);
	CHECK(c->interface[0].altsetting[3].extra[1] == 0x21);
	CHECK(c->interface[0].altsetting[0].extra_length == 0);
	libusb_free_config_descriptor(c);
	CHECK(libusb_get_config_descriptor(d, 1, &c) == LIBUSB_ERROR_NOT_FOUND);
	CHECK(libusb_get_port_numbers(d, ports, 8) == 2 && ports[0] == 1 && ports[1] == 4);
	CHECK(libusb_get_port_numbers(d, ports, 1) == LIBUSB_ERROR_OVERFLOW);
	CHECK(libusb_get_bus_number(d) == 1 && libusb_get_device_address(d) == 2);
}

static void check_claims(libusb_device *d)
{
	libusb_device_handle *h, *h2;
	unsigned char s[64];

	CHECK(libusb_open(d, &h) == 0);
	CHECK(libusb_get_string_descriptor_ascii(h, 3, s, sizeof(s)) == 1 && s[0] == 'A');
	CHECK(libusb_get_device(h) == d);
	CHECK(libusb_kernel_driver_active(h, 0) == 1);
	CHECK(libusb_claim_interface(h, 0) == LIBUSB_ERROR_BUSY);
	CHECK(libusb_detach_kernel_driver(h, 0) == 0);
	CHECK(libusb_kernel_driver_active(h, 0) == 0);
	CHECK(libusb_claim_interface(h, 0) == 0);
	CHECK(libusb_claim_interface(h, 1) == LIBUSB_ERROR_NOT_FOUND);
	CHECK(libusb_open(d, &h2) == 0);
	CHECK(libusb_claim_interface(h2, 0) == LIBUSB_ERROR_BUSY);
	libusb_close(h2);
	CHECK(libusb_set_interface_alt_setting(h, 0, 9) == LIBUSB_ERROR_NOT_FOUND);
	CHECK(libusb_set_interface_alt_setting(h, 0, 1) == 0);
	CHECK(libusb_release_interface(h, 0) == 0);
	CHECK(libusb_release_interface(h, 0) == LIBUSB_ERROR_NOT_FOUND);
	CHECK(libusb_attach_kernel_driver(h, 0) == 0);
	libusb_close(h);
}

static void check_async(libusb_context *ctx, libusb_device *d)
{
	unsigned char buf[LIBUSB_CONTROL_SETUP_SIZE + 6], in[64];
	struct libusb_transfer *t = libusb_alloc_transfer(0);
	libusb_device_handle *h;
	int done = 0;

	CHECK(libusb_open(d, &h) == 0);
	libusb_set_auto_detach_kernel_driver(h, 1);
	CHECK(libusb_claim_interface(h, 0) == 0);
	/* GETSTATUS, as a control transfer submitted asynchronously */
	libusb_fill_control_setup(buf, 0xa1, 3, 0, 0, 6);
	libusb_fill_control_transfer(t, h, buf, cb, &done, 1000);
	CHECK(libusb_submit_transfer(t) == 0);
	wait_done(ctx, &done);
	CHECK(done && t->status == LIBUSB_TRANSFER_COMPLETED && t->actual_length == 6);
	CHECK(buf[LIBUSB_CONTROL_SETUP_SIZE + 4] == 2);	/* dfuIDLE */
	/* a bulk endpoint the device does not have stalls */
	done = 0;
	libusb_fill_bulk_transfer(t, h, 0x81, in, sizeof(in), cb, &done, 100);
	CHECK(libusb_submit_transfer(t) == 0);
	wait_done(ctx, &done);
	CHECK(done && t->status == LIBUSB_TRANSFER_STALL);
	/* cancelled before it ran */
	done = 0;
	libusb_fill_control_transfer(t, h, buf, cb, &done, 1000);
	CHECK(libusb_submit_transfer(t) == 0);
	CHECK(libusb_cancel_transfer(t) == 0);
	wait_done(ctx, &done);
	CHECK(done && t->status == LIBUSB_TRANSFER_CANCELLED);
	libusb_free_transfer(t);
	CHECK(libusb_release_interface(h, 0) == 0);
	libusb_close(h);
}

/* Device B is unplugged at its second class request. */
static void check_gone(libusb_context *ctx, libusb_device *d)
{
	libusb_device_handle *h;
	libusb_device **list;
	unsigned char st[6];
	ssize_t n;

	CHECK(libusb_open(d, &h) == 0);
	CHECK(libusb_claim_interface(h, 0) == 0);
	CHECK(libusb_control_transfer(h, 0xa1, 3, 0, 0, st, 6, 1000) == 6);
	CHECK(libusb_control_transfer(h, 0xa1, 3, 0, 0, st, 6, 1000) == LIBUSB_ERROR_NO_DEVICE);
	CHECK(libusb_control_transfer(h, 0x80, 6, 0x0100, 0, st, 6, 1000) ==
	      LIBUSB_ERROR_NO_DEVICE);
	n = libusb_get_device_list(ctx, &list);
	CHECK(n == 1);
	libusb_free_device_list(list, 1);
	CHECK(libusb_open(d, &h) == LIBUSB_ERROR_NO_DEVICE);
	libusb_close(h);
}

int main(void)
{
	libusb_context *ctx;
	libusb_device **list;
	ssize_t n;

	CHECK(libusb_init(&ctx) == 0);
	n = libusb_get_device_list(ctx, &list);
	CHECK(n == 2);
	if (n == 2) {
		check_descriptors(list[0]);
		check_claims(list[0]);
		check_async(ctx, list[0]);
		check_gone(ctx, list[1]);
	}
	libusb_free_device_list(list, 1);
	CHECK(!strcmp(libusb_error_name(LIBUSB_ERROR_PIPE), "LIBUSB_ERROR_PIPE"));
	CHECK(libusb_get_version()->major == 1);
	libusb_exit(ctx);
	return failed ? 1 : 0;
}
