# The CMSIS-DAP probe and Cortex-M target models (tests/sim/dap/*.c).
# Unit tests link them built like the rest of the tree (sanitizers and
# all, $(B)/sim/dapsim.a); the libusb simulator, which is loaded into
# uninstrumented programs such as openocd, gets position-independent
# objects built without sanitizers (its probe device models in
# tests/sim/libusb/cmsisdap.c wrap these).
# (fragments are read before "all:", so keep "all" the default goal)
.DEFAULT_GOAL := all

DAPSIM_SRCS := $(wildcard tests/sim/dap/*.c)
DAPSIM_OBJS := $(DAPSIM_SRCS:%.c=$(B)/%.o)
DAPSIM_PIC_OBJS := $(DAPSIM_SRCS:%.c=$(B)/%.pic.o)
DAPSIM_LIB := $(B)/sim/dapsim.a
DAPSIM_PIC_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow \
	-Wno-unused-parameter -Wmissing-prototypes $(WERROR_FLAG) -fPIC -MMD -MP -O2 -g

$(B)/tests/sim/dap/%.pic.o: tests/sim/dap/%.c
	@mkdir -p $(@D)
	$(CC) $(DAPSIM_PIC_CFLAGS) -c -o $@ $<

$(DAPSIM_LIB): $(DAPSIM_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

SIMS += $(DAPSIM_LIB)

# unit tests that drive the models in-process
$(B)/tests/unit/t-swd: $(DAPSIM_LIB)
$(B)/tests/unit/t-stlink: $(DAPSIM_LIB)
$(B)/tests/unit/t-stm32-parts: $(DAPSIM_LIB)
$(B)/tests/unit/t-flash-times: $(DAPSIM_LIB)

# the libusb simulator links the models in (its rule links all of $^)
$(B)/sim/libusb/libusb-1.0.so.0: $(DAPSIM_PIC_OBJS)
$(B)/tests/unit/t-adiv6: $(DAPSIM_LIB)
