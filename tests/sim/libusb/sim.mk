# sim.mk - the libusb simulator: $(B)/sim/libusb/libusb-1.0.so.0, a shared
# library loaded in place of the real libusb (LD_LIBRARY_PATH). Every .c
# here is built in: the core and one file per device model.
#
# It is built without the sanitizers even under SANITIZE=1: it is loaded
# into programs that are not instrumented (dfu-util, openocd), where an
# ASan library cannot load; mpf under ASan loads it as an ordinary library.
# (fragments are read before "all:", so keep "all" the default goal)
.DEFAULT_GOAL := all

USBSIM_SRCS := $(wildcard tests/sim/libusb/*.c)
USBSIM_OBJS := $(USBSIM_SRCS:%.c=$(B)/%.pic.o)
USBSIM_LIB := $(B)/sim/libusb/libusb-1.0.so.0
USBSIM_CFLAGS = -std=c11 -Wall -Wextra -Wshadow -Wno-unused-parameter \
	-Wmissing-prototypes $(WERROR_FLAG) -fPIC -pthread -MMD -MP \
	-fvisibility=default $(shell pkg-config --cflags libusb-1.0) -O2 -g

$(B)/tests/sim/libusb/%.pic.o: tests/sim/libusb/%.c
	@mkdir -p $(@D)
	$(CC) $(USBSIM_CFLAGS) -c -o $@ $<

$(USBSIM_LIB): $(USBSIM_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -pthread -Wl,-soname,libusb-1.0.so.0 -o $@ $^
	@ln -sf libusb-1.0.so.0 $(@D)/libusb-1.0.so

SIMS += $(USBSIM_LIB)
